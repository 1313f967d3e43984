"""The lead's fixes of the fourteenth session, found by using the bot as a relative and a
clinician on the real registry records."""
import pytest

from bot.faq import read_faq
from criteria_helpers import parse, verdict
from data.errors import DataError
from data.terminology import read_terminology
from nlp.pipeline import extract


def _concepts(text):
    return {f.concept for f in extract(text) if f.label == "PROCEDURE"}


def test_a_bowel_resection_is_not_a_colectomy():
    # Crohn's resections are mostly of the small bowel: "colectomy" was a wrong fact
    assert _concepts("my son has crohns, hes had 2 bowel resections") == {"bowel_resection"}
    assert _concepts("s/p ileocecal resection 2019") == {"bowel_resection"}
    assert _concepts("UC, colectomy 2015") == {"colectomy"}


def test_a_colectomy_exclusion_stays_open_for_a_bowel_resection():
    colectomy = parse("Prior colectomy", "exclusion")
    assert verdict(colectomy, "34F, Crohn's disease, two bowel resections") == "unknown"
    assert verdict(colectomy, "UC, colectomy 2019") == "true"
    # a colectomy is a bowel resection: a bowel-resection exclusion applies to it
    resection = parse("Prior bowel resection", "exclusion")
    assert verdict(resection, "UC, colectomy 2019") == "true"
    assert verdict(resection, "Crohn's, ileocaecal resection 2018") == "true"


def test_a_short_question_naming_one_subject_gets_that_answer():
    faq = read_faq()
    assert faq.find("how risky is it").id == "risks"
    assert faq.find("what are the chances she dies?").id == "risks"
    assert faq.find("will we have to pay anything?").id == "cost"
    assert faq.find("what is the hospital address?").id == "sites"
    # not a question, two subjects, or a long message about more than the subject: no keyword answer
    assert faq.find("risky") is None
    assert faq.find("how much will travel cost?") is None
    assert faq.find("i am worried it is risky") is None
    assert faq.find("is the risk of infection higher with my low neutrophils and the prednisone?") is None


def test_keywords_are_checked_when_the_faq_is_read(tmp_path):
    bad = tmp_path / "faq.yaml"
    bad.write_text(
        "question_starts: [how]\nterm_questions: ['what is {term}']\nentries:\n"
        "  a: {wordings: [x1], answer: A, keywords: [risk]}\n"
        "  b: {wordings: [x2], answer: B, keywords: [risk]}\n"
        "terms:\n  t: {names: [t], answer: T}\n")
    with pytest.raises(DataError):
        read_faq(bad)


@pytest.mark.parametrize("text,place", [
    ("we live in the Netherlands", "Netherlands"),
    ("we are in the Netherlands", "Netherlands"),
    ("living in the US", "US"),
    ("I live in Leeds", "Leeds"),
])
def test_a_place_after_the_is_the_place(text, place):
    assert [f.concept for f in extract(text) if f.label == "LOCATION"] == [place]


def test_the_before_a_lower_case_word_is_no_place():
    assert [f for f in extract("she is in the hospital") if f.label == "LOCATION"] == []
    assert [f for f in extract("we are in the middle of a flare") if f.label == "LOCATION"] == []


def _bilirubin(text):
    (fact,) = [f for f in extract(text) if f.concept == "bilirubin"]
    return fact


def test_a_unitless_value_is_read_in_the_letters_own_units():
    # a UK letter writes creatinine in umol/L: its "bilirubin 9" is 9 umol/L, not 9 mg/dL
    fact = _bilirubin("Labs: Hb 118 g/L, creatinine 71 umol/L, ALT 22, bilirubin 9.")
    assert not fact.implausible and fact.value_normalized == pytest.approx(0.526, abs=0.001)
    # a US note's mg/dL: its "bili 3" is 3 mg/dL
    fact = _bilirubin("creatinine 1.1 mg/dL, bili 3")
    assert not fact.implausible and fact.value_normalized == 3
    # alone, or with both systems written, it stays asked (never guessed)
    assert _bilirubin("bilirubin 9").implausible
    assert _bilirubin("creatinine 71 umol/L, albumin 3.5 g/dL, bilirubin 9").implausible


def test_a_sentence_wrapped_at_the_letters_width_is_one_sentence():
    letter = ("romiplostim since 2023 with platelets persistently 10-20 x10^9/L. Fostamatinib was stopped\n"
              "after 3 months because of diarrhoea. She has not had a splenectomy.")
    (fosta,) = [f for f in extract(letter) if f.concept == "fostamatinib"]
    assert fosta.status == "intolerant"
    # a short line is a list item: its own sentence ("no fever" denies nothing on the next line)
    lines = [f for f in extract("No HIV\nlupus nephritis class IV") if f.concept == "lupus_nephritis"]
    assert lines and not lines[0].negated


def test_located_in_the_is_no_home():
    assert [f for f in extract("The tumor is located in the T-L spine") if f.label == "LOCATION"] == []


@pytest.mark.parametrize("text,concept", [
    ("hi im 52 f, dermatomyositis since 2021", "female"),
    ("34 m with crohns since 2010", "male"),
    ("I am 61 m with AML", "male"),
])
def test_a_lower_case_sex_after_the_age(text, concept):
    assert concept in {f.concept for f in extract(text) if f.label == "SEX"}


def test_a_lower_case_m_elsewhere_is_no_sex():
    assert not [f for f in extract("MMF for 6 m, then stopped") if f.label == "SEX"]


@pytest.mark.parametrize("text,concept", [
    ("tried pred, MMF, tacro, IVIG", "tacrolimus"),
    ("failed inflix and vedo", "vedolizumab"),
    ("on ruxo since 2022", "ruxolitinib"),
    ("privigen monthly", "ivig"),
    ("efgartigimod didnt help", "efgartigimod_alfa"),
])
def test_short_drug_names_people_write(text, concept):
    assert concept in {f.concept for f in extract(text)}


def test_more_terms_must_name_a_known_concept_and_no_other(tmp_path):
    (tmp_path / "a.yaml").write_text("category: therapy\nconcepts:\n- {id: x, terms: [xdrug]}\n- {id: y, terms: [ydrug]}\n")
    (tmp_path / "b.yaml").write_text("category: therapy\nconcepts: []\nmore_terms:\n  x: [xd]\n")
    assert "xd" in read_terminology(tmp_path)["x"].terms
    (tmp_path / "b.yaml").write_text("category: therapy\nconcepts: []\nmore_terms:\n  x: [ydrug]\n")
    with pytest.raises(DataError):
        read_terminology(tmp_path)
    (tmp_path / "b.yaml").write_text("category: therapy\nconcepts: []\nmore_terms:\n  z: [zd]\n")
    with pytest.raises(DataError):
        read_terminology(tmp_path)


@pytest.mark.parametrize("text,grams", [
    ("still protein in urine 2g a day", 2.0),
    ("protein in her urine 2.5 g/day", 2.5),
    ("proteinuria 2 g/day", 2.0),
])
def test_protein_in_the_urine_with_an_amount_is_the_24_hour_protein(text, grams):
    (fact,) = [f for f in extract(text) if f.label == "LAB"]
    assert fact.concept == "urine_protein_24h" and fact.value_normalized == grams


@pytest.mark.parametrize("text", ["proteinuria 2+", "protein in urine 3+ on dipstick"])
def test_a_dipstick_grade_is_no_amount(text):
    # "2+" was read as 2 g a day
    facts = extract(text)
    assert not [f for f in facts if f.label == "LAB"]
    assert [f.concept for f in facts] == ["proteinuria"]
