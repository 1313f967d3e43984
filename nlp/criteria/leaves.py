"""The criteria parser's tree (``nlp/criteria/structure.py``) -> a rule of the rule language.

Each atom becomes the most evaluable leaf its cues allow (``docs/rule-language.md``):

* conditions: ``diagnosis`` (``min_duration_months`` from "for at least 6 months"), or
  ``history`` after "history of"/"prior"/"in the past" or with a window;
* infections: ``infection`` with state ``active`` ("active", "uncontrolled", the generic
  active infection) or ``positive``; a negative result is ``not`` a positive one;
* therapies: ``therapy`` with ``response`` from the criterion's outcome words, ``min_count``,
  ``within_days``, ``within_half_lives``, ``except``; procedures: ``procedure``;
* labs and scores: one leaf per bound; markers: ``biomarker``; ``pregnancy``; ``age``.

A qualifier the language cannot hold ("severe", a therapy duration, a count of courses)
adds a review leaf: ``all[leaf, review]``, so the leaf alone never decides. A negated fact
is ``not`` its leaf. An exception that names patients rather than kinds of the concept is an
exemption: for an inclusion ``any[rule, exception]`` (with a review when the exception has
no threshold of its own), for an exclusion ``all[rule, any[not exception, review]]``.
"""
from __future__ import annotations

import re

from typing import Any

from data.terminology import Terminology
from core.rules import iter_leaves
from nlp.criteria.atoms import Atom
from nlp.criteria.cues import Cues
from nlp.criteria.nodes import atom_nodes, must_not, node_span
from nlp.criteria.rule_forms import review_only

_TEST = re.compile(r"\btests?\b", re.IGNORECASE)

_NOTE_LENGTH = 160


def review(reason: str, text: str, cues: Cues) -> dict:
    words = " ".join(text.split())
    if len(words) > _NOTE_LENGTH:
        words = words[:_NOTE_LENGTH - 1].rstrip() + "…"
    return {"type": "review", "reason": reason if reason != "exemption" else "clinical",
            "note": cues.review_notes[reason].replace("{text}", words)}


def node_rule(node: tuple, reader) -> dict:
    """The rule for a structure node (``reader`` is the ``Reader`` that built it)."""
    kind = node[0]
    if kind == "atom":
        return atom_rule(node[1], reader)
    if kind == "review":
        return review(node[1], node[2], reader.cues)
    if kind in ("all", "any"):
        return {kind: [node_rule(child, reader) for child in node[1]]}
    if kind == "not":
        return {"not": node_rule(node[1], reader)}
    if kind == "exempt":
        return _exemption(node_rule(node[1], reader), node_rule(node[2], reader), node, reader)
    raise ValueError(f"unknown node {kind!r}")


def _exemption(main: dict, exception: dict, node: tuple, reader) -> dict:
    exception = _cause_of_the_raise(exception, node[2], main, reader)
    span = node_span(node[2])
    note = review("exemption", reader.text[span[0]:span[1]] if span else "", reader.cues)
    if review_only(exception):
        return {"all": [main, exception]} if reader.kind == "exclusion" else {"any": [main, exception]}
    if reader.kind == "exclusion":
        return {"all": [main, {"any": [{"not": exception}, note]}]}
    if not _has_threshold(exception) and not _has_review(exception) and not _raises(exception, main, reader):
        exception = {"all": [exception, note]}
    return {"any": [main, exception]}


def _cause_of_the_raise(exception: dict, node: tuple, main: dict, reader) -> dict:
    """(round 31, h148) 'total bilirubin ≤ 1.5 x ULN unless the elevation is due to Gilbert
    syndrome': "due to" (``cause_words`` of the cues) before a condition that raises the
    rule's analyte is what the exception says anyway: the condition's leaf, without the
    team's check of the cause (any other qualifier stays)."""
    atoms = [atom for _, atom in atom_nodes(node)]
    if len(atoms) != 1 or atoms[0].label != "CONDITION" or atoms[0].negated or atoms[0].mods.get("negated"):
        return exception
    words = atoms[0].mods.get("qualifier_words") or ()
    causes = reader.cues.patterns.get("cause_words", ())
    if not words or not all(any(p.fullmatch(" ".join(w.split())) for p in causes) for w in words):
        return exception
    plain = {"type": "diagnosis", "concept": atoms[0].concept}
    return plain if _raises(plain, main, reader) else exception


