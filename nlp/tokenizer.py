"""Tokenizer adjustments for clinical text on ``spacy.blank("en")``.

The blank English tokenizer keeps a single letter and its full stop together ("B." in
"hepatitis B.", via its initials exceptions), glues signs to values ("ALT≤3×ULN",
"HBsAg(-)", "HBc+") and leaves age/sex shorthands whole ("29F", "35yo"). Terms are matched
on tokens, so those need splitting. Term phrases are tokenized by the same tokenizer, so a
split applies equally to the text and to the terminology.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

EXTRA_SUFFIXES = [
    r"(?<=^[A-Za-z])\.",                      # "B." in "hepatitis B." -> "B", "."
    r"(?<=[A-Za-z0-9])[+]",                   # "HBc+" -> "HBc", "+"
    r"(?<=[A-Za-z0-9])-",                     # "HBsAg-" -> "HBsAg", "-"
    r"(?<=[0-9])(?:[FfMm]|yo|y/o|yrs?|y)",    # "29F", "35yo" -> "29", "F"
]
EXTRA_PREFIXES = [r"[≤≥<>=×~]"]               # "≥3×109/L"
EXTRA_INFIXES = [
    r"[≤≥<>=×~()]",                           # "ALT≤3×ULN", "HBsAg(-)"
    r"(?<=[A-Za-z])(?=\d+[.,]\d)",            # "Cr1.2" -> "Cr", "1.2"
]
_SINGLE_LETTER_INITIAL = re.compile(r"^[^\W\d_]\.$")


def customize_tokenizer(nlp: Language) -> None:
    """Add the clinical prefix, suffix and infix rules to ``nlp``'s tokenizer, in place."""
    tokenizer = nlp.tokenizer
    tokenizer.prefix_search = compile_prefix_regex(list(nlp.Defaults.prefixes) + EXTRA_PREFIXES).search
    tokenizer.suffix_search = compile_suffix_regex(list(nlp.Defaults.suffixes) + EXTRA_SUFFIXES).search
    tokenizer.infix_finditer = compile_infix_regex(list(nlp.Defaults.infixes) + EXTRA_INFIXES).finditer
    # "b." is an exception (an initial) in the English defaults: drop those so the suffix
    # rule above can split "hepatitis b." like "hepatitis B."
    tokenizer.rules = {k: v for k, v in tokenizer.rules.items() if not _SINGLE_LETTER_INITIAL.match(k)}
