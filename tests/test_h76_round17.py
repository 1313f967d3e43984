"""h76, round 17 (issue #13): real notes and pasted referral letters; a long text read in
pieces keeps what the conversation knows."""
from __future__ import annotations

from nlp.pipeline import chunks, extract

FILLER = " ".join(f"Visit {n} was routine and the clinic letter was sent to the family doctor." for n in range(1, 30))


def _concepts(facts, label=None):
    return {f.concept for f in facts if label is None or f.label == label}


def test_the_filler_makes_a_text_of_several_pieces():
    assert len(chunks("Intro. " + FILLER + " He had aza and ven.")) > 1


def test_a_long_text_read_in_pieces_keeps_the_conversations_known_conditions():
    text = "Update on my dad. " + FILLER + " He had aza and ven, then a transplant."
    assert len(chunks(text)) > 1
    facts = extract(text, known=("aml",))
    assert {"azacitidine", "venetoclax"} <= _concepts(facts, "DRUG")
    assert "azathioprine" not in _concepts(facts)


def test_a_later_piece_reads_with_the_disease_an_earlier_piece_named():
    text = "My dad has AML, diagnosed last year. " + FILLER + " He had aza."
    assert len(chunks(text)) > 1
    assert "azacitidine" in _concepts(extract(text), "DRUG")


def test_a_negated_disease_of_an_earlier_piece_decides_no_sense():
    short = "He does not have AML. He had aza for his Crohn's."
    text = "He does not have AML. " + FILLER + " He had aza for his Crohn's."
    assert len(chunks(text)) > 1
    assert ("azacitidine" in _concepts(extract(text))) <= ("azacitidine" in _concepts(extract(short)))


def test_a_long_text_read_in_pieces_keeps_the_relative_the_conversation_is_about():
    text = "Some news. " + FILLER + " Mum's ANA was positive."
    assert len(chunks(text)) > 1
    ana = [f for f in extract(text, about="mother") if f.concept == "ana"]
    assert ana and not any(f.family for f in ana)


# --- a letter's own date ------------------------------------------------------------------------

from datetime import date

import pytest

from nlp.components.letter_date import letter_date

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize("text, written", [
    ("Department of Haematology, 14 March 2025\nRe: Mr K.O., 67M, AML", date(2025, 3, 14)),
    ("Neurology Outpatients\nDate of letter: 02.06.2025\nDear Dr Patel,", date(2025, 6, 2)),
    ("Haematology - leukaemia team\nLetter dated 30 Sept 2025\nRe: Miss J.R.", date(2025, 9, 30)),
    ("GASTROENTEROLOGY\nDated: 3rd Feb 2025\nRE: 31 year old man", date(2025, 2, 3)),
    ("Haematology day unit\nDate: 2025-04-08\nMr R.N., 44", date(2025, 4, 8)),
    ("RHEUMATOLOGY REVIEW - Jun 12, 2024\nMrs O.K., 58 years", date(2024, 6, 12)),
    ("Consultant: Dr F. Mensah        Date typed: 28/05/2025\nDear Dr Holloway,", date(2025, 5, 28)),
])
def test_a_letters_header_gives_the_day_it_was_written(text, written):
    assert letter_date(text, TODAY) == written


@pytest.mark.parametrize("text", [
    "Re: Mr K.O., AML diagnosed 14 March 2025\nHe had aza.",            # a subject line's date is the disease's
    "Name: Mr A\nDate of birth: 12/03/1961\nRA since 2009.",            # a birth date
    "Diagnosis: 11/2024 (BM blasts 34%)\nNow cycle 4.",                 # no day: no letter date
    "Seen today, 14 March 2025, with a flare.",                          # one line: a message, not a letter
    "Clinic letter\nDate: 3 March 2031\nRe: Mr B",                       # a date after today moves nothing
])
def test_no_letter_date_where_the_header_gives_none(text):
    assert letter_date(text, TODAY) == TODAY


def test_a_value_the_letter_calls_current_is_current_as_of_its_date():
    text = ("Renal clinic\nDate: 12/12/2024\nRe: 61 yo F - MPO-ANCA vasculitis\n"
            "Current labs (11/12/2024): creatinine 188 umol/L, eGFR 25.")
    creatinine = next(f for f in extract(text, today=TODAY) if f.concept == "creatinine")
    assert not creatinine.historical


def test_a_relative_time_in_a_letter_counts_from_its_date():
    text = "Rheumatology review - Jun 12, 2024\nMrs O.K., 58 years, RA.\nRituximab last dose 3 months ago."
    rituximab = next(f for f in extract(text, today=TODAY) if f.concept == "rituximab")
    assert rituximab.date is not None and rituximab.date.startswith("2024")


