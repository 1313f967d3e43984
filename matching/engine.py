"""Judge every criterion of every trial against a profile, give each trial a verdict, rank.

``match(profile, trials, today=None) -> list[TrialResult]``

- Each criterion gets a status: ``pass``, ``fail``, ``unknown`` or ``review`` (only the
  trial team can judge), with evidence. Groups (``combine: any|all`` over ``children``)
  combine their children's statuses with Kleene logic.
- Top-level criteria decide the verdict: ``ineligible`` when any fails; ``likely`` when
  the rest pass or are for review (and at least one passes); else ``possible``.
- Score: the share of evaluable (non-review) top-level criteria that pass. Ranking
  (``rank_key``): ineligible trials last; before them, condition fit (the patient's own
  disease first: the trials for its name, a subtype or one kind of it are one band), then a
  treatment the person asks for in the trial's title or keywords ("keen to be considered for
  CAR-T": ``matching.keywords.requested_trials``), then the fit within the band, then an
  antigen the patient's cells carry named as the trial's target ("CD7 CAR-T" for CD7-positive
  blasts: ``matching.targets``; such a trial filed under a broader condition fits as the
  patient's own), then a site in the country the person names (``matching.home_trials``: a
  tie-break after the fit, never above a better one), likely > possible, text relevance
  (BM25), score, fewer unknowns, id.

Registry age/sex limits (``eligibility``) become criteria ``elig-age`` / ``elig-sex`` when no
criterion of the record already states them, so they are never silently dropped.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from typing import Any, Callable, Iterable

from data.rule_nodes import registry_criteria
from matching.cohorts import other_cohorts
from matching.evaluate import Evaluator
from matching.plans import Judgement, PlanBook, TrialPlan, child_nodes, shared_book
from core.truth import FAIL, REVIEW, UNKNOWN, combine_statuses, status_of
from matching.leaf_result import LeafResult
from matching.node_kinds import CRIT, LEAF
from matching.questions import build_question, trial_questions
from data.condition_names import SETTING_FIT
from matching.relevance import EXACT_FIT, KIND_FIT, RELATED_FIT, capped_fit, condition_strength, list_strengths, ranked_diagnoses
from matching.status_trials import past_standard_setting
from matching.targets import elsewhere_fits
from matching.home_trials import home_records
from matching.untreating import untreating_fits
from matching.volunteer_trials import volunteer_fits
from matching.verdicts import INELIGIBLE, LIKELY, POSSIBLE, VERDICT_ORDER, VERDICT_WORDS  # noqa: F401  (re-exported)
from core.facts import Profile



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
    other_cohort: bool = False      # an alternative cohort the patient's diagnosis is not (matching.cohorts)

    def to_dict(self) -> dict[str, Any]:
        evidence = [e.to_dict() for e in self.evidence]
        if self.combine:
            shown = ", ".join(f"{c.id}: {c.status}" for c in self.children)
            evidence = [{"rule": f"{self.combine} of {len(self.children)} sub-criteria", "result": self.status,
                         "reason": shown, "quotes": []}]
        return {"id": self.id, "kind": self.kind, "text": self.text, "status": self.status,
                "evidence": evidence, "parent": self.parent}


class _Batch:
    """What the results of one ``judge_plans`` call share (one list per field, by trial)."""

    __slots__ = ("ids", "verdicts", "scores", "unknowns", "plans", "judgement", "records", "load", "fits", "text",
                 "wanted", "aimed", "unaimed", "home", "lazy")

    def __init__(self, ids, verdicts, scores, unknowns, plans, judgement, records, load, fits, text, wanted, aimed,
                 unaimed=None, home=None):
        self.ids, self.verdicts, self.scores, self.unknowns = ids, verdicts, scores, unknowns
        self.plans, self.judgement, self.records, self.load = plans, judgement, records, load
        self.fits, self.text, self.wanted, self.aimed = fits, text, wanted, aimed
        self.unaimed = unaimed
        self.home = home
        self.lazy: dict[tuple[str, int], Any] = {}       # (what, trial) -> record / criteria / questions


class TrialResult:
    """One trial judged for one profile: verdict, score and unknown count at once (from the
    trial's plan, ``matching/plans.py``); the explained criteria (``criteria``, with their
    evidence) and the open questions only when asked for, and the record itself, for a
    stored trial, only when shown. A result is three references (its batch, its place, its id),
    so judging 20,000 candidates makes 20,000 small objects, nothing more."""

    __slots__ = ("_batch", "_i", "id")

    def __init__(self, batch: _Batch, i: int):
        self._batch = batch
        self._i = i
        self.id: str = batch.ids[i]     # read for every result by filters and memo keys: no property call

    def __repr__(self) -> str:
        return f"TrialResult({self.id!r}, {self.verdict!r}, score={self.score:.2f})"

    @property
    def verdict(self) -> str:
        return self._batch.verdicts[self._i]

    @property
    def score(self) -> float:
        return self._batch.scores[self._i]

    @property
    def unknowns(self) -> int:
        return self._batch.unknowns[self._i]

    @property
    def text_relevance(self) -> float:
        """BM25 of the trial's text for the patient's words (0 when not ranked by text)."""
        return self._batch.text[self._i]

    @property
    def requested(self) -> bool:
        """The trial is for the patient's own disease and its title or keywords name a
        treatment the person asks for."""
        return bool(self._batch.wanted[self._i])

    @property
    def targeted(self) -> bool:
        """The trial is for the patient's disease and names as its target an antigen the
        patient's cells carry (``matching.targets``)."""
        return bool(self._batch.aimed[self._i])

    @property
    def aimed_elsewhere(self) -> bool:
        """The trial is aimed at an antigen the patient is not known to carry (``matching.targets``)."""
        return bool(self._batch.unaimed[self._i]) if self._batch.unaimed is not None else False

    @property
    def at_home(self) -> bool:
        """The trial has a site in the person's country (``matching.home_trials``)."""
        return bool(self._batch.home[self._i]) if self._batch.home is not None else False

    @property
    def condition_fit(self) -> int:
        """How well the trial's conditions meet the patient's (``matching.relevance``)."""
        return self._batch.fits[self._i]

    @property
    def plan(self) -> TrialPlan:
        return self._batch.plans[self._i]

    @property
    def judgement(self) -> Judgement:
        return self._batch.judgement

    def _lazy(self, what: str, make: Callable[[], Any]) -> Any:
        lazy = self._batch.lazy
        found = lazy.get((what, self._i))
        if found is None:
            found = lazy[(what, self._i)] = make()
        return found

    @property
    def trial(self) -> dict:
        batch = self._batch
        if batch.records is not None:
            return batch.records[self._i]
        if batch.load is not None:
            # the loader keeps recent records; a result keeps its own once read (a shown
            # trial's record is read three times a turn: its view, its places, its criteria)
            return self._lazy("trial", lambda: batch.load(self.id))
        return {"id": self.id}

    @property
    def conditions(self) -> tuple[str, ...]:
        return self.plan.conditions

    @property
    def evaluator(self) -> Evaluator:
        return self._batch.judgement.ev

    @property
    def criteria(self) -> list[CriterionResult]:
        """Every criterion, parents before children, with status and evidence."""
        return self._lazy("criteria", lambda: _with_cohorts(judge_criteria(self.trial, self._batch.judgement.ev),
                                                            self._batch.judgement.ev))

    @property
    def questions(self) -> list:
        return self._lazy("questions", lambda: trial_questions(self))

    def drop_details(self) -> None:
        """Forget the explanation and questions built for this result (a long report writes
        one trial at a time and needs none of them afterwards)."""
        self._batch.lazy.pop(("criteria", self._i), None)
        self._batch.lazy.pop(("questions", self._i), None)

    @property
    def top(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.parent is None]

    @property
    def failing(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.status == FAIL]

    def question(self, key: str):
        """The question with ``key`` among this trial's open questions (built alone), or None."""
        judgement = self.judgement
        for _top, node in self.open_items():
            leaf = judgement.leaf_result(node)
            if leaf.ask == key:
                return build_question(key, leaf.leaf, leaf.facts)
        return None

    @property
    def gate_status(self) -> str | None:
        """The condition gate's status as the trial's plan judges it (``gate_status``), or None."""
        return gate_status(self.plan, self.judgement)

    @property
    def off_condition(self) -> bool:
        """Ruled out because the trial is for other conditions than the patient's (its
        ``elig-condition`` failed): such a trial asks nothing."""
        return self.verdict == INELIGIBLE and _gate_failed(self.plan, self.judgement)

    def open_items(self) -> list[tuple[int, int]]:
        """(top-level criterion node, open leaf node) pairs that could still change this
        trial's verdict, in criterion order (``matching/plans.py`` nodes)."""
        judgement = self.judgement
        return [(top, leaf) for top in self.plan.tops if judgement.value(top) == UNKNOWN
                for leaf in judgement.open_leaves(top)]

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


