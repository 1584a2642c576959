"""verify builds signed payloads and audit hashes without the JSON encoder (issue 12: verify under 30 s at
10,000 children). Those bytes must be the encoder's, value for value, or every signature would break."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from behandlerklient.core import canonical
from behandlerklient.services.signatures import audit

# What a SQLite column can hand back, and what an attacker could write into one.
VALUES = st.one_of(st.none(), st.text(), st.integers(), st.integers(min_value=-2**70, max_value=2**70),
                   st.floats(allow_nan=True), st.booleans(), st.binary(max_size=4),
                   st.sampled_from(["\n", '"', "\\", "\x00", "\x1f", "\x7f", "\u2028", "æøå", "\ud800", "😀"]))
NAMES = st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=6)


def _outcome(fn):  # noqa: ANN001, ANN202
    """The bytes, or the kind of error: both paths must fail the same way on what has no canonical form."""
    try:
        return fn()
    except (ValueError, TypeError) as e:
        return type(e)


@settings(max_examples=150, deadline=None)
@given(names=NAMES, data=st.data())
def test_a_record_built_by_position_is_byte_for_byte_the_encoders(names, data) -> None:
    columns = list(dict.fromkeys(names))
    row = [data.draw(VALUES) for _ in columns] + [data.draw(VALUES) for _ in range(4)]
    index = {name: at for at, name in enumerate(columns)}
    record_id, author, corrects, signed_at = row[-4:]
    shape = canonical.RecordShape(kind="journal_entries", columns=names, index=index)
    fast = _outcome(lambda: shape.payload(row, record_id=record_id, author=author, corrects=corrects,
                                          signed_at=signed_at))
    slow = _outcome(lambda: canonical.record(kind="journal_entries", record_id=record_id, author=author,
                                             signed_at=signed_at, corrects=corrects,
                                             content={c: row[index[c]] for c in names}))
    assert fast == slow


def _seal_by_encoder(*, key_id, signed_at, records, audit, prev, role) -> bytes:  # noqa: ANN001
    return canonical.encode({"v": canonical.TAG, "type": "seal", "role": role, "key": key_id, "signed_at": signed_at,
                             "prev": prev, "records": sorted([list(r) for r in records]),
                             "audit": sorted([list(a) for a in audit])})


ITEMS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.one_of(st.text(max_size=3), st.none())),
                 max_size=5)


@settings(max_examples=100, deadline=None)
@given(records=st.lists(st.tuples(st.sampled_from(["sessions", "journal_entries", "æ"]), st.integers(),
                                  st.text(max_size=4)), max_size=6),
       audit_rows=ITEMS, key_id=VALUES, signed_at=VALUES, prev=VALUES, role=st.sampled_from(["author", "import"]))
def test_a_seal_built_by_hand_is_byte_for_byte_the_encoders(records, audit_rows, key_id, signed_at, prev,
                                                            role) -> None:
    fields = {"key_id": key_id, "signed_at": signed_at, "records": records, "audit": audit_rows, "prev": prev,
              "role": role}
    assert _outcome(lambda: canonical.seal(**fields)) == _outcome(lambda: _seal_by_encoder(**fields))


@settings(max_examples=100, deadline=None)
@given(values=st.lists(VALUES, min_size=1, max_size=10))
def test_an_audit_rows_hash_input_is_the_encoders(values) -> None:
    encoder = json.JSONEncoder(ensure_ascii=False)
    assert _outcome(lambda: audit._encode(values)) == _outcome(lambda: encoder.encode(values))


@pytest.mark.parametrize("char", [chr(c) for c in range(0x80)] + ["\u2028", "\u00e6", "\U0001f600"])
def test_every_ascii_character_is_escaped_as_the_encoder_escapes_it(char) -> None:
    assert canonical.scalar(char) == canonical.encode({"x": char}).decode()[5:-1]
