"""Matching results shaped for the conversation: per trial, what fits, what is open, what
rules it out, and where to ask (sites and contacts, chosen by ``bot.sites``), as plain dicts
the renderer words.

Works on ``matching.engine.TrialResult`` objects through their documented attributes
(``trial``, ``verdict``, ``score``, ``criteria`` with ``id``, ``kind``, ``text``,
``status``, ``evidence``, ``parent``). Nothing is dropped: every top-level criterion
lands in exactly one of met / exclusions clear / open / review / failed, except headings
and notes, which are no criteria: their sub-criteria take their place (``shown_criteria``).
"""
from __future__ import annotations

from typing import Any, Iterable

from bot.geo import Gazetteer
from bot.sites import where_to_ask
from core.facts import Fact
from core.rules import is_review_only
from core.truth import FAIL, PASS
from data.criteria_headings import is_heading
from matching.relevance import (fits_by_organ_only, healthy_state, main_diagnoses, ranked_diagnoses, states_a_diagnosis, suspected_diagnoses,
                                treated_diagnoses)
from matching.volunteer_trials import HEALTHY

CANDIDATE = ("likely", "possible")


def names_a_condition(result: Any) -> bool:
    """The person's words state or suspect a diagnosis, or name treatments that imply one,
    that the condition gate reads (``matching.relevance``), or say the person is healthy (a
    volunteer): only then does a trial's place in the list say it is for them. With none, every
    trial is "possible" and the list misleads (the chat asks the diagnosis instead; triage says
    so)."""
    judgement = getattr(result, "judgement", None)
    if judgement is None:
        return True         # a result that keeps no evidence (a matcher of another kind): not hidden
    ev = judgement.ev
    return (states_a_diagnosis(ev) or bool(suspected_diagnoses(ev)) or bool(treated_diagnoses(ev))
            or any(f.concept == HEALTHY or healthy_state(f.concept) for f in (*ev.facts("CONDITION"), *ev.facts("PREGNANCY"))
                   if not (f.negated or f.family or f.hypothetical)))


def reads_a_condition(result: Any) -> bool:
    """``names_a_condition``, or the ranking reads a condition the person's facts imply (a
    pregnancy, a measured BMI, a treatment's disease: ``ranked_diagnoses``): the chat lists
    trials only then; with none ("im 30, female") it asks the diagnosis instead."""
    judgement = getattr(result, "judgement", None)
    return judgement is None or names_a_condition(result) or bool(ranked_diagnoses(judgement.ev))


def evidence_facts(evidence: Any) -> list[Fact]:
    """The facts a judgement rests on (``LeafResult.facts``), de-duplicated, in order; the
    renderer words them ("not pregnant", "age 35") so a negated span never reads as if
    the user had said the opposite."""
    items = evidence if isinstance(evidence, (list, tuple)) else [evidence] if evidence else []
    found: dict[tuple, Fact] = {}       # by value: a long letter names a diagnosis hundreds of times
    for item in items:
        for fact in getattr(item, "facts", None) or []:
            if isinstance(fact, Fact):
                found.setdefault(tuple(fact.__dict__.values()), fact)
    return list(found.values())


def _criterion(c: Any) -> dict[str, Any]:
    return {"id": c.id, "kind": c.kind, "text": c.text, "status": c.status,
            "evidence": evidence_facts(c.evidence), "parent": c.parent}


def shown_criteria(criteria: Iterable[Any]) -> list[dict[str, Any]]:
    """The criteria as people see them, headings and notes left out
    (``data.criteria_headings``): a heading or note without sub-criteria (and with no
    rule of its own) is not shown; a heading over sub-criteria gives way to them, each
    with its own verdict, under the heading's parent. Under an "any" heading only the
    alternatives that decide its verdict stay (a failed alternative is not a reason when
    another one fits), and of undecided cohorts only the patient's when the patient's
    diagnosis meets one (``matching.cohorts.other_cohorts``). Verdicts are unchanged: they come from the rules."""
    items = list(criteria)
    rows = [_criterion(c) for c in items]
    children: dict[str | None, list[dict]] = {}
    for row, item in zip(rows, items):
        row["combine"] = getattr(item, "combine", None)
        row["_other"] = getattr(item, "other_cohort", False)
        rule = (getattr(item, "criterion", None) or {}).get("rule")
        row["_bare"] = rule is None or is_review_only(rule)
        children.setdefault(row["parent"], []).append(row)
    shown: list[dict] = []

    def visit(row: dict, parent: str | None, other: bool = False) -> None:
        below = children.get(row["id"], [])
        row["_other"] = other = other or row["_other"]     # a cohort not the patient's, and all under it
        if is_heading(row["text"]) and (below or row["_bare"]):
            if row["combine"] == "any":
                below = [c for c in below if _decides(c["status"], row["status"]) and not c["_other"]]
            for child in below:
                visit(child, parent, other)
            return
        row["parent"] = parent
        shown.append(row)
        for child in below:
            visit(child, row["id"], other)

    for top in children.get(None, []):
        visit(top, None)
    for row in shown:
        if row["_other"]:               # an alternative cohort whose disease is not the patient's
            row["status"] = "other_cohort"
        del row["_bare"], row["_other"]
    return shown