def match(profile: Profile, trials: Iterable[dict], today: date | None = None,
          evaluator: Evaluator | None = None, book: PlanBook | None = None,
          keywords: dict[str, float] | None = None, requested: frozenset[str] = frozenset(),
          targeted: frozenset[str] = frozenset(), mismatched: frozenset[str] = frozenset(),
          volunteers: frozenset[str] = frozenset(), untargeted: frozenset[str] = frozenset(),
          untreating: frozenset[str] = frozenset(), elsewhere: frozenset[str] = frozenset(),
          home: frozenset[str] | None = None) -> list[TrialResult]:
    """Judge every trial for the profile; ranked likely > possible > ineligible.
    ``keywords``: text relevance by trial id (``matching.keywords``), when known;
    ``requested``: ids of trials naming a treatment the person asks for; ``targeted``: ids
    of trials aimed at an antigen the patient's cells carry (``matching.targets``);
    ``mismatched``: ids of trials for another status of the disease
    (``matching.disease_status``); ``volunteers``: ids of studies done in healthy people
    (``matching.volunteer_trials``); ``untargeted``: ids of trials aimed at an antigen the
    patient is not known to carry (``matching.targets``); ``untreating``: ids of studies
    offering no treatment (``matching.untreating``); ``elsewhere``: ids of trials aimed at an
    antigen the patient's cancer rarely carries (``matching.targets``); ``home``: ids of
    trials with a site in the person's country (``matching.home_trials``; read from the
    records' sites when not given)."""
    judgement = Judgement(book if book is not None else shared_book(), evaluator or Evaluator(profile, today=today))
    records = list(trials)
    plans = [judgement.book.plan(trial) for trial in records]
    return judge_plans([t["id"] for t in records], plans, judgement, records=records, keywords=keywords,
                       requested=requested, targeted=targeted, mismatched=mismatched, volunteers=volunteers,
                       untargeted=untargeted, untreating=untreating, elsewhere=elsewhere,
                       home=home_records(records, profile) if home is None else home)


