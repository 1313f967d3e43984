"""Eligibility criterion text -> a rule of the rule language (``docs/rule-language.md``).

``parse_criterion(text, kind)`` reads one criterion line with the extraction pipeline
(``nlp.pipeline.extract``: conditions, therapies, labs, scores, infections, markers,
pregnancy) and the cue phrases of ``data/nlp/criteria_cues.yaml`` (history, windows,
counts, therapy outcomes, exceptions, connectors, what only the trial team can judge), and
returns a rule that passes ``core.rules.validate_rule`` and the trial-record checks.

Safety comes first: what the parser cannot read becomes a ``review`` leaf, placed where the
words were ("A or <unread>" is ``any[A, review]``; a fact with unread words next to it is
``all[fact, review]``), so a rule never decides on less than the text says. A line with
nothing evaluable is one review leaf with the most specific reason (consent, investigator,
prognosis, assay, compliance, clinical, other); on any failure the answer is a review leaf.

The steps, one module each: ``criteria_atoms`` (facts placed in the text, with thresholds),
``criteria_elements`` (atoms, cues, brackets, connectors, words), ``criteria_structure``
(clauses, chunks and cue scopes -> a tree), ``criteria_leaves`` (the tree -> a rule),
``criteria_rules`` (simplification). How well it reproduces the curated records:
``python bot.py bench criteria`` (``benchmarks/criteria.py``).

Example::

    >>> parse_criterion("Serum creatinine > 2.5mg/dl or ALT / AST > 3 times ULN", "exclusion")["any"][0]
    {'type': 'lab', 'analyte': 'creatinine', 'op': '>', 'value': 2.5, 'unit': 'mg/dL'}
"""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache

from core.rules import RuleError, iter_leaves, validate_rule
from data.condition_names import is_disease_status
from data.errors import DataError
from data.terminology import load_terminology
from data.trials import validate_record
from nlp.criteria.abbreviations import long_form_start
from nlp.criteria.atoms import find_atoms
from nlp.criteria.disease_status import EXTENT_ROOT, is_extent, status_alternative, status_atoms
from nlp.criteria.cues import fold, heads, load_cues
from nlp.criteria.elements import elements, find_cues
from nlp.criteria.leaves import node_rule, review
from nlp.criteria.nodes import is_content
from nlp.criteria.rule_forms import best_review, review_only, simplify
from nlp.criteria.scopes import names_a_kind
from nlp.criteria.therapy_setting import setting_form
from nlp.criteria.structure import Reader
from nlp.criteria.study_drugs import current_study_drugs
from nlp.components.stages import is_cancer, stage_group
from nlp.pipeline import build_pipeline, extract_with_doc

KINDS = ("inclusion", "exclusion")
# The reading costs more than linear time in the text (the pipeline's time attachment and
# ConText scopes: 2,000 characters of plain words ~0.3 s, of dense facts ~1.3 s, 8,000 ~5 s,
# 100,000 minutes). Real criteria are far shorter (the longest of the criteria gold sets:
# 735 characters); a longer "criterion" is a block of several run together, left whole to
# the trial team (issue #17 item 6).
MAX_CRITERION_CHARS = 1_500
# registries escape markdown ("\\>= 8"); a few dashes that the tokenizer does not split
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~=^&])")
# HTML character references a registry record kept ("INR \\&lt; 1.2", "&gt;=", "&amp;", twice
# encoded "&amp;lt;"): the characters they stand for (the signs were left unread)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#[0-9]{1,6}|#[xX][0-9a-fA-F]{1,5});")
# "FVC < 50% predicted", "DLCO ≥ 40% of the predicted normal value": a lung function measure's
# percent is of the predicted value (the analytes measured in % are so in the terminology),
# the words after the sign say nothing more
_PREDICTED = re.compile(r"(?<=%)\s*(?:of\s+)?(?:the\s+)?(?:local\s+)?predicted(?:\s+normal)?(?:\s+values?)?(?!\w)", re.IGNORECASE)
# "strong CYP3A4 inhibitors or inducers", "strong inhibitors or inducers of CYP3A4": the
# strength and the enzyme are said once for both (the inducers had been left unread)
_CYP_BOTH = re.compile(r"\b(strong|moderate) (CYP[\w/]*) (inhibitors?|inducers?) (or|and|and/or) (inducers?|inhibitors?)\b", re.IGNORECASE)
_CYP_BOTH_OF = re.compile(r"\b(strong|moderate) (inhibitors?|inducers?) (or|and|and/or) (inducers?|inhibitors?) of (CYP[\w/]*)", re.IGNORECASE)
# "alanine aminotransferase [SGPT (ALT)]", "[eCrCl]": a name's abbreviation in square brackets
# (with another in round ones inside: the same name again, the inner one kept) written as the
# round brackets the readers know ("[SGPT]" had hidden the value after it from the lab reader)
_SQUARE_ALIAS = re.compile(r"(?<=\w )\[([A-Za-z][\w-]{0,11})(?:\s*\(([A-Za-z][\w-]{0,11})\))?\]")
# round 38 (h184): a name's two abbreviations in its bracket parted by a semicolon ("Aspartate
# transaminase (AST;SGOT), alanine transaminase (ALT;SGPT) <3 ULN"): the slash the readers know
# between two names of one analyte ("(AST/SGOT)"); the semicolon had cut the clause in two
_ABBREVIATION_PAIR = re.compile(r"\(([A-Za-z][\w-]{0,11})\s*;\s*([A-Za-z][\w-]{0,11})\)")
# round 38 (h184): a slash right after a bracketed abbreviation, before the next name ("Aspartate
# transaminase (AST)/alanine transaminase (ALT) ≤ 3 × ULN"): the slash between two names, as
# "AST / ALT" (written without spaces, ")/alanine" was one unread word: only the ALT was read);
# only after an analyte's abbreviation: a slash between two markers ("(HR+)/human epidermal growth
# factor receptor 2 negative") is no "or" and stays as written
_SLASH_AFTER_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z0-9+-]{1,9})\)/(?=[A-Za-z])")


def _slash_between_analytes(match: re.Match) -> str:
    return f"({match.group(1)}) / " if match.group(1).lower() in _analyte_names() else match.group(0)


@lru_cache(maxsize=1)
def _analyte_names() -> frozenset[str]:
    """Every name and abbreviation of an analyte (the terminology), lower case."""
    return frozenset(name.lower() for concept in load_terminology().by_category("analyte")
                     for name in (*concept.terms, *concept.attrs.get("abbreviations", ())))
# round 33 (h158): a bracket repeating a word just written ("CD4+ T-cell (CD4+) count of less than 350
# cells/μL"): the same name again, no abbreviation of what follows (it had cut "CD4+" off its count)
_REPEATED_BRACKET = re.compile(r"\b(?P<w>[A-Za-z][A-Za-z0-9]{1,11}\+?)(?P<mid>[^()]{0,25}?) ?\((?P=w)\)")
# "Pregnancy & lactation": "&" between two words is "and" (the list reader knows the word)
_AMPERSAND = re.compile(r"(?<=\S) & (?=\S)")
# "/mm^3": the tokenizer and the unit list know "/mm3"
_CUBIC = re.compile(r"(?<=mm)\^3|(?<=mm)³")
# "mL/min/1.73 m^2", "1•73 m²", "1.73 meter squared": the unit the value reader knows is
# "mL/min/1.73m2" (the body surface area written apart leaves "m2" a word it cannot read)
# round 20 (h93): "child-bearing" / "child bearing" as the one word the cues and fillers know
# ("For females of child-bearing potential, negative serum or urine pregnancy test ...")
_CHILD_BEARING = re.compile(r"\bchild(?:\s*-\s*|\s+)bearing\b", re.IGNORECASE)
_PER_BSA = re.compile(r"/ ?1[.•·]73 ?(?:m ?\^ ?2|m²|m2|meters? squared|metres? squared)(?!\w)", re.IGNORECASE)
# "less than or equal to (≤) 2": a bracket restating the comparator written in words
# "=<" and "=>" written for ≤ / ≥ ("=" alone may stand between a name and its value)
_EQ_SIGN = re.compile(r"=\s*(<|>)(?!=)")
# ">/=" and "</=" (a slash between the sign and "="): "Body weight >/= 30 kg" is ≥ 30 kg
_SLASH_EQ = re.compile(r"(<|>)\s*/\s*=")
# a percent range with the sign on both ends ("HbA1c 8%-12%", "between 7.5% and 10.5%") or
# "between ≥ 7.5% and ≤ 10.5%": the range reader knows "8-12%" and "between 7.5 and 10.5%"
_PERCENT_RANGE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%\s*(-|to(?!\w))\s*(?=\d+(?:\.\d+)?\s*%)", re.IGNORECASE)
_BETWEEN_SIGNS = re.compile(r"\bbetween\s*(?:≥|>=)\s*(\d+(?:\.\d+)?)\s*(%?)\s*and\s*(?:≤|<=)\s*(?=\d)", re.IGNORECASE)
# "HbA1c ≥7% and ≤10%", "IOP ≥ 18mmHg and ≤ 45mmHg": two inclusive limits of one measure,
# read as the range "between 7 and 10%" (the second sign alone was left unread); a strict
# limit ("≥ 3.5 and < 5.0") is no inclusive range and stays as written
_BOTH_INCLUSIVE = re.compile(r"(?:≥|>=)\s*(\d+(?:\.\d+)?)\s*(%|[a-zA-Z]+(?:/[a-zA-Z0-9.]+)*)?\s*(?:and|to|-)\s*(?:≤|<=)\s*"
                             r"(?=\d)(?!\d+(?:\.\d+)?\s*(?:x|×|times|\*)\s)(?=\d+(?:\.\d+)?\s*(%|[a-zA-Z]+(?:/[a-zA-Z0-9.]+)*)?)")
_BETWEEN_PERCENT = re.compile(r"\bbetween\s+(\d+(?:\.\d+)?)\s*%\s*and\s*(?=\d+(?:\.\d+)?\s*%)", re.IGNORECASE)
# "equal or greater to 100 x 10^9/L" (the words the value reader knows are "greater than or
# equal to"): the sign they mean
_EQ_WORDS = re.compile(r"\bequal (?:to )?or (?:(?P<ge>greater|more|higher)|less|lower|smaller) (?:than|to)\b", re.IGNORECASE)
# "Karnofsky/Lansky Performance Score more than or equal to 70": the value reader knows
# "greater than or equal to", not "more than or equal to" (nor "more or equal to")
_MORE_OR_EQUAL = re.compile(r"\bmore (?:than )?or equal (?:to|than)\b", re.IGNORECASE)
_SIGN_BRACKET = re.compile(r"(?<=[a-z]) ?\((?:≤|≥|<|>|<=|>=|=<|=>)\) ?(?=\d)")
# a list number the splitter left at the start ("7. ECOG ≤ 1", "3 Major surgical procedure"),
# not a number the criterion says ("18 Years and older", "2 or more prior lines")
_ITEM_NUMBER = re.compile(r"^\s*\d{1,2}(?:[.)]\s+(?=\S)|\s+(?=[A-Z][a-z]{2,}\b)(?!(?:Years?|Months?|Weeks?|Days?|Hours?)\b))")
# "BMI in the range of 18 ~ 28 kg/m2": a tilde between two numbers is a range's dash, and
# "in the range of" before a range says nothing more (the range reader knows "BMI 18-28")
_TILDE_RANGE = re.compile(r"(?<=\d)\s*[~～]\s*(?=\d)")
_RANGE_WORDS = re.compile(r"\b(?:with)?in (?:the |a )?range (?:of |from )?(?=\d+(?:\.\d+)?\s*-\s*\d)", re.IGNORECASE)
# "HbA1c ≥48 mmol/mol (6.5%)": the same value in % written first, as "HbA1c ≥ 6.5% (48
# mmol/mol)" is (the analyte is measured in %; the bracket restates it)
_MMOL_MOL_FIRST = re.compile(r"([<>≤≥]=?\s*)(\d+(?:\.\d+)?)\s*mmol/mol\s*\((\d+(?:\.\d+)?)\s*%\)", re.IGNORECASE)
# "BMI within the range 18.0 and 30.0 kg/m^2", "in the range of 18 to 30": "between 18.0 and 30.0"
_RANGE_AND = re.compile(r"\b(?:with)?in (?:the |a )?range (?:of |from )?(\d+(?:\.\d+)?)\s*(?:and|to)\s+(?=\d)", re.IGNORECASE)
# "QTcF interval exceeds 500 msec": the sign the verb means before a number (not after a
# negation: "not exceeding" is ≤, read by the value reader)
_EXCEEDS = re.compile(r"(?<!\bnot )(?<!\bnever )\b(?:exceeds|exceeded|in excess of)\s+(?=\d)", re.IGNORECASE)
# the anaesthetist's physical status written "ASA<4" or "ASA (American Society of
# Anaesthesiology) physical status 1-3": the score's name as the terminology has it (a bare
# "ASA" is aspirin in a letter, so only before a sign and a class, never before a dose)
_ASA_LONG = re.compile(r"\bASA\s*\((?:the )?American Society (?:of )?Ana?esthesi\w*\)\s*(?=physical status|status|class|PS\b)", re.IGNORECASE)
_ASA_SIGN = re.compile(r"\bASA(?=\s*(?:[<>≤≥]=?)\s*(?:[1-6]|I{1,3}|IV|VI?)(?![\w.]))")
# "UACR ≥ 100 and less than 5000 mg/g": a second limit in words after "and" written as its
# sign (the value reader joins "≥ 100 and < 5000" to the analyte, not the words)
_AND_SIGN_WORDS = re.compile(r"(?<=\d)(\s*[a-zA-Z%/]*\s+and\s+)(less than or equal to|greater than or equal to|less than|greater than|more than)\s*(?=\d)", re.IGNORECASE)
_SIGN_OF_WORDS = {"less than or equal to": "≤", "greater than or equal to": "≥", "less than": "<", "greater than": ">", "more than": ">"}
_DASHES = str.maketrans({"⁃": "-", "‐": "-", "‑": "-", "\u00a0": " ",
                         # round 20 (h93): full-width brackets and stops of records written in Chinese
                         # ("upper limit of normal（ULN） (≤ 5 × ULN ...)", "2)Platelet count≥50×10⁹/L；")
                         "（": "(", "）": ")", "［": "[", "］": "]", "；": ";", "，": ",", "：": ":"})


