"""Round 13 (h56, issue #13): values, labs, drug names, places and other languages.

Antibody levels and titres carry their value, positive or negative only against a written
reference range; a lab range keeps both ends and matching judges it safely; a count with no
analyte named is platelets only when platelets are the topic; "PE" only where its words say
pulmonary embolism; lower-case places and their echo; drugs of lupus, vasculitis, ITP, IBD,
RA and AML trials; short messages in another language answered with the languages read."""
from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.language import detect
from bot.render import PLAIN, Renderer, place_name
from bot.session_store import SessionStore
from bot.tracker import ASKING, RESULTS
from chat_fakes import TRIALS, fake_engine, fake_match, fake_next_question
from core.facts import Fact
from core.rules import iter_leaves
from data.terminology import load_terminology
from criteria_helpers import parse, verdict
from nlp.pipeline import extract

CID = "cli:h56"


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def facts_of(text: str, label: str) -> list[Fact]:
    return [f for f in extract(text) if f.label == label]


def one(text: str, label: str, concept: str) -> Fact:
    found = [f for f in facts_of(text, label) if f.concept == concept]
    assert len(found) == 1, (text, found)
    return found[0]


# --- 1. antibody levels and titres ---------------------------------------------------

@pytest.mark.parametrize("text, concept, value, unit", [
    ("dsDNA 200 IU/ml", "anti_dsdna", 200, "IU/ml"),
    ("her anti-dsDNA was 45 AU/mL last time", "anti_dsdna", 45, "AU/mL"),
    ("anti-CCP >340 U/mL", "anti_ccp", 340, "U/mL"),
])
def test_an_antibody_level_is_its_value_and_no_result_without_a_reference(text, concept, value, unit):
    fact = one(text, "BIOMARKER", concept)
    assert fact.value == value and fact.unit == unit
    assert fact.status is None and not fact.negated      # the assay's cut-off is not known: never "positive"


@pytest.mark.parametrize("text, concept, value, status", [
    ("dsDNA 85 (ref <10)", "anti_dsdna", 85, "positive"),
    ("anti-dsDNA 450 IU/mL (NR 0-25)", "anti_dsdna", 450, "positive"),
    ("her anti-dsDNA was 45 IU/mL, normal range under 30", "anti_dsdna", 45, "positive"),
    ("RF 12 (normal <14)", "rheumatoid_factor", 12, "negative"),
    ("anti-Jo-1 85 U/mL (ref <7)", "myositis_antibody", 85, "positive"),
])
def test_a_reference_range_written_with_the_level_gives_the_result(text, concept, value, status):
    fact = one(text, "BIOMARKER", concept)
    assert fact.value == value and fact.status == status
    assert fact.negated == (status == "negative")


def test_a_titre_is_the_value_and_the_terminology_threshold_gives_the_result():
    high = one("ANA 1:640, homogeneous", "BIOMARKER", "ana")
    assert (high.value, high.unit, high.status) == (640, "titre", "positive")
    low = one("ANA 1:40", "BIOMARKER", "ana")
    assert (low.value, low.status) == (40, None)


def test_a_year_after_an_antibody_is_no_level():
    fact = one("dsDNA 2019 positive", "BIOMARKER", "anti_dsdna")
    assert fact.value is None and fact.status == "positive"


def test_a_criterion_level_is_not_a_share_of_cells():
    leaves = list(iter_leaves(parse("Positive anti-dsDNA antibodies (> 30 IU/mL)")))
    marker = next(leaf for leaf in leaves if leaf["type"] == "biomarker")
    assert "min_percent" not in marker          # 30 IU/mL is no "≥ 30 % of cells"
    cd7 = next(leaf for leaf in iter_leaves(parse("CD7 expression >= 20% of blasts")) if leaf["type"] == "biomarker")
    assert cd7["min_percent"] == 20             # a share of cells still is


def test_the_reply_shows_a_level_as_written_never_as_positive(fresh_db):
    engine = Engine(SessionStore(fresh_db), extract=extract, match=fake_match, next_question=fake_next_question,
                    trials=TRIALS, gazetteer=None)
    engine.start(CID, role="patient")
    text = said(engine.message(CID, "lupus since 2015. dsDNA 200 IU/ml, ANA 1:640, RF 12 (normal <14)"))
    assert "anti-dsDNA antibodies 200 IU/ml" in text and "anti-dsDNA antibodies positive" not in text
    assert "antinuclear antibodies positive (1:640)" in text
    assert "rheumatoid factor negative (12)" in text
    assert "%" not in text


