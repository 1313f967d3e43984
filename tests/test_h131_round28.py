"""Round 28 (h131, issue #13): general-medicine admission notes, the style of the TREC 2021
notes (emergency presentations, "denies", "no history of", PMH lists, allergies, what was
given in the department, labs on admission and at discharge) and clinicians' quick messages.
Each test names a class of phrasing, in wordings of its own (not the gold's), and reads it
through the real extraction path; the last ones through the triage profile line."""
from __future__ import annotations

from datetime import date

from benchmarks.assertion import predicted_assertion
from core.facts import Profile
from nlp.pipeline import extract

NOW = ("present", "patient", "current")
PAST = ("present", "patient", "past")
TODAY = date(2026, 12, 6)


def facts(text: str) -> list:
    return extract(text, today=TODAY)


def one(text: str, concept: str):
    found = [f for f in facts(text) if f.concept == concept and f.label != "ALLERGY"]
    assert len(found) == 1, (text, [(f.label, f.concept) for f in facts(text)])
    return found[0]


def read(text: str, concept: str) -> tuple[str, str, str]:
    return predicted_assertion(one(text, concept))


# --- a value on admission and the one at discharge ----------------------------------------

def test_the_value_at_discharge_is_the_newest():
    fact = one("Ferritin 3400 on admission, 910 at discharge.", "ferritin")
    assert fact.value == 910 and predicted_assertion(fact) == NOW
    fact = one("creatinine 3.1 on admission, improved to 1.4 at discharge", "creatinine")
    assert fact.value == 1.4 and predicted_assertion(fact) == NOW


def test_a_value_of_a_past_time_alone_stays_of_then():
    assert read("WBC 22 on admission.", "wbc") == PAST


# --- a work-up that rules a disease out reports its results -------------------------------

def test_results_after_the_colon_of_a_rule_out_are_found():
    text = "Work-up to r/o lupus: ANA positive 1:1280, C4 0.05, anti-Smith pending."
    assert read(text, "sle")[0] == "possible"
    assert read(text, "ana") == NOW
    assert read(text, "complement_c4") == NOW


def test_a_rule_out_list_after_its_colon_stays_in_doubt():
    text = "r/o: sarcoidosis, lymphoma"
    assert read(text, "sarcoidosis")[0] == "possible" and read(text, "lymphoma")[0] == "possible"


# --- what was given in the department, as a list with doses between ------------------------

def test_a_list_of_what_was_given_with_doses_between_is_all_past():
    text = "In the ED he received nebulised salbutamol x2, ipratropium and oral prednisolone."
    assert read(text, "albuterol") == PAST
    assert read(text, "ipratropium") == PAST
    assert read(text, "prednisone") == PAST


def test_a_dose_said_to_be_given_is_past():
    assert read("Ondansetron given for nausea, then discharged.", "ondansetron") == PAST
    assert read("Given ceftriaxone 2 g in triage; blood cultures sent.", "ceftriaxone") == PAST
    assert read("Nelarabine given. MRD pending.", "nelarabine") == PAST


def test_a_treatment_given_on_a_schedule_goes_on():
    fact = one("IVIG given every 3 weeks", "ivig")
    assert predicted_assertion(fact) == NOW


def test_a_treatment_that_will_be_restarted_is_to_come():
    assert read("Tacrolimus will be restarted once the creatinine settles.", "tacrolimus")[0] == "hypothetical"


# --- allergies in a note written as one paragraph ----------------------------------------

def test_an_allergy_heading_inside_a_paragraph_marks_its_drugs_not_tolerated():
    text = "No prior surgery. Allergies: trimethoprim (toxic epidermal necrolysis), latex. Vitals stable."
    fact = one(text, "trimethoprim")
    assert fact.status == "intolerant" and predicted_assertion(fact) == PAST


def test_the_heading_reaches_its_own_sentence_only():
    text = "Allergies: ACE inhibitors (angioedema). Started vancomycin for cellulitis."
    assert one(text, "vancomycin").status != "intolerant"


# --- past events told in the past tense ----------------------------------------------------

def test_what_a_past_pregnancy_was_complicated_by_is_of_then():
    text = "Her last pregnancy was complicated by HELLP and preeclampsia."
    assert read(text, "preeclampsia") == PAST


def test_a_state_that_lasted_until_a_date_is_over():
    assert read("R-CHOP 2019 with complete remission until 2022; relapsed 2023.", "in_remission") == PAST


def test_a_growth_cut_out_is_past_one_cut_in_part_is_not():
    assert read("She had a melanoma excised from her back in 2020.", "melanoma") == PAST
    assert read("meningioma partially resected in 2024", "meningioma") == NOW


def test_one_relapse_growing_in_a_sentence_stays_now():
    text = "Molecular relapse 02/2025 (MRD rising), overt relapse 04/2025 with 30% blasts."
    relapses = [f for f in facts(text) if f.concept == "relapsed_disease"]
    assert relapses and all(predicted_assertion(f) == NOW for f in relapses)


