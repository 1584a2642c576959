"""The export format (docs/export-format.md) read as a stream: the header, then each table's rows one at a time,
so an import holds one row of the file in memory, never the file.

Every value (a header field, a row) is decoded by the standard library's JSON decoder, exactly as
`json.loads` decodes it; only the document's outer frame (the top object, the `tables` object, the lists
and the separators between them) is walked here. Not ijson: its C backend turns an escaped lone surrogate
into "?" without a word and refuses integers beyond 64 bits as a syntax error, where the import must name
the field; its pure-Python backend is too slow for a 10,000-child file.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

CHUNK = 1 << 16
# The largest single value (one row) the reader buffers: far above a legal row (free text is at most
# 50,000 characters a field), far below what would hurt a laptop.
MAX_VALUE_CHARS = 16 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class StreamProblem(ValueError):
    """What is wrong with the file's text, in Danish, never quoting it; the caller adds "Importfilen ..."."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExportStream:
    """Reads `{header..., "tables": {name: [row, ...], ...}}` from a binary stream, hashing every byte read."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._decoder = json.JSONDecoder()
        self._sha256 = hashlib.sha256()
        self._buf, self._pos, self._eof, self._lines_before = "", 0, False, 0
        self.has_tables = False

    @property
    def sha256(self) -> str:
        """The hash of the bytes read so far; of the whole file once `finish` has returned."""
        return self._sha256.hexdigest()

    # -- the frame ---------------------------------------------------------------------------------------------
    def header(self) -> dict[str, Any]:
        """The top object's fields before `tables` (`has_tables` says whether `tables` followed)."""
        if self._peek() != "{":
            raise StreamProblem("den er ikke en Behandlerklient-eksport (den er ikke et JSON-objekt).")
        self._pos += 1
        header: dict[str, Any] = {}
        if self._peek() == "}":
            return header
        while True:
            key = self._key()
            if key == "tables":
                if self._peek() != "{":
                    raise StreamProblem("feltet 'tables' er ikke et objekt.")
                self.has_tables = True
                return header
            header[key] = self._value()
            if self._separator("}") == "}":
                return header

    def tables(self) -> Iterator[tuple[str, Iterator[Any]]]:
        """Each table's name and an iterator over its rows, in file order. Rows left unread are skipped."""
        self._expect("{")
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            name = self._key()
            if self._peek() != "[":
                raise StreamProblem(f"tabellen {name!r} er ikke en liste.")
            self._pos += 1
            rows = self._rows()
            yield name, rows
            for _ in rows:
                pass
            if self._separator("}") == "}":
                return

    def finish(self) -> None:
        """The end of the top object, then nothing but whitespace to the end of the file. A field after
        `tables` is refused: `json.loads` would let a second `format` or `tables` override the first."""
        if self._separator("}") == ",":
            raise StreamProblem(f"feltet {self._key()!r} står efter 'tables'; alle andre felter skal stå før.")
        if self._peek() != "":
            raise StreamProblem(f"den er ikke gyldig JSON (der står mere efter objektet, linje {self._line()}).")

    def _rows(self) -> Iterator[Any]:
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            yield self._value()
            if self._separator("]") == "]":
                return

    # -- tokens ------------------------------------------------------------------------------------------------
    def _key(self) -> str:
        if self._peek() != '"':
            self._unexpected("et feltnavn i anførselstegn")
        key = self._value()
        self._expect(":")
        return key

    def _separator(self, close: str) -> str:
        c = self._peek()
        if c not in (",", close):
            self._unexpected(f"',' eller '{close}'")
        self._pos += 1
        return c

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            self._unexpected(f"'{char}'")
        self._pos += 1

    def _unexpected(self, wanted: str) -> None:
        if self._peek() == "":
            raise StreamProblem(f"den er ikke gyldig JSON (filen slutter midt i objektet, linje {self._line()}).")
        raise StreamProblem(f"den er ikke gyldig JSON (forventede {wanted}, linje {self._line()}).")

    def _peek(self) -> str:
        """The next character that is not whitespace, or "" at the end of the file."""
        while True:
            self._pos = _WHITESPACE.match(self._buf, self._pos).end()
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def _value(self) -> Any:
        """One JSON value at the current position, decoded by the standard library."""
        self._peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._eof:
                    raise StreamProblem(f"den er ikke gyldig JSON ({exc.msg}, linje {self._line(exc.pos)}).") from None
                if len(self._buf) - self._pos > MAX_VALUE_CHARS:
                    raise StreamProblem(f"en værdi i den er for stor (over {MAX_VALUE_CHARS} tegn), "
                                        f"linje {self._line()}.") from None
                self._fill(len(self._buf) - self._pos)  # doubles the buffer: a long row costs linear time
                continue
            except RecursionError:
                raise StreamProblem(f"den er ikke gyldig JSON (for dybt indlejret, linje {self._line()}).") from None
            if end == len(self._buf) and self._fill():
                continue  # a number or a word may go on in the next chunk
            self._pos = end
            return value

    def _fill(self, at_least: int = 0) -> bool:
        """Reads more of the file into the buffer (dropping what is consumed); False at the end of the file."""
        if self._eof:
            return False
        if self._pos:
            self._lines_before += self._buf.count("\n", 0, self._pos)
            self._buf, self._pos = self._buf[self._pos:], 0
        while True:
            try:
                data = self._source.read(max(at_least, CHUNK))
            except OSError as exc:
                raise StreamProblem(f"den kan ikke læses færdig ({exc.strerror or type(exc).__name__}).") from None
            self._sha256.update(data)
            try:
                text = self._utf8.decode(data, final=not data)
            except UnicodeDecodeError:
                raise StreamProblem("den er ikke tekst i UTF-8.") from None
            if not data:
                self._eof = True
                return False
            if text:
                self._buf += text
                return True

    def _line(self, pos: int | None = None) -> int:
        return self._lines_before + self._buf.count("\n", 0, self._pos if pos is None else pos) + 1
