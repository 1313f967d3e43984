"""Round 36 (h171, issue #13): clinicians' letters, real physician notes and clinicians' chat
lines read right: a query answered in its sentence, a clause-opening "?", a blood pressure
written after the hypertension it shows, a consolidation "in CR1" not done, a result between a
test and a prophylaxis, an earlier value in a one-paragraph letter, bare glucose units, a second
switch, a presenting complaint, a treatment without response, a denied treatment "for" a
disease, "Master" with an age, a plan not carried out."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from assertion_helpers import facts_at, of, one_at
from benchmarks.assertion import predicted_assertion

TODAY = date(2026, 12, 7)
GOLD = Path(__file__).parent / "data" / "gold"


# 1. a query answered in its own sentence is a denial; a result that does not exclude keeps the doubt
def test_a_query_answered_clear_is_a_denial():
    for text, concept in (("Nelarabine x2: no response. Query CNS disease: MRI brain and CSF clear.", "cns_involvement"),
                          ("SSc-ILD, FVC 64%. query PAH: echo normal", "pulmonary_hypertension"),
                          ("Query CNS involvement (headaches) - LP clear.", "cns_involvement"),
                          ("Query malignancy: CT CAP clear 2025.", "malignancy")):
        found = [f for f in facts_at(text, concept, TODAY) + facts_at(text, "cns_disorder", TODAY)]
        assert found and all(f.negated and not f.uncertain for f in found), (text, found)


def test_a_query_with_a_finding_stays_in_doubt():
    fact = one_at("Query ILD: CT shows fibrosis.", "interstitial_lung_disease", TODAY)
    assert fact.uncertain and not fact.negated
    fact = one_at("Possible lupus: ANA negative.", "sle", TODAY)
    assert fact.uncertain and not fact.negated    # a hedge, not a question answered


# 2. a question mark opening a clause, with a space after it, asks about what follows
def test_a_clause_opening_question_mark_hedges_what_follows():
    fact = one_at("Flare 10/2026 with rash. ? lupus nephritis - for biopsy.", "lupus_nephritis", TODAY)
    assert fact.uncertain and not fact.negated
    fact = one_at("Fever. ? infection.", "active_infection", TODAY)
    assert fact.uncertain


# 3. a blood pressure straight after the hypertension it shows: both values, the pair's span
def test_blood_pressure_in_the_hypertension_bracket():
    text = "Hypertension (168/98 mmHg) on ramipril."
    sbp, dbp = one_at(text, "sbp", TODAY), one_at(text, "dbp", TODAY)
    assert (sbp.value, dbp.value) == (168, 98) and text[sbp.start:sbp.end] == "168/98"
    assert one_at("ITP pt, HTN 170/100", "dbp", TODAY).value == 100
    assert one_at("SLE pt, hypertension (150/95) on amlodipine", "sbp", TODAY).value == 150
    assert not facts_at("Pulmonary hypertension 60/25 on RHC.", "sbp", TODAY)
    bp = one_at("hypertension (BP 150/90)", "sbp", TODAY)      # the BP's own word keeps it
    assert bp.value == 150 and bp.text == "BP"


# 4. a consolidation named with the remission it was for, then not done
def test_a_transplant_in_cr1_not_done_is_not_had():
    text = "PTCL-NOS 63M, auto-SCT in CR1 was not done, relapsed 10/2026. CD7 pos."
    assert one_at(text, "auto_hsct", TODAY).negated
    relapse = one_at(text, "relapsed_disease", TODAY)
    assert not relapse.negated          # the "not" of the transplant ends at the comma
    assert one_at("Allo-SCT in CR1 was planned but not done - donor search failed.", "allo_hsct", TODAY).negated
    assert not one_at("Rituximab not given, relapsed 10/2026.", "relapsed_disease", TODAY).negated
    assert one_at("No relapse, progression or death.", "relapsed_disease", TODAY).negated


def test_a_plan_not_carried_out_is_not_had():
    assert one_at("Canakinumab was planned but not funded.", "canakinumab", TODAY).negated
    text = "Autologous stem cell transplant discussed - not eligible because of cardiac involvement (LVEF 45%)."
    assert one_at(text, "auto_hsct", TODAY).negated


# 5. a negative result between a test and a prophylaxis: tested, not prevented
def test_a_result_ends_the_reach_of_prophylaxis():
    text = "Hepatitis B core antibody positive, HBV DNA undetectable - on entecavir prophylaxis."
    dna = one_at(text, "hbv_dna", TODAY)
    assert dna.negated and not dna.hypothetical
    hbsag = one_at("HBsAg negative, on lamivudine prophylaxis.", "hbsag", TODAY)
    assert hbsag.negated and not hbsag.hypothetical
    drug = one_at("PJP prophylaxis with co-trimoxazole", "co_trimoxazole", TODAY)
    assert not (drug.negated or drug.hypothetical)


# 6. in a one-paragraph letter a later "now" value makes the dated one of then
def test_an_earlier_value_in_a_one_paragraph_letter_is_past():
    text = ("Re: Mr T.U., 22, AOSD (2023). Macrophage activation syndrome 10/2026: ferritin 41,000, platelets 88. "
            "Treated with emapalumab as rescue therapy; ferritin now 1,100. Canakinumab since 2024.")
    first, now = sorted(facts_at(text, "ferritin", TODAY), key=lambda f: f.start)
    assert (first.value, first.historical) == (41000, True)
    assert (now.value, now.historical) == (1100, False)
    text = ("A 46-year-old woman with refractory ITP since 2016 is seen in clinic for platelets of 9 and new gum "
            "bleeding. Currently on romiplostim with platelets persistently under 20.")
    first = min(facts_at(text, "platelets", TODAY), key=lambda f: f.start)
    assert first.value == 9 and not first.historical     # a bound said of a while is no later reading


# 7. a glucose written without a unit in the unit that makes it typical
def test_bare_glucose_units():
    assert round(one_at("Glc level of 15.", "glucose", TODAY).value_normalized) == 270     # mmol/L
    assert one_at("glucose 126", "glucose", TODAY).value_normalized == 126                  # mg/dL


# 8. a treatment switched to is over when a later sentence switches again (trec-20218)
def test_a_second_switch_ends_the_first():
    text = ("He then received four cycles of PCR, but did not have much in the way of response and his treatment "
            "regimen was switched to R-CVP of which he received two cycles. He did again not have a significant "
            "response, and he was ultimately switched to Campath therapy.")
    rcvp = one_at(text, "r_cvp", TODAY)
    assert rcvp.historical and not rcvp.negated
    assert not one_at(text, "alemtuzumab", TODAY).historical


# 9. no response to a treatment: it failed, no denial of what follows
def test_no_response_is_a_failure_not_a_denial():
    fact = one_at("Rituximab x4, did not have a meaningful response.", "rituximab", TODAY)
    assert fact.status == "failed" and not fact.negated


# 10. the complaint a patient presents with is no intolerance of the treatment before it (trec-20216)
def test_a_presenting_complaint_is_no_intolerance():
    text = ("Patient is a 55yo woman with h/o ESRD on HD and peritoneal dialysis who presented with watery, "
            "non bloody diarrhea and weakness.")
    # "HD" and "peritoneal dialysis" are two mentions of dialysis ("on HD" read since h192, round 40)
    dialyses = facts_at(text, "dialysis", TODAY)
    assert len(dialyses) == 2
    assert all(d.status != "intolerant" and not d.historical for d in dialyses)
    assert one_at("Azathioprine stopped for pancreatitis.", "azathioprine", TODAY).status == "intolerant"


# 11. a treatment never given "for" a disease names the disease as had (trec-202129)
def test_a_denied_agent_for_a_disease_keeps_the_disease():
    text = ("He reports that he has been on insulin since the time of his diagnosis, and he has never been "
            "prescribed oral agents for diabetes management.")
    assert not one_at(text, "diabetes_mellitus", TODAY).negated


# 12. a boy's title before his age
def test_master_with_an_age():
    assert of("Re: Master L.P., 11, persistent ITP since 03/2026.", "age", TODAY).value == 11


# 13. the round's gold rows: forty letters, twenty clinicians' messages, offsets right
def test_round_36_gold_rows():
    letters = [json.loads(line) for line in (GOLD / "notes" / "letters_dev.jsonl").read_text().splitlines() if line.strip()]
    mine = [r for r in letters if 761 <= int(r["id"].split("-")[1]) <= 800]
    assert len(mine) == 40
    for row in mine:
        for entity in row["entities"]:
            assert row["text"][entity["start"]:entity["end"]] == entity["text"]
    chats = [json.loads(line) for line in (GOLD / "conversation" / "dev.jsonl").read_text().splitlines() if line.strip()]
    chats = [r for r in chats if r["id"][5:].isdigit() and 7344 <= int(r["id"][5:]) <= 7363]
    assert len(chats) == 20 and all(r["voice"] == "clinician" for r in chats)


# 14. a month's short name and a two-digit year joined by a hyphen is a date ("since Mar-25")
def test_month_name_and_short_year():
    text = "AML 69F, not fit for intensive chemo, ven-aza since Mar-25, CR at wk 12"
    ven = one_at(text, "venetoclax", TODAY)
    assert not ven.historical
    assert one_at("Venetoclax since Mar-25.", "venetoclax", TODAY).date == "2025-03"


# 15. a treatment not funded, available or approved was not given
def test_a_treatment_not_funded_or_available_is_not_had():
    assert one_at("Switched to voclosporin 09/2026. Belimumab: not funded. HCQ 200 mg daily.", "belimumab", TODAY).negated
    assert one_at("Azacitidine 06/2026-10/2026; belinostat: not available. Bendamustine since 11/2026.",
                  "belinostat", TODAY).negated
    fact = one_at("Belimumab approved, first infusion next week.", "belimumab", TODAY)
    assert fact.hypothetical and not fact.negated


# 16. a test named in a bracket after a screen shares the screen's result
def test_the_test_in_a_screens_bracket_shares_its_result():
    for text in ("TB screen (QuantiFERON) negative 2024.", "TB screen (QuantiFERON) neg, HBV neg, VZV IgG pos.",
                 "TB test (Quantiferon): negative, 03/2025."):
        found = facts_at(text, "tuberculosis", TODAY)
        assert len(found) == 2 and all(predicted_assertion(f)[0] == "absent" for f in found), (text, found)
    pending = facts_at("TB screen (QuantiFERON) pending.", "tuberculosis", TODAY)
    assert pending and not any(f.negated for f in pending)
