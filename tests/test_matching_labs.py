"""Lab thresholds in canonical units, comparators in facts, multiples of the upper limit
of normal, implausible values, and creatinine clearance derived by Cockcroft–Gault."""
from datetime import date

from matching.compare import compare, compare_against_estimate
from matching.evaluate import Evaluator
from core.truth import FALSE, TRUE, UNKNOWN
from core.facts import Fact, Profile

CREATININE_OVER_2_5 = {"type": "lab", "analyte": "creatinine", "op": ">", "value": 2.5, "unit": "mg/dL"}
PLATELETS_AT_LEAST_30 = {"type": "lab", "analyte": "platelets", "op": ">=", "value": 30, "unit": "10^9/L"}
ALT_OVER_3_ULN = {"type": "lab", "analyte": "alt", "op": ">", "uln": 3}
CRCL_AT_LEAST_30 = {"type": "lab", "analyte": "crcl", "op": ">=", "value": 30, "unit": "mL/min"}


def _judge(leaf, *facts):
    return Evaluator(Profile(list(facts)), today=date(2026, 1, 1)).leaf(leaf)


def _lab(analyte, value, unit, normalized=None, canonical=None, **extra):
    return Fact("LAB", analyte, f"{analyte} {value} {unit}", value=value, unit=unit,
                value_normalized=normalized, unit_normalized=canonical, **extra)


def test_creatinine_in_umol_per_litre_is_compared_in_mg_per_dl():
    # 265 µmol/L ≈ 3.0 mg/dL > 2.5 mg/dL
    result = _judge(CREATININE_OVER_2_5, _lab("creatinine", 265, "µmol/L"))
    assert result.value == TRUE
    assert "3" in result.reason and "mg/dL" in result.reason
    assert _judge(CREATININE_OVER_2_5, _lab("creatinine", 88, "umol/L")).value == FALSE


def test_normalised_value_from_extraction_is_used_as_is():
    fact = _lab("creatinine", 265, "µmol/L", normalized=2.998, canonical="mg/dL")
    assert _judge(CREATININE_OVER_2_5, fact).value == TRUE


def test_bare_value_is_taken_in_the_canonical_unit():
    assert _judge(CREATININE_OVER_2_5, _lab("creatinine", 1.1, None)).value == FALSE


def test_missing_lab_is_unknown_and_asks_for_it():
    result = _judge(CREATININE_OVER_2_5)
    assert result.value == UNKNOWN
    assert result.ask == "lab:creatinine"


def test_comparator_in_the_fact_decides_only_when_the_whole_range_is_on_one_side():
    below_20 = _lab("platelets", 20, "10^9/L", comparator="<")
    assert _judge(PLATELETS_AT_LEAST_30, below_20).value == FALSE
    at_least_10 = {**PLATELETS_AT_LEAST_30, "value": 10}
    assert _judge(at_least_10, below_20).value == UNKNOWN
    above_50 = _lab("platelets", 50, "10^9/L", comparator=">")
    assert _judge(PLATELETS_AT_LEAST_30, above_50).value == TRUE


def test_interval_comparison_edges():
    assert compare(30, None, ">=", 30) is True
    assert compare(30, None, ">", 30) is False
    assert compare(30, "<", ">=", 30) is False
    assert compare(30, "<=", ">=", 30) is None
    assert compare(30, ">=", ">=", 30) is True
    assert compare(2.5, "==", "<=", 2.5) is True


def test_platelets_per_microlitre_convert_to_10e9_per_litre():
    assert _judge(PLATELETS_AT_LEAST_30, _lab("platelets", 45000, "/uL")).value == TRUE
    assert _judge(PLATELETS_AT_LEAST_30, _lab("platelets", 25000, "/µL")).value == FALSE


def test_uln_multiple_in_the_fact_compares_directly():
    fact = Fact("LAB", "alt", "ALT 4x ULN", uln_multiple=4)
    assert _judge(ALT_OVER_3_ULN, fact).value == TRUE
    fact = Fact("LAB", "alt", "ALT 2 x ULN", uln_multiple=2)
    assert _judge(ALT_OVER_3_ULN, fact).value == FALSE


def test_absolute_value_against_uln_threshold_uses_the_typical_uln():
    # typical ALT ULN 40 U/L: 3 x ULN ≈ 120 U/L
    assert _judge(ALT_OVER_3_ULN, _lab("alt", 300, "U/L")).value == TRUE
    result = _judge(ALT_OVER_3_ULN, _lab("alt", 35, "U/L"))
    assert result.value == FALSE
    assert "site's ULN may differ" in result.reason


