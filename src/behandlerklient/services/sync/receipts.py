"""The local audit's receipt of what a pull page brought (sync.md, protocol step 4: "log receipt in the local audit").

One audit row per child, author and way (records or session frames) for the page, naming every record it brought:
the rows here as `table:ids` and the server's seqs, each as runs ("events:4455-4474,4480; sessions:12", "sync seq
1001-1020,1033 from t01"). The child's export still shows which records arrived, from whom and when; which seq
was which record's is in sync_received (each record's proof, by seq), not in the row, and goes with the proofs when
a revoked child's records are purged. A row per record cost too much: a supervisor's fresh laptop
at 10,000 children wrote 48,000 audit rows, each with its uid, chain hash, seal link and index entries, and pushed
them all back to the server as chain segments at its next sync. Grouped it writes about 2,000 (docs/sync.md "Speed,
measured": 1.5 s of her 6.7 s replayed pull).

The other rows of a page (an author added, a merge decision, a frame released from quarantine) are kept as they come,
and each group's row takes the place of its first record among them.
"""

from __future__ import annotations

Entry = tuple[int | None, str, str]  # (child id, object, detail): an audit row of action 'sync'


def runs(numbers: list[int]) -> str:
    """Sorted runs of consecutive numbers: [1, 2, 3, 5, 7, 8] -> "1-3,5,7-8"."""
    out: list[str] = []
    ordered = sorted(set(numbers))
    start = prev = ordered[0] if ordered else 0
    for n in ordered[1:]:
        if n != prev + 1:
            out.append(str(start) if start == prev else f"{start}-{prev}")
            start = n
        prev = n
    if ordered:
        out.append(str(start) if start == prev else f"{start}-{prev}")
    return ",".join(out)


def numbers(text: str) -> list[int]:
    """The numbers `runs` wrote: "1-3,5" -> [1, 2, 3, 5]."""
    out: list[int] = []
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out


def named(obj: str, detail: str) -> tuple[dict[str, list[int]], list[int], str]:
    """What a receipt row names: (table -> ids here, seqs, author)."""
    ids = {table: numbers(text) for table, _, text in (part.partition(":") for part in obj.split("; "))}
    head, _, author = detail.removesuffix(" (no text)").rpartition(" from ")
    return ids, numbers(head.rpartition(" ")[2]), author


class Receipts:
    """A page's audit rows of action 'sync': `record` each record applied, `append` any other row; `entries()` gives
    the rows to write in the order they began: each other row, and one per child, author and way."""

    def __init__(self) -> None:
        # Each other row as it came, and each group where its first record came: (row, None) or (None, key).
        self.order: list[tuple[Entry | None, tuple[int | None, str, str] | None]] = []
        self.others = 0
        # (child id, author, how) -> (table -> ids here, seqs)
        self.groups: dict[tuple[int | None, str, str], tuple[dict[str, list[int]], list[int]]] = {}

    def append(self, entry: Entry) -> None:
        self.order.append((entry, None))
        self.others += 1

    def record(self, child: int | None, table: str, record_id: int, seq: int, author: str, *,
               how: str = "sync seq") -> None:
        """`how`: "sync seq" for a signed record, "sync frame seq" for a session's frame (no text)."""
        key = (child, author, how)
        if key not in self.groups:
            self.groups[key] = ({}, [])
            self.order.append((None, key))
        ids, seqs = self.groups[key]
        ids.setdefault(table, []).append(record_id)
        seqs.append(seq)

    def __len__(self) -> int:
        return self.others + sum(len(seqs) for _, seqs in self.groups.values())

    def entries(self) -> list[Entry]:
        rows: list[Entry] = []
        for row, key in self.order:
            if row is not None:
                rows.append(row)
            elif key is not None:
                child, author, how = key
                ids, seqs = self.groups[key]
                obj = "; ".join(f"{table}:{runs(numbers)}" for table, numbers in ids.items())
                tail = " (no text)" if how == "sync frame seq" else ""
                rows.append((child, obj, f"{how} {runs(seqs)} from {author}{tail}"))
        return rows


def entries(*pages: Receipts) -> list[Entry]:
    """The rows of several appliers of one page (the records', the frames'), in that order."""
    return [row for page in pages for row in page.entries()]
