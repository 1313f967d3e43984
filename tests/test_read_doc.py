"""``nlp.pipeline.read_doc`` skips medspaCy's ConText on a Doc without entities (nothing for
it to modify): the facts are those of the whole pipeline, text by text, and a Doc with
entities still gets its modifiers."""
from __future__ import annotations

from datetime import date

from nlp.pipeline import _builder, build_pipeline, read_doc, speaker_of

TODAY = date(2026, 1, 15)
TEXTS = [
    "Signed informed consent",
    "Willing and able to comply with the study visits",
    "No HIV, lupus since 2015",
    "History of myocardial infarction within 6 months",
    "Platelets >= 100 x 10^9/L, not on rituximab",
    "Life expectancy of at least 12 weeks.",
    "Female patients who are pregnant or breastfeeding",
]


def _facts(doc, text):
    return [repr(f) for f in _builder()(doc, None, TODAY, speaker_of(text))]


def test_the_facts_are_those_of_the_whole_pipeline():
    nlp = build_pipeline()
    for text in TEXTS:
        assert _facts(read_doc(nlp, text), text) == _facts(nlp(text), text), text


def test_context_runs_when_there_are_entities_only():
    nlp = build_pipeline()
    plain = read_doc(nlp, "Signed informed consent")
    assert not plain.ents and plain._.context_graph is None
    negated = read_doc(nlp, "No HIV")
    assert negated.ents and negated._.context_graph is not None
    assert any(m.category == "NEGATED_EXISTENCE" for m in negated.ents[0]._.modifiers)