def judge_plans(ids: list[str], plans: list[TrialPlan], judgement: Judgement, records: list[dict] | None = None,
                load: Callable[[str], dict] | None = None, tops: tuple | None = None,
                keywords: dict[str, float] | None = None, requested: frozenset[str] = frozenset(),
                targeted: frozenset[str] = frozenset(), mismatched: frozenset[str] = frozenset(),
                volunteers: frozenset[str] = frozenset(), untargeted: frozenset[str] = frozenset(),
                conditions: tuple | None = None, untreating: frozenset[str] = frozenset(),
                elsewhere: frozenset[str] = frozenset(), home: frozenset[str] = frozenset()) -> list[TrialResult]:
    """Every trial's verdict from its plan (rules in the module docstring), ranked as
    ``rank_key`` ranks. ``ids`` and ``plans`` go together; ``records`` (same order) are the
    trials' records, or ``load`` fetches one when it is shown; ``tops`` is
    ``matching.vector.tops_of`` of the plans, plus each trial's place in id order, when the
    caller keeps them; ``conditions``: ``condition_lists`` of a larger list of plans (the
    catalog's) and each of these plans' place among its lists, when the caller keeps them."""
    import numpy as np

    if not plans:
        return []
    failing, unknown, review, passing, size = judgement.tallies(plans, tops)
    # what the trial's own criteria say: a trial none of whose own criteria was read and met
    # (only the registry's age, sex and conditions pass) is possible, not likely, and its
    # score counts its own criteria only
    registry_passing, registry = judgement.registry_tallies(plans, tops)
    own_passing = passing - registry_passing
    verdict = np.where(failing > 0, 2, np.where((own_passing > 0) & (unknown == 0), 0, 1))   # VERDICT_ORDER
    evaluable = size - review - registry
    score = np.divide(own_passing, evaluable, out=np.zeros(len(plans)), where=evaluable > 0)
    if tops is not None and len(tops) > 3:
        by_id = tops[3]                                     # kept with the plans
    else:
        by_id = id_order(ids)
    fits = condition_fits(plans, judgement.ev, judgement.book, conditions)
    if targeted:    # filed under a broader condition, aimed at the patient's own antigen: the patient's
        fits = [EXACT_FIT if RELATED_FIT <= fit < EXACT_FIT and i in targeted else fit for i, fit in zip(ids, fits)]
    if mismatched:  # "Newly Diagnosed Multiple Myeloma" for a relapsed myeloma: after the patient's own
        # own disease; for a setting past the standard treatment (castration-resistant) also after
        # the umbrella trials for cancers that failed it (SETTING_FIT; h157, round 33)
        low = SETTING_FIT if past_standard_setting(judgement.ev.facts("CONDITION"), judgement.ev.terminology) \
            else RELATED_FIT
        fits = [low if fit > RELATED_FIT and i in mismatched else fit for i, fit in zip(ids, fits)]
    if untreating:  # a study offering no treatment (samples only): after the trials fitting equally
        fits = untreating_fits(ids, fits, untreating)
    if elsewhere:   # aimed at an antigen the patient's cancer rarely carries: after a study fitting as broadly
        fits = elsewhere_fits(ids, fits, elsewhere)
    # ruled out by its condition gate: for no condition of the patient's, whatever a looser
    # reading of its conditions says (the ranking reads a heading such as "Autoimmune
    # Diseases" beside scleroderma as reaching lupus; the gate does not): after the trials
    # for the patient's condition ruled out by another criterion
    # (every fit is 0 while no diagnosis is known: 100,000 candidates at 100,000 trials, so
    # the steps reading fits are skipped then, and the gate is read for the few that fail)
    if any(fits):
        failed = np.flatnonzero((verdict == 2) & (np.array(fits) != 0)).tolist()
        if failed:
            fits = list(fits)
            for k in failed:
                if _gate_failed(plans[k], judgement):
                    fits[k] = 0
    if volunteers:    # a study in healthy people: after every trial for a patient's condition, first for a healthy person
        fits = volunteer_fits(ids, fits, volunteers, judgement.ev)
    fitting = any(fits)
    n = len(ids)
    text = list(map(keywords.get, ids, repeat(0.0))) if keywords else [0.0] * n
    fit = np.array(fits)
    no = np.zeros(n, dtype=bool)
    # a treatment asked for ranks the trials for the patient's own disease as named (a
    # basket filed more broadly that happens to offer it keeps its place among its kind)
    # (membership tested by C-level ``map``, a mask per set: no Python step per trial)
    exact = fit >= EXACT_FIT if fitting else no
    # a trial for one kind of the patient's disease or a subtype of it (a diffuse-SSc CAR-T trial
    # for "systemic sclerosis") is for their own disease too: the treatment asked for ranks it
    # before the trials naming the disease exactly that do not offer it (h124, round 26)
    own = fit >= KIND_FIT if fitting else no
    wanted = _members(ids, requested) & own if requested and fitting else no
    aimed = _members(ids, targeted) & exact if targeted and fitting else no
    # aimed at an antigen the patient is not known to carry: after the trials fitting as well
    unaimed = _members(ids, untargeted) & (fit > 0) if untargeted and fitting else no
    # a site in the person's country: after the condition fit (and the antigen aimed at), before
    # the verdict, never above a better fit (h198, round 41)
    local = _members(ids, home) if home else no
    order = np.lexsort((by_id, unknown, -score, -np.array(text), verdict, -local.astype(np.int8), unaimed.astype(np.int8),
                        -aimed.astype(np.int8), -fit, -wanted.astype(np.int8), -own_band(fit),
                        verdict == 2)).tolist()
    names = (LIKELY, POSSIBLE, INELIGIBLE)
    batch = _Batch(ids, list(map(names.__getitem__, verdict.tolist())), score.tolist(), unknown.tolist(),
                   plans, judgement, records, load, fits, text, wanted, aimed, unaimed, local)
    return list(map(TrialResult, repeat(batch), order))


