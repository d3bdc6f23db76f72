"""Read and compose one data file with bounded work and German messages at the exact place.

- only regular files, at most MAX_FILE_BYTES, and no symlink that leaves the data folder
  (a FIFO or /dev/zero would otherwise hang or fill memory);
- UTF-8 only; a bad byte, NUL or control character is reported at its own line and column;
- composed from libyaml's events without recursion (libyaml's own composer crashes the process
  on ~100,000 nested brackets), at most MAX_DEPTH levels deep;
- libyaml's English syntax messages translated; an unclosed quote is reported where it opens.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import yaml
from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent, StreamEndEvent)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kb.problems import Problem, display_path, os_error_text

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 20_000_000  # the largest data file today is ~100 KB
MAX_DEPTH = 50               # the model needs 5 levels (list → record → list → object → list)
_DEPTH_HINT = "höchstens ein paar Ebenen (Liste → Datensatz → Liste → Abschnitt)"
YAML_HINT = "gültiges YAML (Einrückung mit Leerzeichen, „: “ nach jedem Schlüssel)"

# Characters YAML does not allow (it allows tab, line feed, carriage return, NEL and printable Unicode).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


class LimitExceeded(Exception):
    """Raised while composing when a file exceeds a limit; carries the German message and where."""

    def __init__(self, mark: yaml.Mark | None, message: str, expected: str):
        super().__init__(message)
        self.mark, self.message, self.expected = mark, message, expected


def _problem(file: Path, line: int, column: int, message: str, expected: str = "") -> Problem:
    return Problem(display_path(file), line, column, "", message, expected)


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte ``offset`` in UTF-8 ``data``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[line_start:offset].decode("utf-8", "replace")) + 1


def read_text(file: Path, data_dir: Path | None = None) -> tuple[str | None, list[Problem]]:
    """The text of a data file, or problems: never blocks on special files, never reads without limit."""
    data, problems = read_bytes(file, data_dir)
    return (None, problems) if data is None else decode(file, data)


def read_bytes(file: Path, data_dir: Path | None = None) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a data file, or problems (special files, links out of ``data_dir``, oversized files)."""
    try:
        target = file.resolve(strict=True)
        if data_dir is not None and file.is_symlink() and not target.is_relative_to(data_dir.resolve()):
            return None, [_problem(file, 1, 1, f"Verknüpfung (Symlink) zeigt aus dem Datenordner hinaus auf "
                                   f"{target}", "eine echte Datei im Datenordner")]
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then rejects it.
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return None, [_problem(file, 1, 1, f"Datei nicht lesbar: {os_error_text(exc)}",
                               "eine lesbare Datei im Datenordner")]
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, [_problem(file, 1, 1, "keine gewöhnliche Datei (Gerät, FIFO oder Ordner)",
                                   "eine YAML-Textdatei")]
        data = os.read(fd, MAX_FILE_BYTES + 1)
        while len(data) <= MAX_FILE_BYTES and (chunk := os.read(fd, MAX_FILE_BYTES + 1 - len(data))):
            data += chunk
    except OSError as exc:
        return None, [_problem(file, 1, 1, f"Datei nicht lesbar: {os_error_text(exc)}",
                               "eine lesbare Datei im Datenordner")]
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        return None, [_problem(file, 1, 1, f"Datei ist größer als {MAX_FILE_BYTES:,} Bytes".replace(",", "."),
                               "die Datensätze auf mehrere Dateien verteilen")]
    return data, []


