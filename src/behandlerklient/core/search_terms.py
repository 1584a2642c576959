"""Search terms: the prefixes a child can be found by, and the words a typed query asks for.

A query word matches the start of any word of the child's name or of the CPR digits, case folded,
with æ, ø and å kept as letters of their own ("å" does not find "Aagaard").
"""

from __future__ import annotations

import json
import re

_WORD = re.compile(r"[^\W_]+")
# "050612-43" is a CPR being typed, not two words.
_CPR_DASH = re.compile(r"(?<=\d)-(?=\d)")


# The index stays bounded whatever a name holds (an import, an older database): a word's prefixes stop at
# MAX_TERM characters and a child is indexed by at most MAX_WORDS words, so one child has at most
# MAX_WORDS * MAX_TERM terms (a 32,767-character name once made 537 million characters of prefixes).
# A query word is cut the same way, so a longer typed word still finds the child.
MAX_TERM = 30
MAX_WORDS = 12


def _words(text: str) -> list[str]:
    return [w[:MAX_TERM] for w in _WORD.findall(_CPR_DASH.sub("", text).casefold())]


def terms(first_name: str, last_name: str, cpr: str) -> list[str]:
    """Every prefix of every name word and of the CPR digits, each once, sorted (bounded: see MAX_TERM)."""
    found: set[str] = set()
    words = _words(f"{first_name[:4 * MAX_TERM * MAX_WORDS]} {last_name[:4 * MAX_TERM * MAX_WORDS]}")
    for word in words[:MAX_WORDS - 1] + _words(cpr[:64])[:1]:
        found.update(word[:n] for n in range(1, len(word) + 1))
    return sorted(found)


def terms_json(first_name: str | None, last_name: str | None, cpr: str | None) -> str:
    """`terms` as a JSON array, for the database triggers that keep the search index (json_each)."""
    return json.dumps(terms(first_name or "", last_name or "", cpr or ""), ensure_ascii=False)


def query_words(text: str) -> list[str]:
    """The words a child must match, most selective first; a word that begins another adds nothing."""
    words = sorted(set(_words(text)), key=lambda w: (-len(w), w))
    kept: list[str] = []
    for w in words:
        if not any(k.startswith(w) for k in kept):
            kept.append(w)
    return kept
