"""A registry line that is prior drug treatment in the advanced setting and nothing else (round
29, h139, issue #15): "Prior systemic therapy for advanced/metastatic NSCLC", "No prior systemic
anti-cancer therapy for advanced disease", "Prior systemic therapy (e.g., prior chemotherapy,
immunotherapy, or biologic therapy) for locally advanced unresectable or metastatic breast
cancer". The rule is the status ``treated_advanced_disease`` (drug treatment given since the
cancer became advanced or metastatic, ``data/terminology/disease_status.yaml``), negated when
the line says none was given, in all[] with a diagnosis of each cancer the line names.

Only the whole advanced setting counts: "advanced", "advanced or metastatic", "locally advanced
(unresectable) or metastatic". "For metastatic disease" alone is narrower (a treatment given for
locally advanced disease would count against it), a kind of therapy ("chemotherapy",
"endocrine", "non-hormonal") is narrower than any systemic therapy, and any other word (an
allowance, a time, a stage, a second sentence) leaves the line to the usual reading (the team's).
The words are data: ``setting_form`` in ``data/nlp/criteria_cues.yaml``, the extent words of
``extent_list`` / ``extent_words``.
"""
from __future__ import annotations

import re

from data.condition_names import is_disease_status
from data.terminology import load_terminology
from nlp.components.stages import is_cancer
from nlp.criteria.disease_status import EXTENT_ROOT
from nlp.criteria.scopes import names_a_kind
from nlp.pipeline import extract_with_doc

STATUS = "treated_advanced_disease"
_MARKER = re.compile(r"^\W*?(?:\(?(?:\d{1,2}[a-z]?|[a-z]|[ivx]{1,4})[.)]\s+)?")
_END = re.compile(r"[\s.;:,]+$")
_SETTING_PARTS = {"locally_advanced_disease", "unresectable_disease", EXTENT_ROOT}


def setting_form(prepared: str, kind: str, cues, extent_rule) -> dict | None:
    """The rule of a line that is prior systemic therapy in the advanced setting and nothing
    else (see the module docstring); None for any other line. ``extent_rule`` reads an extent
    list (``parser.extent_rule``)."""
    line = _END.sub("", _MARKER.sub("", " ".join(prepared.lower().split()), count=1))
    if not cues.search("setting_lead", line):
        return None
    for examples in cues.patterns.get("setting_examples", ()):
        line = " ".join(examples.sub(" ", line).split())     # "(e.g., chemotherapy)": the class's examples
    lists = list(cues.finditer("extent_list", line))
    if len(lists) != 1 or not whole_setting(extent_rule(lists[0].group("list"), cues)):
        return None
    listed = lists[0].span()
    terminology = load_terminology()
    facts, _ = extract_with_doc(line, conversation=False)
    conditions = []
    for fact in facts:
        if listed[0] <= fact.end and fact.start <= listed[1] or fact.label != "CONDITION":
            continue        # the extent's own words; the therapy's words are the form's
        if cues.search("setting_lead", fact.text):
            continue        # "treatment-naive" (newly diagnosed) is the form's own word
        if (not is_cancer(fact.concept) or is_disease_status(fact.concept, terminology) or fact.uncertain
                or names_a_kind(terminology[fact.concept], fact.text)):
            return None     # a status, a condition not a cancer, a narrower kind: the team's
        conditions.append(fact)
    skeleton = _skeleton(line, listed, sorted(conditions, key=lambda f: f.start))
    if skeleton is None:
        return None
    match = next((m for m in cues.finditer("setting_form", skeleton) if m.start() == 0 and m.end() == len(skeleton)), None)
    if match is None:
        return None
    cancers = [{"type": "diagnosis", "concept": c} for c in dict.fromkeys(f.concept for f in conditions)]
    if len(cancers) > 1:
        return None         # two cancers: one patient's setting of which? the team's
    leaf: dict = {"type": "diagnosis", "concept": STATUS}
    if (match.group("no") or "").strip():
        leaf = {"not": leaf}
    return {"all": cancers + [leaf]} if cancers else leaf


def whole_setting(rule: dict | None) -> bool:
    """The extent list names the whole advanced setting: "advanced" (alone or beside its kinds),
    or metastatic disease beside a locally advanced or unresectable one; never one kind alone."""
    if rule is None:
        return False
    if rule.get("concept") == EXTENT_ROOT:
        return True
    items = rule.get("any") or []
    named = [{leaf.get("concept") for leaf in (item.get("all") or [item])} for item in items]
    return {"metastatic_disease"} in named and any(concepts & _SETTING_PARTS for concepts in named)


def _skeleton(line: str, listed: tuple[int, int], conditions: list) -> str | None:
    """The line with its extent list marked "¤" and each cancer "§"; None when two overlap."""
    marks = sorted([(listed[0], listed[1], "¤")] + [(f.start, f.end, "§") for f in conditions])
    out, last = [], 0
    for start, end, mark in marks:
        if start < last:
            return None
        out += [line[last:start], mark]
        last = end
    out.append(line[last:])
    return _END.sub("", "".join(out))
