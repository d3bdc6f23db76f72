"""What a public web page says about itself (title, publisher, date, language), to pre-fill a source."""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser

from kb import __version__

MAX_BYTES = 2_000_000
TIMEOUT = 15


class PageError(Exception):
    """The page could not be read; the message is German."""


@dataclass(frozen=True)
class PageInfo:
    title: str | None = None
    publisher: str | None = None
    date: str | None = None       # JJJJ-MM-TT
    language: str | None = None   # ISO 639-1


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.lang = ""
        self.time = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content") and key not in self.meta:
                self.meta[key] = a["content"].strip()
        elif tag == "title":
            self._in_title = True
        elif tag == "time" and not self.time:
            self.time = a.get("datetime", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _date(value: str) -> str | None:
    match = re.match(r"(\d{4}-\d{2}-\d{2})", value.strip())
    return match.group(1) if match else None


def parse(html: str) -> PageInfo:
    head = _Head()
    head.feed(html)
    meta = head.meta
    title = meta.get("og:title") or " ".join(head.title.split()) or None
    publisher = meta.get("og:site_name") or meta.get("publisher") or meta.get("author") or None
    date = next(filter(None, (_date(meta.get(k, "")) for k in
                              ("article:published_time", "datepublished", "date", "dc.date", "dcterms.date"))),
                None) or _date(head.time)
    language = (head.lang or meta.get("og:locale") or "")[:2].lower() or None
    return PageInfo(title, publisher, date, language if language and language.isalpha() else None)


def fetch(url: str) -> PageInfo:
    """Read the page at ``url`` (at most MAX_BYTES) and parse its head."""
    request = urllib.request.Request(url, headers={"User-Agent": f"kooperationswissen-kb/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read(MAX_BYTES)
            charset = response.headers.get_content_charset() or "utf-8"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise PageError(f"Seite {url} nicht lesbar ({reason})") from exc
    try:
        html = body.decode(charset, errors="replace")
    except LookupError:
        html = body.decode("utf-8", errors="replace")
    return parse(html)
