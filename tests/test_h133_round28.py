"""Round 28 (h133, issue #15): time windows before screening, the criterion and the patient.

A criterion's window ("within 21 days or 5 half-lives, if known (whichever is shorter)") and
the recency a person says ("I had the MMR vaccine 2 weeks ago", "my last chemo was in
October", "上周做了大手术") meet in the window leaves; an operation or a vaccine of no named
kind leaves the leaf asked, never true; nothing said stays unknown, never failed."""
from datetime import date

from core.facts import Profile
from core.truth import FALSE, REVIEW, TRUE, UNKNOWN
from matching.evaluate import Evaluator
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)
SURGERY_28 = {"type": "procedure", "concept": "major_surgery", "within_days": 28}
LIVE_VACCINE_30 = {"type": "therapy", "concept": "live_vaccine", "within_days": 30}
CHEMO_21 = {"type": "therapy", "concept": "chemotherapy", "within_days": 21}


def _rule(text, kind="exclusion"):
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "note"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node
    return strip(parse_criterion(text, kind))


def _judge(leaf, text):
    return Evaluator(Profile(extract(text, today=TODAY)), today=TODAY).leaf(leaf)


def _facts(text):
    return [(f.concept, f.date) for f in extract(text, today=TODAY)]


# --- the criterion ---------------------------------------------------------------------

def test_half_lives_if_known_is_the_half_life_leafs_own_reading():
    rule = _rule("Has participated in a study of investigational agent and received the investigational agent "
                 "within 21 days or 5 half-lives, if known (whichever is shorter) prior to the first dose of study drug.")
    assert rule == {"all": [{"type": "therapy", "concept": "investigational_drug", "within_days": 21},
                            {"type": "therapy", "concept": "investigational_drug", "within_half_lives": 5}]}


def test_half_lives_if_known_in_a_bracket_with_the_longer_window():
    rule = _rule("Received an investigational agent within 28 days or 5 half-lives (if known), whichever is longer, "
                 "before the first dose")
    assert rule == {"any": [{"type": "therapy", "concept": "investigational_drug", "within_days": 28},
                            {"type": "therapy", "concept": "investigational_drug", "within_half_lives": 5}]}


def test_another_if_still_sends_the_line_to_the_team():
    # the "if known" of a window in days is no half-life's: the condition is dropped, so review
    assert _rule("Investigational drug within 28 days, if known") == {"type": "review", "reason": "other"}
    assert _rule("Platelets >= 100 if known liver metastases") == {"type": "review", "reason": "other"}


# --- the patient: what is said and when -------------------------------------------------

def test_an_operation_of_no_named_kind_is_asked_about_never_true():
    # "surgery" alone is no major surgery: the window's leaf stays unknown and is asked
    for text in ("I had surgery 3 weeks ago", "had an operation in September", "我上周做了手术"):
        result = _judge(SURGERY_28, text)
        assert result.value == UNKNOWN and result.ask == "procedure:major_surgery", text


def test_major_surgery_said_with_its_time_decides_the_window():
    assert _judge(SURGERY_28, "I had major surgery 2 months ago").value == FALSE
    assert _judge(SURGERY_28, "I had major surgery 2 weeks ago").value == TRUE


def test_nothing_said_is_unknown_never_failed():
    for leaf in (SURGERY_28, LIVE_VACCINE_30, CHEMO_21):
        assert _judge(leaf, "I have lupus nephritis").value == UNKNOWN


def test_a_vaccine_of_no_named_kind_leaves_the_live_vaccine_window_asked():
    for text in ("I had a vaccine last month", "上个月打过疫苗", "got the flu shot last week"):
        result = _judge(LIVE_VACCINE_30, text)
        assert result.value == UNKNOWN and result.ask == "last_dose:live_vaccine", text


def test_a_live_vaccine_named_by_a_person_is_a_washout_for_the_team():
    result = _judge(LIVE_VACCINE_30, "I had the MMR vaccine 2 weeks ago")
    assert result.value == REVIEW          # a washout before enrolment: the team decides, never a fail


def test_live_vaccines_named_by_a_person():
    assert _facts("I had the MMR vaccine 2 weeks ago") == [("live_vaccine", "2026-11-22")]
    assert _facts("she had a yellow fever vaccination in 2019") == [("live_vaccine", "2019")]
    assert _judge(LIVE_VACCINE_30, "I had the MMR vaccine 3 months ago").value == FALSE
    assert _facts("两个月前打了带状疱疹疫苗") == [("zoster_vaccine", "2026-10-06")]    # not live
    assert _facts("上个月打了水痘疫苗") == [("varicella_vaccine", "2026-11-06")]       # live
    assert _judge(LIVE_VACCINE_30, "上个月打了水痘疫苗").value == REVIEW


def test_the_hepatitis_b_vaccination_reading_is_kept():
    # "vaccinated" is no term: "hep B vaccinated" stays a negated hepatitis B
    facts = extract("hep B vaccinated", today=TODAY)
    assert [(f.concept, f.status) for f in facts] == [("hbv", "negative")]


def test_my_last_treatment_in_a_month_is_dated():
    assert _facts("my last chemo was in October") == [("chemotherapy", "2026-10")]
    assert _facts("last chemo in october") == [("chemotherapy", "2026-10")]
    assert _judge(CHEMO_21, "my last chemo was in October").value == FALSE


def test_a_month_after_the_treatment_is_not_its_date():
    # the month is the flare's: the rituximab named after the month is not dated by it
    facts = extract("her last flare was in march, on rituximab", today=TODAY)
    assert [f.date for f in facts if f.concept == "rituximab"] == [None]
    assert _facts("stopped the cellcept in june") == [("mycophenolate", "2026-06")]


def test_chinese_times_just_past():
    assert _facts("我上周做了大手术") == [("major_surgery", "2026-11-29")]
    assert _facts("上周停了泼尼松") == [("prednisone", "2026-11-29")]
    assert _facts("上个月化疗过") == [("chemotherapy", "2026-11-06")]
    assert _facts("昨天打了带状疱疹疫苗") == [("zoster_vaccine", "2026-12-05")]
    assert _judge(SURGERY_28, "我上周做了大手术").value == TRUE
    assert _judge(CHEMO_21, "上个月化疗过").value == FALSE


def test_questions_for_the_window_leaves_are_everyday_words_in_both_languages():
    from matching.questions import build_question   # start-up: the question texts only here
    live = build_question("last_dose:live_vaccine")
    assert "MMR" in live.patient and "not live" in live.patient and "活疫苗" in live.zh_patient
    assert "taking it now" not in live.patient.lower() and live.options == ["Never", "Not sure"]
    assert len(live.zh_options) == len(live.options)
    surgery = build_question("procedure:major_surgery")
    assert "general anaesthesia" in surgery.patient and "大手术" in surgery.zh_patient
    assert "3 weeks ago" in build_question("procedure_date:major_surgery").patient


def test_a_live_vaccine_answer_with_a_time_decides_the_window():
    from matching.answers import answer_to_facts   # start-up: the answer reader only here
    from matching.questions import build_question
    facts = answer_to_facts(build_question("last_dose:live_vaccine", LIVE_VACCINE_30), "3 months ago", today=TODAY)
    assert Evaluator(Profile(facts), today=TODAY).leaf(LIVE_VACCINE_30).value == FALSE
