"""Which facts a cue phrase applies to, and what it changes on them (criteria parser).

Scope: a cue written before the clause's first fact applies to the whole clause when it is
one that distributes over a list ("History of A, B and C", "within 2 weeks: A or B"), or
when its own chunk has no fact; otherwise a cue applies to the facts after it in its chunk
("severe heart disease"); a cue after the last fact of its chunk applies to the facts of
its comma group ("A or B within five half-lives"); a cue in a chunk without facts applies
to the comma group before it. Therapy outcomes ("failure", "intolerance") are collected for
the whole criterion; a count ("at least two") applies to the drug right after it.

What a cue changes is stored in ``Atom.mods`` (``within_days``, ``history``, ``active``,
``qualified`` ...), read by ``nlp/criteria/leaves.py``.
"""
from __future__ import annotations

import math
import re

from core.durations import DAYS
from nlp.criteria.atoms import Atom
from nlp.criteria.elements import El
from nlp.criteria.nodes import Chunk, atoms_in

# cues that, written before a list, apply to every item of it
DISTRIBUTIVE = {"history", "negation", "positive", "infection_active", "window", "half_lives", "duration", "current",
                "other_person"}
# cues that only ever apply to the facts written after them ("pregnancy, lactation, ... in
# the absence of contraception": the absence is not of lactation)
_FORWARD_ONLY = {"negation", "other_person"}


def apply_scopes(reader, chunks: list[Chunk]) -> None:
    """Apply every cue of a clause's chunks to the atoms in its scope."""
    clause_atoms = [a for c in chunks for a in c.atoms]
    first_atom = clause_atoms[0].start if clause_atoms else None
    last_group = None
    for index, chunk in enumerate(chunks):
        if chunk.atoms:
            last_group = chunk.group
        for el in chunk.els:
            if el.kind != "cue":
                continue
            cue = el.value
            _note_criterion_cues(reader, cue)
            after = [a for a in chunk.atoms if a.start > el.start]
            lead = first_atom is None or el.start < first_atom
            if "other_person" in cue.sections:
                targets = clause_atoms  # "pregnant partners", "dementia in a first-degree relative"
            elif lead and (cue.sections & DISTRIBUTIVE or not after):
                targets = clause_atoms
                if "current" in cue.sections:
                    # "Current use of any prohibited therapy (A, B, C)": the list in brackets
                    # is in use now too (a course long past never excludes)
                    targets = [*clause_atoms, *(a for c in chunks for a in atoms_in(c.els) if a not in clause_atoms)]
            elif after:
                targets = after
            elif cue.sections & _FORWARD_ONLY:
                targets = []
            elif chunk.atoms and reader.kind == "exclusion" and "window" in cue.sections \
                    and clause_atoms and el.start >= max(a.end for a in clause_atoms):
                # "Stroke, transient ischemic attack, or seizure within 6 months": in an
                # exclusion the window at the end reaches every item (the narrower reading:
                # a stroke years ago never excludes); round 29 (h138): an item with a window
                # of its own keeps it ("chemotherapy within 3 weeks or immunotherapy within 4
                # weeks": one window per part of the "or")
                targets = [a for a in clause_atoms if a in chunk.atoms or "within_days" not in a.mods]
                for atom in targets:
                    if atom not in chunk.atoms:
                        # round 30 (h143): the window is another item's; what it reaches keeps
                        # its own time words ("Currently participating in a trial or having
                        # participated in one ... within 30 days": now, not the window)
                        atom.mods["window_reached"] = True
            elif chunk.atoms:
                targets = [a for c in chunks if c.group == chunk.group for a in c.atoms]
            else:
                group = last_group if last_group is not None else chunk.group
                targets = [a for c in chunks[:index + 1] if c.group == group for a in c.atoms]
            _apply(reader, el, targets, chunk)
    _chronic(reader, chunks, clause_atoms)
    _lone_letters(reader, clause_atoms)
    for atom in clause_atoms:
        if atom.shares is not None:  # "active hepatitis B or C": C is active too
            for name in _SHARED_MODS:
                if name in atom.shares.mods and name not in atom.mods:
                    atom.mods[name] = atom.shares.mods[name]


