"""Studies that offer the patient no treatment, for the ranking (``matching.engine``).

A registry study of the response to cell therapy the patient receives elsewhere (its
interventions "Tumor biopsy", "Blood sample", its purpose OTHER), a screening platform or
an observational study may list the patient's condition as broadly as a treatment trial
does ("Hematologic Cancer" beside a CD7 CAR-T trial for haematological tumours): fitting
equally, it tied with the treatment trial and the text decided. What a study offers is read
from its record (``untreating_types``, ``treatment_purposes`` and ``treating_interventions``
of data/catalogue.yaml): such a study's condition fit is lowered by ``UNTREATING_STEP``, so
it ranks after the trials fitting the patient equally, before those of the next grade. It
rules nothing out: only a criterion does.
"""
from __future__ import annotations

import json
from typing import Any

from data.catalogue import load_catalogue
from data.condition_names import UNTREATING_STEP
from data.store_memo import StoreMemo, stored_rows

_FOUND = StoreMemo()


def _untreating(study_type: str | None, purpose: str | None, types: list) -> bool:
    """Observational, or a purpose given that is not treatment and no intervention of a treating type."""
    catalogue = load_catalogue()
    if study_type in catalogue.untreating_types:
        return True
    if not purpose or purpose in catalogue.treatment_purposes:
        return False
    return not any(t in catalogue.treating_interventions for t in types)


def untreating_trials(db: Any) -> frozenset[str]:
    """Ids of the stored trials offering no treatment, remembered while the trials stay the same."""
    return _FOUND.get(db, lambda: _read(db))


def _read(db: Any) -> frozenset[str]:
    ids = set()
    rows = stored_rows(db, "SELECT id, json_extract(record, '$.study_type'), json_extract(record, '$.design.purpose'), "
                           "json_extract(record, '$.interventions') FROM trials")
    for trial_id, study_type, purpose, interventions in rows:
        types = [i.get("type") for i in json.loads(interventions or "[]") if isinstance(i, dict)]
        if _untreating(study_type, purpose, types):
            ids.add(trial_id)
    return frozenset(ids)


def untreating_fits(ids: list[str], fits: list, untreating: frozenset[str]) -> list:
    """The condition fits with each study offering no treatment lowered by
    ``UNTREATING_STEP`` (one that fits not at all stays at none)."""
    return [fit - UNTREATING_STEP if fit > 0 and i in untreating else fit for i, fit in zip(ids, fits)]
