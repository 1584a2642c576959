"""Danish alphabetical order (… x y z æ ø å) as a plain-text key that SQLite can index and compare bytewise."""

from __future__ import annotations

import unicodedata

# After 'z' in ASCII come '{', '|', '}': exactly the three Danish letters' places. ä/ö sort as æ/ø.
_DANISH = str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"})


def danish_key(text: str) -> str:
    folded = text.casefold().translate(_DANISH)
    # Other accents (é, ü) sort as their base letter.
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(first_name: str, last_name: str) -> str:
    return f"{danish_key(last_name)}\x01{danish_key(first_name)}"
