"""Assertion, round 8 (issue #13, helper h30, 2026-12-03): classes found on conversation text
written before the pipeline ran on it. Each test names a general mechanism with wordings of
its own, none copied from a gold message."""
import pytest

from assertion_helpers import concepts, of, present
from nlp import extract
from nlp.pipeline import speaker_of


# --- results not known, mutations absent ----------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Hep C: not tested yet.", "hcv"),
    ("HIV not checked", "hiv"),
    ("HBsAg untested, HIV negative", "hbsag"),
])
def test_a_test_not_done_leaves_the_result_open(text, concept):
    fact = of(text, concept)
    assert fact.uncertain and not fact.negated and fact.status is None


@pytest.mark.parametrize("text, concept", [
    ("FLT3 wild-type, blasts 40%", "flt3"),
    ("AML with TP53 wildtype", "tp53"),
    ("NPM1 unmutated", "npm1"),
    ("KMT2A not mutated; CD7 positive", "kmt2a"),
])
def test_a_wild_type_or_unmutated_marker_is_absent(text, concept):
    fact = of(text, concept)
    assert fact.negated and fact.status == "negative"


def test_a_marker_beside_a_wild_type_one_keeps_its_result():
    assert not of("KMT2A not mutated; CD7 positive", "cd7").negated


# --- offers and treatments not started --------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("He was offered tocilizumab at the last visit", "tocilizumab"),
    ("we have been offered CAR-T but we are unsure", "car_t"),
])
def test_a_treatment_offered_is_not_given(text, concept):
    assert of(text, concept).hypothetical


@pytest.mark.parametrize("text", [
    "I haven't started the tocilizumab yet, the first dose is next month",
    "we have not started rituximab",
])
def test_a_treatment_not_started_is_never_taken_whichever_auxiliary(text):
    fact = next(f for f in extract(text) if f.label == "DRUG")
    assert fact.negated and fact.historical


def test_a_list_closed_by_and_now_after_a_comma_is_over_but_an_addition_is_not():
    text = "Initially sulfasalazine, then methotrexate, and now upadacitinib"
    assert of(text, "methotrexate").historical and not of(text, "upadacitinib").historical
    assert not of("on leflunomide and now abatacept", "leflunomide").historical


# --- courses over: repeated, done, at their end, first of a sequence, short-lived -----------

@pytest.mark.parametrize("text, concept", [
    ("she get plasma exchange many times but the weakness comes back", "plasma_exchange"),
    ("had IVIG several times over the years", "ivig"),
    ("Shingles vaccine done.", "zoster_vaccine"),
    ("Rituximab course completed.", "rituximab"),
    ("MRD 0.5% at the end of consolidation chemotherapy", "chemotherapy"),
    ("First hydroxychloroquine, later azathioprine, now belimumab", "hydroxychloroquine"),
    ("Methylprednisolone (short-lived), eltrombopag ongoing", "methylprednisolone"),
    ("romiplostim (temporary benefit), then fostamatinib", "romiplostim"),
])
def test_a_course_given_and_over_is_past(text, concept):
    assert of(text, concept).historical


def test_the_first_of_a_sequence_does_not_make_a_first_dose_past():
    assert not of("My first infusion of ocrelizumab was yesterday", "ocrelizumab").historical


def test_a_short_response_in_a_bracket_is_no_failure():
    assert of("IVIG (brief response), then romiplostim", "ivig").status is None


# --- outcomes written without their auxiliary, across a comma, after a dose and a duration ----

@pytest.mark.parametrize("text, concept", [
    ("My son use azathioprine 3 years, not help", "azathioprine"),
    ("tried leflunomide, not so much effect, then abatacept", "leflunomide"),
    ("sulfasalazine for a year, little effect", "sulfasalazine"),
    ("Tacrolimus 4 mg bd x 9 months - partial response only.", "tacrolimus"),
])
def test_an_outcome_after_a_comma_or_a_dose_and_duration_is_a_failure(text, concept):
    assert of(text, concept).status == "failed"


