"""Round 34 (h160, issue #13): what patients and their relatives write. A partner's word run
into its verb ("my wifes got RA") is one person; a sibling's age said after their illness ("my
sister has lupus and is 38"); someone else's relative asked for ("for my girlfriends dad, hes
70"); an opening "<illness> here, <age>" is the writer's own; a lower-case age and sex before a
place ("52 f in wales", "61 m from cork", "30 f, hull"); a cancer the person "has" stays theirs
though in remission; a chronic disease told in the past that is "flaring again now"; a drug
stopped for a while and "back on it now"; "can he keep taking X?" presupposes X; a result said
before a "still pending" keeps it; "X done, now Y"; "results before <treatment>" plans it; the
conversation: a patient's "NN m in <country>" is no clinician's case summary, someone else's
relative is addressed as "the person you are asking for", a relative's remission is not noted as
family history. Each test reads a wording of its own (not a gold message) through the real
extraction path or the conversation engine."""
from __future__ import annotations

from datetime import date

from assertion_helpers import NOW, PAST, one_at
from benchmarks.assertion import predicted_assertion
from bundled_engine import bundled_engine, talk
from nlp.pipeline import extract

TODAY = date(2026, 12, 7)
FAMILY = ("present", "family", "current")


def _facts(text: str):
    return extract(text, today=TODAY)


def _reading(text: str, concept: str):
    return predicted_assertion(one_at(text, concept, TODAY))


def _places(text: str) -> list[str]:
    return [f.text for f in _facts(text) if f.label == "LOCATION"]


# --- whose message ------------------------------------------------------------------------------

def test_a_partner_word_run_into_its_verb_is_one_person():
    text = "my wifes got crohns, shes 33, on vedolizumab"
    assert _reading(text, "crohns_disease") == NOW
    assert _reading(text, "age") == NOW
    assert one_at(text, "female", TODAY).label == "SEX"


def test_children_said_in_the_plural_stay_several_people():
    # the partner exception leaves a plural relation alone ("my kids have eczema")
    assert _reading("i have lupus. my kids have eczema", "sle") == NOW


def test_a_siblings_age_after_their_illness_makes_them_the_patient():
    text = "my big sister has myositis and is 38, i have psoriasis myself"
    assert _reading(text, "inflammatory_myopathy") == NOW
    assert _reading(text, "age") == NOW
    assert _reading(text, "psoriasis") == FAMILY


def test_someone_elses_relative_asked_for_is_the_patient():
    text = "asking for my girlfriends dad, hes 70 with RA, on methotrexate"
    assert _reading(text, "rheumatoid_arthritis") == NOW
    assert _reading(text, "age") == NOW
    assert one_at(text, "male", TODAY).text == "dad"


def test_someone_elses_relative_named_in_passing_stays_family_history():
    text = "i have UC. my husband's mum had bowel cancer"
    assert _reading(text, "ulcerative_colitis") == NOW
    assert _reading(text, "colorectal_cancer")[1] == "family"


def test_an_illness_here_with_an_age_opens_the_writers_own_message():
    text = "crohns here, 29, my wife has psoriasis. im on stelara"
    assert _reading(text, "crohns_disease") == NOW
    assert _reading(text, "ustekinumab") == NOW
    assert _reading(text, "psoriasis") == FAMILY


# --- age, sex and place -------------------------------------------------------------------------

def test_a_lower_case_age_and_sex_before_in_and_a_place():
    facts = _facts("52 f in wales, lupus since 2019")
    assert [(f.label, f.text) for f in facts if f.label in ("AGE", "SEX")] == [("AGE", "52"), ("SEX", "f")]
    assert _places("52 f in wales, lupus since 2019") == ["wales"]


def test_months_in_remission_are_no_age_and_sex():
    assert not [f for f in _facts("18 m in remission after chemo") if f.label in ("AGE", "SEX", "LOCATION")]


def test_a_town_after_an_age_and_sex():
    assert _places("myositis, 61 m from cork. ivig monthly") == ["cork"]
    assert _places("ITP since 2015. 30 f, hull") == ["hull"]
    assert _places("UC, 44 f, in bristol") == ["bristol"]


def test_no_town_from_a_disease_a_status_word_or_a_clinicians_summary():
    assert _places("34 f, lupus") == []
    assert _places("31 f, married") == []
    assert _places("UC 19F, acute severe, IV hydrocortisone") == []
    assert _places("30 f, digital ulcers.") == []


