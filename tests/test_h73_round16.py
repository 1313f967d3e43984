"""Round 16 of turn latency at scale (h73): the condition gates a known concept meets read
from each gate list's reaches turned round once, the catalog's lists graded by C-level map,
every row's top-level nodes and their plans kept. Each gives what the slower way gave,
value for value (and type for type)."""
from __future__ import annotations

import numpy as np
import pytest

from core.facts import Fact, Profile
from data.condition_names import RELATED_FIT, graded_fit
from data.terminology import load_terminology
from data.trials import load_trials
from matching import engine, relevance, vector
from matching.evaluate import Evaluator
from matching.plans import PlanBook
from matching.relevance import condition_strength, fit, gate_value, gate_values, list_strengths

from test_h63_round14 import LISTS, PATIENTS


def _records() -> list[dict]:
    """The bundled trials and synthetic variants of them (other diseases of their families)."""
    from benchmarks.synthetic import generate

    return [*load_trials(), *generate(list(load_trials()), 300, seed=16)]


def _gates() -> list[dict]:
    """The condition gates of the bundled and synthetic trials, each twice (gates listing
    the same conditions share one reach), and a gate of unknown names."""
    book = PlanBook()
    for trial in _records():
        book.plan(trial)
    gates = [arg for arg in book.arg if isinstance(arg, dict) and arg.get("type") == "target_condition"]
    odd = {"type": "target_condition", "concepts": [], "texts": ["Rare Disease X"], "within": [], "filed": []}
    return gates + gates[::-1] + [odd]


def _concepts(terminology) -> list[str]:
    wanted = [c for c, _ in PATIENTS] + ["crohns_disease", "itp", "rheumatoid_arthritis", "ulcerative_colitis"]
    return [c for c in dict.fromkeys(wanted) if c in terminology]


def test_gates_a_known_concept_meets_are_those_whose_reach_holds_it():
    terminology = load_terminology()
    leaves = _gates()
    token = object()
    for _round in range(2):                     # turned round, then remembered
        for concept in _concepts(terminology):
            got = relevance._gates_met(token, leaves, (concept, ""), terminology)
            want = [bool(relevance._strengths(leaf, terminology).get(concept)) for leaf in leaves]
            assert got.dtype == bool and got.tolist() == want, concept
            assert not got.flags.writeable     # remembered: read only
    assert any(relevance._gates_met(token, leaves, ("sle", ""), terminology))
    for concept, text in (("not-a-concept", "haematological cancer"), ("unknown-thing", "Rare Disease X")):
        got = relevance._gates_met(token, leaves, (concept, text), terminology)
        assert got.tolist() == [bool(fit(concept, text, leaf, terminology)) for leaf in leaves]


def _condition(concept: str, **extra) -> Fact:
    return Fact("CONDITION", concept, concept.replace("_", " "), 0, len(concept), **extra)


@pytest.mark.parametrize("facts", [
    [_condition("sle")],
    [_condition("systemic_sclerosis"), _condition("interstitial_lung_disease")],
    [_condition("dermatomyositis"), _condition("sle", uncertain=True)],
    [_condition("t_all"), _condition("not-a-concept")],
    [_condition("crohns_disease", negated=True)],
    [],
])
def test_gate_values_of_the_list_are_each_gates_value(facts):
    """Stated, several, suspected beside stated, unknown to the terminology, negated,
    nothing: the list's values are each gate's ``gate_value``, the same strings."""
    ev = Evaluator(Profile(facts))
    leaves = _gates()
    got = gate_values(ev, object(), leaves)
    assert got == [gate_value(ev, leaf) for leaf in leaves]
    assert all(type(v) is str for v in got)