def heading_ids(criteria: Iterable[Any]) -> set[str]:
    """The ids of the criteria that are headings or notes (``shown_criteria`` leaves them
    out): for ``triage --json``, which lists every criterion and marks these."""
    items = list(criteria)
    parents = {getattr(c, "parent", None) for c in items}
    found = set()
    for item in items:
        rule = (getattr(item, "criterion", None) or {}).get("rule")
        if is_heading(item.text) and (item.id in parents or rule is None or is_review_only(rule)):
            found.add(item.id)
    return found


def _decides(child: str, group: str) -> bool:
    """Whether an alternative of an "any" group explains the group's status."""
    undecided = ("unknown", "review")
    return child == group or (child in undecided and group in undecided)


def criteria_by_status(criteria: Iterable[Any]) -> dict[str, list[dict]]:
    """Top-level criteria sorted into met / clear (exclusions not applying) / open /
    review / failed; each carries its children (the sub-criteria) for detail. Headings
    and notes are not criteria (``shown_criteria``)."""
    rows = shown_criteria(criteria)
    children: dict[str, list[dict]] = {}
    for row in rows:
        if row["parent"] is not None:
            children.setdefault(row["parent"], []).append(row)
    groups: dict[str, list[dict]] = {"met": [], "clear": [], "open": [], "review": [], "failed": []}
    for row in rows:
        if row["parent"] is not None:
            continue
        row["children"] = _descendants(row["id"], children)
        status, kind = row["status"], row["kind"]
        if status == "pass":
            groups["met" if kind == "inclusion" else "clear"].append(row)
        elif status == "fail":
            # a failed group says why through its failing sub-criteria
            failing = [c for c in row["children"] if c["status"] == "fail" and not _has_children(c, rows)]
            groups["failed"].extend(failing or [row])
        elif status == "review":
            groups["review"].append(row)
        else:
            groups["open"].append(row)
    return groups


def _has_children(row: dict, rows: list[dict]) -> bool:
    return any(other["parent"] == row["id"] for other in rows)


def _descendants(parent: str, children: dict[str, list[dict]]) -> list[dict]:
    out = []
    for child in children.get(parent, []):
        out.append(child)
        out.extend(_descendants(child["id"], children))
    return out


def trial_view(result: Any, place: str | None, gazetteer: Gazetteer | None) -> dict[str, Any]:
    trial = result.trial
    return {
        "id": trial.get("id"),
        "nct_id": trial.get("nct_id"),
        "title": trial.get("title") or trial.get("official_title") or trial.get("id"),
        "status": trial.get("status"),
        "verdict": result.verdict,
        "score": getattr(result, "score", None),
        "criteria": criteria_by_status(result.criteria),
        **where_to_ask(trial, place, gazetteer),
    }


def split_ruled_out(results: list[Any]) -> tuple[list[Any], int]:
    """The results ruled out for a reason of their own, in order, and how many were ruled
    out only as trials for other conditions (a bile-duct study for a lupus patient): those
    are counted with the trials pruning left out, never listed (chat results, summary)."""
    ruled_out, off_condition = [], 0
    for result in results:
        if result.verdict in CANDIDATE:
            continue
        if getattr(result, "off_condition", False):
            off_condition += 1
        else:
            ruled_out.append(result)
    return ruled_out, off_condition