def _members(ids: list[str], members: Any) -> Any:
    """A numpy mask of the ids that are in ``members`` (a set of ids)."""
    import numpy as np

    return np.fromiter(map(members.__contains__, ids), dtype=bool, count=len(ids))


def _gate_failed(plan: TrialPlan, judgement: Judgement) -> bool:
    """The plan's condition gate (its last top-level criterion, ``elig-condition``: registry
    criteria come last, the gate last of all) failed."""
    if not plan.tops:
        return False
    top = plan.tops[-1]
    book = judgement.book
    if book.op[top] != CRIT or judgement.value(top) != FAIL:
        return False
    return _is_gate(book, top)


def gate_status(plan: TrialPlan, judgement: Judgement) -> str | None:
    """The status of the plan's condition gate (``_gate_failed``'s criterion) as the plan
    judges it, or None when its last top-level criterion is no gate (round 27, h129: the
    explained criteria give the same status, read without judging every criterion)."""
    if not plan.tops:
        return None
    top = plan.tops[-1]
    book = judgement.book
    if book.op[top] != CRIT or not _is_gate(book, top):
        return None
    return judgement.value(top)


def _is_gate(book: PlanBook, top: int) -> bool:
    # the gate's rule: a target_condition leaf, or one with its alternatives (a trial for
    # people receiving a treatment: "the listed conditions, or a cancer and the trial team's
    # word"; matching.relevance): any target_condition leaf under it says it is the gate
    todo = [book.arg[top][0]]
    while todo:
        node = todo.pop()
        if book.op[node] == LEAF:
            if book.arg[node].get("type") == "target_condition":
                return True
            continue
        todo.extend(child_nodes(book.op[node], book.arg[node]))
    return False