def _raises(exception: dict, main: dict, reader) -> bool:
    """(round 31, h148) 'Total bilirubin ≤ 1.5 × ULN (except participants with a diagnosis of
    Gilbert's disease)': the exception is a condition the terminology says raises an analyte
    the rule's thresholds are of (``raises``): whether it applies needs no team check."""
    if exception.get("type") != "diagnosis":
        return False
    concept = reader.terminology.get(exception.get("concept"))
    raised = set(concept.attrs.get("raises", ())) if concept is not None else set()
    return bool(raised) and any(leaf.get("type") == "lab" and leaf.get("analyte") in raised for leaf in iter_leaves(main))


def atom_rule(atom: Atom, reader) -> dict:
    terminology: Terminology = reader.terminology
    mods = atom.mods
    rule = _leaf(atom, reader)
    if atom.alternatives and rule.get("type") in ("therapy", "procedure"):
        rules = [rule] + [_therapy_leaf(atom, concept, terminology, reader) for concept in atom.alternatives]
        rule = {"any": rules}
    qualified = mods.get("qualified") or _inexpressible(atom, rule, reader)
    status = _status(atom, rule, reader)
    if status is not None:
        # (round 19) words unread beside the status word stay the team's
        rule, qualified = dict(rule, concept=status), mods.get("more_words")
    if qualified:
        rule = {"all": [rule, review(qualified[0], qualified[1], reader.cues)]}
    if _negated(atom, reader):
        rule = {"not": rule}
    return rule


def _status(atom: Atom, rule: dict, reader) -> str | None:
    """'untreated CNS metastases', 'symptomatic brain metastases': the status concept the
    one status word qualifying the condition names (``status_concepts`` of the cues); None
    when the words are more than one ("untreated and/or uncontrolled": either status), when
    something else qualifies the fact, or when the condition has no such status."""
    words = {" ".join(w.lower().split()) for w in atom.mods.get("qualifier_words", ())}
    qualified = atom.mods.get("qualified")
    if (len(words) != 1 or qualified is None or " ".join(qualified[1].lower().split()) not in words
            or rule.get("type") not in ("diagnosis", "history") or rule.get("except")):
        return None
    return reader.cues.status_concepts.get(rule["concept"], {}).get(next(iter(words)))


