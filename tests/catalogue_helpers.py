"""A trial catalogue of a few real registry records, for the relevance tests (round 32 h152,
round 33 h157): the records are copied from ../shared/ctgov into a folder of the test's own and
imported as the relevance bench imports them; the test is skipped without the shared records."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CTGOV = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov"


def catalogue_of(tmp_path: Path, ids: list[str]):
    from benchmarks.relevance import build_catalogue  # start-up: the bench only for these tests
    from matching.catalog import TrialCatalog  # start-up: imported with the bench above

    if not CTGOV.is_dir():
        pytest.skip("needs ../shared/ctgov")
    folder = tmp_path / "ctgov"
    folder.mkdir()
    for nct in ids:
        shutil.copy(CTGOV / f"{nct}.json", folder / f"{nct}.json")
    return TrialCatalog(build_catalogue(tmp_path, folder))
