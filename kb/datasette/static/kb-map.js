// Kooperationswissen: the map of cases. Leaflet comes from the datasette-leaflet plugin as an ES module
// (no CDN); the markers come from the page's JSON block. Only the map tiles are fetched from outside.
(function () {
  "use strict";
  var leafletUrl = document.getElementById("kb-map-script").dataset.leaflet;
  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }
  function popup(marker) {
    var html = '<strong><a href="' + escapeHtml(marker.url) + '">' + escapeHtml(marker.name) + "</a></strong>";
    if (marker.kind) {
      html += " (" + escapeHtml(marker.kind) + ")";
    }
    if (marker.cases.length) {
      html += "<ul>" + marker.cases.map(function (c) {
        return '<li><a href="' + escapeHtml(c.url) + '">' + escapeHtml(c.title) + "</a></li>";
      }).join("") + "</ul>";
    }
    return html;
  }
  function draw(L) {
    var element = document.getElementById("kb-map");
    var data = JSON.parse(document.getElementById("kb-map-data").textContent);
    var map = L.map(element, {scrollWheelZoom: false});
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 18,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-Mitwirkende'
    }).addTo(map);
    var bounds = [];
    data.markers.forEach(function (m) {
      var radius = 6 + Math.min(12, 3 * Math.sqrt(m.cases.length));
      L.circleMarker([m.lat, m.lon], {radius: radius, color: "#123c69", weight: 2, fillColor: "#2f6fb3", fillOpacity: 0.7})
        .bindPopup(popup(m)).bindTooltip(m.name).addTo(map);
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, {padding: [20, 20]});
    } else if (bounds.length === 1) {
      map.setView(bounds[0], data.zoom || 9);
    } else {
      map.setView([51.2, 10.4], 6);
    }
    element.dataset.markers = String(data.markers.length);
  }
  import(leafletUrl).then(draw);
})();
