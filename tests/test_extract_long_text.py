"""Long texts (referral letters) are cut at sentence ends: the facts and their character
offsets are the same as for each sentence on its own."""
from datetime import date

from nlp.pipeline import chunks, extract

TODAY = date(2025, 6, 1)
LETTER_LINES = [
    "Dear colleague, I would be grateful if you could assess this 35-year-old woman with SLE.",
    "She was diagnosed in 2015 and has lupus nephritis.",
    "Her disease has been refractory to mycophenolate and rituximab.",
    "HBsAg negative, HIV negative.",
    "Her mother has rheumatoid arthritis.",
    "Creatinine 265 µmol/L, platelets 88 x10^9/L.",
]


def test_chunks_cover_the_text_exactly():
    text = " ".join(LETTER_LINES * 20)
    pieces = chunks(text, size=300)
    assert len(pieces) > 1
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset:offset + len(piece)] == piece for offset, piece in pieces)


def test_long_letter_gives_the_facts_of_its_sentences_at_the_right_offsets():
    text = "\n".join(LETTER_LINES * 10)
    facts = extract(text, today=TODAY)
    assert all(text[f.start:f.end] == f.text for f in facts)
    one_letter = extract("\n".join(LETTER_LINES), today=TODAY)
    assert len(facts) == 10 * len(one_letter)
    key = [(f.label, f.concept, f.negated, f.family, f.status, f.value_normalized) for f in one_letter]
    assert [(f.label, f.concept, f.negated, f.family, f.status, f.value_normalized) for f in facts] == key * 10


def test_long_runs_of_symbols_are_skipped_without_moving_offsets():
    from nlp.pipeline import extract

    text = "😀" * 8000 + " lupus " + "$" * 4000 + " HIV negative"
    facts = {f.concept: f for f in extract(text)}
    assert text[facts["sle"].start:facts["sle"].end] == "lupus"
    assert text[facts["hiv"].start:facts["hiv"].end] == "HIV" and facts["hiv"].negated
    # a long run of mostly letters and digits (a pasted lab line) is kept as it is
    from nlp.pipeline import _blank_symbol_runs

    lab_line = "Cr:2.5mg/dL,ALT:120U/L," * 6
    assert _blank_symbol_runs(lab_line) == lab_line
    assert _blank_symbol_runs("$" * 150).strip() == ""
