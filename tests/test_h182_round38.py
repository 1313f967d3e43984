"""Round 38 (h182, issue #13): clinicians' letters read right: a treatment that "was not an
option" was not had; a treatment that caused a harm and was stopped was not tolerated, the harm
of then; a performance score's range counts at its worse bound; a treatment added at a date goes
on; a remission said to be now ends the relapse before it and the course it came after; a
radiotherapy given to a site is dated by "was given in"; "no response after 4 cycles" is the
course's before it; a marker's sign at a line's end; a leukaemia's extramedullary site is no
disease of its own; what a past status's bracket names is of then."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from assertion_helpers import facts_at, one_at
from benchmarks.assertion import predicted_assertion
from core.facts import Profile
from core.truth import TRUE
from data.terminology import load_terminology
from matching.evaluate import Evaluator
from nlp.pipeline import extract

TODAY = date(2026, 12, 7)
GOLD = Path(__file__).parent / "data" / "gold"
NOW = ("present", "patient", "current")
PAST = ("present", "patient", "past")


def reading(text: str, concept: str):
    return predicted_assertion(one_at(text, concept, TODAY))


# 1. "X was not an option" (or "not indicated", "not possible"): never had
def test_a_treatment_that_was_not_an_option_was_not_had():
    for text, concept in (("Allo-SCT was not an option because of his comorbidities (COPD, CKD).", "allo_hsct"),
                          ("Emapalumab was not an option (not funded).", "emapalumab"),
                          ("AML 71M, intensive chemo was not an option, aza-ven C3.", "chemotherapy"),
                          ("ITP, romiplostim now. splenectomy not an option", "splenectomy"),
                          ("T-ALL in CR1, MRD negative. HSCT not indicated.", "hsct")):
        assert reading(text, concept)[0] == "absent", text
    # the reason in its bracket stays the patient's own
    text = "Allo-SCT was not an option because of his comorbidities (COPD, CKD)."
    assert reading(text, "copd") == NOW
    # a restart that is not an option says nothing against the earlier course ("romiplostim 2021-2025")
    text = "Romiplostim 2021-2025. TPO-RA restart was not an option in pregnancy."
    assert reading(text, "tpo_agonist")[0] == "absent"
    assert reading(text, "romiplostim") == PAST


# 2. a treatment that caused a harm and was stopped
def test_a_treatment_that_caused_a_harm_and_was_stopped_was_not_tolerated():
    for text, drug, harm in (("Methotrexate 2009-2013 caused pneumonitis and was stopped.", "methotrexate", "pneumonitis"),
                             ("Pembrolizumab (within a study) caused pneumonitis and was stopped after 2 doses.", "pembrolizumab", "pneumonitis"),
                             ("eltrombopag 2020-2022 - caused a portal vein thrombosis and was stopped.", "eltrombopag", "portal_vein_thrombosis"),
                             ("upadacitinib 2023 caused herpes zoster and was stopped", "upadacitinib", "herpes_zoster"),
                             ("RA 62F: MTX caused pneumonitis and was stopped 2019, on bari now.", "methotrexate", "pneumonitis")):
        treatment = one_at(text, drug, TODAY)
        assert treatment.status == "intolerant" and predicted_assertion(treatment) == PAST, text
        assert reading(text, harm) == PAST, text
    # the treatments after the stop are not stopped by it
    text = "dermatomyositis 55M, CYC caused haemorrhagic cystitis and was stopped, IVIG + tacro. CK 860."
    assert reading(text, "ivig") == NOW and reading(text, "tacrolimus") == NOW
    text = "UC 38M, tofa caused a PE and was stopped, vedo now + ozanimod added 09/2026."
    assert reading(text, "vedolizumab") == NOW and reading(text, "tofacitinib") == PAST


def test_a_flare_caused_by_stopping_a_drug_is_no_intolerance_of_it():
    assert one_at("Lupus flare caused by stopping HCQ.", "hydroxychloroquine", TODAY).status != "intolerant"


# 3. a performance score's range
def test_a_performance_range_counts_at_its_worse_bound():
    assert one_at("T-ALL in CR2. ECOG 0-1.", "ecog", TODAY).value == 1
    assert one_at("PTCL. ECOG 1-2.", "ecog", TODAY).value == 2
    assert one_at("AML. WHO PS 1-2, Karnofsky 60 to 70.", "ecog", TODAY).value == 2
    assert one_at("AML. WHO PS 1-2, Karnofsky 60 to 70.", "karnofsky", TODAY).value == 60
    assert one_at("AITL. KPS 70-80.", "karnofsky", TODAY).value == 70
    assert one_at("T-LBL. ECOG 1.", "ecog", TODAY).value == 1


def test_ecog_zero_to_one_meets_an_ecog_of_at_most_one():
    ev = Evaluator(Profile(extract("T-ALL in CR2, ECOG 0-1.", today=TODAY)), load_terminology(), today=TODAY)
    assert ev.rule({"type": "score", "score": "ecog", "op": "<=", "value": 1}).value == TRUE
    assert ev.rule({"type": "score", "score": "ecog", "op": "<=", "value": 2}).value == TRUE


# 4. a treatment added at a date
def test_a_treatment_added_at_a_date_goes_on():
    for text, concept in (("4. ustekinumab since 2024, then upadacitinib added 06/2026", "upadacitinib"),
                          ("- IVIG 2 g/kg monthly, added 05/2026", "ivig"),
                          ("MMF 3 g/day from 04/2024, then voclosporin 23.7 mg bd added 06/2025", "voclosporin"),
                          ("SLE. Belimumab added in 2025.", "belimumab")):
        fact = one_at(text, concept, TODAY)
        assert fact.status == "current" and predicted_assertion(fact) == NOW, text


def test_an_added_treatment_stopped_after_is_over():
    assert reading("voclosporin added 11/2024, stopped 04/2025 (eGFR fell).", "voclosporin") == PAST
    assert reading("5. Fostamatinib added 06/2025, on hold since 10/2025 for hypertension.", "fostamatinib") == PAST
    text = "Belimumab was added in 2022 but the disease was still active. At the moment she takes prednisolone."
    assert reading(text, "belimumab") == PAST


# 5. a remission said to be now
def test_a_remission_now_ends_the_relapse_before_it():
    for text in ("T-ALL 34M, relapsed 2024 post allo, now CR2 after FLAG-Ida. MRD 0.2%.",
                 "CD7+ AML 15F, relapsed after HSCT in 2025, now CR2 after FLAG-Ida. MRD negative.",
                 "T-ALL. Second relapse 03/2026; now in CR3 after FLAG-Ida (2 cycles, completed 08/2026).",
                 "T-ALL 7 yo girl, relapsed 2025, now in CR2 after nelarabine + cyclophosphamide."):
        assert all(predicted_assertion(f) == PAST for f in facts_at(text, "relapsed_disease", TODAY)), text
        remission = one_at(text, "in_remission", TODAY)
        assert predicted_assertion(remission) == NOW, text
    text = "T-ALL 7 yo girl, relapsed 2025, now in CR2 after nelarabine + cyclophosphamide."
    assert reading(text, "nelarabine") == PAST and reading(text, "cyclophosphamide") == PAST


def test_a_relapse_after_the_remission_stays_now():
    text = "AML in CR2 after FLAG-Ida 2024. Relapse 10/2026, now on azacitidine."
    assert reading(text, "relapsed_disease") == NOW
    text = "T-ALL relapsed 2023, in CR2 after FLAG-Ida; relapsed again 09/2026, now refractory."
    relapses = sorted(facts_at(text, "relapsed_disease", TODAY), key=lambda f: f.start)
    assert [predicted_assertion(f) for f in relapses] == [PAST, NOW]


def test_what_a_past_status_bracket_names_is_of_then():
    text = "T-ALL. Relapse 02/2026 (marrow, 40% blasts): nelarabine. Now in CR2."
    assert reading(text, "blasts") == PAST
    text = "T-ALL. Induction hyper-CVAD: refractory (marrow blasts 35% after 2 cycles). Venetoclax + nelarabine since 04/2026."
    assert reading(text, "blasts") == PAST
    # a relapse now keeps its bracket's values
    assert reading("AML. Relapse 10/2026 (marrow 30% blasts), on azacitidine.", "blasts") == NOW


def test_an_extramedullary_site_in_a_relapse_bracket_keeps_the_relapse():
    text = "T-ALL. Relapsed 2025 (extramedullary, skin). Now in CR2."
    assert reading(text, "relapsed_disease") == PAST
    assert reading(text, "extramedullary_disease") == PAST
    assert reading("ETP-ALL. Relapse 10/2026 (extramedullary, skin).", "relapsed_disease") == NOW


# 6. a radiotherapy given to a site
def test_a_treatment_given_to_a_site_is_dated_by_its_giving():
    for text in ("History: CHOP x6 2024 - CR; radiotherapy to a bulky left neck node was given in 2025 after relapse 03/2025.",
                 "PTCL-NOS 57F, CHOP then CR 2024, RT to neck given 2024, relapse 08/2026.",
                 "AITL. Radiotherapy to the spleen was given in 2025 for pain."):
        assert reading(text, "radiotherapy") == PAST, text


# 7. a failure "after N cycles"
def test_a_failure_after_a_count_of_cycles_is_the_course_before_it():
    for text, drugs in (("Venetoclax 2024: refractory after 4 cycles. Then FLAG.", ("venetoclax",)),
                        ("Venetoclax 2024: no response after 4 cycles\nHb 90", ("venetoclax",)),
                        ("- Azacitidine + venetoclax 2024: refractory after 4 cycles\n- CPX-351", ("azacitidine", "venetoclax"))):
        for drug in drugs:
            fact = one_at(text, drug, TODAY)
            assert fact.status == "failed" and predicted_assertion(fact) == PAST, text
    # the forward reading stays where a treatment follows its count
    assert one_at("Relapsed after 2 cycles of azacitidine.", "azacitidine", TODAY).status == "failed"
    assert one_at("T-ALL, refractory after 2 cycles of FLAG-Ida.", "flag_ida", TODAY).status == "failed"


# 8. a marker's sign at a line's end
def test_a_markers_sign_at_a_lines_end_is_its_result():
    assert one_at("ETP-ALL, CD7+, CD1a-, CD8-\nInduction (GRAALL-2014).", "cd8", TODAY).negated
    assert one_at("HBsAg-\nanti-HBc+\nHIV neg", "hbsag", TODAY).negated
    assert not one_at("HBsAg-\nanti-HBc+\nHIV neg", "anti_hbc", TODAY).negated
    assert not one_at("T-ALL, CD7+\nHb 90", "cd7", TODAY).negated


# 9. the round's gold rows
def test_the_rounds_gold_rows_are_well_formed():
    letters = [json.loads(line) for line in (GOLD / "notes" / "letters_dev.jsonl").read_text().splitlines() if line.strip()]
    mine = [r for r in letters if 841 <= int(r["id"].split("-")[1]) <= 880]
    assert len(mine) == 40
    for row in mine:
        for entity in row["entities"]:
            assert row["text"][entity["start"]:entity["end"]] == entity["text"]
    chats = [json.loads(line) for line in (GOLD / "conversation" / "dev.jsonl").read_text().splitlines() if line.strip()]
    chats = [r for r in chats if r["id"][5:].isdigit() and 7561 <= int(r["id"][5:]) <= 7580]
    assert len(chats) == 20 and all(r["voice"] == "clinician" for r in chats)


# 10. a combination started together; clinicians' short names
def test_the_drugs_of_a_combination_share_its_start():
    for text, concepts in (("AML. Azacitidine + venetoclax since 08/2026, cycle 4 now.", ("azacitidine", "venetoclax")),
                           ("HSTCL. Gemcitabine + oxaliplatin since 10/2026.", ("gemcitabine", "oxaliplatin"))):
        for concept in concepts:
            fact = one_at(text, concept, TODAY)
            assert fact.status == "current" and predicted_assertion(fact) == NOW, (text, concept)
    # a list's comma is no combination: the "since" is the last drug's
    assert one_at("SSc. MMF, nintedanib since 2024.", "mycophenolate", TODAY).date is None


def test_clinicians_short_names_of_three_biologics():
    assert reading("PTCL 64M, pembro caused pneumonitis and was stopped.", "pembrolizumab") == PAST
    assert reading("AOSD, anakinra stopped, cana since 2024.", "canakinumab") == NOW
    assert reading("Crohn's 24M, risa since jan, upa added 08/2026.", "risankizumab") == NOW
