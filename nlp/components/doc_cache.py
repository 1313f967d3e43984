"""Values of a Doc computed once and kept on it: its text (``Doc.text`` joins the tokens
on every call) and its sentence boundaries by character (``Span.sent`` walks the Doc).

And ``span_value`` / ``doc_value``: ``span._.name`` / ``doc._.name`` of an extension that is
a plain value (set with a default, no getter, setter or method: medspaCy's ``modifiers``,
``is_family``, ``context_graph``, the pipeline's own), read from the Doc's ``user_data``
where spaCy keeps it. ``span._`` builds an ``Underscore`` object on every access (~3 us; a
registry criterion's reading made ~130,000 of them, half ``modifiers``); the dictionary
look-up is a tenth of that. The key is spaCy's own (``Underscore._get_key``): it is checked
once per process on a probe Doc, and an extension of another kind, a mutable default (spaCy
stores a copy on first read) or a spaCy keying it otherwise is read through ``_`` as before
(round 35, h169: the same values, read cheaper).
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Any

from spacy.tokens import Doc, Span

if not Doc.has_extension("trialbot_sentences"):
    Doc.set_extension("trialbot_sentences", default=None)
for _kind in (Doc, Span):
    if not _kind.has_extension("trialbot_key_probe"):
        _kind.set_extension("trialbot_key_probe", default=None)     # (``_keyed_as_spacy``'s check)

_PREFIX = "._."             # spaCy's key of an extension's value: (prefix, name, start, end)
_IMMUTABLE = (type(None), bool, int, float, str, tuple, frozenset)
_PLAIN: dict[tuple[bool, str], tuple[bool, Any]] = {}    # (a Span's?, name) -> (read directly?, default)
_KEYED: list[bool] = []     # [spaCy keys values as ``_get_key`` does], once checked


def span_value(span: Span, name: str, *missing: Any) -> Any:
    """``span._.<name>``, the same value, read without building an ``Underscore``; with
    ``missing``, that when no such extension is set (as ``getattr(span._, name, missing)``)."""
    plain, default = _PLAIN.get((True, name)) or _plain(Span, True, name)
    if not plain:
        return getattr(span._, name, *missing)
    return span.doc.user_data.get((_PREFIX, name, span.start_char, span.end_char), default)


def doc_value(doc: Doc, name: str, *missing: Any) -> Any:
    """``doc._.<name>``, the same value, read without building an ``Underscore``; with
    ``missing``, that when no such extension is set (as ``getattr(doc._, name, missing)``)."""
    plain, default = _PLAIN.get((False, name)) or _plain(Doc, False, name)
    if not plain:
        return getattr(doc._, name, *missing)
    return doc.user_data.get((_PREFIX, name, None, None), default)


def _plain(kind: type, of_span: bool, name: str) -> tuple[bool, Any]:
    """Whether ``name`` may be read from ``user_data`` directly (a value extension with an
    immutable default, keyed as spaCy keys it), and its default. An extension not set (yet)
    is read through ``_`` and not remembered."""
    extension = kind.get_extension(name)
    if extension is None:
        return False, None
    default, method, getter, setter = extension
    plain = (method is None and getter is None and setter is None and type(default) in _IMMUTABLE
             and _keyed_as_spacy())
    _PLAIN[(of_span, name)] = (plain, default)
    return plain, default


def _keyed_as_spacy() -> bool:
    """A value set through ``_`` is found under the key ``span_value`` reads (checked once)."""
    if not _KEYED:
        from spacy.vocab import Vocab   # start-up: the probe's vocabulary, only when first needed

        probe = Doc(Vocab(), words=["a", "b"])
        span = probe[1:2]
        span._.trialbot_key_probe = "span"
        probe._.trialbot_key_probe = "doc"
        _KEYED.append(probe.user_data.get((_PREFIX, "trialbot_key_probe", span.start_char, span.end_char)) == "span"
                      and probe.user_data.get((_PREFIX, "trialbot_key_probe", None, None)) == "doc")
    return _KEYED[0]


class SentenceIndex:
    def __init__(self, doc: Doc):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for sent in doc.sents:
            self.starts.append(sent.start_char)
            self.ends.append(sent.end_char)

    def index(self, char: int) -> int:
        """The number of the sentence that holds character ``char``."""
        return max(0, bisect_right(self.starts, char) - 1)

    def bounds(self, char: int) -> tuple[int, int]:
        """(start_char, end_char) of the sentence that holds ``char``."""
        i = self.index(char)
        return self.starts[i], self.ends[i]


def doc_text(doc: Doc) -> str:
    text = doc.user_data.get("trialbot_text")
    if text is None:
        text = doc.text
        doc.user_data["trialbot_text"] = text
    return text


def sentence_index(doc: Doc) -> SentenceIndex:
    index = doc_value(doc, "trialbot_sentences")
    if index is None:
        index = SentenceIndex(doc)
        doc._.trialbot_sentences = index
    return index
