"""Round 38 (h181, issue #13): what patients and their relatives write, in phrasings other than
the round's gold rows (conv-7481 … conv-7560): the writer's own hedged illness in a relative's
message, a relative named in a header of three words, corrections of a year, a denial that ends
at a new clause, outcomes said too early, counted courses, hedges between two mentions, tests for
an illness that came back clear, a disease naming the study asked for, onset ages after "since",
reactions to a treatment, and the conversation's reading of "am i a candidate"."""
from __future__ import annotations

from datetime import date

from assertion_helpers import NOW, PAST, FAMILY, of, reading, facts_at
from benchmarks.assertion import predicted_assertion
from bundled_engine import bundled_engine, talk

TODAY = date(2026, 12, 7)
POSSIBLE_FAMILY = ("possible", "family", "current")


def _read(text: str, concept: str):
    return predicted_assertion(of(text, concept, TODAY))


# --- whose illness -----------------------------------------------------------------------------

def test_the_writers_hedged_own_illness_in_a_relatives_message():
    assert _read("my mum has lupus, shes 62. i think i have lupus too, waiting on bloods", "sle") == NOW
    facts = facts_at("my mum has lupus, shes 62. i think i have lupus too, waiting on bloods", "sle", TODAY)
    assert [predicted_assertion(f) for f in facts] == [NOW, POSSIBLE_FAMILY]
    facts = facts_at("my husband has crohns, 46. i think i might have crohns as well", "crohns_disease", TODAY)
    assert [predicted_assertion(f) for f in facts] == [NOW, POSSIBLE_FAMILY]


def test_a_hedge_about_someone_else_or_a_correction_is_not_the_writers():
    # "i think she has" is the patient's; "sorry i meant 2009" reports, it names no illness of the writer
    text = "my sister has RA, 40. i think she has lupus too"
    assert _read(text, "sle") == ("possible", "patient", "current")
    text = "im writing for my mum, 66. ITP since 2019 sorry i meant 2009, platelets 15."
    assert _read(text, "platelets") == NOW


def test_asking_for_him_makes_the_husband_the_patient_beside_the_writers_own_illness():
    text = "my husband (44) has dermatomyositis and im the one with crohns lol. hes on ivig. am i allowed to ask for him"
    assert _read(text, "dermatomyositis") == NOW
    assert _read(text, "crohns_disease") == FAMILY
    assert _read(text, "ivig") == NOW
    text = "my wife has lupus and im the one with RA. can i ask for her here?"
    assert _read(text, "sle") == NOW
    assert _read(text, "rheumatoid_arthritis") == FAMILY
    # without asking for anyone, the writer who is "the one with" it stays the patient
    assert _read("my son has asthma and my daughter eczema. im the one with UC", "ulcerative_colitis") == NOW


def test_a_header_naming_an_in_law_makes_them_the_patient():
    text = "for my mother in law: lupus, 70. she got lupus nephritis last year"
    assert _read(text, "sle") == NOW
    assert of(text, "age", TODAY).value == 70
    assert _read("writing for my father in law - RA, 74, on abatacept", "rheumatoid_arthritis") == NOW


# --- corrections and replies -------------------------------------------------------------------

def test_a_year_denied_in_a_correction_denies_no_illness():
    assert _read("sorry i meant 2021 not 2012 for the crohns diagnosis. on humira since then", "crohns_disease") == NOW
    assert _read("it was 2019, not 2009, when the lupus started", "sle") == NOW
    # a denial of the illness itself still holds
    assert predicted_assertion(of("lupus since 2019 not 2009 and no kidney involvement", "lupus_nephritis", TODAY))[0] == "absent"


def test_no_taken_back_at_once_answers_nothing():
    assert _read("is there anything for itp in kids? no wait its for me, im 18 lol. platelets 20", "itp") == NOW
    assert _read("any trials for lupus in teens? no wait, its for me, im 25", "sle") == NOW
    assert predicted_assertion(of("rituximab? no", "rituximab", TODAY))[0] == "absent"


# --- denials, refusals, tests ------------------------------------------------------------------

