"""Round 19 (h85, issue #13): what patients and relatives write in chat, new voices -
teenagers, older patients, relatives writing about two people at once, treatment courses told
with their outcomes, labs said in words (dev gold conv-5380 ... conv-5439)."""
import pytest

from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract


def _fact(text, concept):
    found = [f for f in extract(text) if f.concept == concept]
    assert found, f"{concept} not read in {text!r}"
    return found[0]


def _said(text, concept):
    return predicted_assertion(_fact(text, concept))


# --- the disease back after a treatment, at the very end of a text ------------------------

@pytest.mark.parametrize("text, drug", [
    ("had MMF for 2 years but the lupus is back", "mycophenolate"),
    ("R-CHOP x6 but the lymphoma is back", "r_chop"),
    ("she did vidaza for a year and it's back", "azacitidine"),
])
def test_the_disease_back_at_the_end_of_a_text_fails_the_treatment_before(text, drug):
    assert _fact(text, drug).status == "failed"


@pytest.mark.parametrize("text, drug", [
    ("her platelets dropped on IVIG but it's back to normal now. she has ITP", "ivig"),
    ("benlysta for 2 years and she's back at work now", "belimumab"),
])
def test_a_count_or_a_person_back_is_no_failure(text, drug):
    assert _fact(text, drug).status != "failed"


def test_a_back_that_is_no_disease_is_no_failure():
    assert _fact("on methotrexate and my back pain is bad", "methotrexate").status != "failed"


# --- a relapse in any spelling, or with its time, before "after" --------------------------

@pytest.mark.parametrize("text, drug", [
    ("she relapsd after vidaza, AML, shes 71", "azacitidine"),
    ("T-ALL, relapsed in august after nelarabine", "nelarabine"),
    ("PTCL-NOS, 63M, relapsed 2024 after CHOP x6.", "chop"),
])
def test_a_relapse_before_after_fails_the_treatment(text, drug):
    assert _fact(text, drug).status == "failed"


def test_a_relapse_after_stopping_a_treatment_is_no_failure_of_it():
    fact = _fact("lupus relapsed in 2023 after stopping MMF", "mycophenolate")
    assert fact.status != "failed"


# --- a stop said after "but", and a pregnancy as its reason ---------------------------------

@pytest.mark.parametrize("text, drug", [
    ("MMF worked well but she stopped because of pregnancy.", "mycophenolate"),
    ("benlysta helped but i had to stop it", "belimumab"),
])
def test_a_stop_after_but_makes_the_treatment_past(text, drug):
    fact = _fact(text, drug)
    assert predicted_assertion(fact)[2] == "past"
    assert fact.status not in ("failed", "current")


def test_responding_that_stopped_is_a_failure():
    assert _fact("rituximab worked at first but she stopped responding", "rituximab").status == "failed"


# --- only a partial response ---------------------------------------------------------------

@pytest.mark.parametrize("text, drug", [
    ("vedolizumab gave only a partial response over two years.", "vedolizumab"),
    ("the rituximab was 2 years ago and only gave a partial response", "rituximab"),
])
def test_only_a_partial_response_is_an_inadequate_response(text, drug):
    assert _fact(text, drug).status == "failed"


def test_only_a_partial_response_while_taken_is_failed_and_current():
    fact = _fact("UC, on vedolizumab since 2022 with only a partial response. CRP 25.", "vedolizumab")
    assert fact.status == "failed"
    assert predicted_assertion(fact) == ("present", "patient", "current")


# --- values from the time of diagnosis or a flare -------------------------------------------

@pytest.mark.parametrize("text, lab", [
    ("my CK was over 4000 when they diagnosed the myositis", "ck"),
    ("ferritin was 12000 in my flare", "ferritin"),
    ("platelets were 9 at diagnosis", "platelets"),
])
def test_a_value_at_diagnosis_or_in_a_flare_is_past(text, lab):
    facts = [f for f in extract(text) if f.concept == lab]
    assert predicted_assertion(facts[0])[2] == "past"


def test_a_value_now_stays_current():
    assert _said("CK 4000 today, myositis", "ck") == ("present", "patient", "current")


# --- a good spell is no harm; a treatment added; a plan in shorthand; a switch ------------

