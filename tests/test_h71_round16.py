"""h71, round 16 (issue #13): the commonly prescribed drugs of general notes, typo recovery kept
safe with the wider lexicon, and referral letters' headings and lines (a class heading over a
list, the values of a "Dx <date>:" line, a plan's short course, "COVID pneumonia in 12/2024")."""
import sys
from datetime import date
from pathlib import Path

import pytest

from data.terminology import load_terminology
from nlp import extract

TODAY = date(2025, 12, 5)
SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def facts(text):
    return extract(text, today=TODAY)


def concepts(text):
    return {f.concept for f in facts(text)}


def fact(text, concept):
    return next(f for f in facts(text) if f.concept == concept)


@pytest.mark.parametrize("text, concept", [
    ("PMH: hypothyroidism on levothyroxine 100 mcg", "levothyroxine"),
    ("Parkinson's disease, trihexyphenidyl 2 mg tds", "trihexyphenidyl"),
    ("Medications: bisoprolol 2.5 mg od, omeprazole 20 mg", "bisoprolol"),
    ("Medications: bisoprolol 2.5 mg od, omeprazole 20 mg", "omeprazole"),
    ("on Lasix 40 mg for the swelling", "furosemide"),
    ("started on sertraline 50 mg for depression", "sertraline"),
    ("seizure-free on lamotrigine", "lamotrigine"),
    ("cephalexin for a skin infection", "cefalexin"),
])
def test_commonly_prescribed_drugs_are_read(text, concept):
    assert concept in concepts(text)


def test_common_drugs_sit_under_the_classes_criteria_name():
    terminology = load_terminology()
    assert terminology.is_a("dapagliflozin", "oral_antidiabetic")
    assert terminology.is_a("beclometasone", "inhaled_steroid")
    assert terminology.is_a("captopril", "ace_inhibitor")
    assert terminology.is_a("diclofenac", "nsaid")
    assert terminology.is_a("lamivudine", "antiretroviral")


@pytest.mark.parametrize("text", [
    "She drinks alcohol occasionally and is on oxygen at night.",
    "Coffee and caffeine make her palpitations worse.",
])
def test_common_english_words_are_not_drugs(text):
    assert not [f for f in facts(text) if f.label == "DRUG"]


@pytest.mark.parametrize("text, wrong", [
    ("Laboratory studies showed normal liver transaminase levels.", "tranylcypromine"),
    ("She has discoid lupus on her scalp.", "hydrocodone"),
    ("Haplo donor identified, transplant planned.", "halcinonide"),
])
def test_a_word_of_a_longer_term_is_not_another_drugs_typo(text, wrong):
    assert wrong not in concepts(text)


def test_a_word_of_a_longer_term_still_names_its_own_concept():
    assert "sjogrens_syndrome" in concepts("she has sjogren and dry eyes")
    assert "hodgkin_lymphoma" in concepts("treated for hodgkin in 2010")


def test_the_values_of_a_diagnosis_line_are_past():
    text = "Dx 02/2023: WBC 212 x10^9/L, Hb 76 g/L.\nNow: Hb 92 g/L, platelets 61."
    labs = [(f.concept, f.historical) for f in facts(text) if f.label == "LAB"]
    assert labs == [("wbc", True), ("hemoglobin", True), ("hemoglobin", False), ("platelets", False)]


@pytest.mark.parametrize("text", [
    "At diagnosis: Hb 58 g/L, LDH 820.",
    "Presentation (06/2022): Hb 58 g/L, LDH 820.",
    "Presentation counts: Hb 58 g/L, LDH 820.",
    "First episode 08/2021: Hb 58 g/L, LDH 820.",
    "Diagnosed 01/2024: Hb 58 g/L, LDH 820.",
])
def test_a_presentation_line_dates_its_values(text):
    assert all(f.historical for f in facts(text) if f.label == "LAB")


@pytest.mark.parametrize("text", [
    "Diagnosis: IgA nephropathy. Creatinine 142 umol/L.",
    "Presenting complaint: proximal weakness; CK 5600.",
    "Dx SLE 2016 (ANA 1:1280, anti-dsDNA positive). Creatinine 70.",
])
def test_a_heading_that_dates_nothing_leaves_values_current(text):
    assert not any(f.historical for f in facts(text) if f.label == "LAB")