# --- treatments named as examples of a trial asked about ----------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("We would value your opinion on FcRn inhibitors such as efgartigimod, or a complement inhibitor trial.", "efgartigimod_alfa"),
    ("She would prefer a trial first (e.g. obefazimod, an anti-TL1A antibody).", "obefazimod"),
    ("He is keen to hear about any trial for AML after aza and ven, including navitoclax or magrolimab-type studies.", "navitoclax"),
    ("He is keen to hear about any trial for AML after aza and ven, including navitoclax or magrolimab-type studies.", "magrolimab"),
    ("He asks about emapalumab or JAK inhibitor trials.", "emapalumab"),
])
def test_a_treatment_named_as_an_example_of_a_trial_is_asked_about(text, concept):
    fact = next(f for f in extract(text) if f.concept == concept)
    assert fact.hypothetical


def test_a_treatment_given_before_the_trial_examples_stays_given():
    facts = extract("He is keen to hear about any trial for AML after aza and ven, including navitoclax.")
    aza = next(f for f in facts if f.concept == "azacitidine")
    assert not aza.hypothetical and aza.historical


def test_an_example_without_a_trial_is_no_question():
    fact = next(f for f in extract("She takes DMARDs such as methotrexate.") if f.concept == "methotrexate")
    assert not fact.hypothetical


# --- history sections ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("PMH: T2DM (metformin), IHD s/p PCI 2019.", "metformin"),
    ("PMH: hypothyroidism (levothyroxine), TIA 2017.", "levothyroxine"),
    ("PMH: asthma (on salbutamol prn), gout.", "albuterol"),
])
def test_a_drug_alone_in_brackets_after_a_listed_illness_is_taken_now(text, concept):
    fact = next(f for f in extract(text) if f.concept == concept)
    assert fact.status == "current" and not fact.historical


@pytest.mark.parametrize("text, concept", [
    ("PMH: breast cancer (tamoxifen 2012-2017), asthma.", "tamoxifen"),
    ("PMH: ITP (treated with steroids), asthma.", "glucocorticoid"),
])
def test_a_bracketed_drug_dated_or_said_to_be_over_stays_history(text, concept):
    fact = next(f for f in extract(text) if f.concept == concept)
    assert fact.historical


def test_a_heading_line_holding_its_list_ends_the_history_at_its_line():
    text = ("PMH: hypertension; cholecystectomy 2010.\n"
            "HBsAg negative, anti-HBc positive, on entecavir prophylaxis.\nECOG 1. Echo: LVEF 55%.")
    facts = {f.concept: f for f in extract(text)}
    assert facts["hypertension"].historical
    assert not facts["anti_hbc"].historical and not facts["ecog"].historical and not facts["lvef"].historical


def test_drug_history_lists_what_is_taken_now():
    facts = extract("Drug history: ramipril 5 mg, allopurinol 100 mg.")
    assert all(not f.historical for f in facts if f.label == "DRUG")


def test_treatment_history_still_lists_what_was_given():
    facts = extract("Treatment history: steroids, IVIG.")
    assert all(f.historical for f in facts if f.label == "DRUG")


def test_an_empty_family_history_reaches_no_next_sentence():
    text = "Screening (2022): negative.\nFamily history: none relevant. Ex-smoker, quit 2010."
    smoker = next(f for f in extract(text) if f.concept == "former_smoker")
    assert not smoker.family


def test_a_dated_presentation_dates_its_values():
    text = "HPI: presented 09/2024 with AKI (creatinine 410 umol/L). Now creatinine 188."
    values = {f.value: f.historical for f in extract(text) if f.concept == "creatinine"}
    assert values == {410.0: True, 188.0: False}


def test_an_undated_presentation_is_the_note_of_today():
    troponin = [f for f in extract("A 45 yo man presented with chest pain; creatinine 1.4.") if f.concept == "creatinine"]
    assert troponin and not troponin[0].historical


# --- cues, infections, word senses, typos -------------------------------------------------------

def test_a_negation_reaches_no_measured_value_in_a_bracket_after_it():
    facts = {f.concept: f for f in extract("Not fit for intensive chemotherapy (ECOG 2, LVEF 45%).")}
    assert not facts["ecog"].negated and not facts["lvef"].negated


def test_recurrent_infections_are_past_episodes():
    infection = next(f for f in extract("Complications: recurrent chest infections, IgG 3.1 g/L.") if f.label == "INFECTION")
    assert infection.historical