def shape_results(results: list[Any], place: str | None, gazetteer: Gazetteer | None,
                  max_candidates: int = 5, max_ruled_out: int = 5, left_out: int = 0) -> dict[str, Any]:
    """Candidates (may qualify) best first, then trials ruled out, each as a view;
    ``left_out``: trials pruning did not judge (for other conditions, or outside their
    age or sex limits), counted so none vanishes without a word."""
    candidates = [r for r in results if r.verdict in CANDIDATE]
    # a patient stating no diagnosis of their own but a suspected one ("my doctor thinks i might
    # have lupus"), some trials fitting it: those are the list; the others, for nothing the
    # patient named and ruled out by no diagnosis, are counted ("186 more trials ... for
    # conditions you have not told me of"), never listed beside them as if they fitted as well
    # (lead, round 28). A stated diagnosis has the gate leave out the others already.
    candidates, unfitted = fitting_first(candidates)
    # trials for what may come with the stated diagnosis (a kidney-disease trial for lupus
    # nephritis) and studies about no disease (an ITP patient of 71 was offered a study of
    # ageing first): named apart, never "may qualify" beside the trials for the patient's own
    candidates, linked, general = apart(candidates)
    ruled_out, off_condition = split_ruled_out(results)
    if unfitted:
        # the same for the trials ruled out: for possible lupus, a HER2 breast-cancer trial was
        # listed as "probably doesn't fit: it excludes corticosteroids" (lead, round 34); trials
        # for nothing the patient named are counted with the others, not listed
        fitted = [r for r in ruled_out if getattr(r, "condition_fit", 0) > 0 and not _organ_only(r)]
        off_condition += len(ruled_out) - len(fitted)
        ruled_out = fitted
    left_out += off_condition
    main, others = for_other_conditions(candidates)
    return {
        "place": place,
        "main": main,
        "others": others,
        "candidates": [trial_view(r, place, gazetteer) for r in candidates[:max_candidates]],
        "more_candidates": max(0, len(candidates) - max_candidates),
        "linked": [linked_view(r) for r in linked[:max_candidates]],
        "more_linked": max(0, len(linked) - max_candidates),
        "general": [linked_view(r) for r in general[:max_candidates]],
        "more_general": max(0, len(general) - max_candidates),
        "unfitted": unfitted,
        "ruled_out": [trial_view(r, None, None) for r in ruled_out[:max_ruled_out]],
        "more_ruled_out": max(0, len(ruled_out) - max_ruled_out),
        "left_out": left_out,
    }