def parse_criterion(text: str, kind: str = "inclusion") -> dict:
    """A valid rule for one criterion's text; a ``review`` leaf when it cannot be read.
    ``kind`` (inclusion/exclusion) decides how a bare list joins: an inclusion's items are
    all required, an exclusion's are alternatives. Never raises for a text; a broken data
    file (the cues, the terminology) raises its ``DataError``, naming the file and the key,
    before any line is read: it is no line the trial team could read instead."""
    cues = load_cues()
    load_terminology()
    try:
        return build_rule(text, kind)
    except DataError:
        raise
    except Exception:  # the contract: a line the parser cannot read is left to the trial team
        return {"type": "review", "reason": "other", "note": cues.review_notes["unreadable"]}


def build_rule(text: str, kind: str = "inclusion") -> dict:
    """``parse_criterion`` without the safety net (for tests: errors surface)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    cues = load_cues()
    prepared = prepare(text if isinstance(text, str) else "")
    support = _count_support(prepared, cues)
    if support is not None:
        return _for_one_cohort(_with_support(prepared, kind, cues, *support), prepared, kind, cues)
    rule = _washout_required(_examples_of_an_unread_class(_build(prepared, kind, cues), prepared, kind, cues),
                             prepared, kind, cues)
    return _for_one_cohort(_kinds_of_one_disease(rule) if kind == "inclusion" else rule, prepared, kind, cues)


def _kinds_of_one_disease(rule: dict) -> dict:
    """Diagnoses an inclusion lists together that are kinds of one disease ("histological
    sub-types of follicular lymphoma, marginal zone lymphoma, mantle cell lymphoma and
    DLBCL", "CD7 positive T-ALL and AML", "Crohn's disease and ulcerative colitis"): a
    patient has one of them, so the list names alternatives, never all at once; the rest of
    the line stays required. Only plain diagnoses, none a kind of another ("SLE and lupus
    nephritis" is had together), whose shared kind is narrower than the main kinds of
    disease (a blood cancer, a lymphoma, an inflammatory bowel disease: "breast cancer and
    bone metastases", both only "a malignancy", are had together; lead, round 42)."""
    if "not" in rule:
        return rule
    for key in ("all", "any"):
        if key in rule:
            children = [_kinds_of_one_disease(child) for child in rule[key]]
            if key == "all":
                kinds = [c for c in children if set(c) == {"type", "concept"} and c["type"] == "diagnosis"]
                if len(kinds) >= 2 and _one_disease([c["concept"] for c in kinds]):
                    at = children.index(kinds[0])
                    rest = [c for c in children if not any(c is k for k in kinds)]
                    children = [*rest[:at], {"any": kinds}, *rest[at:]]
                    if len(children) == 1:
                        return children[0]
            return {**rule, key: children}
    return rule


def _one_disease(concepts: list[str]) -> bool:
    terminology = load_terminology()
    if len(set(concepts)) < len(concepts) or any(c not in terminology for c in concepts):
        return False
    lines = [terminology.ancestors(c) for c in concepts]
    if any(c in line for i, c in enumerate(concepts) for j, line in enumerate(lines) if i != j):
        return False
    shared = frozenset.intersection(*map(frozenset, lines))
    return any(not terminology[c].attrs.get("main_kind") and any(terminology[a].attrs.get("main_kind")
                                                                  for a in terminology.ancestors(c) if a in terminology)
               for c in shared)


def _washout_required(rule: dict, prepared: str, kind: str, cues) -> dict:
    """'Prior treatment with chemotherapy within 21 days; prior experimental therapy within
    21 days or 5 half-lives' in an inclusion list (round 18): a treatment required within a
    number of half-lives is a wash-out, an exclusion filed under the inclusions (records
    without section headings); read as written it would fail every patient without the
    treatment, so the line is the team's."""
    if kind != "inclusion":
        return rule

    def required(node: dict, negated: bool = False) -> bool:
        if "not" in node:
            return required(node["not"], not negated)
        if "all" in node or "any" in node:
            return any(required(child, negated) for child in node.get("all", node.get("any", [])))
        return not negated and node.get("within_half_lives") is not None

    return _whole_line_review(prepared, cues) if required(rule) else rule


# a class named by a word the terminology does not know, its members in a bracket after it
# ("Antiarrhythmics (amiodarone, quinidine).", "Antifungals (fluconazole, voriconazole)")
_CLASS_WITH_MEMBERS = re.compile(r"^\W*(?P<head>[A-Za-z][\w-]*s(?:\s+[A-Za-z][\w-]*){0,2})\s*\((?P<inside>[^()]+)\)\W*$")


def _examples_of_an_unread_class(rule: dict, text: str, kind: str, cues) -> dict:
    """The members a bracket names after a class word the terminology does not read are
    examples: other members of the class are the team's (an exclusion any[rule, review], an
    inclusion all[rule, review]); the rule alone would leave the class word unaccounted for."""
    match = _CLASS_WITH_MEMBERS.match(text)
    if match is None or review_only(rule):
        return rule
    head_facts, _ = extract_with_doc(match.group("head"), conversation=False)
    if head_facts:
        return rule     # "Anticoagulants (warfarin, heparin)": the class is read itself
    note = review("other", text, cues)
    return simplify({"any": [rule, note]} if kind == "exclusion" else {"all": [rule, note]})


def _for_one_cohort(rule: dict, text: str, kind: str, cues) -> dict:
    """A line labelled with one cohort of the trial ("Standard risk 1: Patients must be < 11
    years of age"): whether the patient is in that cohort is the team's, so the rule never
    decides alone (an inclusion: any[rule, review]; an exclusion: all[rule, review])."""
    match = next(cues.finditer("cohort_label", text), None)
    if match is None or review_only(rule):
        return rule
    note = review("clinical", f"only for the patients of {match.group(0).strip(' :')}", cues)
    return {"any": [rule, note]} if kind == "inclusion" else {"all": [rule, note]}


def _build(prepared: str, kind: str, cues) -> dict:
    if not prepared.strip():
        return review("other", prepared, cues)
    if len(prepared) > MAX_CRITERION_CHARS:
        return _whole_line_review(prepared, cues)          # kept for the trial team, never read in part
    setting = setting_form(prepared, kind, cues, extent_rule)     # before a note is dropped: the whole line
    if setting is not None:
        return setting
    prepared = _without_permission_notes(prepared, cues)
    prepared = _without_procedure_notes(prepared, cues)
    prepared = _without_plan_times(prepared, cues)
    prepared = _childbearing_lead(prepared, cues)
    prepared = _window_after_its_noun(prepared, cues)
    toxicity = _toxicity_form(prepared, kind, cues)
    if toxicity is not None:
        return toxicity
    allowed_lines = _lines_permitted(prepared, kind, cues)
    if allowed_lines is not None:
        return allowed_lines
    lead = next(cues.finditer("agreement_lead", prepared), None)
    if lead is not None:
        # (round 19) "Must agree to the submission of fresh tumor tissue": what is agreed to is
        # no fact of the patient; consent or compliance, the team's
        return review("consent" if "consent" in prepared.lower() else "compliance", prepared, cues)
    if (cues.search("permission", prepared) or cues.search("note", prepared) or cues.search("setting", prepared)
            or cues.search("specimen", prepared) or cues.search("conditional_threshold", prepared)
            or is_fragment(prepared, cues)):
        return _whole_line_review(prepared, cues)
    if kind == "exclusion" and cues.search("suspected_alone", prepared):
        return _whole_line_review(prepared, cues)   # "current or suspected ILD": the suspicion is the team's
    if cues.search("relative_on_list", prepared):
        return _whole_line_review(prepared, cues)   # "ILD or pneumonitis that required steroids": for which?
    if kind == "inclusion" and cues.search("excluded_statement", prepared):
        return _whole_line_review(prepared, cues)   # "... are excluded" among the inclusions
    sex = cues.sex_only(prepared)
    if sex is not None:
        return {"type": "sex", "allowed": [sex]}
    planned = _future_tail(prepared, kind, cues)
    if planned is not None:
        return planned
    allergy = _allergy_form(prepared, kind, cues)
    if allergy is not None:
        return allergy
    staged = _stage_form(prepared, cues)
    if staged is not None:
        return staged
    extent = _extent_form(prepared, cues)
    if extent is not None:
        return extent
    by_sex = _by_sex(prepared, kind, cues)
    if by_sex is not None:
        return by_sex
    population = _non_pregnant_population(prepared, kind, cues)
    if population is not None:
        return population
    subject = subject_sex(prepared, cues)
    rule = _by_definition(prepared, kind, cues) or _read(prepared, kind, cues)
    if cues.search("therapy_purpose", prepared) and _therapy_beside_condition(rule):
        # (round 29) "Prior exposure to PI3K inhibitors (e.g., alpelisib) for breast cancer": the
        # disease is what the drug was given for, not a condition of its own beside it
        return _whole_line_review(prepared, cues)
    if _negation_beside_review(rule, kind) or _self_contradicting(rule):
        # "dMMR ... who has not received immunotherapy" read as any[<unread>, not immunotherapy]:
        # the joint is unsure, and the negated branch alone would exclude every patient
        # without the treatment; "X or, in the absence of X, Y": X and not-X side by side
        return _whole_line_review(prepared, cues)
    rule = _population_item(rule, prepared, kind, cues)      # "Children and pregnancy": which ages?
    if kind == "inclusion" and cues.search("pregnancy_during_study", prepared) and any(
            leaf.get("type") == "pregnancy" for leaf in iter_leaves(rule)):
        # (round 32, h153) "Not be breastfeeding during treatment": a promise for the trial's
        # time, the team's (compliance); never failed by breastfeeding now
        return review("compliance", prepared, cues)
    if cues.search("pregnancy_prevented", prepared) and _pregnancy_admits(rule, kind):
        # "for women of childbearing potential, contraception to prevent pregnancy": the
        # pregnancy is what is prevented, never what lets a patient in
        rule = review("compliance", prepared, cues)
    elif kind == "inclusion" and cues.search("pregnancy_test", prepared) and _pregnancy_admits(rule, kind):
        # "Serum pregnancy test ... must be negative", "Negative (serum or urine) pregnancy
        # test": read as requiring a pregnancy, the line failed every other patient
        return _whole_line_review(prepared, cues)
    elif kind == "exclusion" and _pregnancy_admits(rule, kind):
        # "Pregnant women, or women of childbearing potential without a negative pregnancy
        # test": an exclusion that holds for not being pregnant excludes every man and every
        # woman who is not; the pregnancy test is the team's
        return _whole_line_review(prepared, cues)
    if kind == "inclusion" and _bare_treatment_name(prepared, rule):
        # "Radiotherapy", "Biologic therapy" alone among the inclusions: an item of a list whose
        # heading ("Prior therapy allowed:", "one of the following:") says what it means; never
        # a requirement to have had it (round 28, h134)
        return _whole_line_review(prepared, cues)
    if cues.search("allergy", prepared) and any(leaf.get("type") == "therapy" and not leaf.get("response")
                                                for leaf in iter_leaves(rule)):
        return _whole_line_review(prepared, cues)        # "allergy to X or Y": Y read as a prior drug
    if cues.search("therapy_required", prepared) and any(leaf.get("type") == "therapy" for leaf in iter_leaves(rule)):
        return _whole_line_review(prepared, cues)        # "pneumonitis that required steroids": steroids for it
    if cues.search("inability", prepared) and any(leaf.get("type") in ("therapy", "procedure")
                                                  for leaf in iter_leaves(rule)):
        return _whole_line_review(prepared, cues)        # "cannot receive chemotherapy": no prior therapy
    if cues.search("preference", prepared) and any(leaf.get("type") != "review" for leaf in iter_leaves(rule)):
        return _whole_line_review(prepared, cues)        # "Priority will be given to HER2 positive": no requirement
    if cues.search("treatment_since", prepared) and _treatment_unwindowed(rule):
        return _whole_line_review(prepared, cues)        # "At least 4 weeks since radiotherapy"
    if _window_on_some(rule):
        return _whole_line_review(prepared, cues)        # "X, or Y, within 28 days": X read without the window
    if cues.search("one_test_two_forms", prepared) and {"pt", "inr"} <= {
            leaf.get("analyte") for leaf in iter_leaves(rule) if leaf.get("type") == "lab"}:
        return _whole_line_review(prepared, cues)        # "PT/INR <= 1.5 x ULN": which of the two values?
    rule = _statuses_without_their_disease(rule, cues)    # "ER+/HER2- or triple-negative breast cancer"
    if _either_status(rule):
        # (round 33, h158) "Is HR-positive or HR-negative.": either status of one marker admits
        # every tumour; no condition (a sub-item saying any status will do), never a question
        return _whole_line_review(prepared, cues)
    if _window_lost(rule, prepared, cues):
        return _whole_line_review(prepared, cues)        # "treatment (chemotherapy, radiotherapy) within 4 weeks"
    if _condition_dropped(rule, prepared, cues):
        return _whole_line_review(prepared, cues)        # "platelets ≥ 100 if no bone marrow involvement"
    if cues.search("subgroup", prepared) and any(leaf.get("type") not in ("review", "sex", "pregnancy")
                                                 for leaf in iter_leaves(rule)):
        # "HIV-infected participants must have ...": a subgroup's; met by everyone else when
        # the subgroup is one condition (an inclusion)
        return _for_others(prepared, kind, cues) or _whole_line_review(prepared, cues)
    if kind == "exclusion" and cues.search("required_in_exclusion", prepared) and any(
            leaf.get("type") != "review" for leaf in iter_leaves(rule)):
        return _whole_line_review(prepared, cues)        # "WOCBP must have a negative pregnancy test" as an exclusion
    if subject == "both":
        # "women aged 18-65 or men aged 18-70": no rule keeps which sex each part is for;
        # unless all it reads is pregnancy, which never holds for a man ("female subjects
        # ... must not be breastfeeding; male subjects ... contraception")
        if {leaf.get("type") for leaf in iter_leaves(rule)} <= {"pregnancy", "review"} and _mentions_pregnancy(rule):
            return rule
        return _whole_line_review(prepared, cues)
    rule = _women_only(rule, prepared, kind, cues)
    if subject is None:
        return rule
    sex, leading = subject
    if _mentions_pregnancy(rule):
        # "Women who are pregnant or lactating": a pregnancy leaf never holds for a man
        return rule if sex == "female" else _whole_line_review(prepared, cues)
    if not leading:
        return _whole_line_review(prepared, cues)  # "... in women": the sex limits part of the line
    if cues.search("obligation", prepared) or _needs_team(rule, ("compliance", "consent")):
        # "Male subjects ... must use contraception": what men must do, or must men be it?
        # With the team's part in it (contraception, consent), an inclusion lets the other
        # sex pass and an exclusion holds for this sex only; "Female patients must be at
        # least 18" may say either, so the team reads it
        if not _needs_team(rule, ("compliance", "consent")):
            if _sex_required(prepared, sex, cues):
                # "Participant must be male aged >= 18 years": the sex is what is required
                return simplify({"all": [{"type": "sex", "allowed": [sex]}, rule]})
            return _whole_line_review(prepared, cues)
        if kind == "inclusion":
            other = "male" if sex == "female" else "female"
            return simplify({"any": [{"type": "sex", "allowed": [other]}, rule]})
    if kind == "inclusion" and review_only(rule):
        # "Female participant is not pregnant, confirmed by pregnancy test and medical
        # evaluation" (round 18): nothing of the line is read, so the sex that leads it says
        # whose line it is, not a sex every patient must be (a man failed it)
        return rule
    return simplify({"all": [{"type": "sex", "allowed": [sex]}, rule]})


def _population_item(rule: dict, prepared: str, kind: str, cues) -> dict:
    """'Children and pregnancy': a group named as an item of its own, with no age on the line
    (``population_item``), is an alternative only the team can place (an exclusion:
    any[rule, review]; an inclusion: all[rule, review]); with an age read it is that age."""
    match = next(cues.finditer("population_item", prepared), None)
    if match is None or review_only(rule) or any(leaf.get("type") == "age" for leaf in iter_leaves(rule)):
        return rule
    words = match.group(0).strip(" ,;").split()[-1]
    note = review("clinical", f"{words}: which ages", cues)
    return {"any": [rule, note]} if kind == "exclusion" else {"all": [rule, note]}


def _future_tail(prepared: str, kind: str, cues) -> dict | None:
    """'Major surgery within 4 weeks of study entry or planned during study': an exclusion
    whose last alternative is a plan for the time of the study (``future_tail``). The plan is
    the trial team's (a review leaf), beside the rule of the rest of the line; None when the
    line has no such ending, or the rest is not read at all (the whole line is the team's)."""
    if kind != "exclusion":
        return None
    match = next(cues.finditer("future_tail", prepared), None)
    if match is None or not prepared[:match.start()].strip():
        return None
    head = prepared[:match.start()].rstrip(" ,;")
    if cues.search("future", head):
        return None
    rule = _build(head, kind, cues)
    if review_only(rule):
        return None
    return simplify({"any": [rule, review("clinical", match.group(0).strip(" ,.;"), cues)]})


# (round 33, h159: with one bracket inside, "(participant may receive red blood cell [RBC]
# transfusion within 14 days)", the square one written round by ``prepare``)
_BRACKETED = re.compile(r"\((?:[^()]|\([^()]{0,80}\)){0,400}\)")
_WITHOUT_PHRASE = re.compile(r"(?<!\w)without(?!\w)[^;,()]*?(?=[;,()]|\.(?:\s|$)|$)", re.IGNORECASE)


def _count_support(text: str, cues) -> tuple[str, list[str], str] | None:
    """("allowed" or "without", the phrases, the text without them) when the line names
    support that raises a blood count, in a bracket, a sentence after the first or a
    "without ..." phrase (``support_words`` in the cues), each saying it is allowed or it is
    not, all the same; None otherwise (also when one says neither, or gives a washout
    window: read as before)."""
    if not cues.search("support_words", text):
        return None
    spans = [m.span() for m in _BRACKETED.finditer(text)]
    offset = 0
    for part in _SENTENCE.split(text):
        start = text.find(part, offset)
        offset = start + len(part)
        if start > 0:
            spans.append((start, offset))
    spans += [m.span() for m in _WITHOUT_PHRASE.finditer(text)]
    found: list[tuple[int, int]] = []
    hows = set()
    for a, b in sorted(spans, key=lambda s: (s[0], -s[1])):
        phrase = text[a:b]
        if any(x <= a and b <= y for x, y in found) or not cues.search("support_words", phrase):
            continue
        refused = cues.search("support_refused", phrase)
        if cues.search("time_amount", phrase) and (refused or not cues.search("support_allowed", phrase)):
            # "(no colony-stimulating factor within 2 weeks)": a washout, read as one; support
            # allowed within a time is still allowed (round 33, h159: "(participant may receive
            # red blood cell transfusion within 14 days)" had been read as a transfusion required)
            return None
        if refused:
            hows.add("without")
        elif cues.search("support_allowed", phrase):
            hows.add("allowed")
        else:
            return None
        found.append((a, b))
    if len(hows) != 1:
        return None
    rest, last = "", 0
    for a, b in found:
        rest, last = rest + text[last:a] + " ", b
    rest = re.sub(r"\s+", " ", rest + text[last:]).strip(" .;,")
    return hows.pop(), [text[a:b].strip() for a, b in found], rest


def _with_support(prepared: str, kind: str, cues, how: str, phrases: list[str], rest: str) -> dict:
    """A blood-count threshold with support allowed or refused (``_count_support``): read
    without the phrase, then what the support leaves uncertain goes to the team. Allowed:
    an inclusion's threshold can only pass (any[threshold, review]), an exclusion's only
    clear (all[...]); refused: the other way round. Anything but blood counts: the team's."""
    rule = _build(rest, kind, cues)
    leaves = list(iter_leaves(rule))
    if not leaves or any(leaf.get("type") != "lab" or leaf.get("analyte") not in cues.support_counts for leaf in leaves):
        return _whole_line_review(prepared, cues)
    note = review("clinical", "; ".join(phrases), cues)
    widen = (how == "allowed") == (kind == "inclusion")
    return {"any" if widen else "all": [rule, note]}


_WINDOWS = ("within_days", "within_half_lives")


def _treatment_unwindowed(rule: dict) -> bool:
    """A therapy or procedure leaf without a window of its own, or under a negation: what a
    line that counts time or recovery from a treatment would misread as having had it."""
    def walk(node: dict, negated: bool):
        if "not" in node:
            yield from walk(node["not"], True)
        for op in ("all", "any"):
            for child in node.get(op, ()):
                yield from walk(child, negated)
        if node.get("type") in ("therapy", "procedure"):
            yield negated or not any(node.get(w) is not None for w in _WINDOWS)
    return any(walk(rule, False))


def _statuses_without_their_disease(rule: dict, cues) -> dict:
    """'ER+/HER2- or triple-negative breast cancer' reads any[all[ER+, HER2-], TNBC]: the
    disease the statuses are of went into the other alternative's name, so a branch of tumour
    marker statuses alone beside a diagnosis gets a review leaf (the team confirms the disease:
    an ER-positive, HER2-negative cancer of another organ does not meet it). Statuses joined by
    "or" before one disease ("ER-positive and/or PR-positive breast cancer", read any[ER+,
    all[PR+, breast cancer]]) are the statuses of that disease: all[any[ER+, PR+], breast cancer]
    (round 33, h158; a status is always some tumour's, so the first alone was never meant)."""
    shared = _statuses_of_one_disease(rule)
    if shared is not None:
        return shared
    if "any" in rule:
        children = [_statuses_without_their_disease(child, cues) for child in rule["any"]]
        diagnosed = any(leaf.get("type") == "diagnosis" for child in children for leaf in iter_leaves(child))
        if diagnosed:
            note = review("clinical", "the disease of these tumour marker statuses", cues)
            children = [{"all": [*(child["all"] if "all" in child else [child]), note]}
                        if all(leaf.get("type") == "biomarker" for leaf in iter_leaves(child)) else child
                        for child in children]
        return {"any": children}
    if "all" in rule:
        return {"all": [_statuses_without_their_disease(child, cues) for child in rule["all"]]}
    if "not" in rule:
        return {"not": _statuses_without_their_disease(rule["not"], cues)}
    return rule


def _either_status(rule: dict) -> bool:
    """An alternative of both states of one tumour marker ("HR-positive or HR-negative")."""
    if "not" in rule:
        return _either_status(rule["not"])
    children = rule.get("all", rule.get("any"))
    if children is None:
        return False
    if "any" in rule:
        states: dict[str, set] = {}
        for child in children:
            if child.get("type") == "biomarker":
                states.setdefault(child["marker"], set()).add(child.get("state", "positive"))
        if any(len(found) > 1 for found in states.values()):
            return True
    return any(_either_status(child) for child in children)


def _statuses_of_one_disease(rule: dict) -> dict | None:
    """any[status..., all[status..., disease...]] -> all[any[status..., all[status...]], disease...]
    when every alternative but the last is tumour marker statuses only and the last is statuses
    and diagnoses only; None otherwise."""
    if "any" not in rule or len(rule["any"]) < 2:
        return None
    *first, last = rule["any"]
    if not all(leaf.get("type") == "biomarker" for child in first for leaf in iter_leaves(child)):
        return None
    if "all" not in last or any("type" not in part for part in last["all"]):
        return None
    statuses = [part for part in last["all"] if part["type"] == "biomarker"]
    diseases = [part for part in last["all"] if part["type"] == "diagnosis"]
    if not statuses or not diseases or len(statuses) + len(diseases) != len(last["all"]):
        return None
    return simplify({"all": [{"any": [*first, simplify({"all": statuses})]}, *diseases]})


def _therapy_beside_condition(rule: dict) -> bool:
    """The rule holds a therapy leaf and a history or diagnosis leaf (read as two conditions)."""
    kinds = {leaf.get("type") for leaf in iter_leaves(rule)}
    return "therapy" in kinds and bool(kinds & {"history", "diagnosis"})


def _negation_beside_review(rule: dict, kind: str) -> bool:
    """An alternative (``any``) that would rule the patient out (an exclusion's, or an
    inclusion's under a negation) where a branch is the team's and another a negation: the
    parser could not read how the parts join, and the negated branch alone would decide
    against every patient who lacks something ("... status who has not received
    immunotherapy"). An ``any`` with a review branch never excludes on a negation alone."""
    def walk(node: dict, against: bool):
        # ``against``: the node holding (or, when False, failing) decides against the
        # patient on its own; only an exclusion's ``any`` or an inclusion's ``all`` passes
        # that on to its branches (inside an exception, all[X, any[not(kind), review]], the
        # negation never decides alone)
        if "not" in node:
            yield from walk(node["not"], not against)
            return
        op = "any" if against else "all"
        children = node.get(op) or ()
        if against and any(review_only(c) for c in children) and any("not" in c for c in children):
            yield True
        for child in children:
            yield from walk(child, against)
    return any(walk(rule, kind == "exclusion"))


def _self_contradicting(rule: dict) -> bool:
    """A combinator holding a leaf and its own negation ("measurable disease or, in the
    absence of measurable disease, bone lesions" read as any[X, not X, ...]): the joint was
    misread; the line is the team's."""
    def walk(node: dict):
        if "not" in node:
            yield from walk(node["not"])
            return
        children = node.get("any") or node.get("all") or ()
        keys = {json.dumps(c, sort_keys=True) for c in children if "type" in c and c.get("type") != "review"}
        if any("not" in c and json.dumps(c["not"], sort_keys=True) in keys for c in children):
            yield True
        for child in children:
            yield from walk(child)
    return any(walk(rule))


def _window_on_some(rule: dict) -> bool:
    """A time window read on some of a line's therapies and not on others ("systemic
    therapy, such as chemotherapy, or biological therapy, received within the past 28
    days"): which ones it is for, the words do not say."""
    therapies = [leaf for leaf in iter_leaves(rule) if leaf.get("type") in ("therapy", "procedure")]
    timed = [any(leaf.get(w) is not None for w in _WINDOWS) for leaf in therapies]
    return any(timed) and not all(timed)


def _window_lost(rule: dict, text: str, cues) -> bool:
    """Time in the words that the therapy, procedure and history leaves do not carry: a
    window none took ("anticancer treatment (chemotherapy, radiotherapy) within 4 weeks",
    "major surgery ≤ 28 days from cycle 1 day 1"), more amounts of time than windows read
    ("radiation within 4 wk ... or stereotactic radiation within 2 wk"), a window beside "at
    any time", or a time still to come ("planned organ transplant"). Without it the leaves would hold for something long
    past, or the wrong window would decide."""
    timed = [leaf for leaf in iter_leaves(rule) if leaf.get("type") in ("therapy", "procedure", "history")]
    if not timed:
        return False
    if cues.search("future", text):
        return True
    windows = {leaf["within_days"] for leaf in timed if leaf.get("within_days") is not None}
    lives = any(leaf.get("within_half_lives") is not None for leaf in timed)
    if _one_kind_two_windows(timed):
        return True
    if (windows or lives) and cues.search("any_time", text):
        return True       # "allo-SCT at any time or auto-SCT within 12 weeks": a window for one part only
    amounts = set()
    # not a window: how long something lasted ("for more than 6 months"), a study day
    # ("cycle 1 day 1")
    other = [m.span() for section in ("duration", "ignore") for m in cues.finditer(section, text)]
    for match in cues.finditer("time_amount", text):
        if any(a <= match.start() < b for a, b in other):
            continue
        number, per = cues.number(match.group("n")), cues.days(match.group("unit"))
        if number is not None and per is not None and per < 365:   # years: ages, not windows
            amounts.add(round(number * per))
    if not windows and not lives:
        return bool(amounts) or cues.search("window", text) or cues.search("half_lives", text)
    return _distinct(amounts) > max(1, _distinct(windows))


def _one_kind_two_windows(timed: list[dict]) -> bool:
    """Two windows for one kind of thing, one a kind of the other ("Therapeutic radiation
    therapy ... within 4 wk ... or palliative stereotactic radiation therapy within 2 wk"):
    which window a patient's course falls under, the words decide, not the leaves (a palliative
    course 3 weeks ago met the 4 weeks' leaf; round 29)."""
    terminology = load_terminology()
    days = [(leaf["concept"], leaf["within_days"]) for leaf in timed
            if leaf.get("within_days") is not None and leaf.get("concept") in terminology]
    return any(d1 != d2 and (terminology.is_a(c1, c2) or terminology.is_a(c2, c1))
               for i, (c1, d1) in enumerate(days) for c2, d2 in days[i + 1:])


def _condition_dropped(rule: dict, text: str, cues) -> bool:
    """A condition inside the line ("if", "when", "provided") whose words no review leaf
    kept: the rule would hold for patients the condition leaves out. A rule of pregnancy
    and sex only is kept ("negative pregnancy test if of childbearing potential")."""
    read = _subgroup_brackets(text, cues)   # "(≤ 5 × ULN if liver metastases)": read with its threshold
    read += [m.span() for m in cues.finditer("half_lives_if_known", text)]   # "5 half-lives, if known"
    found = [m.group(0).lower() for m in cues.finditer("condition_inside", text)
             if not any(a <= m.start() < b for a, b in read)]
    if not found:
        return False
    leaves = list(iter_leaves(rule))
    if all(leaf.get("type") in ("pregnancy", "sex", "review") for leaf in leaves):
        return False
    kept = " ".join((leaf.get("note") or "").lower() for leaf in leaves if leaf.get("type") == "review")
    return not all(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", kept) for word in found)


_BRACKET = re.compile(r"\(([^()]*)\)")


def _subgroup_brackets(text: str, cues) -> list[tuple[int, int]]:
    """Spans of brackets giving another threshold for the patients a condition names: the
    structure reader reads them (``nlp.criteria.brackets.subgroup_threshold``) or keeps
    their words in a review leaf."""
    return [m.span() for m in _BRACKET.finditer(text)
            if any(p.fullmatch(m.group(1).strip()) for p in cues.patterns.get("subgroup_threshold", ()))]


def _distinct(days: set) -> int:
    """How many different lengths of time: "6 months (26 weeks)" is one."""
    count, last = 0, None
    for value in sorted(days):
        if last is None or value > last * 1.1:
            count += 1
        last = value
    return count


# a sentence after the first: ". Administration of killed vaccines is allowed."
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z])")
# a sentence about patients ("Patients with treated CNS metastases are eligible") is an
# exception to the criterion, never a note
_ABOUT_PATIENTS = re.compile(r"^\W*(?:\w+\s+){0,2}?(?:patients?|participants?|subjects?|individuals?|persons?|people|"
                             r"those|anyone|women|men|females?|males?|children|adults?)\b", re.IGNORECASE)


def _without_permission_notes(text: str, cues) -> str:
    """The criterion without trailing sentences that only permit something it does not name
    ("Received a live vaccine within 30 days. Administration of killed vaccines is allowed.",
    "Hemoglobin ≥ 9 g/dL. Transfusion is permitted."): a note, not a condition (gold
    convention). A permission naming a fact, a condition word or patients is an exception
    and stays (the line is then the team's); so does one with a length of time ("A short course
    of adjuvant endocrine therapy (up to 12 weeks) is allowed": how much of what the line
    names is allowed)."""
    parts = _SENTENCE.split(text)
    if len(parts) < 2 or not cues.search("permission", text):
        return text
    kept = [parts[0]]
    heads = cues.patterns.get("condition_heads", ())
    for part in parts[1:]:
        if (cues.search("permission", part) and not _ABOUT_PATIENTS.search(part)
                and not any(p.search(part) for p in heads) and not cues.search("time_amount", part)
                and not _names_what_it_permits(part, parts[0])):
            continue
        kept.append(part)
    return " ".join(kept) if len(kept) < len(parts) else text


def _window_after_its_noun(text: str, cues) -> str:
    """"Recent (within 6 weeks) myocardial infarction" read as "myocardial infarction within 6
    weeks" (``window_before_noun`` in the cues, round 29): a window in a bracket before what it
    is of is that thing's window (it had been dropped, reading any myocardial infarction)."""
    match = next(cues.finditer("window_before_noun", text), None)
    if match is not None:
        tail = (match.groupdict().get("tail") or "").strip()
        text = f"{match['rest'].strip()} within {match['n']} {match['unit']}{' ' + tail if tail else ''}"
    # a bracket holding only a window ("Myocardial infarction (within 6 months)"): its words
    # without the bracket (``window_bracket``), the last first so the spans hold
    for found in sorted(cues.finditer("window_bracket", text), key=lambda m: m.start(), reverse=True):
        tail = (found.groupdict().get("tail") or "").strip()
        words = f" within {found['n']} {found['unit']}{' ' + tail if tail else ''}"
        text = text[:found.start()].rstrip() + words + text[found.end():]
    return text


def _names_what_it_permits(part: str, first: str) -> bool:
    """Whether a permission sentence names a fact of the criterion's own kind (an exception to
    it, the team's) rather than something the criterion does not cover (a note). "Received a
    live vaccine within 30 days. Administration of killed vaccines is allowed.": a vaccine of
    another kind than the live ones the criterion names, so a note (round 29: once "vaccine"
    was a concept); "Prior systemic therapy within 4 weeks. Prior hormonal therapy is allowed."
    permits one kind of what the criterion names, so it stays."""
    facts = extract_with_doc(part, conversation=False)[0]
    if not facts:
        return False
    terminology = load_terminology()
    if any(terminology.get(f.concept) is None for f in facts):
        return True     # an age, a sex, a value: no kind to compare, an exception as before
    named = {f.concept for f in extract_with_doc(first, conversation=False)[0]}
    kinds = {terminology.get(c).category for c in named if terminology.get(c)}
    # a note only when the criterion names facts of the same category and none of them covers
    # the permitted one ("Paracetamol ... will be allowed" after "any medications" names no
    # therapy concept: the permission stays, the line is the team's)
    return any(f.concept in named or any(terminology.is_a(f.concept, c) for c in named)
               or (terminology.get(f.concept) is not None and terminology.get(f.concept).category not in kinds)
               for f in facts)


def _without_procedure_notes(text: str, cues) -> str:
    """The criterion without trailing sentences that only say how the site works
    (``procedure_note`` in the cues, round 19): "For patients in France ... only: testing for
    HIV is required during Screening", "NOTE: Cases with unclear interpretation should be
    discussed with the medical monitor". They name the criterion's facts again but state none
    of the patient's; the first sentence is the criterion. So is a sentence that defines what one
    line of therapy is (``line_definition``, round 25): how a count of lines is made."""
    parts = _SENTENCE.split(text)
    if len(parts) < 2:
        return text
    kept = [parts[0]] + [part for part in parts[1:]
                         if not cues.search("procedure_note", part) and not cues.search("line_definition", part)]
    return " ".join(kept) if len(kept) < len(parts) else text


def _childbearing_lead(text: str, cues) -> str:
    """"If female of childbearing potential, ..." as "For women of childbearing potential, ..."
    (round 37, h179: ``childbearing_if_lead``): the condition is who the line is for, never a
    hypothetical the reader leaves unread."""
    lead = next(cues.finditer("childbearing_if_lead", text), None)
    if lead is None:
        return text
    return "For women of childbearing potential," + text[lead.end():]


# a comma the dropped time stood after ("pregnant, within 35 days ..., or within 90 days ...")
_STRAY_COMMA = re.compile(r",(?=\s*(?:[,.;]|$))")


def _without_plan_times(text: str, cues) -> str:
    """The criterion without the times a plan to become pregnant is counted in (round 37, h179:
    ``pregnancy_plan_time``): "intending to become pregnant during the study or within 10 days
    after the final dose of giredestrant" is the plan (the patient's now, whatever time it names);
    the drug of the wash-out after it is no prior therapy. Only after a plan's words."""
    plan = next(cues.finditer("pregnancy_planning", text), None)
    if plan is None:
        return text
    head, tail = text[:plan.end()], text[plan.end():]
    for pattern in cues.patterns.get("pregnancy_plan_time", ()):
        tail = pattern.sub("", tail)
    return head + _STRAY_COMMA.sub("", tail)


_OTHERS = re.compile(r"(?<!\w)(?:other|others|remaining|all other)(?!\w)", re.IGNORECASE)


def _for_others(text: str, kind: str, cues) -> dict | None:
    """"Patients with pancreatic cancer must have received gemcitabine ...": what the
    subgroup must do is the team's, and every patient outside it meets the line:
    any[not the condition, review]. Only in an inclusion, and only when the words naming
    the subgroup (``subgroup_who``) are one stated condition or infection and filler, in one
    sentence that says nothing of other patients."""
    if kind != "inclusion" or len(_SENTENCE.split(text.strip())) > 1 or _OTHERS.search(text):
        return None   # "... Other patients must have had platinum-based chemotherapy.": not met by them
    for match in cues.finditer("subgroup_who", text):
        who = match.group("who")
        facts = [f for f in extract_with_doc(who, conversation=False)[0] if f.label not in ("SEX", "AGE")]
        if (not facts or len({(f.label, f.concept) for f in facts}) != 1 or facts[0].label not in ("CONDITION", "INFECTION")
                or any(f.negated for f in facts)):
            return None
        fact, rest = facts[0], list(who)
        for found in facts:   # "non-small cell lung cancer (NSCLC)": the same condition twice
            rest[found.start:found.end] = " " * (found.end - found.start)
        words = re.findall(r"[A-Za-z]\w*", "".join(rest).replace("-", " "))
        if any(is_content(w, cues) for w in words if w.lower() not in ("infected", "positive")):
            return None
        leaf = ({"type": "diagnosis", "concept": fact.concept} if fact.label == "CONDITION"
                else {"type": "infection", "agent": fact.concept, "state": "positive"})
        if rule_problem(leaf) is not None:
            return None
        return {"any": [{"not": leaf}, review("clinical", text, cues)]}
    return None


def _needs_team(rule: dict, reasons: tuple[str, ...]) -> bool:
    return any(leaf.get("type") == "review" and leaf.get("reason") in reasons for leaf in iter_leaves(rule))


MEASURED = frozenset({"lab", "score"})      # leaf kinds a definition by measurements holds
# (round 12) and a definition by a test result ("liver disease with positive serology for
# active hepatitis B, C"): infection leaves, whose states are test results
TESTED = frozenset({"lab", "score", "infection"})


_SEX_JOIN = re.compile(r"^[\s,;]*(?:and ?/ ?or|and|or)?[\s,;]*$", re.IGNORECASE)


def _by_sex(prepared: str, kind: str, cues) -> dict | None:
    """A threshold for each sex ("QTcF > 450 ms (men) or > 470 ms (women)", "Hb < 12 g/dl for
    males and < 11 g/dl for females"): any[all[male, the men's], all[female, the women's]],
    each read as the line with its own threshold alone (the words before the first and after
    the last are shared). None unless the line has exactly one threshold per sex, joined by
    nothing but "and" / "or", and both read as full rules of the same leaves."""
    found = list(cues.finditer("sex_thresholds", prepared))
    if len(found) != 2 or _SEX_JOIN.match(prepared[found[0].end():found[1].start("thr")]) is None:
        return None
    sexes = [cues.sex_of(match.group("sex")) for match in found]
    if None in sexes or sexes[0] == sexes[1]:
        return None
    head, tail = prepared[:found[0].start("thr")].rstrip(), prepared[found[1].end():]
    if head.endswith("(") and prepared[found[1].end() - 1] == ")":
        head = head[:-1].rstrip()   # "QTc prolonged (> 450 msec in males; > 470 msec in women)": both in one bracket
    parts = []
    for sex, match in zip(sexes, found):
        rule = _build(f"{head} {match.group('thr')}{tail}", kind, cues)
        leaves = list(iter_leaves(rule))
        if not leaves or any(leaf.get("type") not in MEASURED for leaf in leaves):
            return None      # a review leaf, a condition beside the threshold: the team's
        parts.append({"all": [{"type": "sex", "allowed": [sex]}, rule]})
    if _leaf_kinds(parts[0]["all"][1]) != _leaf_kinds(parts[1]["all"][1]):
        return None          # the two thresholds read as different things
    return {"any": parts}


_NOT_LACTATING = re.compile(r"lactat|nursing|breast", re.IGNORECASE)


def _non_pregnant_population(prepared: str, kind: str, cues) -> dict | None:
    """(round 32, h153) "Male or non-pregnant, non-lactating females ages 18 to 75 inclusive",
    "Male, non-pregnant and non-lactating female subjects (20-65 years of age, inclusive)": the
    states the women must not be in (``non_pregnant_lead``), with the ages after them read
    alone (the "not" of the states never reaches the age); without a male alternative, the
    patient is a woman. None when the line is not of this form or the rest is more than ages."""
    if kind != "inclusion":
        return None
    match = next(cues.finditer("non_pregnant_lead", prepared), None)
    if match is None:
        return None
    states = match.group("states")
    found = [state for state, present in (("pregnant", "pregnan" in states.lower()),
                                          ("lactating", _NOT_LACTATING.search(states) is not None)) if present]
    parts: list[dict] = [{"not": {"type": "pregnancy", "states": found}}]
    if not match.group("male"):
        parts.insert(0, {"type": "sex", "allowed": ["female"]})
    rest = match.group("rest").strip(" .;,")
    if rest:
        ages = _build(rest, kind, cues)
        leaves = list(iter_leaves(ages))
        if not leaves or any(leaf.get("type") != "age" for leaf in leaves):
            return None
        parts.append(ages)
    return simplify({"all": parts})


# a leading list marker and a closing stop around a line the allergy forms read whole
_LINE_MARKER = re.compile(r"^\W*?(?:\(?(?:\d{1,2}[a-z]?|[a-z]|[ivx]{1,4})[.)]\s+)?")
_LINE_END = re.compile(r"[\s.;:,]+$")


def _allergy_form(prepared: str, kind: str, cues) -> dict | None:
    """The rule of a line that is an allergy or hypersensitivity to named drugs and nothing
    else (``allergy_form`` in data/nlp/criteria_cues.yaml: "Known hypersensitivity to
    fludarabine or any of its excipients"): any[allergy to each drug], and with "intolerance"
    among its words also the drug not tolerated; "No known allergy to X" among the inclusions
    is not the allergy; a severity ("severe", "grade 3 or 4") is the team's, all[rule, review]. None for any other line (read as usual): the drugs must be all the
    pipeline reads, and the line no more than the form's words around them."""
    if not cues.search("allergy", prepared):
        return None
    facts, _ = extract_with_doc(prepared, conversation=False)
    # (round 22) "the study drug", "the study intervention": the record's own drugs, when the
    # importer passed them and they are all known (nlp/criteria/study_drugs.py); the words
    # stand where a drug would, and a fact read inside them ("investigational") is theirs
    study = current_study_drugs()
    named = [(m.start(), m.end(), study) for m in cues.finditer("study_drug", prepared)] if study else []
    facts = [f for f in facts if not any(start <= f.start < end for start, end, _ in named)]
    if (not facts and not named) or any(f.label not in ("DRUG", "ALLERGY") for f in facts):
        return None         # a condition, a procedure, a lab beside the allergy: read as usual
    terminology = load_terminology()
    if any(terminology.get(f.concept) is None or terminology.get(f.concept).kind == "procedure"
           or names_a_kind(terminology.get(f.concept), f.text) for f in facts if f.label == "DRUG"):
        return None         # (round 22) "insulin glargine": one kind of the concept, not all of it
    drugs = sorted([(f.start, f.end, (f.concept,)) for f in facts if f.label == "DRUG"] + named)
    if not drugs or any(a[1] > b[0] for a, b in zip(drugs, drugs[1:])):
        return None
    skeleton, last = [], 0
    for start, end, _ in drugs:
        skeleton += [prepared[last:start], "§"]
        last = end
    skeleton.append(prepared[last:])
    line = _LINE_END.sub("", _LINE_MARKER.sub("", "".join(skeleton).lower(), count=1))
    match = next(cues.finditer("allergy_form", line), None)
    if match is None:
        return None
    negated = match.group("no") is not None
    if negated != (kind == "inclusion"):
        return None         # an allergy required, or "no allergy" excluded: misfiled, the team's
    concepts = list(dict.fromkeys(c for _, _, named_concepts in drugs for c in named_concepts))
    leaves: list[dict] = [{"type": "allergy", "substance": c} for c in concepts]
    if "intoleran" in match.group("words"):
        leaves += [{"type": "therapy", "concept": c, "response": "intolerant"} for c in concepts]
    rule = leaves[0] if len(leaves) == 1 else {"any": leaves}
    if match.group("severe"):       # "severe hypersensitivity to X": how severe it was is the team's
        rule = {"all": [rule, review("clinical", prepared, cues)]}
    return {"not": rule} if negated else rule


def _lines_permitted(prepared: str, kind: str, cues) -> dict | None:
    """(round 25) "Up to 1 prior line of systemic treatment for NSCLC is permitted" among the
    inclusions (``lines_permitted``, the whole line): a permission that bounds the count of
    prior lines, so the score prior_lines at most that many. The disease it names must be one
    cancer and nothing else (the trial's own: its lines are the ones counted); a setting
    ("for metastatic disease") or anything else on the line leaves it to the usual reading."""
    if kind != "inclusion":
        return None
    line = _LINE_END.sub("", _LINE_MARKER.sub("", " ".join(prepared.split()), count=1))
    match = next((m for m in cues.finditer("lines_permitted", line) if m.start() == 0 and m.end() == len(line)), None)
    if match is None:
        return None
    n = cues.number(match.group("n"))
    if n is None:
        return None
    disease = match.group("disease")
    if disease:
        if cues.search("setting", line):
            return None
        facts = [f for f in extract_with_doc(disease, conversation=False)[0] if f.asserted]
        if len(facts) != 1 or facts[0].label != "CONDITION" or not is_cancer(facts[0].concept) \
                or disease[:facts[0].start].strip() or disease[facts[0].end:].strip():
            return None
    return {"type": "score", "score": "prior_lines", "op": "<=", "value": int(n) if n == int(n) else n}


def _toxicity_form(prepared: str, kind: str, cues) -> dict | None:
    """(round 24) The rule of a line that is a side effect of earlier anticancer therapy still
    present and nothing else (``toxicity_form`` in data/nlp/criteria_cues.yaml): the toxicity
    leaf with the grade it counts from and the kinds left out; "Recovered from toxicity to prior
    anti-cancer therapy" among the inclusions is not the leaf. None for any other line (read as
    usual): a grade that cannot be read ("resolved to grade less than 1"), a kind left out that
    has no name in ``toxicity_exceptions`` ("treatment-related alopecia"), a line of recovery
    among the exclusions or of a toxicity among the inclusions."""
    line = _LINE_END.sub("", _LINE_MARKER.sub("", " ".join(prepared.lower().split()), count=1))
    match = next((m for m in cues.finditer("toxicity_form", line) if m.start() == 0 and m.end() == len(line)), None)
    if match is None:
        return None
    groups = match.groupdict()
    recovered = groups["no"] is not None and groups["no"] != ""
    if recovered != (kind == "inclusion"):
        return None
    own = next((groups[g] for g in ("g1", "g2", "g3") if groups.get(g)), None)
    resolved = groups.get("r")
    if own and resolved:
        return None
    grade = _toxicity_grade(own or resolved, cues) if (own or resolved) else 1
    if grade is None:
        return None
    leaf: dict = {"type": "toxicity", "grade": grade}
    written = next((groups[g] for g in ("x1", "x2") if groups.get(g)), None)
    if written:
        kinds = _toxicity_exceptions(written, cues)
        if not kinds:
            return None
        leaf["except"] = kinds
    return {"not": leaf} if recovered else leaf


_GRADE_ITEMS = re.compile(r"\s*(?:,|\bor\b|\band\b|/)\s*")


def _toxicity_grade(phrase: str, cues) -> int | None:
    """The CTCAE grade a toxicity counts from, read from the line's grade phrase: "grade ≥ 2"
    -> 2, "grade > 1" and "resolved to grade ≤ 1" -> 2; None when no form reads it whole."""
    for section, step in (("toxicity_grade_at_least", 0), ("toxicity_grade_above", 1)):
        for match in cues.finditer(section, phrase):
            if match.start() == 0 and match.end() == len(phrase):
                number = next(v for k, v in match.groupdict().items() if v)
                return int(number) + step
    return None


def _toxicity_exceptions(written: str, cues) -> list[str]:
    """The kinds a line leaves out ("alopecia or nail changes" -> alopecia, nail_changes); []
    when any item is not a kind the cues name."""
    kinds = []
    for item in _GRADE_ITEMS.split(written.strip()):
        item = " ".join(item.split())
        kind = next((k for k, words in cues.toxicity_exceptions.items() if item in words), None)
        if not item or kind is None:
            return []
        kinds.append(kind)
    return list(dict.fromkeys(kinds))


def _stage_form(prepared: str, cues) -> dict | None:
    """The rule of a line that is the stage of the trial's cancer and nothing else
    (``stage_list`` and ``stage_form`` in data/nlp/criteria_cues.yaml: "Stage IV disease",
    "Must have Ann Arbor Stage II-IV disease.", "Patients with Stage I or IV breast cancer are
    not eligible."): the stage leaf, in all[] with a diagnosis of each cancer (or disease status)
    the line names. None for any other line (read as usual): the stages must read as stages, the
    conditions must all be cancers or statuses, and the line no more than the form's words."""
    line = prepared.lower()
    lists = list(cues.finditer("stage_list", line))
    if len(lists) != 1:
        return None
    stages = stage_groups(lists[0].group("list"))
    if not stages:
        return None
    facts, _ = extract_with_doc(prepared, conversation=False)
    listed = lists[0].span()
    facts = [f for f in facts if not (listed[0] <= f.start and f.end <= listed[1])]
    terminology = load_terminology()
    if any(f.label != "CONDITION" or not (is_cancer(f.concept) or is_disease_status(f.concept, terminology))
           or f.negated or f.uncertain for f in facts):
        return None         # a drug, a lab, a condition not a cancer ("Stage I PTSD"): read as usual
    conditions = sorted(facts, key=lambda f: f.start)
    if any(a.end > b.start for a, b in zip(conditions, conditions[1:])):
        return None
    form = _skeleton(line, listed, conditions)
    if form is None:
        return None
    match = next(cues.finditer("stage_form", form), None)
    if match is None:
        return None
    # "the lymphoma should be in stage III or IV": the trial's own disease, no requirement of its own
    named = conditions if match.group("named") else []
    # "Stage III or IV breast cancer or NSCLC": either cancer, never both; a status beside a
    # cancer ("Treatment-naive, Hodgkin lymphoma participants") is required with it (round 28, h134)
    terminology = load_terminology()
    concepts = list(dict.fromkeys(f.concept for f in named))
    statuses = [{"type": "diagnosis", "concept": c} for c in concepts if is_disease_status(c, terminology)]
    cancers = [{"type": "diagnosis", "concept": c} for c in concepts if not is_disease_status(c, terminology)]
    if len(cancers) > 1 and " and " in match.group("named"):
        return None         # "breast and ovarian cancer": one patient has both, or either? the team's
    leaves = (cancers if len(cancers) < 2 else [{"any": cancers}]) + statuses
    leaves.append({"type": "stage", "stages": stages})
    return leaves[0] if len(leaves) == 1 else {"all": leaves}


_EXTENT_ALTERNATIVES = re.compile(r"\s*(?:,\s*(?:and/or|or)?|\band/or\b|\bor\b|/)\s*")


def extent_rule(written: str, cues) -> dict | None:
    """The rule an extent list names (``extent_words`` in data/nlp/criteria_cues.yaml):
    "locally advanced or metastatic" -> any[locally advanced, metastatic]; "metastatic or
    advanced" -> advanced (a metastatic cancer is an advanced one); "unresectable locally advanced
    or metastatic" -> any[all[unresectable, locally advanced], metastatic] (words side by side are
    one alternative, round 28). None when a word is not an extent word."""
    words = sorted(((w, c) for c, ws in cues.extent_words.items() for w in ws), key=lambda p: -len(p[0]))
    alternatives: list[list[str]] = []
    for item in _EXTENT_ALTERNATIVES.split(written):
        if not item.strip():
            continue
        found, rest = [], item
        for phrase, concept in words:
            for match in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", rest):
                found.append((match.start(), concept))
            rest = re.sub(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", lambda m: " " * len(m.group()), rest)
        if rest.strip() or not found:
            return None
        concepts = list(dict.fromkeys(c for _, c in sorted(found)))
        if len(concepts) > 1:
            concepts = [c for c in concepts if c != EXTENT_ROOT]    # "advanced unresectable": the narrower says it
        if {"locally_advanced_disease", "metastatic_disease"} <= set(concepts):
            return None     # "locally advanced metastatic": the two contradict each other
        alternatives.append(concepts)
    if not alternatives:
        return None
    if [EXTENT_ROOT] in alternatives:
        return {"type": "diagnosis", "concept": EXTENT_ROOT}     # every other one is a kind of it
    leaves = [[{"type": "diagnosis", "concept": c} for c in item] for item in alternatives]
    parts = [item[0] if len(item) == 1 else {"all": item} for item in leaves]
    parts = [p for i, p in enumerate(parts) if p not in parts[:i]]
    return parts[0] if len(parts) == 1 else {"any": parts}


def _extent_form(prepared: str, cues) -> dict | None:
    """The rule of a line that is the extent of the trial's cancer and nothing else
    (``extent_list`` and ``extent_form`` in data/nlp/criteria_cues.yaml: "Locally advanced or
    metastatic disease.", "Evidence of metastatic disease.", "... confirmed diagnosis of locally
    advanced or metastatic NSCLC"): the extent's diagnosis leaves (any of them), in all[] with
    a diagnosis of each cancer the line names. None for any other line (read as usual): the
    conditions must all be cancers named as a whole (no narrower kind), and the line no more
    than the form's words. Round 27 (h128)."""
    line = prepared.lower()
    lists = list(cues.finditer("extent_list", line))
    if len(lists) != 1:
        return None
    extent = extent_rule(lists[0].group("list"), cues)
    if extent is None:
        return None
    terminology = load_terminology()
    facts, _ = extract_with_doc(prepared, conversation=False)
    listed = lists[0].span()
    # the extent's own words ("metastatic disease" read as one term): the list stands for them
    facts = [f for f in facts if not (listed[0] <= f.start and f.end <= listed[1])
             and not (f.label == "CONDITION" and is_extent(f.concept, terminology) and f.start < listed[1] and listed[0] < f.end)]
    if any(f.label != "CONDITION" or not is_cancer(f.concept) or is_disease_status(f.concept, terminology)
           or f.negated or f.uncertain or names_a_kind(terminology[f.concept], f.text)
           for f in facts):
        return None         # a drug, a site, a status, a condition not a cancer: read as usual
    conditions = sorted(facts, key=lambda f: f.start)
    form = _skeleton(line, listed, conditions)
    if form is None:
        return None
    match = next(cues.finditer("extent_form", form), None)
    if match is None:
        return None
    named = conditions if match.group("named") else []
    cancers = [{"type": "diagnosis", "concept": c} for c in dict.fromkeys(f.concept for f in named)]
    if len(cancers) > 1 and " and " in match.group("named"):
        return None         # "breast and ovarian cancer": one patient has both, or either? the team's
    leaves = cancers if len(cancers) < 2 else [{"any": cancers}]
    leaves.append(extent)
    return leaves[0] if len(leaves) == 1 else {"all": leaves}


_STAGE_ORDER = ("0", "I", "II", "III", "IV")
_STAGE_ITEM = re.compile(r"(iv|i{1,3}|0|[1-4])([abc]?)")
_STAGE_RANGE = re.compile(r"^\s*(?:-|–|to)\s*$")


def stage_groups(written: str) -> list[str]:
    """The stages a stage list names, as the stage leaf writes them ("ii-iv" -> II, III, IV;
    "iiib-iiic or iv" -> IIIB, IIIC, IV; "3 or 4" -> III, IV); [] when a range cannot be read."""
    items = list(_STAGE_ITEM.finditer(written))
    out: list[str] = []
    for i, item in enumerate(items):
        group = stage_group(item.group(1), item.group(2))
        if group is None:
            return []
        joined = written[items[i - 1].end():item.start()] if i else ""
        if i and _STAGE_RANGE.match(joined.replace("stage", "")):
            expanded = _stage_range(out[-1], group)
            if not expanded:
                return []
            out.extend(expanded[1:])
        else:
            out.append(group)
    return list(dict.fromkeys(out))


def _stage_range(first: str, last: str) -> list[str]:
    """The stages from ``first`` to ``last`` ("IIIB", "IV" -> IIIB, IIIC, IV); [] when backwards."""
    def parts(stage: str) -> tuple[int, str]:
        letter = stage[-1] if stage[-1] in "ABC" and stage != "0" else ""
        return _STAGE_ORDER.index(stage[:len(stage) - len(letter)]), letter
    (g1, l1), (g2, l2) = parts(first), parts(last)
    if (g1, l1 or "A") > (g2, l2 or "C"):
        return []
    out = [first]
    if l1:
        out += [_STAGE_ORDER[g1] + x for x in "ABC" if x > l1 and (g1 < g2 or x <= (l2 or "C"))]
        g1 += 1
    else:
        g1 += 1
    for g in range(g1, g2 + 1):
        if g == g2 and l2:
            out += [_STAGE_ORDER[g] + x for x in "ABC" if x <= l2]
        else:
            out.append(_STAGE_ORDER[g])
    return list(dict.fromkeys(out))


def _leaf_kinds(rule: dict) -> list[tuple]:
    return sorted((leaf.get("type"), leaf.get("analyte") or leaf.get("score"), leaf.get("op"))
                  for leaf in iter_leaves(rule))


def _by_definition(prepared: str, kind: str, cues) -> dict | None:
    """The rule of a line that defines what it names by measurements ("Significant kidney
    disease, defined as GFR < 60 ml/min": the eGFR threshold alone; read as the disease and a
    review besides, a patient with eGFR 78 stayed open), when the definition reads whole as
    thresholds on labs and scores; else None (the line is read as usual)."""
    match = next(cues.finditer("defined_as", prepared), None)
    if match is None:
        return None
    definition = match.group("definition")
    definition = definition[:1].upper() + definition[1:]   # a whole clause, not the tail of a wrapped line
    if next(cues.finditer("time_amount", definition), None) is not None:
        return None        # "potassium >= 5.5 within 3 months": a lab leaf holds no window
    rule = _build(definition, kind, cues)
    leaves = list(iter_leaves(rule))
    allowed = TESTED if "serolog" in match.group(0).lower() else MEASURED
    if not leaves or any(leaf.get("type") not in allowed for leaf in leaves):
        return None
    if match.groupdict().get("treated"):
        # "... (SBP > 180 mmHg ...) in patients on anti-hypertensive medications": the thresholds
        # while on that treatment, each drug of it taken now (h168, round 35)
        treated = match.group("treated")
        treated = _build(treated[:1].upper() + treated[1:], kind, cues)
        if treated.get("type") != "therapy" or treated.get("response", "any") != "any" or len(treated) > 3:
            return None
        return {"all": [dict(treated, response="current"), rule]}
    return rule


def _read(prepared: str, kind: str, cues, statuses: bool = True) -> dict:
    terminology = load_terminology()
    facts, doc = extract_with_doc(prepared, conversation=False)
    atoms = find_atoms(prepared, facts, doc if doc is not None else build_pipeline()(prepared), cues)
    atoms = status_atoms(atoms, prepared, kind, terminology, cues, statuses)   # "relapsed or refractory" of a cancer only
    if _bare_without(prepared, atoms):
        return _whole_line_review(prepared, cues)   # "T-LBL without BM involvement": the limit was dropped
    reader = Reader(prepared, kind, cues, terminology)
    node = reader.read(elements(prepared, atoms, find_cues(prepared, cues, atoms)))
    _score_of_a_past_condition(atoms, prepared)
    if node is None or reader.lost_threshold:
        return _whole_line_review(prepared, cues)
    rule = _plain_infections(simplify(node_rule(node, reader), terminology.is_a), cues)
    rule = _systemic_only(rule, prepared, kind, terminology, cues)
    rule = _without_implied(rule, terminology)
    if statuses and status_alternative(rule, terminology):
        return _read(prepared, kind, cues, statuses=False)    # a status as one of an "or" list: not read
    if review_only(rule):
        return best_review(rule)
    return rule if rule_problem(rule) is None else _whole_line_review(prepared, cues)


# what stands between a condition and a bracket holding its score: the bracket's opening,
# and at most a few words of a name inside it ("(New York Heart Association", "(NYHA")
_INTO_BRACKET = re.compile(r"\s*\(\s*[^()]{0,40}$")


def _score_of_a_past_condition(atoms, text: str) -> None:
    """(round 31, h148) 'Current or past history of heart failure (NYHA Class 2 or higher)': a
    score in a bracket right after a condition of the past is that condition's then, not the
    patient's now: the team's beside the score leaf (as a history cue before a score)."""
    for score in atoms:
        if score.label != "SCORE" or score.mods.get("qualified"):
            continue
        for condition in atoms:
            if (condition.label == "CONDITION" and condition.mods.get("history") and condition.end <= score.start
                    and _INTO_BRACKET.fullmatch(text, condition.end, score.start)):
                score.mods["qualified"] = ("clinical", text[condition.start:score.end])
                break


def _without_implied(rule: dict, terminology) -> dict:
    """Round 30 (h143): "Participation in another clinical study with an investigational
    medicinal product within 28 days" read as all[the participation, the product]: the product's
    use implies the participation (``implies`` in the terminology), so the product alone says the
    line (as "another clinical trial with an investigational medicinal product" is read). Only a
    bare leaf of the implied concept, with no window or the product's own, is dropped."""
    if "all" in rule:
        children = [_without_implied(child, terminology) for child in rule["all"]]
        implied = {(c, leaf.get("within_days")) for leaf in children if leaf.get("type") in ("therapy", "procedure")
                   and leaf.get("concept") in terminology and set(leaf) <= {"type", "concept", "within_days"}
                   for a in terminology.ancestors(leaf["concept"]) if a in terminology
                   for c in terminology[a].attrs.get("implies", ())}
        kept = [child for child in children
                if not (child.get("type") in ("therapy", "procedure") and set(child) <= {"type", "concept", "within_days"}
                        and any(child.get("concept") == c and child.get("within_days") in (None, days)
                                for c, days in implied))]
        return kept[0] if len(kept) == 1 else {"all": kept}
    if "any" in rule:
        return {"any": [_without_implied(child, terminology) for child in rule["any"]]}
    return rule           # a leaf; under "not" nothing is narrowed ("no trial with a product")


def _systemic_only(rule: dict, text: str, kind: str, terminology, cues) -> dict:
    """A class said to be taken systemically (round 17: "Use of systemic corticosteroids"):
    its inhaled or topical forms (the classes below it with a ``route``) are taken out of the
    therapy leaf (``except``); read as the whole class, an inhaled steroid counted. A line
    naming a local route ("Topical steroids"), read as the whole class, counted prednisone:
    the class's leaf gets the team's check beside it (which form)."""
    systemic, local = cues.search("systemic_route", text), cues.search("local_route", text)
    # one systemic route ("oral corticosteroids"): narrower than the class, the team's as a
    # local route is (round 29)
    local = local or (not systemic and cues.search("one_systemic_route", text))
    if not systemic and not local:
        return rule
    if rule.get("type") == "therapy":
        concept = rule["concept"]
        if terminology[concept].attrs.get("route"):
            return rule
        routes = sorted(d for d in terminology.descendants(concept)
                        if d != concept and terminology[d].attrs.get("route"))
        if not routes and concept in cues.local_form_drugs:
            # round 39 (h189): a drug also given locally with no route concepts ("Systemic use of
            # atropine": an eye drop is atropine too; "Topical tacrolimus"): the team's which form
            note = review("clinical", f"{terminology[concept].label}: which form (systemic or local)", cues)
            return {"all": [rule, note]} if kind == "exclusion" else {"any": [rule, note]}
        if not set(routes) - set(rule.get("except", ())):
            return rule     # "(except ... inhaled steroids)": the line took them out itself
        if set(routes) & set(rule.get("except", ())):
            # "Systemic steroids ... (except ... inhaled steroids)": the line took out a local form
            # itself; said systemic, it takes out the other local forms too (topical; round 32)
            return {**rule, "except": sorted(set(rule["except"]) | set(routes))} if systemic else rule
        if local:
            note = review("clinical", f"{terminology[concept].label}: which form (systemic, inhaled, topical)", cues)
            return {"all": [rule, note]} if kind == "exclusion" else {"any": [rule, note]}
        return {**rule, "except": sorted(set(rule.get("except", [])) | set(routes))}
    for op in ("all", "any"):
        if op in rule:
            return {op: [_systemic_only(child, text, kind, terminology, cues) for child in rule[op]]}
    if "not" in rule:
        # under a negation an inclusion's check is an exclusion's: "no topical steroids"
        flipped = "inclusion" if kind == "exclusion" else "exclusion"
        return {"not": _systemic_only(rule["not"], text, flipped, terminology, cues)}
    return rule


def _plain_infections(rule: dict, cues) -> dict:
    """'HIV, HBV, or HCV positive', 'known hepatitis B': an infection with a chronic marker
    (``chronic_markers``: HBV, HCV) read as plain 'positive' does not say which test, and the
    leaf also holds for a resolved infection's antibodies (anti-HBc, anti-HCV): beside it the
    team's check (a patient who says he is positive is the team's, one who says he is not
    fails it). Left after the rule is simplified, so a leaf an antibody's own leaf implies
    ("antibody to hepatitis C virus (HCV)") is gone first."""
    markers = cues.chronic_markers or {}
    if rule.get("type") == "infection":
        if rule.get("state") == "positive" and rule.get("agent") in markers and not rule.get("except"):
            return {"all": [rule, review("clinical", f"{rule['agent'].upper()} positive: which test "
                                         "(a resolved infection's antibodies stay positive)", cues)]}
        return rule
    for op in ("all", "any"):
        if op in rule:
            return {op: [_plain_infections(child, cues) for child in rule[op]]}
    if "not" in rule:
        return {"not": _plain_infections(rule["not"], cues)}
    return rule


_WITHOUT = re.compile(r"(?<!\w)without(?!\w)", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;,.:()\[\]]|(?<!\w)(?:and|or)(?!\w)", re.IGNORECASE)


def _bare_without(text: str, atoms) -> bool:
    """"without" whose words up to the end of the clause hold no fact ("T-LBL without bone
    marrow involvement", "ANC ≥ 1000 without growth factor support"): the words that limit
    the line would be dropped, so the line is the team's."""
    for match in _WITHOUT.finditer(text):
        end = _CLAUSE_END.search(text, match.end())
        stop = end.start() if end else len(text)
        if text[match.end():stop].strip() and not any(match.end() <= a.start < stop for a in atoms):
            return True
    return False


_BRACKETS = (("(", ")"), ("[", "]"))


def _bare_treatment_name(prepared: str, rule: dict) -> bool:
    """The line is a treatment's name and nothing else ("Radiotherapy", "Biologic therapy."),
    read as one therapy or procedure leaf with no more than its concept."""
    if rule.get("type") not in ("therapy", "procedure") or set(rule) != {"type", "concept"}:
        return False
    concept = load_terminology().get(rule["concept"])
    if concept is None:
        return False
    name = " ".join(re.sub(r"[^\w\s'/-]", " ", prepared).lower().split())
    return name in {" ".join(t.lower().split()) for t in (*concept.terms, *concept.abbreviations, concept.label)}


def is_fragment(text: str, cues) -> bool:
    """A piece of a hard-wrapped sentence: opens lower-case, ends mid-sentence, or leaves a
    bracket unbalanced (``fragment`` in the cues)."""
    if any(text.count(a) != text.count(b) for a, b in _BRACKETS):
        return True
    return cues.search("fragment", text.strip())


def _sex_required(text: str, sex: str, cues) -> bool:
    """Whether the line's obligation comes before the first word naming the sex, with only
    subject words before it ("Participant must be male aged >= 18 years", round 17): then
    the sex is what the patient must be, not whose obligation the line states ("Male
    subjects must ...")."""
    starts = [m.start() for p in (cues.subject_sex or {}).get(sex, ()) for m in p.finditer(text)]
    duties = [m for m in cues.finditer("obligation", text)]
    if not starts or not duties:
        return False
    first = min(starts)
    duty = min(duties, key=lambda m: m.start())
    if duty.end() > first:
        return False
    words = re.findall(r"[A-Za-z]+", text[:first])
    return all(w.lower() in cues.age_subject_words for w in words)


def subject_sex(text: str, cues):
    """The patient's sex the line names: (sex, whether the line starts with it, after
    subject words only: "Female subjects ... 12 years and older"); "both" when the line
    names the sexes apart ("women aged 18-65 or men aged 18-70"), which no rule here keeps;
    None when it names none (or both as one phrase: "male or female", "men and women")."""
    both = [m.span() for m in cues.finditer("both_sexes", text)]
    found = []
    for sex, patterns in (cues.subject_sex or {}).items():
        for pattern in patterns:
            for match in pattern.finditer(text):
                if not any(a <= match.start() < b for a, b in both):
                    found.append((match.start(), sex))
    if not found:
        return None
    sexes = {sex for _, sex in found}
    if len(sexes) > 1:
        return "both"
    first = min(start for start, _ in found)
    words = re.findall(r"[A-Za-z]+", text[:first])
    return sexes.pop(), all(w.lower() in cues.age_subject_words for w in words)


def _women_only(rule: dict, text: str, kind: str, cues) -> dict:
    """"Pregnancy, lactation, child-bearing potential in the absence of contraception": what
    the team judges there concerns women only. An exclusion holds only for a female patient
    (all[female, rule]); an inclusion asking for contraception lets a man pass (any[male,
    rule]). Not when the line also names men, nor when the rule needs no team."""
    if not cues.search("women_only", text) or any(p.search(text) for p in (cues.subject_sex or {}).get("male", ())):
        return rule
    reasons = {leaf.get("reason") for leaf in iter_leaves(rule) if leaf.get("type") == "review"}
    if not reasons:
        return rule
    if kind == "exclusion":
        return simplify({"all": [{"type": "sex", "allowed": ["female"]}, rule]})
    if "compliance" in reasons:
        return simplify({"any": [{"type": "sex", "allowed": ["male"]}, rule]})
    return rule


def _pregnancy_admits(rule: dict, kind: str) -> bool:
    """A pregnancy leaf that a pregnant patient would pass by: required in an inclusion,
    negated in an exclusion (a rule such a leaf decides fails everyone else, men too)."""
    def walk(node: dict, negated: bool):
        if "not" in node:
            yield from walk(node["not"], not negated)
        for op in ("all", "any"):
            for child in node.get(op, ()):
                yield from walk(child, negated)
        if node.get("type") == "pregnancy":
            yield negated
    return any(negated == (kind == "exclusion") for negated in walk(rule, False))


def _mentions_pregnancy(rule: dict) -> bool:
    return any(leaf.get("type") == "pregnancy" for leaf in iter_leaves(rule))


def prepare(text: str) -> str:
    """The text the parser reads: markdown escapes removed, odd dashes made plain. Each
    rewrite runs only on a text holding letters or signs every match of it holds
    (``_sub``): most criteria need none of them (round 27, h129: the same text)."""
    text = _sub(_ESCAPED, r"\1", text)
    for _ in range(2):      # "&amp;lt;" is "&lt;" once, "<" twice
        text = _sub(_ENTITY, lambda m: html.unescape(m.group(0)), text)
    text = _sub(_PREDICTED, "", _sub(_AMPERSAND, " and ", text))
    text = _sub(_SQUARE_ALIAS, lambda m: f"({m[2] or m[1]})", text)    # "[SGOT (AST)]": the same name twice
    text = _sub(_SLASH_AFTER_ABBREVIATION, _slash_between_analytes, _sub(_ABBREVIATION_PAIR, r"(\1/\2)", text))
    text = _same_measure_once(_without_cut_consent_day(text))
    if "(" in text:
        text = _REPEATED_BRACKET.sub(lambda m: m["w"] + m["mid"], text)     # "CD4+ T-cell (CD4+) count"
    text = _sub(_CYP_BOTH, lambda m: f"{m[1]} {m[2]} {m[3]} {m[4]} {m[1]} {m[2]} {m[5]}" if m[3][:4].lower() != m[5][:4].lower()
                else m[0], text)
    text = _sub(_CYP_BOTH_OF, lambda m: f"{m[1]} {m[2]} of {m[5]} {m[3]} {m[1]} {m[4]} of {m[5]}" if m[2][:4].lower() != m[4][:4].lower()
                else m[0], text)
    text = _sub(_SIGN_BRACKET, " ", _sub(_CUBIC, "3", text.translate(_DASHES)))
    text = _sub(_AND_SIGN_WORDS, lambda m: f"{m.group(1)}{_SIGN_OF_WORDS[' '.join(m.group(2).lower().split())]} ", text)
    text = _sub(_ASA_SIGN, "ASA physical status", _sub(_ASA_LONG, "ASA ", text))
    text = _sub(_EXCEEDS, "> ", _sub(_RANGE_WORDS, "", _sub(_TILDE_RANGE, "-", text)))
    text = _sub(_MMOL_MOL_FIRST, r"\g<1>\3% (\2 mmol/mol)", _sub(_RANGE_AND, r"between \1 and ", text))
    text = _sub(_CHILD_BEARING, "childbearing", _sub(_PER_BSA, "/1.73m2", text))
    text = _sub(_PCR_SPELLED, "PCR", text)
    text = _ITEM_NUMBER.sub("", text, count=1)
    text = _function_label(text)
    text = _sub(_EQ_WORDS, lambda m: "≥" if m.group("ge") else "≤", text)
    text = _sub(_MORE_OR_EQUAL, "≥", text)
    text = _sub(_SLASH_EQ, lambda m: "≤" if m.group(1) == "<" else "≥", text)
    text = _sub(_BETWEEN_SIGNS, lambda m: f"between {m.group(1)}{m.group(2)} and ", text)
    text = _sub(_BOTH_INCLUSIVE, _inclusive_range, text)
    text = _sub(_BETWEEN_PERCENT, lambda m: f"between {m.group(1)} and ", text)
    text = _sub(_PERCENT_RANGE, lambda m: f"{m.group(1)}{'-' if m.group(2) == '-' else ' to '}", text)
    text = _subgroup_allowed(_sub(_LESSER, "less than", _without_modal(text)))
    text = _sub(_ULN_WITHIN, "≤ ", _sub(_ULN_NO_TIMES, " x ", text))
    text = _sub(_TOTAL_SPECIMEN, _total_after_specimen, text)
    text = _sub(_ABBREVIATION_BRACKET, _unknown_abbreviation, text)
    text = _marker_statuses(_gene_elision(text))
    text = _run_on_items(_without_method(_without_formula(_without_method_bracket(_time_before_route(text)))))
    return _spelled_units(_scaled_numbers(_sub(_EQ_SIGN, lambda m: "≤" if m.group(1) == "<" else "≥", text)))


# a value just before the method words ("450 ms on ECG") or a comparator just after them
# ("QTcF in the screening ECG > 460 ms")
_VALUE_BEFORE = re.compile(r"\d\s*[a-zμ/%]*\)?\s*$", re.IGNORECASE)
_VALUE_AFTER = re.compile(r"\s*\)?\s*(?:[<>≤≥=]|\d|(?:greater|more|less|higher|lower) than|above|below|exceeding|of\s*[<>≤≥])", re.IGNORECASE)


def _unknown_abbreviation(match: re.Match) -> str:
    """The bracket of ``_ABBREVIATION_BRACKET`` taken out when a value follows it, the words
    before it are its long form and the terminology has no such name; else kept."""
    text, abbreviation = match.string, match.group(1)
    if (_VALUE_AFTER.match(text, match.end()) is None or abbreviation.lower() in _known_names()
            or long_form_start(abbreviation, text, match.start(), max(0, match.start() - 60)) is None):
        return match.group(0)
    return ""


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    """Every term and abbreviation of the terminology, lower case."""
    return frozenset(name.lower() for concept in load_terminology().concepts.values()
                     for name in (*concept.terms, *concept.abbreviations))


def _without_formula(text: str) -> str:
    """A bracket writing out the formula a value is calculated by (``formula_bracket`` of the
    cues: "(Cockcroft-Gault formula for estimated creatinine clearance [eCrCl]: eCrCl = [140 -
    Age] × Weight [kg] ...)") taken out: how the value is got, no condition (its "Age",
    "Female" and "serum creatinine" were read as requirements or left unread)."""
    cues = load_cues()
    text = _without_arithmetic(text, cues)
    if "=" not in text or not cues.search("formula_bracket", text):
        return text
    out, pos = [], 0
    for match in cues.finditer("formula_bracket", text):
        start = text.rfind("(", pos, match.start() + 1)
        if start < pos or text[start:match.start()].count(")") or text[start:match.start()].count("]"):
            continue
        end = _bracket_end(text, start)
        if end is None or "=" not in text[start:end]:
            continue
        out.append(text[pos:start])
        pos = end
    return "".join(out) + text[pos:] if out else text


def _bracket_end(text: str, start: int) -> int | None:
    """The end of the bracket opening at ``start`` (round and square brackets nest)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "([{":
            depth += 1
        elif text[i] in ")]}":
            depth -= 1
        if depth == 0:
            return i + 1
    return None


def _without_arithmetic(text: str, cues) -> str:
    """(round 19) A formula's arithmetic written out (``formula_arithmetic`` of the cues: the
    Cockcroft-Gault "(140 - Age) × Weight ... / (72 × serum creatinine)") taken out: the
    bracket holding it ("[(140-Age)*Mass (kg)/(72*creatinine mg/dL); multiply by 0.85 if
    female]"), or a later sentence holding it ("Cockcroft-Gault formula for estimated
    creatinine clearance (eCrCl):(140 - Age) × ..."). How the value is got, no condition."""
    if not cues.search("formula_arithmetic", text):
        return text
    parts = _SENTENCE.split(text)
    if len(parts) > 1:
        kept = [parts[0]] + [part for part in parts[1:] if not cues.search("formula_arithmetic", part)]
        text = " ".join(kept)
    for match in reversed(list(cues.finditer("formula_arithmetic", text))):
        # the outermost bracket around the arithmetic's start
        start, depth = None, 0
        for i in range(match.start() - 1, -1, -1):
            if text[i] in ")]}":
                depth += 1
            elif text[i] in "([{":
                if depth == 0:
                    start = i
                else:
                    depth -= 1
        end = _bracket_end(text, start) if start is not None else None
        if start is not None and end is not None:
            text = text[:start].rstrip() + " " + text[end:].lstrip()
    return text.strip()


def _time_before_route(text: str) -> str:
    """'Any systemic concurrent anti-cancer treatment' -> 'Any concurrent systemic anti-cancer
    treatment' (``time_inside_route`` of the cues; round 36, h173): the time word before the
    route, so the therapy's name is whole."""
    for match in reversed(list(load_cues().finditer("time_inside_route", text))):
        time, route = match["time"], match["route"]
        if route[:1].isupper():     # "Systemic concurrent ..." opening the line
            time, route = time[:1].upper() + time[1:], route[:1].lower() + route[1:]
        text = f"{text[:match.start()]}{time} {route}{text[match.end():]}"
    return text


def _without_method(text: str) -> str:
    """The correction formula a QTc is read by and the ECG beside its value taken out
    (``measured_by``, ``measured_on`` of the cues: "QTc (Bazzett) interval > 450 ms on ECG at
    screening"): the threshold is the same whichever, and between the analyte and its value
    they kept the two apart."""
    cues = load_cues()
    spans = [m.span() for m in cues.finditer("measured_by", text)]
    spans += [m.span() for m in cues.finditer("measured_on", text)
              if _VALUE_BEFORE.search(text, 0, m.start()) or _VALUE_AFTER.match(text, m.end())]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)     # "(Bazzett)" and "Bazzett" inside it
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start].rstrip() + " " + text[end:].lstrip()
    return text