def _lone_letters(reader, atoms: list[Atom]) -> None:
    """(round 38, h184) 'Known HIV infection or active hepatitis B or C': a fact the pipeline read
    from a lone letter or number right after a fact of its kind in a plain list ("B or C", "type 1
    or 2") is an elided item of that fact's name; it shares the fact's modifiers as one the
    parser elides does (C had been a hepatitis C of no state: which test was the team's)."""
    for previous, atom in zip(atoms, atoms[1:]):
        if (atom.shares is None and _LONE_ITEM.fullmatch(atom.text) and previous.label == atom.label
                and previous.end <= atom.start and _LIST_GAP.fullmatch(reader.text[previous.end:atom.start])):
            atom.shares = previous


_LONE_ITEM = re.compile(r"[A-Za-z0-9]")


# what an elided item takes from the neighbour whose modifier it shares
_SHARED_MODS = ("active", "chronic", "history", "within_days", "qualified", "positive")
_LIST_GAP = re.compile(r"[\s,]*(?:(?:and\s*/\s*)?or|and)?[\s,]*", re.IGNORECASE)


def _chronic(reader, chunks: list[Chunk], atoms: list[Atom]) -> None:
    """"chronic hepatitis B", "chronic HBV infection": a chronic infection the cues map to
    the test that shows it (``chronic_markers``); "chronic" reaches the next infections of a
    plain list ("chronic hepatitis B or hepatitis C")."""
    markers = reader.cues.chronic_markers or {}
    patterns = reader.cues.patterns.get("infection_chronic", ())
    if not markers or not patterns:
        return
    words = {el.end: el for chunk in chunks for el in chunk.els if el.kind == "word"}
    previous = None
    for atom in atoms:
        if atom.label != "INFECTION" or atom.concept not in markers:
            previous = None
            continue
        word = next((el for end, el in words.items() if end <= atom.start
                     and _chronic_gap(reader, reader.text[end:atom.start]) and any(p.fullmatch(el.value) for p in patterns)), None)
        if word is not None:
            word.used = True
        listed = previous is not None and _LIST_GAP.fullmatch(reader.text[previous.end:atom.start])
        if word is not None or any(p.search(atom.text) for p in patterns) or listed:
            atom.mods["chronic"] = True
            if (word is not None and reader.text[word.end:atom.start].strip()) or (listed and previous.mods.get("chronic_only")):
                # "chronic infection with hepatitis B or C": the "infection with" made it
                # active; only "active" itself does (an acute hepatitis C is not chronic)
                if not re.search(r"\bactive\b", reader.text[max(0, (word.start if word is not None else atom.start) - 25):atom.start], re.I):
                    atom.mods.pop("active", None)
                    atom.mods["chronic_only"] = True
            previous = atom
        else:
            previous = None


def _chronic_gap(reader, gap: str) -> bool:
    """What may stand between "chronic" and the infection it makes chronic: nothing, or
    the words of ``infection_chronic_gap`` ("chronic infection with hepatitis B or C")."""
    gap = gap.strip()
    return not gap or any(p.fullmatch(gap) for p in reader.cues.patterns.get("infection_chronic_gap", ()))


def _any_time(reader, el: El) -> bool:
    """'Previous or current exposure to X', 'current or prior use of X': the time word is one
    of a pair that says any time, now or before (``any_time_pair`` of the cues; round 36, h173:
    "previous or current" had read "current" alone). Drugs only: a procedure said "concurrent"
    stays the team's as before (a procedure leaf has no "now")."""
    window = reader.text[max(0, el.start - 24):el.end + 24]
    offset = max(0, el.start - 24)
    return any(m.start() + offset <= el.start and el.end <= m.end() + offset
               for m in reader.cues.finditer("any_time_pair", window))


def _note_criterion_cues(reader, cue) -> None:
    if "all_of" in cue.sections:
        reader.both = True
    if "whichever" in cue.sections:
        reader.whichever = (cue.match.group("w") or "").lower()
    for section in cue.sections:
        if section.startswith("response:"):
            reader.response.add(section.split(":")[1])
            if section == "response:failed":
                reader.failure_spans.append((cue.start, cue.end))