def id_order(ids: list[str]) -> Any:
    """Each id's place in id order (numpy), the last tie-breaker of the ranking."""
    import numpy as np

    return np.argsort(np.array(ids, dtype=object), kind="stable").argsort()


def own_band(fit: Any) -> Any:
    """The ranking's band of a condition fit (a number, or a numpy array of them): the fits of
    the patient's own disease (its name, a subtype's or one kind's: ``KIND_FIT`` and above)
    are one band, in which a trial offering the treatment the person asks for comes first (a
    diffuse-SSc CAR-T trial for "systemic sclerosis, keen on CAR-T" before the SSc trial of a
    tablet); the weaker fits (an umbrella, a comorbidity, a name) are bands of their own."""
    import numpy as np

    if isinstance(fit, (int, float)):
        return EXACT_FIT if fit >= KIND_FIT else fit
    return np.where(np.asarray(fit) >= KIND_FIT, EXACT_FIT, fit)


def rank_key(result: TrialResult) -> tuple:
    """Relevance first, then criteria: ruled-out trials last; before them, how well the
    trial's conditions meet the patient's (the same disease, a related one, none stated: one
    band for the patient's own disease, ``own_band``), whether it offers a treatment the person
    asks for, the fit within the band, whether it is aimed at an antigen the
    patient's cells carry (and not at one they are not known to carry), a site in the
    person's country (``matching.home_trials``), then the verdict (likely before possible),
    how well its text fits the patient's words (BM25), the share of criteria met, fewer
    unknowns, id."""
    return (result.verdict == INELIGIBLE, -own_band(result.condition_fit), not result.requested,
            -result.condition_fit, not result.targeted, result.aimed_elsewhere, not result.at_home,
            VERDICT_ORDER[result.verdict],
            -result.text_relevance, -result.score, result.unknowns, result.id)


