"""benchmarks/criteria_records.py: coverage and reading speed of the importer's criteria
parsing on registry JSON files (here one bundled test study)."""
from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.criteria_records import evaluate

STUDY = Path(__file__).resolve().parent / "data" / "ctgov" / "single_study.json"


def test_counts_every_criterion_once_as_full_partial_or_review(tmp_path):
    shutil.copy(STUDY, tmp_path / "NCT00000001.json")
    result = evaluate(tmp_path)
    assert result["studies"] == 1 and result["criteria"] > 0
    assert result["full"] + result["partial"] + result["review"] == result["criteria"]
    assert 0 <= result["coverage"] <= 1 and result["studies_per_s"] > 0
