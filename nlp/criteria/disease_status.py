"""The status words of a registry criterion ("relapsed or refractory", "newly diagnosed",
"previously untreated", "in first complete remission"; data/terminology/disease_status.yaml)
kept as atoms only where they are the status of the patient's disease a trial is for:

* in an inclusion criterion (an exclusion's "newly diagnosed diabetes" or "other cancer in
  complete remission" is about another disease);
* beside a disease under the root's ``status_of`` (cancers), or beside no disease at all
  ("Previously untreated disease"): the nearest disease named after the status, else the
  one before it. "Relapsed/refractory lupus" is the autoimmune voice (therapies failed,
  which the therapy leaves read), and keeps the rule it had;
* not followed by "to", "on", "after", ... ("relapsed/refractory to JAK inhibitors", "relapsed
  after two lines"), nor inside a longer
  therapy response cue ("complete remission is not achieved after induction"), nor in a
  criterion naming therapies and no disease ("relapsed and refractory diseases after
  NSAIDs, glucocorticoids"): a therapy response, which the therapy leaves read;
* not negated ("No clinical evidence of disease (complete remission)");
* not one alternative of an "any" (``status_alternative``): the line is then read again
  without statuses.

A status atom left out as a therapy response or a negated one leaves its words as they were
before statuses were read (filler words of data/nlp/criteria_cues.yaml), and so does one
that is the status of another disease ("relapsed/refractory lupus"), unless its words narrow
any disease (``narrowing_status`` of the cues: "Newly diagnosed diabetes" in an exclusion):
then it is kept unread, the disease alone would say less than the line (the team judges).
"""
from __future__ import annotations

import re

from data.condition_names import DISEASE_STATUS, is_disease_status
from data.terminology import Terminology
from nlp.criteria.cues import Cues

_THERAPY_AFTER = re.compile(r"\s*(?:to|on|after|following|despite|with)\b", re.IGNORECASE)


def status_atoms(atoms: list, text: str, kind: str, terminology: Terminology, cues: Cues, keep: bool = True) -> list:
    """``atoms`` without the status atoms that are no status of the trial's disease (without
    any when not ``keep``)."""
    status = [a for a in atoms if a.label == "CONDITION" and is_disease_status(a.concept, terminology)]
    if not status:
        return atoms
    # an extent ("metastatic", "locally advanced"; round 27) is read by the parser's whole-line
    # form only (parser._extent_form): anywhere else its words stay as they were before
    extent = [a for a in status if is_extent(a.concept, terminology)]
    if extent:
        atoms = [a for a in atoms if a not in extent]
        status = [a for a in status if a not in extent]
        if not status:
            return atoms
    # status words the pipeline left as words (atoms._status_words, round 30): never dropped,
    # wherever they are no status read (the disease or count alone would say less): unread
    # and so is the status of a count of lines ("refractory or relapsed after ≥ 2 lines")
    written = [a for a in status if a.mods.get("status_words") or _before_lines(a, atoms, text)]
    if not keep:
        for atom in written:
            atom.mods["unread"] = True
        return [a for a in atoms if a not in status or a in written]
    diseases = [a for a in atoms if a.label in ("CONDITION", "INFECTION") and a not in status]
    therapies = any(a.label in ("DRUG", "PROCEDURE") for a in atoms)
    roots = terminology[DISEASE_STATUS].attrs.get("status_of", ())
    responses = [m.span() for patterns in cues.response.values() for p in patterns for m in p.finditer(text)]
    dropped, voice = [], []
    for atom in status:
        after = [d for d in diseases if d.start >= atom.end]
        before = [d for d in diseases if d.end <= atom.start]
        beside = after[0] if after else (before[-1] if before else None)
        if atom.negated or (not _before_lines(atom, atoms, text) and (
                _THERAPY_AFTER.match(text, atom.end)
                or any(s < atom.end and atom.start < e and not (atom.start <= s and e <= atom.end) for s, e in responses)
                or (beside is None and therapies))):
            dropped.append(atom)
        elif kind != "inclusion" or (beside is not None and not (beside.concept in terminology
                                                                 and any(terminology.is_a(beside.concept, r) for r in roots))):
            if not cues.search("narrowing_status", atom.text):
                dropped.append(atom)        # "relapsed/refractory lupus": the therapies failed, read as it was
                if kind == "inclusion" and atom.mods.get("status_words") and not _before_lines(atom, atoms, text):
                    voice.append(atom)      # (a bare "refractory" before it too: the autoimmune voice)
                continue
            # "Newly diagnosed diabetes" (an exclusion), "newly diagnosed hypertension": the
            # status of another disease is no leaf, and its words say more than the disease
            # (a patient with long-standing diabetes is not excluded): unread, the team judges
            atom.mods["unread"] = True
    for atom in [a for a in dropped if a in written and a not in voice]:
        atom.mods["unread"] = True
        dropped.remove(atom)
    return [a for a in atoms if a not in dropped] if dropped else atoms


def _before_lines(atom, atoms: list, text: str) -> bool:
    """"Refractory or relapsed after at least two prior lines": the status is the disease's
    after a count of prior lines (its preposition only between the two), no therapy response
    (round 30, h144: the count alone had been read, the status dropped)."""
    return any(a.label == "SCORE" and a.concept == "prior_lines" and a.start >= atom.end
               and _THERAPY_AFTER.fullmatch(text[atom.end:a.start].rstrip()) for a in atoms)


def status_alternative(rule: dict, terminology: Terminology) -> bool:
    """Whether a status leaf is one alternative of an "any" ("Previously untreated,
    unresectable, locally advanced or metastatic gastric cancer" read as a list of
    alternatives): the status alone would meet the criterion, so the line is read without
    statuses, as before they were read."""
    if "any" in rule:
        if any(_status_leaf(r, terminology) for r in rule["any"]):
            return True
    return any(status_alternative(r, terminology) for op in ("all", "any") for r in rule.get(op, ())) or (
        "not" in rule and status_alternative(rule["not"], terminology))


EXTENT_ROOT = "advanced_disease"     # the extent root of data/terminology/disease_status.yaml


def is_extent(concept: str, terminology: Terminology) -> bool:
    """The concept is an extent of a cancer (advanced, locally advanced, metastatic; round 27)."""
    return concept == EXTENT_ROOT or (concept in terminology and EXTENT_ROOT in terminology
                                      and terminology.is_a(concept, EXTENT_ROOT))


def _status_leaf(rule: dict, terminology: Terminology) -> bool:
    return rule.get("type") == "diagnosis" and is_disease_status(rule.get("concept", ""), terminology)
