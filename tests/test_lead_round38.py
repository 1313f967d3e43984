"""Round 38 (lead): what people wrote that the bot misread, written as they wrote it.

A husband asked "Is there something for him?" and a grandmother "how do we get in touch with
them?": both got "I'm sorry, I can't answer that one". A mother answering "who am I talking
to?" with "I am her mum" was then told to ask "your mother's doctor"; a wife's "im his wife"
made the patient "she". "I am 38 years old woman with lupus" was taken for a referral (the role
asked); "kidneys r involved" was no lupus nephritis; "I take mycophenolate 1.5g twice a day and
nifedipine" a nifedipine tried once.
"""
from __future__ import annotations

from datetime import date

import pytest

from bundled_engine import bundled_engine, said, talk, tracker_of
from bot.faq import read_faq
from bot.phrasings import read_phrasings
from data.errors import DataError
from nlp import extract

TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def faq():
    return read_faq()


@pytest.mark.parametrize("question", ["Is there something for him?", "anything for my daughter?",
                                      "do you have something for her?", "are there any options for him?",
                                      "what would you suggest for him?", "anything suitable for her?",
                                      "which ones fit?", "is there something that could help?"])
def test_asking_whether_anything_fits_is_the_eligible_question(faq, question):
    assert faq.find(question).id == "eligible"


@pytest.mark.parametrize("question", ["how do we get in touch with them?", "how can i contact the team?",
                                      "who should we call?", "how to contact them?", "what happens next?",
                                      "what can we do now?"])
def test_asking_how_to_reach_the_team_is_the_join_question(faq, question):
    assert faq.find(question).id == "join"


@pytest.mark.parametrize("question", ["is there something wrong with the bot?", "is there anything else i should know?",
                                      "how does car-t reach the cells?", "what happens to the cells next?"])
def test_a_form_needs_all_its_parts(faq, question):
    found = faq.find(question)
    assert found is None or found.id not in ("eligible", "join")


def test_a_form_s_parts_are_checked_when_read(tmp_path):
    bad = tmp_path / "faq.yaml"
    bad.write_text("question_starts: [what]\nterm_questions: ['what is {term}']\n"
                   "entries:\n  x:\n    wordings: [hello there]\n    forms: ['{|maybe} there']\n    answer: hi\n")
    with pytest.raises(DataError, match="first not optional"):
        read_faq(bad)


def test_is_there_something_for_him_shows_the_trials(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "dad", "my dad is 60 and has rheumatoid arthritis, failed methotrexate and adalimumab",
                   "Is there something for him?")
    assert "can't answer that one" not in replies[1]
    assert "may qualify" in replies[1] and "best match first" in replies[1]


def test_how_do_we_get_in_touch_gives_the_contacts(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "gran", "my boy is 9, T-ALL, relapsed after transplant. CD7 positive on the last marrow.",
                   "how do we get in touch with them?")
    assert "can't answer that one" not in replies[1]
    assert "contact the trial team" in replies[1] and "Contacts:" in replies[1]


@pytest.mark.parametrize("answer, relation, sex", [("I am her mum", "daughter", "female"),
                                                    ("im his dad", "son", "male"),
                                                    ("im his wife", "husband", "male"),
                                                    ("im her husband", "wife", "female"),
                                                    ("我是她妈妈", "daughter", "female"),
                                                    ("im her aunt", "someone_elses_female", "female")])
def test_the_writer_naming_themself_names_the_patient_by_the_pronoun(answer, relation, sex):
    assert read_phrasings().role(answer) == ("patient", relation, sex)
    assert read_phrasings().role("for my mum") == ("patient", "mother", "female")


def test_i_am_her_mum_makes_the_patient_her_daughter(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "m", "She is 15. She has ITP since she was 11, platelets usually around 10-20. "
                                "Tried steroids, IVIG, eltrombopag.", "I am her mum")
    assert "who am I talking to" in replies[0] and not replies[0].count("First:")
    assert "your daughter" in replies[1] and "your mother" not in replies[1]
    tracker = tracker_of(engine, "m")
    assert (tracker.relation, tracker.relation_sex) == ("daughter", "female")