def _apply(reader, el: El, targets: list[Atom], chunk: Chunk) -> None:
    cue = el.value
    sections = cue.sections
    groups = cue.match.groupdict()
    cues, terminology = reader.cues, reader.terminology
    if "count" in sections:
        _count(reader, el, chunk, groups)
        return
    for atom in targets:
        label = atom.label
        if chunk.atoms or atom.start > el.start:
            reader.qualifying.add(el.start)     # the cue reached a fact (structure: a stray qualifier)
        if "window" in sections and label in ("DRUG", "PROCEDURE", "CONDITION", "INFECTION") \
                and not (atom.start >= el.end and (cues.search("history", reader.text[el.end:atom.start])
                                                   or cues.search("half_lives", reader.text[el.end:atom.start]))):
            # (round 10) "acute pancreatitis within 1 year or past medical history of chronic
            # pancreatitis": a fact after the window with a history cue of its own is not in it;
            # (round 12) nor one with a half-lives window of its own ("a prior investigational
            # study within 30 days or within 5 half-lives of the investigational product")
            if _AT_LEAST.search(reader.text[max(0, el.start - 40):el.start]):
                # "diagnosed ≥ 180 days before screening": a time since, not a window
                atom.mods.setdefault("qualified", ("clinical", reader.text[max(0, el.start - 40):el.end].strip()))
            elif cues.search("window_anchor_other", reader.text[el.end:el.end + 60]):
                # (round 26) "within 5 years prior to diagnosis of the current malignancy": a
                # window from the diagnosis, not from today
                atom.mods.setdefault("qualified", ("clinical", reader.text[el.start:el.end + 60].strip()))
            elif label == "CONDITION" and _episode_beside(reader, atom) is not None:
                # (round 39, h188) "≥ 1 severe asthma exacerbation within 1 year": the window
                # dates an episode of the condition, not its onset; the condition keeps its
                # leaf without the window, the team judges the episode
                episode = min(_episode_beside(reader, atom), el.start)
                atom.mods.setdefault("qualified", ("clinical", reader.text[episode:max(el.end, atom.end)].strip()))
            else:
                atom.mods["within_days"] = math.floor(_days(cues, groups) or 0) or None
                if label == "CONDITION" and cues.search("episode_words", atom.text):
                    # (round 19) "seizure within 6 months": the window dates an episode of
                    # the condition (epilepsy), not the condition; the team judges the episode
                    atom.mods.setdefault("qualified", ("clinical", f"{atom.text} {reader.text[el.start:el.end]}"))
        if "half_lives" in sections and label == "DRUG":
            atom.mods["within_half_lives"] = cues.number(groups["n"])
        if "duration" in sections and groups.get("max"):
            # round 31 (h149): "Diabetes duration < 2 years": at most that long since diagnosis
            months = _months(cues, groups)
            if months is not None:
                strict = groups["max"].strip().lower() in ("<", "less than")
                atom.mods["max_duration_months"] = months if strict else months + 1
        elif "duration" in sections:
            atom.mods["duration_months"] = _months(cues, groups)
        if "history" in sections and label in ("CONDITION", "INFECTION") and not _current_after_other(reader, el, atom, targets):
            atom.mods["history"] = True
        if ("history" in sections and label == "SCORE" and atom.start >= el.end
                and cues.search("score_in_the_past", cue.match.group(0))
                and not _CURRENT_BEFORE.search(reader.text[max(0, el.start - 20):el.start])):
            # (round 31, h148) "History of NYHA class IV heart failure": a score of the past; a
            # score leaf is the patient's now, so the team judges the past one (a score in a
            # bracket after a past condition: parser._score_of_a_past_condition)
            atom.mods.setdefault("qualified", ("clinical", reader.text[el.start:atom.end].strip()))
        if "current" in sections and label in ("DRUG", "PROCEDURE") and not (label == "DRUG" and _any_time(reader, el)):
            atom.mods["current"] = True
            if cues.search("concurrent_use", cue.match.group(0)):
                # (round 27) "No concurrent antineoplastic agents": use during the study
                atom.mods["during_trial"] = True
        if "positive" in sections:
            atom.mods["positive"] = True
        if "infection_active" in sections and label == "INFECTION":
            if not _own_lead(reader, el, atom, targets) and not _lifelong_named(reader, cue, atom, targets):
                atom.mods["active"] = True
        elif ("qualifiers" in sections or "courses" in sections) and (chunk.atoms or atom.start > el.start):
            # also "symptomatic, untreated, or progressing brain metastases": adjectives in
            # chunks of their own before the fact still qualify it
            atom.mods.setdefault("qualified", ("clinical", cue.text))
            atom.mods.setdefault("qualifier_words", []).append(cue.text)
        if "negation" in sections and not ("exception" in sections and atom.start < el.start):
            atom.mods["negated"] = True
            if label == "BIOMARKER" and atom.negated and atom.negation_spans and all(
                    el.start <= s and e <= el.end for s, e in atom.negation_spans):
                # (round 26) "Absence of sensitizing EGFR mutations": the cue and ConText's
                # trigger are the same words, one negation; read twice, the marker's own
                # "negative" under the cue's "not" asked for the mutation
                atom.negated, atom.negation_spans = False, []
                atom.mods["negation_in_cue"] = True
        if "other_person" in sections:
            atom.mods["other_person"] = True
        if "antibody" in sections and label in ("CONDITION", "INFECTION"):
            marker = next((m for d, m in cues.disease_antibodies.items()
                           if atom.concept == d or (label == "CONDITION" and terminology.is_a(atom.concept, d))), None)
            if marker and marker != atom.concept:
                category = terminology[marker].category
                atom.label, atom.concept = ("INFECTION" if category == "infection" else "BIOMARKER"), marker
                atom.mods["positive"] = True


