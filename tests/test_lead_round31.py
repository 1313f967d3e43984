"""Round 31 (lead): a haematologist's T-ALL referral, a mother for her daughter of 16 with lupus
nephritis, a man with anti-MDA5 dermatomyositis, a daughter for her father with RA, a woman with
ITP, a gastroenterologist's UC summary, a woman of 29 with lupus writing in Chinese, a husband
asking about CAR-T for his wife with systemic sclerosis, a man with Still's disease.

"on anakinra 200mg and pred 15." had noted prednisone as taken at some time (and then asked
"When did you last take prednisone?"); "Failed infliximab (…), vedolizumab (…), tofacitinib
(intolerance - zoster), ustekinumab, upadacitinib" lost the failure of the last two; "tried
ivig, tacrolimus, tofa. still progressing." no failure at all; "her protein is still high about
3 grams" no proteinuria; "Gastro here. 38 y/o F …" was asked who writes; "我今年29岁，女，系统性
红斑狼疮8年 …" too; "CAR-T是什么？" was "I can't answer that one" (while that same reply listed
"what is CAR-T" among what it can answer); "有适合她的试验吗？" ("is there a trial for her?"),
sent while the city was asked, became the city, shown as "sites near 有适合她的试验吗?".
"""
from __future__ import annotations

from datetime import date

import pytest

from nlp import extract

TODAY = date(2026, 12, 6)


def _engine(tmp_path, *fixtures):
    from bundled_engine import engine_with_records
    return engine_with_records(tmp_path, TODAY, *fixtures)


def _status(text):
    return {f.concept: f.status for f in extract(text, today=TODAY) if f.label == "DRUG"}


# --- treatments taken now, over a list ----------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Adult-onset Still's disease since 2021, had MAS twice. on anakinra 200mg and pred 15.", "prednisone"),
    ("he's on tacrolimus 2mg bd, hydroxychloroquine and low dose pred", "prednisone"),
    ("on methotrexate 20 mg weekly and prednisone", "prednisone"),
])
def test_a_list_opened_by_taking_it_now_is_taken_now_to_its_end(text, concept):
    assert _status(text)[concept] == "current"


def test_a_dated_item_of_a_list_opened_by_on_keeps_its_dates():
    facts = [f for f in extract("On MTX 2015-2018 and HCQ.", today=TODAY) if f.concept == "methotrexate"]
    assert facts and facts[0].historical and facts[0].status != "current"


def test_a_remark_in_brackets_naming_an_illness_does_not_end_the_list():
    status = _status("Failed infliximab (primary non-response), vedolizumab (loss of response), "
                     "tofacitinib (intolerance - zoster), ustekinumab, upadacitinib.")
    assert status["tofacitinib"] == "intolerant"
    assert status["ustekinumab"] == "failed" and status["upadacitinib"] == "failed"


@pytest.mark.parametrize("text", [
    "tried ivig, tacrolimus, tofa. still progressing.",
    "she has had rituximab and mmf, still active disease",
])
def test_the_disease_still_going_after_the_treatments_is_their_failure(text):
    assert set(_status(text).values()) == {"failed"}


def test_still_active_said_of_how_a_person_lives_is_no_failure():
    assert _status("rituximab in 2019 and she is still active and working")["rituximab"] != "failed"


@pytest.mark.parametrize("text", ["her protein is still high about 3 grams", "her protein is high at 4g"])
def test_protein_in_grams_after_a_word_of_how_high(text):
    labs = [f for f in extract(text, today=TODAY) if f.label == "LAB"]
    assert [(f.concept, f.unit) for f in labs] == [("urine_protein_24h", "g/day")]


# --- who writes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "Gastro here. 38 y/o F, UC since 2012, failed infliximab and vedolizumab",
    "nephrologist here, 41M with lupus nephritis class IV",
    "I'm a paediatric rheumatologist. 15F with SLE, MMF failed",
])
def test_a_specialist_naming_themself_writes_as_a_clinician(tmp_path, message):
    from bundled_engine import talk, tracker_of
    engine = _engine(tmp_path)
    talk(engine, "a", message)
    assert tracker_of(engine, "a").role == "clinician"


def test_a_nurse_telling_her_own_illness_is_not_read_as_a_clinician(tmp_path):
    from bundled_engine import talk, tracker_of
    engine = _engine(tmp_path)
    talk(engine, "a", "im a nurse and i have lupus, mycophenolate failed")
    assert tracker_of(engine, "a").role != "clinician"


@pytest.mark.parametrize("message, own", [
    ("你好，我今年29岁，女，系统性红斑狼疮8年，用过激素", True),
    ("我有狼疮，用过吗替麦考酚酯", True),
    ("我女儿今年16岁，有狼疮", False),
    ("我有一位患者，29岁女性，狼疮肾炎", False),
])
def test_a_chinese_first_person_telling_is_the_patients(message, own):
    from bot.phrasings import load_phrasings
    assert load_phrasings().tells_own(message) is own


