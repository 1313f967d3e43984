"""Ordinary English words: the ones typo recovery must never turn into a disease; and the
ordinary words of other languages people write in (``foreign_common_words``: "Meine Mutter
hat Sklerodermie" is no misspelt thioridazine in "Meine"; h135, round 29).

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


@lru_cache(maxsize=4)
def foreign_common_words(languages: tuple[str, ...], count: int) -> frozenset[str]:
    """The ``count`` most frequent words of each of ``languages`` (wordfreq's lists), lower case."""
    from wordfreq import top_n_list   # start-up: only when the build cache lacks the list

    return frozenset(w for lang in languages for w in top_n_list(lang, count))