def test_a_refusal_ends_at_the_clause_that_follows_from_it():
    text = "writing for my dad, 71, AML dx august. he didnt want the intensive chemo so hes on azacitidine."
    assert _read(text, "azacitidine") == NOW
    assert _read(text, "chemotherapy")[0] != "present"
    assert _read("she didnt want the splenectomy so shes on romiplostim now", "romiplostim") == NOW
    assert _read("i didnt want methotrexate so the doctor put me on leflunomide", "leflunomide") == NOW


def test_an_illness_checked_for_that_came_back_clear_is_absent():
    assert _read("my wife has dermatomyositis. they checked for cancer and its clear thank god", "malignancy")[0] == "absent"
    assert _read("they checked for cancer and it was clear", "malignancy")[0] == "absent"
    assert _read("tested for TB and it's fine", "tuberculosis")[0] == "absent"
    # an infection had, then fine, is no negative test
    assert _read("had covid last month and its fine now", "covid")[0] == "present"


def test_what_the_doctors_still_think_is_a_hedge():
    assert _read("ana came back negative but they still think its dermatomyositis", "dermatomyositis")[0] == "possible"
    assert _read("the doctors now think it is lupus", "sle")[0] == "possible"


# --- treatments: when, and how they went -------------------------------------------------------

def test_stopped_closing_its_clause_stops_only_what_came_before():
    text = "mtx gave me mouth ulcers so stopped, hcq and sulfasalazine now"
    assert _read(text, "methotrexate") == PAST
    assert _read(text, "hydroxychloroquine") == NOW
    assert _read(text, "sulfasalazine") == NOW
    assert _read("stopped, mmf and pred now", "mycophenolate") == NOW
    assert _read("stopped methotrexate, leflunomide and enbrel last year", "etanercept") == PAST


def test_courses_counted_with_the_number_first_are_past():
    text = "for my aunt: lupus + itp, 45. rituximab 2x, ivig, mmf now."
    assert _read(text, "rituximab") == PAST
    assert _read(text, "mycophenolate") == NOW
    assert _read("cyclophosphamide 6x. now on mmf", "cyclophosphamide") == PAST
    # a frequency is no count of courses
    assert _read("mtx 2x weekly", "methotrexate") == NOW


def test_an_outcome_too_early_to_tell_after_a_start_leaves_the_treatment_taken():
    text = "my girlfriend has lupus (26). anifrolumab started 3 months ago, not much change yet."
    assert _read(text, "anifrolumab") == NOW
    assert of(text, "anifrolumab", TODAY).status != "failed"
    assert _read("anifrolumab started in september, not much change yet", "anifrolumab") == NOW
    assert of("belimumab started in may, no change", "belimumab", TODAY).status == "failed"


def test_and_now_after_a_sequence_told_with_then_closes_it():
    text = "was on humira and aza then entyvio then stelara and now skyrizi"
    assert _read(text, "ustekinumab") == PAST
    assert _read(text, "risankizumab") == NOW
    assert _read("methotrexate then leflunomide and now upadacitinib", "leflunomide") == PAST
    assert _read("was on enbrel -> humira and now rinvoq", "adalimumab") == PAST
    # "X and now Y" alone adds Y
    assert _read("on mmf and now rituximab", "mycophenolate") == NOW


def test_a_reaction_to_a_treatment_is_intolerance():
    text = "canakinumab now, anakinra before but her skin reacted to it"
    assert of(text, "anakinra", TODAY).status == "intolerant"
    assert of(text, "canakinumab", TODAY).status == "current"
    assert of("he reacted badly to infliximab", "infliximab", TODAY).status == "intolerant"
    assert of("mtx and hcq now, leflunomide before but my liver reacted to it", "leflunomide", TODAY).status == "intolerant"


def test_in_hospital_after_a_comma_is_where_the_patient_is_now():
    assert _read("writing for my dad, 80, new itp, platelets 3, in hospital. ivig and dex started.", "platelets") == NOW
    assert _read("plts 8, still in hospital", "platelets") == NOW
    assert _read("platelets 3 in hospital now", "platelets") == NOW
    assert _read("creatinine was 250 in hospital", "creatinine") == PAST


# --- hedges --------------------------------------------------------------------------------------

def test_a_hedge_between_two_illnesses_is_the_seconds():
    text = "lupus maybe sjogrens as well, not sure. ro positive"
    assert _read(text, "sle") == NOW
    assert _read(text, "sjogrens_syndrome")[0] == "possible"
    assert _read("RA possibly psoriatic arthritis too", "rheumatoid_arthritis") == NOW