def test_a_chinese_first_message_of_ones_own_lupus_sets_the_patient_role(tmp_path):
    from bundled_engine import talk, tracker_of
    engine = _engine(tmp_path)
    reply = talk(engine, "a", "你好，我今年29岁，女，系统性红斑狼疮8年，用过激素、吗替麦考酚酯、贝利尤单抗")[-1]
    assert "请问您是哪一位" not in reply
    assert tracker_of(engine, "a").role == "patient"


# --- Chinese questions ----------------------------------------------------------------------------

@pytest.mark.parametrize("message, entry", [
    ("CAR-T是什么？", "car_t"),
    ("请问 CAR-T 是什么", "car_t"),
    ("需要停药吗？", "stop_medicines"),
    ("费用多少？", "cost"),
    ("有适合她的试验吗？", "eligible"),
    ("试验中心在哪里？", "sites"),
])
def test_chinese_questions_find_their_entry(message, entry):
    from bot.faq import load_faq
    found = load_faq().find(message)
    assert found is not None and found.id == entry


def test_a_chinese_statement_is_no_question():
    from bot.faq import load_faq
    faq = load_faq()
    assert faq.find("我妈妈有红斑狼疮，今年55岁") is None
    assert not faq.is_question("我妈妈有红斑狼疮，今年55岁")


def test_every_chinese_answer_is_given_for_both_roles():
    from bot.faq import load_faq
    faq = load_faq()
    answers = {answer.id: answer for _w, answer in faq.zh_wordings}
    assert {"car_t", "risks", "cost", "stop_medicines", "eligible", "sites"} <= set(answers)
    for answer in answers.values():
        if not answer.sites:
            assert answer.text["zh:patient"] and answer.text["zh:clinician"]


def test_what_is_car_t_asked_in_chinese_is_answered_in_chinese(tmp_path):
    from bundled_engine import talk
    engine = _engine(tmp_path)
    reply = talk(engine, "a", "CAR-T是什么？")[-1]
    assert "自己的免疫细胞" in reply
    assert "回答不了" not in reply


def test_a_chinese_question_sent_while_the_city_is_asked_is_no_city(tmp_path):
    from bundled_engine import talk, tracker_of
    engine = _engine(tmp_path)
    replies = talk(engine, "a", "我妈妈有红斑狼疮，今年55岁", "有适合她的试验吗？")
    assert tracker_of(engine, "a").profile.first("LOCATION") is None
    assert "据我所知有适合她的试验吗" not in replies[-1]     # never "sites near <the question>"
    assert "只有试验团队才能决定" in replies[-1]      # never "eligible": the team decides


def test_a_chinese_place_answer_is_still_taken(tmp_path):
    from bundled_engine import talk, tracker_of
    engine = _engine(tmp_path)
    talk(engine, "a", "我妈妈有红斑狼疮，今年55岁", "杭州")
    location = tracker_of(engine, "a").profile.first("LOCATION")
    assert location is not None and ("杭州" in location.concept or "Hangzhou" in location.concept)


# --- places -----------------------------------------------------------------------------------------

def test_a_hospital_the_patient_is_in_is_not_where_they_live():
    assert not [f for f in extract("he is in Great Ormond Street hospital now", today=TODAY) if f.label == "LOCATION"]
    assert not [f for f in extract("she is in St Thomas Hospital", today=TODAY) if f.label == "LOCATION"]
    places = [f.concept for f in extract("we're in Glasgow and she is at the Royal Infirmary", today=TODAY)
              if f.label == "LOCATION"]
    assert places == ["Glasgow"]


def test_a_whole_message_saying_where_we_are_is_the_place_with_no_question_open(tmp_path):
    from bundled_engine import talk, tracker_of
    engine = _engine(tmp_path)
    talk(engine, "a", "my daughter is 16 with systemic sclerosis, diagnosed at 14",
         "her skin is getting worse", "we're in manchester")
    location = tracker_of(engine, "a").profile.first("LOCATION")
    assert location is not None and location.concept.lower() == "manchester"


def test_a_city_country_pair_given_to_another_question_is_the_place(tmp_path):
    from bundled_engine import talk, tracker_of
    engine = _engine(tmp_path)
    replies = talk(engine, "a", "I'm 27, Crohn's since I was 16. Humira and Stelara both failed", "Dublin, Ireland")
    assert "didn't catch" not in replies[-1]
    location = tracker_of(engine, "a").profile.first("LOCATION")
    assert location is not None and location.concept == "Dublin, Ireland"


# --- answers to "When did you last take X?" ---------------------------------------------------------

@pytest.mark.parametrize("reply", ["i think about 2 weeks ago? im still on it", "march, but still taking it"])
def test_still_on_it_after_a_date_means_taken_now(reply):
    from matching.questions import build_question
    question = build_question("last_dose:mycophenolate")
    facts = question.answer_to_facts(reply, today=TODAY)
    assert facts and facts[0].status == "current"


def test_another_drug_now_after_a_date_is_not_the_asked_one_taken_now():
    from matching.questions import build_question
    facts = build_question("last_dose:mycophenolate").answer_to_facts("stopped in may, now on azathioprine", today=TODAY)
    assert not facts or facts[0].status != "current"


