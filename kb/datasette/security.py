"""Security headers on every response of the site, through Datasette's ``asgi_wrapper`` hook.

The Content-Security-Policy allows scripts only from the site itself plus the inline scripts that
the templates and the plugins' ``extra_body_script`` contain, each by its SHA-256 hash (computed from
the template files and the hooks, never from a response, so an injected script never matches). Styles may be inline: Datasette's templates use
``style=""`` attributes, and CSS cannot run script. One exception: the charts page (Vega evaluates
expressions with ``Function``). Why and how to add a script: docs/reliability.md.
"""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import datasette
from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import await_me_maybe

from kb.datasette.analysis import CHARTS_PATH

TEMPLATE_DIRS = (Path(__file__).parent / "templates", Path(datasette.__file__).parent / "templates")
# A template's inline script may interpolate one boolean flag, e.g. DATASETTE_ALLOW_FACET = {{ … }};
_FLAG_VALUES = ("true", "false")
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S)
_EXPRESSION = re.compile(r"\{\{.*?\}\}")
MAP_TILES = "https://tile.openstreetmap.org"
VIEW_NAMES = ("index", "database", "table", "row", "query")


def template_scripts() -> set[str]:
    """The inline scripts written in the template files (ours and Datasette's)."""
    bodies: set[str] = set()
    for directory in TEMPLATE_DIRS:
        for template in directory.glob("*.html"):
            for body in _INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")):
                if "{%" in body or len(_EXPRESSION.findall(body)) > 1 or not _EXPRESSION.sub("", body).strip():
                    continue  # not static (or only a placeholder such as base.html's body scripts): no hash
                bodies.update(_EXPRESSION.sub(value, body) for value in _FLAG_VALUES)
    return bodies


async def body_scripts(datasette) -> set[str]:
    """What every plugin's ``extra_body_script`` adds (ours, datasette-leaflet's …), for each kind of page."""
    bodies: set[str] = set()
    for view_name in VIEW_NAMES:
        for result in pm.hook.extra_body_script(template=f"{view_name}.html", database="", table="", columns=[],
                                                view_name=view_name, request=None, datasette=datasette):
            result = await await_me_maybe(result)
            script = result.get("script") if isinstance(result, dict) else result
            if script:
                bodies.add(str(script))
    return bodies


async def inline_scripts(datasette) -> set[str]:
    return template_scripts() | await body_scripts(datasette)


def _hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(scripts: set[str] | None) -> str:
    """The policy; ``scripts=None`` for the charts page, whose Vega renderer needs 'unsafe-eval' and whose
    inline script is generated per chart (so it cannot be allowed by hash)."""
    if scripts is None:
        script_src = "'self' 'unsafe-inline' 'unsafe-eval'"
    else:
        script_src = "'self' " + " ".join(sorted(_hash(body) for body in scripts))
    return "; ".join([
        "default-src 'self'",
        f"script-src {script_src}",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: {MAP_TILES}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",  # map tiles need the origin as Referer
}


async def security_headers(datasette, path: str = "/") -> dict[str, str]:
    scripts = None if path == CHARTS_PATH else await inline_scripts(datasette)
    return {"content-security-policy": content_security_policy(scripts), **HEADERS}


@hookimpl
def asgi_wrapper(datasette):
    by_path: dict[str, list[tuple[bytes, bytes]]] = {}  # computed on first use, when every plugin is loaded

    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            key = CHARTS_PATH if scope.get("path") == CHARTS_PATH else "/"
            if key not in by_path:
                by_path[key] = [(k.encode(), v.encode()) for k, v in (await security_headers(datasette, key)).items()]
            headers = by_path[key]
            names = {name for name, _ in headers}

            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                    message = {**message, "headers": kept + headers}
                await send(message)

            return await app(scope, receive, send_with_headers)

        return with_headers

    return wrap
