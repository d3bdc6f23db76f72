"""Client errors that Datasette reports as server errors (500) answered as 400 Bad Request.

Datasette raises ``DatasetteError`` without a status for ``?_sort=nope`` and lets ``ValueError`` escape
while it parses ``?_timelimit=abc``, ``?_through={`` or ``?id__in=[``: the request is at fault, not the site.
"""
from __future__ import annotations

from pathlib import Path

import datasette
from datasette import hookimpl
from datasette.handle_exception import handle_exception as datasette_handle_exception
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError

_CLIENT_MESSAGES = ("Cannot sort table by ", "Cannot use _sort and _sort_desc at the same time")
_REQUEST_PARSING = (Path(datasette.__file__).parent / "views" / "table.py", Path(datasette.__file__).parent / "filters.py")


def is_client_error(exception: BaseException) -> bool:
    if isinstance(exception, Base400):
        return False  # already a 4xx
    if isinstance(exception, DatasetteError):
        return exception.status == 500 and str(exception.message).startswith(_CLIENT_MESSAGES)
    if isinstance(exception, ValueError):
        frames, tb = [], exception.__traceback__
        while tb is not None:
            frames.append(Path(tb.tb_frame.f_code.co_filename))
            tb = tb.tb_next
        return any(frame in _REQUEST_PARSING for frame in frames)
    return False


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    if not is_client_error(exception):
        return None
    return datasette_handle_exception(datasette, request, DatasetteError(str(exception), status=400))