def _inclusive_range(match: re.Match) -> str:
    """"≥ 7% and ≤ 10%" -> "between 7 and 10%"; unchanged when the two limits are written in
    different units (the first would take the second's)."""
    first, second = match.group(2), match.group(3)
    if first and second and first.lower() != second.lower():
        return match.group(0)
    return f"between {match.group(1)} and "


# "Polymerase Chain Reaction (PCR)": the name and its abbreviation as one word (the long form
# before a bracket had left the result after it unread: "CMV ... (PCR) negative" lost "negative")
_PCR_SPELLED = re.compile(r"(?:reverse[ -]transcription |real[ -]time )?polymerase chain reaction(?:\s*\((?:rt-|q)?pcr\))?", re.IGNORECASE)

# "Total bilirubin ≤1.5 upper limit of normal (ULN)", "Creatinine ≤ 1.5 ULN": a multiple of the
# upper limit of normal written without "x" or "times" (the value reader had read "1.5" as
# 1.5 mg/dL: a bilirubin of 2 mg/dL, under 1.5 x ULN for many labs, was ruled out)
_ULN_NO_TIMES = re.compile(r"(?<=\d)\s*(?=(?:the\s+)?(?:institutional\s+)?(?:ULN\b|upper limit (?:of )?(?:the\s+)?(?:institutional\s+)?normal\b))", re.IGNORECASE)
# "Plasma creatinine within 1.5 times the upper limit of normal": at most that multiple
_ULN_WITHIN = re.compile(r"\bwithin\s+(?=\d+(?:\.\d+)?\s*(?:x|×|\*|times)\s*(?:the\s+)?(?:institutional\s+)?(?:ULN\b|upper limit))", re.IGNORECASE)