def test_one_recurrent_infection_may_be_the_one_now():
    infection = next(f for f in extract("She has recurrent C. difficile infection.") if f.label == "INFECTION")
    assert not infection.historical


def test_an_infection_treated_with_a_short_course_is_over():
    text = "Recent chest infection treated with a short course of doxycycline (finished last week)."
    infection = next(f for f in extract(text) if f.label == "INFECTION")
    assert infection.historical


def test_tbi_beside_a_transplant_for_a_blood_cancer_is_irradiation():
    facts = extract("T-ALL in CR2. MUD allo-SCT (TBI-based) in 2024.")
    assert "radiotherapy" in _concepts(facts) and "head_trauma" not in _concepts(facts)
    assert "head_trauma" in _concepts(extract("Car accident in 2019 with TBI and seizures since."))


def test_haemolysis_is_no_misspelt_haemodialysis():
    assert "dialysis" not in _concepts(extract("AIHA treated with prednisolone; no haemolysis now."))
    assert "dialysis" in _concepts(extract("She is on haemodialysis."))


def test_ade_and_navitoclax_are_read():
    facts = extract("Induction: ADE (cytarabine, daunorubicin, etoposide). Now venetoclax + navitoclax.")
    assert {"ade", "navitoclax", "cytarabine"} <= _concepts(facts)


def test_the_new_dev_letters_are_gold_in_the_format():
    import json
    from pathlib import Path

    from data.terminology import load_terminology

    path = Path(__file__).resolve().parent / "data" / "gold" / "notes" / "letters_dev.jsonl"
    rows = {json.loads(line)["id"]: json.loads(line) for line in path.read_text().splitlines() if line.strip()}
    assert {f"letter-{n}" for n in range(151, 171)} <= set(rows)
    terminology = load_terminology()
    for n in range(151, 171):
        row = rows[f"letter-{n}"]
        assert set(row) == {"id", "text", "entities", "uncovered"}
        spans = sorted((e["start"], e["end"], e["concept"]) for e in row["entities"])
        for e in row["entities"]:
            assert row["text"][e["start"]:e["end"]] == e["text"]
            assert e["concept"] in terminology or e["label"] in ("AGE", "SEX", "PREGNANCY")
        for (s1, e1, c1), (s2, e2, c2) in zip(spans, spans[1:]):
            assert e1 <= s2 or {c1, c2} == {"sbp", "dbp"}


# --- the note classes the brief names, as a note writes them ------------------------------------

def _reading(text, concept):
    from benchmarks.assertion import predicted_assertion

    return predicted_assertion(next(f for f in extract(text) if f.concept == concept))


@pytest.mark.parametrize("text, concept, reading", [
    ("Review of systems is negative for seizures, stroke, and diabetes.", "stroke", ("absent", "patient", "current")),
    ("She denies HIV, hepatitis C or tuberculosis.", "tuberculosis", ("absent", "patient", "current")),
    ("No history of DVT, PE or stroke.", "pulmonary_embolism", ("absent", "patient", "current")),
    ("Family history: mother with breast cancer, father with MI at 55.", "myocardial_infarction", ("present", "family", "current")),
    ("Past surgical history: appendectomy, cholecystectomy 2015.", "cholecystectomy", ("present", "patient", "past")),
    ("Medications: lisinopril 10 mg daily, metformin (discontinued 2019).", "metformin", ("present", "patient", "past")),
    ("Medications: lisinopril 10 mg daily, metformin (discontinued 2019).", "lisinopril", ("present", "patient", "current")),
    ("Status post kidney transplant 2010 on tacrolimus.", "kidney_transplant", ("present", "patient", "past")),
    ("Status post kidney transplant 2010 on tacrolimus.", "tacrolimus", ("present", "patient", "current")),
    ("Admitted to rule out pulmonary embolism.", "pulmonary_embolism", ("possible", "patient", "current")),
    ("Differential: ?lupus ?vasculitis ?lymphoma.", "vasculitis", ("possible", "patient", "current")),
    ("She delivered a healthy baby in 2021 (uncomplicated pregnancy) and is now breastfeeding.", "pregnant", ("present", "patient", "past")),
])
def test_the_note_classes_read_as_a_note_means_them(text, concept, reading):
    assert _reading(text, concept) == reading


def test_labs_with_units_keep_their_values():
    facts = {f.concept: f for f in extract("Labs: creatinine 1.8 mg/dL, Hb 9.2 g/dL, platelets 45 K/uL.")}
    assert (facts["creatinine"].value, facts["hemoglobin"].value, facts["platelets"].value) == (1.8, 9.2, 45.0)
