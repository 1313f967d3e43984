"""Studies done in healthy people, for the ranking (``matching.engine``): a study whose title
says it is in healthy volunteers ("A Clinical Trial of ... TQH3821 Tablets in
Adult Healthy Subjects", filed under rheumatoid arthritis) is no study for a patient with
that disease. For a patient who states a diagnosis it ranks after every trial for their
conditions (its condition fit counts as none); for a person who states none it keeps its
place. It rules nothing out: only a criterion does.
"""
from __future__ import annotations

from typing import Any

from data.condition_names import healthy_volunteer_names
from matching.keywords import trials_naming


def volunteer_trials(db: Any) -> frozenset[str]:
    """Ids of the trials whose title says they are done in healthy people
    (``healthy_volunteer_names`` in data/evidence.yaml; ``keywords.trials_naming``). Not the
    keywords: a patient study with healthy controls keys "Healthy Volunteer" too (the
    scopolamine mood-disorder imaging study)."""
    return trials_naming(db, list(healthy_volunteer_names()), columns="title")