# "Total serum bilirubin ≤ 1.5 x ULN": the analyte's name as the terminology writes it
# ("serum total bilirubin"; "Total" before "serum bilirubin" had been left unread)
_TOTAL_SPECIMEN = re.compile(r"\b(total) (serum|plasma|blood)\b(?= [a-z])", re.IGNORECASE)

# round 33 (h159): a name's own abbreviation in a bracket right before its value, one the
# terminology does not know ("total bilirubin (TBL) ≤ 1.5 × ULN"): it had hidden the value
# from the lab reader (a known one, "(TBIL)", "(ANC)", is read as the name already)
_ABBREVIATION_BRACKET = re.compile(r"(?<=\w) ?\(([A-Za-z][A-Za-z0-9-]{1,9})\)")

# "lesser than (<) 1.5 x ULN": the comparator the value reader knows
_LESSER = re.compile(r"(?<!\w)lesser than(?!\w)", re.IGNORECASE)

# signs one of which every match of a rewrite of ``prepare`` holds, for those whose letters
# ``cues.heads`` cannot name (a sign, a lookbehind); the others are gated on their heads
_SIGNS_NEEDED: dict[re.Pattern, tuple[str, ...]] = {
    _ESCAPED: ("\\",), _ENTITY: ("&",), _AMPERSAND: ("&",), _SQUARE_ALIAS: ("[",), _CUBIC: ("^3", "³"),
    _ABBREVIATION_PAIR: (";",), _SLASH_AFTER_ABBREVIATION: (")/",),
    _SIGN_BRACKET: ("(",), _ABBREVIATION_BRACKET: ("(",), _TILDE_RANGE: ("~", "～"), _SLASH_EQ: ("=",), _EQ_SIGN: ("=",),
    _BOTH_INCLUSIVE: ("≥", ">="), _PERCENT_RANGE: ("%",), _ULN_NO_TIMES: ("uln", "upper limit"),
}