def _episode_beside(reader, atom: Atom) -> int | None:
    """(round 39, h188) Where the words naming one episode of a condition begin, when they stand
    right after it or right before it ("asthma exacerbation", "exacerbations of COPD",
    "deterioration of asthma"; ``episode_of_condition`` of the cues); None when none does."""
    if reader.cues.search("episode_of_condition", reader.text[atom.end:atom.end + 20]):
        return atom.start
    start = max(0, atom.start - 30)
    for match in reader.cues.finditer("episode_of_condition", reader.text[start:atom.start]):
        return start + match.start()
    return None


# "current" or "ongoing" written right before a condition ("... or has current pneumonitis")
_CURRENT_BEFORE = re.compile(r"\b(?:current(?:ly)?|ongoing)\s*$", re.IGNORECASE)


def _own_lead(reader, el: El, atom: Atom, targets: list[Atom]) -> bool:
    """'active hepatitis B, C, or known HIV': a fact beyond another fact of the cue, with a
    lead word of its own right before it (``own_lead``: "known", "documented"), is an item
    of its own; the cue before the list does not reach it (round 12)."""
    if atom.start < el.end or not any(el.end <= o.start and o.end <= atom.start for o in targets if o is not atom):
        return False
    return reader.cues.search("own_lead", reader.text[max(el.end, atom.start - 25):atom.start])


def _current_after_other(reader, el: El, atom: Atom, targets: list[Atom]) -> bool:
    """'History of pneumonitis that required steroids, or has current pneumonitis': a fact
    written after "current" beyond another fact of the history cue is a present one (read as
    history, it absorbed the first alternative: any past pneumonitis excluded). "History or
    current pancreatitis" (no fact between) stays history: past or present."""
    if not _CURRENT_BEFORE.search(reader.text[max(el.end, atom.start - 20):atom.start]):
        return False
    return any(el.end <= other.start and other.end <= atom.start for other in targets if other is not atom)


