"""Round 14 of turn latency at scale and criteria reading speed (h63): each faster way gives
what the slower way gave, value for value (and type for type)."""
from __future__ import annotations

import re

import numpy as np

from core.facts import Fact, Profile
from data.condition_names import EXACT_FIT, NAME_FIT, SUBTYPE_FIT
from data.trials import load_trials
from data.terminology import load_terminology
from matching import engine
from matching.evaluate import Evaluator
from matching.plans import PlanBook
from matching.relevance import condition_strength, list_strengths
from nlp.components.patterns import PatternRunner

_NONE = ((), (), ())
LISTS = [
    (("sle",), _NONE),
    (("lupus_nephritis", "kidney_disease"), _NONE),
    (("malignancy", "t_all"), _NONE),
    (("leukemia",), _NONE),
    (("acute_lymphoblastic_leukemia", "cml"), _NONE),
    (("inflammatory_myopathy", "dermatomyositis"), _NONE),
    (("autoimmune_disease",), _NONE),
    (("systemic_sclerosis",), (("Interstitial Lung Disease",), (), ())),
    ((), (("Hematologic Cancer",), (), ())),
    ((), ((), ("Neoplasms",), ())),
    ((), (("Lupus Erythematosus, Systemic",), ("Autoimmune Diseases",), ("Connective Tissue Diseases",))),
    (("unknown-thing",), (("Rare Disease X",), (), ())),
    ((), _NONE),
    (("sle",), (("Systemic Lupus Erythematosus", "Autoimmune Diseases"), (), ())),    # names reach further
    (("t_lbl",), (("T-cell lymphoblastic lymphoma",), (), ())),
    (("crohns_disease", "dermatomyositis"), (("Crohn Disease", "Dermatomyositis"), (), ())),
]
PATIENTS = [("t_all", "T-ALL"), ("acute_lymphoblastic_leukemia", "ALL"), ("b_all", "B-ALL"), ("cml", "CML"), ("sle", "lupus"), ("lupus_nephritis", "LN"),
            ("malignancy", "cancer"), ("dermatomyositis", "DM"), ("systemic_sclerosis", "scleroderma"),
            ("interstitial_lung_disease", "ILD"), ("leukemia", "leukemia"), ("unknown-thing", "Rare Disease X"),
            ("not-a-concept", "haematological cancer"), ("cutaneous_lupus", "cutaneous lupus"),
            ("etp_all", "ETP-ALL"), ("antisynthetase_syndrome", "antisynthetase")]


def test_list_strengths_equal_condition_strength_list_by_list():
    """Every list (concepts, the gate's names, both, neither) and every kind of patient
    condition (a subtype, an umbrella, a related disease, one the terminology does not
    know): the same value and type, worked out and then from the kept reaches."""
    terminology = load_terminology()
    seen = set()
    for _round in range(2):
        for concept, text in PATIENTS:
            one = ((concept, text),)
            codes = list(range(len(LISTS)))[::-1]          # any order of list numbers
            got = list_strengths(LISTS, codes, one, terminology)
            want = [condition_strength(LISTS[code][0], one, terminology, LISTS[code][1]) for code in codes]
            assert [(g, type(g)) for g in got] == [(w, type(w)) for w in want], concept
            seen.update(got)
    assert {0, EXACT_FIT, SUBTYPE_FIT, NAME_FIT} <= seen        # no fit, exact, graded and by names all met


