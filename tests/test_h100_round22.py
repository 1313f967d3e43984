"""Round 22 (h100, issue #15): "hypersensitivity to the study drug" read with the record's own
interventions (the importer passes them to the criteria reader), and the classes the round's
random sample showed: nursing women, "histological or cytological confirmation of", an age "when
signing the informed consent", tuberculosis of one site."""
from __future__ import annotations

from datetime import date

from core.facts import Profile
from core.rules import iter_leaves
from matching.engine import match
from nlp.criteria.parser import parse_criterion
from nlp.criteria.study_drugs import current_study_drugs, name_concepts, reading_study, study_drug_concepts
from nlp.pipeline import extract
from registry.criteria_text import split_criteria
from registry.reparse import reread_record
from registry.run import remembering
from shared_records import record

TODAY = date(2026, 12, 5)
LINE = "Known hypersensitivity to the study treatment or any of its ingredients."


def _drug(name: str, kind: str = "DRUG") -> dict:
    return {"type": kind, "name": name}


# --- the record's drugs ------------------------------------------------------------------

def test_an_intervention_name_is_its_drugs_and_nothing_else():
    assert name_concepts("Darolutamide (Nubeqa, BAY1841788)") == ("darolutamide",)   # other names in a bracket
    assert name_concepts("carboplatin plus paclitaxel") == ("carboplatin", "paclitaxel")
    assert name_concepts("Gemcitabine/Cisplatin") == ("gemcitabine", "cisplatin")
    assert name_concepts("Semaglutide Pill") == ("semaglutide",)
    # a code, a biosimilar, a choice, a regimen or a class of drugs: which drugs is not said
    for name in ("ASP3082", "Elinzanetant (BAY3427080)", "PERT-IJS plus trastuzumab, carboplatin and docetaxel",
                 "Endocrine Therapy of Physician's Choice", "LHRH Agonist", "FOLFIRI",
                 "Camrelizumab combined with apatinib mesylate"):
        assert name_concepts(name) is None, name


def test_the_study_drugs_are_known_only_when_every_drug_intervention_is():
    assert study_drug_concepts([_drug("Volrustomig", "BIOLOGICAL"), _drug("Placebo", "OTHER")]) == ("volrustomig",)
    # a procedure, radiotherapy or a behavioural intervention is no substance of the study's
    assert study_drug_concepts([_drug("Pembrolizumab"), _drug("Proton Beam Radiation Therapy", "RADIATION"),
                                _drug("coronal scalp incision", "PROCEDURE")]) == ("pembrolizumab",)
    assert study_drug_concepts([_drug("Giredestrant"), _drug("Endocrine Therapy of Physician's Choice")]) is None
    assert study_drug_concepts([_drug("Placebo")]) is None      # no drug at all
    assert study_drug_concepts([]) is None
    with reading_study([_drug("Darolutamide")]):
        assert current_study_drugs() == ("darolutamide",)
    assert current_study_drugs() is None                        # only while the record is read


# --- the reader ----------------------------------------------------------------------------

def test_the_study_drug_is_the_records_drugs_when_they_are_known():
    with reading_study([_drug("Darolutamide (Nubeqa, BAY1841788)")]):
        assert parse_criterion(LINE, "exclusion") == {"type": "allergy", "substance": "darolutamide"}
    with reading_study([_drug("Gedatolisib"), _drug("Palbociclib"), _drug("Fulvestrant")]):
        rule = parse_criterion("Known hypersensitivity to the study drugs or their components", "exclusion")
        assert rule == {"any": [{"type": "allergy", "substance": s} for s in ("gedatolisib", "palbociclib", "fulvestrant")]}
    with reading_study([_drug("Volrustomig", "BIOLOGICAL"), _drug("Placebo", "OTHER")]):
        rule = parse_criterion("Participants with a known allergy or hypersensitivity to the study intervention, or any "
                               "excipients of the study intervention.", "exclusion")
        assert rule == {"type": "allergy", "substance": "volrustomig"}
        # a named drug beside the study's is read too; intolerance adds the drug not tolerated
        rule = parse_criterion("Known hypersensitivity to pembrolizumab or the study drug", "exclusion")
        assert rule == {"any": [{"type": "allergy", "substance": "pembrolizumab"}, {"type": "allergy", "substance": "volrustomig"}]}


def test_the_study_drug_stays_with_the_team_when_the_drugs_are_not_all_known():
    for interventions in (None, [_drug("Giredestrant"), _drug("LHRH Agonist")], [_drug("ASP3082")]):
        with reading_study(interventions):
            rule = parse_criterion(LINE, "exclusion")
            assert all(leaf["type"] == "review" for leaf in iter_leaves(rule)), interventions
    with reading_study([_drug("Darolutamide")]):
        # words the form does not hold: contraindications, drugs of a similar structure, another study
        for text in ("Contraindications or life-threatening allergies, hypersensitivity, or intolerance to any study "
                     "drug or its excipients",
                     "History of hypersensitivity to the study drug or drugs with a similar chemical structure",
                     "Hypersensitivity to the study drug of a previous trial"):
            assert not all(leaf["type"] == "allergy" for leaf in iter_leaves(parse_criterion(text, "exclusion"))), text
        # a severity is the team's beside the allergy
        rule = parse_criterion("History of severe hypersensitivity reaction to the study treatment", "exclusion")
        assert {leaf["type"] for leaf in iter_leaves(rule)} == {"allergy", "review"}
        # the study drug outside an allergy line is read as before (no allergy leaf)
        rule = parse_criterion("Prior treatment with the study drug", "exclusion")
        assert not any(leaf["type"] == "allergy" for leaf in iter_leaves(rule))


