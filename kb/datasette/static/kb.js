// Kooperationswissen: small enhancements of the coordinators' pages (everything works without them).
(function () {
  "use strict";
  // Filters are open beside the list on wide screens and folded away on phones.
  var filters = document.getElementById("kb-filters");
  if (filters && window.matchMedia("(min-width: 48.01rem)").matches) {
    filters.open = true;
  }
  // "Zitiervorschlag kopieren"
  document.querySelectorAll("button.kb-copy").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = button.nextElementSibling;
    if (!source || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        status.textContent = "Kopiert.";
      }, function () {
        status.textContent = "Kopieren nicht möglich: bitte den Text markieren und kopieren.";
      });
    });
  });
})();