def test_a_comma_outcome_does_not_reach_back_over_a_current_cue():
    assert of("on humira, no problems", "adalimumab").status == "current"


# --- adverse effects ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("the baricitinib gave her shingles so it was stopped", "herpes_zoster"),
    ("certolizumab gave me psoriasis", "psoriasis"),
    ("Prior: IFX (LOR), etanercept (psoriasis), VDZ.", "psoriasis"),
    ("golimumab gave him a nasty chest infection", "active_infection"),
])
def test_an_adverse_effect_of_a_treatment_is_past(text, concept):
    fact = of(text, concept)
    assert fact.historical and not fact.family


def test_a_cancer_a_treatment_caused_is_not_made_past():
    assert not of("azathioprine gave him lymphoma", "lymphoma").historical


def test_a_disease_named_before_the_treatment_is_not_its_adverse_effect():
    assert present(of("I have psoriasis and humira gave me headaches", "psoriasis"))


# --- who the message is about -----------------------------------------------------------------

@pytest.mark.parametrize("text, relation", [
    ("My mother she use methotrexate long time, now her kidneys are bad", "mother"),
    ("my dad had two lines of chemo and they want to give him CAR-T", "father"),
])
def test_a_relative_spoken_of_by_a_writer_who_says_nothing_of_themself_is_the_patient(text, relation):
    assert speaker_of(text).relation == relation


@pytest.mark.parametrize("text", [
    "I don't have hepatitis. My mother she had hepatitis B long ago.",
    "my brother and i both have crohns, he is older",
])
def test_the_writers_own_words_first_or_beside_the_relative_keep_the_relative_unnamed(text):
    assert speaker_of(text).relation is None


def test_a_relatives_treatment_is_the_patients_when_the_message_is_about_them():
    fact = of("My father he take ibrutinib now, before he take chlorambucil", "ibrutinib")
    assert not fact.family


@pytest.mark.parametrize("text, family, own", [
    ("my aunt and my mum have lupus but mine is dermatomyositis", "sle", "dermatomyositis"),
    ("my wife has psoriasis too, anyway mine is psoriatic arthritis", "psoriasis", "psoriatic_arthritis"),
    ("my youngest daughter has asthma too, i have sjogrens", "asthma", "sjogrens_syndrome"),
    ("my partner has UC too but i am writing about me, i have crohns", "ulcerative_colitis", "crohns_disease"),
])
def test_the_writers_own_illness_beside_a_relatives(text, family, own):
    assert of(text, family).family
    assert not of(text, own).family


def test_a_relative_named_with_a_child_word_before_is_still_the_patient():
    assert not of("my eldest daughter has lupus, she is 22", "sle").family


# --- ages and onsets ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, age", [
    ("my girl has JIA and is 9", 9),
    ("she was diagnosed with ITP at 3 and is now 11.", 11),
    ("I have lupus and am 41, is there a trial?", 41),
])
def test_an_age_after_and_is(text, age):
    assert of(text, "age").value == age


def test_a_value_before_and_is_is_no_age():
    assert "age" not in concepts("the count was 30 and is 50 now")


def test_an_illness_diagnosed_when_young_goes_on():
    assert present(of("my ulcerative colitis was diagnosed when i was 16, i'm 30 now", "ulcerative_colitis"))


def test_the_reason_for_a_past_treatment_goes_on():
    assert not of("she was on tacrolimus for her myasthenia", "myasthenia_gravis").historical


# --- seasons ----------------------------------------------------------------------------------------

def test_a_value_last_winter_is_past_and_a_treatment_switched_to_then_is_not():
    assert of("her platelets were 15 last winter", "platelets").historical
    fact = of("they moved him from humira to stelara last autumn", "ustekinumab")
    # round 9 (h35): a season dates a treatment too; switched to, it is taken now, dated by its start
    assert not fact.historical and fact.status == "current" and fact.date == "2026-10"
