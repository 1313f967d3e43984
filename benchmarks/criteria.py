"""The criteria benchmark: how many curated seed criteria the criteria parser reproduces.

Every criterion with a rule (the leaves of the criteria trees, not group headings) of the
hand-checked records in ``data/trials/`` is parsed from its text with its kind, and the
parser's rule is compared with the curator's:

* **exact**: the same rule once notes and questions (``note``, ``ask``) are left out, which
  no parser can reproduce; order and nesting must match;
* **equivalent**: the same rule up to logic that cannot change a verdict: order inside
  ``all``/``any``, nesting of the same combinator, duplicates, one-member groups, defaults
  written out (an infection's state ``positive``, a therapy's response ``any``), and a leaf
  covered by a broader one in the same group (``any[immunosuppressant, biologic]`` is
  ``immunosuppressant``, by the terminology's is-a). Review reasons still count;
* **leaf recall / precision**: the curated evaluable (non-review) leaves found among the
  parser's, and the parser's found among the curated ones, over all criteria;
* **review only**: criteria the parser leaves entirely to the trial team;
* **invalid**: outputs a trial record would reject (must be 0).

**The gold sets** (``tests/data/criteria_gold/``: real registry lines, hand-judged to a rule,
``review`` or ``heading``) are scored for dev and test separately:

* **coverage**: the share of criteria turned into a *full* rule (no review leaf at all);
* **precision**: the share of those full rules that judge every probe patient as the gold
  does. Where the gold says ``review`` or ``heading``, any full rule is wrong. Otherwise both
  rules are judged (three-valued, ``docs/rule-language.md``) on probe patients built from
  the leaves of both: every age, lab and score just below, at and above each threshold,
  either sex, each pregnancy state, every concept leaf present, absent or unknown (kept
  consistent with the terminology's is-a), and the rule is wrong on the first probe whose
  verdict differs (same canonical forms are right without probing);
* **partial rules** (evaluable leaves with review leaves beside them) are not counted in
  either; those deciding a probe against the gold are listed apart (``partial_against``);
* **to judge again**: a line the gold says is ``review`` for a missing concept, which the
  parser now reads with a concept added to the terminology since
  (``concepts_at_judging.txt`` lists the ones there were) is neither right nor wrong until a
  person judges it again; such lines are listed apart (``stale``).

``test.jsonl`` is held aside: it is read here only, never for tuning.

``python bot.py bench criteria`` prints the table; ``--json`` adds every mismatch.
``python -m benchmarks.criteria`` rewrites the mismatch report
``tests/data/criteria_parser_report.md``, so a change's effect is visible in review.

Example: python bot.py bench criteria
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable

from benchmarks.criteria_records import records_dir
from core.rules import iter_leaves
from data.terminology import load_terminology
from data.trials import iter_criteria, load_trials
from nlp.criteria.cues import load_cues
from nlp.criteria.parser import parse_criterion, rule_problem
from nlp.criteria.rule_forms import canonical, key, review_only, simplify
from nlp.criteria.study_drugs import reading_study

REPORT = Path(__file__).resolve().parent.parent / "tests" / "data" / "criteria_parser_report.md"


def seed_criteria(directory: Path | None = None) -> list[dict[str, Any]]:
    """Every criterion with a rule in the curated records: trial, id, kind, text, rule."""
    found = []
    for record in load_trials(directory):
        for criterion, _, _ in iter_criteria(record["criteria"]):
            if criterion.get("rule") is not None:
                found.append({"trial": record["id"], "id": criterion["id"], "kind": criterion["kind"],
                              "text": criterion["text"], "rule": criterion["rule"]})
    return found


def record_interventions(directory: Path | None = None) -> dict[str, list[dict]]:
    """The interventions (type, name) of each ClinicalTrials.gov record the gold lines were
    drawn from, by NCT id, as the importer stores them (``registry.ctgov``); empty when the
    records are not beside the checkout (the lines are then read alone)."""
    found: dict[str, list[dict]] = {}
    for path in sorted((directory or records_dir()).glob("NCT*.json")):
        study = json.loads(path.read_text(encoding="utf-8")).get("protocolSection", {})
        nct = study.get("identificationModule", {}).get("nctId")
        found[nct] = [{"type": i.get("type"), "name": i.get("name")}
                      for i in study.get("armsInterventionsModule", {}).get("interventions", [])]
    return found


# how the line above a wrapped line ends: where a list member ends (the line below begins a
# member of its own: a comma, a semicolon, a full stop, a colon, "or", a list marker), or
# with "and" / "and/or" (the line below may be one of the conjuncts)
_MEMBER_END = re.compile(r"(?:[,;.:•*-]|(?<!and/)\bor|\(?(?:[ivx]+|\d+|[a-z])\))$")
_CONJUNCT_END = re.compile(r"\band(?:/or)?$")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")


def _plain(text: str) -> str:
    return " ".join(text.replace("\\", "").split()).lower()


def lines_tied_above(rows: list[dict], directory: Path | None = None) -> dict[str, tuple]:
    """The gold lines whose meaning may depend on a line above them in their record, which
    the line read alone cannot be tied to (the gold README's convention, round 41, h199), by
    id:

    * ``("heading", headings)``: an item under group headings (nearest first); whether one
      bears on the line's reading is ``registry.criteria_text.headings_bear_on``'s (a window,
      a qualifier or an absence the item does not repeat);
    * ``("continued", "and", text)``: the rest of a wrapped line whose line above ends with
      "and" or "and/or" (the line may be one of the conjuncts);
    * ``("continued", "phrase", text)``: the rest of a wrapped line whose line above ends
      inside a phrase ("... or poorly controlled Type 1 or 2" / "diabetes"); ``text`` is the
      whole criterion, which ``_tied_review`` reads to see whether the words above change
      the line's reading.

    A line after a comma, a semicolon, a full stop, "or" or a list marker begins a list
    member of its own and is not listed. The records are split as the importer splits them
    (``registry.criteria_text``); a line standing alone in its list, or whose record is not
    beside the checkout, is not listed."""
    from registry.criteria_text import split_criteria   # start-up: the registry reader only for the lines read in place

    directory = directory or records_dir()
    by_record: dict[str, list[dict]] = {}
    for row in rows:
        by_record.setdefault(row.get("nct_id") or "", []).append(row)
    tied: dict[str, tuple] = {}

    def walk(criteria, headings):
        for criterion in criteria:
            yield criterion, headings
            if criterion.get("children"):
                yield from walk(criterion["children"], [criterion["text"], *headings])

    for nct, record_rows in by_record.items():
        path = directory / f"{nct}.json"
        if not nct or not path.exists():
            continue
        study = json.loads(path.read_text(encoding="utf-8")).get("protocolSection", {})
        text = study.get("eligibilityModule", {}).get("eligibilityCriteria", "")
        # the structure only: every leaf left to the team, no parser run
        nodes = [(c, h, _plain(c["text"])) for c, h in walk(
            split_criteria(text, parse=lambda _t, _k: {"type": "review", "reason": "other"}), [])]
        for row in record_rows:
            line = _plain(row["text"])
            same = [(c, h) for c, h, plain in nodes if plain == line and c["kind"] == row["kind"]]
            if same:
                criterion, headings = same[0]
                if headings and not criterion.get("children"):
                    tied[row["id"]] = ("heading", headings)
                continue
            pattern = re.compile(r"(?<=\s)" + re.escape(line) + r"(?=\s|$)")
            for criterion, _, plain in nodes:
                found = criterion["kind"] == row["kind"] and pattern.search(plain)
                if found:
                    above = plain[:found.start()].rstrip()
                    if _CONJUNCT_END.search(above):
                        tied[row["id"]] = ("continued", "and", criterion["text"])
                    elif not _MEMBER_END.search(above):
                        tied[row["id"]] = ("continued", "phrase", criterion["text"])
                    break
    return tied


def _tied_review(tie: tuple | None, kind: str, rule: dict, parse: Callable[[str, str], dict] = parse_criterion) -> bool:
    """Whether a line's reading alone goes to the team for the line above it (see
    ``lines_tied_above``): under a heading that bears on it; after "and"; inside a phrase
    when the whole criterion's reading does not hold every leaf of the line's (the words
    above qualify the line: "newly diagnosed or poorly controlled ... diabetes")."""
    from registry.criteria_text import headings_bear_on   # start-up: the registry reader only here

    if tie is None or review_only(rule):
        return False
    if tie[0] == "heading":
        return headings_bear_on(tie[1], kind, rule)
    if tie[1] == "and":
        return True
    whole = parse(_ESCAPE.sub(r"\1", tie[2]), kind)
    return not _evaluable_leaves(rule) <= _evaluable_leaves(whole)


TIED_REVIEW = {"type": "review", "reason": "other",
               "note": "The line's meaning depends on the line above it in its record."}


def without_notes(rule: Any) -> Any:
    if isinstance(rule, dict):
        return {k: without_notes(v) for k, v in rule.items() if k not in ("note", "ask")}
    if isinstance(rule, list):
        return [without_notes(v) for v in rule]
    return rule


def equivalent_form(rule: dict) -> Any:
    return canonical(simplify(without_notes(rule), load_terminology().is_a))


def evaluate(criteria: list[dict] | None = None, parse: Callable[[str, str], dict] | None = None) -> dict[str, Any]:
    """Compare the parser with the curated rules; counts, shares and the mismatches."""
    criteria = seed_criteria() if criteria is None else criteria
    parse = parse or parse_criterion
    counts = {"exact": 0, "equivalent": 0, "review_only": 0, "curated_review_only": 0, "invalid": 0}
    leaves = {"curated": 0, "parsed": 0, "found": 0, "right": 0}
    mismatches = []
    if criteria:
        parse(criteria[0]["text"], criteria[0]["kind"])  # build the pipeline before timing
    started = time.process_time()
    for criterion in criteria:
        got = parse(criterion["text"], criterion["kind"])
        want = criterion["rule"]
        exact = without_notes(got) == without_notes(want)
        equivalent = exact or equivalent_form(got) == equivalent_form(want)
        counts["exact"] += exact
        counts["equivalent"] += equivalent
        counts["review_only"] += review_only(got)
        counts["curated_review_only"] += review_only(want)
        counts["invalid"] += rule_problem(got) is not None
        curated, parsed = _evaluable_leaves(want), _evaluable_leaves(got)
        leaves["curated"] += len(curated)
        leaves["parsed"] += len(parsed)
        leaves["found"] += len(curated & parsed)
        if not exact:
            mismatches.append({**{k: criterion[k] for k in ("trial", "id", "kind", "text")},
                               "equivalent": equivalent, "expected": without_notes(want), "got": without_notes(got)})
    seconds = time.process_time() - started
    total = len(criteria)
    share = (lambda n: round(n / total, 4) if total else 0.0)
    return {
        "criteria": total,
        **counts,
        "exact_share": share(counts["exact"]),
        "equivalent_share": share(counts["equivalent"]),
        "leaf_recall": round(leaves["found"] / leaves["curated"], 4) if leaves["curated"] else 1.0,
        "leaf_precision": round(leaves["found"] / leaves["parsed"], 4) if leaves["parsed"] else 1.0,
        "cpu_ms_per_criterion": round(1000 * seconds / total, 2) if total else 0.0,
        "mismatches": mismatches,
    }


def _evaluable_leaves(rule: dict) -> set[str]:
    return {key(canonical(leaf)) for leaf in iter_leaves(rule) if leaf.get("type") != "review"}


GOLD_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "criteria_gold"
SPLITS = ("dev", "test")
_MAX_PROBES = 4096


def concepts_at_judging(directory: Path | None = None) -> set[str] | None:
    """The concept ids the gold was judged against (``concepts_at_judging.txt``), or None."""
    path = (directory or GOLD_DIR) / "concepts_at_judging.txt"
    if not path.exists():
        return None
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def _new_concepts(rule: dict, known: set[str] | None) -> list[str]:
    """Concepts of ``rule`` the terminology did not have when the gold was judged."""
    if known is None:
        return []
    fields = ("concept", "agent", "marker", "analyte", "score")
    return sorted({leaf[f] for leaf in iter_leaves(rule) for f in fields if f in leaf and leaf[f] not in known})


# how the gold's "why" says a line was review for want of a concept ("missing concept: ...",
# "missing therapy concepts: ...", "...: no concept")
_MISSING_CONCEPT = re.compile(r"missing (?:\w+ )?concepts?\b|\bno concepts?\b", re.IGNORECASE)
# how the gold's "why" says a line is a check the trial team makes, no fact about the patient
# ("consent", "...: compliance", "contraception (compliance)")
_TEAM_CHECK = re.compile(r"(?:^|: |\()(?:consent|compliance)\b")
TEAM_CHECK_REASONS = ("consent", "compliance")


def gold_rows(split: str, directory: Path | None = None) -> list[dict[str, Any]]:
    """The hand-judged rows of one gold split (``dev`` or ``test``)."""
    path = (directory or GOLD_DIR) / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _kleene(op: str, values: list[str]) -> str:
    """Kleene all/any over "true"/"false"/"unknown"/"review" (review when only review
    leaves keep the result open)."""
    decided, other = ("false", "true") if op == "all" else ("true", "false")
    if decided in values:
        return decided
    if all(v == other for v in values):
        return other
    return "unknown" if "unknown" in values else "review"


class _Probes:
    """Probe patients for comparing two rules: the variables their leaves read, and the
    values worth trying for each (around every threshold, present / absent / unknown)."""

    def __init__(self, rules: list[dict], terminology):
        self.terminology = terminology
        self.graded = load_cues().graded_by          # score -> the condition it grades
        self.values: dict[Any, set] = {}
        self.concepts: dict[str, dict] = {}      # canonical leaf key -> leaf
        for rule in rules:
            for leaf in iter_leaves(rule):
                kind = leaf.get("type")
                if kind == "age":
                    vals = self.values.setdefault("age", {None})
                    if leaf.get("min") is not None:
                        vals |= {leaf["min"] - 1, leaf["min"]}
                    if leaf.get("max") is not None:
                        vals |= {leaf["max"], leaf["max"] + 1}
                elif kind in ("sex", "pregnancy"):
                    self.values["sex"] = {None, "female", "male"}
                    if kind == "pregnancy":
                        self.values["pregnancy"] = {None, "none", "pregnant", "lactating", "planning"}
                elif kind in ("lab", "score"):
                    var, threshold = self._measure(leaf)
                    vals = self.values.setdefault(var, {None})
                    if threshold is not None:
                        step = 1 if kind == "score" else max(abs(threshold) * 0.01, 1e-6)
                        tried = {threshold - step, threshold, threshold + step}
                        if kind == "score":
                            # no patient has a score outside its range: NYHA "class IV" (== 4) is >= 4
                            low, high = (terminology.get(leaf["score"]).attrs.get("range") or (None, None)) \
                                if terminology.get(leaf["score"]) else (None, None)
                            tried = {v for v in tried if (low is None or v >= low) and (high is None or v <= high)}
                        vals |= tried
                elif kind != "review":
                    self.concepts.setdefault(key(canonical(leaf)), canonical(leaf))
        for name in self.concepts:
            self.values[name] = {None, True, False}

    def _measure(self, leaf: dict) -> tuple[Any, float | None]:
        if leaf["type"] == "score":
            return ("score", leaf["score"]), leaf.get("value")
        if leaf.get("uln") is not None:
            return ("lab", leaf["analyte"], "uln"), leaf["uln"]
        value = leaf.get("value")
        converted = self.terminology.to_canonical(leaf["analyte"], value, leaf.get("unit")) if value is not None else None
        if converted is None:
            return ("lab", leaf["analyte"], leaf.get("unit")), value
        return ("lab", leaf["analyte"], "canonical"), round(converted, 9)

    def patients(self) -> list[dict]:
        import itertools
        import random

        names = sorted(self.values, key=str)
        pools = [sorted(self.values[n], key=lambda v: (v is None, str(type(v)), v if v is not None else 0)) for n in names]
        total = 1
        for pool in pools:
            total *= len(pool)
        if total <= _MAX_PROBES:
            combos = itertools.product(*pools)
        else:
            rng = random.Random(20261202)
            combos = [tuple(rng.choice(pool) for pool in pools) for _ in range(_MAX_PROBES)]
            combos.append(tuple(None for _ in pools))
        return [p for p in (dict(zip(names, c)) for c in combos) if self._consistent(p)]

    def _consistent(self, patient: dict) -> bool:
        if patient.get("sex") == "male" and patient.get("pregnancy") not in (None, "none"):
            return False
        for score, condition in self.graded.items():
            # a NYHA class is given to heart failure: the score implies the condition it grades
            if patient.get(("score", score)) is None:
                continue
            for name, leaf in self.concepts.items():
                if leaf["type"] in ("diagnosis", "history") and set(leaf) == {"type", "concept"} \
                        and self.terminology.is_a(condition, leaf["concept"]) and patient[name] is not True:
                    return False
        for a, leaf_a in self.concepts.items():
            for b, leaf_b in self.concepts.items():
                if a != b and self._implies(leaf_a, leaf_b):
                    if patient[a] is True and patient[b] is not True:
                        return False
                    if patient[b] is False and patient[a] is not False:
                        return False
        return True

    def _implies(self, a: dict, b: dict) -> bool:
        """A patient for whom leaf ``a`` holds makes leaf ``b`` hold too."""
        field = {"diagnosis": "concept", "history": "concept", "therapy": "concept", "procedure": "concept",
                 "infection": "agent", "biomarker": "marker", "allergy": "substance"}
        ta, tb = a["type"], b["type"]
        if not (ta == tb or (ta == "diagnosis" and tb == "history")):
            return False
        ca, cb = a.get(field[ta]), b.get(field[tb])
        if not (ca == cb or self.terminology.is_a(ca, cb)):
            return False
        rest_a = {k: v for k, v in a.items() if k not in ("type", field[ta], "within_days", "min_count", "min_duration_months")}
        rest_b = {k: v for k, v in b.items() if k not in ("type", field[tb], "within_days", "min_count", "min_duration_months")}
        if rest_a != rest_b:
            return False
        if b.get("within_days") is not None and (a.get("within_days") is None or a["within_days"] > b["within_days"]):
            return False
        if b.get("min_count", 1) > a.get("min_count", 1):
            return False
        if b.get("min_duration_months") is not None and (a.get("min_duration_months") or 0) < b["min_duration_months"]:
            return False
        return True

    def judge(self, rule: dict, patient: dict) -> str:
        if "not" in rule:
            inner = self.judge(rule["not"], patient)
            return {"true": "false", "false": "true"}.get(inner, inner)
        for op in ("all", "any"):
            if op in rule:
                return _kleene(op, [self.judge(child, patient) for child in rule[op]])
        kind = rule.get("type")
        if kind == "review":
            return "review"
        if kind == "age":
            age = patient.get("age")
            if age is None:
                return "unknown"
            ok = (rule.get("min") is None or age >= rule["min"]) and (rule.get("max") is None or age <= rule["max"])
            return "true" if ok else "false"
        if kind == "sex":
            sex = patient.get("sex")
            if sex is None and patient.get("pregnancy") in ("pregnant", "lactating"):
                sex = "female"  # as the matcher reads it
            return "unknown" if sex is None else ("true" if sex in rule["allowed"] else "false")
        if kind == "pregnancy":
            if patient.get("sex") == "male":
                return "false"
            state = patient.get("pregnancy")
            return "unknown" if state is None else ("true" if state in rule["states"] else "false")
        if kind in ("lab", "score"):
            var, threshold = self._measure(rule)
            value = patient.get(var)
            if value is None or threshold is None:
                return "unknown"
            holds = {"<": value < threshold, "<=": value <= threshold, ">": value > threshold,
                     ">=": value >= threshold, "==": value == threshold}[rule["op"]]
            return "true" if holds else "false"
        value = patient.get(key(canonical(rule)))
        return "unknown" if value is None else ("true" if value else "false")


def agrees(got: dict, gold: dict, terminology=None, partial: bool = False) -> tuple[bool, dict | None]:
    """Does ``got`` judge every probe patient as ``gold`` does? (True, None) or (False, the
    first probe where ``got`` decides (true / false) otherwise than ``gold``. A rule that is
    undecided where the gold decides is caught on the probe that decides its open leaf; an
    undecided verdict only because of a review leaf defers to the trial team (partial rules)."""
    if equivalent_form(got) == equivalent_form(gold):
        return True, None
    terminology = terminology or load_terminology()
    probes = _Probes([got, gold], terminology)
    for patient in probes.patients():
        mine, theirs = probes.judge(got, patient), probes.judge(gold, patient)
        if mine != theirs and mine in ("true", "false"):
            return False, {"patient": {str(k): v for k, v in patient.items() if v is not None},
                           "got": mine, "gold": theirs}
    return True, None


def evaluate_gold(split: str, parse: Callable[[str, str], dict] | None = None,
                  rows: list[dict] | None = None) -> dict[str, Any]:
    """Coverage and precision of the parser on one gold split (see the module docstring)."""
    rows = gold_rows(split) if rows is None else rows
    parse = parse or parse_criterion
    counts = {"full": 0, "partial": 0, "review": 0, "right": 0, "gold_rules": 0, "gold_rules_found": 0,
              "partial_gold_not_rule": 0, "team_checks": 0, "team_checks_shown": 0}
    wrong, partial_against, stale = [], [], []
    known = concepts_at_judging()
    interventions = record_interventions()
    tied = lines_tied_above(rows)
    for row in rows:
        # the line as the importer reads it: beside its record's interventions ("the study drug")
        with reading_study(interventions.get(row.get("nct_id"))):
            got = without_notes(parse(row["text"], row["kind"]))
        # a line whose meaning depends on a line above it goes to the team (round 41)
        if _tied_review(tied.get(row["id"]), row["kind"], got):
            got = without_notes(TIED_REVIEW)
        expected = row["expected"]
        is_rule = isinstance(expected, dict)
        counts["gold_rules"] += is_rule
        kinds = {leaf.get("type") == "review" for leaf in iter_leaves(got)}
        item = {k: row[k] for k in ("id", "kind", "text")} | {"expected": expected, "got": got}
        if not is_rule and _TEAM_CHECK.search(row.get("why", "")):
            # consent, compliance: shown to the team as such (the reason of a review leaf)
            counts["team_checks"] += 1
            counts["team_checks_shown"] += review_only(got) and all(
                leaf.get("reason") in TEAM_CHECK_REASONS for leaf in iter_leaves(got))
        if review_only(got):
            counts["review"] += 1
            continue
        full = kinds == {False}
        counts["full" if full else "partial"] += 1
        if is_rule:
            right, probe = agrees(got, expected)
        else:
            right, probe = False, None
        added = _new_concepts(got, known)
        if full and not is_rule and added and _MISSING_CONCEPT.search(row.get("why", "")):
            # judged "review" for a concept the terminology lacked; it has one now: a person
            # judges the line again (neither right nor wrong until then)
            counts["full"] -= 1
            stale.append(item | {"new_concepts": added, "why": row.get("why", "")})
            continue
        if full:
            counts["right"] += right
            counts["gold_rules_found"] += right and is_rule
            if not right:
                wrong.append(item | ({"probe": probe} if probe else {}))
        elif is_rule and not right:
            partial_against.append(item | ({"probe": probe} if probe else {}))
        else:
            counts["partial_gold_not_rule"] += not is_rule
    n = len(rows)
    if split != "dev":          # the held-aside half is counted, never shown item by item
        wrong, partial_against, stale = ([{"id": item["id"]} for item in found] for found in (wrong, partial_against, stale))
    return {
        "split": split,
        "criteria": n,
        **counts,
        "coverage": round(counts["full"] / n, 4) if n else 0.0,
        # the same over the criteria that state a fact about the patient (the gold's consent
        # and compliance lines left out, as benchmarks.criteria_records does)
        "coverage_of_patient_facts": round(counts["full"] / (n - counts["team_checks"]), 4) if n > counts["team_checks"] else 0.0,
        "precision": round(counts["right"] / counts["full"], 4) if counts["full"] else 1.0,
        "gold_rule_recall": round(counts["gold_rules_found"] / counts["gold_rules"], 4) if counts["gold_rules"] else 1.0,
        "coverage_ceiling": round(counts["gold_rules"] / n, 4) if n else 0.0,
        "wrong": wrong,
        "partial_against": partial_against,
        "stale": stale,
    }


def bench_criteria(args) -> dict[str, Any]:
    """The bench suite (benchmarks/command.py): results with a "table" of rows."""
    result = evaluate()
    n = result["criteria"]
    gold = {split: evaluate_gold(split) for split in SPLITS if (GOLD_DIR / f"{split}.jsonl").exists()}
    result["gold"] = gold
    result["table"] = [
        ("seed criteria (leaves of the 4 curated records)", n),
        ("reproduced exactly", f"{result['exact']}/{n} = {result['exact_share']:.1%}"),
        ("reproduced equivalently", f"{result['equivalent']}/{n} = {result['equivalent_share']:.1%}"),
        ("curated evaluable leaves found (recall)", f"{result['leaf_recall']:.1%}"),
        ("parsed evaluable leaves in the curated rule (precision)", f"{result['leaf_precision']:.1%}"),
        ("left to the trial team entirely (parser / curator)", f"{result['review_only']} / {result['curated_review_only']}"),
        ("invalid rules", result["invalid"]),
        ("CPU ms per criterion", result["cpu_ms_per_criterion"]),
    ]
    for split, g in gold.items():
        m = g["criteria"]
        result["table"] += [
            (f"gold {split}: criteria (rule / review / heading)",
             f"{m} ({g['gold_rules']} / {sum(isinstance(r, str) and r == 'review' for r in (x['expected'] for x in gold_rows(split)))}"
             f" / {sum(r == 'heading' for r in (x['expected'] for x in gold_rows(split)))})"),
            (f"gold {split}: full rules (coverage; the gold's rules are {g['coverage_ceiling']:.1%})",
             f"{g['full']}/{m} = {g['coverage']:.1%}"),
            (f"gold {split}: full rules of patient-fact criteria (consent and compliance left out)",
             f"{g['full']}/{m - g['team_checks']} = {g['coverage_of_patient_facts']:.1%}"),
            (f"gold {split}: consent and compliance lines shown as such (review reason)",
             f"{g['team_checks_shown']}/{g['team_checks']}"),
            (f"gold {split}: full rules judging as the gold (precision)", f"{g['right']}/{g['full']} = {g['precision']:.1%}"),
            (f"gold {split}: gold rules reproduced as full rules", f"{g['gold_rules_found']}/{g['gold_rules']} = {g['gold_rule_recall']:.1%}"),
            (f"gold {split}: partial rules / review leaves", f"{g['partial']} / {g['review']}"),
            (f"gold {split}: partial rules where the gold is review or heading", g["partial_gold_not_rule"]),
            (f"gold {split}: partial rules deciding against a gold rule", len(g["partial_against"])),
            (f"gold {split}: to judge again (review for a concept added since)", len(g["stale"])),
        ]
        if split != "dev":      # the held-aside half is counted, never listed item by item
            continue
        for item in g["wrong"]:
            result["table"].append((f"  wrong ({split}) {item['id']}", f"{' '.join(item['text'].split())[:90]} -> "
                                    f"{json.dumps(item['got'], ensure_ascii=False)[:160]}"))
        for item in g["stale"]:
            result["table"].append((f"  judge again ({split}) {item['id']}", f"{' '.join(item['text'].split())[:90]} -> "
                                    f"{json.dumps(item['got'], ensure_ascii=False)[:160]}"))
    return result


def report_text(result: dict[str, Any]) -> str:
    """The mismatch report (markdown)."""
    n = result["criteria"]
    lines = [
        "# Criteria parser: seed criteria it does not reproduce exactly",
        "",
        "Generated by `python -m benchmarks.criteria` (see `benchmarks/criteria.py`);",
        "regenerate it after changing the parser, its cues or the terminology, and read the diff.",
        "",
        f"- exact: {result['exact']}/{n} ({result['exact_share']:.1%}); equivalent: {result['equivalent']}/{n} "
        f"({result['equivalent_share']:.1%})",
        f"- curated evaluable leaves found: {result['leaf_recall']:.1%}; parsed leaves in the curated rule: "
        f"{result['leaf_precision']:.1%}; invalid rules: {result['invalid']}",
        "",
    ]
    for item in result["mismatches"]:
        flag = " (equivalent)" if item["equivalent"] else ""
        lines += [
            f"## {item['trial']} {item['id']} ({item['kind']}){flag}",
            "",
            f"> {' '.join(item['text'].split())}",
            "",
            "curated:",
            "",
            "```json",
            json.dumps(item["expected"], ensure_ascii=False),
            "```",
            "",
            "parsed:",
            "",
            "```json",
            json.dumps(item["got"], ensure_ascii=False),
            "```",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write the mismatch report (default ``tests/data/criteria_parser_report.md``)."""
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else REPORT
    result = evaluate()
    path.write_text(report_text(result) + "\n", encoding="utf-8")
    print(f"{path}: exact {result['exact']}/{result['criteria']}, equivalent {result['equivalent']}/{result['criteria']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
