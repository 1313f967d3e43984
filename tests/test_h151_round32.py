"""Round 32 (h151, issue #13): clinicians' letters and messages read right: the clinicians'
shortenings ("uste", "bari", "upa", "ritux", "Ro52", "NSIP", "UIP", "Hep B sAg"), a social
history's structured fields ("Smoking: never", "Alcohol: social"), a bare "CR" reached, a
drug listed with the marker it was not given for ("Ivosidenib: no IDH1 mutation"), "not given
yet", a "despite" list with a bracket of its own before its last item, a list of treatments
"after" a bracket, a GVHD dated in a bracket and "resolved on" its treatment, an illness
found when a drug stopped (it goes on), a count's own date, a treatment of another illness
that a relapse in the next sentence does not fail. Each test names a class of phrasing in
wordings of its own (not the gold's) and reads it through the real extraction path."""
from __future__ import annotations

from datetime import date

import pytest

from assertion_helpers import NOW, PAST, one_at
from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)
ABSENT = ("absent", "patient", "current")
ABSENT_PAST = ("absent", "patient", "past")


def read(text: str, concept: str) -> tuple[str, str, str]:
    return predicted_assertion(one_at(text, concept, TODAY))


def facts_of(text: str, concept: str) -> list:
    return [f for f in extract(text, today=TODAY) if f.concept == concept]


# --- clinicians' shortenings --------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Psoriatic arthritis. Tried uste for a year, no benefit.", "ustekinumab"),
    ("RA since 2015; bari 4 mg since March.", "baricitinib"),
    ("Atopic dermatitis, now on upa 15 mg.", "upadacitinib"),
    ("Membranous nephropathy, two doses of ritux in 2024.", "rituximab"),
    ("Anti-synthetase panel: Ro52 weakly positive.", "anti_ro"),
    ("SSc with an NSIP pattern on the CT chest.", "interstitial_lung_disease"),
    ("Rheumatoid lung: UIP on HRCT, FVC stable.", "interstitial_lung_disease"),
])
def test_a_clinicians_shortening_is_read(text, concept):
    assert facts_of(text, concept), [(f.concept, f.text) for f in extract(text, today=TODAY)]


def test_the_city_bari_and_a_capital_upa_are_no_jak_inhibitor():
    assert not facts_of("We are flying from Bari on Monday.", "baricitinib")
    assert not facts_of("Emergency contraception: UPA 30 mg given.", "upadacitinib")


def test_a_hepatitis_b_surface_antigen_written_short_is_one_finding():
    facts = [f for f in extract("Serology: Hep B sAg negative, HCV antibody negative.", today=TODAY)
             if f.label == "INFECTION"]
    assert [f.concept for f in facts if f.concept in ("hbsag", "hbv")] == ["hbsag"]
    assert facts[0].negated


# --- structured social history ------------------------------------------------------------------

@pytest.mark.parametrize("text, concept, expected", [
    ("Social history. Smoking: nil. Lives alone.", "smoking", ABSENT),
    ("SH - Smoking - none. Works as a nurse.", "smoking", ABSENT),
    ("Smoking: 20 per day since age 16.", "smoking", NOW),
    ("Smoking: ex (quit 2012). Alcohol: 2 units.", "former_smoker", NOW),
    ("Smoking: quit in 2019 after his MI.", "former_smoker", NOW),
    ("Alcohol: socially at weekends.", "alcohol_use", NOW),
    ("Alcohol: occasional. Drugs: none.", "alcohol_use", NOW),
])
def test_a_structured_social_history_field(text, concept, expected):
    assert read(text, concept) == expected


def test_a_field_that_says_never_smoked_is_read_once():
    assert len(facts_of("Smoking: never smoked. Alcohol: nil.", "smoking")) == 1


def test_a_smoking_history_field_with_pack_years_is_no_smoker_now():
    # "Smoking: 30 pack-years" says how much, not whether he smokes now: no fact from the field
    assert not facts_of("Smoking: 30 pack-years.", "smoking")


# --- a bare CR reached ----------------------------------------------------------------------------

def test_a_bare_cr_reached_is_a_remission_and_a_cr_value_stays_creatinine():
    assert facts_of("PTCL. CHOEP x6 to CR in 2023, relapse 2026.", "in_remission")
    assert not facts_of("AML. Bloods: CR 1.4, urea 9.", "in_remission")


# --- a drug not given, and why ------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("AML, second relapse. Enasidenib: no IDH2 mutation. Now on azacitidine.", "enasidenib"),
    ("NSCLC. Crizotinib - no ALK rearrangement; pembrolizumab since May.", "crizotinib"),
    ("Lupus nephritis; obinutuzumab not given yet.", "obinutuzumab"),
])
def test_a_drug_listed_with_the_reason_it_was_not_given_was_never_taken(text, concept):
    assert read(text, concept) == ABSENT_PAST


