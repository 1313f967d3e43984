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
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

EXTRA_SUFFIXES = [
    r"(?<=^[A-Za-z])\.",                      # "B." in "hepatitis B." -> "B", "."
    r"(?<=[-/][A-Za-z])\.",                   # "CAR-T." at a sentence end -> "CAR-T", "."
    r"(?<=[A-Za-z0-9])[+]",                   # "HBc+" -> "HBc", "+"
    r"(?<=[A-Za-z0-9])-",                     # "HBsAg-" -> "HBsAg", "-"
    r"(?<=[0-9])(?:[FfMm]|yo|y/o|yrs?|y)",    # "29F", "35yo" -> "29", "F"
    r"(?<=^[0-9][FfMm])\.|(?<=^[0-9][0-9][FfMm])\.",   # "52F." at a sentence end -> "52F", "."
]
EXTRA_PREFIXES = [r"[≤≥<>=×~]",              # "≥3×109/L"
                  r"-{2,}(?=[^\W\d_])"]       # a bullet glued to a word: "--s/p XRT" -> "--", "s"
EXTRA_INFIXES = [
    r"[≤≥<>=×~()]",                           # "ALT≤3×ULN", "HBsAg(-)"
    r"(?<=[A-Za-z])(?=\d+[.,]\d)",            # "Cr1.2" -> "Cr", "1.2"
    # receptor lists: "ER+/HER2-" -> "ER", "+", "/", "HER2", "-" (h142, round 30)
    r"(?<=[A-Za-z0-9])[+-](?=/[A-Za-z])|(?<=[A-Za-z0-9][+-])/(?=[A-Za-z])",
    # drugs joined by a plus: "ven+nelarabine", "aza+ven" -> "ven", "+", "nelarabine"
    # (a sign after a digit, "CD4+CD8+", and "7+3" keep their old splitting; h187, round 39)
    r"(?<=[A-Za-z]{2})[+](?=[A-Za-z]{2})",
]
_SINGLE_LETTER_INITIAL = re.compile(r"^[^\W\d_]\.$")


class ClinicalTokenizer(Tokenizer):
    """spaCy's tokenizer, trusting its language's own exceptions. spaCy checks every
    special case as it is added (the pieces spell the string; only ORTH and NORM are set):
    for the ~1,300 English exceptions, which spaCy ships and tests, that is a third of
    making a tokenizer (~0.06 s of start-up). Those exact entries are not checked again;
    any other special case (``add_special_case``, a changed rule) is, as before."""

    def _validate_special_case(self, chunk, substrings):
        if _SHIPPED.get(chunk) is substrings:
            return
        super()._validate_special_case(chunk, substrings)


_SHIPPED: dict[str, object] = {}       # chunk -> the language defaults' own list


def clinical_tokenizer(nlp: Language) -> Tokenizer:
    """A tokenizer for ``nlp``: its language's defaults plus the clinical prefix, suffix
    and infix rules. Built in one go: every change to a built tokenizer's rules or affix
    patterns reloads all of its ~1,300 special cases (0.1 s each time)."""
    defaults = nlp.Defaults
    _SHIPPED.update(defaults.tokenizer_exceptions)
    return ClinicalTokenizer(
        nlp.vocab,
        # "b." is an exception (an initial) in the English defaults: drop those so the
        # suffix rule above can split "hepatitis b." like "hepatitis B."
        rules={k: v for k, v in defaults.tokenizer_exceptions.items() if not _SINGLE_LETTER_INITIAL.match(k)},
        prefix_search=compile_prefix_regex(list(defaults.prefixes) + EXTRA_PREFIXES).search,
        suffix_search=compile_suffix_regex(list(defaults.suffixes) + EXTRA_SUFFIXES).search,
        infix_finditer=compile_infix_regex(list(defaults.infixes) + EXTRA_INFIXES).finditer,
        token_match=defaults.token_match,
        url_match=defaults.url_match,
    )


def phrase_tokens(nlp: Language, text: str) -> tuple[list[str], list[bool]]:
    """``text`` as ``nlp`` tokenizes it: (words, spaces), the arguments of ``Doc``. Asks the
    tokenizer's ``tokens`` when it has one (the build cache's: no Doc is made)."""
    tokens = getattr(nlp.tokenizer, "tokens", None)
    if tokens is not None:
        return tokens(text)
    doc = nlp.make_doc(text)
    return [t.text for t in doc], [bool(t.whitespace_) for t in doc]
