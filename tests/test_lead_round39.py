"""Round 39 (lead): what people wrote that the bot misread, written as they wrote it.

A woman with antisynthetase syndrome answered "Have you been diagnosed with dermatomyositis?"
with "I have been on prednisolone, mycophenolate and now tacrolimus" and was noted to have
dermatomyositis; "what do you need to know from me?" got a list of criteria naming "know from";
a father's "which of these is closest to us? we are in manchester" and a mother's "does she need
to stop her tablets to join?" got "I'm sorry, I can't answer that one"; a haematology registrar
("Haem reg here") was asked who she was after the trials were shown ("Before I look for
trials"), and "who do I contact for the first one" got every trial's contacts; a case closing
"anything?" and a mother's "is there any car t for kids with itp" (no question mark) were no
request for the trials; "I'm the patient's sister" made the writer the patient.
"""
from __future__ import annotations

from datetime import date

import pytest

from bundled_engine import bundled_engine, engine_with_records, said, talk, tracker_of
from bot.faq import read_faq
from bot.phrasings import read_phrasings
from matching.answers import says_yes
from nlp import extract

TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def faq():
    return read_faq()


@pytest.mark.parametrize("reply", ["i have", "i have, twice", "I have yes", "i did years ago", "i do yes",
                                   "yes she has", "right", "positive for jo1"])
def test_a_yes_alone_or_with_its_time_is_yes(reply):
    assert says_yes(reply.lower())


@pytest.mark.parametrize("reply", ["i have been on prednisolone, mycophenolate and now tacrolimus",
                                   "right now she takes hcq", "i have dermatomyositis since 2020",
                                   "i did a course of rituximab", "sure thing she had it"])
def test_a_statement_opening_with_an_auxiliary_is_no_yes(reply):
    assert not says_yes(reply)


def test_a_treatment_list_is_no_yes_to_a_diagnosis_question(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "I have antisynthetase syndrome (Jo-1 positive) with lung involvement diagnosed "
                                "2022. I'm 53.", "I have been on prednisolone, mycophenolate and now tacrolimus.")
    assert "Have you been diagnosed with dermatomyositis?" in replies[0]
    assert "dermatomyositis" not in replies[1].split("\n\n")[0]
    assert not any(f.concept == "dermatomyositis" for f in tracker_of(engine, "a").profile.facts)


@pytest.mark.parametrize("question", ["what do you need to know from me?", "what else do you need?",
                                      "what information would you like?", "what should I tell you?"])
def test_what_do_you_need_is_answered(faq, question):
    assert faq.find(question).id == "what_needed"


def test_what_do_you_need_then_the_question_again(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "I have antisynthetase syndrome with lung involvement diagnosed 2022. I'm 53.",
                   "what do you need to know from me?")
    assert "The diagnosis and since when" in replies[1]
    assert "mentions know from" not in replies[1]
    assert "Have you been diagnosed with dermatomyositis?" in replies[1]


@pytest.mark.parametrize("question", ["which of these is closest to us?", "which one is nearest?",
                                      "which trial is closest to me?", "how far away are they?"])
def test_which_is_closest_is_the_sites_question(faq, question):
    assert faq.find(question).id == "sites"


def test_which_is_closest_gives_the_sites_with_the_place(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "d", "my son is 28 and has had ulcerative colitis since he was 19, tried infliximab "
                                "and vedolizumab, no help", "which of these is closest to us? we are in manchester")
    assert "can't answer that one" not in replies[1]
    assert "Sites" in replies[1] and "Contacts" in replies[1]     # (no gazetteer here: the place unknown)


@pytest.mark.parametrize("opening", ["Haem reg here", "rheum fellow here", "gastro SpR here", "im a haem reg"])
def test_a_grade_in_shorthand_is_a_clinician(opening):
    assert read_phrasings().role(opening)[0] == "clinician"