def _leaf(atom: Atom, reader) -> dict:
    mods, label, concept, fact = atom.mods, atom.label, atom.concept, atom.fact
    if label == "CONDITION":
        history = mods.get("history") or mods.get("within_days")
        leaf: dict[str, Any] = {"type": "history" if history else "diagnosis", "concept": concept}
        if mods.get("within_days"):
            leaf["within_days"] = mods["within_days"]
        if mods.get("duration_months") and not history:
            leaf["min_duration_months"] = _number(mods["duration_months"])
        if mods.get("except"):
            leaf["except"] = _unique(mods["except"])
        if mods.get("max_duration_months") and leaf["type"] == "diagnosis" and "min_duration_months" not in leaf:
            # round 31 (h149): "diabetes duration < 2 years": the condition, not held for 24
            # months (the language has a minimum time since diagnosis; a maximum is its negation)
            longer = {**leaf, "min_duration_months": _number(mods["max_duration_months"])}
            return {"all": [leaf, {"not": longer}]}
        return leaf
    if label == "INFECTION":
        chronic_read = bool(mods.get("chronic") and (reader.cues.chronic_markers or {}).get(concept))
        # "history of HIV or chronic hepatitis B": the chronic infection is its marker, not
        # any past hepatitis B (a resolved one is no chronic infection)
        if (mods.get("history") and not mods.get("active") and not chronic_read) or mods.get("within_days"):
            leaf = {"type": "history", "concept": concept}
            if mods.get("within_days"):
                leaf["within_days"] = mods["within_days"]
            if mods.get("except"):  # a history leaf cannot take kinds out: the team does
                mods.setdefault("qualified", ("clinical", f"{atom.text} except {', '.join(mods['except'])}"))
            return leaf
        active = concept == "active_infection" or mods.get("active") or (fact is not None and fact.status == "active")
        leaf = {"type": "infection", "agent": concept, "state": "active" if active else "positive"}
        marker = (reader.cues.chronic_markers or {}).get(concept) if mods.get("chronic") else None
        if marker and not mods.get("except"):
            # "chronic hepatitis B": HBsAg positive; "active or chronic": either
            chronic = {"type": "infection", "agent": marker, "state": "positive"}
            return {"any": [leaf, chronic]} if active else chronic
        if mods.get("except"):
            leaf["except"] = _unique(mods["except"])
        return leaf
    if label in ("DRUG", "PROCEDURE"):
        return _therapy_leaf(atom, concept, reader.terminology, reader)
    if label == "LAB":
        leaves = [_lab_leaf(concept, op, amount) for op, amount in atom.bounds]
        # "TSH < 0.45 or > 10 mIU/L": either bound (a value outside a range)
        return leaves[0] if len(leaves) == 1 else {"any" if mods.get("either") else "all": leaves}
    if label == "SCORE":
        leaves = [{"type": "score", "score": concept, "op": op, "value": _number(value)} for op, value in atom.bounds]
        return leaves[0] if len(leaves) == 1 else {"all": leaves}
    if label == "BIOMARKER":
        # (round 26) a negation the clause's cue already carries ("absence of") is not the marker's result
        negative = (fact is not None and (fact.status == "negative" or fact.negated)
                    and not (mods.get("negation_in_cue") and fact.negated))
        leaf = {"type": "biomarker", "marker": concept, "state": "negative" if negative else "positive"}
        # a share of cells ("CD7 ≥ 20%"); an antibody's level or titre ("anti-dsDNA > 30 IU/mL") is no share
        if (fact is not None and fact.value is not None and fact.unit == "%" and not negative
                and fact.comparator in (None, ">=", ">")):
            leaf["min_percent"] = _number(fact.value)
        return leaf
    if label == "PREGNANCY":
        return {"type": "pregnancy", "states": [concept]}
    if label == "AGE":
        leaf = {"type": "age"}
        low, high = atom.age
        if low is not None:
            leaf["min"] = _number(low)
        if high is not None:
            leaf["max"] = _number(high)
        return leaf
    raise ValueError(f"no leaf for {label}")


def _therapy_leaf(atom: Atom, concept: str, terminology: Terminology, reader) -> dict:
    mods = atom.mods
    found = terminology.get(concept)
    if found is not None and found.kind == "procedure":
        leaf: dict[str, Any] = {"type": "procedure", "concept": concept}
        if mods.get("within_days"):
            leaf["within_days"] = mods["within_days"]
        return leaf
    leaf = {"type": "therapy", "concept": concept}
    response = _response(atom, reader)
    if response:
        leaf["response"] = response
    if mods.get("min_count") and mods["min_count"] > 1:
        leaf["min_count"] = _number(mods["min_count"])
    if mods.get("within_days"):
        leaf["within_days"] = mods["within_days"]
    if mods.get("within_half_lives"):
        leaf["within_half_lives"] = _number(mods["within_half_lives"])
    if mods.get("except"):
        leaf["except"] = _unique(mods["except"])
    if mods.get("during_trial") and response == "current" and (_negated(atom, reader) or reader.kind == "exclusion"):
        # (round 27) "No concurrent antineoplastic agents", "Any concurrent anti-cancer
        # treatment": a rule on what is taken during the study, not on what is taken now
        leaf["during_trial"] = True
    if "within_days" in leaf and "within_half_lives" in leaf and reader.whichever:
        days = {k: v for k, v in leaf.items() if k != "within_half_lives"}
        lives = {k: v for k, v in leaf.items() if k != "within_days"}
        if reader.whichever == "shorter":
            return {"all": [days, lives]}   # inside the shorter window = inside both
        if reader.whichever == "longer":
            return {"any": [days, lives]}   # inside the longer window = inside either
        atom.mods.setdefault("qualified", ("clinical", f"whichever is {reader.whichever}"))
    return leaf