def test_a_writer_naming_themself_later_is_the_patient_s_relative(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "w", "He is 40 with crohns, failed infliximab and vedolizumab", "sorry i should say im his wife")
    tracker = tracker_of(engine, "w")
    assert (tracker.relation, tracker.relation_sex) == ("husband", "male")
    # a relative named later is someone else ("my mother is 70" after the patient's own telling)
    engine = bundled_engine(tmp_path / "s.db", today=TODAY)
    talk(engine, "s", "I have lupus since 2015, on hcq", "my mother is 70 and has RA")
    assert tracker_of(engine, "s").relation is None


def test_i_am_n_years_old_woman_is_the_patient_writing():
    phrasings = read_phrasings()
    assert phrasings.tells_own("I am 38 years old woman with lupus from 2015. I take hydroxychloroquine 400 mg")
    assert phrasings.tells_own("im 52 yrs old man, RA since 2001")
    assert not phrasings.tells_own("I have a 38 years old woman with lupus in clinic")
    assert not phrasings.tells_own("I am referring a 38 year old woman with lupus")


def test_i_am_n_years_old_woman_is_answered_as_a_patient(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "p", "I am 38 years old woman with lupus from 2015. I take hydroxychloroquine 400 mg "
                                "and prednisone 10 mg every day. I had belimumab for 2 years but stopped in 2024 "
                                "because no improvement.")
    assert "who am I talking to" not in replies[0]
    assert tracker_of(engine, "p").role == "patient"


def test_kidneys_r_involved_is_the_lupus_kidney_disease():
    facts = {f.concept: f for f in extract("im 16 and have lupus since i was 13. kidneys r involved (class 4 they said)",
                                           today=TODAY)}
    assert "lupus_nephritis" in facts and not facts["lupus_nephritis"].negated
    assert {f.concept: f for f in extract("lupus since 2019, her kidneys r fine", today=TODAY)}["lupus_nephritis"].negated


def test_a_present_tense_of_taking_is_every_listed_drug_s_across_a_dose():
    drugs = {f.concept: f for f in extract("I take mycophenolate 1.5g twice a day and nifedipine for raynauds.",
                                           today=TODAY) if f.label == "DRUG"}
    assert drugs["mycophenolate"].status == drugs["nifedipine"].status == "current"
    drugs = {f.concept: f for f in extract("she takes methotrexate 20mg once a week and hydroxychloroquine",
                                           today=TODAY) if f.label == "DRUG"}
    assert drugs["hydroxychloroquine"].status == "current"
    # a failure beside it still wins
    assert {f.concept: f for f in extract("I take MMF 1g twice a day but it does not work",
                                          today=TODAY)}["mycophenolate"].status == "failed"


def test_a_hedged_treatment_is_said_not_certain_not_doubted(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "d", "my dad (67) has PTCL, relapsed after CHOP. the doctors said maybe a stem cell "
                                "transplant but he is not fit enough")
    assert "not certain whether had or planned: haematopoietic stem cell transplant" in replies[0]
    assert "not sure about haematopoietic" not in replies[0]


def test_each_test_of_a_list_read_negative_is_negative():
    facts = {f.concept: f for f in extract("Her HIV test and hepatitis tests were negative.", today=TODAY)}
    assert facts["hiv"].negated and facts["viral_hepatitis"].negated
    facts = {f.concept: f for f in extract("HIV status and hep B serology negative", today=TODAY)}
    assert facts["hiv"].negated and facts["hbv"].negated


def test_a_mother_s_negative_tests_are_no_infection_in_the_reply(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "m", "Hello, my daughter Emma is 19. She has lupus since 2023. Her HIV test and hepatitis "
                                "tests were negative.")
    assert "not sure about HIV" not in replies[0] and "HIV positive" not in replies[0]


def test_an_organ_named_late_in_a_long_sentence_is_the_disease_s_it_opened_with():
    facts = {f.concept: f for f in extract("She was diagnosed with lupus 18 months ago, at first only joints and rash "
                                           "but since 6 months her kidneys are affected, biopsy showed class IV.",
                                           today=TODAY)}
    assert "lupus_nephritis" in facts and not facts["lupus_nephritis"].negated
    # an infection nearer decides: no disease's lungs
    facts = {f.concept for f in extract("She was diagnosed with lupus 18 months ago, at first only joints and rash, "
                                        "then last winter a bad pneumonia and since then her lungs are affected",
                                        today=TODAY)}
    assert "interstitial_lung_disease" not in facts and "lupus_nephritis" not in facts


# --- a rheumatologist's referral letter (SSc-ILD) -------------------------------------------

