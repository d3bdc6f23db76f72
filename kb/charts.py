"""The charts of the analysts' page „Auswertungen“: SQL plus a Vega-Lite spec each.

They are configured for the datasette-dashboards plugin (``metadata.yml`` → ``plugins``), whose bundled Vega,
Vega-Lite and vega-embed files draw them (no CDN: the site works on a closed network). The German page
``/auswertungen`` (``kb.datasette.routes``) and the plugin's own ``/-/dashboards/auswertungen`` render the same
configuration; both fetch the numbers with the chart's SQL, so a chart always shows what the SQL returns.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DASHBOARD = "auswertungen"
DATABASE = "kb"
GERMAN_NUMBERS = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " €"]}
EMBED = {"renderer": "svg", "actions": False, "formatLocale": GERMAN_NUMBERS}
_PHONE = "containerSize()[0] < 600"  # Vega expression: the chart is on a narrow screen
_AXIS_LABELS = {"labelLimit": {"expr": f"{_PHONE} ? 130 : 260"}, "labelFontSize": 11, "titleFontSize": 12}
# German headers of the chart columns (the table under each chart)
HEADERS = {"faktor": "Erfolgsfaktor", "gruppe": "Gruppe", "praxisbeispiele": "Praxisbeispiele",
           "bundesland": "Bundesland", "alle": "Praxisbeispiele im Land", "startjahr": "Startjahr",
           "faktor_a": "Erfolgsfaktor", "faktor_b": "und", "jaccard": "Jaccard-Index"}


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    sql: str
    spec: dict[str, Any]
    value: str          # the column whose numbers the chart shows (tests compare them with SQL)
    category: str       # the column that names a bar or a cell


def _spec(**spec: Any) -> dict[str, Any]:
    return {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "usermeta": {"embedOptions": EMBED},
            "autosize": {"type": "fit-x", "contains": "padding"},
            "config": {"background": "#ffffff00", "axis": _AXIS_LABELS, "legend": {"orient": "bottom"},
                       "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
            **spec}


def _heatmap(x: str, x_title: str, y: str, value: str, value_title: str,
             tooltip: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(
        mark={"type": "rect", "tooltip": True},
        height={"step": 16},
        encoding={
            "x": {"field": x, "type": "nominal", "title": x_title, "sort": "ascending",
                  "axis": {"labelAngle": {"expr": f"{_PHONE} ? -90 : -50"}, "labelLimit": 130,
                           "labelFontSize": {"expr": f"{_PHONE} ? 8 : 11"}}},
            "y": {"field": y, "type": "nominal", "title": None, "sort": "ascending"},  # the heading names it
            "color": {"field": value, "type": "quantitative", "title": value_title,
                      "scale": {"scheme": "blues"}, "legend": {"orient": "bottom", "gradientLength": 160}},
            "tooltip": tooltip,
        })


CHARTS = (
    Chart(
        "haeufigkeit", "Wie oft ist jeder Erfolgsfaktor belegt?",
        "Zahl der Praxisbeispiele, in denen der Faktor mit Beleg codiert ist. 0 heißt: nicht berichtet, nicht "
        "„fehlt“.",
        """select f.label as faktor, g.label as gruppe, count(cf.case_id) as praxisbeispiele
from factors f join factor_groups g on g.id = f.group_id
left join case_factors cf on cf.factor_id = f.id
group by f.id order by praxisbeispiele desc, f.position, f.id""",
        _spec(
            mark={"type": "bar", "tooltip": True},
            height={"step": 18},
            encoding={
                "y": {"field": "faktor", "type": "nominal", "title": None, "sort": "-x"},
                "x": {"field": "praxisbeispiele", "type": "quantitative", "title": "Praxisbeispiele mit Beleg",
                      "axis": {"tickMinStep": 1}},
                "color": {"field": "gruppe", "type": "nominal", "title": "Gruppe",
                          "legend": {"orient": "bottom", "columns": 1, "labelLimit": 260}},
                "tooltip": [{"field": "faktor", "title": "Erfolgsfaktor"}, {"field": "gruppe", "title": "Gruppe"},
                            {"field": "praxisbeispiele", "title": "Praxisbeispiele"}],
            }),
        "praxisbeispiele", "faktor"),
    Chart(
        "bundeslaender", "Erfolgsfaktoren je Bundesland",
        "Zahl der verschiedenen Praxisbeispiele je Bundesland, in denen der Faktor mit Beleg codiert ist (Sicht "
        "factors_by_state). Leere Felder: nicht berichtet.",
        """select state as bundesland, factor as faktor, cases as praxisbeispiele, cases_total as alle
