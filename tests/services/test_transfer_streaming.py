"""export-json and import stream: memory that does not grow with the database, and a file that breaks off midway
imports nothing."""

import io
import json
import tracemalloc
from datetime import date

import pytest

from behandlerklient.core.errors import InvalidInput
from behandlerklient.services.demo import demo
from behandlerklient.services.exchange import json_stream, transfer
from behandlerklient.services.signatures import seal
from behandlerklient.services.workspace import workspace
from behandlerklient.storage import transfer_rows
from tests.conftest import PASSPHRASE, USERNAME
from tests.helpers import export_without_time

TODAY = date(2026, 11, 23)


def _database(tmp_path, name: str, children: int) -> workspace.Workspace:
    # A target's administrator is not one of the source's authors (who must sign with a key on record there).
    ws = workspace.create(path=tmp_path / name, username=USERNAME if children else "chef", full_name="Anna",
                          passphrase=PASSPHRASE)
    if children:
        demo.generate(ws=ws, children_count=children, seed=5, today=TODAY)
    return ws


@pytest.fixture
def filled(tmp_path):
    ws = _database(tmp_path, "kilde.db", 12)
    yield ws
    ws.close()


@pytest.fixture
def target(tmp_path):
    ws = _database(tmp_path, "mål.db", 0)
    yield ws
    ws.close()


def _state(ws) -> tuple:
    """What an import could change: every table's rows and the audit log."""
    return transfer.export_data(ws=ws)["tables"], tuple(ws.db.query_one("SELECT count(*), max(hash) FROM audit_log"))


def test_the_export_is_the_documented_json_of_the_whole_document(filled) -> None:
    text = transfer.export_json(ws=filled)
    # Written row by row, yet exactly what json.dumps of the whole document (the format before streaming) gives.
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=1)
    assert list(json.loads(text)) == [*transfer.export_header(ws=filled), "tables"]


class _Trickle(io.RawIOBase):
    """A file that hands out a few bytes per read: every token and UTF-8 character gets cut somewhere."""

    def __init__(self, data: bytes) -> None:
        self._data, self._at, self._step = data, 0, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self._step = self._step % 7 + 1
        chunk = self._data[self._at:self._at + self._step]
        self._at += len(chunk)
        return chunk


def test_a_file_read_a_few_bytes_at_a_time_imports_the_same(filled, target, tmp_path) -> None:
    data = transfer.export_json(ws=filled).encode()
    assert "æ".encode() in data or "ø".encode() in data  # multi-byte characters get split between reads
    counts, _ = transfer.import_stream(ws=target, source=_Trickle(data))
    other = _database(tmp_path, "anden.db", 0)
    try:
        assert transfer.import_stream(ws=other, source=io.BytesIO(data))[0] == counts
        mine, theirs = export_without_time(target)["tables"], export_without_time(other)["tables"]
        for tables in (mine, theirs):
            tables["users"].pop(0)  # each target's own administrator, created a moment apart
        assert mine == theirs
    finally:
        other.close()


def _cut_after_a_row(text: str) -> str:
    middle = text.index("},\n", len(text) // 2)
    return text[:middle + 1]  # a complete row, then nothing: valid so far, but the document never closes


@pytest.mark.parametrize("damage", [
    lambda t: t[:len(t) // 2],
    _cut_after_a_row,
    lambda t: t.rstrip()[:-1],  # everything but the last brace
    lambda t: t[:len(t) // 2] + "\x00" + t[len(t) // 2 + 1:],
    lambda t: t.replace("},\n", "}],\n", 1),  # a table's list closed after its first row
    lambda t: t + "{}",
])
def test_a_file_broken_off_or_damaged_midway_imports_nothing(filled, target, damage) -> None:
    text = transfer.export_json(ws=filled)
    before = _state(target)
    with pytest.raises(InvalidInput, match="Importfilen kan ikke bruges.*Intet er importeret"):
        transfer.import_json(ws=target, text=damage(text))
    assert _state(target) == before


def test_invalid_utf8_midway_imports_nothing(filled, target) -> None:
    data = transfer.export_json(ws=filled).encode()
    before = _state(target)
    middle = data.index(b'"', len(data) // 2) + 1
    with pytest.raises(InvalidInput, match="UTF-8"):
        transfer.import_stream(ws=target, source=io.BytesIO(data[:middle] + b"\xff" + data[middle:]))
    assert _state(target) == before


def _reorder_tables(d):
    # The events and grants stay last: read first, they would fail on the users not read yet before any order is
    # broken.
    last = {t: d["tables"].pop(t) for t in ("events", "caseloads", "supervision_pairs")}
    d["tables"] = {**dict(reversed(list(d["tables"].items()))), **last}


def _rows_backwards(d):
    # Format 2 has no ids: a row must still only point back, never to a row later in the file.
    entries = d["tables"]["journal_entries"]
    entries[0]["supersedes_id"] = entries[-1]["uid"]


@pytest.mark.parametrize(("change", "fragment"), [
    (_reorder_tables, "formatets rækkefølge"),
    (_rows_backwards, "som ikke findes i filen"),
    (lambda d: d.update(app_version=d.pop("app_version")), "står efter 'tables'"),  # moved to the end
])
def test_the_file_is_read_in_the_documented_order(filled, target, change, fragment) -> None:
    data = json.loads(transfer.export_json(ws=filled))
    change(data)
    before = _state(target)
    with pytest.raises(InvalidInput) as info:
        transfer.import_json(ws=target, text=json.dumps(data))
    assert fragment in info.value.message and "Intet er importeret" in info.value.message
    assert _state(target) == before


def _peak(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class _Discard:
    def write(self, text: str) -> int:
        return len(text)


@pytest.mark.slow
def test_export_and_import_memory_does_not_grow_with_the_children(tmp_path, monkeypatch) -> None:
    # Small pages and audit batches, so that both sizes fill them: what is left is what grows with the data.
    monkeypatch.setattr(transfer_rows, "PAGE_ROWS", 20)
    monkeypatch.setattr(transfer, "AUDIT_BATCH", 100)
    monkeypatch.setattr(json_stream, "CHUNK", 4096)
    monkeypatch.setattr(seal, "IMPORT_SEAL_ROWS", 20)  # the importer's seals cover a page of records each
    peaks, rows = {}, {}
    for n in (10, 100):
        source = _database(tmp_path, f"kilde-{n}.db", n)
        target = _database(tmp_path, f"mål-{n}.db", 0)
        path = tmp_path / f"eksport-{n}.json"
        try:
            path.write_text(transfer.export_json(ws=source), encoding="utf-8")
            rows[n] = sum(len(t) for t in json.loads(path.read_text(encoding="utf-8"))["tables"].values())
            export_peak = _peak(lambda: transfer.write_export(ws=source, out=_Discard()))

            def run_import() -> None:
                with open(path, "rb") as f:
                    transfer.import_stream(ws=target, source=f, origin=path.name)
            peaks[n] = (export_peak, _peak(run_import))
        finally:
            source.close()
            target.close()
    assert rows[100] > 8 * rows[10]
    # Holding the document (as before streaming) costs about 1,600 bytes a row in either direction; a stream
    # holds a page of rows, plus 33 bytes a row that an import keeps until its end (id translation, audit).
    for export_or_import in (0, 1):
        growth = peaks[100][export_or_import] - peaks[10][export_or_import]
        assert growth < 100 * (rows[100] - rows[10]), (export_or_import, peaks, rows)