def _facts(text: str) -> dict:
    return {f.concept: f for f in extract(text, today=TODAY)}


def test_an_outcome_in_a_bracket_said_of_an_organ_or_despite_adherence_is_the_outcome():
    assert _facts("MMF 3 g/day 2020-2023 (skin progression despite adherence); cyclophosphamide IV in 2023"
                  )["mycophenolate"].status == "failed"
    assert _facts("RTX 2022 (renal relapse), MMF")["rituximab"].status == "failed"
    assert _facts("MMF (skin rash)")["mycophenolate"].status == "intolerant"
    assert _facts("IFX (lung problems)")["infliximab"].status is None


def test_a_value_that_fell_from_a_dated_one_is_the_newer():
    fvc = _facts("She has progressive ILD: FVC fell from 78% (2022) to 61% (10/2026), DLCO 38%.")["fvc"]
    assert fvc.value == 61 and not fvc.negated
    fvc = _facts("FVC declined from 78% in 2022 to 61% in 10/2026")["fvc"]
    assert fvc.value == 61 and not fvc.negated
    # a treatment declined is still refused
    assert _facts("rituximab was offered but he declined")["rituximab"].negated


def test_since_after_a_treatment_s_dose_dates_that_treatment():
    facts = _facts("currently nintedanib 150 mg bd since 03/2025 plus prednisolone 5 mg.")
    assert facts["nintedanib"].date == "2025-03" and facts["prednisone"].date is None


def test_uses_contraception_is_taken_now_in_a_history_paragraph_or_after_and():
    assert _facts("Other history: GORD. Not pregnant, uses contraception.")["contraception"].status == "current"
    assert _facts("she is not pregnant and uses the pill")["contraception"].status == "current"
    # "and uses" still ends a denial's reach
    facts = _facts("no history of allergies and uses only multivitamins")
    assert facts["multivitamin"].status == "current" and not facts["multivitamin"].negated


def test_haemoglobin_in_g_dl_tells_no_unit_system_beside_chemistry_in_umol():
    facts = _facts("Bloods 11/2026: Hb 11.2, WCC 6.1, platelets 245, creatinine 68, ALT 22, bilirubin 9.")
    assert not facts["bilirubin"].implausible and abs(facts["bilirubin"].value_normalized - 0.5262) < 0.001
    assert not _facts("Creat 78, Hb 9.2, bili 3")["bilirubin"].implausible
    # its g/L tells SI; values of both systems otherwise still asked
    assert not _facts("Hb 112 g/L, bili 3")["bilirubin"].implausible
    assert _facts("Hb 9.2 g/dL, bili 3")["bilirubin"].implausible
    assert _facts("Creat 1.1, Alb 35, bili 3")["bilirubin"].implausible


# --- a haematologist's referral letter (ETP-ALL after a transplant) --------------------------

def test_still_of_a_later_clause_does_not_make_an_earlier_treatment_current():
    facts = _facts("Treatment: UKALL 2011 Regimen C induction 01/2025 - MRD positive at day 29 (2.1%); "
                   "consolidation with nelarabine; MRD still 0.4% at week 14.")
    assert facts["nelarabine"].status != "current" and facts["nelarabine"].historical
    assert _facts("MMF 2 g still")["mycophenolate"].status == "current"


def test_an_episode_resolved_on_a_treatment_is_over_and_the_treatment_not_said_current():
    facts = [f for f in extract("GVHD: grade II skin acute GVHD 11/2025, resolved on steroids; no chronic GVHD.",
                                today=TODAY)]
    steroids = next(f for f in facts if f.concept == "glucocorticoid")
    assert steroids.status != "current"
    assert any(f.concept == "gvhd" and f.historical for f in facts)
    assert _facts("the pneumonia cleared with antibiotics")["active_infection"].historical


def test_a_phase_s_year_before_its_regimen_keeps_the_regimen_over():
    assert _facts("T-ALL. induction 2024 with nelarabine; MRD still positive at week 12")["nelarabine"].historical
    assert _facts("induction 01/2025 with dexamethasone")["dexamethasone"].historical


