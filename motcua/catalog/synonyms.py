"""Everyday words for procedures ("sổ đỏ", "hộ khẩu", "xây nhà") and the official words they stand for.

The table is data: `synonyms.csv` beside this module, one pair per line (`everyday,official`; several
lines for one everyday phrase), maintained like the rest of the code and reviewed with it. Both sides are
folded (`lib.text.fold`), so the table and the queries forgive missing accents. The file is read once
per process: it is part of the release, never changed at run time.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

from motcua.lib.text import fold, search_terms

SYNONYMS_FILE = Path(__file__).with_name("synonyms.csv")


@cache
def synonym_table() -> dict[str, tuple[str, ...]]:
    """Return folded everyday phrase → folded official phrases, read from `synonyms.csv`."""
    table: defaultdict[str, list[str]] = defaultdict(list)
    with SYNONYMS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            everyday, official = fold(row["everyday"]), fold(row["official"])
            if everyday and official and official not in table[everyday]:
                table[everyday].append(official)
    return {phrase: tuple(officials) for phrase, officials in table.items()}


def expand_query(query: str) -> list[tuple[str, ...]]:
    """Return the query as groups of alternatives: a procedure matches when it contains one of each group.

    Everyday phrases (longest first, on word boundaries) become a group of the phrase itself and its
    official words; every other word is a group of its own.
    """
    words = search_terms(query)
    table = synonym_table()
    groups: list[tuple[str, ...]] = []
    start = 0
    while start < len(words):
        for end in range(len(words), start, -1):  # the longest everyday phrase starting here wins
            phrase = " ".join(words[start:end])
            if phrase in table:
                groups.append((phrase, *table[phrase]))
                start = end
                break
        else:
            groups.append((words[start],))
            start += 1
    return groups
