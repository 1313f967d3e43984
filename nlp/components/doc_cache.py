"""Values of a Doc computed once and kept on it: its text (``Doc.text`` joins the tokens
on every call) and its sentence boundaries by character (``Span.sent`` walks the Doc)."""
from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc

if not Doc.has_extension("trialbot_sentences"):
    Doc.set_extension("trialbot_sentences", default=None)


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
    index = doc._.trialbot_sentences
    if index is None:
        index = SentenceIndex(doc)
        doc._.trialbot_sentences = index
    return index