# --- 2. ranges -------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept, low, high", [
    ("platelets 20-30", "platelets", 20, 30),
    ("plt between 20 and 30 this month", "platelets", 20, 30),
    ("hb between 8 and 9", "hemoglobin", 8, 9),
])
def test_a_range_keeps_both_ends(text, concept, low, high):
    fact = one(text, "LAB", concept)
    assert (fact.value, fact.value_high, fact.comparator) == (low, high, ">=")


@pytest.mark.parametrize("criterion, patient, expected", [
    ("Platelet count >= 25 x 10^9/L", "platelets 20-30", "unknown"),     # either side of 25
    ("Platelet count < 50 x 10^9/L", "platelets 20-30", "true"),         # both ends below
    ("Platelet count >= 10 x 10^9/L", "plt between 20 and 30", "true"),
    ("Platelet count < 15 x 10^9/L", "platelets 20-30", "false"),        # both ends above
    ("Hemoglobin >= 80 g/L", "hb between 8 and 9", "true"),              # 8-9 g/dL is 80-90 g/L
    ("Hemoglobin >= 85 g/L", "hb between 8 and 9", "unknown"),
])
def test_a_range_meets_a_limit_only_when_both_ends_do(criterion, patient, expected):
    assert verdict(parse(criterion), patient) == expected


# --- 3. a count with no analyte named ---------------------------------------------------

@pytest.mark.parametrize("text, value, comparator", [
    ("my daughter has ITP. her count is still under 30", 30, "<"),
    ("she has ITP, her counts are around 15", 15, None),
    ("ITP since 2019, tried eltrombopag. Count still under 30 most days", 30, "<"),
    ("ITP. on romiplostim, counts now 85", 85, None),
])
def test_a_bare_count_is_platelets_when_they_are_the_topic(text, value, comparator):
    fact = one(text, "LAB", "platelets")
    assert fact.text.lower().startswith("count") and (fact.value, fact.comparator) == (value, comparator)


@pytest.mark.parametrize("text", [
    "count still under 30",                                  # no topic
    "AML in remission, counts around 15",                    # every blood count
    "she has lupus. her count is 20",
    "she has ITP and neutropenia. her counts are 20",        # two topics: which one?
    "my son has ITP. His CD4 count is 400",                  # names its own analyte
])
def test_a_bare_count_without_one_platelet_topic_is_nothing(text):
    assert not any(f.concept == "platelets" for f in facts_of(text, "LAB"))


def test_most_after_a_number_is_no_month():
    fact = one("platelets still under 30 most days", "LAB", "platelets")
    assert (fact.value, fact.comparator) == (30, "<")


# --- 5. PE, places ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["he had a PE last year", "DVT/PE 2019 on apixaban", "history of PE",
                                  "saddle PE in 2021", "PE on CTPA in March", "no history of DVT or PE"])
def test_pe_is_a_pulmonary_embolism_where_its_words_say_so(text):
    assert any(f.concept == "pulmonary_embolism" for f in facts_of(text, "CONDITION"))


@pytest.mark.parametrize("text", ["PE unremarkable", "PE: normal", "tried IVIG and PE for her TTP",
                                  "she had a PE: unremarkable", "small bilateral PEs on CXR"])
def test_pe_elsewhere_is_nothing(text):
    assert not any(f.concept == "pulmonary_embolism" for f in extract(text))


def test_a_denied_pe_is_absent():
    fact = one("no history of DVT or PE", "CONDITION", "pulmonary_embolism")
    assert fact.negated


@pytest.mark.parametrize("text, place", [("we are near munich", "munich"),
                                         ("lupus, we're close to leeds and want a trial", "leeds"),
                                         ("we live near munich and want a trial", "munich")])
def test_a_lower_case_place_near_the_person(text, place):
    assert [f.concept for f in facts_of(text, "LOCATION")] == [place]


@pytest.mark.parametrize("text", ["she is near remission", "i'm near the end of my rope"])
def test_near_a_state_is_no_place(text):
    assert facts_of(text, "LOCATION") == []