def test_a_hedge_reaches_no_item_listed_before_its_own_mention():
    text = "antisynthetase syndrome, pl-7. 49 f. mmf and pred, rituximab maybe next"
    assert _read(text, "prednisone") == NOW
    assert _read(text, "mycophenolate") == NOW
    assert _read(text, "rituximab")[0] in ("possible", "hypothetical")
    text = "on mmf, pred, maybe rituximab next"
    assert _read(text, "prednisone") == NOW
    assert _read(text, "rituximab")[0] in ("possible", "hypothetical")
    # a doubt asked over the list keeps its reach
    assert _read("cellcept, azathioprine maybe? not sure", "mycophenolate")[0] == "possible"


def test_a_disease_naming_the_study_asked_for_is_the_writers():
    assert _read("am i a candidate for any lupus trial. i have lupus nephritis class 4", "sle") == NOW
    assert _read("are there any crohns studies near me?", "crohns_disease") == NOW
    assert _read("would i be a candidate for car-t", "car_t")[0] == "hypothetical"


def test_a_number_in_words_stands_apart_from_its_unit():
    assert of("am i a candidate for any lupus trial", "sle", TODAY).duration_days is None
    assert of("lupus for a year", "sle", TODAY).duration_days == 365.25
    assert of("crohns for 2y", "crohns_disease", TODAY).duration_days == 730.5


# --- time: a bare age after "since" ----------------------------------------------------------

def test_a_bare_age_after_since_gives_how_long_with_the_patients_age():
    assert of("crohns since 11, im 19 now", "crohns_disease", TODAY).duration_days == 8 * 365.25
    assert of("UC since 13, now 30. on mesalazine", "ulcerative_colitis", TODAY).duration_days == 17 * 365.25
    assert of("my husband 46 has crohns since 11", "crohns_disease", TODAY).duration_days == 35 * 365.25


def test_a_bare_number_after_since_that_is_a_time_is_no_onset_age():
    assert of("lupus since 11am today", "sle", TODAY).duration_days is None
    assert of("on mmf since 11/2020, im 30", "mycophenolate", TODAY).date == "2020-11"
    assert of("crohns since 11 years, im 40", "crohns_disease", TODAY).duration_days == 11 * 365.25
    # without the patient's age nothing is made up
    assert of("crohns since 11", "crohns_disease", TODAY).duration_days is None


# --- short disease names in small letters ------------------------------------------------------

def test_a_short_disease_name_after_a_disease_and_how_long_it_lasted():
    assert _read("ive had lupus for 12 years and aps, on warfarin", "antiphospholipid_syndrome") == NOW
    assert _read("ssc 12 years, pah since last yr, bosentan", "pulmonary_hypertension") == NOW
    assert not facts_at("we went for 2 years and ms smith said hello", "multiple_sclerosis", TODAY)


def test_mas_in_a_diseases_place():
    assert _read("my wife has still's, shes 39. had mas in 2023.", "macrophage_activation_syndrome") == PAST
    assert _read("stills with mas twice", "macrophage_activation_syndrome")[0] == "present"
    assert not facts_at("i want mas information", "macrophage_activation_syndrome", TODAY)


# --- the conversation ----------------------------------------------------------------------------

def test_am_i_a_candidate_without_a_question_mark_is_a_question(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "c1", "i have lupus, 34 f, on hcq", "am i a candidate")
    last = replies[-1].lower()
    assert "only the trial team decides" in last
    assert "leave that open" not in last
    engine = bundled_engine(tmp_path / "u.db", today=TODAY)
    replies = talk(engine, "c2", "my son has crohns, hes 16, on infliximab", "am i still able to ask for him")
    assert "leave that open" not in replies[-1].lower()


def test_a_newer_value_said_with_its_after_now():
    assert of("ck was 8000 at diagnosis, now its 900", "ck", TODAY).value == 900
    assert of("platelets were 8 in january, now it's 45", "platelets", TODAY).value == 45


def test_an_age_alone_in_a_bracket_right_after_the_diagnosis():
    assert of("my girlfriend has lupus (26). anifrolumab started 3 months ago", "age", TODAY).value == 26
    assert of("my son has crohns (16), on humira", "age", TODAY).value == 16
    assert not facts_at("lupus (2019) on hcq", "age", TODAY)