def test_the_question_names_the_drug_as_the_person_wrote_it():
    from matching.questions import build_question
    said = [f for f in extract("tried cellcept and benlysta, nothing worked", today=TODAY) if f.label == "DRUG"]
    question = build_question("last_dose:belimumab", basis=said)
    assert "Benlysta (belimumab)" in question.patient
    assert "Benlysta" not in question.clinician
    assert "(belimumab)" not in build_question("last_dose:belimumab").patient


# --- values and treatments of now ----------------------------------------------------------------

def test_a_value_that_went_down_last_week_is_the_latest():
    labs = [f for f in extract("she has ITP for 3 years, platelets went down to 6 last week", today=TODAY)
            if f.label == "LAB"]
    assert labs and not labs[0].historical and labs[0].value == 6
    peak = [f for f in extract("CK went up to 12000 last flare", today=TODAY) if f.label == "LAB"]
    assert peak and peak[0].historical


def test_a_count_low_despite_one_treatment_before_a_semicolon_is_failing_on_it():
    facts = {f.concept: f for f in extract("Pt w/ refractory ITP, plt 14 despite eltrombopag 75mg; prior rituximab "
                                           "(2019, no response), splenectomy declined. 39F.", today=TODAY)}
    assert facts["eltrombopag"].status == "failed" and facts["eltrombopag"].ongoing
    assert facts["rituximab"].historical


@pytest.mark.parametrize("text, concept", [
    ("Systemic sclerosis limited type, Raynauds for 10 yrs", "limited_systemic_sclerosis"),
    ("scleroderma, the diffuse type", "diffuse_systemic_sclerosis"),
    ("she has myositis, the antisynthetase type, with lung involvement", "antisynthetase_syndrome"),
    ("scleroderma limited to the hands", "systemic_sclerosis"),
])
def test_a_diseases_type_said_after_its_name_is_that_kind(text, concept):
    assert [f.concept for f in extract(text, today=TODAY) if f.label == "CONDITION"][0] == concept


# --- a trial for a related condition: the plan and the explanation agree; triage names it ----------

def _ckd_records():
    from bundled_engine import CTGOV_FIXTURES
    from registry.ctgov import import_file
    return list(import_file(CTGOV_FIXTURES / "ckd_dialysis_children.json"))


@pytest.mark.parametrize("text, status", [
    ("my son is 12, lupus nephritis", "unknown"),              # the organ's disease: not known
    ("my son is 12, lupus nephritis, eGFR 40", "pass"),         # eGFR 40 points to chronic kidney disease
])
def test_the_condition_gate_explained_says_what_the_plan_judges(text, status):
    from core.facts import Profile
    from matching.engine import match
    profile = Profile.of_text(extract(text, today=TODAY))
    result = match(profile, _ckd_records(), today=TODAY)[0]
    gate = next(c for c in result.criteria if c.id == "elig-condition")
    assert gate.status == status
    assert result.gate_status in (status, None)


def test_triage_names_a_trial_for_a_related_condition_and_lists_it_after_the_own_ones(tmp_path, capsys):
    import argparse
    from bot.commands import triage
    from data.store import open_store, sync_bundled, upsert_trials
    db_path = tmp_path / "t.db"
    db = open_store(db_path)
    sync_bundled(db)
    upsert_trials(db, _ckd_records(), "import")
    letter = tmp_path / "letter.txt"
    letter.write_text("Re: 12-year-old boy with SLE and class IV lupus nephritis, failed MMF and cyclophosphamide.")
    args = argparse.Namespace(files=[str(letter)], db=str(db_path), prune=False, all=False, json=False,
                              today=TODAY, lang="auto")
    assert triage.run(args) == 0
    out = capsys.readouterr().out
    assert "Related condition:" in out and "(lupus nephritis) meets it only if" in out
    blocks = out.split("\n\n")
    verdicts = [(b.split("\n", 1)[0], "Related condition" in b) for b in blocks if "Verdict: possible" in b]
    related = [i for i, (_t, linked) in enumerate(verdicts) if linked]
    assert not related or related == list(range(len(verdicts) - len(related), len(verdicts)))


@pytest.mark.parametrize("line, concept", [
    ("- Mycophenolate mofetil 3 g/day 2019-2023 - relapse on treatment", "mycophenolate"),
    ("Azathioprine 2015-2017 - flare on treatment", "azathioprine"),
])
def test_a_relapse_on_treatment_after_a_listed_course_is_its_failure(line, concept):
    assert _status(line)[concept] == "failed"


def test_still_flaring_on_it_keeps_the_last_treatment_taken():
    facts = {f.concept: f for f in extract("MTX (liver), HCQ, etanercept, tocilizumab, upadacitinib - still flaring on it",
                                           today=TODAY)}
    assert facts["upadacitinib"].status == "failed" and facts["upadacitinib"].ongoing


def test_a_regimen_named_in_brackets_after_its_drug_is_one_course():
    drugs = [f for f in extract("- Cyclophosphamide (Euro-Lupus) 2019 - partial response", today=TODAY) if f.label == "DRUG"]
    assert [f.concept for f in drugs] == ["cyclophosphamide"]
