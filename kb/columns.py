"""A published column: its name, German title and description, and its Frictionless type.

One description serves ``metadata.yml`` (Datasette), ``datapackage.json`` (``kb export``) and the German
headers of the Excel edition, so the three cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.model import PARTIAL_DATE_PATTERN, SLUG_PATTERN, Field

# A partial date (JJJJ, JJJJ-MM, JJJJ-MM-TT) gets a column beside it that says how precise it is.
PRECISION_SUFFIX = "_precision"
PRECISIONS = {4: "Jahr", 7: "Monat", 10: "Tag"}  # length of the value → precision
CODED = "1 = mit Beleg als vorhanden codiert, 0 = nicht berichtet (nie: „fehlt“)"


def date_precision(value: Any) -> str | None:
    """'2018' → 'Jahr', '2018-06' → 'Monat', '2018-06-12' → 'Tag'."""
    return None if value is None else PRECISIONS[len(str(value))]


@dataclass(frozen=True)
class Column:
    name: str
    title: str                    # short German header (Excel edition, Datasette)
    description: str = ""         # what a value means, in German
    type: str = "string"          # Frictionless type: string, integer, number, boolean, date, array, object
    required: bool = False
    enum: tuple[Any, ...] = ()
    pattern: str | None = None
    format: str | None = None     # Frictionless format, e.g. "uri"
    minimum: float | None = None
    maximum: float | None = None
    quotation: bool = False       # holds verbatim quotations (§ 51 UrhG), not our own text

    @property
    def text(self) -> str:
        """Title and description as one German sentence (metadata.yml, datapackage.json)."""
        return f"{self.title}: {self.description}" if self.description else self.title

    def frictionless(self) -> dict[str, Any]:
        """The Frictionless Table Schema field."""
        spec: dict[str, Any] = {"name": self.name, "title": self.title, "type": self.type}
        if self.description:
            spec["description"] = self.description
        if self.format:
            spec["format"] = self.format
        if self.type == "boolean":
            spec.update(trueValues=["1"], falseValues=["0"])
        constraints = {"required": self.required or None, "enum": list(self.enum) or None,
                       "pattern": self.pattern, "minimum": self.minimum, "maximum": self.maximum}
        constraints = {k: v for k, v in constraints.items() if v is not None}
        if constraints:
            spec["constraints"] = constraints
        return spec


def from_field(field: Field, name: str | None = None, title: str | None = None, description: str | None = None,
               required: bool | None = None) -> Column:
    """The column a model field is stored in (JSON lists become Frictionless arrays)."""
    kind = field.type
    common: dict[str, Any] = {
        "name": name or field.name, "title": title or field.title,
        "description": field.description if description is None else description,
        "required": (field.required or field.default is not None) if required is None else required,
    }
    if kind in ("slug", "ref"):
        return Column(**common, pattern=SLUG_PATTERN)
    if kind == "url":
        return Column(**common, format="uri")
    if kind == "date":
        return Column(**common, type="date")
    if kind == "partial_date":
        return Column(**common, pattern=PARTIAL_DATE_PATTERN)
    if kind in ("int", "float"):
        return Column(**common, type="integer" if kind == "int" else "number", minimum=field.minimum,
                      maximum=field.maximum)
    if kind == "bool":
        return Column(**common, type="boolean")
    if kind == "enum":
        return Column(**common, enum=field.choices)
    if kind == "list":
        return Column(**common, type="array")
    return Column(**common, pattern=field.pattern)


def precision_column(date: Column) -> Column:
    return Column(date.name + PRECISION_SUFFIX, f"{date.title} (Genauigkeit)",
                  f"Wie genau „{date.title}“ angegeben ist: Jahr, Monat oder Tag.", enum=tuple(PRECISIONS.values()),
                  required=date.required)