def test_absolute_value_within_ten_percent_of_a_uln_threshold_is_unknown():
    assert _judge(ALT_OVER_3_ULN, _lab("alt", 125, "U/L")).value == UNKNOWN
    assert _judge(ALT_OVER_3_ULN, _lab("alt", 110, "U/L")).value == UNKNOWN
    assert compare_against_estimate(131, None, ">", 120) is None
    assert compare_against_estimate(133, None, ">", 120) is True
    assert compare_against_estimate(107, None, ">", 120) is False


def test_uln_multiple_against_an_absolute_threshold_uses_the_typical_uln():
    bilirubin_over_2 = {"type": "lab", "analyte": "bilirubin", "op": ">", "value": 2.0, "unit": "mg/dL"}
    # typical bilirubin ULN 1.2 mg/dL: 3 x ULN ≈ 3.6 mg/dL
    assert _judge(bilirubin_over_2, Fact("LAB", "bilirubin", "bili 3x ULN", uln_multiple=3)).value == TRUE
    # 1.75 x ULN ≈ 2.1 mg/dL: within 10 % of 2.0, so unknown
    assert _judge(bilirubin_over_2, Fact("LAB", "bilirubin", "bili 1.75x ULN", uln_multiple=1.75)).value == UNKNOWN


def test_implausible_value_is_not_used_and_asks_to_confirm():
    fact = _lab("creatinine", 99999999, "mg/dL")
    result = _judge(CREATININE_OVER_2_5, fact)
    assert result.value == UNKNOWN
    assert result.ask == "confirm:lab:creatinine"
    flagged = _lab("creatinine", 1.0, "mg/dL", implausible=True)
    assert _judge(CREATININE_OVER_2_5, flagged).value == UNKNOWN


def test_negated_or_family_lab_mentions_are_not_values():
    fact = _lab("creatinine", 3.0, "mg/dL", family=True)
    assert _judge(CREATININE_OVER_2_5, fact).value == UNKNOWN


def test_creatinine_clearance_is_derived_by_cockcroft_gault_when_not_given():
    # (140-70) * 50 / (72 * 2.0) * 0.85 = 20.7 mL/min
    facts = [
        Fact("AGE", "age", "70", value=70),
        Fact("SEX", "female", "woman"),
        Fact("WEIGHT", "weight", "50 kg", value=50, unit="kg", value_normalized=50, unit_normalized="kg"),
        _lab("creatinine", 2.0, "mg/dL"),
    ]
    result = _judge(CRCL_AT_LEAST_30, *facts)
    assert result.value == FALSE
    assert "Cockcroft" in result.reason and "21 mL/min" in result.reason
    assert {f.label for f in result.facts} == {"AGE", "SEX", "WEIGHT", "LAB"}


def test_derived_clearance_names_the_missing_input_as_the_question():
    result = _judge(CRCL_AT_LEAST_30, Fact("AGE", "age", "40", value=40), _lab("creatinine", 1.0, "mg/dL"))
    assert result.value == UNKNOWN
    assert result.ask == "weight"
    assert _judge(CRCL_AT_LEAST_30).ask == "lab:creatinine"


def test_derived_clearance_without_sex_decides_when_both_estimates_agree():
    base = [Fact("AGE", "age", "30", value=30),
            Fact("WEIGHT", "weight", "70 kg", value=70, unit="kg", value_normalized=70, unit_normalized="kg")]
    # female 90.9, male 107 -> both >= 30
    assert _judge(CRCL_AT_LEAST_30, *base, _lab("creatinine", 1.0, "mg/dL")).value == TRUE
    # creatinine 3.3: female 27.6, male 32.4 -> straddles 30
    straddle = _judge(CRCL_AT_LEAST_30, *base, _lab("creatinine", 3.3, "mg/dL"))
    assert straddle.value == UNKNOWN
    assert straddle.ask == "sex"


def test_a_stated_clearance_wins_over_the_derived_one():
    facts = [Fact("LAB", "crcl", "CrCl 25 mL/min", value=25, unit="mL/min", value_normalized=25, unit_normalized="mL/min"),
             Fact("AGE", "age", "30", value=30), _lab("creatinine", 0.8, "mg/dL")]
    assert _judge(CRCL_AT_LEAST_30, *facts).value == FALSE


def test_score_threshold_and_out_of_range_score():
    leaf = {"type": "score", "score": "sledai", "op": ">=", "value": 6}
    assert _judge(leaf, Fact("SCORE", "sledai", "SLEDAI 8", value=8)).value == TRUE
    assert _judge(leaf, Fact("SCORE", "sledai", "SLEDAI 4", value=4)).value == FALSE
    out_of_range = _judge(leaf, Fact("SCORE", "sledai", "SLEDAI 400", value=400))
    assert out_of_range.value == UNKNOWN and out_of_range.ask == "confirm:score:sledai"
