"""h152, round 32 (issue #14, relevance): a treatment the person is being sent for is planned, not
had; a study of the response to cell therapy is for the person heading for CAR-T (it had ranked
after the relapsed-lymphoma baskets for a relapsed T-LBL); "the injections stopped working" and a
PSA rising despite them are a castration-resistant prostate cancer; a gestation written "30/40" is
a pregnancy."""
from __future__ import annotations

from datetime import date

import pytest

from core.facts import Profile
from nlp.pipeline import extract
from assertion_helpers import of, one_at
from catalogue_helpers import catalogue_of

TODAY = date(2026, 12, 1)


# --- "sending me for CAR-T": planned, not had --------------------------------------------------
@pytest.mark.parametrize("text", [
    "My team is sending me for CAR-T.",
    "I am being sent for CAR-T.",
    "they want to send him for CAR-T",
])
def test_being_sent_for_a_treatment_is_a_plan(text):
    fact = of(text, "car_t")
    assert fact.hypothetical and not fact.historical


def test_a_past_sending_is_still_had():
    fact = of("he was sent for CAR-T in 2024", "car_t")
    assert not fact.hypothetical


# --- a study of adoptive cell therapy for a person heading for CAR-T --------------------------------
def test_car_t_is_a_kind_of_adoptive_cell_therapy():
    from data.terminology import load_terminology

    terminology = load_terminology()
    assert terminology.is_a("car_t", "adoptive_cell_therapy")
    assert terminology.is_a("tisagenlecleucel", "adoptive_cell_therapy")


def test_the_planned_treatment_and_its_classes_are_named_only_when_planned():
    from matching.targets import planned_class_names

    planned = planned_class_names(Profile(extract("Relapsed T-LBL. My team is sending me for CAR-T.", today=TODAY)))
    assert "adoptive cell therapy" in planned and "car-t" in planned
    # had, or declined: no plan (the product's default CAR-T is not a plan either)
    assert planned_class_names(Profile(extract("He had CAR-T last year.", today=TODAY))) == []
    assert planned_class_names(Profile(extract("I would not want CAR-T.", today=TODAY))) == []
    assert planned_class_names(Profile(extract("I have lupus.", today=TODAY))) == []


def _catalogue(tmp_path, ids):
    return catalogue_of(tmp_path, ids)


def _ranked(catalog, text):
    from matching.pruned import match

    return [r for r in match(Profile(extract(text, today=TODAY)), catalog, today=TODAY) if r.verdict != "ineligible"]


def test_the_cell_therapy_study_ranks_before_the_lymphoma_baskets_for_a_t_lbl_heading_for_car_t(tmp_path):
    # NCT05481502: immune determinants of the response to adoptive cell therapy (samples only);
    # NCT05984147 (AUR108) and NCT06761586 (AUR104): relapsed-lymphoma baskets
    catalog = _catalogue(tmp_path, ["NCT05481502", "NCT05984147", "NCT06761586"])
    text = ("I'm 24. My T-lymphoblastic lymphoma came back in my chest, the cells are CD7 positive. "
            "My team is sending me for CAR-T.")
    ids = [r.id for r in _ranked(catalog, text)]
    assert ids[:2] == ["local-cd7-cart-heme", "NCT05481502"]
    assert ids.index("NCT05481502") < ids.index("NCT05984147")
    # had CAR-T, none planned: the study stays after the baskets (a study offering no treatment)
    past = [r.id for r in _ranked(catalog, "T-LBL relapsed again after CD7 CAR-T last year, CD7 positive. Options?")]
    assert past.index("NCT05984147") < past.index("NCT05481502")


# --- castration-resistant prostate cancer in lay words -------------------------------------------
@pytest.mark.parametrize("text", [
    "His prostate cancer spread to his bones. The injections worked for a while but they have stopped working.",
    "prostate cancer, the hormone treatment is no longer working",
    "Prostate cancer on the 3-monthly injection; his PSA has doubled in 5 months even though the injections "
    "keep his testosterone down.",
])
def test_hormone_injections_that_stopped_working_are_castration_resistant(text):
    fact = of(text, "crpc")
    assert not fact.negated


def test_injections_stopping_without_a_prostate_are_no_crpc():
    assert "crpc" not in {f.concept for f in extract("I have MDS and the EPO injections stopped working.", today=TODAY)}
    assert of("I have prostate cancer. The injections have not stopped working.", "crpc").negated


def test_a_castration_sensitive_trial_ranks_after_for_injections_that_stopped_working(tmp_path):
    # NCT06120491: saruparib in metastatic castration-sensitive prostate cancer;
    # NCT05380986: camrelizumab + apatinib for solid tumours after one or two lines
    catalog = _catalogue(tmp_path, ["NCT06120491", "NCT05380986"])
    ranked = _ranked(catalog, "My dad is 74. His prostate cancer spread to his bones. The injections worked "
                              "for a while but they have stopped working.")
    fits = {r.id: r.condition_fit for r in ranked}
    assert fits["NCT06120491"] <= fits["NCT05380986"]


# --- "30/40": weeks of a pregnancy -----------------------------------------------------------------
@pytest.mark.parametrize("text", ["30F G1P0, singleton, 30/40. GDM on OGTT.", "ITP, 34+2/40, platelets 40"])
def test_a_gestation_out_of_forty_is_a_pregnancy(text):
    fact = one_at(text, "pregnant", TODAY)
    assert fact.label == "PREGNANCY" and not fact.negated


@pytest.mark.parametrize("text", ["vision 20/40 in the left eye", "BP drops to 75/40 standing",
                                  "hypotensive (80/40 mmHg)", "scored 30/40 on the quiz"])
def test_other_numbers_over_forty_are_no_pregnancy(text):
    assert "pregnant" not in {f.concept for f in extract(text, today=TODAY)}


def test_the_term_preeclampsia_study_is_not_ruled_out_by_condition_for_a_pregnancy_in_weeks(tmp_path):
    from matching.pruned import match

    catalog = _catalogue(tmp_path, ["NCT04766866"])
    results = match(Profile(extract("30F G1P0, singleton, 30/40. GDM diagnosed on OGTT at 27/40, diet-controlled.",
                                    today=TODAY)), catalog, today=TODAY)
    study = next(r for r in results if r.id == "NCT04766866")
    assert not any(c.id == "elig-condition" and c.status == "fail" for c in study.top)