def for_other_conditions(candidates: list[Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """When every trial listed is for a comorbidity and none for the illness the patient came
    about (a daughter writing for her mother of 71 with ITP, who "also has diabetes", was shown
    five diabetes trials under "Trials your mother may qualify for"): the main diagnoses and
    the comorbidities the list is for, each as (concept, label), so the list says so; else
    two empty lists."""
    evaluator = next((getattr(r, "evaluator", None) for r in candidates[:1]), None)
    if evaluator is None:
        return [], []
    mains, background = main_diagnoses(evaluator)
    if not mains or not background:
        return [], []
    met = {f.concept: f.label for r in candidates for f in gate_facts(r)}
    if not met or not met.keys() <= background:
        return [], []
    seen: dict[str, str] = {}
    for f in mains:
        seen.setdefault(f.concept, f.label)
    return list(seen.items()), list(met.items())


def fitting_first(candidates: list[Any]) -> tuple[list[Any], int]:
    """The candidates to list and how many are left unlisted: for a patient stating no diagnosis
    of their own but a suspected one that some trials fit, those trials (the others counted);
    else every candidate (a stated diagnosis has the gate leave out the others already)."""
    # (round 27, h127) a trial the suspected diagnosis meets only through the organ it involves
    # (a kidney-disease trial for "lupus nefritis i think") is no fit: it was listed as the one
    # that "may qualify" and its kidney and dialysis questions were asked
    fitting = [r for r in candidates if getattr(r, "condition_fit", 0) > 0 and not _organ_only(r)]
    if not fitting or len(fitting) == len(candidates) or _states_a_diagnosis(candidates):
        return candidates, 0
    return fitting, len(candidates) - len(fitting)


CONDITION_GATE = "elig-condition"     # the criterion a trial's conditions become (data.rule_nodes)


def _organ_only(result: Any) -> bool:
    """The trial's condition gate is open on diagnoses that meet its conditions only through
    the organ they involve (``matching.relevance.fits_by_organ_only``)."""
    gate = _open_gate(result) if hasattr(result, "criteria") else None
    if gate is None:
        return False
    return any(fits_by_organ_only(e.leaf, getattr(e, "facts", None) or []) for e in gate.evidence
               if isinstance(getattr(e, "leaf", None), dict))


def apart(candidates: list[Any]) -> tuple[list[Any], list[Any], list[Any]]:
    """The candidates to list as may-qualify, and apart from them, for a patient stating a
    diagnosis, those whose conditions meet it only as something that may come with it
    (``linked_only``) and the studies about no disease (``about_no_disease``); for a patient
    stating no diagnosis, all are listed (lead, round 29)."""
    if not candidates or not _states_a_diagnosis(candidates):
        return candidates, [], []
    linked = [r for r in candidates if linked_only(r)]
    state = _states_a_healthy_state(candidates[0])     # the patient's, the same for every candidate
    general = [r for r in candidates if r not in linked and about_no_disease(r, state)]
    if not linked and not general:
        return candidates, [], []
    return [r for r in candidates if r not in linked and r not in general], linked, general


def _condition_gate(result: Any) -> Any:
    """The criterion the trial's conditions became, or None."""
    return next((c for c in result.criteria if c.id == CONDITION_GATE), None)


def gate_facts(result: Any) -> list[Fact]:
    """The patient's facts the trial's condition gate was judged on (none without a gate)."""
    gate = _condition_gate(result)
    return evidence_facts(gate.evidence) if gate is not None else []


def _open_gate(result: Any) -> Any:
    """The condition gate when it is open (unknown) on what the patient said, else None; a gate
    the plan decides is never open, known without judging the trial's criteria."""
    if _gate_decided(result):
        return None
    gate = _condition_gate(result)
    return gate if gate is not None and gate.status == "unknown" else None


def _gate_decided(result: Any) -> bool:
    """The trial's plan has its condition gate pass or fail (``TrialResult.gate_status``): the
    explained gate says the same, so it is neither open on a linked disease nor for the trial
    team, known without judging each criterion of each candidate (round 27, h129: at 10,000
    trials the split judged ~1,450 candidates' criteria in a results turn, 2-3 s)."""
    return getattr(result, "gate_status", None) in (PASS, FAIL)


def about_no_disease(result: Any, state_stated: bool) -> bool:
    """A study whose conditions are no disease (ageing, healthy volunteers: its condition gate is
    for the trial team) and which meets none of the patient's stated diagnoses; or one met only
    by a state of the patient, no diagnosis ("for pregnant women: a pregnancy the patient has
    meets it": a pre-eclampsia study for a pregnant woman with lupus is not about her lupus).
    A gate the plan decides is judged criterion by criterion only for a patient stating such a
    state (``state_stated``: at 10,000 trials, judging every candidate costs seconds: h129)."""
    if _gate_decided(result) and (result.gate_status == FAIL or not state_stated):
        return False
    gate = _condition_gate(result)
    if gate is None:
        return False
    if gate.status == "pass":
        facts = evidence_facts(gate.evidence)
        return bool(facts) and all(f.label == "CONDITION" and healthy_state(f.concept) for f in facts)
    return getattr(result, "condition_fit", 0) <= 0 and gate.status == "review"


def _states_a_healthy_state(result: Any) -> bool:
    """The patient states a condition a healthy person may have (a pregnancy: read as the
    condition the registry files pregnancy trials under, ``ranked_diagnoses``)."""
    evaluator = getattr(result, "evaluator", None)
    return evaluator is not None and any(healthy_state(concept) for concept, _w, _s in ranked_diagnoses(evaluator))


def linked_only(result: Any) -> bool:
    """The trial's condition gate is open on the patient's stated diagnoses alone: a disease of
    the organ a diagnosis involves ("for chronic kidney disease; you told me: lupus nephritis,
    a disease of that organ") or a complication of it (a cachexia trial for a cancer patient)
    meets it only if the patient has that too, which nobody has said. A gate open on a
    diagnosis only suspected, or on none, is not this."""
    gate = _open_gate(result)
    if gate is None:
        return False
    facts = evidence_facts(gate.evidence)
    return bool(facts) and not any(f.uncertain for f in facts)


def linked_view(result: Any) -> dict[str, Any]:
    """A trial named apart from the candidates: title, ids, and what its conditions are."""
    trial = result.trial
    gate = _condition_gate(result)
    return {"id": trial.get("id"), "nct_id": trial.get("nct_id"),
            "title": trial.get("title") or trial.get("official_title") or trial.get("id"),
            "status": trial.get("status"), "conditions": _conditions_only(gate.text if gate is not None else "")}


_REGISTRY_CONDITIONS = "(the registry's conditions)"


def _conditions_only(text: str) -> str:
    """A condition gate's text up to the registry's conditions (the note after them is the
    criterion's, not the trial's)."""
    at = text.find(_REGISTRY_CONDITIONS)
    return text[:at + len(_REGISTRY_CONDITIONS)] if at >= 0 else text


def _states_a_diagnosis(results: list[Any]) -> bool:
    """The patient states a diagnosis of their own (not only a suspected one): then the gate has
    already left out the trials for other conditions, and the rest are listed as ranked."""
    evaluator = next((e for e in (getattr(r, "evaluator", None) for r in results[:1]) if e is not None), None)
    return evaluator is not None and states_a_diagnosis(evaluator)


def audit(results: list[Any]) -> list[dict[str, str]]:
    """What was shown, for the event log: trial ids and verdicts only."""
    return [{"id": r.trial.get("id"), "verdict": r.verdict} for r in results]
