"""Labs: value and unit before or after the name, conversion to the canonical unit,
comparators, ranges, N x ULN, and values without a unit."""
import pytest

from nlp import extract


def lab(text, concept=None):
    facts = [f for f in extract(text) if f.label == "LAB" and (concept is None or f.concept == concept)]
    assert len(facts) == 1, facts
    return facts[0]


def test_creatinine_in_umol_per_litre_converts_to_mg_per_dl():
    fact = lab("creatinine of 265 µmol/L")
    assert (fact.text, fact.value, fact.unit) == ("creatinine", 265, "µmol/L")
    assert fact.unit_normalized == "mg/dL"
    assert fact.value_normalized == pytest.approx(3.0, abs=0.01)


def test_haemoglobin_in_g_per_dl_converts_to_g_per_litre():
    fact = lab("Hb 9 g/dL")
    assert (fact.concept, fact.value_normalized, fact.unit_normalized) == ("hemoglobin", 90, "g/L")


@pytest.mark.parametrize("written", ["25 x10^9/L", "25 ×10⁹/L", "25 x 10^9/L", "25 10E9/L", "25 G/L", "25 k/uL", "25,000/µL", "25000/mm3", "25k"])
def test_platelet_unit_variants(written):
    fact = lab(f"platelets {written}")
    assert fact.value_normalized == pytest.approx(25)
    assert fact.unit_normalized == "10^9/L"


def test_uln_multiples():
    fact = lab("ALT 3x ULN")
    assert (fact.concept, fact.uln_multiple, fact.value) == ("alt", 3, None)
    fact = lab("AST 2.5 times the upper limit of normal")
    assert fact.uln_multiple == 2.5


def test_names_joined_by_a_slash_share_one_value():
    facts = [(f.concept, f.comparator, f.uln_multiple) for f in extract("ALT/AST > 3 times ULN")]
    assert facts == [("alt", ">", 3), ("ast", ">", 3)]


@pytest.mark.parametrize("text, comparator, value", [
    ("eGFR ≥ 60 mL/min/1.73m2", ">=", 60), ("ANC < 1.0 x10^9/L", "<", 1.0),
    ("CK was over 5000", ">", 5000), ("bilirubin at most 2 mg/dL", "<=", 2)])
def test_comparators(text, comparator, value):
    fact = lab(text)
    assert (fact.comparator, fact.value) == (comparator, value)


def test_value_written_before_the_name():
    fact = lab("1.2 mg/dL creatinine")
    assert (fact.value, fact.unit_normalized) == (1.2, "mg/dL")


def test_value_after_a_verb():
    assert lab("platelets were 25").value == 25
    assert lab("Cr 1.2").value_normalized == 1.2


def test_a_range_keeps_its_low_end_as_at_least():
    fact = lab("LVEF 35-40%")
    assert (fact.value, fact.comparator) == (35, ">=")


def test_unitless_value_is_assumed_canonical_only_when_plausible():
    fact = lab("platelets were 25")
    assert (fact.unit, fact.unit_normalized, fact.implausible) == (None, "10^9/L", False)


def test_unitless_implausible_value_is_not_guessed():
    # "platelets 15000" is 15 x10^9/L written per µL (the only unit that reads it as a typical
    # count, test below); a count no unit makes typical is questioned
    fact = lab("platelets 5000000")
    assert fact.implausible and fact.value == 5000000
    assert fact.value_normalized is None and fact.unit_normalized is None
    assert lab("platelets 15000").value_normalized == 15


def test_a_number_that_is_a_time_is_not_a_value():
    assert [f for f in extract("ALT 2 weeks ago") if f.label == "LAB"] == []


def test_lab_name_without_value_is_not_a_fact():
    assert extract("my ALT was checked") == []
    # a result in words is a fact with no value (issue #13, round 10): the word, never a number
    facts = extract("my ALT is high")
    assert [(f.label, f.concept, f.value, f.status) for f in facts] == [("LAB", "alt", None, "high")]


def test_scientific_notation_viral_load():
    fact = lab("HBV DNA 2.3 x 10^3 IU/mL")
    assert (fact.concept, fact.value_normalized, fact.unit_normalized) == ("hbv_dna_load", 2300, "IU/mL")