def condition_fits(plans: list[TrialPlan], ev: Evaluator, book: PlanBook | None = None,
                   lists: tuple | None = None) -> list[int]:
    """Each plan's condition-match strength for the patient (one computation per distinct
    list of conditions and registry names: trials share them): the best of the patient's
    conditions, each remembered per list across turns (a turn that adds a diagnosis works
    out the new one's only). A trial's list is its ranked concepts with the names, MeSH
    headings and index terms of its condition gate (``book``'s ``elig-condition`` leaf), so
    a trial whose conditions stay text ranks by them as the gate admits it. ``lists``:
    ``(distinct, places)``, the distinct lists of a larger list of plans (``condition_lists``
    of the catalog's, worked out once) and each plan's place among them (a numpy array), so
    a turn's candidates need no look-up per plan; only the lists they hold are weighed."""
    patient = ranked_diagnoses(ev)      # an implied condition (BMI, tablets) fits weakly at most
    if not patient:
        return [0] * len(plans)
    terminology = ev.terminology
    # the same candidates and the same conditions of the patient (a turn answering about a
    # lab value or a treatment): the same fits, without a look-up per list of conditions
    whole = (id(plans), len(plans), tuple(patient), id(terminology))
    last = _WHOLE.get(whole)
    if last is not None and last[0] is plans and last[1] is terminology:
        return list(last[2])
    if len(_FITS) >= _FITS_LIMIT:
        _FITS.clear()
    each = []
    for concept, text, cap in patient:
        condition = (concept, text)
        kept = _FITS.get((condition, id(terminology)))
        if kept is None or kept[0] is not terminology:
            kept = _FITS[(condition, id(terminology))] = (terminology, {})
        each.append(((condition,), kept[1], cap))
    if lists is not None:
        fits = _fits_by_code(each, lists, terminology)
    else:
        distinct, codes = _condition_lists(plans, book if book is not None else shared_book())
        strengths = [0] * len(distinct)
        for code in range(len(distinct)):
            conditions = distinct[code]
            found = 0
            for one, known, cap in each:
                strength = known.get(conditions)
                if strength is None:
                    strength = known[conditions] = condition_strength(conditions[0], one, terminology, conditions[1])
                found = max(found, capped_fit(strength, cap))
            strengths[code] = found
        fits = [strengths[code] for code in codes]
    if len(_WHOLE) >= 4:
        _WHOLE.pop(next(iter(_WHOLE)), None)
    _WHOLE[whole] = (plans, terminology, fits)
    return list(fits)


_WHOLE: dict[tuple, tuple[list, Any, list[int]]] = {}     # condition_fits' last answers (plans kept)


def _fits_by_code(each: list, lists: tuple, terminology: Any) -> list:
    """``condition_fits`` over a catalog's lists (``(distinct, places)``): each patient
    condition's strengths kept by list number (``_BY_CODE``), so a turn works out only the
    lists its candidates hold that no earlier turn did, and reads the others with C-level
    ``map`` rather than a dictionary look-up (a tuple hashed) per list; the same values, in
    the same types, as the per-list loop (``max`` from 0, the first of equals kept). A new
    list's strength is ``matching.relevance.list_strengths`` (``condition_strength``'s value,
    each list's reach kept by its number)."""
    import numpy as np

    distinct, places = lists
    present = np.unique(places)                 # the lists these plans hold, in list order
    combined: Any = repeat(0)
    for one, _known, cap in each:
        key = (one, id(terminology), id(distinct))
        kept = _BY_CODE.get(key)
        if kept is None or kept[0] is not distinct or kept[1] is not terminology:
            if len(_BY_CODE) >= _FITS_LIMIT:
                _BY_CODE.pop(next(iter(_BY_CODE)))
            kept = _BY_CODE[key] = (distinct, terminology, [None] * len(distinct), np.zeros(len(distinct), dtype=bool))
        values, done = kept[2], kept[3]
        todo = present[~done[present]]
        if len(todo):
            codes = todo.tolist()
            for code, strength in zip(codes, list_strengths(distinct, codes, one, terminology)):
                values[code] = strength
            done[todo] = True
        these = map(values.__getitem__, present.tolist())
        if cap < EXACT_FIT:
            these = map(capped_fit, these, repeat(cap))
        combined = list(map(max, combined, these))
    strengths = dict(zip(present.tolist(), combined))
    return list(map(strengths.__getitem__, places.tolist()))


# per patient condition and catalog list: (lists, terminology, strength by list number or
# None, worked out yet) for ``_fits_by_code``
_BY_CODE: dict[tuple, tuple[list, Any, list, Any]] = {}


_LISTS: dict[int, tuple[list, list[tuple[str, ...]], list[int]]] = {}