def test_a_class_heading_over_a_list_is_no_mention():
    text = "DMARDs: methotrexate 20 mg weekly (2016-2019), leflunomide 20 mg od.\nBiologics: adalimumab 2020-2022."
    found = concepts(text)
    assert {"methotrexate", "leflunomide", "adalimumab"} <= found
    assert not found & {"csdmard", "biologic"}
    assert "active_infection" in concepts("Infections: neutropenic sepsis x2 (2025).")   # the sepsis itself
    assert len([f for f in facts("Infections: neutropenic sepsis x2 (2025).") if f.concept == "active_infection"]) == 1


def test_an_empty_answer_after_a_class_heading_stays_a_negated_mention():
    assert fact("Biologics: nil. On methotrexate.", "biologic").negated


def test_a_drug_heading_is_kept():
    assert "prednisone" in concepts("Prednisolone:\n- 40 mg 2023, tapered")


def test_an_infection_named_with_its_organism_shares_its_time():
    found = facts("He was admitted with COVID pneumonia in 12/2024.")
    assert [(f.concept, f.historical) for f in found] == [("covid", True), ("active_infection", True)]
    assert not fact("She has CMV colitis now.", "cmv").historical


def test_a_short_course_in_a_plan_is_planned():
    found = fact("Plan: start hydroxychloroquine 200 mg bd and a short course of prednisolone 20 mg.", "prednisone")
    assert found.hypothetical


def test_a_plan_to_continue_keeps_the_treatment_current():
    found = facts("Plan: continue MMF 1 g bd and add belimumab.")
    mmf = next(f for f in found if f.concept == "mycophenolate")
    belimumab = next(f for f in found if f.concept == "belimumab")
    assert not mmf.hypothetical and belimumab.hypothetical


def test_the_broad_list_leaves_out_common_words_and_forms():
    sys.path.insert(0, str(SCRIPTS))
    from build_drug_lexicon import common_drugs

    data = {"levothyroxine": {"medline_plus_id": "a1"}, "oxygen": {"medline_plus_id": "a2"},
            "budesonide inhalers": {"nhs_url": "x"}, "obscurumab": {"drugbank_id": "DB1"}}
    assert common_drugs(data, ["medline_plus_id", "nhs_url"], {"oxygen"}) == ["levothyroxine"]


def test_the_dev_letters_are_gold_in_the_format():
    """The dev letters since letter-113 (h65's letter-113..130 and these, letter-131..150) in
    the format; the concepts of this round's letters are the terminology's."""
    import json

    path = Path(__file__).resolve().parent / "data" / "gold" / "notes" / "letters_dev.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    ids = {r["id"] for r in rows}
    assert {f"letter-{n}" for n in range(113, 151)} <= ids
    terminology = load_terminology()
    for row in (r for r in rows if int(r["id"].split("-")[1]) >= 113):     # the format since letter-113
        assert set(row) == {"id", "text", "entities", "uncovered"}
        for e in row["entities"]:
            assert row["text"][e["start"]:e["end"]] == e["text"]
            assert e["assertion"] in ("present", "absent", "possible", "hypothetical")
            assert e["time"] in ("current", "past", "planned")
            if int(row["id"].split("-")[1]) >= 131:
                assert e["concept"] in terminology or e["label"] in ("AGE", "SEX", "PREGNANCY")


@pytest.mark.parametrize("text, span", [
    ("Patient: Miss R.H., 24 y/o", "Miss"),
    ("Name: Ms J.W.  Age: 35  Sex: F", "F"),
    ("Sex: male. Age 40.", "male"),
])
def test_a_letters_title_or_sex_field_names_the_sex(text, span):
    assert span in {f.text for f in facts(text) if f.label == "SEX"}


def test_miss_as_a_verb_is_no_sex():
    assert not [f for f in facts("I miss my old life and my friends.") if f.label == "SEX"]