def test_condition_fits_by_list_number_equal_the_per_list_loop():
    """``condition_fits`` over a catalog's lists (``list_strengths``) equals its loop over each
    plan's list with ``condition_strength`` for the bundled trials and several diagnoses."""
    book = PlanBook()
    trials = load_trials()
    plans = [book.plan(trial) for trial in trials]
    distinct, places = engine.condition_lists(plans, book)
    for concepts in (["sle"], ["t_all"], ["aml", "leukemia"], ["dermatomyositis", "interstitial_lung_disease"],
                     ["malignancy"]):
        facts = [Fact(label="CONDITION", concept=c, text=c.replace("_", " ")) for c in concepts]
        ev = Evaluator(Profile(facts))
        engine._WHOLE.clear()
        engine._BY_CODE.clear()
        by_code = engine.condition_fits(plans, ev, book, (distinct, np.asarray(places)))
        engine._WHOLE.clear()
        loop = engine.condition_fits(list(plans), ev, book)
        assert [(f, type(f)) for f in by_code] == [(f, type(f)) for f in loop], concepts


def test_pattern_rows_run_are_those_whose_required_strings_the_text_holds():
    """The rows a text runs (each required string tested once) are, in order, among the rows
    whose gate the old test per row let through (since round 32, h154, a row whose regex
    cannot match the text is not run either: none of the strings each of its matches holds,
    or no digit); the matches are the same."""
    runner = PatternRunner(("lifestyle", "abbreviations", "scores", "demographics", "time", "location", "pregnancy"))
    texts = ["45F with SLE since 2015, DVT/PE in 2019, ex-smoker, pregnant at 12 weeks",
             "ECOG 0-1, creatinine < 1.5 mg/dL, 3 months ago", "lives in Leeds, UK; BMI 31",
             "no digits here at all", "", "Men aged 18 to 65 years; hx of PE", "我 45 岁"]
    for text in texts:
        lower = text.lower()
        old = [i for i, gate in enumerate(runner.gates)
               if gate is None or (any(w in lower for w in gate) if type(gate) is tuple else gate.search(lower))]
        run = runner.runnable(text)
        assert run == [i for i in old if i in run], text
        matches = runner(text)
        expected = [(m.start(), m.end()) for i in old for m in runner.rows[i]["re"].finditer(text)]
        assert [(m.row["re"], m.start_char, m.end_char) for m in matches] == [
            (runner.rows[i]["re"], *_span(m)) for i in old for m in runner.rows[i]["re"].finditer(text)]
        assert len(matches) == len(expected)


def _span(match: re.Match) -> tuple[int, int]:
    groups = match.groupdict()
    return match.span("span") if groups.get("span") is not None else match.span()


def test_tallies_by_bincount_equal_the_counts_by_code():
    """``tally`` and ``registry_tally`` counted with one ``bincount``: the same counts (int64)
    as the masks per code and a count plan by plan, plans without criteria included."""
    from matching import vector

    rng = np.random.default_rng(14)
    for n, highest in ((0, 5), (1, 5), (9, 40), (500, 3000)):
        sizes = rng.integers(0, 12, n).astype(np.int64)
        sizes[: min(n, 2)] = 0
        flat = rng.integers(0, highest, int(sizes.sum())).astype(np.int64)
        codes = rng.integers(0, 4, highest + 1).astype(np.int8)
        tops = (flat, sizes, int(flat.max()) if len(flat) else -1)
        got = vector.tally(codes, [None] * n, tops)
        want = vector._tally_by_code(codes[flat], flat, sizes, n)
        assert all(g.dtype == w.dtype == np.int64 and np.array_equal(g, w) for g, w in zip(got, want))
        registry = set(rng.integers(0, highest, max(1, highest // 4)).tolist())
        passing, count = vector.registry_tally(codes, registry, [None] * n, tops)
        starts = np.cumsum(sizes) - sizes
        for i in range(n):
            mine = flat[starts[i]:starts[i] + sizes[i]].tolist()
            assert count[i] == sum(1 for t in mine if t in registry)
            assert passing[i] == sum(1 for t in mine if t in registry and codes[t] == vector.CODE["pass"])
        assert passing.dtype == count.dtype == np.int64
    codes = np.array([0, 1, 2, 3, 3], dtype=np.int8)
    assert vector.tally(codes, [None], (np.array([5]), np.array([1]), 5)) is None     # a node newer than the codes
