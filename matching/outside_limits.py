"""Trials for the patient's own condition that pruning left out for age or sex.

Pruning (``matching.candidates``) leaves out every trial whose hard age or sex limits
exclude the patient, and the conversation counts them with the trials for other conditions.
For a lupus trial that takes adults from 18 and a 17-year-old with lupus, that count hides
what a parent most wants to know: such a trial exists, and why it does not fit now.
``outside_limits(db, found)`` names them: the trials that list one of the patient's stated
diagnoses (as pruning matched them: the concept, a broader or a narrower one) and whose
limits exclude the patient's age or sex, with those limits, in id order; never a study done
in healthy people (``matching.volunteer_trials``), whatever condition it is filed under. The answer is
remembered per store, trials version, diagnoses, age and sex (a conversation shows its
results again and again with these unchanged; the query took 2-5 ms at 10,000 trials).
"""
from __future__ import annotations

import json
from typing import Any

from data.condition_names import umbrella
from data.store_memo import StoreMemo, store_key
from data.terminology import load_terminology
from matching.candidates import Candidates, demographics_sql
from matching.relevance import background_beside_main
from matching.volunteer_trials import volunteer_trials


def outside_limits(db: Any, found: Candidates | None) -> list[dict[str, Any]]:
    """``[{"id", "min_age", "max_age", "sex"}]`` (see the module docstring); empty when no
    diagnosis is known or neither age nor sex narrowed anything."""
    if found is None or not found.diagnosis_known or not found.diagnoses:
        return []
    patient = found.patient
    if patient.age is None and patient.sex is None:
        return []
    store = store_key(db)
    kept = _KEPT.get(db, lambda: _outside(db, found, store[1]), tuple(found.diagnoses), patient.age, patient.sex,
                     store=store)
    return [dict(row) for row in kept]        # the caller completes its own copies


KEPT = 64
_KEPT = StoreMemo(KEPT, unversioned=False)   # by store, trials version, diagnoses, age and sex


def _outside(db: Any, found: Candidates, version: str | None = None) -> list[dict[str, Any]]:
    """``outside_limits`` read from the store, not remembered: the trials outside the limits
    from the in-memory pruning index that found the candidates, when it is current (the
    same rules, ``CatalogIndex.outside``; then their rows by id), else in one SQL query."""
    patient = found.patient
    ref = getattr(found, "memo", {}).get("index")
    index = ref() if ref is not None else None
    if index is not None and version is not None and index.version == version:
        ids = [index.ids[row] for row in index.outside(patient, found.diagnoses).tolist()]
        sql = ("SELECT trial_id, min_age, max_age, sex, condition_list FROM trial_limits "
               "WHERE trial_id IN (SELECT value FROM json_each(?)) ORDER BY trial_id")
        params: list[Any] = [json.dumps(ids)]
    else:
        where, params = demographics_sql(patient)
        sql = ("SELECT DISTINCT l.trial_id, l.min_age, l.max_age, l.sex, l.condition_list FROM trial_conditions c "
               "JOIN trial_limits l ON l.trial_id = c.trial_id "
               "WHERE c.concept IN (SELECT value FROM json_each(?)) "
               f"AND NOT ({where}) ORDER BY l.trial_id")
        params = [json.dumps(list(found.diagnoses)), *params]
    terminology = load_terminology()
    in_healthy_people = volunteer_trials(db)
    # not for a comorbidity named beside the main diagnosis ("AML ... she has diabetes": no
    # list of diabetes studies for other ages)
    background = background_beside_main(found.diagnoses, terminology)
    mine_all = [c for c in found.diagnoses if c not in background]
    rows = []
    for trial_id, low, high, sex, listed in db.execute(sql, params):
        if trial_id in in_healthy_people:
            continue      # a study done in healthy people ("... in Adult Healthy Subjects", filed
            #               under rheumatoid arthritis) is no trial for this condition at any age
        # named only when one of the trial's listed conditions is the patient's diagnosis, a
        # broader or a narrower one, no class of many diseases: the gate's reach also opens
        # "Germ Cell Tumors" to every cancer, and a children's antiemetic study filed under
        # "Hematopoietic System--Cancer" reaches a T-ALL, which is no trial "for this condition"
        listed = json.loads(listed) if listed else []
        if any(_close(terminology, mine, theirs) for mine in mine_all for theirs in listed):
            rows.append({"id": trial_id, "min_age": low, "max_age": high, "sex": sex})
    return rows


def _close(terminology: Any, mine: str, theirs: str) -> bool:
    if mine == theirs:
        return True
    if theirs not in terminology or mine not in terminology:
        return False
    if not terminology[mine].parents or umbrella(theirs, terminology):
        return False      # a top class; a trial for a class of many diseases (haematological malignancy, solid tumour)
    return terminology.is_a(mine, theirs) or terminology.is_a(theirs, mine)
