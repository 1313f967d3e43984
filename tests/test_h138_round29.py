"""Round 29 (h138, issue #15): registry windows by what they are of.

A window before screening ("within 4 weeks", "in the past 8 weeks", "(within 6 weeks)") is of
something: a significant traumatic injury, a blood or plasma donation, a blood transfusion, an
mRNA vaccine, an investigational device, palliative radiotherapy. Each is read end to end: the
criterion's leaf, the patient's words in English and Chinese, and the question asked when
nothing was said. A vaccine of no named kind, a transfusion of one kind and a study's own
vaccine are never read as more than they say."""
from datetime import date

from core.facts import Profile
from core.truth import FALSE, REVIEW, TRUE, UNKNOWN
from matching.evaluate import Evaluator
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)
SURGERY_28 = {"type": "procedure", "concept": "major_surgery", "within_days": 28}
INJURY_28 = {"type": "history", "concept": "traumatic_injury", "within_days": 28}
DONATION_56 = {"type": "procedure", "concept": "blood_donation", "within_days": 56}
TRANSFUSION_91 = {"type": "procedure", "concept": "transfusion", "within_days": 91}
MRNA_28 = {"type": "therapy", "concept": "mrna_vaccine", "within_days": 28}
LIVE_30 = {"type": "therapy", "concept": "live_vaccine", "within_days": 30}
PALLIATIVE_RT_14 = {"type": "procedure", "concept": "palliative_radiotherapy", "within_days": 14}


def _rule(text, kind="exclusion"):
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "note"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node
    return strip(parse_criterion(text, kind))


def _leaves(rule):
    if isinstance(rule, dict):
        if "type" in rule:
            yield rule
        for value in rule.values():
            yield from _leaves(value)
    elif isinstance(rule, list):
        for value in rule:
            yield from _leaves(value)


def _concepts(rule):
    return {leaf.get("concept") for leaf in _leaves(rule)}


def _judge(leaf, text):
    return Evaluator(Profile(extract(text, today=TODAY)), today=TODAY).leaf(leaf)


def _facts(text):
    return [(f.concept, f.date) for f in extract(text, today=TODAY)]


# --- the criterion: what the window is of ----------------------------------------------

def test_major_surgery_or_significant_traumatic_injury_is_two_windows():
    assert _rule("Major surgery or significant traumatic injury within 4 weeks of the first dose of study treatment.") == {
        "any": [SURGERY_28, INJURY_28]}


def test_a_blood_donation_window():
    assert _rule("Blood donation in the past 8 weeks") == DONATION_56


def test_a_vaccine_of_no_named_kind_in_a_criterion_is_never_a_leaf():
    # the study's own vaccine, one kind of vaccine, the head of a wrapped line
    for text in ("Have one of the KRAS mutations included in the vaccine at the time of vaccination expressed in tumor.",
                 "Prior exposure to other HER2 targeting therapies, ADCs, immune checkpoint inhibitors and therapeutic "
                 "anticancer vaccines;",
                 "vaccine within the 14 days prior to the first dose of Raptiva®"):
        assert "vaccine" not in _concepts(_rule(text, "inclusion")), text
        assert "vaccine" not in _concepts(_rule(text, "exclusion")), text


def test_a_permission_of_another_kind_of_vaccine_is_a_note():
    text = ("Received a live or live-attenuated vaccine within 30 days before the first dose of study intervention. "
            "Administration of killed vaccines is allowed.")
    assert _rule(text) == LIVE_30


def test_a_permission_of_an_age_stays_an_exception():
    # an age has no kind to compare with the criterion's: the permission stays (the team's)
    assert _rule("Age 18 years or older. Adolescents aged 12 to 17 years are allowed where approved.",
                 "inclusion")["type"] == "review"


def test_a_permission_the_criterion_does_not_name_by_a_concept_stays_the_teams():
    # "any medications" names no therapy concept: "Paracetamol ... will be allowed" is no note
    rule = _rule("Use of any prescription medications within the 14 days prior to randomization. "
                 "Paracetamol for analgesia will be allowed.")
    assert "paracetamol" not in _concepts(rule) or any(leaf["type"] == "review" for leaf in _leaves(rule))


def test_transfusion_words_that_are_no_transfusion_had():
    for text, kind in (("Patients must be HLA-A*11:01 positive as confirmed by the NIH Department of Transfusion Medicine.",
                        "inclusion"),
                       ("Adequate hematopoietic function: (i) Hemoglobin ≥10.0 grams per deciliters (g/dL) within 14 days of "
                        "starting therapy (participant may receive red blood cell [RBC] transfusion within 14 days).",
                        "inclusion")):
        assert "transfusion" not in _concepts(_rule(text, kind)), text


def test_one_kind_of_transfusion_is_narrower_than_any_transfusion():
    rule = _rule("Non-leukocyte depleted whole blood transfusion within 120 days of genetic sample collection.")
    assert any(leaf["type"] == "review" for leaf in _leaves(rule))