# id(one of the module's rewrites, kept for the process) -> its strings (a pattern's hash is
# worked out anew on each call)
_NEEDED: dict[int, tuple[str, ...]] = {}


def _sub(pattern: re.Pattern, replacement, text: str) -> str:
    """``pattern.sub(replacement, text)``, or ``text`` itself when it holds none of the
    strings every match of the pattern holds (it could not match: the same text)."""
    needed = _NEEDED.get(id(pattern))
    if needed is None:
        needed = _NEEDED[id(pattern)] = _SIGNS_NEEDED.get(pattern) or heads(pattern)
    if needed and not any(map(fold(text).__contains__, needed)):
        return text
    return pattern.sub(replacement, text)


def _marker_statuses(text: str) -> str:
    """'ER+/HER2- breast cancer' -> 'ER+ and HER2-negative breast cancer': a minus sign as
    "negative" (``marker_minus`` of the cues), and two statuses of opposite states joined by
    a slash as both (``marker_pair``); a pair of the same state is left as written. Before
    them (round 33, h158): one status word shared by two receptors, 'ER- and/or PR-positive'
    -> 'ER-positive and/or PR-positive' (``marker_elision``), and a protein change in HGVS
    notation, 'KRAS p.G12C' -> 'KRAS G12C' (``protein_change``)."""
    cues = load_cues()
    for pattern in cues.patterns.get("marker_elision", ()):
        if _may_match(pattern, fold(text)):
            text = pattern.sub(lambda m: f"{m.group('a')}-{m.group('state')} {m.group('join')} {m.group('b')}-{m.group('state')}",
                               text)
    for pattern in cues.patterns.get("protein_change", ()):
        if _may_match(pattern, fold(text)):
            text = pattern.sub(lambda m: m.group("v"), text)
    for pattern in cues.patterns.get("marker_minus", ()):
        if not _may_match(pattern, fold(text)):
            continue        # (none of the letters every match of it holds is in the text)
        text = pattern.sub(lambda m: f"{m.group('m')}-negative", text)

    def joined(match: re.Match) -> str:
        positive = ["neg" not in (match.group(g) or "").lower() for g in ("sa", "sb")]
        if positive[0] == positive[1]:
            return match.group(0)
        return f"{match.group('a')} and {match.group('b')}"

    for pattern in cues.patterns.get("marker_pair", ()):
        if _may_match(pattern, fold(text)):
            text = pattern.sub(joined, text)
    return text