def _count(reader, el: El, chunk: Chunk, groups: dict) -> None:
    """'at least two biologics': a minimum number of distinct drugs, for the drug written
    right after the number; a number that counts nothing else stays unread."""
    following = [a for a in chunk.atoms if a.start >= el.end]
    value = reader.cues.number(groups.get("n") or "")
    if following and following[0].label == "DRUG" and value is not None and not reader.text[el.end:following[0].start].strip():
        more = (groups.get("cmp") or "").lower() in ("more than", ">")
        following[0].mods["min_count"] = value + (1 if more else 0)
        el.used = True
    elif (following and following[0].label == "CONDITION" and value == 1
          and (groups.get("cmp") or "").lower() in ("at least", "a minimum of", "no fewer than", "not less than", "≥", ">=")
          and not reader.text[el.end:following[0].start].strip()):
        # "at least 1 measurable lesion": one or more is having it (as "at least one")
        el.used = True
    else:
        el.used = not any(ch.isdigit() for ch in el.value.text)


# "<treatment> for [the] ...": the words after "for", up to a clause break, name what the
# treatment was for ("therapy for TNBC or hormone receptor-low/HER2-negative breast cancer")
_FOR_WHAT = re.compile(r"([A-Za-z]+)\s+for\s+(?=(?:the\s+)?[^,;.()\[\]]{0,80}$)")


# "Stage I or IV", "stage IIB-III", "stage 3": a stage written before the disease it narrows
_STAGE_BEFORE = re.compile(r"\bstages?\s+(?:[0IV]{1,4}[ABC]?\d?|\d[ABC]?)(?:\s*(?:-|–|to|or|and|/|,)\s*(?:[0IV]{1,4}[ABC]?\d?|\d[ABC]?))*"
                           r"(?:\s+[\w-]+){0,3}\s+$", re.IGNORECASE)


def _treatment_for(reader, atom: Atom) -> bool:
    """The fact is what a treatment named before it was for (a condition, or the marker of
    one), not a condition of the patient the line states."""
    heads = reader.cues.patterns.get("therapy_heads", ())
    window = reader.text[max(0, atom.start - 120):atom.start]
    return any(any(p.fullmatch(m.group(1)) for p in heads) for m in _FOR_WHAT.finditer(window))


def _lifelong_named(reader, cue, atom: Atom, targets: list[Atom]) -> bool:
    """'Known infection with HIV': a bare 'infection with' an infection that never clears
    nor lies dormant (``lifelong_infections``) names it, positive; no active state is said.
    So for one whose markers outlive it (``chronic_markers``: 'infection with hepatitis B'
    is 'hepatitis B infection', which test is the team's: parser._plain_infections)."""
    markers = reader.cues.chronic_markers or {}
    named = atom.concept in reader.cues.lifelong_infections
    if atom.concept in markers:
        # the infection right after the words, or a list of such infections ("infection with
        # hepatitis B or C"); one further on ("Known infection with HIV or active hepatitis B
        # or C") keeps the active state the words give
        before = sorted((a for a in targets if cue.end <= a.start < atom.start), key=lambda a: a.start)
        named, end = True, cue.end
        for other in [*before, atom]:
            if other is not atom and other.concept not in markers and other.concept not in reader.cues.lifelong_infections:
                named = False
            if not _LIST_GAP.fullmatch(reader.text[end:other.start]) if end != cue.end else reader.text[end:other.start].strip():
                named = False
            end = other.end
    return (named
            and re.fullmatch(r"infections? (?:of|with)", " ".join(cue.text.lower().split())) is not None)


_EXPOSED_BEFORE = re.compile(r"\bexpos(?:ure|ures|ed)\s+(?:to\s+|with\s+)?(?:(?:an?|any|the|known|active|other)\s+)?$", re.IGNORECASE)


def names_a_kind(concept, text: str) -> bool:
    """The words of a fact are one of its concept's ``narrower`` terms (a kind of it)."""
    kinds = concept.attrs.get("narrower")
    if not kinds:
        return False
    said = " ".join(text.lower().replace("’", "'").split())
    return any(said == kind.lower() or said == kind.lower() + "s" for kind in kinds)


# the concept every "uncontrolled X" concept is below (data/terminology/conditions.yaml)
UNCONTROLLED = "uncontrolled_disease"