def test_a_newer_dated_relapse_in_the_same_sentence_ends_the_earlier():
    text = "CR1 after hyper-CVAD, relapsed 2023, blinatumomab 2023 -> CR2, relapsed again 2025."
    relapses = sorted((f for f in facts(text) if f.concept == "relapsed_disease"), key=lambda f: f.start)
    assert [predicted_assertion(f) for f in relapses] == [PAST, NOW]


# --- a cue's reach ends where a new clause or item begins ---------------------------------

def test_s_p_does_not_reach_an_illness_after_its_item():
    text = "68F, HTN, CAD s/p PCI, CKD 3, here with dyspnoea"
    assert read(text, "kidney_disease") == NOW
    assert read("s/p CVA, on clopidogrel", "stroke") == PAST


def test_a_failure_opening_its_own_item_is_not_the_procedure_before():
    fact = one("ITP: s/p splenectomy, failed fostamatinib", "splenectomy")
    assert fact.status != "failed" and predicted_assertion(fact) == PAST
    assert one("ITP: s/p splenectomy, failed fostamatinib", "fostamatinib").status == "failed"


def test_a_negation_does_not_reach_a_clause_with_a_verb_of_its_own():
    text = "She does not smoke and drinks wine most evenings."
    assert read(text, "smoking")[0] == "absent"
    assert read(text, "alcohol_use") == NOW


def test_a_denied_change_leaves_the_finding():
    assert read("Denies psoriasis worsening, no uveitis.", "psoriasis") == NOW
    # a flare denied after a transplant's infusion is no disease now
    assert read("DLI 06/2025, no GVHD flare.", "gvhd")[0] == "absent"


def test_not_a_candidate_ends_at_a_comma():
    text = "not a candidate for autologous transplant, lenalidomide since 2024"
    assert read(text, "lenalidomide") == NOW


def test_a_presenting_complaint_after_a_treatment_is_no_harm_of_it():
    fact = one("Known epilepsy, on levetiracetam, presented with vomiting and fever.", "levetiracetam")
    assert fact.status != "intolerant" and predicted_assertion(fact) == NOW


def test_a_control_by_a_treatment_goes_on():
    assert read("Hypertension well controlled with amlodipine.", "amlodipine") == NOW


# --- a treatment a note lists and later stops ---------------------------------------------

def test_a_listed_treatment_stopped_later_in_the_note_is_past():
    text = "Medications: amlodipine 5 mg, naproxen 500 mg bd. Creatinine 2.4. Naproxen was discontinued."
    mentions = [f for f in facts(text) if f.concept == "naproxen"]
    assert len(mentions) == 2 and all(predicted_assertion(f) == PAST for f in mentions)
    assert read(text, "amlodipine") == NOW


def test_a_stop_whose_sentence_restarts_it_keeps_the_list_mention():
    text = "Medications: azathioprine 100 mg. Azathioprine was briefly stopped for an infection and then restarted."
    first = min((f for f in facts(text) if f.concept == "azathioprine"), key=lambda f: f.start)
    assert predicted_assertion(first) == NOW


def test_a_treatment_restarted_after_its_stop_stays_taken():
    text = "On MMF. MMF stopped 2020 for leukopenia. Restarted MMF in 2024."
    assert predicted_assertion(sorted((f for f in facts(text) if f.concept == "mycophenolate"),
                                      key=lambda f: f.start)[-1]) == NOW


# --- age and sex in a clinician's quick message --------------------------------------------

def test_age_and_sex_mid_message_in_small_letters():
    found = {f.concept: f for f in facts("pt is 41 m, crohns since 2010, on vedo")}
    assert found["age"].value == 41 and "male" in found
    assert "pt" not in found        # "pt" is the patient, no prothrombin time
    found = {f.concept: f for f in facts("Dermatomyositis on IVIG. 63 f, also T2DM")}
    assert found["age"].value == 63 and "female" in found


def test_small_letter_m_after_a_number_elsewhere_is_no_sex():
    assert not [f for f in facts("infliximab for 18 m. then stopped") if f.label in ("AGE", "SEX")]


# --- through triage's profile line --------------------------------------------------------

def test_triage_profile_reads_a_general_medicine_note():
    from bot.commands.triage import _profile_line
    text = ("A 58-year-old woman with RA on methotrexate presents with fever. She has never smoked and "
            "drinks alcohol socially. Allergies: sulfa (hives). CRP 180 on admission, 12 at discharge.")
    line = _profile_line(Profile(extract(text, today=TODAY)))
    assert "methotrexate (current" in line
    assert "sulfonamide" in line.lower() or "sulfa" in line.lower()


def test_a_d_dimer_is_no_drug():
    assert not [f for f in facts("D-dimer 2.3, troponin normal.") if f.label == "DRUG"]
