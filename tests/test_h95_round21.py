"""Round 21 (h95, issue #13): how patients and relatives really write. Ages and numbers in
words, a patient word before a bare age, a drug name split in two, "isnt controlled" and
"didnt keep X under control", courses told as done ("he did SMILE"). Wordings of their own,
not the gold's."""
from __future__ import annotations

from benchmarks.assertion import predicted_assertion
from nlp.numerals import numeral_view
from nlp.pipeline import extract, speaker_of


def _facts(text: str, label: str | None = None):
    return [f for f in extract(text) if label is None or f.label == label]


def _ages(text: str) -> list[float]:
    return [f.value for f in _facts(text, "AGE")]


def _one(text: str, concept: str):
    found = [f for f in extract(text) if f.concept == concept]
    assert len(found) == 1, (text, [(f.label, f.concept) for f in extract(text)])
    return found[0]


# --- ages in words ------------------------------------------------------------------------

def test_an_age_in_words_is_read():
    assert _ages("my grandad is eighty four and has myasthenia") == [84]
    assert _ages("I am fifty-two years old woman with lupus") == [52]
    assert _ages("im thirty nine, crohns since uni") == [39]
    assert _ages("my sister is seventeen and has ITP") == [17]


def test_an_age_in_words_keeps_its_span_in_the_text():
    text = "my uncle is sixty three, he has PTCL"
    age = _facts(text, "AGE")[0]
    assert text[age.start:age.end] == "sixty three"


def test_a_child_of_a_year_and_a_half():
    assert _ages("our grandson is a year and a half old, he has ITP") == [1.5]


def test_the_one_with_is_no_number():
    assert numeral_view("im the one with crohns, no one else") is None
    assert speaker_of("my son has eczema but im the one with UC").speaker == "patient"


def test_one_of_and_an_age_at_an_event_are_no_age():
    assert _ages("she is one of three sisters with lupus") == []
    assert _ages("my RA started when I am twenty, now I am forty one") == [41]


def test_a_relative_with_an_age_in_words_is_the_patient():
    said = speaker_of("my aunt is seventy one and has lupus")
    assert said.speaker == "relative" and said.word == "aunt"
    assert _one("my aunt is seventy one and has lupus", "sle").family is False


def test_a_relative_aged_and_an_age_before_a_comma_and_verb():
    assert speaker_of("my mother aged 66 is diagnosed with PTCL").speaker == "relative"
    assert speaker_of("My husband 58 years old, have T-cell lymphoma").speaker == "relative"
    assert _one("my mother aged 66 is diagnosed with PTCL", "ptcl").family is False


# --- bare ages after a patient word -------------------------------------------------------

def test_a_bare_age_after_the_patient_word():
    assert _ages("Lupus patient here, 47. On benlysta.") == [47]
    assert _ages("crohns patient, 33.") == [33]


def test_an_age_now_in_brackets_after_an_onset():
    assert _ages("RA since college (now 45), on rinvoq") == [45]


def test_a_message_opening_with_the_relation_and_an_age():
    assert _ages("daughter 14 itp since march") == [14]


# --- a drug name split in two -------------------------------------------------------------

def test_a_drug_name_split_in_two_is_that_drug():
    for text in ("she takes hydroxy chloroquine daily", "on hydroxy-chloroquine for her lupus"):
        drugs = [f.concept for f in _facts(text, "DRUG")]
        assert drugs == ["hydroxychloroquine"], (text, drugs)
    assert [f.concept for f in _facts("he had cyclo phosphamide in 2022", "DRUG")] == ["cyclophosphamide"]


# --- the disease not controlled ----------------------------------------------------------

def test_not_controlled_denies_nothing_after_it():
    text = "his myositis isnt controlled: tacrolimus went up in june and IVIG was added"
    assert not _one(text, "tacrolimus").negated
    assert not _one(text, "ivig").negated


def test_didnt_keep_the_disease_under_control_is_a_failure_not_a_denial():
    text = "Methotrexate and leflunomide didnt keep her RA under control, so she started upadacitinib"
    assert not _one(text, "rheumatoid_arthritis").negated
    assert _one(text, "methotrexate").status == "failed"
    assert _one(text, "leflunomide").status == "failed"


# --- a course told as done ----------------------------------------------------------------

def test_a_course_told_as_done_is_past():
    fact = _one("she did R-CHOP and then radiotherapy, now in remission", "r_chop")
    assert predicted_assertion(fact) == ("present", "patient", "past")
    assert predicted_assertion(_one("we did the allo transplant in 2023", "allo_hsct"))[2] == "past"


def test_did_well_on_and_did_not_keep_their_meaning():
    assert predicted_assertion(_one("she did well on rituximab", "rituximab"))[2] == "current"
    assert _one("he did not have chemotherapy", "chemotherapy").negated
    assert _one("she didnt get rituximab", "rituximab").negated


# --- no response said without a verb ----------------------------------------------------

def test_no_relief_and_but_no_use_are_failures():
    for text, concept in (("The rheumatologist has given abatacept, no relief.", "abatacept"),
                          ("She used anakinra but no use.", "anakinra"),
                          ("cellcept not so much effective for her", "mycophenolate")):
        fact = _one(text, concept)
        assert fact.status == "failed" and not fact.negated, text


# --- a relative's relative ----------------------------------------------------------------

def test_a_relatives_little_sister_takes_her_own_drug():
    text = "My daughter is 9 and has ITP, on eltrombopag. Her little brother has asthma and is on montelukast."
    assert _one(text, "eltrombopag").family is False
    assert _one(text, "asthma").family is True


# --- a friend of the writer ---------------------------------------------------------------

def test_a_friend_of_mine_is_someone_else_when_the_writer_is_the_patient():
    text = "I have lupus. A friend of mine had T-ALL and did well on CAR-T."
    assert _one(text, "t_all").family is True
    assert _one(text, "sle").family is False
    assert _one("i have UC. one of my colleagues has crohns", "crohns_disease").family is True


def test_a_message_about_a_friend_of_mine_is_about_the_friend():
    text = "A good friend of mine has myositis, he is 41 and on IVIG. Could he join?"
    said = speaker_of(text)
    assert said.speaker == "relative" and said.relation == "friend"
    assert _one(text, "inflammatory_myopathy").family is False
    assert _one(text, "ivig").family is False
