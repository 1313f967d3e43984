"""Judge every criterion of every trial against a profile, give each trial a verdict, rank.

``match(profile, trials, today=None) -> list[TrialResult]``

- Each criterion gets a status: ``pass``, ``fail``, ``unknown`` or ``review`` (only the
  trial team can judge), with evidence. Groups (``combine: any|all`` over ``children``)
  combine their children's statuses with Kleene logic.
- Top-level criteria decide the verdict: ``ineligible`` when any fails; ``likely`` when
  the rest pass or are for review (and at least one passes); else ``possible``.
- Score: the share of evaluable (non-review) top-level criteria that pass. Trials rank
  likely > possible > ineligible, then by score, then fewer unknowns, then id.

Registry age/sex limits (``eligibility``) become criteria ``elig-age`` / ``elig-sex`` when no
criterion of the record already states them, so they are never silently dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

from matching.evaluate import Evaluator
from matching.rules import iter_leaves
from matching.truth import (
    FAIL, PASS, REVIEW, UNKNOWN, LeafResult, combine_statuses, status_of,
)
from nlp.facts import Profile

LIKELY, POSSIBLE, INELIGIBLE = "likely", "possible", "ineligible"
VERDICT_ORDER = {LIKELY: 0, POSSIBLE: 1, INELIGIBLE: 2}
VERDICT_WORDS = {
    LIKELY: "may qualify — likely",
    POSSIBLE: "possible — more information needed",
    INELIGIBLE: "does not appear to qualify",
}


@dataclass
class CriterionResult:
    id: str
    kind: str
    text: str
    status: str
    evidence: list[LeafResult]
    parent: str | None = None
    combine: str | None = None
    children: list["CriterionResult"] = field(default_factory=list, repr=False)
    criterion: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        evidence = [e.to_dict() for e in self.evidence]
        if self.combine:
            shown = ", ".join(f"{c.id}: {c.status}" for c in self.children)
            evidence = [{"rule": f"{self.combine} of {len(self.children)} sub-criteria", "result": self.status,
                         "reason": shown, "quotes": []}]
        return {"id": self.id, "kind": self.kind, "text": self.text, "status": self.status,
                "evidence": evidence, "parent": self.parent}


@dataclass
class TrialResult:
    trial: dict
    verdict: str
    score: float
    criteria: list[CriterionResult]
    questions: list = field(default_factory=list)
    unknowns: int = 0
    evaluator: Evaluator | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.trial["id"]

    @property
    def top(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.parent is None]

    @property
    def failing(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.status == FAIL]

    def open_leaves(self) -> list[tuple[CriterionResult, LeafResult]]:
        """Unknown leaves that could still change this trial's verdict, with their
        top-level criterion, in criterion order."""
        found = []
        for top in self.top:
            if top.status == UNKNOWN:
                for leaf in _open_leaves(top):
                    found.append((top, leaf))
        return found

    def to_dict(self) -> dict[str, Any]:
        trial = self.trial
        return {
            "id": trial["id"],
            "nct_id": trial.get("nct_id"),
            "title": trial.get("title"),
            "verdict": self.verdict,
            "score": round(self.score, 3),
            "criteria": [c.to_dict() for c in self.criteria],
            "questions": [q.to_dict() for q in self.questions],
            "sites": list(trial.get("sites") or []),
            "contacts": list(trial.get("contacts") or []),
        }


def _open_leaves(criterion: CriterionResult) -> list[LeafResult]:
    if criterion.combine:
        return [leaf for child in criterion.children if child.status == UNKNOWN for leaf in _open_leaves(child)]
    return [leaf for leaf in criterion.evidence if leaf.value == UNKNOWN]


def match(profile: Profile, trials: Iterable[dict], today: date | None = None,
          evaluator: Evaluator | None = None) -> list[TrialResult]:
    """Judge every trial for the profile; ranked likely > possible > ineligible."""
    from matching.questions import trial_questions

    ev = evaluator or Evaluator(profile, today=today)
    results = []
    for trial in trials:
        result = judge_trial(trial, ev)
        result.questions = trial_questions(result)
        results.append(result)
    results.sort(key=rank_key)
    return results


def rank_key(result: TrialResult) -> tuple:
    return (VERDICT_ORDER[result.verdict], -result.score, result.unknowns, result.id)


def judge_trial(trial: dict, ev: Evaluator) -> TrialResult:
    criteria: list[CriterionResult] = []
    for criterion in _with_registry_limits(trial):
        judge_criterion(criterion, ev, criteria, parent=None, kind=criterion.get("kind", "inclusion"))
    top = [c for c in criteria if c.parent is None]
    statuses = [c.status for c in top]
    if FAIL in statuses:
        verdict = INELIGIBLE
    elif all(s in (PASS, REVIEW) for s in statuses) and PASS in statuses:
        verdict = LIKELY
    else:
        verdict = POSSIBLE
    evaluable = [s for s in statuses if s != REVIEW]
    score = statuses.count(PASS) / len(evaluable) if evaluable else 0.0
    return TrialResult(trial, verdict, score, criteria, unknowns=statuses.count(UNKNOWN), evaluator=ev)


def judge_criterion(criterion: dict, ev: Evaluator, out: list[CriterionResult], parent: str | None,
                    kind: str) -> CriterionResult:
    """Judge one criterion (and its children), appending parents before children to ``out``."""
    kind = criterion.get("kind") or kind
    result = CriterionResult(criterion["id"], kind, criterion.get("text", ""), UNKNOWN, [], parent,
                             criterion=criterion)
    out.append(result)
    if criterion.get("children"):
        result.combine = criterion.get("combine", "all")
        result.children = [judge_criterion(child, ev, out, criterion["id"], kind) for child in criterion["children"]]
        result.status = combine_statuses(result.combine, [c.status for c in result.children])
    elif criterion.get("rule") is not None:
        judged = ev.rule(criterion["rule"])
        result.status = status_of(judged.value, kind)
        result.evidence = judged.leaves
    else:
        result.status = REVIEW
    return result


def _with_registry_limits(trial: dict) -> list[dict]:
    """The trial's criteria, plus age/sex limits from the registry fields when no criterion
    states them already."""
    criteria = list(trial.get("criteria") or [])
    limits = trial.get("eligibility") or {}
    types = {leaf.get("type") for c in _walk(criteria) if c.get("rule") for leaf in iter_leaves(c["rule"])}
    low, high = limits.get("min_age_years"), limits.get("max_age_years")
    if (low is not None or high is not None) and "age" not in types:
        rule = {"type": "age"}
        if low is not None:
            rule["min"] = low
        if high is not None:
            rule["max"] = high
        span = f"{low:g} to {high:g} years" if low is not None and high is not None else (
            f"{low:g} years or older" if low is not None else f"{high:g} years or younger")
        criteria.append({"id": "elig-age", "kind": "inclusion", "rule": rule,
                         "text": f"Age {span} (registry eligibility limits)"})
    sex = (limits.get("sex") or "ALL").upper()
    if sex in ("FEMALE", "MALE") and "sex" not in types:
        criteria.append({"id": "elig-sex", "kind": "inclusion", "rule": {"type": "sex", "allowed": [sex.lower()]},
                         "text": f"Sex: {sex.lower()} only (registry eligibility limits)"})
    return criteria


def _walk(criteria: list[dict]):
    for criterion in criteria:
        yield criterion
        yield from _walk(criterion.get("children") or [])
