"""Ordinary English words: the ones typo recovery must never turn into a disease.

The list is wordfreq's most frequent English words (a package dependency that ships its
data; nothing is downloaded). Read once per process, on first use.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4)
def common_words(count: int) -> frozenset[str]:
    """The ``count`` most frequent English words, lower case."""
    from wordfreq import top_n_list

    return frozenset(top_n_list("en", count))