def test_list_strengths_from_kept_reaches_equal_condition_strength_for_every_list():
    """The bundled trials' lists and h63's (concepts, names, both, neither): every
    patient concept, the same value and type cold, kept, and in any order of codes."""
    terminology = load_terminology()
    book = PlanBook()
    plans = [book.plan(trial) for trial in _records()]
    distinct, _places = engine.condition_lists(plans, book)
    for lists in (list(distinct), list(LISTS)):
        for _round in range(2):
            for concept, text in PATIENTS + [("crohns_disease", "Crohn's"), ("itp", "ITP")]:
                one = ((concept, text),)
                codes = list(range(len(lists)))[::-1]
                got = list_strengths(lists, codes, one, terminology)
                want = [condition_strength(lists[code][0], one, terminology, lists[code][1]) for code in codes]
                assert [(g, type(g)) for g in got] == [(w, type(w)) for w in want], concept


def test_graded_with_kept_grades_equals_graded_fit():
    terminology = load_terminology()
    lists = [tuple(c for c in combo if c) for combo in
             [("malignancy", "t_all"), ("leukemia",), ("acute_lymphoblastic_leukemia", "cml"), ("sle",),
              ("lupus_nephritis", "kidney_disease"), ("inflammatory_myopathy", "dermatomyositis"), ()]]
    for concept in ("t_all", "acute_lymphoblastic_leukemia", "cml", "sle", "lupus_nephritis", "dermatomyositis"):
        grades: dict = {}
        for conditions in lists + lists:
            got = relevance._graded(RELATED_FIT, conditions, grades, concept, terminology)
            want = graded_fit(RELATED_FIT, concept, conditions, terminology)
            assert got == want and type(got) is type(want), (concept, conditions)


def test_tallies_of_every_row_with_pinned_plans_equal_the_counts_by_code():
    """Every row's arrays (read only, the same objects each time) with their nodes' plans
    pinned in 32 bits: the same int64 counts as the masks per code; another list of
    candidates between two calls changes nothing."""
    rng = np.random.default_rng(16)
    n, highest = 700, 4000
    sizes = rng.integers(0, 14, n).astype(np.int64)
    sizes[:3] = 0
    flat = rng.integers(0, highest, int(sizes.sum())).astype(np.int64)
    flat.flags.writeable = sizes.flags.writeable = False
    tops = (flat, sizes, int(flat.max()))
    vector.pin_owners(flat, sizes)
    registry = set(rng.integers(0, highest, highest // 5).tolist())
    for _round in range(3):
        codes = rng.integers(0, 4, highest + 1).astype(np.int8)
        got = vector.tally(codes, [None] * n, tops)
        want = vector._tally_by_code(codes[flat], flat, sizes, n)
        assert all(g.dtype == w.dtype == np.int64 and np.array_equal(g, w) for g, w in zip(got, want))
        passing, count = vector.registry_tally(codes, registry, [None] * n, tops)
        owners = np.repeat(np.arange(n), sizes)
        held = np.fromiter((t in registry for t in flat.tolist()), dtype=bool, count=len(flat))
        assert np.array_equal(count, np.bincount(owners[held], minlength=n))
        assert np.array_equal(passing, np.bincount(owners[held & (codes[flat] == vector.CODE["pass"])], minlength=n))
        assert passing.dtype == count.dtype == np.int64
        other = (flat[:50].copy(), np.array([10] * 5, dtype=np.int64), int(flat[:50].max()))
        assert np.array_equal(vector.tally(codes, [None] * 5, other)[0],
                              vector._tally_by_code(codes[other[0]], other[0], other[1], 5)[0])


def test_every_row_of_an_index_is_one_read_only_set_of_arrays(trials_db):
    from matching.cache import RecordCache
    from matching.catalog import TrialCatalog
    from matching.plans import PlanCache
    from data.store import upsert_trials

    upsert_trials(trials_db, load_trials(), "import")
    catalog = TrialCatalog(trials_db, RecordCache(), PlanCache(PlanBook()))
    catalog.preload()
    index = catalog.index()
    rows = np.arange(len(index))
    first, again = index.tops(rows), index.tops(rows.copy())
    assert first[0] is again[0] and first[1] is again[1] and first[2] == again[2]
    assert not first[0].flags.writeable and not first[1].flags.writeable
    assert vector._owners(first[0], first[1]).tolist() == np.repeat(rows, index.sizes).tolist()
    some = index.tops(rows[1:])
    assert some[0].flags.writeable and np.array_equal(some[0], index.flat[int(index.sizes[0]):])