def test_a_registrar_asking_at_once_gets_clinician_wording_and_one_trials_contacts(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "h", "Haem reg here. 41F, CD7+ T-ALL, relapsed 5 months post MUD allo. Blasts 34% "
                                "marrow. ECOG 1. Any CD7 CAR-T open?", "who do I contact for the first one")
    assert "Clinician mode" in replies[0]
    assert "who am I talking to" not in replies[1]
    assert "Talk to your doctor" not in replies[1]
    assert replies[1].count("Contacts:") == 1


def test_the_role_asked_after_the_trials_were_shown_is_not_before_looking(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "x", "34, relapsed T-ALL after allo, CD7 positive. Any CD7 CAR-T?", "ok thanks")
    assert "best match first" in replies[0] or "ranked" in replies[0]
    assert "Before I look for trials" not in replies[1]


@pytest.mark.parametrize("message, which", [("who do I contact for the first one", 1), ("where is number 2?", 2),
                                            ("tell me about the 3rd trial", 3), ("the last one, who runs it", -1),
                                            ("who do i call", None), ("I had one treatment", None)])
def test_an_ordinal_names_a_trial_of_the_list(faq, message, which):
    assert faq.ordinal(message) == which


def test_the_exclusion_criteria_of_the_first_one_show_that_trial(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "c", "Haem reg here. 41F, CD7+ T-ALL, relapsed after MUD allo. ECOG 1. Any CD7 CAR-T open?",
                   "what are the exclusion criteria for the first one?")
    first = [line for line in replies[0].splitlines() if line.startswith("1. ")]
    assert first
    assert replies[1].startswith(first[0][3:].split(" (")[0])
    assert "Candidate trials" not in replies[1]
    # a number past the list's end names nothing: the list again
    replies = talk(engine, "c", "what are the exclusion criteria for the 5th one?")
    assert "Candidate trials" in replies[0]


@pytest.mark.parametrize("message", ["crohns 12 yrs, 3 resections. failed infliximab, vedo. 39 male. anything?",
                                     "Lupus nephritis class IV, failed MMF and cyclophosphamide, 31F. Thoughts?",
                                     "T-ALL relapsed after allo, CD7 pos, 23M. Any options?"])
def test_a_case_closing_with_a_bare_request_asks_for_the_trials(faq, message):
    assert faq.asks_for_trials_at_end(message)


@pytest.mark.parametrize("message", ["anything?", "Lupus since 2015, failed MMF. Does it hurt?",
                                     "Lupus since 2015. is there anything else i should know?"])
def test_other_endings_are_no_request(faq, message):
    assert not faq.asks_for_trials_at_end(message)


def test_a_case_closing_anything_gets_the_trials(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "c", "crohns 12 yrs, 3 resections, stoma. failed infliximab adalimumab ustekinumab "
                                "vedo risankizumab. 39 male. CRP 45. anything?")
    assert "best match first" in replies[0] or "don't fit" in replies[0] or "none of the trials" in replies[0]
    assert "Before I look for trials" not in replies[0]


def test_a_question_without_its_mark_asks_for_the_trials(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "m", "my daughter is 15 and has ITP, platelets were 9 this morning",
                   "is there any car t for kids with itp")
    assert "doesn't change which trials" not in replies[1]
    assert "ages 18" in replies[1] or "may qualify" in replies[1]


def test_anything_else_before_surgery_asks_for_the_trials(faq, tmp_path):
    assert faq.find("is there anything else before surgery?").id == "eligible"
    assert faq.find("is there anything else i should know?") is None or \
        faq.find("is there anything else i should know?").id != "eligible"


@pytest.mark.parametrize("question", ["does she need to stop her tablets to join?", "will he have to come off his meds?",
                                      "can she keep her medication?", "do i need to stop my steroids"])
def test_stopping_her_tablets_is_the_washout_question(faq, question):
    assert faq.find(question).id == "stop_medicines"