def test_palliative_radiotherapy_has_its_own_window():
    assert _rule("Palliative radiotherapy within 2 weeks before the first dose") == PALLIATIVE_RT_14
    # a window for radiotherapy and another for its palliative kind: which one a course falls
    # under, the words decide (the team's)
    rule = _rule("Radical radiation within 4 weeks prior to the first dose of study drug; palliative radiotherapy "
                 "within 1 week prior to the first dose of study drug.")
    assert rule["type"] == "review"


def test_an_investigational_device_beside_the_investigational_drug():
    rule = _rule("within 4 weeks prior to cycle 1 day 1 has been treated with an investigational agent or has used an "
                 "investigational device, or is still a participant in the active phase of an investigational trial;")
    assert {"type": "procedure", "concept": "investigational_device", "within_days": 28} in rule["any"]
    assert any(leaf["type"] == "review" for leaf in _leaves(rule))     # "still a participant": the team's


# --- the criterion: where the window is written -----------------------------------------

def test_a_bracketed_window_before_its_noun_is_its_window():
    assert _rule("Recent (within 6 weeks) myocardial infarction") == {
        "type": "history", "concept": "myocardial_infarction", "within_days": 42}
    assert _rule("Current or recent (<10 days prior to initiation of study treatment) use of aspirin") == {
        "type": "therapy", "concept": "aspirin", "within_days": 10}


def test_a_bracketed_window_before_a_list_of_the_following_diseases():
    rule = _rule("Previous (≤ 6 months prior to the first dose) or current evidence of the following diseases: acute "
                 "myocardial infarction, unstable angina and cerebrovascular accident;")
    assert rule == {"any": [{"type": "history", "concept": c, "within_days": 182}
                            for c in ("myocardial_infarction", "unstable_angina", "stroke")]}


def test_conditions_a_b_and_c_in_an_exclusion_are_alternatives():
    three = {"any": [{"type": "history", "concept": c, "within_days": 182}
                     for c in ("myocardial_infarction", "unstable_angina", "stroke")]}
    assert _rule("Myocardial infarction, unstable angina and stroke within 6 months") == three
    # among the inclusions a list joined by "and" stays all of them
    assert _rule("History of myocardial infarction, unstable angina and stroke", "inclusion")["all"]


def test_points_of_the_trial_a_window_ends_at():
    assert _rule("Receipt of etelcalcetide within 6 months prior to screening assessments and through randomization.") == {
        "type": "therapy", "concept": "etelcalcetide", "within_days": 182}
    assert _rule("Use of G-CSF or GM-CSF within 2 weeks prior to leukapheresis") == {"any": [
        {"type": "therapy", "concept": "colony_stimulating_factor", "within_days": 14},
        {"type": "therapy", "concept": "sargramostim", "within_days": 14}]}
    assert _rule("Platelet count ≥100,000/mm^3 within 14 days of starting therapy", "inclusion") == {
        "type": "lab", "analyte": "platelets", "op": ">=", "value": 100000, "unit": "/mm3"}


# --- the patient: what is said, in English and Chinese ------------------------------------

def test_what_people_say_of_blood_given_and_taken():
    assert _facts("I donated blood 3 weeks ago") == [("blood_donation", "2026-11-15")]
    assert _facts("上个月献血了") == [("blood_donation", "2026-11-06")]
    assert _facts("she had a blood transfusion last week") == [("transfusion", "2026-11-29")]
    assert _facts("上周输过血") == [("transfusion", "2026-11-29")]


def test_a_serious_injury_is_read_a_fall_is_not():
    assert _facts("he was in a car crash last month, serious injury") == [("traumatic_injury", "2026-11-06")]
    assert "traumatic_injury" not in {c for c, _ in _facts("I had a fall last week")}


def test_vaccines_people_name():
    assert _facts("I had the Pfizer covid vaccine 2 weeks ago") == [("mrna_vaccine", "2026-11-22")]
    assert _facts("上周打了新冠疫苗") == [("covid_vaccine", "2026-11-29")]
    assert _facts("she has had the covid vaccines and the flu jab") == [("covid_vaccine", None)]
    # a vaccine of no named kind is no concept (notes and letters name vaccines in passing)
    assert _facts("I had a vaccine last month") == []
    # "vaccinated" is no term: "hep B vaccinated" stays a negated hepatitis B
    assert [(f.concept, f.status) for f in extract("hep B vaccinated", today=TODAY)] == [("hbv", "negative")]


# --- the leaf: decided, asked, never failed on nothing said ---------------------------------

def test_window_leaves_decided_by_what_is_said():
    assert _judge(INJURY_28, "serious injury in a car crash 2 weeks ago").value == TRUE
    assert _judge(DONATION_56, "I donated blood 3 weeks ago").value == TRUE
    assert _judge(TRANSFUSION_91, "she had a blood transfusion last week").value == TRUE
    assert _judge(PALLIATIVE_RT_14, "had palliative radiotherapy 10 days ago").value == TRUE
    assert _judge(MRNA_28, "I had the Pfizer covid vaccine 2 weeks ago").value == REVIEW    # a washout: the team's


