"""Round 37 (lead): what people wrote that the bot misread, written as they wrote it.

A mother asked "who do i call" under the list she had just been shown and got the whole list
again; a haematologist's "CD7+ (98% blasts)" became a blast count of 98 %; "any CD7 CAR-T
options?" while the city question was pending was noted as a CAR-T "asked about or planned";
"do any of these trials take people with UC?" turned the patient's ulcerative colitis into a
"possible" one; "hes been on steroids loads of times" was a steroid taken now; "romiplostim now
but not great" a treatment helping; "I use micofenolato and prednisona" (a Brazilian patient)
drugs tried once; "got lupus when she was 15" a lupus of the past; "anakinra helped at first but
i keep flaring, now on tocilizumab" an anakinra still taken.
"""
from __future__ import annotations

from datetime import date

from assertion_helpers import NOW, PAST, reading
from bundled_engine import bundled_engine, said, talk, tracker_of
from bot.commands.triage import _profile_line
from core.facts import Profile
from nlp import extract

TODAY = date(2026, 12, 7)


def _drugs(text: str) -> dict:
    return {f.concept: f for f in extract(text, today=TODAY) if f.label == "DRUG"}


def test_courses_counted_are_over_whatever_been_on_says():
    drugs = _drugs("hes been on steroids loads of times, IVIG")
    assert drugs["glucocorticoid"].historical and drugs["glucocorticoid"].status != "current"
    assert reading("been on prednisone many times over the years", "prednisone") == PAST
    assert reading("had plasma exchange lots of times", "plasma_exchange") == PAST
    # a bare "on" of a list with a past item after it stays the list's own
    drugs = _drugs("hes 71 and has had RA 20 odd years. on mtx and hcq, pred stopped last year")
    assert drugs["methotrexate"].status == "current" and not drugs["methotrexate"].historical
    assert drugs["prednisone"].historical


def test_taken_now_but_not_great_is_not_helping_and_not_great_for_the_stomach_is_not_tolerated():
    assert _drugs("romiplostim now but not great")["romiplostim"].status == "failed"
    assert _drugs("on humira but not great tbh")["adalimumab"].status == "failed"
    assert _drugs("mtx but not great for my stomach")["methotrexate"].status == "intolerant"


def test_i_use_a_drug_is_taking_it_unless_an_outcome_says_it_was_over():
    drugs = _drugs("I use micofenolato and prednisona.")
    assert drugs["mycophenolate"].status == "current" and drugs["prednisone"].status == "current"
    assert _drugs("she uses methotrexate injections")["methotrexate"].status == "current"
    assert "glucocorticoid" not in {f.status for f in extract("the use of steroids is limited")}
    # "use" says only that it was taken: the outcome and the switch say it is over
    cellcept = _drugs("My wife she have lupus from 2015. She use cellcept 2 years, not help, "
                      "now the doctor give belimumab")["mycophenolate"]
    assert cellcept.status == "failed" and not cellcept.ongoing


def test_a_marker_s_share_of_blasts_is_no_blast_count():
    facts = extract("52M ETP-ALL dx 01/2025, CD7+ (98% blasts), CD5 dim. Venetoclax/aza bridging, "
                    "blasts 40% BM 11/2026.", today=TODAY)
    cd7 = next(f for f in facts if f.concept == "cd7")
    assert cd7.status == "positive" and cd7.value == 98
    assert [f.value for f in facts if f.concept == "blasts"] == [40]
    assert not [f for f in extract("CD7+ in 80% blasts") if f.concept == "blasts"]
    assert [f.value for f in extract("marrow 35% blasts, CD7+") if f.concept == "blasts"] == [35]


def test_got_a_lifelong_disease_at_an_age_dates_it_and_an_event_stays_past():
    assert reading("shes 22 and got lupus when she was 15", "sle") == NOW
    assert reading("im 30, i got crohns when i was 18", "crohns_disease") == NOW
    assert reading("i got crohns 3 years ago", "crohns_disease") == NOW
    assert reading("i got a stroke when i was 40", "stroke") == PAST
    assert reading("i got covid 2 years ago", "covid") == PAST