def test_a_case_ending_with_a_question_for_trials_gets_the_trials(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    engine.start("doc")
    engine.command("doc", "role", "clinician")
    reply = said(engine.message("doc", "34M, relapsed T-ALL after allo-HSCT (2025), CD7+ 92%, blasts 45%. Received "
                                       "nelarabine and FLAG-Ida, refractory. ECOG 1. Any CD7 CAR-T?"))
    assert "Noted:" in reply and "ranked" in reply and "city" not in reply


def test_only_a_short_closing_question_naming_trials_asks_for_them(faq):
    assert faq.asks_for_trials_at_end("Lupus since 2015, failed MMF. Is there a CAR-T trial for her?")
    assert not faq.asks_for_trials_at_end("Any CD7 CAR-T? He is 34 with T-ALL.")
    assert not faq.asks_for_trials_at_end("Lupus since 2015, failed MMF. Does it hurt?")


def test_how_the_treatments_just_told_went_is_read_in_the_next_message(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "mum", "my mum has ITP, shes 70", "tried steroids, ivig, rituximab", "none of them worked")
    assert "did not help" not in replies[1]
    assert "didn't find anything new" not in replies[2]
    assert "rituximab (did not help)" in replies[2] and "corrected" not in replies[2]
    drugs = {f.concept: f for f in tracker_of(engine, "mum").profile.facts if f.label == "DRUG"}
    assert {drugs[c].status for c in ("glucocorticoid", "ivig", "rituximab")} == {"failed"}


def test_neither_helped_while_a_question_is_pending_is_how_they_went_not_an_answer(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "son", "my son has crohns, hes 24", "he had humira and stelara", "neither helped")
    assert "adalimumab (did not help), ustekinumab (did not help)" in replies[2]
    assert "not taking" not in replies[2]
    tracker = tracker_of(engine, "son")
    assert tracker.pending is not None      # the question asked before stays open


def test_an_outcome_alone_with_nothing_told_before_is_not_understood(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "x", "my mum has ITP, shes 70", "nothing lasts")
    assert "did not help" not in replies[1]


def test_a_family_s_words_for_the_platelet_drugs_are_the_tpo_agonists():
    facts = _facts("tried everything honestly, steroids, ivig, the tablets and injections for platelets, rituximab")
    assert "tpo_agonist" in facts and "rituximab" in facts
    assert _facts("she is on the platelet booster tablets")["tpo_agonist"].status == "current"


def test_still_going_to_school_or_work_is_at_most_ecog_2():
    ecog = next(f for f in extract("he's tired a lot but still goes to school some days and plays a bit", today=TODAY)
                if f.concept == "ecog")
    assert ecog.value == 2 and ecog.comparator == "<="
    assert any(f.concept == "ecog" for f in extract("she goes to work most days", today=TODAY))
    assert not any(f.concept == "ecog" for f in extract("we go to school to pick him up", today=TODAY))


def test_goes_to_school_answers_the_performance_question(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "boy", "my boy is 9, T-ALL, relapsed after transplant. CD7 positive on the last marrow.",
                   "he's tired a lot but still goes to school some days and plays a bit")
    assert "didn't catch" not in replies[1] and "ECOG performance status ≤2" in replies[1]


def test_a_bracket_telling_the_stop_then_why_gives_the_why():
    assert _facts("mycophenolate for 18 months (stopped in march - her liver), then rituximab"
                  )["mycophenolate"].status == "intolerant"
    assert _facts("MTX (stopped 2019: nausea)")["methotrexate"].status == "intolerant"


def test_a_marker_s_result_is_worded_in_the_reply_s_language_and_no_remission_is_a_failure(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "zh", "我儿子15岁，T淋巴母细胞淋巴瘤，化疗两个疗程没有缓解，CD7阳性。我们在上海。")[0]
    assert "CD7表达 阳性" in reply and "positive" not in reply
    assert "化疗（无效）" in reply
    engine = bundled_engine(tmp_path / "e.db", today=TODAY)
    assert "CD7 expression positive" in talk(engine, "en", "CD7 positive T-ALL, 30M")[0]


def test_a_parent_s_own_age_before_the_child_s_illness_leaves_the_message_the_child_s():
    facts = extract("I'm 45, my son has T-ALL, he is 17, relapsed after chemo", today=TODAY)
    ages = {f.value: f for f in facts if f.label == "AGE"}
    assert ages[17].family is False and ages[45].family
    assert next(f for f in facts if f.concept == "t_all").family is False
    # the writer's own illness told with the age keeps the message theirs
    from nlp.pipeline import speaker_of
    assert speaker_of("im 34 with crohns, my son has it too").speaker == "patient"
    assert speaker_of("I am 45 and have lupus, my son has T-ALL").speaker == "patient"
