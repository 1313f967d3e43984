"""Replies to questions, turned into facts.

``answer_to_facts(question, text, today)`` returns:
- ``None`` when the user is not sure or skips (the criterion stays unknown);
- ``[]`` when the reply cannot be read for this question (ask again, or treat it as text);
- otherwise the facts the reply states. "No" gives negated facts (explicit evidence of
  absence); a date or number refines the fact the question was about when there is one.

Words ("yes", "not sure", "taking it now", comparators, units) are data: the answers section
of data/questions.yaml, data/nlp/extraction.yaml (comparators, number words) and
data/nlp/units.yaml (through nlp/units.py), and the time patterns of data/patterns/time.jsonl.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from data.terminology import load_terminology
from matching.labs import convert, plausible
from matching.named_drugs import named_in_class
from matching.question_texts import load_question_texts
from core.facts import Fact
from nlp.readers import dates_in, value_at_start
from nlp.typing_habits import held_letters_squeezed
from nlp.resources import vocabulary
from nlp.units import normalize_unit

_STATUS_FOR = {"any": None, "failed": "failed", "intolerant": "intolerant",
               "failed_or_intolerant": "failed", "current": "current"}


def answer_to_facts(question, text: str, today: date | None = None) -> list[Fact] | None:
    today = today or date.today()
    reply = _normalise(text)
    if not reply:
        return []
    if says(reply, "unsure"):
        estimate = _after_hedges(reply) if question.form in ("number", "date") else ""
        found = answer_to_facts(question, estimate, today) if estimate else None
        # a hedged estimate is never a day ("not sure, maybe a few months ago" was "last taken
        # 2026-09-06"): its month (lead, round 34)
        found = [replace(f, date=f.date[:7]) if f.date and len(f.date) == 10 else f for f in found or ()]
        return found or None      # "maybe 1 year ago": the estimate; "maybe" alone: left open
    kind = question.kind
    if _about_another_topic(kind, reply):
        return []       # "no treatments yet except ibuprofen" to a diagnosis question: read as told
    if kind == "diagnosis_any":
        return _diagnoses(question, text, reply)
    if kind == "diagnosis_open":      # the person's own words: read as free text
        return []
    if question.form == "yes_no":
        if says(reply, "no") or denies_all(reply):     # "she never had any of them" to a class's question
            return _yes_no(question, text, False)
        if says_yes(reply):
            return _yes_no(question, text, True)
        return []
    if question.form == "choice":
        return _choice(question, text, reply)
    if question.form == "number":
        return _number(question, text, reply)
    if question.form == "date":
        return _date(question, text, reply, today)
    return []


# the topic a question kind asks about (``answers.topic_*`` in data/questions.yaml)
_KIND_TOPICS = (("therapy", "treatment"), ("last_dose", "treatment"), ("allergy", "treatment"),
                ("diagnosis", "condition"), ("infection", "infection"), ("lab", "test"))
_TOPICS = ("treatment", "condition", "infection", "test")


def _about_another_topic(kind: str, reply: str) -> bool:
    """The reply opens by denying something of another topic than the question's: "no" is the
    determiner of a noun ("no treatments yet", "no other meds", "no infections";
    ``answers.topic_openers``) that names treatments, conditions, infections or tests
    (``answers.topic_*``), and the question asks about another of them."""
    answers = load_question_texts().answers
    opener = next((o for o in answers["topic_openers"] if reply.startswith(o + " ")), None)
    if opener is None:
        return False
    own = next((topic for prefix, topic in _KIND_TOPICS if kind.startswith(prefix)), None)
    rest = reply[len(opener) + 1:]
    return any(topic != own and any(rest == w or (rest.startswith(w) and not rest[len(w)].isalnum())
                                    for w in answers[f"topic_{topic}"])
               for topic in _TOPICS)


def _normalise(text: str) -> str:
    text = (text or "").strip().lower().replace("’", "'")
    text = re.sub(r"\s+", " ", held_letters_squeezed(text))
    return text.strip(" .!;")


def _after(reply: str, phrase: str) -> str | None:
    """What the reply says after ``phrase`` when it is the phrase or opens with it as whole
    words ("" for the phrase alone), else None."""
    if reply == phrase:
        return ""
    if reply.startswith(phrase) and not reply[len(phrase)].isalnum():
        return reply[len(phrase):]
    return None


def says(reply: str, section: str) -> bool:
    """The reply is one of the section's phrases, or starts with one (then a space or
    punctuation)."""
    return any(_after(reply, phrase) is not None for phrase in load_question_texts().answers[section])


def says_yes(reply: str) -> bool:
    """The reply says yes: it is, or opens with, a phrase of ``answers.yes``; a phrase of
    ``answers.yes_alone`` ("i have", "right") only alone, before punctuation or before a word
    of ``answers.yes_alone_then`` ("i have, twice", "i did years ago"), since "i have been on
    prednisolone ..." and "right now she takes ..." tell something else."""
    answers = load_question_texts().answers
    alone = set(answers["yes_alone"])
    for phrase in answers["yes"]:
        rest = _after(reply, phrase)
        if rest is None:
            continue
        if phrase not in alone or not rest[:1].isspace():
            return True
        rest = rest.lstrip()
        if not rest[:1].isalnum() or says(rest, "yes_alone_then"):
            return True
    return False