def test_the_importer_and_the_re_reader_read_the_study_drug_with_the_records_interventions():
    text = "Exclusion Criteria:\n* " + LINE
    with reading_study([_drug("Darolutamide")]):
        assert split_criteria(text)[0]["rule"] == {"type": "allergy", "substance": "darolutamide"}
    assert split_criteria(text)[0]["rule"]["type"] == "review"
    imported = record("NCT05348876")
    line = next(c for c in imported["criteria"] if c["text"].startswith("Known hypersensitivity to the study treatment"))
    assert line["rule"] == {"type": "allergy", "substance": "darolutamide"}
    again = reread_record(imported)
    line = next(c for c in again["criteria"] if c["text"].startswith("Known hypersensitivity to the study treatment"))
    assert line["rule"] == {"type": "allergy", "substance": "darolutamide"}


def test_a_remembered_line_is_read_again_for_another_records_drugs():
    parse = remembering(parse_criterion)
    with reading_study([_drug("Darolutamide")]):
        first = parse(LINE, "exclusion")
    with reading_study([_drug("Capmatinib")]):
        second = parse(LINE, "exclusion")
    assert first["substance"] == "darolutamide" and second["substance"] == "capmatinib"


# --- judged end to end -------------------------------------------------------------------

def _criterion(text: str):
    with reading_study([_drug("Darolutamide (Nubeqa, BAY1841788)")]):
        rule = parse_criterion(LINE, "exclusion")
    trial = {"id": "local-study-drug", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
             "criteria": [{"id": "exc-1", "kind": "exclusion", "text": LINE, "rule": rule}]}
    result = match(Profile(extract(text, today=TODAY)), [trial], today=TODAY)[0]
    return result, next(c for c in result.criteria if c.id == "exc-1")


def test_an_allergy_to_the_study_drug_fails_with_the_criterion_text_and_the_evidence():
    result, criterion = _criterion("74 year old man with prostate cancer, he had a rash from an allergy to darolutamide")
    assert criterion.status == "fail"
    shown = criterion.to_dict()
    assert shown["text"] == LINE
    assert any(q["text"].lower() == "darolutamide" for e in shown["evidence"] for q in e["quotes"])


def test_no_known_allergies_pass_and_silence_is_asked():
    _, criterion = _criterion("74 year old man with prostate cancer. Allergies: NKDA.")
    assert criterion.status == "pass"
    result, criterion = _criterion("74 year old man with prostate cancer")
    assert criterion.status == "unknown"
    assert result.verdict != "ineligible"
    assert "allergy:darolutamide" in {q.key for q in result.questions}


# --- the sample's classes ------------------------------------------------------------------

def test_nursing_women_are_breastfeeding_and_a_nursing_home_is_not():
    for text in ("Nursing women", "Nursing mothers", "Women who are nursing"):
        assert parse_criterion(text, "exclusion") == {"type": "pregnancy", "states": ["lactating"]}, text
    assert parse_criterion("Patients who are nursing home residents", "exclusion")["type"] == "review"
    assert [f.concept for f in extract("I am a nursing mother") if f.label == "PREGNANCY"] == ["lactating"]
    assert not [f for f in extract("my mum is in a nursing home") if f.label == "PREGNANCY"]


def test_histological_or_cytological_confirmation_is_how_the_diagnosis_is_made():
    assert parse_criterion("Histological or cytological confirmation of NSCLC.", "inclusion") == {
        "type": "diagnosis", "concept": "nsclc"}
    # a central confirmation is still the team's
    rule = parse_criterion("Central confirmation of HER2-positive breast cancer", "inclusion")
    assert any(leaf["type"] == "review" for leaf in iter_leaves(rule))


def test_an_age_when_signing_the_consent_is_the_age():
    assert parse_criterion("Adults aged 18-75, inclusive when signing the informed consent.", "inclusion") == {
        "type": "age", "min": 18, "max": 75}
    assert parse_criterion("Willing to sign the informed consent", "inclusion")["reason"] == "consent"


def test_tuberculosis_of_one_site_is_narrower_than_tuberculosis():
    rule = parse_criterion("Active pulmonary tuberculosis", "exclusion")
    assert {leaf["type"] for leaf in iter_leaves(rule)} == {"infection", "review"}
    assert parse_criterion("Active tuberculosis", "exclusion") == {"type": "infection", "agent": "tuberculosis", "state": "active"}
    # the patient who has it has tuberculosis
    assert "tuberculosis" in {f.concept for f in extract("he had pulmonary tuberculosis in 2019")}


def test_one_kind_of_a_drug_class_is_narrower_than_the_class():
    # "insulin glargine" is one insulin: an allergy to it is no allergy to every insulin
    rule = parse_criterion("Patients with known hypersensitivity to lixisenatide, insulin glargine or to any of the "
                           "inactive ingredients in the formulation", "exclusion")
    assert not any(leaf["type"] == "allergy" and leaf["substance"] == "insulin" for leaf in iter_leaves(rule))
    assert parse_criterion("Known hypersensitivity to insulin", "exclusion") == {"type": "allergy", "substance": "insulin"}
    rule = parse_criterion("Treated with insulin glargine", "exclusion")
    assert {leaf["type"] for leaf in iter_leaves(rule)} == {"therapy", "review"}
    assert name_concepts("Insulin glargine") is None
    # the patient who takes one takes insulin
    assert "insulin" in {f.concept for f in extract("I take lantus every night")}
