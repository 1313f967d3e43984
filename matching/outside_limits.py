"""Trials for the patient's own condition that pruning left out for age or sex.

Pruning (``matching.candidates``) leaves out every trial whose hard age or sex limits
exclude the patient, and the conversation counts them with the trials for other conditions.
For a lupus trial that takes adults from 18 and a 17-year-old with lupus, that count hides
what a parent most wants to know: such a trial exists, and why it does not fit now.
``outside_limits(db, found)`` names them: the trials that list one of the patient's stated
diagnoses (as pruning matched them: the concept, a broader or a narrower one) and whose
limits exclude the patient's age or sex, with those limits, in id order.
"""
from __future__ import annotations

import json
from typing import Any

from matching.candidates import Candidates, _demographics


def outside_limits(db: Any, found: Candidates | None) -> list[dict[str, Any]]:
    """``[{"id", "min_age", "max_age", "sex"}]`` (see the module docstring); empty when no
    diagnosis is known or neither age nor sex narrowed anything."""
    if found is None or not found.diagnosis_known or not found.diagnoses:
        return []
    patient = found.patient
    if patient.age is None and patient.sex is None:
        return []
    where, params = _demographics(patient)
    sql = ("SELECT DISTINCT l.trial_id, l.min_age, l.max_age, l.sex FROM trial_conditions c "
           "JOIN trial_limits l ON l.trial_id = c.trial_id "
           "WHERE c.concept IN (SELECT value FROM json_each(?)) "
           f"AND NOT ({where}) ORDER BY l.trial_id")
    return [{"id": row[0], "min_age": row[1], "max_age": row[2], "sex": row[3]}
            for row in db.execute(sql, [json.dumps(list(found.diagnoses)), *params])]