def _total_after_specimen(match: re.Match) -> str:
    total, specimen = match.group(1), match.group(2)
    if total[0].isupper():
        specimen = specimen[0].upper() + specimen[1:]
    return f"{specimen} {total.lower()}"


def _subgroup_allowed(text: str) -> str:
    """'Total Bilirubin ≤ 1.5 x ULN (Patients with known Gilbert's syndrome are allowed with a
    Total Bilirubin ≤ 2.5 x ULN)' -> 'Total Bilirubin ≤ 1.5 x ULN (≤ 2.5 x ULN if known
    Gilbert's syndrome)': the subgroup's threshold in the form the bracket reader knows
    (``subgroup_allowed`` of the cues: the same analyte, the line ending with the bracket).
    Round 31 (h148): also a clause after the line's own threshold ("AST ≤3 x ULN, except for
    patients with liver metastasis, who may only be included if AST ≤5 x ULN"; "Total
    bilirubin > ULN or, for cases of known Gilbert's syndrome, total bilirubin > 2 × ULN"), when
    the clause's analyte ("a2") is one the line named; "> ULN" alone is "> 1 x ULN"."""
    cues = load_cues()
    for pattern in cues.patterns.get("subgroup_allowed", ()):
        match = pattern.search(text)
        if match is None:
            continue
        again = match.groupdict().get("a2")
        if again and fold(again.strip()) not in fold(match.group("a")):
            continue
        threshold = match.group("thr")
        if not any(ch.isdigit() for ch in threshold):
            threshold = _ONE_ULN.sub(" 1 x ULN", threshold)
        return f"{match.group('a')} {threshold} ({match.group('thr2')} if {match.group('cond')})"
    return text