def test_the_reply_names_a_country_and_capitalises_a_city():
    assert place_name("uk") == "United Kingdom"
    assert place_name("munich") == "Munich"
    assert place_name("Den Haag") == "Den Haag"


# --- 6, 7. clinician lists, drugs ------------------------------------------------------------

def test_a_bare_clinician_list_reads_every_item():
    got = {(f.label, f.concept, f.value) for f in extract("SLE. LN III. MMF, CYC, RTX. Cr 1.4. Plt 90.")}
    assert got == {("CONDITION", "sle", None), ("CONDITION", "lupus_nephritis", None),
                   ("DRUG", "mycophenolate", None), ("DRUG", "cyclophosphamide", None), ("DRUG", "rituximab", None),
                   ("LAB", "creatinine", 1.4), ("LAB", "platelets", 90)}


@pytest.mark.parametrize("name, concept", [
    ("avacopan", "avacopan"), ("Tavneos", "avacopan"), ("rilzabrutinib", "rilzabrutinib"),
    ("Velsipity", "etrasimod"), ("Omvoh", "mirikizumab"), ("Sotyktu", "deucravacitinib"),
    ("Lemtrada", "alemtuzumab"), ("iptacopan", "iptacopan"), ("sutimlimab", "sutimlimab"),
    ("quizartinib", "quizartinib"), ("ianalumab", "ianalumab"), ("brepocitinib", "brepocitinib"),
    ("obefazimod", "obefazimod"), ("Tyenne", "tocilizumab"), ("Vyxeos", "chemotherapy"),
])
def test_drugs_of_the_projects_diseases_are_known(name, concept):
    assert [f.concept for f in facts_of(f"she is on {name} now", "DRUG")] == [concept]


# --- 4. other languages -----------------------------------------------------------------------

@pytest.mark.parametrize("text, lang", [("Tengo artritis reumatoide", "es"), ("Ma fille a un lupus", "fr"),
                                        ("Meine Tochter hat Lupus", "de"), ("Mia figlia ha il lupus", "it"),
                                        ("Moja córka ma toczeń", "pl")])
