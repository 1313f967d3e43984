"""Round 25 (h116, issue #13): time in clinicians' letters and notes (past vs current), fixed as
general rules: the end of a use written with its year, levels measured at diagnosis, dated
cancers among the other illnesses of a "Background:" line, a date that does not reach past a
nearer time or a semicolon, a course count then its remission, a dated presentation's problem."""
import json
from pathlib import Path

from benchmarks.assertion import predicted_assertion
from assertion_helpers import one as _one
from nlp import extract

GOLD = Path(__file__).resolve().parent / "data" / "gold"


def _facts(text, concept):
    return [f for f in extract(text) if f.concept == concept]


def _time(fact):
    return predicted_assertion(fact)[2]


# 1. the end of a use written with its year after the treatment: over
def test_a_use_to_a_year_is_over():
    text = "Induction 2019: cyclophosphamide IV x6 + prednisolone; maintenance azathioprine to 2021."
    assert _one(text, "azathioprine").historical
    assert _time(_one("CHOEP x6 2022, complete remission; brentuximab vedotin consolidation to 2023.", "brentuximab")) == "past"


def test_completed_and_weaned_off_with_a_year_end_the_use_of_every_drug_of_the_combination():
    text = "ibrutinib 2018-2022, stopped for atrial fibrillation; venetoclax and rituximab for 2 years, completed 2024."
    assert _one(text, "venetoclax").historical
    assert _one(text, "rituximab").historical
    assert _one("myasthenia dx 2019, thymectomy 2020, pred weaned off 2023. ongoing pyridostigmine", "prednisone").historical


def test_an_end_still_to_come_or_a_dose_is_no_end():
    assert not _one("prednisolone increased to 2000 mg", "prednisone").historical
    fact = _one("She is on azathioprine, planned to continue to 2031.", "azathioprine")
    assert not fact.historical


def test_the_end_of_a_use_does_not_date_the_value_after_it():
    text = ("He received hyper-CVAD with dasatinib (8 cycles, 2023), then ponatinib maintenance until 11/2024, "
            "when he relapsed (BCR-ABL1 transcripts rising, marrow 25% blasts).")
    assert _one(text, "ponatinib").historical
    assert not _one(text, "blasts").historical


# 2. a level measured at diagnosis or presentation is of then; a marker without a level stays
def test_levels_at_diagnosis_are_past():
    text = "36F, SLE (dx 2015; ANA 1:640, anti-dsDNA 180 at diagnosis)."
    assert _one(text, "ana").historical
    assert _one(text, "anti_dsdna").historical
    assert _one("EBV DNA 12,000 copies/mL at presentation.", "ebv").historical


def test_a_marker_without_a_level_or_a_level_said_now_stays_current():
    assert not _one("CD7 positive at diagnosis", "cd7").historical
    text = "ANA 1:640 now, anti-dsDNA 180 at diagnosis"
    assert not _one(text, "ana").historical
    assert _one(text, "anti_dsdna").historical


# 3. a cancer listed with its year among the other illnesses of a "Background:" line
def test_dated_cancer_on_a_background_line_is_history():
    text = "Background: breast cancer 2008 (lumpectomy, radiotherapy, tamoxifen for 5 years); heart failure."
    assert _one(text, "breast_cancer").historical
    assert _one("Previous history: prostate cancer 2017, hypertension.", "prostate_cancer").historical


def test_a_cancer_whose_item_dates_its_onset_or_says_it_goes_on_stays():
    assert not _one("Background: T-ALL diagnosed 2023, treated per UKALL 2011 -> CR1.", "t_all").historical
    assert not _one("Background: T-ALL 2024, relapsed; hypertension.", "t_all").historical
    assert not _one("Background: RA since 2009; hypertension", "rheumatoid_arthritis").historical


# 4. a date does not reach past a nearer time, nor a treatment past a semicolon
def test_a_date_does_not_reach_past_a_nearer_time():
    text = "He had a myocardial infarction in 2016 (two stents) and atrial fibrillation since 2022, on apixaban."
    fact = _one(text, "apixaban")
    assert not fact.historical and fact.date is None


def test_a_date_does_not_date_a_treatment_past_a_semicolon():
    fact = _one("She had PJP in 10/2024; on co-trimoxazole prophylaxis since.", "co_trimoxazole")
    assert _time(fact) == "current"
    fact = _one("Relapse 05/2025; venetoclax with azacitidine since 06/2025, ongoing.", "venetoclax")
    assert _time(fact) == "current"


def test_a_value_after_a_semicolon_keeps_the_date_of_its_presentation():
    text = ("This 44-year-old lady presented in June 2024 with Gottron's papules, mechanic's hands and "
            "breathlessness; CK was normal (98 U/L), ferritin 1,840.\nFerritin today 920 ug/L; CK 64 U/L.")
    first_ck = min(_facts(text, "ck"), key=lambda f: f.start)
    assert first_ck.historical


# 5. a course with its count then its remission; "treated per" a protocol
def test_a_course_count_then_its_remission_is_over():
    text = "Induction: 7+3 (daunorubicin/cytarabine) x1, CR1 with MRD positive; consolidation HiDAC x2."
    for concept in ("chemotherapy", "daunorubicin", "cytarabine"):
        assert _one(text, concept).historical, concept


def test_treated_per_a_protocol_is_a_course_given():
    assert _one("Treated per UKALL 2011 regimen B; nelarabine x2 cycles (09-10/2024).", "chemotherapy").historical


# 6. the problem a dated presentation was with is of then; the disease found stays
def test_a_dated_presentations_problem_is_past_the_disease_stays():
    text = "HPI: presented 09/2024 with AKI (creatinine 410 umol/L), haematuria and ANCA vasculitis."
    assert _one(text, "acute_kidney_injury").historical
    assert not _one(text, "anca_vasculitis").historical
    text = "He first presented in 2021 with anaemia; marrow showed MDS."
    assert _one(text, "anemia").historical
    assert not _one(text, "mds").historical


# the gold of this round: ids in range, every entity's span names what it says
def test_round25_gold_rows_are_well_formed():
    letters = [json.loads(line) for line in (GOLD / "notes" / "letters_dev.jsonl").read_text().splitlines() if line.strip()]
    mine = [r for r in letters if r["id"].startswith("letter-") and 333 <= int(r["id"].split("-")[1]) <= 360]
    assert len(mine) == 28
    convs = [json.loads(line) for line in (GOLD / "conversation" / "dev.jsonl").read_text().splitlines() if line.strip()]
    chats = [r for r in convs if r["id"].startswith("conv-") and r["id"][5:].isdigit() and 6070 <= int(r["id"][5:]) <= 6089]
    assert len(chats) == 20
    for row in mine:
        for entity in row["entities"]:
            assert row["text"][entity["start"]:entity["end"]] == entity["text"]
            assert entity["time"] in ("current", "past", "planned")
    assert sum(e["time"] == "past" for r in mine + chats for e in r["entities"]) >= 150


# 7. a dose changed between a treatment and a date: the date is the change's
def test_a_dated_dose_change_does_not_end_the_use():
    text = ("Current medication:\n- hydroxychloroquine 200 mg daily\n"
            "- prednisolone 12.5 mg daily (reduced from 20 mg in 09/2025)\n- mycophenolate 1 g bd")
    assert _time(_one(text, "prednisone")) == "current"
    assert _one("steroids tapered off in 2023", "glucocorticoid").historical
    assert _one("MMF increased to 3 g in 2024, stopped in 2025", "mycophenolate").historical