def _later_clause_says(reply: str, section: str) -> bool:
    """A clause after the first says it ("about 2 weeks ago? im still on it", "march, but
    still taking it"): with its opening "im", "she's", "but", "and" dropped, the clause is
    one of the section's phrases, or opens with one of two words or more."""
    for clause in _CLAUSES.split(reply)[1:]:
        clause = _CLAUSE_OPENING.sub("", clause.strip())
        for phrase in load_question_texts().answers[section] if clause else ():
            # whole, or opening the clause when two words or more ("now on azathioprine"
            # after "stopped in may" is another drug's "now")
            if clause == phrase or (" " in phrase and clause.startswith(phrase + " ")):
                return True
    return False


# where a reply's clauses part, and the words that may open one before what it says
_CLAUSES = re.compile(r"\s*(?:[,.;!?]+|\bbut\b|\band\b)\s*")
_CLAUSE_OPENING = re.compile(r"^(?:(?:but|and|so|though|although|i'?m|im|i am|she'?s|shes|she is|he'?s|hes|he is|they'?re|theyre|we'?re|were)\s+)+")


def _after_hedges(reply: str) -> str:
    """The reply without the unsure and hedge phrases it opens with ("not sure, maybe around
    2019" -> "around 2019"), or "" when nothing else is left."""
    texts = load_question_texts().answers
    phrases = sorted({*texts["unsure"], *texts["hedges"]}, key=len, reverse=True)
    changed = True
    while reply and changed:
        changed = False
        for phrase in phrases:
            if reply.startswith(phrase) and (len(reply) == len(phrase) or not reply[len(phrase)].isalnum()):
                reply, changed = reply[len(phrase):].lstrip(" ,;:.-—–"), True
                break
    return reply


def _fact(question, text: str, label: str, concept: str, **fields) -> Fact:
    return Fact(label=label, concept=concept, text=text.strip(), start=0, end=len(text.strip()), **fields)


def _basis_for(question, concept: str) -> Fact | None:
    """The one fact the question was asked about, when there is exactly one of it."""
    term = load_terminology()
    same = [f for f in question.basis if f.asserted and (f.concept == concept or term.is_a(f.concept, concept))]
    return same[0] if len(same) == 1 else None


def _therapy_label(concept: str) -> str:
    known = load_terminology().get(concept)
    return "PROCEDURE" if known is not None and known.kind == "procedure" else "DRUG"


