"""One real registry record for a test: ``record("NCT04766866")`` imports it from the shared
ClinicalTrials.gov records (../shared/ctgov beside the checkout, as ``tests/fake_ctgov.py``
serves them), or skips the test when they are not there."""
from __future__ import annotations

import pytest

from registry.ctgov import import_file
from fake_ctgov import SHARED_CTGOV


def record(trial_id: str) -> dict:
    path = SHARED_CTGOV / f"{trial_id}.json"
    if not path.exists():
        pytest.skip(f"needs the shared registry records ({SHARED_CTGOV})")
    return import_file(path)[0]