def test_a_kind_not_named_is_asked_never_decided():
    for leaf, text, ask in ((MRNA_28, "covid jab 2 weeks ago", "last_dose:mrna_vaccine"),
                            (MRNA_28, "I had a vaccine last month", "last_dose:mrna_vaccine"),
                            (LIVE_30, "I had a vaccine last month", "last_dose:live_vaccine"),
                            (PALLIATIVE_RT_14, "had radiotherapy 10 days ago", "procedure:palliative_radiotherapy")):
        result = _judge(leaf, text)
        assert result.value == UNKNOWN and result.ask == ask, text


def test_nothing_said_is_unknown_never_failed():
    for leaf in (INJURY_28, DONATION_56, TRANSFUSION_91, MRNA_28, PALLIATIVE_RT_14):
        assert _judge(leaf, "I have lupus nephritis").value == UNKNOWN


def test_questions_in_everyday_words_in_both_languages():
    from matching.questions import build_question   # start-up: the question texts only here
    mrna = build_question("last_dose:mrna_vaccine")
    assert "Pfizer" in mrna.patient and "mRNA" in mrna.zh_patient and mrna.options == ["Never", "Not sure"]
    assert len(mrna.zh_options) == len(mrna.options)
    injury = build_question("history:traumatic_injury")
    assert "serious injury" in injury.patient and "严重外伤" in injury.zh_patient
    assert "give blood" in build_question("procedure_date:blood_donation").patient
    assert "输过血" in build_question("procedure:transfusion").zh_patient
    assert "experimental medical device" in build_question("procedure:investigational_device").patient
    assert "姑息放疗" in build_question("procedure:palliative_radiotherapy").zh_patient


def test_an_answer_with_a_time_decides_the_window():
    from matching.answers import answer_to_facts   # start-up: the answer reader only here
    from matching.questions import build_question
    facts = answer_to_facts(build_question("procedure_date:blood_donation", DONATION_56), "3 weeks ago", today=TODAY)
    assert Evaluator(Profile(facts), today=TODAY).leaf(DONATION_56).value == TRUE
    facts = answer_to_facts(build_question("last_dose:mrna_vaccine", MRNA_28), "3 months ago", today=TODAY)
    assert Evaluator(Profile(facts), today=TODAY).leaf(MRNA_28).value == FALSE


def test_a_window_on_one_systemic_route_is_narrower_than_the_class():
    # "oral corticosteroids": an inhaler or an IV pulse is no oral steroid; read as every
    # glucocorticoid an inhaler counted (a false exclusion): the team's check beside the leaf
    rule = _rule("Use of oral corticosteroids within 2 weeks prior to screening")
    assert {"type": "therapy", "concept": "glucocorticoid", "within_days": 14} in rule["all"]
    assert any(leaf["type"] == "review" for leaf in _leaves(rule))
    profile = Profile(extract("I use a steroid inhaler every day", today=TODAY))
    assert Evaluator(profile, today=TODAY).rule(rule).value != TRUE
    # "oral or IV" is every systemic form
    assert _rule("Oral or IV steroids within 14 days") == {
        "type": "therapy", "concept": "glucocorticoid", "within_days": 14, "except": ["inhaled_steroid", "topical_steroid"]}


def test_one_window_per_part_of_an_or():
    assert _rule("Chemotherapy within 3 weeks or immunotherapy within 4 weeks prior to the first dose") == {"any": [
        {"type": "therapy", "concept": "chemotherapy", "within_days": 21},
        {"type": "therapy", "concept": "immunotherapy", "within_days": 28}]}
    assert _rule("Radiotherapy (within 2 weeks) or major surgery (within 4 weeks) prior to the first dose") == {"any": [
        {"type": "procedure", "concept": "radiotherapy", "within_days": 14}, SURGERY_28]}
    # the window at the end still reaches the items before it that have none
    assert _rule("Stroke, transient ischemic attack, or myocardial infarction within 6 months") == {"any": [
        {"type": "history", "concept": "stroke", "within_days": 182},
        {"type": "history", "concept": "myocardial_infarction", "within_days": 182}]}


def test_two_windows_for_one_kind_and_its_kind_are_the_teams():
    rule = _rule("Therapeutic radiation therapy or major surgery within 4 wk before enrolment or palliative stereotactic "
                 "radiation therapy within 2 wk before enrolment.")
    assert rule["type"] == "review"


def test_a_bracket_holding_a_window_after_its_noun():
    assert _rule("Myocardial infarction (within 6 months)") == {
        "type": "history", "concept": "myocardial_infarction", "within_days": 182}
    assert _rule("Major surgery (≤ 28 days prior to enrollment)") == SURGERY_28
    # a sign with no point in time is no window: "(<18 years)" is an age
    assert _rule("Pediatric Patients (<18 years)") == {"type": "age", "max": 17}