from factors_by_state order by bundesland, faktor""",
        _heatmap("bundesland", "Bundesland", "faktor", "praxisbeispiele", "Praxisbeispiele",
                 [{"field": "bundesland", "title": "Bundesland"}, {"field": "faktor", "title": "Erfolgsfaktor"},
                  {"field": "praxisbeispiele", "title": "Praxisbeispiele mit Beleg"},
                  {"field": "alle", "title": "Praxisbeispiele im Land"}]),
        "praxisbeispiele", "bundesland"),
    Chart(
        "startjahre", "Praxisbeispiele nach Startjahr",
        "Zahl der Praxisbeispiele je Jahr des Beginns, soweit die Quellen ihn nennen; jedes Jahr zwischen dem "
        "ersten und dem letzten steht da, auch ohne Praxisbeispiel.",
        """with recursive years(startjahr) as (
  select min(start_year) from cases union all
  select startjahr + 1 from years where startjahr < (select max(start_year) from cases))
select y.startjahr, count(c.id) as praxisbeispiele
from years y left join cases c on c.start_year = y.startjahr
where y.startjahr is not null group by y.startjahr order by y.startjahr""",
        _spec(
            mark={"type": "bar", "tooltip": True},
            height=220,
            encoding={
                "x": {"field": "startjahr", "type": "ordinal", "title": "Startjahr", "axis": {"labelAngle": -50}},
                "y": {"field": "praxisbeispiele", "type": "quantitative", "title": "Praxisbeispiele",
                      "axis": {"tickMinStep": 1}},
                "tooltip": [{"field": "startjahr", "title": "Startjahr"},
                            {"field": "praxisbeispiele", "title": "Praxisbeispiele"}],
            }),
        "praxisbeispiele", "startjahr"),
    Chart(
        "kookkurrenz", "Welche Erfolgsfaktoren werden gemeinsam belegt?",
        "Zahl der Praxisbeispiele, in denen beide Faktoren mit Beleg codiert sind (Sicht factor_cooccurrence, "
        "jedes Paar in beiden Richtungen); im Tooltip der Jaccard-Index. Leere Felder: nie gemeinsam berichtet.",
        """select factor_a as faktor_a, factor_b as faktor_b, cases_both as praxisbeispiele, jaccard
from factor_cooccurrence
union all
select factor_b, factor_a, cases_both, jaccard from factor_cooccurrence
order by faktor_a, faktor_b""",
        _heatmap("faktor_a", "Erfolgsfaktor", "faktor_b", "praxisbeispiele",
                 "Praxisbeispiele",
                 [{"field": "faktor_a", "title": "Erfolgsfaktor"}, {"field": "faktor_b", "title": "und"},
                  {"field": "praxisbeispiele", "title": "Praxisbeispiele"},
                  {"field": "jaccard", "title": "Jaccard-Index", "format": ".2f"}]),
        "praxisbeispiele", "faktor_a"),
)


def dashboard_config() -> dict[str, Any]:
    """The ``datasette-dashboards`` plugin configuration (part of metadata.yml)."""
    return {DASHBOARD: {
        "title": "Auswertungen",
        "description": "Erfolgsfaktoren in Zahlen: Häufigkeit, Bundesländer, Startjahre und gemeinsame Belege.",
        "layout": [["haeufigkeit", "startjahre"], ["bundeslaender", "bundeslaender"], ["kookkurrenz", "kookkurrenz"]],
        "charts": {c.slug: {"title": c.title, "db": DATABASE, "query": c.sql, "library": "vega-lite",
                            "display": c.spec} for c in CHARTS},
    }}