def _yes_no(question, text: str, yes: bool) -> list[Fact]:
    kind, concept = question.kind, question.concepts[0] if question.concepts else None
    if kind.startswith("therapy_"):
        status = _STATUS_FOR.get(question.detail or "any")
        basis = _basis_for(question, concept)
        if yes and basis is not None and basis.status in (None, "current"):
            # "he's had tacrolimus" (or "taking them now" of it) and "yes" to whether it failed:
            # failed, and still taken when it was said to be
            return [replace(basis, status=status, ongoing=basis.ongoing or basis.status == "current")]
        # "no" to "have you ever taken…" means never (a negation in the past)
        return [_fact(question, text, _therapy_label(concept), concept, status=status, negated=not yes,
                      historical=not yes and status is None)]
    if kind.startswith("infection_"):
        if yes:
            return [_fact(question, text, "INFECTION", concept, status=question.detail or "positive")]
        return [_fact(question, text, "INFECTION", concept, status="negative", negated=True)]
    if kind == "diagnosis":
        return [_fact(question, text, "CONDITION", concept, negated=not yes)]
    if kind == "history":
        return [_fact(question, text, "CONDITION", concept, historical=yes, negated=not yes)]
    if kind == "procedure":
        return [_fact(question, text, _therapy_label(concept), concept, negated=not yes)]
    if kind == "allergy":
        return [_fact(question, text, "ALLERGY", concept, negated=not yes)]
    return []


def _choice(question, text: str, reply: str) -> list[Fact]:
    kind = question.kind
    chosen = [value for option, value in question.values.items() if _mentions(reply, option.lower())]
    if kind == "pregnancy":
        if not chosen and (says(reply, "none") or says(reply, "no")):
            return [_fact(question, text, "PREGNANCY", s, negated=True) for s in question.values.values()]
        return [_fact(question, text, "PREGNANCY", s) for s in chosen]
    if kind == "sex":
        words = vocabulary().get("sex_words", {})
        chosen = chosen or [c for c, ws in words.items() if any(reply == w.lower() for w in ws)]
        return [_fact(question, text, "SEX", chosen[0])] if len(chosen) == 1 else []
    if kind == "biomarker":
        marker = question.concepts[0]
        if not chosen:
            # "Has a test shown CD19 …?" — "no" says no result is known (never a negative
            # result: that could rule a trial out); "yes" does not say which result
            return None if says(reply, "no") else []
        if len(chosen) != 1:
            return []
        return [_fact(question, text, "BIOMARKER", marker, status=chosen[0], negated=chosen[0] == "negative")]
    if kind == "stage":
        return _stage(question, text, reply, chosen)
    if kind == "toxicity":
        return _toxicity(question, text, reply, chosen)
    if kind in ("score", "confirm_score"):
        # a score asked in everyday words: the option's score, or a number typed ("1", "ECOG 2")
        if not chosen and (says(reply, "no") or says(reply, "none")):
            if question.no_means is None:
                return None         # "no" to "which is closest to your day?": left open
            chosen = [question.values[question.no_means]]
        if len(chosen) == 1:
            value = float(chosen[0])
            return [_fact(question, text, "SCORE", question.concepts[0], value=value, value_normalized=value)]
        return _number(question, text, _without_name(question, reply)) if not chosen else []
    return []


def _stage(question, text: str, reply: str, chosen: list[str]) -> list[Fact]:
    """The stage asked: an option ("Stage 3"), or a stage typed ("IIIB", "stage 4", "4",
    "4期"); a reply naming two stages ("3 or 4") is not understood (asked again)."""
    from nlp.components.stages import stage_group   # start-up: nothing of nlp.components at import

    typed = re.findall(r"(?<![a-z])(iv|i{1,3}|[0-4一二三四])([abc])?(?![a-z])", reply)
    if len(typed) > 1:      # "i think it's 3": the pronoun is no stage
        typed = [(n, letter) for n, letter in typed if (n, letter) != ("i", "")]
    groups = {stage_group(n.upper() if n[0] == "i" else n, letter) for n, letter in typed}
    groups.discard(None)
    if len(groups) == 1:
        return [_fact(question, text, "STAGE", groups.pop())]
    if not groups and len(chosen) == 1:
        return [_fact(question, text, "STAGE", chosen[0])]
    return []


