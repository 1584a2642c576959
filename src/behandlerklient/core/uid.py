"""Global record ids: UUIDv7 (RFC 9562 §5.7), time-ordered so a UNIQUE index on them stays compact.

Python 3.11 has no uuid.uuid7. Layout: 48-bit Unix time in milliseconds, version 7, a 12-bit counter in
`rand_a` (RFC 9562 §6.2 method 1) seeded randomly each millisecond, variant 10, and 62 random bits. Within
one process the ids are strictly increasing even when many fall in one millisecond or the clock steps back.
"""

from __future__ import annotations

import os
import re
import threading
import time

_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7(now_ms: int | None = None) -> str:
    """A new UUIDv7 as its canonical lower-case text, greater than every one this process made before."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
        if ms > _last_ms:
            _last_ms, _counter = ms, int.from_bytes(os.urandom(2), "big") & 0x7FF  # headroom for the count
        else:  # same millisecond, or the clock went back: keep the last time and count on
            _counter += 1
            if _counter > 0xFFF:  # 4096 ids in one millisecond: borrow the next millisecond
                _last_ms, _counter = _last_ms + 1, 0
        ms, counter = _last_ms, _counter
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand
    text = f"{value:032x}"  # str(uuid.UUID(int=value)), without the object: an audited pull page makes thousands
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def is_uuid7(text: object) -> bool:
    return isinstance(text, str) and bool(_PATTERN.fullmatch(text))


def millis(text: str) -> int:
    """The Unix time in milliseconds a UUIDv7 carries."""
    return int(text.replace("-", "")[:12], 16)