def test_i_am_the_patient_s_sister_is_a_relative_writing():
    facts = extract("Hi. I'm the patient's sister. My sister (43) has diffuse scleroderma since 2020.", today=TODAY)
    ssc = [f for f in facts if f.concept == "diffuse_systemic_sclerosis"]
    assert ssc and not ssc[0].family
    assert read_phrasings().role("im the patients sister") == ("patient", "sister", "female")
    # the writer who is the patient still is
    facts = extract("im the patient, my mum has RA too", today=TODAY)
    assert [f for f in facts if f.concept == "rheumatoid_arthritis"][0].family


def test_n_months_post_an_event_is_no_duration():
    relapse = [f for f in extract("relapsed 5 months post MUD allo", today=TODAY) if f.concept == "relapsed_disease"]
    assert relapse and relapse[0].duration_days is None
    itp = [f for f in extract("ITP 6 years post splenectomy", today=TODAY) if f.concept == "itp"]
    assert itp and itp[0].duration_days is None
    ra = [f for f in extract("rheumatoid arthritis 20 yrs", today=TODAY) if f.concept == "rheumatoid_arthritis"]
    assert ra[0].duration_days and ra[0].duration_days > 7000


def test_maybe_x_next_is_a_plan():
    cyc = [f for f in extract("my rheum said maybe cyclophosphamide next. im scared", today=TODAY)
           if f.concept == "cyclophosphamide"][0]
    assert cyc.hypothetical
    ivig = [f for f in extract("she had IVIG the next day", today=TODAY) if f.concept == "ivig"][0]
    assert not ivig.hypothetical


def test_a_diagnosis_date_after_a_marker_bracket_is_the_diagnosis_s():
    facts = extract("dermatomyositis (anti-MDA5) diagnosed 8 months ago, lungs involved", today=TODAY)
    dm = [f for f in facts if f.concept == "dermatomyositis"][0]
    ild = [f for f in facts if f.concept == "interstitial_lung_disease"][0]
    assert dm.date and dm.date.startswith("2026-04") and ild.date is None


def test_a_clinician_asking_whom_to_call_is_not_told_to_see_their_doctor(faq):
    join = faq.find("who do i contact?")
    assert "Talk to your doctor" in join.text["patient"]
    assert "Talk to your doctor" not in join.text["clinician"]


@pytest.mark.parametrize("question", ["can i do a trial without my parents?", "do my parents need to sign?",
                                      "does her dad have to agree?", "do i need parental consent?"])
def test_a_minor_asking_about_consent_is_answered(faq, question):
    assert faq.find(question).id == "minors"


def test_a_teenager_asking_about_her_parents_gets_the_answer_and_her_facts_noted(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "t", "hey im 17 and i have lupus. can i do a trial without my parents?")
    assert "parent or legal guardian gives consent" in replies[0]
    assert "systemic lupus erythematosus" in replies[0] and "age 17" in replies[0]


def test_a_memory_modal_is_no_plan():
    facts = extract("Im 45 and have had ITP for 10 yrs. I've had steroids more times than I can count, IVIG, "
                    "rituximab (worked for a year), eltrombopag", today=TODAY)
    for concept in ("ivig", "rituximab"):
        fact = [f for f in facts if f.concept == concept][0]
        assert not fact.hypothetical, concept
    planned = [f for f in extract("they said we can try rituximab", today=TODAY) if f.concept == "rituximab"][0]
    assert planned.hypothetical


@pytest.mark.parametrize("text", ["骨髓移植：没有", "移植史：无", "他做过骨髓移植吗？没有", "他没有做过骨髓移植"])
def test_a_chinese_field_or_question_answered_no_is_denied(text):
    hsct = [f for f in extract(text, today=TODAY) if f.concept == "hsct"]
    assert hsct and hsct[0].negated