# (round 24) the toxicity question's options: the worst side effect of earlier cancer
# treatment still there (matching/toxicity.py reads the fact)
# (status "worst": the answer names the worst one; "limits daily life" is grade 2 at least)
_TOXICITY_FACTS = {"none": {"negated": True}, "cosmetic": {"status": "cosmetic_only"},
                   "mild": {"value": 1.0, "status": "worst"},
                   "limiting": {"value": 2.0, "comparator": ">=", "status": "worst"}}


def _toxicity(question, text: str, reply: str, chosen: list[str]) -> list[Fact]:
    """The worst side effect left from earlier cancer treatment: an option, or a plain "no"
    (none left); a bare "yes" does not say how bad (asked again)."""
    if not chosen and (says(reply, "no") or says(reply, "none")):
        chosen = ["none"]
    if len(chosen) != 1:
        return []
    return [_fact(question, text, "TOXICITY", "toxicity", **_TOXICITY_FACTS[chosen[0]])]


def _without_name(question, reply: str) -> str:
    """A typed score without the score's name before it ("ecog 1" -> "1")."""
    known = load_terminology().get(question.concepts[0]) if question.concepts else None
    names = sorted({n.lower() for n in (*known.terms, *known.abbreviations)}, key=len, reverse=True) if known else []
    for name in names:
        if reply.startswith(name) and not reply[len(name):len(name) + 1].isalpha():
            return reply[len(name):].lstrip(" :=-")
    return reply


def _diagnoses(question, text: str, reply: str) -> list[Fact]:
    term = load_terminology()
    chosen = []
    for concept in question.concepts:
        known = term.get(concept)
        names = {concept.replace("_", " ")}
        if known is not None:
            names |= {known.label.lower(), *(t.lower() for t in known.terms)}
            abbreviations = known.abbreviations
        else:
            abbreviations = ()
        if any(_mentions(reply, n) for n in names) or any(re.search(rf"\b{re.escape(a)}\b", text) for a in abbreviations):
            chosen.append(concept)
    if not chosen and not (says(reply, "none") or denies_all(reply)):
        return []
    return [_fact(question, text, "CONDITION", c, negated=c not in chosen) for c in question.concepts]


def _without_subject(reply: str) -> str:
    """The reply without the one it is about opening it ("she never had any of them" -> "never
    had any of them"; ``answers.reply_subjects``, each dropped once, longest first)."""
    for _ in range(2):      # "well she never ...", "actually i have never ..."
        phrase = next((p for p in load_question_texts().answers["reply_subjects"]
                       if (rest := _after(reply, p)) is not None and rest[:1].isspace()), None)
        if phrase is None:
            break
        reply = reply[len(phrase):].lstrip(" ,")
    return reply


def denies_all(reply: str) -> bool:
    """The reply denies every item of a group question: after the one it is about, it opens
    with a denial ("never", "no", "don't", "none"; ``answers.never``, ``answers.no``,
    ``answers.none``) and names the list as a whole ("she never had any of them actually",
    "i dont have any of those", "he hasnt had any of these"; ``answers.any_of_them``); h200,
    round 41."""
    answers = load_question_texts().answers
    rest = _without_subject(reply)
    if rest == reply and not says(reply, "none"):
        return False        # no one it is about before it: a plain "no" or "none" is read as before
    denial = min((p for section in ("never", "no", "none") for p in answers[section]
                  if _after(rest, p) is not None), key=len, default=None)     # "never", not "never had it"
    if denial is None:
        return False
    after = rest[len(denial):]
    whole = next((m for p in answers["any_of_them"] if (m := re.search(rf"(?<![a-z0-9]){re.escape(p)}(?![a-z0-9])", after))), None)
    if whole is None:
        return False
    # only having words between ("never had", "has never been diagnosed with") and after it
    # ("... actually", "... at all"): "never responded to any of them" says how they went, "never
    # had it checked" what was not done (``answers.having_words``)
    around = re.findall(r"[a-z']+", after[:whole.start()] + " " + after[whole.end():])
    return all(w in answers["having_words"] for w in around)


def _mentions(reply: str, phrase: str) -> bool:
    return bool(phrase) and re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", reply) is not None