# --- cancers in remission, diseases active again ------------------------------------------------

def test_a_cancer_the_person_has_stays_current_in_remission():
    assert _reading("my son has got T-ALL, 16, in remission since the spring", "t_all") == NOW
    assert _reading("i have t-lbl, 24 f, in remission after chemo", "t_lbl") == NOW


def test_a_cancer_had_before_in_remission_stays_past():
    assert _reading("i had hodgkins at 20, in remission since. now i have lupus", "hodgkin_lymphoma") == PAST
    assert _reading("ive been cancer free for years after breast cancer", "breast_cancer") == PAST


def test_a_disease_told_in_the_past_that_is_flaring_again_now():
    assert _reading("my son had crohns as a child, its flaring again now, hes 19", "crohns_disease") == NOW
    assert _reading("i had crohns as a kid, no flares since", "crohns_disease") == PAST


# --- treatments ---------------------------------------------------------------------------------

def test_a_drug_stopped_for_a_while_and_back_on_it_now():
    fact = one_at("mum had to stop her aza for a few weeks with shingles, back on it now", "azathioprine", TODAY)
    assert predicted_assertion(fact) == NOW and fact.status == "current"


def test_a_drug_stopped_for_side_effects_stays_over():
    fact = one_at("had to stop aza because of side effects", "azathioprine", TODAY)
    assert predicted_assertion(fact) == PAST and fact.status == "intolerant"


def test_keep_taking_a_treatment_asked_presupposes_it():
    assert _reading("can he keep taking his methotrexate?", "methotrexate") == NOW


def test_a_result_before_still_pending_keeps_its_result():
    text = "her anti-Ro came back positive and the dsDNA is still pending"
    assert _reading(text, "anti_ro") == NOW
    assert _reading(text, "anti_dsdna")[0] == "possible"


def test_a_treatment_done_before_a_comma_is_over():
    assert _reading("rituximab done, now on belimumab", "rituximab") == PAST
    assert _reading("rituximab done, now on belimumab", "belimumab") == NOW


def test_a_treatment_after_test_results_is_planned():
    assert _reading("waiting on the TB test results before tofacitinib", "tofacitinib")[0] == "hypothetical"


# --- the conversation ---------------------------------------------------------------------------

def test_a_patients_age_sex_and_country_is_no_clinicians_case_summary(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "c1", "52 f in wales, lupus since 2019, on benlysta")[0]
    assert "Clinician mode" not in reply
    assert "lupus" in reply


def test_someone_elses_relative_is_addressed_as_the_person_asked_for(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "c2", "this is for my girlfriends dad, hes 70 with ITP, on eltrombopag")[0]
    assert "your father" not in reply and "your dad" not in reply
    assert "the person you are asking for" in reply


def test_a_relatives_remission_is_not_noted_as_family_history(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "c3", "i have myositis, 50 f. my sister has T-ALL, shes in remission now")[0]
    assert "family history of in remission" not in reply
    assert "family history of T-cell acute lymphoblastic leukaemia" in reply or "family history of T-" in reply


def test_an_illness_here_opening_the_message_is_the_patient_writing(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "c4", "UC here, 36 m. my dad has RA")[0]
    assert "who am I talking to" not in reply
    assert "family history of rheumatoid arthritis" in reply


def test_a_last_sentence_in_a_small_letter_town():
    assert _places("crohns since 2012, on stelara. in sheffield") == ["sheffield"]
    assert _places("ITP, plts 30. we're in cardiff") == ["cardiff"]
    assert _places("lupus, 30 f. in remission") == []
    assert _places("crohns 5 yrs. in pain") == []


def test_a_test_pending_after_a_comma_leaves_the_disease_known():
    text = "our son is 15 and has crohns, calprotectin pending, on infliximab"
    assert _reading(text, "crohns_disease") == NOW
    assert _reading("coeliac screen pending", "celiac_disease")[0] == "possible"


def test_the_writers_age_and_sex_before_a_partner_named_after():
    text = "myositis 2 yrs, 51 m, my wifes got psoriasis. on ivig"
    assert _reading(text, "inflammatory_myopathy") == NOW
    assert _reading(text, "psoriasis") == FAMILY
    assert _reading(text, "ivig") == NOW