@pytest.mark.parametrize("text", ["骨髓移植：做过", "有没有做过移植？做过"])
def test_a_chinese_field_answered_yes_stands(text):
    hsct = [f for f in extract(text, today=TODAY) if f.concept == "hsct"]
    assert hsct and not hsct[0].negated and not hsct[0].hypothetical


@pytest.mark.parametrize("text", ["Wants pregnancy in future.", "desires pregnancy", "pregnancy wish, on HCQ",
                                  "pregnancy desired next year"])
def test_a_pregnancy_wished_for_in_a_noun_is_planning_not_pregnant(text):
    facts = [f for f in extract(text, today=TODAY) if f.label == "PREGNANCY"]
    assert facts and all(f.concept == "planning" and f.hypothetical for f in facts)
    assert [f.concept for f in extract("she is pregnant", today=TODAY)] == ["pregnant"]
    # "planning a pregnancy" is the letters' present plan, "not planning pregnancy" a denial
    planning = [f for f in extract("She is planning a pregnancy next year.", today=TODAY) if f.label == "PREGNANCY"]
    assert planning and not planning[0].hypothetical and not planning[0].negated
    denied = [f for f in extract("Not planning pregnancy; uses contraception.", today=TODAY) if f.label == "PREGNANCY"]
    assert denied and denied[0].negated


def test_a_rheumatologist_s_case_wanting_pregnancy_keeps_the_car_t_trial(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "r", "Rheum here. 29F SLE, class III+V LN on biopsy 02/2024. Induction MMF 3g + pred, "
                                "then rituximab x2 (06/2025) - no response. Wants pregnancy in future. Options?")
    noted = replies[0].split("Noted:")[1].split("\n")[0]
    assert "pregnant" not in noted.replace("planning a pregnancy", "")
    assert "Candidate trials" in replies[0]


def test_a_j_pouch_is_no_stoma():
    facts = extract("UC since 2012. Colectomy 2020 with J pouch.", today=TODAY)
    assert {"colectomy", "ileoanal_pouch"} <= {f.concept for f in facts}
    assert "ostomy" not in {f.concept for f in facts}
    assert [f.concept for f in extract("ileostomy since 2021", today=TODAY)] == ["ostomy"]


def test_a_relative_s_case_ending_is_there_anything_for_her_gets_the_trials(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "m", "hi my mam has myositis, shes 58. she had steroids and methotrexate. her muscles are "
                                "weak and she cant get up from a chair. is there anything for her")
    assert "best match first" in replies[0]


def test_a_child_wanted_is_a_pregnancy_plan_and_trying_is_present():
    want = [f for f in extract("im 33 f, lupus. i want a baby in the next few years", today=TODAY) if f.label == "PREGNANCY"]
    assert want and want[0].concept == "planning" and want[0].hypothetical
    trying = [f for f in extract("we are trying for a baby", today=TODAY) if f.label == "PREGNANCY"]
    assert trying and not trying[0].hypothetical
    plans = [f for f in extract("MMF was switched to azathioprine in view of pregnancy plans.", today=TODAY)
             if f.label == "PREGNANCY"]
    assert plans and not plans[0].hypothetical      # as the gold has it (conv-0570)


def test_the_writer_s_memory_does_not_make_a_relative_s_drug_the_writer_s():
    facts = extract("dad is 70, RA for 30 yrs. he has been on so many drugs i cant count, now on rinvoq", today=TODAY)
    rinvoq = [f for f in facts if f.concept == "upadacitinib"][0]
    assert not rinvoq.family and rinvoq.status == "current"


@pytest.mark.parametrize("message", ["thanks bye", "ok cheers", "bye", "thank you, goodbye", "Thanks! Take care"])
def test_taking_leave_is_answered_with_what_is_kept(tmp_path, message):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "b", "I have lupus since 2015, mycophenolate failed, 34", message)
    assert "Take care" in replies[1] and "/forget" in replies[1]
    assert "anything new" not in replies[1]
    assert tracker_of(engine, "b").profile.facts       # nothing lost