# --- numbers ----------------------------------------------------------------------------

def _strip_approx(reply: str) -> str:
    for word in load_question_texts().answers["approx"]:
        if reply.startswith(word) and (len(reply) == len(word) or not reply[len(word)].isalpha()):
            return reply[len(word):].strip()
    return reply


def _strip_years(reply: str) -> str:
    """"45 years old" -> "45" (the year words are nlp's time units)."""
    years = {w.lower() for w, unit in vocabulary().get("time_units", {}).items() if unit == "year"}
    words = reply.split()
    if words and words[-1] == "old":
        words = words[:-1]
    if len(words) > 1 and words[-1] in years:
        words = words[:-1]
    return " ".join(words)


def read_value(reply: str):
    """nlp's reading of a value at the start of the reply (number, comparator, unit as
    written, or N x ULN), or None."""
    return value_at_start(_strip_approx(reply))


# a number closing a reply after a comma, full stop, semicolon or colon ("she is on hcq, 37")
_TRAILING_NUMBER = re.compile(r"[,.;:]\s*(\d{1,3})$")


def _number(question, text: str, reply: str) -> list[Fact]:
    kind = question.kind
    concept = question.concepts[0] if question.concepts else None
    # drugs of the class already named with the asked outcome ("infliximab did not help")
    known = len(named_in_class(question.basis, concept, question.detail)) if kind == "therapy_count" else 0
    if kind == "therapy_count" and (says(reply, "none") or says(reply, "no")):
        if known:       # "no" after "infliximab did not help": not none; the count stays open
            return None
        status = _STATUS_FOR.get(question.detail or "any")
        return [_fact(question, text, "DRUG", concept, negated=True, status=status, historical=status is None)]
    if kind in ("age", "confirm_age"):
        reply = _strip_years(reply)
    words = vocabulary().get("number_words", {})
    if words.get(reply) is not None:
        reply = str(words[reply])
    reading = read_value(reply)
    if kind in ("age", "confirm_age") and (reading is None or reading.value is None):
        # "she is on hcq, 37", "oh and she had ritux twice. 37": the age ends the reply after
        # what else it told (h125, round 27)
        trailing = _TRAILING_NUMBER.search(reply)
        reading = read_value(trailing.group(1)) if trailing else reading
    if reading is None or reading.value is None and reading.uln_multiple is None:
        return []
    comparator, value, rest = reading.comparator, reading.value, (reading.unit or "").strip()
    if kind == "therapy_count":
        status = _STATUS_FOR.get(question.detail or "any")
        if not value and known:
            return None     # "0" beside a named one that did not help: unclear, left open
        if not value:
            return [_fact(question, text, "DRUG", concept, negated=True, status=status, historical=status is None)]
        return [_fact(question, text, "DRUG", concept, value=max(value, known), status=status)]
    if reading.uln_multiple is not None:
        if kind in ("lab", "confirm_lab"):
            return [_fact(question, text, "LAB", concept, comparator=comparator, uln_multiple=reading.uln_multiple)]
        return []
    if kind in ("age", "confirm_age"):
        return [_fact(question, text, "AGE", "age", value=value, comparator=comparator,
                      implausible=not (0 <= value <= 120))]
    if kind == "stage":
        return _stage(question, text, reply, chosen)
    if kind in ("score", "confirm_score"):
        return [_fact(question, text, "SCORE", concept, value=value, comparator=comparator,
                      implausible=not plausible(load_terminology(), concept, value))]
    if kind == "weight":
        return _measure(question, text, "WEIGHT", "weight", comparator, value, rest or "kg")
    if kind in ("lab", "confirm_lab"):
        return _measure(question, text, "LAB", concept, comparator, value, rest or question.unit or "")
    return []