def own_qualifiers(reader, atom: Atom) -> None:
    """A qualifier inside the fact's own words ("intolerable cardiac function", "severe
    arrhythmia") counts unless the concept's name says it too ("severe cognitive
    impairment"); for an infection, "active"/"uncontrolled" is its state."""
    concept = reader.terminology.get(atom.concept)
    label = (concept.label if concept else "").lower()
    if atom.label == "INFECTION" and atom.concept == "active_infection" and reader.cues.search("infection_kinds", atom.text):
        atom.mods["unread"] = True  # "fungal infection": a kind of infection, not any infection
    if re.match(r"[\s-]*free\b", reader.text[atom.end:atom.end + 8], re.IGNORECASE):
        atom.mods["negated"] = True  # "infection-free", "disease free"
    if atom.label in ("CONDITION", "INFECTION", "BIOMARKER"):
        after = re.match(r"[\s-]+([A-Za-z]+)", reader.text[atom.end:atom.end + 30])
        if after and any(p.fullmatch(after.group(1)) for p in reader.cues.patterns.get("therapy_heads", ())):
            atom.mods["unread"] = True  # "cancer therapy", "HIV medication", "KRAS G12D targeted therapy": a treatment's name
        if atom.label in ("CONDITION", "BIOMARKER") and _treatment_for(reader, atom):
            atom.mods["unread"] = True  # "treatments for psoriasis": what a treatment is for, not a diagnosis
    if atom.label in ("CONDITION", "INFECTION", "BIOMARKER", "PROCEDURE") and _EXPOSED_BEFORE.search(reader.text[max(0, atom.start - 40):atom.start]):
        # "exposure to COVID-19", "exposed to tuberculosis", "exposure to radiation": an exposure
        # is no infection, disease nor treatment had ("exposure to" is a filler of the drugs
        # had: "Prior exposure to EGFR-TKI"; round 27)
        atom.mods["unread"] = True
    if atom.label in ("DRUG", "PROCEDURE") and re.search(r"(?<![\w-])for\s+(?:the\s+)?$", reader.text[max(0, atom.start - 12):atom.start], re.IGNORECASE):
        # "bilirubin ≤ 3 mg/dl for gemcitabine": the arm or treatment a limit is for, not a
        # treatment the patient had
        atom.mods["unread"] = True
    if atom.label == "CONDITION" and _STAGE_BEFORE.search(reader.text[max(0, atom.start - 40):atom.start]):
        # "Stage I or IV breast cancer": a stage of the disease, narrower than the disease
        atom.mods.setdefault("qualified", ("clinical", reader.text[max(0, atom.start - 40):atom.end].strip()))
    code = re.match(r"-[A-Z]{1,4}(?![\w-])", reader.text[atom.end:atom.end + 6])
    if atom.label in ("CONDITION", "INFECTION", "DRUG") and concept is not None and names_a_kind(concept, atom.text):
        # "rectal cancer", "decompensated cirrhosis", "uveal melanoma" (round 18): a term naming
        # a kind of the concept (its ``narrower`` terms) is narrower than the concept's leaf
        atom.mods.setdefault("qualified", ("clinical", atom.text))
    if atom.label == "CONDITION" and code:
        # "CML-CP", "CML-BC", "MDS-EB": a phase or subtype code on the disease, narrower than it
        atom.mods.setdefault("qualified", ("other", reader.text[atom.start:atom.end + code.end()]))
    if atom.label == "CONDITION" and _part_of_a_name(reader.text, atom):
        atom.mods["unread"] = True  # "(GLP-1) RA": a receptor agonist, not rheumatoid arthritis
    if atom.label == "CONDITION":
        before = re.search(r"([A-Za-z]+)[\s-]+$", reader.text[max(0, atom.start - 30):atom.start])
        if before and any(p.fullmatch(before.group(1)) for p in reader.cues.patterns.get("name_modifiers", ())):
            atom.mods.setdefault("qualified", ("clinical", reader.text[before.start(1) + max(0, atom.start - 30):atom.end]))
    if concept is not None and reader.terminology.is_a(concept.id, UNCONTROLLED) \
            and " ".join(atom.text.lower().split()) in (t.lower() for t in concept.terms):
        # "Poorly controlled hypertension", a term of "uncontrolled hypertension": a concept of an
        # uncontrolled disease has its control word in every term, however written (h168, round 35)
        label = " ".join(atom.text.lower().split())
    for pattern in reader.cues.patterns["qualifiers"]:
        for match in pattern.finditer(atom.text):
            word = match.group(0).lower()
            if word in label:
                continue
            if atom.label == "INFECTION" and reader.cues.search("infection_active", word):
                atom.mods["active"] = True
                continue
            atom.mods.setdefault("qualified", ("clinical", atom.text))


