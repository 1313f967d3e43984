"""Import speed, round 10 (issue #15): the shortcuts give what the long way gives.

* the cue head pre-check now also runs for a text with non-ASCII characters (``cues.fold``):
  the same cues as running every pattern;
* a pattern row's ``requires`` words are substring tests: the same rows run as with the
  regular expression they replaced;
* ``merge_run`` compares a record without an NCT number only with the groups that could
  share a site with it (or match it by summary): the same groups as comparing every pair.
"""
from __future__ import annotations

import copy
import random
import re
import sys

from nlp.components.patterns import PatternRunner
from nlp.criteria import cues as cues_module
from nlp.criteria.cues import fold, load_cues
from nlp.criteria.elements import _cue_table, find_cues
from registry.merge import merge, merge_run, precedence, same_study
from registry.record import new_record

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ODD_TEXTS = [
    "Hiſtory of myocardial infarction within 6 months",            # long s: re's IGNORECASE reads "s"
    "Prior treatment with anti-PD-1 therapy ≥ 4 weeks before enrolment",
    "Known HIV infection, active hepatitis B or C — unless treated",
    "\u0130NFECTION requiring systemic therapy within 14 days; \u212aarnofsky < 70",
    "Pregnant or breast-feeding women; women of child-bearing potential not using contraception",
    "Patients aged ≥ 18 years with ECOG ≤ 2 and life expectancy > 3 months",
    "Café-au-lait: patients who are unable to comply with the protocol (investigator's judgement)",
    "Échec d'un traitement antérieur par rituximab",
]


def test_the_ascii_twins_are_every_non_ascii_letter_re_matches_to_an_ascii_letter():
    alphabet = "".join(chr(i) for i in range(128, sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    found = {ch: [a for a in _LETTERS if re.fullmatch(a, ch, re.IGNORECASE)] for ch in re.findall("[a-z]", alphabet, re.IGNORECASE)}
    assert {ch: letters[0] for ch, letters in found.items()} == {chr(k): v for k, v in cues_module._ASCII_TWINS.items()}
    assert all(len(letters) == 1 for letters in found.values())


def test_fold_of_ascii_text_is_its_casefold():
    assert fold("Prior THERAPY") == "prior therapy"
    assert fold("Hiſtory \u212aarnofsky \u0130NR") == "history karnofsky inr"


def _every_cue(text, cues):
    """find_cues as it was for a text with non-ASCII characters: every pattern run."""
    found = {}
    for section, pattern, _ in _cue_table(cues).entries:
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            span = (match.start(), match.end())
            if span in found:
                found[span][2].add(section)
            else:
                found[span] = (span[0], span[1], {section})
    kept = []
    for cue in sorted(found.values(), key=lambda c: (c[0], -(c[1] - c[0]))):
        if kept and cue[0] < kept[-1][1]:
            continue
        kept.append(cue)
    return kept


def test_cues_of_non_ascii_texts_are_those_of_every_pattern():
    cues = load_cues()
    for text in _ODD_TEXTS:
        assert [(c.start, c.end, c.sections) for c in find_cues(text, cues, [])] == _every_cue(text, cues), text


def test_section_search_of_non_ascii_texts_is_that_of_every_pattern():
    cues = load_cues()
    for text in _ODD_TEXTS:
        for section, patterns in cues.patterns.items():
            every = [m.span() for p in patterns for m in p.finditer(text)]
            assert [m.span() for m in cues.finditer(section, text)] == every, (section, text)
            assert cues.search(section, text) == bool(every), (section, text)


def test_pattern_gates_run_the_rows_the_regular_expressions_ran():
    runner = PatternRunner(("demographics", "location", "pregnancy", "scores", "time"))
    texts = [t.lower() for t in _ODD_TEXTS] + ["creatinine 1.2 mg/dl", "bmi 31", "a 45 year old man", "no numbers"]
    for row, gate in zip(runner.rows, runner.gates):
        requires = row.get("requires")
        if not requires:
            assert gate is None
            continue
        old = re.compile("|".join(r"\d" if r == "#digit" else re.escape(r) for r in requires))
        for text in texts:
            now = any(w in text for w in gate) if type(gate) is tuple else gate.search(text) is not None
            assert now == (old.search(text) is not None), (requires, text)


def _page(index: int, title: str | None, sites: list[tuple[str | None, str | None]], summary: str | None = None) -> dict:
    record = new_record(f"page study{index}.txt")
    record.update(id=f"local-{index}", nct_id=None, title=title, summary=summary)
    record["sites"] = [{"facility": facility, "city": city, "region": None, "country": None, "status": None,
                        "lat": None, "lon": None, "contacts": []} for facility, city in sites]
    return record


def _pairwise(records):
    """merge_run without blocking: every record compared with every group."""
    groups = []
    for record in records:
        for index, (group, count) in enumerate(groups):
            if same_study(group, record):
                merged = merge(group, record) if precedence(group) > precedence(record) else merge(record, group)
                groups[index] = (merged, count + 1)
                break
        else:
            groups.append((copy.deepcopy(record), 1))
    return groups


def _shape(groups):
    return [(g.get("nct_id"), g.get("title"), sorted(g["sources"]), len(g["sites"]), count) for g, count in groups]


def test_blocked_merge_of_pages_gives_the_groups_of_every_pair():
    rng = random.Random(15)
    titles = ["CD19 CAR-T in lupus nephritis", "CD19 CAR T cells in lupus nephritis", "BCMA CAR-T in myasthenia gravis",
              "Anti-CD7 cells in T-cell lymphoma", None]
    facilities = ["First Hospital of Example University", "The First Hospital of Example University",
                  "Harbour Medical Centre", "Northern Clinic", None]
    cities = ["Springfield", "springfield ", "Portsmouth", "Leeds", None, " "]
    summaries = ["A study of CD19 CAR-T cells.", "A study of CD19 CAR-T cells. ", "Another summary.", None]
    for _ in range(20):
        records = [_page(i, rng.choice(titles), [(rng.choice(facilities), rng.choice(cities)) for _ in range(rng.randint(0, 2))],
                         rng.choice(summaries)) for i in range(30)]
        for record in records[::7]:
            record["nct_id"] = record["id"] = f"NCT0990{rng.randint(0, 3):04d}"
        assert _shape(merge_run(copy.deepcopy(records))) == _shape(_pairwise(copy.deepcopy(records)))


def test_pages_in_different_cities_are_compared_linearly():
    calls = {"n": 0}

    def counting(a, b):
        calls["n"] += 1
        return same_study(a, b)

    records = [_page(i, f"Q{i:04d}Z", [(f"H{i:04d}W", f"City{i:04d}")]) for i in range(1000)]
    records.append(_page(2000, "Q0500Z", [("H0500W", "city0500")]))
    groups = merge_run(records, same=counting)
    assert len(groups) == 1000 and calls["n"] == 1     # only the page of the same city was compared
