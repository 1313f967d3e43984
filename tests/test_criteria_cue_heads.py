"""The cue pre-check (``nlp.criteria.cues.heads``): a pattern is skipped only when it cannot
match, so the parser reads every line exactly as it would by running every pattern."""
import json
import re
from pathlib import Path

from nlp.criteria.cues import heads, load_cues
from nlp.criteria.elements import find_cues
from nlp.criteria.parser import prepare

GOLD = Path(__file__).parent / "data" / "criteria_gold" / "dev.jsonl"


def _all_patterns():
    cues = load_cues()
    for patterns in cues.patterns.values():
        yield from patterns
    for _, patterns in cues.review:
        yield from patterns
    for patterns in cues.response.values():
        yield from patterns


def test_heads_read_through_optional_words_and_alternatives():
    assert heads(re.compile(r"(?<!\w)(?:the[\s-]+)?(?:start|initiation)[\s-]+of(?!\w)", re.I)) == ("initiation", "start")
    assert heads(re.compile(r"(?<!\w)history[\s-]+of(?!\w)", re.I)) == ("history",)
    # a match may start with anything: no pre-check
    assert heads(re.compile(r"(?<!\w)\d+[\s-]*x?(?!\w)", re.I)) == ()
    assert heads(re.compile(r"(?:a|b)", re.I)) == ()


def test_every_match_holds_one_of_its_heads():
    lines = [prepare(json.loads(line)["text"]) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    lines += ["History of Bone Marrow Transplant within 28 DAYS", "no prior treatment, E.G. steroids"]
    for pattern in _all_patterns():
        needed = heads(pattern)
        if not needed:
            continue
        for line in lines:
            for match in pattern.finditer(line):
                assert any(h in match.group(0).casefold() for h in needed), (pattern.pattern, line)


def test_find_cues_same_with_and_without_the_pre_check(monkeypatch):
    cues = load_cues()
    lines = [prepare(json.loads(line)["text"]) for line in GOLD.read_text(encoding="utf-8").splitlines()][:80]
    fast = [[(c.start, c.end, sorted(c.sections)) for c in find_cues(line, cues, [])] for line in lines]
    import nlp.criteria.elements as elements
    monkeypatch.setattr(elements._CueTable, "heads_in", lambda self, folded: frozenset(self._heads))
    slow = [[(c.start, c.end, sorted(c.sections)) for c in find_cues(line, cues, [])] for line in lines]
    assert fast == slow