def test_a_failing_treatment_replaced_by_one_taken_now_is_over():
    drugs = _drugs("anakinra helped at first but i keep flaring, now on tocilizumab.")
    assert drugs["anakinra"].status == "failed" and not drugs["anakinra"].ongoing
    assert drugs["tocilizumab"].status == "current"
    # still taken when nothing replaced it
    assert _drugs("anakinra helped at first but i keep flaring")["anakinra"].ongoing


def test_who_do_i_call_under_the_list_gives_the_contacts_not_the_list_again(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "mum", "my son is 17 he has t cell leukemia, cd7 positive, it came back after his transplant",
                   "what trials are there", "who do i call")
    assert "best match first" in replies[1]
    assert "whom to contact" in replies[2] and "best match first" not in replies[2]
    assert "Contacts:" in replies[2]


def test_a_question_naming_trials_is_asked_not_noted_while_a_question_is_pending(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "uc", "hi there, 38F, UC since 2012 (pancolitis). tried 5asa, infliximab (lost response "
                                 "after 2 yrs), vedo (nothing). currently on upadacitinib 45",
                   "do any of these trials take people with UC?")
    assert "corrected" not in replies[1].lower() and "possible" not in replies[1].lower()
    uc = tracker_of(engine, "uc").profile.first("CONDITION")
    assert uc.concept == "ulcerative_colitis" and not uc.uncertain
    engine = bundled_engine(tmp_path / "c.db", today=TODAY)
    engine.start("doc")
    engine.command("doc", "role", "clinician")
    replies = [engine.message("doc", "52M ETP-ALL dx 01/2025, CD7+ (98% blasts). nelarabine salvage -> PD. ECOG 1."),
               engine.message("doc", "any CD7 CAR-T options?")]
    assert "asked about or planned" not in said(replies[1])
    assert "CD7" in said(replies[1])


def test_a_treatment_added_beside_a_failing_one_leaves_it_taken():
    drugs = _drugs("My Still's disease is back. canakinumab isnt doing anything anymore and i am on pred 20 again")
    assert drugs["canakinumab"].status == "failed" and drugs["canakinumab"].ongoing


def test_not_beneficial_and_unsuccessful_are_failures():
    # a real note (TREC 2021): "treated with oxycodone which was not beneficial to his pain"
    assert _drugs("He also had the same symptoms in past two weeks treated with oxycodone which was not "
                  "beneficial to his pain.")["oxycodone"].status == "failed"
    assert _drugs("azathioprine was unsuccessful")["azathioprine"].status == "failed"


def test_feeling_unwell_denies_nothing_after_it_in_an_unpunctuated_message():
    # a wife, no punctuation: "he is not well enough really he is in bed most of the day"
    ecog = next(f for f in extract("so basically my husband he is 61 he has t cell lymphoma and he is not well enough "
                                   "really he is in bed most of the day") if f.concept == "ecog")
    assert not ecog.negated and ecog.comparator == ">=" and ecog.value == 3
    assert next(f for f in extract("she is in bed all day") if f.concept == "ecog").value == 3
    assert not [f for f in extract("he is in bed all day on bad days") if f.concept == "ecog"]


def test_a_denied_score_in_words_is_said_as_denied(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "mum", "my mum has ITP, shes 70, she is not in bed most of the day")[0]
    assert "not ECOG performance status ≥3" in reply


def test_triage_says_a_past_condition_is_history():
    facts = extract("38M, relapsed T-LBL. He had grade 2 peripheral neuropathy with vincristine, resolved.", today=TODAY)
    assert "peripheral neuropathy (history)" in _profile_line(Profile.of_text(facts))


def test_a_cancer_found_in_an_organ_has_spread():
    # h162's rel-1237: "This month they found it in her liver and bones" had taken the resected setting
    facts = extract("she had breast cancer and a lumpectomy in 2022, this month they found it in her liver and bones")
    assert {"liver_metastases", "bone_metastases"} <= {f.concept for f in facts if not f.negated}
    assert "bone_metastases" in {f.concept for f in extract("breast cancer, they saw it in her bones")}
    # a doubt is no finding, and no cancer no spread
    assert not {f.concept for f in extract("breast cancer, they think they found it in her liver")} & {"liver_metastases"}
    assert not {f.concept for f in extract("he has lupus, they found it in his kidneys")} & {"metastatic_disease"}
