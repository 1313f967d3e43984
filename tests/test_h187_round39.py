"""Round 39 (h187, issue #13): referral letters and clinicians' messages read right: drugs
joined by "+" are each read ("ven+nelarabine", "aza+ven"); a treatment started and stopped in
one clause is over ("Azathioprine was started in 2019 and was discontinued"); a cycle and day
("C3D1", "C1 10/2026") says the course is being given, its date or plan the cycle's; "C1-C4" is a
range of cycles, no complement level; a query mark glued to a word after a full stop asks about
what follows ("not fit for intensive chemo. ?trial"); small-letter regimens and tests read by the
disease of the text ("chop", "gdp", "ice" beside a lymphoma; "rf", "ccp" beside an autoimmune
disease, never an "rf ablation"); "pmh: ... . new X" ends the history; an arrow after a
bracketed aside reaches over it; CD33 is a marker of its own ("CD7 was negative, CD33 positive")."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assertion_helpers import facts_at, one_at
from benchmarks.assertion import predicted_assertion
from bundled_engine import bundled_engine, talk, tracker_of
from nlp.pipeline import extract

TODAY = date(2026, 12, 7)
GOLD = Path(__file__).parent / "data" / "gold"
NOW = ("present", "patient", "current")
PAST = ("present", "patient", "past")


def reading(text: str, concept: str):
    return predicted_assertion(one_at(text, concept, TODAY))


def concepts(text: str) -> set[str]:
    return {f.concept for f in extract(text, today=TODAY)}


# 1. drugs joined by "+"
def test_drugs_joined_by_a_plus_are_each_read():
    for text, drugs in (("T-ALL 22M relapsed post allo, on ven+nelarabine since 10/2026.", ("venetoclax", "nelarabine")),
                        ("AML 70F, now on aza+ven since 04/2026.", ("azacitidine", "venetoclax")),
                        ("AITL. 2L: azacitidine+romidepsin since 08/2026.", ("azacitidine", "romidepsin")),
                        ("CLL: chlorambucil+obinutuzumab 2019, acalabrutinib 2021-2026.", ("chlorambucil", "obinutuzumab"))):
        for drug in drugs:
            assert one_at(text, drug, TODAY), (text, drug)
    assert reading("T-LBL relapsed, now ven+nelarabine since 11/2026.", "nelarabine") == NOW
    assert reading("CLL: chlorambucil+obinutuzumab 2019, acalabrutinib since 2021.", "chlorambucil") == PAST
    # a digit's sign and a numbered regimen keep their reading
    assert concepts("AML: 7+3 induction 2024, refractory.") >= {"chemotherapy"}
    assert {"estrogen_receptor", "progesterone_receptor"} <= concepts("Breast cancer 2010, ER+PR+ HER2-.")


# 2. started and stopped in one clause
def test_a_treatment_started_and_stopped_in_one_clause_is_over():
    for text, drug in (("SLE. Azathioprine was started in 2019 and was discontinued.", "azathioprine"),
                       ("RA. Methotrexate was begun in 2015 and then stopped, now on MMF.", "methotrexate"),
                       ("UC. Azathioprine was started 03/2011 and was discontinued in 2013.", "azathioprine"),
                       ("Crohn's 29F. AZA was started 2015 and discontinued 2016.", "azathioprine")):
        fact = one_at(text, drug, TODAY)
        assert predicted_assertion(fact) == PAST and fact.status != "current", text
    # the reason given for the stop still says how it went
    assert one_at("lupus 33F. Azathioprine was started in 2019 and was discontinued for cytopenias.",
                  "azathioprine", TODAY).status == "intolerant"
    # a start that goes on stays current; the drug named after the stop is not stopped by it
    assert reading("SLE. Mycophenolate was started in 2020 and continues.", "mycophenolate") == NOW
    assert reading("RA. Methotrexate was begun in 2015 and then stopped, now on MMF.", "mycophenolate") == NOW


# 3. a cycle and day: the course goes on
def test_a_cycle_label_says_the_course_is_being_given():
    for text, drug in (("Richter's: R-CHOP C2D1 on 20/11/2026. LDH 890.", "r_chop"),
                       ("PTCL relapse 07/2026. Since 08/2026: GemOx C4D1 planned 03/12/2026.", "chemotherapy"),
                       ("T-ALL, ven+nelarabine from 02/2026, now C3D1.", "nelarabine"),
                       ("T-ALL relapse 09/2026; ven+navitoclax+chemo C1 10/2026\nCNS negative.", "navitoclax"),
                       ("PTCL relapsed.\nGemOx C2 on 14/11/2026\nPET planned after C4.", "chemotherapy")):
        fact = one_at(text, drug, TODAY)
        assert predicted_assertion(fact) == NOW and fact.status == "current", text
    # a cycle's date with an outcome after it dates the course that gave it
    assert reading("AML. FLAG-Ida C1 10/2026: refractory (blasts 30%).", "flag_ida") == PAST
    # a course stopped at a cycle is over
    assert reading("AML: FLAG-Ida stopped at C1D8 (sepsis). Now aza+ven.", "flag_ida") == PAST
    # a range of cycles with its closed dates is over, and its last cycle is no complement level
    text = "AML 69F. Rx: aza+ven C1-C4 04/2026-08/2026: CRi after C2. Relapse 11/2026."
    assert reading(text, "venetoclax") == PAST
    assert not facts_at(text, "complement_c4", TODAY)
    assert not facts_at("PTCL. CHOP C1-C3 then PET: PR.", "complement_c3", TODAY)
    # complement levels stay themselves
    assert facts_at("SLE: C3 0.5, C4 0.08.", "complement_c4", TODAY)
    assert facts_at("SLE, C3 0.4 - C4 0.05 g/L", "complement_c4", TODAY)


# 4. a query after a full stop
def test_a_query_mark_after_a_full_stop_asks_about_what_follows():
    for text in ("MDS 74M, aza x6 no response. not fit for intensive chemo. ?trial",
                 "AML 80F. Not fit for intensive chemotherapy. ?study"):
        assert reading(text, "chemotherapy")[0] == "absent", text
    # the query itself is hedged, as before
    assert reading("Lupus nephritis. ?CAR-T", "car_t")[0] == "possible"
    assert reading("Cough for 3 months. ?TB - cavitating lesion", "tuberculosis")[0] == "possible"


# 5. small-letter regimens and tests, by the disease of the text
def test_small_letter_regimens_of_a_lymphoma():
    text = "PTCL 62M, had chop x6 then gdp x2, both failed. ECOG 1."
    assert one_at(text, "chop", TODAY).status == "failed"
    assert one_at(text, "chemotherapy", TODAY).status == "failed"
    assert facts_at("ALCL alk neg, relapse 09/2026. planning ice then auto.", "chemotherapy", TODAY)
    assert facts_at("AITL 66F, chop -> CR1, relapse 2026", "chop", TODAY)
    # elsewhere they are words
    assert not facts_at("chop the onions, i have crohns", "chop", TODAY)
    assert not facts_at("she has AML. i put ice on my knee", "chemotherapy", TODAY)


def test_small_letter_rf_and_ccp_beside_an_autoimmune_disease():
    for text in ("RA pt, 55F, rf and ccp both strongly pos, failed MTX",
                 "RA since 2008\nrf positive, ccp positive."):
        assert one_at(text, "rheumatoid_factor", TODAY).status == "positive", text
        assert one_at(text, "anti_ccp", TODAY).status == "positive", text
    assert reading("lupus 30F, rf neg, anti-dsDNA pos", "rheumatoid_factor")[0] == "absent"
    # radiofrequency ablation is no rheumatoid factor, even in an RA letter
    for text in ("RA, had rf ablation for SVT in 2019. on MTX",
                 "pmh: AF s/p rf ablation 2020, T2DM. new dermatomyositis"):
        assert not facts_at(text, "rheumatoid_factor", TODAY), text


# 6. the illness of now after a history in small letters
def test_a_new_illness_after_a_small_letter_history_is_now():
    text = "pmh: AF s/p rf ablation 2020, T2DM. new dermatomyositis 09/2026, CK 3100, anti-MDA5 pos. 67M"
    assert reading(text, "dermatomyositis") == NOW
    assert reading(text, "type_2_diabetes") == PAST
    text = "pmh: asthma, htn. now 45f with lupus nephritis, on mmf"
    assert reading(text, "lupus_nephritis") == NOW
    assert reading(text, "hypertension") == PAST
    # items of the history after a full stop stay history
    assert reading("PMH: asthma, HTN. gout.", "gout") == PAST


# 7. an arrow after a bracketed aside
def test_an_arrow_reaches_over_a_bracketed_aside():
    text = "CLL 71M, 3rd line: ibrutinib (AF) → ven+obin (2023-24) → pirtobrutinib since 05/2026."
    for drug in ("ibrutinib", "venetoclax", "obinutuzumab"):
        assert reading(text, drug) == PAST, drug
    assert reading(text, "pirtobrutinib") == NOW
    text = "crohns: IFX (LOR) -> vedolizumab (no response) -> ustekinumab since 2024"
    assert reading(text, "infliximab") == PAST and reading(text, "ustekinumab") == NOW


# 8. CD33
def test_cd33_is_a_marker_of_its_own():
    text = "sorry, CD7 was negative, CD33 positive"
    assert one_at(text, "cd7", TODAY).status == "negative"
    assert one_at(text, "cd33", TODAY).status == "positive"
    assert one_at("AML: blasts CD7+ CD33+ CD34+", "cd33", TODAY).status == "positive"
    assert reading("AML, CD33 negative.", "cd33")[0] == "absent"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return bundled_engine(tmp_path_factory.mktemp("h187") / "t.db", today=TODAY)


def test_a_marker_corrected_to_negative_beside_another_marker(engine):
    # a test's negative result is a result, not the name of what the other marker replaces
    for cid, messages in (("cli:h187-cd33", ("AML, 47F, primary refractory to 7+3 and FLAG, CD7 positive blasts 30%",
                                             "sorry, CD7 was negative, CD33 positive")),
                          ("cli:h187-cd34", ("T-ALL 30M, CD7 positive, relapsed after UKALL",
                                             "correction: CD7 negative, CD34 positive"))):
        talk(engine, cid, *messages)
        facts = {f.concept: f for f in tracker_of(engine, cid).profile.facts if f.label == "BIOMARKER"}
        assert facts["cd7"].negated and facts["cd7"].status == "negative", (cid, facts)
        other = "cd33" if cid.endswith("cd33") else "cd34"
        assert facts[other].status == "positive" and not facts[other].negated, (cid, facts)
    # ("it was azathioprine, not mycophenolate" still names what it replaces: tests/test_engine_real.py)


# 9. the round's gold rows
def test_the_rounds_gold_rows_are_well_formed():
    letters = [json.loads(line) for line in (GOLD / "notes" / "letters_dev.jsonl").read_text().splitlines() if line.strip()]
    mine = [r for r in letters if 881 <= int(r["id"].split("-")[1]) <= 920]
    assert len(mine) == 40
    for row in mine:
        for entity in row["entities"]:
            assert row["text"][entity["start"]:entity["end"]] == entity["text"]
    chats = [json.loads(line) for line in (GOLD / "conversation" / "dev.jsonl").read_text().splitlines() if line.strip()]
    chats = [r for r in chats if r["id"][5:].isdigit() and 7661 <= int(r["id"][5:]) <= 7680]
    assert len(chats) == 20 and all(r["voice"] == "clinician" for r in chats)