def carried_qualifiers(reader, atoms: list[Atom]) -> None:
    """A qualifier that begins a condition's own name ("uncontrolled" of "uncontrolled diabetes
    mellitus") may reach the next condition of a plain list ("History of uncontrolled diabetes
    mellitus and hypertension", "Uncontrolled hypertension and/or diabetes mellitus"): when the
    words carried over name a narrower concept of that condition ("uncontrolled hypertension"),
    which of the two is meant is the team's: the condition keeps its leaf with a review (h168,
    round 35). A qualifier that names no narrower concept ("active brain metastases and/or
    carcinomatous meningitis") is left as it was."""
    ordered = sorted((a for a in atoms if a.label == "CONDITION" and a.readable), key=lambda a: a.start)
    for first, second in zip(ordered, ordered[1:]):
        if "qualified" in second.mods or not _LIST_GAP.fullmatch(reader.text[first.end:second.start]):
            continue
        lead = next((m for p in reader.cues.patterns["qualifiers"] if (m := p.match(first.text)) and m.end() > 0), None)
        if lead is None or not first.text[lead.end():lead.end() + 1].isspace():
            continue
        carried = " ".join(f"{lead.group(0)} {second.text}".lower().split())
        narrower = (reader.terminology.get(c) for c in reader.terminology.descendants(second.concept))
        if any(c is not None and c.id != second.concept and carried in (t.lower() for t in c.terms) for c in narrower):
            second.mods["qualified"] = ("clinical", f"{lead.group(0)} ... {second.text}")


# a minimum written before a time ("at least 4 weeks before", "greater than or equal 180 days")
_AT_LEAST = re.compile(r"(?:≥|>=|=>|>|at least|more than|greater than(?: or equal(?: to)?)?|no less than|not less than|"
                       r"over|longer than|minimum of|a minimum of)\s*$", re.IGNORECASE)
_NAME_BEFORE = re.compile(r"(?:\)|[A-Za-z]*\d[\w-]*|[A-Z]{2,}[\w-]*)[\s-]*$")


def _part_of_a_name(text: str, atom: Atom) -> bool:
    """An abbreviation ("RA", "MS") written right after a bracket, a code with a digit or
    another upper-case abbreviation ("GLP-1 RA", "(GLP-1) RA", "TPO RA") is the end of a
    name, and one joined by a hyphen to more capitals ("PSS-SR") the start of one, not a
    disease of its own."""
    written = atom.text.strip()
    if not (written.isupper() and len(written) <= 4):
        return False
    if text[atom.start - 1:atom.start] == "(" and re.match(r"-[A-Z0-9]", text[atom.end:atom.end + 2]):
        return True     # "(PSS-SR)": the start of a bracketed code (a scale), not primary Sjögren's
    return bool(_NAME_BEFORE.search(text[max(0, atom.start - 30):atom.start]))


def _months(cues, groups: dict) -> float | None:
    """'6 months' -> 6, '2 years' -> 24, '8 weeks' -> 1.8."""
    number = cues.number(groups.get("n") or "")
    days = cues.days(groups.get("unit") or "")
    if number is None or days is None:
        return None
    if days == DAYS["year"]:
        return number * 12
    if days == DAYS["month"]:
        return number
    return round(number * days / DAYS["month"], 1)


def _days(cues, groups: dict) -> float | None:
    """Days of a window; "in the past year" (no number written) is one unit."""
    number = 1.0 if groups.get("n") is None else cues.number(groups["n"])
    days = cues.days(groups.get("unit") or "")
    return None if number is None or days is None else number * days