def test_the_marker_after_the_drug_keeps_its_own_negative_result():
    fact = one_at("Midostaurin: no FLT3 mutation.", "flt3", TODAY)
    assert fact.negated and fact.status == "negative"


# --- lists with a bracket of their own --------------------------------------------------------

def test_the_item_after_a_bracket_of_a_despite_list_failed_too():
    text = "Marrow blasts 60% despite hyper-CVAD induction (with rituximab, then ofatumumab) and inotuzumab."
    assert one_at(text, "inotuzumab_ozogamicin", TODAY).status == "failed"


def test_the_item_after_a_bracket_of_an_after_list_is_over_too():
    text = "Platelets 15 despite avatrombopag (since 2025), after danazol, IVIG (x2, bleeding) and azathioprine."
    assert read(text, "azathioprine") == PAST


def test_a_treatment_with_its_own_years_after_a_bracket_keeps_its_own_time():
    text = "Infliximab 2019-2021 (lost response) and vedolizumab since 2022 with a partial response."
    assert read(text, "vedolizumab") == NOW


# --- GVHD dated in a bracket ----------------------------------------------------------------------

def test_a_gvhd_dated_in_a_bracket_and_resolved_on_a_treatment_is_over():
    text = "Allograft 2024. Oral GVHD grade 1 (06/2024), resolved on budesonide rinses. Relapse 10/2026."
    assert read(text, "gvhd") == PAST


def test_a_gvhd_treatment_is_not_failed_by_a_relapse_in_the_next_sentence():
    text = "Lung GVHD (08/2026), on ruxolitinib and azithromycin. Relapsed 11/2026 with 20% blasts."
    assert one_at(text, "ruxolitinib", TODAY).status == "current"


def test_a_treatment_of_the_disease_is_still_failed_by_the_relapse_after_it():
    text = "AML. Maintenance with oral azacitidine. Relapsed 10/2026."
    assert one_at(text, "azacitidine", TODAY).status == "failed"


# --- an illness found when a drug stopped goes on --------------------------------------------------

@pytest.mark.parametrize("text", [
    "RA. Methotrexate 2010-2022 (stopped when the ILD was diagnosed); abatacept since.",
    "SSc. Cyclophosphamide x6 2021, tocilizumab 2022-2024 (ILD progressed); nintedanib since.",
    "Leflunomide was stopped when the ILD was found; now on rituximab.",
])
def test_an_illness_found_or_grown_when_a_drug_stopped_goes_on(text):
    assert read(text, "interstitial_lung_disease") == NOW


def test_a_pregnancy_a_drug_stopped_for_is_over():
    assert read("Mycophenolate stopped when she got pregnant in 2019.", "pregnant") == PAST


def test_a_relapse_in_the_bracket_of_the_last_line_is_the_disease_now():
    text = "AML. Decitabine 2025-08/2026 (CR after cycle 3, relapsed 10/2026). Now on gilteritinib."
    assert read(text, "relapsed_disease") == NOW


# --- dates and values -----------------------------------------------------------------------------

def test_a_date_written_after_a_count_is_the_counts_not_the_treatments_after_it():
    text = "Platelets 9 x10^9/L on 02/12/2026 despite eltrombopag and fostamatinib."
    assert one_at(text, "eltrombopag", TODAY).date is None


def test_an_earlier_value_dated_before_a_semicolon_leaves_the_next_lab_current():
    assert read("FVC 70% (10/2026), 82% in 2022; KCO 60%, DLCO 45%.", "dlco") == NOW


def test_a_marker_after_a_prior_disease_is_the_disease_now():
    assert read("AML arising from prior CMML, ASXL1 and TP53 mutated.", "tp53") == NOW


def test_a_treatment_of_a_stay_followed_by_the_next_one_is_over():
    assert read("Admitted with severe colitis: IV methylprednisolone on the ward, then ciclosporin.",
                "methylprednisolone") == PAST


def test_a_regimen_named_with_a_protocol_word_keeps_its_years():
    # "BFM 2024-2025": the years of the course, not a protocol's name as "UKALL 2011" is
    assert read("T-LBL. Modified BFM 2023-2024, then maintenance to 06/2025.", "chemotherapy") == PAST


def test_a_structured_pregnancy_field_denied():
    assert read("Pregnancy: negative (urine, 01/12/2026). Contraception: implant.", "pregnant") == ABSENT


def test_the_years_after_the_illness_a_treatment_was_for_are_the_treatments():
    assert read("AML after MDS. Decitabine for MDS 2022-2023; venetoclax now.", "decitabine") == PAST
