"""h76, round 17 (issue #13): real notes and pasted referral letters; a long text read in
pieces keeps what the conversation knows."""
from __future__ import annotations

from nlp.pipeline import chunks, extract

FILLER = " ".join(f"Visit {n} was routine and the clinic letter was sent to the family doctor." for n in range(1, 30))


def _concepts(facts, label=None):
    return {f.concept for f in facts if label is None or f.label == label}


def test_the_filler_makes_a_text_of_several_pieces():
    assert len(chunks("Intro. " + FILLER + " He had aza and ven.")) > 1


def test_a_long_text_read_in_pieces_keeps_the_conversations_known_conditions():
    text = "Update on my dad. " + FILLER + " He had aza and ven, then a transplant."
    assert len(chunks(text)) > 1
    facts = extract(text, known=("aml",))
    assert {"azacitidine", "venetoclax"} <= _concepts(facts, "DRUG")
    assert "azathioprine" not in _concepts(facts)


def test_a_later_piece_reads_with_the_disease_an_earlier_piece_named():
    text = "My dad has AML, diagnosed last year. " + FILLER + " He had aza."
    assert len(chunks(text)) > 1
    assert "azacitidine" in _concepts(extract(text), "DRUG")


def test_a_negated_disease_of_an_earlier_piece_decides_no_sense():
    short = "He does not have AML. He had aza for his Crohn's."
    text = "He does not have AML. " + FILLER + " He had aza for his Crohn's."
    assert len(chunks(text)) > 1
    assert ("azacitidine" in _concepts(extract(text))) <= ("azacitidine" in _concepts(extract(short)))


def test_a_long_text_read_in_pieces_keeps_the_relative_the_conversation_is_about():
    text = "Some news. " + FILLER + " Mum's ANA was positive."
    assert len(chunks(text)) > 1
    ana = [f for f in extract(text, about="mother") if f.concept == "ana"]
    assert ana and not any(f.family for f in ana)