def test_a_farewell_is_the_whole_message():
    phrasings = read_phrasings()
    assert phrasings.takes_leave("goodbye") and not phrasings.takes_leave("")
    assert not phrasings.takes_leave("bye the way she has lupus")


def test_a_let_down_writer_is_said_sorry_to_and_the_question_stays(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "u", "my son is 19, T-ALL, relapsed twice, CD7 positive, had a transplant in 2025",
                   "this is useless none of these are in the uk")
    assert "I'm sorry this hasn't helped yet" in replies[1]
    assert "didn't catch that" not in replies[1]
    # a let-down writer who also tells something has it taken in
    replies = talk(engine, "u", "not helpful, he also had nelarabine")
    assert "nelarabine" in replies[0]


def test_may_qualify_is_explained(faq):
    assert faq.find("what does may qualify mean").id == "term:may_qualify"


def test_why_the_second_one_shows_that_trial_with_its_reasons(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "w", "Rheum here. 30F SLE, lupus nephritis class IV, failed MMF and cyclophosphamide. Options?",
                   "why does the first one not fit?")
    first = [line for line in replies[0].splitlines() if line.startswith("1. ")]
    assert first and replies[1].startswith(first[0][3:].split(" (")[0])


def test_a_trial_in_full_for_a_relative_says_him_not_you(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "r", "my son is 19, T-ALL, relapsed twice, CD7 positive. any trials?",
                   "tell me more about the first one")
    assert "do not apply to you" not in replies[1]


@pytest.mark.parametrize("name, shown", [("Joseph Lillo, DO", "Joseph Lillo, DO"), ("Mei Heng, M.D., Ph.D", "Mei Heng, M.D., Ph.D"),
                                         ("Registrar", "Registrar"), ("王明", "王明"),
                                         ("here may be multiple sites in this clinical trial. -877-CTLILLY (1-877-285-4559) or", None),
                                         ("Call 1-877-CTLILLY (1-877-285-4559) or 1-317-615-4559 Mon - Fri 9 AM - 5 PM", None),
                                         ("", None), (None, None)])
def test_a_registry_name_field_holding_prose_is_no_name(name, shown):
    from bot.sites import contact_name
    assert contact_name(name) == shown


def test_a_prose_name_is_shown_unknown_with_its_phone_kept():
    from bot.sites import where_to_ask
    trial = {"contacts": [{"name": "here may be multiple sites in this clinical trial. -877-CTLILLY (1-877-285-4559) or",
                           "role": "central", "phone": "3176154559", "email": "clinical_inquiry_hub@lilly.com"},
                          {"name": "Call 1-877-CTLILLY (1-877-285-4559) or 1-317-615-4559", "role": "study_director"}]}
    contacts = where_to_ask(trial)["contacts"]
    assert contacts == [{"name": None, "role": "central", "phone": "3176154559",
                         "email": "clinical_inquiry_hub@lilly.com"}]


@pytest.mark.parametrize("text, concept, negated", [("乙肝：阴性。结核：没有", "hbv", True), ("乙肝：阴性。结核：没有", "tuberculosis", True),
                                                    ("CD7：阳性", "cd7", False), ("HIV：阴性，乙肝：阳性", "hbv", False)])
def test_a_chinese_field_s_result_after_its_colon(text, concept, negated):
    fact = [f for f in extract(text, today=TODAY) if f.concept == concept][0]
    assert fact.negated is negated
    if concept in ("hbv", "cd7"):
        assert fact.status == ("negative" if negated else "positive")


def test_a_chinese_sites_question_with_the_place_notes_the_place(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "z", "我妈妈60岁，类风湿关节炎20年，甲氨蝶呤、来氟米特都用过，没效果，现在用托法替布。",
                   "附近有试验吗？我们在上海")
    assert "上海" in replies[1] and "试验中心" in replies[1]
    assert tracker_of(engine, "z").profile.first("LOCATION") is not None