def _measure(question, text: str, label: str, analyte: str, comparator, value: float, unit: str) -> list[Fact]:
    """A measurement in the analyte's canonical unit; [] when the unit is not one the
    analyte is measured in (the reply is not understood)."""
    term = load_terminology()
    concept = term.get(analyte)
    accepted = concept.attrs.get("units", {}) if concept else {}
    key = unit if unit in accepted else normalize_unit(unit, accepted)
    if key is None:
        return []
    normalized = convert(term, analyte, value, key)
    if normalized is None:
        return []
    return [_fact(question, text, label, analyte, value=value, unit=unit or None, comparator=comparator,
                  value_normalized=normalized, unit_normalized=term.canonical_unit(analyte),
                  implausible=not plausible(term, analyte, normalized))]


# --- dates ------------------------------------------------------------------------------

def read_date(reply: str, today: date) -> str | None:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) from a reply such as "2019", "03/2024",
    "March 2024", "2024-03-14", "3 weeks ago", "last month" (nlp's time reader), or None."""
    reply = reply.strip()
    if re.fullmatch(r"(19|20)\d{2}", reply):
        return reply if int(reply) <= today.year else None
    return next(dates_in(reply, today), None)


# an amount of time alone: "2 months", "a couple of weeks", "3 yrs" (the unit is checked by
# nlp's time reader, which reads it with "ago")
_AMOUNT = re.compile(r"(?:\d{1,3}(?:[.,]5)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                     r"(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several)\s+[a-z]{2,8}")


def _ago_of_an_amount(reply: str, today: date) -> str | None:
    """An amount of time alone answering "when did you last ...?" ("about 2 months", "maybe 3
    weeks", "a couple of months") is that long ago, as the question's example "3 weeks ago"
    (it had not been understood; lead, round 41). Never "for 2 months" (how long, not when)."""
    core = _strip_approx(_after_hedges(reply.strip().rstrip(" .!?")))
    if not _AMOUNT.fullmatch(core):
        return None
    return read_date(f"{core} ago", today)


def _date(question, text: str, reply: str, today: date) -> list[Fact]:
    kind = question.kind
    concept = question.concepts[0] if question.concepts else None
    if kind == "last_dose" and (says(reply, "current") or _later_clause_says(reply, "current")):
        # "taking it now": the last dose is today; a fact already saying how the drug
        # worked (failed, not tolerated) keeps that status
        basis = _basis_for(question, concept)
        if basis is not None and basis.status in ("failed", "intolerant"):
            return [replace(basis, date=today.isoformat())]
        return [_refined(question, text, concept, status="current")]
    stopped = kind == "last_dose" and says(reply, "stopped") and read_date(reply, today) is None
    denied = kind == "last_dose" and denies_all(reply)      # "she never had any of them actually"
    if says(reply, "none") or says(reply, "no") or says(reply, "never") or stopped or denied:
        if kind == "last_dose":
            # "never": not in the past either; a plain "no" ("not in the last 2 weeks")
            # rules out current use and washout windows only
            never = says(reply, "never") or _later_clause_says(reply, "never")
            # "no she hasnt" of a treatment never told: never had (of one told, "not now";
            # lead, round 40)
            never = never or ((says(reply, "not_had") or denied) and _basis_for(question, concept) is None)
            return [_fact(question, text, _therapy_label(concept), concept, negated=True, historical=never)]
        if kind in ("history_date", "procedure_date", "diagnosis_date"):
            return []  # "never" contradicts what the question was based on: not understood
    when = read_date(reply, today) or _ago_of_an_amount(reply, today)
    if when is None:
        return []
    if kind == "last_dose":
        return [_refined(question, text, concept, date=when, historical=True)]
    if kind == "diagnosis_date":
        return [_refined(question, text, concept, label="CONDITION", date=when)]
    if kind == "history_date":
        return [_refined(question, text, concept, label="CONDITION", date=when, historical=True)]
    if kind == "procedure_date":
        return [_refined(question, text, concept, label=_therapy_label(concept), date=when)]
    return []


def _refined(question, text: str, concept: str, label: str | None = None, **changes) -> Fact:
    """The fact the question was about with the answer applied, or a new fact."""
    basis = _basis_for(question, concept)
    if basis is not None:
        return replace(basis, **changes)
    return _fact(question, text, label or _therapy_label(concept), concept, **changes)