# a threshold's end (a multiple of the ULN or a value with a unit, and a bracket after it) and
# the capitalised word after it: where a list flattened into one line starts its next item
_ITEM_END = re.compile(r"(?:\d\s*(?:x|×)\s*ULN|\d\s*(?:g/dL|g/L|mg/dL|umol/L|µmol/L|μmol/L|mmol/L|mL/min|/μL|/uL|/µL|/mm3|10\^9/L|%|ms|U/L))"
                       r"(?:\s*\([^()]{1,80}\))?(?:\s*\[[^\[\]]{1,200}\])?(?=\s+[A-Z])")
_FIRST_WORD = re.compile(r"\s+([A-Za-z][\w-]*)")


@lru_cache(maxsize=1)
def _lab_first_words() -> frozenset[str]:
    """The first words of the analytes' names and abbreviations (the terminology)."""
    words = set()
    for concept in load_terminology().by_category("analyte"):
        for name in (*concept.terms, *concept.attrs.get("abbreviations", ())):
            first = _FIRST_WORD.match(" " + name)
            if first is not None:
                words.add(first.group(1).lower())
    return frozenset(words)


def _run_on_items(text: str) -> str:
    """(round 31, h148) 'Total Bilirubin ≤ 1.2 x ULN AST (SGOT) ≤ 3 x ULN (≤ 5 × ULN if known
    liver metastases) ALT (SGPT) ≤ 3 x ULN ... Albumin ≥ 3.0 g/dL': sub-items of a list run
    together on one line; a threshold followed by a capitalised analyte name ends its item
    (a ";" written there), so each bracket stays with its own threshold."""
    if "ULN" not in text and not any(ch.isdigit() for ch in text):
        return text
    cuts = [m.end() for m in _ITEM_END.finditer(text)
            if (nxt := _FIRST_WORD.match(text, m.end())) is not None and nxt.group(1).lower() in _lab_first_words()]
    for cut in reversed(cuts):
        text = f"{text[:cut]};{text[cut:]}"
    return text


