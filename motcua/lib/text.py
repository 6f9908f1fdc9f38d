"""Vietnamese text normalisation for search: accents, đ, case and spacing."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s.]", re.UNICODE)


def fold(text: str) -> str:
    """Return `text` lower-cased, without diacritics, đ → d, punctuation dropped, spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", _PUNCT.sub(" ", bare)).strip()


def search_terms(query: str) -> list[str]:
    """Return the folded words of a search query."""
    return [word for word in fold(query).split(" ") if word]