def condition_lists(plans: list[TrialPlan], book: PlanBook) -> tuple[list[tuple], Any]:
    """The distinct ``(conditions, gate names)`` of ``plans`` and each plan's place among
    them as a numpy array (what ``condition_fits`` takes as ``lists`` for any part of
    ``plans``: ``(distinct, places[rows])``)."""
    import numpy as np

    distinct, codes = _condition_lists(plans, book)
    return distinct, np.array(codes, dtype=np.int64)


def _condition_lists(plans: list[TrialPlan], book: PlanBook) -> tuple[list[tuple], list[int]]:
    """The distinct ``(conditions, gate leaf)`` of ``plans`` (the gate's registry names,
    ``_gate_names``) and each plan's place among them, remembered for the same list of
    plans (a turn's candidates keep theirs)."""
    kept = _LISTS.get(id(plans))
    if kept is None or kept[0] is not plans or len(kept[2]) != len(plans):
        places: dict[tuple, int] = {}
        by_gate: dict[tuple, int] = {}      # (conditions, gate criterion node): the names follow from the node
        codes = []
        for plan in plans:
            key = (plan.conditions, plan.tops[-1] if plan.tops else None)
            code = by_gate.get(key)
            if code is None:
                code = by_gate[key] = places.setdefault((plan.conditions, _gate_names(plan, book)), len(places))
            codes.append(code)
        if len(_LISTS) >= 16:
            _LISTS.pop(next(iter(_LISTS)))
        kept = _LISTS[id(plans)] = (plans, list(places), codes)
    return kept[1], kept[2]


_NO_NAMES = ((), (), ())


def _gate_names(plan: TrialPlan, book: PlanBook) -> tuple:
    """The registry names of a plan's condition gate (the ``target_condition`` leaf of its
    last top-level criterion) as ``(texts, within, filed)``, or empty ones."""
    if not plan.tops:
        return _NO_NAMES
    top = plan.tops[-1]
    if book.op[top] != CRIT:
        return _NO_NAMES
    child = book.arg[top][0]
    leaf = book.arg[child] if book.op[child] == LEAF else None
    if not leaf or leaf.get("type") != "target_condition":
        return _NO_NAMES
    return (tuple(leaf.get("texts") or ()), tuple(leaf.get("within") or ()), tuple(leaf.get("filed") or ()))


def _with_cohorts(criteria: list[CriterionResult], ev: Evaluator) -> list[CriterionResult]:
    other_cohorts(criteria, ev)
    return criteria


_FITS: dict[tuple, tuple[Any, dict[tuple[str, ...], int]]] = {}    # per patient condition: list -> strength
_FITS_LIMIT = 64


# each explained trial's criteria as matching reads them (``registry_criteria``), by trial id,
# valid for the very record object they were read from (a stored record is one object while
# the record cache keeps it; a changed trial is a new object): reading them again was ~1 ms
# a trial shown, in every turn that shows or explains results
_PLANNED: OrderedDict[Any, tuple[dict, list[dict]]] = OrderedDict()
_PLANNED_LIMIT = 512
_PLANNED_LOCK = threading.Lock()


def planned_criteria(trial: dict) -> list[dict]:
    """``registry_criteria(trial)``, remembered for this record object (the same list,
    never to be changed by the caller)."""
    key = trial.get("id")
    with _PLANNED_LOCK:
        entry = _PLANNED.get(key)
        if entry is not None and entry[0] is trial:
            _PLANNED.move_to_end(key)
            return entry[1]
    criteria = registry_criteria(trial)
    with _PLANNED_LOCK:
        _PLANNED[key] = (trial, criteria)
        _PLANNED.move_to_end(key)
        while len(_PLANNED) > _PLANNED_LIMIT:
            _PLANNED.popitem(last=False)
    return criteria


def judge_criteria(trial: dict, ev: Evaluator) -> list[CriterionResult]:
    """Every criterion of a trial (registry limits included) judged with its evidence,
    parents before children: the explanation behind a verdict."""
    criteria: list[CriterionResult] = []
    for criterion in planned_criteria(trial):
        judge_criterion(criterion, ev, criteria, parent=None, kind=criterion.get("kind", "inclusion"))
    return criteria


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
