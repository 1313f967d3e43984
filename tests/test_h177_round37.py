"""Round 37 (h177, issue #13): clinicians' letters, real physician notes and clinicians' chat
lines read right: a treatment offered and passed over for another, refused by a subject inside
its sentence, planned then refused, not carried out; a child named by a clinician ("boy, 9"); a
prophylaxis that reaches only the words next to it; "AZA" in a T-cell lymphoma letter; "RT",
"DXT" and "ATRA"; "MRD-"; a dated viral illness; an infection treated after the drug it came
on; a course started after its cycles' length; a newer value after a month and year; secondary
prophylaxis; a leukaemia-free state; a child's weight."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from assertion_helpers import facts_at, one_at
from benchmarks.assertion import predicted_assertion

TODAY = date(2026, 12, 7)
GOLD = Path(__file__).parent / "data" / "gold"


# 1. a treatment offered and passed over, refused inside a sentence, planned then refused, not carried out
def test_a_treatment_offered_but_another_preferred_is_not_had():
    text = "Fostamatinib was offered but he preferred to stay on romiplostim."
    assert one_at(text, "fostamatinib", TODAY).negated
    kept = one_at(text, "romiplostim", TODAY)
    assert predicted_assertion(kept) == ("present", "patient", "current")
    text = "Venetoclax was offered in addition, but she preferred AZA alone for fewer hospital visits."
    assert one_at(text, "venetoclax", TODAY).negated
    assert not one_at(text, "azacitidine", TODAY).negated


def test_offered_then_chose_something_else_denies_what_was_offered():
    text = "AML 70M, offered ven-aza, chose best supportive care. Hb 76"
    assert one_at(text, "venetoclax", TODAY).negated and one_at(text, "azacitidine", TODAY).negated
    # an offer with nothing passed over stays a treatment talked about
    assert one_at("CAR-T was offered, she is thinking about it.", "car_t", TODAY).hypothetical


def test_a_refusal_inside_a_sentence_and_a_plan_refused():
    text = "After discussion he declined intensive induction and also declined venetoclax; decitabine 5-day cycles started 11/2026."
    assert one_at(text, "venetoclax", TODAY).negated
    decitabine = one_at(text, "decitabine", TODAY)
    assert predicted_assertion(decitabine) == ("present", "patient", "current") and decitabine.status == "current"
    assert one_at("Euro-Lupus cyclophosphamide was planned but he declined it (fertility).", "cyclophosphamide", TODAY).negated
    allo = one_at("Allo-SCT was not carried out in CR1 (no suitable donor).", "allo_hsct", TODAY)
    assert allo.negated
    # a count that declines is no refusal
    assert not one_at("On eltrombopag; platelets declined and also declined further.", "eltrombopag", TODAY).negated


# 2. a clinician's "boy, 9" after a heading is the patient's age, a relative's stays family
def test_a_child_named_after_a_heading_is_the_patient():
    for text in ("Paediatric haematology: boy, 9, persistent ITP since 11/2025.",
                 "Paediatric: girl, 14, CD7+ AML diagnosed 03/2026.",
                 "Referral: boy aged 9 with ITP."):
        age = one_at(text, "age", TODAY)
        assert not age.family and age.value in (9, 14), text
    assert one_at("I have RA. my son is 12", "age", TODAY).family
    assert one_at("Her son, aged 12, has asthma", "age", TODAY).family


# 3. a prophylaxis reaches only the words next to it
def test_prophylaxis_leaves_a_value_and_an_infection_before_it():
    text = "Transfusion dependent, Hb 82. Neutrophils 0.3, with PJP and antifungal prophylaxis (posaconazole)."
    anc = one_at(text, "anc", TODAY)
    assert not anc.hypothetical and anc.value == 0.3
    cmv = one_at("CMV viraemia 11/2026: letermovir prophylaxis switched to valganciclovir.", "cmv", TODAY)
    assert not cmv.hypothetical
    # the infection prevented stays hypothetical, said before or after the word
    assert one_at("PJP pneumonia prophylaxis with co-trimoxazole.", "active_infection", TODAY).hypothetical
    assert one_at("Prophylaxis against pneumocystis pneumonia with cotrimoxazole.", "active_infection", TODAY).hypothetical


def test_secondary_prophylaxis_says_the_infection_was_had():
    text = "Invasive pulmonary aspergillosis 06/2026 - now on posaconazole as secondary prophylaxis."
    infection = one_at(text, "active_infection", TODAY)
    assert predicted_assertion(infection) == ("present", "patient", "past")


# 4. "AZA" by the letter's disease; "RT", "DXT", "ATRA", gemtuzumab, pip-taz, "MRD-"
def test_aza_in_a_t_cell_lymphoma_letter_is_azacitidine():
    text = "Mrs R.B., 68, angioimmunoblastic T-cell lymphoma. CHOP x6 with CR, relapse 07/2026. Oral AZA + romidepsin since 08/2026."
    assert facts_at(text, "azacitidine", TODAY) and not facts_at(text, "azathioprine", TODAY)
    assert facts_at("AITL 71M, CHOP then AZA-romidepsin failed.", "azacitidine", TODAY)
    assert facts_at("Crohn's disease. AZA 2016-2018, stopped for pancreatitis.", "azathioprine", TODAY)


def test_radiotherapy_abbreviations_in_a_cancer_letter():
    assert one_at("Breast cancer 2014 (lumpectomy, RT and tamoxifen for 5 years).", "radiotherapy", TODAY).historical
    assert one_at("AML (2026) after breast cancer 2019 (FEC-T, RT).", "radiotherapy", TODAY).historical
    assert facts_at("T-ALL. Mediastinal RT 2025. POMP maintenance until 09/2026.", "radiotherapy", TODAY)
    planned = one_at("T-ALL relapse post allo, nelarabine C2. DXT to testes planned.", "radiotherapy", TODAY)
    assert planned.hypothetical or predicted_assertion(planned)[0] == "present"
    # a test's reverse transcription, small letters and a text with no cancer stay unread
    assert not facts_at("AML. SARS-CoV-2 RT-PCR negative. BCR-ABL RT PCR negative.", "radiotherapy", TODAY)
    assert not facts_at("Lupus. rt knee pain. RT normal.", "radiotherapy", TODAY)


def test_regimen_and_drug_short_names():
    text = "APL 2023 treated with ATRA. AML 2026: DA + gemtuzumab, then GRAALL-type block; febrile, pip-taz."
    for concept in ("tretinoin", "gemtuzumab_ozogamicin", "piperacillin_tazobactam"):
        assert facts_at(text, concept, TODAY), concept
    assert any(f.text == "GRAALL" for f in facts_at("GRAALL induction with CR; POMP maintenance.", "chemotherapy", TODAY))


def test_mrd_minus_is_mrd_negative_and_an_earlier_plus_is_past():
    text = "T-ALL. MRD+ after induction (wk 5), MRD- after FLAG-Ida in 06/2026."
    assert one_at(text, "mrd_negative", TODAY)
    assert one_at(text, "mrd_positive", TODAY).historical


# 5. times: a dated viral illness, an infection treated after the drug it came on, a course started
def test_a_dated_viral_illness_is_over():
    assert one_at("COVID-19 in 2022. Karnofsky 50.", "covid", TODAY).historical
    assert one_at("Influenza 01/2025.", "influenza", TODAY).historical
    assert not one_at("covid now, on paxlovid", "covid", TODAY).historical


def test_an_infection_treated_after_the_drug_it_came_on():
    cmv = one_at("CMV reactivation on alemtuzumab, treated with valganciclovir. ECOG 1.", "cmv", TODAY)
    assert cmv.historical


def test_a_course_started_after_its_cycles_length():
    fact = one_at("Hb 80; decitabine 5-day cycles started 11/2026.", "decitabine", TODAY)
    assert fact.status == "current" and predicted_assertion(fact)[2] == "current"
    # a start reaches no further than its clause
    text = "He declined venetoclax; decitabine 5-day cycles started 11/2026."
    assert one_at(text, "venetoclax", TODAY).status != "current"


# 6. values: the newer one after a month and year, a child's weight
def test_a_newer_value_after_a_month_and_year():
    assert one_at("CK 6,200 at presentation 06/2024, 1,100 now.", "ck", TODAY).value == 1100
    assert one_at("platelets 8 in 01/2026, now 45", "platelets", TODAY).value == 45


def test_a_childs_weight_is_plausible():
    weight = one_at("A 3-day-old female infant. Her weight is 3.2 kg.", "weight", TODAY)
    assert not weight.implausible and weight.value == 3.2
    assert one_at("A 40 year old man, weight 3.2 kg.", "weight", TODAY).implausible


def test_a_leukaemia_free_state_is_no_leukaemia_now():
    for fact in facts_at("AML. FLAG-Ida C1: morphological leukaemia-free state.", "leukemia", TODAY):
        assert predicted_assertion(fact) != ("present", "patient", "current")


# 7. the round's gold rows
def test_the_rounds_gold_rows_are_well_formed():
    letters = [json.loads(line) for line in (GOLD / "notes" / "letters_dev.jsonl").read_text().splitlines() if line.strip()]
    mine = [r for r in letters if 801 <= int(r["id"].split("-")[1]) <= 840]
    assert len(mine) == 40
    for row in mine:
        for entity in row["entities"]:
            assert row["text"][entity["start"]:entity["end"]] == entity["text"]
    chats = [json.loads(line) for line in (GOLD / "conversation" / "dev.jsonl").read_text().splitlines() if line.strip()]
    chats = [r for r in chats if r["id"][5:].isdigit() and 7456 <= int(r["id"][5:]) <= 7475]
    assert len(chats) == 20 and all(r["voice"] == "clinician" for r in chats)