def test_a_good_spell_given_by_a_treatment_is_no_intolerance():
    fact = _fact("Rituximab in 2021 gave me a good two years.", "rituximab")
    assert fact.status is None


def test_a_harm_given_by_a_treatment_stays_intolerance():
    assert _fact("methotrexate gave me mouth ulcers", "methotrexate").status == "intolerant"


def test_a_treatment_added_later_keeps_the_first():
    text = "I was started on mycophenolate, later nintedanib in addition."
    assert _said(text, "mycophenolate") == ("present", "patient", "current")
    assert _said("prednisone, then IVIG, later fostamatinib", "ivig")[2] == "past"


def test_a_treatment_considered_in_shorthand_is_hypothetical():
    assert _said("UC. Tofacitinib considered.", "tofacitinib")[0] == "hypothetical"


def test_the_treatment_switched_away_from_is_over_and_the_new_one_is_not():
    text = "they switched the etanercept for rituximab. CRP is still high"
    assert _said(text, "etanercept")[2] == "past"
    assert _said(text, "rituximab") == ("present", "patient", "current")


def test_a_search_with_relief_and_no_finding_denies_it():
    text = "screened for TB but thankfully found nothing"
    assert _said(text, "tuberculosis")[0] == "absent"


# --- two people at once ---------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("my husband and I both have RA but im asking for him. he is 58", "rheumatoid_arthritis"),
    ("my wife and I both have psoriasis but she also has psoriatic arthritis.", "psoriasis"),
    ("my mum and I both have RA, asking for my mum. she is 61", "rheumatoid_arthritis"),
])
def test_an_illness_the_writer_shares_with_the_patient_is_the_patients(text, concept):
    assert _said(text, concept)[1] == "patient"


def test_an_illness_the_writer_shares_with_someone_else_stays_family():
    text = "my sister and I both have lupus, asking for my son. he has crohns"
    assert _said(text, "sle")[1] == "family"
    assert _said(text, "crohns_disease")[1] == "patient"


def test_we_both_is_still_the_parents():
    assert _said("our son has UC. we both have high blood pressure", "hypertension")[1] == "family"


# --- labs said in words -------------------------------------------------------------------

@pytest.mark.parametrize("text, labs", [
    ("dsDNA thru the roof and c3 is low again", ["complement_c3"]),
    ("my c3 and c4 r low and dsDNA is high", ["complement_c3", "complement_c4"]),
    ("bloods said low c3/c4 again. lupus 9 years", ["complement_c3", "complement_c4"]),
])
def test_a_lower_case_complement_with_a_quality_is_read(text, labs):
    facts = [f for f in extract(text) if f.label == "LAB"]
    assert [f.concept for f in facts] == labs
    assert all(f.status == "low" for f in facts)


def test_a_lower_case_c3_with_no_quality_is_no_lab():
    assert [f for f in extract("i got to c3 in the game") if f.label == "LAB"] == []


@pytest.mark.parametrize("text, low, high", [
    ("dad has ITP, his platelets are in the teens", 10, 19),
    ("Now my platelets are in the twenties again.", 20, 29),
    ("plt in the 20s on romiplostim", 20, 29),
])
def test_a_count_said_by_its_decade_is_a_range(text, low, high):
    fact = _fact(text, "platelets")
    assert (fact.value, fact.comparator, fact.value_high) == (low, ">=", high)


# --- a count's past change with the treatment as its setting ------------------------------

@pytest.mark.parametrize("text, drug", [
    ("her platelets dropped on IVIG but it's back to normal now. she has ITP", "ivig"),
    ("his neutrophils fell while he was on azathioprine", "azathioprine"),
])
def test_a_count_that_changed_on_a_treatment_dates_it_then(text, drug):
    fact = _fact(text, drug)
    assert predicted_assertion(fact)[2] == "past"
    assert fact.status is None


@pytest.mark.parametrize("text, drug", [
    ("platelets keep dropping on eltrombopag", "eltrombopag"),
    ("she went on rituximab in march and is still on it", "rituximab"),
])
def test_a_change_going_on_or_a_start_keeps_the_treatment_current(text, drug):
    assert predicted_assertion(_fact(text, drug))[2] == "current"