def decode(file: Path, data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text, or a problem at the line and column of the first byte or character that is not allowed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [_problem(file, 1, 1, "Datei ist UTF-16 kodiert", "in UTF-8 speichern")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(data, exc.start)
        byte = data[exc.start]
        guess = bytes([byte]).decode("cp1252", "replace")
        hint = f" (in Latin-1/Windows-1252 wäre das „{guess}“)" if byte >= 0x80 and guess.isprintable() else ""
        return None, [_problem(file, line, column, f"Datei ist kein UTF-8: Byte 0x{byte:02X}{hint}",
                               "in UTF-8 speichern")]
    bad = _FORBIDDEN.search(text)
    if bad:
        offset = len(text[:bad.start()].encode("utf-8"))
        line, column = _line_column(data, offset)
        char = bad.group()
        what = "NUL-Zeichen (vermutlich UTF-16 ohne BOM)" if char == "\0" else f"Steuerzeichen U+{ord(char):04X}"
        return None, [_problem(file, line, column, f"{what} ist in YAML nicht erlaubt",
                               "Text ohne Steuerzeichen, in UTF-8 gespeichert")]
    return text, []


def _resolve(loader: yaml.SafeLoader, kind: type[Node], event, value: str | None) -> str:
    if event.tag is None or event.tag == "!":
        return loader.resolve(kind, value, event.implicit)
    return event.tag


def compose(text: str) -> Node | None:
    """The node tree of a single YAML document, like ``yaml.compose`` but without recursion.

    Raises ``yaml.MarkedYAMLError`` for syntax errors and ``LimitExceeded`` for nesting, bad aliases
    and several documents.
    """
    try:
        return _compose(text, Loader)
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" not in (exc.problem or "") or exc.problem_mark is None:
            raise
        # Newer libyaml builds (PyPI wheels) stop at 1,000 levels while scanning ahead, before our
        # MAX_DEPTH check sees the events: find our own, earlier place in the text before that point.
        _compose(_text_before(text, exc.problem_mark), yaml.SafeLoader)
        raise LimitExceeded(exc.problem_mark, f"mehr als {MAX_DEPTH} Ebenen verschachtelt", _DEPTH_HINT) from None


def _text_before(text: str, mark: yaml.Mark) -> str:
    lines = text.split("\n", mark.line + 1)
    return "\n".join(lines[:mark.line] + [lines[mark.line][:mark.column]])


def _compose(text: str, loader_class: type) -> Node | None:
    loader = loader_class(text)
    try:
        anchors: dict[str, Node] = {}
        stack: list[Node] = []
        root: Node | None = None
        documents = 0
        while not isinstance(event := loader.get_event(), StreamEndEvent):
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise LimitExceeded(event.start_mark, "mehr als ein YAML-Dokument (--- trennt Dokumente)",
                                        "ein Dokument je Datei")
                continue
            if isinstance(event, (SequenceEndEvent, MappingEndEvent)):
                stack.pop().end_mark = event.end_mark
                continue
            if isinstance(event, AliasEvent):
                if event.anchor not in anchors:
                    raise LimitExceeded(event.start_mark, f"Alias *{event.anchor} ohne Anker &{event.anchor}",
                                        f"&{event.anchor} vor *{event.anchor}")
                node = anchors[event.anchor]
                if any(node is open_node for open_node in stack):
                    raise LimitExceeded(event.start_mark, f"Alias *{event.anchor} verweist auf sich selbst",
                                        "keine rekursiven Aliase")
            elif isinstance(event, ScalarEvent):
                node = ScalarNode(_resolve(loader, ScalarNode, event, event.value), event.value, event.start_mark,
                                  event.end_mark, style=event.style)
            elif isinstance(event, SequenceStartEvent):
                node = SequenceNode(_resolve(loader, SequenceNode, event, None), [], event.start_mark, None,
                                    flow_style=event.flow_style)
            elif isinstance(event, MappingStartEvent):
                node = MappingNode(_resolve(loader, MappingNode, event, None), [], event.start_mark, None,
                                   flow_style=event.flow_style)
            else:  # stream start, document end
                continue
            if not isinstance(event, AliasEvent) and event.anchor:
                if event.anchor in anchors:
                    raise LimitExceeded(event.start_mark, f"Anker &{event.anchor} doppelt", "jeden Anker nur einmal")
                anchors[event.anchor] = node
            if not stack:
                root = node
            elif isinstance(stack[-1], SequenceNode):
                stack[-1].value.append(node)
            elif stack[-1].value and len(stack[-1].value[-1]) == 1:  # the value of the pending key
                stack[-1].value[-1] = (stack[-1].value[-1][0], node)
            else:
                stack[-1].value.append((node,))
            if isinstance(event, (SequenceStartEvent, MappingStartEvent)):
                stack.append(node)
                if len(stack) > MAX_DEPTH:
                    raise LimitExceeded(event.start_mark, f"mehr als {MAX_DEPTH} Ebenen verschachtelt", _DEPTH_HINT)
        return root
    finally:
        loader.dispose()


# libyaml's messages (context and problem) in German; anything unknown is shown as it is.
_MESSAGES = {
    "while parsing a block mapping": "in einem Abschnitt",
    "while parsing a block collection": "in einer Liste",
    "while parsing a flow sequence": "in einer [Liste]",
    "while parsing a flow mapping": "in einem {Abschnitt}",
    "while parsing a block node": "in einem Wert",
    "while parsing a flow node": "in einem Wert",
    "while parsing a node": "in einem Wert",
    "while scanning a simple key": "bei einem Schlüssel",
    "while scanning a quoted scalar": "in einem Text in Anführungszeichen",
    "while parsing a quoted scalar": "in einem Text in Anführungszeichen",
    "while scanning a plain scalar": "in einem Text",
    "while scanning a block scalar": "in einem Textblock (| oder >)",
    "while scanning an anchor": "bei einem Anker (&)",
    "while scanning an alias": "bei einem Alias (*)",
    "while scanning a tag": "bei einem Typ (!)",
    "while parsing a tag": "bei einem Typ (!)",
    "while scanning a directive": "bei einer Direktive (%)",
    "while scanning a %YAML directive": "bei einer %YAML-Direktive",
    "while scanning a %TAG directive": "bei einer %TAG-Direktive",
    "while parsing document content": "im Dokument",
    "while scanning for the next token": "",
    "did not find expected key": "erwartet wurde ein Schlüssel (feldname: wert) mit gleicher Einrückung",
    "did not find expected '-' indicator": "erwartet wurde ein Listeneintrag „- “ mit gleicher Einrückung",
    "did not find expected ',' or ']'": "erwartet wurde „,“ oder „]“",
    "did not find expected ',' or '}'": "erwartet wurde „,“ oder „}“",
    "did not find expected node content": "erwartet wurde ein Wert",
    "did not find expected <document start>": "erwartet wurde der Beginn eines Dokuments",
    "did not find expected comment or line break": "erwartet wurde ein Kommentar oder Zeilenende",
    "did not find expected alphabetic or numeric character": "erwartet wurde ein Buchstabe oder eine Ziffer",
    "did not find expected whitespace or line break": "erwartet wurde ein Leerzeichen oder Zeilenende",
    "did not find expected tag URI": "erwartet wurde ein Typname",
    "did not find URI escaped octet": "unvollständige %-Kodierung",
    "could not find expected ':'": "„:“ fehlt nach dem Schlüssel",
    "mapping values are not allowed in this context":
        "„: “ ist hier nicht erlaubt (Text mit „: “ in Anführungszeichen setzen)",
    "block sequence entries are not allowed in this context": "„- “ ist hier nicht erlaubt",
    "found character that cannot start any token":
        "Zeichen, mit dem kein Wert beginnen darf (z. B. @ oder `; Text in Anführungszeichen setzen)",
    "found unexpected end of stream": "Dateiende erreicht",
    "found unexpected document indicator": "„---“ oder „...“ mitten im Text",
    "found unknown escape character": "unbekannte Escape-Folge nach \\ (in \"…\"; sonst '…' verwenden)",
    "found unexpected ':'": "unerwartetes „:“",
    "found a tab character that violates indentation": "Tabulator in der Einrückung (nur Leerzeichen erlaubt)",
    "found a tab character where an indentation space is expected":
        "Tabulator in der Einrückung (nur Leerzeichen erlaubt)",
    "found incompatible YAML document": "inkompatible YAML-Version",
    "found duplicate %YAML directive": "%YAML-Direktive doppelt",
    "found an incorrect leading UTF-8 octet": "ungültiges UTF-8",
    "found an incorrect trailing UTF-8 octet": "ungültiges UTF-8",
    "expected a comment or a line break": "erwartet wurde ein Kommentar oder Zeilenende",
    "expected <block end>, but found '<block mapping start>'":
        "Einrückung passt nicht: ein Abschnitt beginnt, wo die vorige Ebene endet",
}


def _german(text: str | None) -> str:
    if not text:
        return ""
    text = text.strip()
    if text in _MESSAGES:
        return _MESSAGES[text]
    match = re.fullmatch(r"expected <block end>, but found '(.+)'", text)
    if match:
        return f"Einrückung passt nicht: unerwartet „{match.group(1)}“"
    return text


def limit_problem(file: Path, exc: LimitExceeded) -> Problem:
    line, column = (exc.mark.line + 1, exc.mark.column + 1) if exc.mark else (1, 1)
    return _problem(file, line, column, exc.message, exc.expected)


def syntax_problem(file: Path, exc: yaml.YAMLError, text: str = "") -> Problem:
    """A YAML syntax error as a German problem at the place a curator must look."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return _problem(file, 1, 1, f"YAML-Syntaxfehler: {exc}", YAML_HINT)
    context, problem = _german(exc.context), _german(exc.problem)
    mark, start = exc.problem_mark or exc.context_mark, exc.context_mark
    if mark and _char_at(text, mark) == "\t":
        problem = "Tabulator (nur Leerzeichen sind zum Einrücken erlaubt)"
    if exc.problem in ("found unexpected end of stream", "found unexpected document indicator") and start and \
            exc.context in ("while scanning a quoted scalar", "while parsing a quoted scalar"):
        # libyaml notices a missing closing quote only where the text ends: point at the opening one
        end = f" ({problem} in Zeile {mark.line + 1})" if mark else ""
        mark, problem, context, start = start, f"Anführungszeichen wird hier geöffnet und nicht geschlossen{end}", "", None
    message = f"YAML-Syntaxfehler {context}: {problem}" if context else f"YAML-Syntaxfehler: {problem}"
    if start and mark and start.line != mark.line:
        message += f" (begonnen in Zeile {start.line + 1})"
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return _problem(file, line, column, message, YAML_HINT)


def _char_at(text: str, mark: yaml.Mark) -> str:
    lines = text.split("\n", mark.line + 1)
    return lines[mark.line][mark.column:mark.column + 1] if mark.line < len(lines) else ""