@lru_cache(maxsize=1)
def _marker_terms() -> frozenset[str]:
    """Every biomarker term of the terminology, in lower case."""
    return frozenset(term.lower() for concept in load_terminology().by_category("biomarker") for term in concept.terms)


def _gene_elision(text: str) -> str:
    """(round 31, h148) 'ALK and ROS1 rearrangements', 'EGFR and ALK wild-type': two genes
    sharing the alteration written once (``gene_elision`` of the cues) -> 'ALK rearrangements
    and ROS1 rearrangements', when the first gene with it is a marker of the terminology too
    (the first gene had been an unread word beside the second's marker)."""
    for pattern in load_cues().patterns.get("gene_elision", ()):
        for match in reversed(list(pattern.finditer(text))):
            first, suffix = match.group("g1"), match.group("suffix")
            if not first.isupper() or f"{first} {suffix}".lower() not in _marker_terms():
                continue
            text = f"{text[:match.start()]}{first} {suffix} {match.group('join')} {text[match.start('g2'):]}"
    return text


def _without_method_bracket(text: str) -> str:
    """(round 31, h148) 'Calculated creatinine clearance (using Cockcroft-Gault formula) ≥45
    mL/min', 'eGFR <60 mL/min/1.73m² (using the CKD-EPI [CKD-EPI] formula for age ≥18 years;
    ... Schwartz eGFR formula for age <18)': a bracket saying by which formula or equation a
    value is calculated (``method_bracket`` of the cues: its lead, and a formula word inside)
    is how the value is got, no condition: taken out (between a name and its value it had kept
    the two apart; the ages choosing a formula had been read as conditions)."""
    cues = load_cues()
    if "(" not in text or not cues.search("method_bracket", text):
        return text
    for match in reversed([m for p in cues.patterns.get("method_bracket", ()) for m in p.finditer(text)]):
        start = match.start()
        end = _bracket_end(text, start)
        if end is None or not _FORMULA_WORD.search(text, start, end):
            continue
        text = text[:start].rstrip() + " " + text[end:].lstrip()
    return text.strip()


# what a method bracket names: a formula or an equation
_FORMULA_WORD = re.compile(r"\b(?:formulae?|equations?)\b", re.IGNORECASE)


def _without_cut_consent_day(text: str) -> str:
    """(round 38, h184) 'Participant must be 40 to 65 years of age inclusive, at the time of signing
    the': the day an age is counted on, cut off by the line's wrap (``consent_day_cut`` of the
    cues), is a point in time only; taken off, the line is the age limit it states (it had been
    judged a fragment for its last word)."""
    cues = load_cues()
    for match in cues.finditer("consent_day_cut", text):
        return text[:match.start("cut")]
    return text


def _same_measure_once(text: str) -> str:
    """(round 38, h184) 'creatinine clearance or calculated creatinine clearance > 30 mL/min': one
    measure named again with how it is got (``same_measure_twice`` of the cues) is that measure
    once (the second name had stood between the first and its value: the first was left unread)."""
    cues = load_cues()
    if not cues.search("same_measure_twice", text):
        return text
    for pattern in cues.patterns["same_measure_twice"]:
        text = pattern.sub(lambda m: m.group("name"), text)
    return text


def _function_label(text: str) -> str:
    """(round 31, h148) 'Renal function- Creatinine ≤ 1.5 ULN, ...', 'Hematological- Hb > 80 g/L,
    ...': an organ-function label before its thresholds (``function_label`` of the cues),
    written with a dash where others write a colon (the label alone had been an unread word
    beside the first threshold): read as "Renal function: ..."."""
    for pattern in load_cues().patterns.get("function_label", ()):
        match = pattern.match(text)
        if match is not None:
            return f"{match.group('label')}: {text[match.end():].lstrip()}"
    return text


# "> upper limit of normal (ULN)": the limit itself, once
_ONE_ULN = re.compile(r"\s*(?:upper limit of normal\s*(?:\(ULN\)|ULN)|ULN)\s*$", re.IGNORECASE)


def _without_modal(text: str) -> str:
    """'Hemoglobin must be ≥ 8 g/dL' -> 'Hemoglobin ≥ 8 g/dL': a modal verb before a
    comparator and a number (``modal_value`` of the cues) says nothing the value does not."""
    cues = load_cues()
    if not cues.search("modal_value", text):
        return text
    for pattern in cues.patterns["modal_value"]:
        text = pattern.sub("", text)
    return re.sub(r"(?<=\S)  +(?=\S)", " ", text)


def _scaled_numbers(text: str) -> str:
    """'>1.5Lakh per cumm' -> '>150000 per cumm': a number with a word that multiplies it
    (``scaled_numbers`` of the cues: lakh = 100,000), read as the plain number (round 12)."""
    for pattern, factor in load_cues().scaled_numbers:
        if not _may_match(pattern, fold(text)):
            continue
        text = pattern.sub(lambda m: f"{round(float(m.group(1)) * factor):d}", text)
    return text


def _spelled_units(text: str) -> str:
    """'≥ 10 milligrams per deciliter (mg/dL)' -> '≥ 10 mg/dL': a unit written out in words
    (``spelled_units`` of the cues) read as its abbreviation, and a bracket that then only
    repeats it dropped ("per microliter" joins the number: "1,000/uL")."""
    folded = fold(text)
    for pattern, unit in load_cues().spelled_units:
        if not _may_match(pattern, folded) or not pattern.search(text):
            continue    # (none of the letters every match of it holds is in the text)
        text = pattern.sub(unit, text)
        if unit.startswith("/"):
            text = re.sub(rf"(?<=\d) +{re.escape(unit)}(?!\w)", unit, text)
        text = re.sub(rf"(?<!\w){re.escape(unit)} ?\( ?{re.escape(unit)} ?\)", unit, text, flags=re.IGNORECASE)
        folded = fold(text)
    return text


def rule_problem(rule: dict) -> str | None:
    """Why ``rule`` would not be accepted in a trial record (None when it would): the rule
    language and the record checks (concepts of the right category, units, score ranges).
    Rules differing only in their notes have the same answer, so it is kept per shape."""
    terminology = load_terminology()
    return _shape_problem(_SHAPE(_without_notes(rule)), id(terminology))


_SHAPE = json.JSONEncoder(sort_keys=True).encode     # json.dumps(..., sort_keys=True), its encoder made once


def _without_notes(rule):
    if isinstance(rule, dict):
        return {k: _without_notes(v) for k, v in rule.items() if k != "note"}
    if isinstance(rule, list):
        return [_without_notes(v) for v in rule]
    return rule


@lru_cache(maxsize=8192)
def _shape_problem(shape: str, _terminology_id: int) -> str | None:
    rule = json.loads(shape)
    terminology = load_terminology()
    try:
        validate_rule(rule, concepts=lambda _type, _field, value: value in terminology)
        validate_record({"id": "local-check", "nct_id": None, "sources": ["check"], "title": "check",
                         "criteria": [{"id": "c", "kind": "inclusion", "text": "check", "rule": rule}]},
                        "rule check", terminology)
    except (RuleError, DataError) as exc:
        return str(exc)
    return None


def _may_match(pattern: re.Pattern, folded: str) -> bool:
    needed = heads(pattern)
    return not needed or any(map(folded.__contains__, needed))


def _whole_line_review(text: str, cues) -> dict:
    folded = fold(text)     # a pattern none of whose heads is in the text cannot match
    for reason, patterns in cues.review:
        if any(p.search(text) for p in patterns if _may_match(p, folded)):
            return review(reason, text, cues)
    return review("other", text, cues)


def _skeleton(line: str, listed: tuple[int, int], conditions: list) -> str | None:
    """The line with its listed stages or extents marked "¤" and each named condition "§" (the
    form the stage and extent patterns read), or None when two of them overlap."""
    marks = sorted([(listed[0], listed[1], "¤")] + [(f.start, f.end, "§") for f in conditions])
    skeleton, last = [], 0
    for start, end, mark in marks:
        if start < last:
            return None
        skeleton += [line[last:start], mark]
        last = end
    skeleton.append(line[last:])
    return _LINE_END.sub("", _LINE_MARKER.sub("", "".join(skeleton), count=1))
