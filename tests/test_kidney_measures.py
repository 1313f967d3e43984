"""Protein in the urine, as lupus nephritis and kidney patients and their letters write it,
and as kidney trials set limits on it (data/terminology/labs_urine.yaml, kidney.yaml)."""
from __future__ import annotations

import pytest

from assertion_helpers import of
from criteria_helpers import parse, verdict


@pytest.mark.parametrize("text, concept, value", [
    ("UACR 450 mg/g", "uacr", 450), ("UACR 35 mg/mmol", "uacr", 35 * 8.84),
    ("her UPCR was 2.3 g/g", "upcr", 2300), ("UPCR 180 mg/mmol", "upcr", 180 * 8.84),
    ("proteinuria 2.5 g/day", "urine_protein_24h", 2.5), ("24-hour urine protein 800 mg/day", "urine_protein_24h", 0.8),
])
def test_urine_protein_values_are_read_in_one_unit(text, concept, value):
    assert of(text, concept).value_normalized == pytest.approx(value, rel=1e-3)


@pytest.mark.parametrize("text, negated", [("there is still protein in her urine", False),
                                           ("no proteinuria", True)])
def test_protein_in_the_urine_without_a_value_is_a_finding(text, negated):
    assert of(text, "proteinuria").negated is negated


@pytest.mark.parametrize("criterion, kind, patient, expected", [
    ("UACR ≥ 30 mg/g (3.4 mg/mmol) at screening", "inclusion", "UACR 450 mg/g", "true"),
    ("UACR ≥ 30 mg/g (3.4 mg/mmol) at screening", "inclusion", "UACR 2 mg/mmol", "false"),
    ("Have UACR >5000 mg/g (565 mg/mmol) at screening", "exclusion", "UACR 450 mg/g", "false"),
    ("Urine protein-to-creatinine ratio (UPCR) ≥ 0.5 g/g", "inclusion", "UPCR 180 mg/mmol", "true"),
    ("Nephrotic syndrome or proteinuria > 3.5 g/day", "exclusion", "proteinuria 2.5 g/day", "unknown"),
])
def test_kidney_trial_limits_judge_the_value_in_any_unit(criterion, kind, patient, expected):
    assert verdict(parse(criterion, kind), patient) == expected
