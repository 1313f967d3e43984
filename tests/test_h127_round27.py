"""Round 27 (h127, issue #14): no false exclusions on what a patient takes now, reads of
long-standing depression, couples told with a colon or a bracket, and a wish that is no
history. Each through the real path (criteria parser + evaluator, extractor, people reader)."""
from __future__ import annotations

from criteria_helpers import parse, verdict

from nlp.pipeline import extract, people_of


# --- "no concurrent X": what is taken during the study, not now --------------------------------

def test_no_concurrent_antineoplastic_agents_is_reviewed_for_a_drug_taken_now():
    # rel-020: progressing on letrozole + ribociclib; the antineoplaston trial's "No concurrent
    # antineoplastic agents" ruled her out, though she would stop them before the trial
    rule = parse("No concurrent antineoplastic agents", "inclusion")
    assert verdict(rule, "I'm on letrozole and ribociclib and it is growing") == "review"
    assert verdict(rule, "no treatment at the moment, I stopped chemo in 2019") != "false"


def test_a_concurrent_exclusion_is_reviewed_not_failed():
    rule = parse("Concurrent chemotherapy", "exclusion")
    assert verdict(rule, "still on carboplatin and paclitaxel") == "review"


def test_current_use_without_concurrent_words_is_unchanged():
    # "No current chemotherapy" is about now: a course taken now still fails it
    assert "during_trial" not in str(parse("No current chemotherapy", "inclusion"))
    assert verdict(parse("No current chemotherapy", "inclusion"), "still on carboplatin and paclitaxel") == "false"
    # a positive requirement keeps its reading
    assert "during_trial" not in str(parse("Current chemotherapy", "exclusion"))


# --- depression said with how long it lasted ------------------------------------------------------

def _conditions(text: str) -> dict[str, object]:
    return {f.concept: f for f in extract(text) if f.label == "CONDITION"}


def test_depression_for_years_is_the_disorder():
    for text in ("52M, depression for years, on my third antidepressant and still low.",
                 "52M, depressed on and off for decades, bad again despite escitalopram.",
                 "She has been depressed since she was a teenager.",
                 "years of depression, nothing helps",
                 "long-standing depression on sertraline"):
        found = _conditions(text)
        assert "major_depressive_disorder" in found, text
        assert not found["major_depressive_disorder"].negated, text


def test_st_depression_and_denied_or_relatives_depression_are_not_the_patients():
    assert "major_depressive_disorder" not in _conditions("ST depression for years on his ECGs")
    assert _conditions("no depression for years")["major_depressive_disorder"].negated
    assert _conditions("my mum has had depression for years")["major_depressive_disorder"].family


# --- couples -----------------------------------------------------------------------------------

def _people(text: str) -> dict[str, tuple[str, ...]]:
    return {p.relation: p.conditions for p in people_of(text)}


def test_a_couple_told_after_a_colon_keeps_each_disease_with_its_person():
    text = ("My husband (46) and I (41, F) both want CAR-T: he has rheumatoid arthritis that failed four "
            "biologics and I have lupus that failed mycophenolate, rituximab and belimumab.")
    people = _people(text)
    assert people["husband"] == ("rheumatoid_arthritis",)
    assert people["self"] == ("sle",)       # was: the writer had the husband's RA too
    text = ("My husband (60) and I (57, F): he has CML, imatinib and dasatinib both failed; I have "
            "rheumatoid arthritis that failed methotrexate, adalimumab and tocilizumab.")
    assert _people(text) == {"husband": ("cml",), "self": ("rheumatoid_arthritis",)}


def test_the_writer_named_with_a_bracket_and_what_they_have():
    text = ("Me (M, 41) with diffuse scleroderma since 2023, getting worse on mycophenolate; and my wife (39) "
            "with mild asthma, only a blue inhaler now and then.")
    assert _people(text) == {"self": ("diffuse_systemic_sclerosis",), "wife": ("asthma",)}


# --- a wish is no history ----------------------------------------------------------------------

def test_a_treatment_set_against_the_one_asked_for_is_a_wish():
    for text in ("He wants a trial with tablets, not chemo.", "I want a trial with tablets, not infusions or chemo."):
        chemo = next(f for f in extract(text) if f.concept == "chemotherapy")
        assert chemo.hypothetical and not chemo.negated, text
    # a plain denial keeps its reading
    chemo = next(f for f in extract("No chemo, just hormone tablets so far.") if f.concept == "chemotherapy")
    assert chemo.negated


# --- an organ's disease suspected; portal hypertension ------------------------------------------

def _implied(text: str) -> set[str]:
    from datetime import date

    from core.facts import Profile
    from data.terminology import load_terminology
    from matching.evaluate import Evaluator
    from matching.relevance import ranked_diagnoses

    ev = Evaluator(Profile(extract(text)), load_terminology(), today=date(2026, 12, 1))
    return {concept for concept, _text, _cap in ranked_diagnoses(ev)}


def test_a_finding_a_suspected_organ_disease_explains_implies_no_second_disease():
    # rel-1021: "protein in my urine ... lupus nefritis i think": the kidney-disease trials ranked
    # first on the proteinuria (a sign of kidney disease), before the lupus ones
    assert "kidney_disease" not in _implied("I'm 26. The GP found protein in my urine, she said it could be "
                                            "lupus nefritis i think.")
    # the finding alone still keeps its organ's trials open
    assert "kidney_disease" in _implied("I'm 26 and there is protein in my urine.")


def test_a_trial_a_suspected_diagnosis_meets_only_through_its_organ_is_no_fit():
    from matching.relevance import fits_by_organ_only

    ckd = {"concepts": ["kidney_disease"], "texts": ["Chronic Kidney Disease"]}
    sle = {"concepts": ["sle"], "texts": ["Systemic Lupus Erythematosus"]}
    ln = [f for f in extract("lupus nephritis i think") if f.label == "CONDITION"]
    assert fits_by_organ_only(ckd, ln)
    assert not fits_by_organ_only(sle, ln)


def test_portal_hypertension_is_no_name_of_every_liver_disease():
    from data.terminology import load_terminology
    from matching.relevance import condition_strength

    terminology = load_terminology()
    trial = ("cirrhosis", "portal_hypertension")       # NCT04111133, ivabradine in cirrhotic cardiomyopathy
    assert condition_strength(trial, (("primary_sclerosing_cholangitis", "PSC"),), terminology) == 0
    assert condition_strength(trial, (("cirrhosis", "cirrhosis"),), terminology) > 0
    assert terminology.is_a("portal_hypertension", "liver_disease")
