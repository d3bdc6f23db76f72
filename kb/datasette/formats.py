"""How coordinators read values: German dates and numbers, nested quotation marks."""
from __future__ import annotations

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")


def german_date(value: object, end: object = None) -> str:
    """'2018-06-12' → '12. Juni 2018', '2018-06' → 'Juni 2018', '2018' → '2018'; a range with ``end``
    ('2017-07', '2017-10') → 'Juli bis Oktober 2017'."""
    if value in (None, ""):
        return ""
    parts = str(value).split("-")
    if len(parts) >= 2 and not (parts[0].isdigit() and parts[1].isdigit() and 1 <= int(parts[1]) <= 12):
        return str(value)
    year = parts[0]
    month = MONTHS[int(parts[1]) - 1] if len(parts) >= 2 else ""
    day = f"{int(parts[2])}. " if len(parts) == 3 and parts[2].isdigit() else ""
    if end not in (None, "", value):
        end_text = german_date(end)
        if str(end).startswith(year) and month and not day:
            return f"{month} bis {end_text}"
        return f"{german_date(value)} bis {end_text}"
    return f"{day}{month} {year}".strip()


def german_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def inner_quotes(text: str) -> str:
    """Quotation marks inside a text that is itself quoted become single German marks („a „b““ → „a ‚b‘“)."""
    return text.replace("„", "‚").replace("“", "‘").replace('"', "'")


def plural(n: int, singular: str, plural_form: str) -> str:
    return f"{german_number(n)} {singular if n == 1 else plural_form}"
