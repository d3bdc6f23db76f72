"""CSV that German Excel opens correctly: ``;`` as separator, UTF-8 with BOM, lists joined by „; “."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

BOM = "\ufeff"
LIST_SEPARATOR = "; "


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(cell(v) for v in value)
    return str(value)


def excel_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole file as text, BOM first; write it with ``encoding="utf-8"``."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


def text_cell(value: Any) -> str:
    """A code Excel must keep as text (AGS ``09162000`` would lose its leading zero): ``="09162000"``."""
    return f'="{value}"'
