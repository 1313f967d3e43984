"""Studies done in healthy people, for the ranking (``matching.engine``): a study whose title
says it is in healthy volunteers ("A Clinical Trial of ... TQH3821 Tablets in
Adult Healthy Subjects", filed under rheumatoid arthritis) is no study for a patient with
that disease. For a patient who states a diagnosis it ranks after every trial for their
conditions (its condition fit counts as none). For a person who says they are healthy and
states no diagnosis ("I'm 31 with no illness at all", "nothing wrong with her": the
terminology's ``healthy``) the studies in healthy people are theirs: those whose title or
registry conditions say so first (a condition of being well: "Healthy", or ageing itself),
then those that accept healthy volunteers (the registry's
flag, also set by patient studies with healthy controls); for anyone else they keep their
place. It rules nothing out: only a criterion does.
"""
from __future__ import annotations

import json
from typing import Any

from data.condition_names import (NAME_FIT, RELATED_FIT, healthy_people_conditions, healthy_volunteer_names,
                                  volunteer_groups)
from data.store_memo import StoreMemo, stored_rows
from matching.keywords import trials_naming
from matching.relevance import states_a_diagnosis

HEALTHY = "healthy"                 # the terminology's concept of a person who says they are healthy
_FOR_HEALTHY = StoreMemo()


class VolunteerStudies(frozenset):
    """The ids of the studies whose title says they are done in healthy people (the set
    itself), and, worked out when a healthy person is ranked (``for_healthy``), the studies
    for healthy people (that title, or registry conditions naming only healthy people) and
    those accepting healthy volunteers beside patients (the registry's flag)."""

    db: Any = None

    def __new__(cls, titled: frozenset[str], db: Any = None) -> "VolunteerStudies":
        found = super().__new__(cls, titled)
        found.db = db
        return found

    def for_healthy(self) -> tuple[frozenset[str], frozenset[str]]:
        """(studies for healthy people, studies accepting them), remembered while the trials
        stay the same."""
        if self.db is None:
            return frozenset(self), frozenset()
        return _FOR_HEALTHY.get(self.db, self._read)

    def _read(self) -> tuple[frozenset[str], frozenset[str]]:
        named, accepting = set(self), set()
        # registry conditions saying the people are well ("Healthy", "Healthy Volunteers", and
        # ageing: "Aging" for a study in sedentary people of 65+; evidence.yaml)
        well = healthy_people_conditions()
        group = volunteer_groups()
        rows = stored_rows(self.db, "SELECT id, json_extract(record, '$.conditions_text'), "
                                    "json_extract(record, '$.eligibility.healthy_volunteers'), "
                                    "json_extract(record, '$.title') FROM trials")
        for trial_id, conditions, flag, title in rows:
            names = [str(n).strip().lower() for n in json.loads(conditions or "[]")]
            if isinstance(title, str) and group.search(title):
                # a particular group of healthy people ("Healthy Special Forces Trainees"):
                # not every healthy person's study, one that takes some of them (h157, round 33)
                named.discard(trial_id)
                accepting.add(trial_id)
            elif names and all(n.startswith(well) for n in names):
                named.add(trial_id)
            elif flag == 1:
                accepting.add(trial_id)
        return (frozenset(named), frozenset(accepting - named))


def volunteer_trials(db: Any) -> VolunteerStudies:
    """Ids of the trials whose title says they are done in healthy people
    (``healthy_volunteer_names`` in data/evidence.yaml; ``keywords.trials_naming``). Not the
    keywords: a patient study with healthy controls keys "Healthy Volunteer" too (the
    scopolamine mood-disorder imaging study); it accepts healthy volunteers (``for_healthy``)."""
    return VolunteerStudies(trials_naming(db, list(healthy_volunteer_names()), columns="title"), db)


def healthy_person(ev: Any) -> bool:
    """The person says they are healthy ("no illness", "in good health", also as a wish: "I'd
    like to be a volunteer") and states no diagnosis."""
    said = any(f.concept == HEALTHY and not (f.negated or f.family) for f in ev.facts("CONDITION"))
    return said and not states_a_diagnosis(ev) and not _booked_for_an_operation(ev)


def _booked_for_an_operation(ev: Any) -> bool:
    """(h188, round 39) The person is booked for an operation or a procedure ("otherwise fit and
    healthy, booked for a keyhole rotator cuff repair next month"): its patient, not a healthy
    volunteer; the studies of the operation's people rank first (matching.keywords), not those
    in healthy volunteers. Not one denied, a relative's, or one had in the past."""
    return any(f.hypothetical and not (f.negated or f.family or f.historical) for f in ev.facts("PROCEDURE"))


def says_healthy(profile: Any, today: Any = None) -> bool:
    """``healthy_person`` of a profile: the conversation asks such a person no diagnosis (they
    said they have none)."""
    from matching.evaluate import Evaluator  # start-up: the matcher only once a turn matches

    return healthy_person(Evaluator(profile, today=today))


def volunteer_fits(ids: list[str], fits: list, volunteers: frozenset[str], ev: Any) -> list:
    """The condition fits with the studies in healthy people placed: for a healthy person
    those named so fit as a related condition does and those accepting healthy volunteers
    as a name does; for a patient with a condition of theirs, the title-named ones fit none."""
    if healthy_person(ev):
        named, accepting = (volunteers.for_healthy() if isinstance(volunteers, VolunteerStudies)
                            else (volunteers, frozenset()))
        return [max(fit, RELATED_FIT) if i in named else max(fit, NAME_FIT) if i in accepting else fit
                for i, fit in zip(ids, fits)]
    if any(fits):
        return [0 if i in volunteers else fit for i, fit in zip(ids, fits)]
    return fits


def not_for_this_patient(trial_id: str, db: Any, ev: Any) -> bool:
    """A study in healthy volunteers (by its title: ``volunteer_trials``, the studies the
    ranking places last) shown to a patient who states a diagnosis: a record the registry
    flags as taking healthy volunteers is ruled out by its own criterion (``elig-healthy``,
    data.rule_nodes.healthy_only); for one without the flag no criterion rules it out, so
    the results say so beside it."""
    return ev is not None and db is not None and states_a_diagnosis(ev) and trial_id in volunteer_trials(db)