def test_a_short_message_in_another_language_is_named(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize("text", ["HIV -ve, HCV neg, HBsAg -ve.", "Ven/aza x4, refractory", "San Diego California",
                                  "Los Angeles area", "Bad Homburg Germany", "SLE LN III MMF CYC RTX",
                                  "lupus nephritis class IV", "Leeds West Yorkshire"])
def test_shorthand_and_place_names_are_not_another_language(text):
    assert detect(text) in (None, "en")


@pytest.fixture
def real_engine(fresh_db):
    return Engine(SessionStore(fresh_db), extract=extract, match=fake_match, next_question=fake_next_question,
                  trials=TRIALS, gazetteer=None)


def test_a_message_in_spanish_at_a_question_is_told_the_languages_read(real_engine):
    real_engine.start(CID, role="patient")
    real_engine.message(CID, "I have lupus since 2015")
    # a Spanish message giving no facts ("Tengo artritis reumatoide" was one until round 23, h109:
    # the disease's Spanish name is a term now, and a message giving facts is read as usual)
    reply = real_engine.message(CID, "No sé qué decir, estoy cansada")
    text = said(reply)
    assert "Lo siento, solo entiendo inglés y chino." in text and "I read English and Chinese" in text
    assert "didn't catch" not in text and reply.state == ASKING


def test_a_spanish_message_naming_a_disease_in_spanish_is_read(real_engine):
    real_engine.start(CID, role="patient")
    real_engine.message(CID, "I have lupus since 2015")
    real_engine.message(CID, "Tengo artritis reumatoide")
    assert any(f.concept == "rheumatoid_arthritis" for f in real_engine.profile(CID).facts)


def test_a_french_message_naming_a_disease_says_the_rest_was_not_read(real_engine):
    real_engine.start(CID, role="patient")
    text = said(real_engine.message(CID, "Ma fille a un lupus"))
    assert "je ne comprends que" in text and "picked out just a few words" in text
    assert any(f.concept == "sle" for f in real_engine.profile(CID).facts)


def test_a_city_name_in_its_own_language_at_the_city_question_is_a_place(fresh_db):
    engine = fake_engine(SessionStore(fresh_db))
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus since 2015, tried mycophenolate, no HIV")
    engine.message(CID, "I'm 44")
    engine.message(CID, "not pregnant")
    reply = engine.message(CID, "Rio de Janeiro")
    assert "lives in Rio de Janeiro" in said(reply) and "Desculpe" not in said(reply)
    assert reply.state == RESULTS


# --- own probes: a change "from A to B", regions ---------------------------------------------

@pytest.mark.parametrize("text, concept, value", [
    ("platelets went from 8 to 60", "platelets", 60),
    ("creatinine rose from 1.2 mg/dL to 2.5 mg/dL", "creatinine", 2.5),
    ("ITP. his count went from 8 to 60 on doptelet", "platelets", 60),
])
def test_a_change_from_one_value_to_another_keeps_the_newer(text, concept, value):
    fact = one(text, "LAB", concept)
    assert (fact.value, fact.value_high, fact.comparator) == (value, None, None)


def test_from_to_without_a_verb_of_change_is_no_value():
    # a criterion's "from 50 to 100" is a range; a patient's is unclear: nothing is read
    assert all(f.value is None for f in facts_of("creatinine from 1.2 to 2.5 in a month", "LAB"))


@pytest.mark.parametrize("text, place", [("i'm based in north wales", "north wales"),
                                         ("we live in south east London", "south east London"),
                                         ("i live in hangzhou", "hangzhou")])
def test_a_region_keeps_its_name(text, place):
    assert [f.concept for f in facts_of(text, "LOCATION")] == [place]


@pytest.mark.parametrize("text, concept, status, value", [
    ("Anti-Sm positive", "anti_sm", "positive", None),
    ("anti-RNP 45 U/mL", "anti_rnp", None, 45),
    ("MPO-ANCA 85 IU/mL (ref <3.5)", "anca_mpo", "positive", 85),
    ("anti-La negative", "anti_la", "negative", None),
    ("GPA, PR3-ANCA positive", "anca_pr3", "positive", None),
])
def test_lupus_and_vasculitis_antibodies(text, concept, status, value):
    fact = one(text, "BIOMARKER", concept)
    assert (fact.status, fact.value) == (status, value)


def test_mpo_alone_is_no_antibody():
    assert facts_of("MPO positive blasts 80%", "BIOMARKER") == []


@pytest.mark.parametrize("text, concept", [
    ("AML. Ven/aza x4, refractory", "venetoclax"), ("AML. Ven/aza x4, refractory", "azacitidine"),
    ("prior HMA therapy", "hypomethylating_agent"), ("MEC salvage", "mec"),
    ("CLAG-M in 2024", "clag_m"), ("Blina bridge to transplant", "blinatumomab"), ("TPO-RAs failed", "tpo_agonist"),
    ("rux for HLH", "ruxolitinib"),
])
def test_aml_and_itp_regimens_as_written(text, concept):
    assert concept in [f.concept for f in facts_of(text, "DRUG")]


def test_a_hypomethylating_agent_is_still_chemotherapy():
    terminology = load_terminology()
    assert terminology.is_a("azacitidine", "hypomethylating_agent") and terminology.is_a("decitabine", "hypomethylating_agent")
    assert terminology.is_a("azacitidine", "chemotherapy") and terminology.is_a("mec", "cytarabine")


@pytest.mark.parametrize("text, lang", [("nicht sicher", "de"), ("je sais pas", "fr"), ("mi hija", "es")])
def test_two_words_of_another_language(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize("text", ["tengo lupus", "San Jose", "Buenos Aires", "no idea", "not sure", "MMF CYC", "Bonjour"])
def test_two_words_not_all_foreign_change_nothing(text):
    assert detect(text) in (None, "en")


def test_bare_rheumatology_lists():
    got = {f.concept for f in extract("RA: MTX, SSZ, HCQ, ETN, ADA, TCZ, JAKi")}
    assert {"methotrexate", "sulfasalazine", "hydroxychloroquine", "etanercept", "adalimumab", "tocilizumab",
            "jak_inhibitor"} <= got
    assert {f.concept for f in extract("JDM. MTX, IVIG, JAKi.")} == {"dermatomyositis", "methotrexate", "ivig", "jak_inhibitor"}
