"""Round 35 (h166, issue #13): clinicians' letters, real notes and clinicians' messages read
right: an infection dated by its month (or found "on biopsy", "of the leg") and then "treated
with" a course is over, CMV and H. pylori among them, and one "eradicated" too; a treatment kept
"as rescue (only)" or a rescue that "responded" was given then; a treatment "considered, not
started", "not pursued" or one the patient is "unfit for" was not given; values listed in the
order of their names, "respectively". Each test names a class of phrasing in wordings of its
own (not the gold's) and reads it through the real extraction path."""
from __future__ import annotations

from datetime import date

from assertion_helpers import NOW, PAST, one_at
from benchmarks.assertion import predicted_assertion
from nlp import extract

TODAY = date(2026, 12, 7)


def read(text: str, concept: str) -> tuple[str, str, str]:
    return predicted_assertion(one_at(text, concept, TODAY))


def value(text: str, concept: str) -> float | None:
    return one_at(text, concept, TODAY).value


# --- an infection treated, dated by its month --------------------------------------------------

def test_an_infection_dated_by_month_then_treated_is_over():
    assert read("Chest infection 10/2026, treated with doxycycline. Ex-smoker.", "active_infection") == PAST
    assert read("UTI in August 2026, treated with nitrofurantoin.", "uti") == PAST


def test_an_infection_with_its_result_and_a_month_name_then_treated_is_over():
    assert read("C diff toxin positive in Oct, treated with oral vancomycin. Now on vedolizumab.",
                "c_difficile_infection") == PAST


def test_where_an_infection_was_found_stands_between_it_and_its_course():
    assert read("Cellulitis of the left foot 07/2026 with Staph, treated with flucloxacillin.",
                "active_infection") == PAST


def test_a_cmv_reactivation_treated_is_over_but_a_cmv_serology_stays():
    assert read("CMV reactivation 05/2026, treated with valganciclovir.", "cmv") == PAST
    assert read("CMV IgG positive. Plan: allo-SCT.", "cmv") == NOW


def test_an_infection_still_on_its_course_stays_current():
    # the course goes on: no 'treated with' before it
    assert read("Pneumonia 11/2026 on piperacillin-tazobactam, improving.", "active_infection") == NOW


def test_an_eradicated_infection_is_over():
    assert read("H. pylori breath test positive 2023, eradicated. Platelets 40.", "h_pylori") == PAST


# --- rescue ---------------------------------------------------------------------------------------

def test_a_treatment_kept_as_rescue_was_given_then():
    assert read("Romiplostim weekly. Dexamethasone as rescue only.", "dexamethasone") == PAST
    assert read("Rituximab since 2025; methylprednisolone only as rescue for flares.", "methylprednisolone") == PAST


def test_a_rescue_that_responded_was_given_then_and_the_next_drug_goes_on():
    text = "IV steroids, then infliximab rescue, responded. Ustekinumab since 09/2026."
    assert read(text, "infliximab") == PAST
    assert read(text, "ustekinumab") == NOW


# --- not given ------------------------------------------------------------------------------------

def test_a_treatment_considered_and_not_started_was_not_given():
    assert read("Rituximab considered, not started (hypogammaglobulinaemia).", "rituximab")[0] == "absent"
    assert read("Plasma exchange discussed but not pursued.", "plasma_exchange")[0] == "absent"


def test_a_treatment_not_pursued_was_not_given():
    assert read("Allogeneic transplant not pursued (no donor).", "allo_hsct")[0] == "absent"


def test_unfit_for_a_treatment_is_no_treatment_had():
    assert read("Frail, unfit for an allogeneic transplant.", "allo_hsct")[0] == "absent"
    # "fit for" alone stays a treatment that may come
    assert read("Fit for allo-SCT if in remission.", "allo_hsct")[0] == "hypothetical"


# --- values respectively ------------------------------------------------------------------------

def test_values_listed_respectively_go_to_their_names():
    text = "Total cholesterol and LDL were 6.8 and 4.9 mmol/L, respectively."
    assert value(text, "total_cholesterol") == 6.8
    assert value(text, "ldl_cholesterol") == 4.9


def test_three_values_respectively_with_resp_in_a_bracket():
    text = "ALT, AST and ALP (45, 38 and 120 U/L, resp.) were checked."
    assert (value(text, "alt"), value(text, "ast"), value(text, "alp")) == (45, 38, 120)


def test_a_value_without_respectively_is_read_as_before():
    assert value("ALT 45 and AST 38 U/L.", "alt") == 45
    assert value("ALT 45 and AST 38 U/L.", "ast") == 38


# --- hedges -----------------------------------------------------------------------------------------

def test_a_hedge_after_a_comma_doubts_what_follows_not_the_diagnosis_before():
    text = "Rheumatoid arthritis, likely ILD on the CT."
    assert read(text, "rheumatoid_arthritis") == NOW
    assert read(text, "interstitial_lung_disease")[0] == "possible"
    # said after what it doubts, with nothing after it, it still doubts that
    assert read("Lupus nephritis, probable.", "lupus_nephritis")[0] == "possible"


def test_a_query_written_after_a_diagnosis_doubts_it():
    assert read("Chronic ITP and Evans syndrome query (DAT positive).", "evans_syndrome")[0] == "possible"
    assert read("ITP and Evans syndrome query (DAT positive).", "itp") == NOW
    assert read("Query: lupus. On hydroxychloroquine.", "sle")[0] == "possible"


# --- statuses over time -------------------------------------------------------------------------

def test_a_drug_stopped_at_relapse_leaves_the_relapse_now():
    text = "T-LBL. Maintenance mercaptopurine stopped 05/2026 at relapse (marrow blasts 30%). Nelarabine started."
    assert read(text, "relapsed_disease") == NOW
    assert read(text, "mercaptopurine")[2] == "past"


def test_a_relapse_before_a_second_remission_is_over_when_another_follows():
    text = "PTCL. CHOP: CR, then relapse 2024. GDP: CR2, auto-SCT 2025. Now a nodal relapse on PET."
    facts = [f for f in one_at_all(text) if f.concept == "relapsed_disease"]
    assert [predicted_assertion(f)[2] for f in facts] == ["past", "current"]


def test_a_status_told_later_but_dated_earlier_ends_nothing():
    text = "T-ALL, MRD negative since 05/2026. Earlier course: UKALL 2024, relapse 11/2025."
    assert read(text, "mrd_negative") == NOW


def one_at_all(text: str) -> list:
    return extract(text, today=TODAY)


# --- a printout's order ---------------------------------------------------------------------------

def test_bilirubin_written_with_its_kind_after_the_name_keeps_its_value():
    assert value("Bili total 1.9, ALT 40.", "bilirubin") == 1.9
    assert value("Bilirubin total 22 umol/L.", "bilirubin") == 22