def _response(atom: Atom, reader) -> str | None:
    current = atom.mods.get("current") and not (atom.mods.get("within_days") or atom.mods.get("within_half_lives"))
    if _negated(atom, reader):
        # "No concurrent chemotherapy": not now (a course long past does not count)
        return "current" if current else None
    said = reader.response
    if "failed" in said and "intolerant" in said:
        return "failed_or_intolerant"
    if said:
        return next(iter(said))
    status = atom.fact.status if atom.fact is not None else None
    if status in ("failed", "intolerant"):
        return status
    if atom.mods.get("current") and not (atom.mods.get("within_days") or atom.mods.get("within_half_lives")):
        return "current"
    return None


def _inexpressible(atom: Atom, rule: dict, reader) -> tuple[str, str] | None:
    """Qualifiers the language has no field for (how long a therapy was given, a procedure
    that failed), on the leaf they qualify."""
    if atom.mods.get("duration_months") and rule.get("type") in ("therapy", "history", "procedure", "infection"):
        return ("clinical", f"{atom.text}: for how long")
    if atom.label == "PROCEDURE" and "failed" in reader.response:
        return ("clinical", atom.text)
    if atom.mods.get("current") and (not atom.mods.get("within_days") or atom.mods.get("window_reached")) \
            and any(leaf.get("type") == "procedure" for leaf in iter_leaves(rule)):
        # "ongoing radiotherapy", "no concurrent radiotherapy": a procedure leaf has no
        # "now" (without a window it holds for one long past), so the team reads it; nor
        # with a window reached from another item of the line (round 30, h143)
        return ("clinical", f"{atom.text}: now")
    if atom.label == "PREGNANCY":
        if any(ch.isdigit() for ch in atom.text):
            return ("clinical", atom.text)       # "≥ 24 weeks gestational age": a threshold the leaf has no field for
        if re.search(r"\btests?\b", atom.text, re.IGNORECASE) and not atom.mods.get("positive") and not _negated(atom, reader):
            return ("other", atom.text)          # "confirmed by a pregnancy test": a test with no result is no pregnancy
    return None


def _negated(atom: Atom, reader) -> bool:
    if atom.mods.get("negated"):
        return True
    if reader.kind == "exclusion" and atom.negated and atom.negation_spans and all(
            reader.cues.search("restates_exclusion", reader.text[s:e])
            or must_not(reader.text, s, e) for s, e in atom.negation_spans):
        # "X are excluded", "Participants must not be pregnant" in the exclusion list: X is
        # what excludes (read as "not X", every patient without X was excluded)
        return False
    if atom.label == "INFECTION" and not atom.negated and atom.fact is not None and atom.fact.status == "active":
        # "without active hepatitis B": the result word does not undo the negation before it
        return any(end <= atom.start and not reader.text[end:atom.start].strip(" ,").count(",")
                   for _, end in atom.negation_spans)
    if atom.label == "PREGNANCY" and not atom.negated:
        # "must have a negative serum or urine pregnancy test": the result word stands a few
        # words before the test, in the same clause
        clause = re.split(r"[;,.:()]", reader.text[max(0, atom.start - 60):atom.start])[-1]
        if reader.cues.search("result_negative", clause):
            return True
        # "Serum pregnancy test at screening ... must be negative": the result after the test
        # (round 32, h153; a pregnancy test's atom only, ``result_negative_after``)
        return bool(_TEST.search(atom.text)) and reader.cues.search(
            "result_negative_after", reader.text[atom.end:atom.end + 120])
    if not atom.negated or atom.label == "BIOMARKER":
        return False
    if atom.label not in ("DRUG", "PROCEDURE"):
        return True
    # "complete remission is not achieved after induction therapy": the "not" says the
    # therapy failed, not that it was not given
    return not any(s < end and start < e for start, end in atom.negation_spans for s, e in reader.failure_spans)


def _lab_leaf(analyte: str, op: str, amount: tuple) -> dict:
    if amount[0] == "uln":
        return {"type": "lab", "analyte": analyte, "op": op, "uln": _number(amount[1])}
    return {"type": "lab", "analyte": analyte, "op": op, "value": _number(amount[0]), "unit": amount[1]}


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _has_threshold(rule: dict) -> bool:
    return any(leaf.get("type") in ("lab", "score", "age") for leaf in iter_leaves(rule))


def _has_review(rule: dict) -> bool:
    return any(leaf.get("type") == "review" for leaf in iter_leaves(rule))
