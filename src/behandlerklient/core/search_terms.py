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


def _words(text: str) -> list[str]:
    return _WORD.findall(_CPR_DASH.sub("", text).casefold())


def terms(first_name: str, last_name: str, cpr: str) -> list[str]:
    """Every prefix of every name word and of the CPR digits, each once, sorted."""
    found: set[str] = set()
    for word in _words(f"{first_name} {last_name} {cpr}"):
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