def test_ambiguous_abbreviation_is_a_lab_only_with_a_value():
    assert [(f.label, f.concept) for f in extract("TB 2.1 mg/dL")] == [("LAB", "bilirubin")]
    assert [(f.label, f.concept) for f in extract("treated for TB")] == [("INFECTION", "tuberculosis")]


def test_short_common_word_terms_need_capitals_or_a_value():
    assert extract("I got sick") == []                       # "got" is an AST synonym
    assert [f.concept for f in extract("PT 13 s")] == ["pt"]


# --- the sign of a value (issue #13) ----------------------------------------------------

@pytest.mark.parametrize("text, concept, value", [
    ("creatinine -5 mg/dL", "creatinine", -5.0),
    ("platelets -20", "platelets", -20.0),
    ("Hb: -3 g/dL", "hemoglobin", -3.0),
    ("ALT -40 U/L", "alt", -40.0),
    ("-5 mg/dL creatinine", "creatinine", -5.0),
])
def test_a_minus_sign_is_kept_and_the_value_is_implausible(text, concept, value):
    lab = next(f for f in extract(text) if f.concept == concept)
    assert lab.value == value and lab.implausible


@pytest.mark.parametrize("text, concept, value", [
    ("creatinine - 1.2", "creatinine", 1.2),
    ("creatinine 1-2 mg/dL", "creatinine", 1.0),
    ("ALT 35-40", "alt", 35.0),
    ("Hb 7.8 g/dL - plt 20", "platelets", 20.0),
])
def test_a_dash_or_a_range_is_not_a_sign(text, concept, value):
    lab = next(f for f in extract(text) if f.concept == concept)
    assert lab.value == value and not lab.implausible


@pytest.mark.parametrize("text, concept, unit", [("ALT 22 U/L.", "alt", "U/L"), ("Creatinine 88 umol/L.", "creatinine", "umol/L"),
                                                 ("Hb 11.2 g/dL; platelets 150", "hemoglobin", "g/dL")])
def test_a_sentence_end_after_a_unit_is_not_part_of_it(text, concept, unit):
    """A letter's "ALT 22 U/L." was shown as "ALT (22 U/L.)" in triage."""
    fact = next(f for f in extract(text) if f.concept == concept)
    assert fact.unit == unit and fact.value_normalized is not None


@pytest.mark.parametrize("text, concept, normalized", [
    ("Bili 14, ALT 45", "bilirubin", 0.8186),        # a UK letter: 14 µmol/L, not 14 mg/dL
    ("bilirubin 0.8", "bilirubin", 0.8), ("bilirubin 3.2", "bilirubin", 3.2),   # decimals: mg/dL
    ("Hb 9.2", "hemoglobin", 92), ("Hb 92", "hemoglobin", 92), ("Hb 12", "hemoglobin", 120),
    ("albumin 35", "albumin", 3.5), ("albumin 3.5", "albumin", 3.5),
    # counts per µL as US letters write them ("plt 23000", "ANC 800") were implausible x10^9/L
    ("ANC 800, plt 23000", "anc", 0.8), ("ANC 800, plt 23000", "platelets", 23), ("plt 23,000", "platelets", 23),
    ("WBC 3100", "wbc", 3.1), ("plt 45, ANC 1.5", "platelets", 45), ("plt 45, ANC 1.5", "anc", 1.5),
    ("WBC 100 with 80% blasts", "wbc", 100), ("platelets 1", "platelets", 1), ("ANC 0", "anc", 0),
    # creatinine: whole numbers from 18 are µmol/L as UK letters write them; decimals and small
    # whole numbers mg/dL
    ("Cr 88", "creatinine", 0.9955), ("Creatinine 84, bilirubin 12, ALT 40.", "creatinine", 0.9502),
    ("creat 130", "creatinine", 1.4706), ("Cr 1.1", "creatinine", 1.1), ("creatinine 6", "creatinine", 6),
])
def test_a_value_without_a_unit_is_read_in_the_unit_that_makes_it_typical(text, concept, normalized):
    fact = lab(text, concept)
    assert fact.value_normalized == pytest.approx(normalized, rel=1e-3) and not fact.implausible


@pytest.mark.parametrize("text, concept", [("Bili 3", "bilirubin"), ("ANC 50", "anc"),
                                           ("WBC 300", "wbc")])
def test_a_value_without_a_unit_that_two_units_read_is_questioned_not_guessed(text, concept):
    fact = lab(text, concept)
    assert fact.implausible and fact.value_normalized is None
