"""A site a stated cancer has spread to, said in everyday words: a CONDITION fact of the site
(``bone_metastases``, ``liver_metastases``, ``brain_metastases``; ``metastatic_disease`` for a
site with no concept of its own, the lungs), whose text is the words as written.

* "my breast cancer spread to my bones 3 years ago", "prostate cancer that has gone to my
  bones", "it's in her bones and her liver now", "came back in my bones", "it has already gone
  to her liver", "liver secondaries": the cancer has spread (metastatic), as "liver metastases"
  says it (``spread`` sites show metastatic disease: matching.leaves, and the ranking's
  settings: matching.status_trials).
* Only beside a solid cancer (or a cancer of unnamed kind) the text states as the patient's
  (asserted: not negated, a relative's, hypothetical or suspected): "my mum's cancer spread to
  her liver" beside the writer's lupus, and a myeloma or leukaemia "in her bones", give nothing.
* Not the cancer's own organ ("lung cancer ... it's in both lungs", "liver cancer"), nor a site
  the words before it in its clause deny, doubt, fear or ask ("it hasn't spread to her bones",
  "they think it may have gone to the liver", "will it spread to the bones?").

The words are data: ``spread_sites`` in data/nlp/extraction.yaml (h137, round 29).

A metastatic cancer written in one word (``named_metastatic``; h147, round 31): a letter's
"mBC", "mCRC", "mNSCLC", "mPDAC", "mCRPC" (``metastatic_names``, as written) is the cancer and
its extent, as "metastatic breast cancer" is: a ``metastatic_disease`` fact on the cancer
fact's own words, with its negation, time and certainty.

Sites joined before a metastasis's own (``joined_sites``; h142, round 30): "liver and bone
metastases", "liver, lung and bone metastases", "lung + bone mets", "brain and liver
secondaries" name every site, not only the last one the terminology reads ("bone
metastases"). Each joined site becomes a fact of its concept with the metastasis fact's own
negation, time and certainty ("no liver or bone metastases": both negated), never the cancer's
own organ; the words (``joined`` in ``spread_sites``) are data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from core.facts import Fact
from data.terminology import load_terminology
from nlp.resources import vocabulary

_ANY = re.compile(r"\b(?:spread|gone|went|moved|travell?ed|metastasi[sz]ed|metastatic|back|in|secondar(?:y|ies)|reached)\b",
                  re.IGNORECASE)
_CLAUSE_START = re.compile(r"[.;!?\n]|\bbut\b|\bhowever\b", re.IGNORECASE)
_BEFORE_CHARS = 60      # the words of its clause read before a phrase, at most


@dataclass(frozen=True)
class SpreadWords:
    phrases: tuple[re.Pattern, ...]     # each with a group ``site``
    more: re.Pattern | None             # one more site joined to the one before ("and her liver")
    sites: dict[str, str]               # the site's word -> the concept
    own_organ: dict[str, tuple[str, ...]]   # the site's word -> cancers of that organ
    cancers: tuple[str, ...]            # the cancers a site may be of (and what is under them)
    not_cancers: tuple[str, ...]        # ... but not these (a blood cancer "in her bones")
    not_after: tuple[str, ...]          # words before it in its clause that deny, doubt or ask
    metastatic_names: frozenset[str] = frozenset()   # "mBC", "mCRC": a metastatic cancer in one word


@lru_cache(maxsize=1)
def spread_words() -> SpreadWords:
    raw = vocabulary().get("spread_sites") or {}
    return SpreadWords(
        phrases=tuple(re.compile(p, re.IGNORECASE) for p in raw.get("phrases") or ()),
        more=re.compile(raw["more"], re.IGNORECASE) if raw.get("more") else None,
        sites={str(k).lower(): str(v) for k, v in (raw.get("sites") or {}).items()},
        own_organ={str(k): tuple(str(c) for c in v or ()) for k, v in (raw.get("own_organ") or {}).items()},
        cancers=tuple(str(c) for c in raw.get("cancers") or ()),
        not_cancers=tuple(str(c) for c in raw.get("not_cancers") or ()),
        not_after=tuple(str(w).lower() for w in raw.get("not_after") or ()),
        metastatic_names=frozenset(str(w) for w in raw.get("metastatic_names") or ()))


_METASTATIC = "metastatic_disease"


def named_metastatic(facts: list[Fact], source: str | None = None) -> list[Fact]:
    """A ``metastatic_disease`` fact for each cancer fact written as a metastatic cancer's
    abbreviation ("mBC", "mCRC": ``metastatic_names``), on its words, as it is said (negated,
    past, a relative's); none where the text already says the same."""
    names = spread_words().metastatic_names
    if not names:
        return []
    terminology = load_terminology()
    have = {(f.negated, f.family) for f in facts if f.label == "CONDITION" and f.concept == _METASTATIC}
    found: list[Fact] = []
    for f in facts:
        if (f.label != "CONDITION" or f.text not in names or f.concept not in terminology
                or not terminology.is_a(f.concept, "malignancy") or (f.negated, f.family) in have):
            continue
        have.add((f.negated, f.family))
        found.append(replace(f, concept=_METASTATIC, source=source if source is not None else f.source))
    return found


def spread_facts(text: str, facts: list[Fact], source: str | None = None) -> list[Fact]:
    """The site-of-spread facts ``text`` states (see the module docstring); ``facts`` are the
    facts already read from it (its cancer is theirs)."""
    if not text or not _ANY.search(text):
        return []
    words = spread_words()
    terminology = load_terminology()
    cancers = [f for f in facts if f.label == "CONDITION" and f.concept in terminology
               and not (f.negated or f.family or f.hypothetical or f.uncertain)
               and not terminology.flagged(f.concept, "spread")
               and any(terminology.is_a(f.concept, c) for c in words.cancers if c in terminology)
               and not any(terminology.is_a(f.concept, c) for c in words.not_cancers if c in terminology)]
    if not cancers:
        return []
    found: list[Fact] = []
    taken: set[str] = set()
    for pattern in words.phrases:
        for match in pattern.finditer(text):
            if _doubted(text, match.start(), words):
                continue
            for site in _sites(text, match, words):
                concept = words.sites.get(site.group("site").lower())
                if not concept or concept in taken or concept not in terminology:
                    continue
                own = words.own_organ.get(site.group("site").lower(), ())
                if any(terminology.is_a(f.concept, o) for f in cancers for o in own if o in terminology):
                    continue    # "lung cancer ... it's in both lungs": the cancer's own organ
                taken.add(concept)
                found.append(Fact(label="CONDITION", concept=concept, text=text[match.start():site.end()].strip(),
                                  start=match.start(), end=site.end(), source=source))
    return found


def _sites(text: str, match: re.Match, words: SpreadWords) -> list[re.Match]:
    """The phrase's site and those joined to it ("it's in her bones and her liver", "spread to
    the liver, lungs and bones"), at most four."""
    sites = [match]
    while words.more is not None and len(sites) < 4:
        more = words.more.match(text, sites[-1].end())
        if more is None:
            break
        sites.append(more)
    return sites


def _doubted(text: str, start: int, words: SpreadWords) -> bool:
    """A word of ``not_after`` in the phrase's clause before it, or the clause asks."""
    window = text[max(0, start - _BEFORE_CHARS):start]
    cuts = list(_CLAUSE_START.finditer(window))
    if cuts:
        window = window[cuts[-1].end():]
    before = " " + re.sub(r"[^\w']+", " ", window.lower()).replace("n't", " n't") + " "
    if any(f" {w} " in before for w in words.not_after):
        return True
    end = re.search(r"[.;!?\n]", text[start:start + 120])
    return bool(end and end.group(0) == "?")


@dataclass(frozen=True)
class JoinedWords:
    head: re.Pattern            # a metastasis fact's text ends so ("bone metastases", "mets")
    own: re.Pattern             # the head's own site word right before it ("lung" of "lung metastases")
    join: re.Pattern            # a site and a joining word right before the next one, at the window's end
    sites: dict[str, str]       # the site's word -> the concept
    window: int                 # characters read before each site, at most


@lru_cache(maxsize=1)
def joined_words() -> JoinedWords | None:
    raw = (vocabulary().get("spread_sites") or {}).get("joined") or {}
    if not raw:
        return None
    return JoinedWords(head=re.compile(raw["head"], re.IGNORECASE), own=re.compile(raw["own"], re.IGNORECASE),
                       join=re.compile(raw["join"], re.IGNORECASE),
                       sites={str(k).lower(): str(v) for k, v in (raw.get("sites") or {}).items()},
                       window=int(raw.get("window", 40)))


def joined_sites(text: str, facts: list[Fact], source: str | None = None) -> list[Fact]:
    """The sites joined before a metastasis fact's own site (see the module docstring)."""
    words = joined_words()
    if words is None or not text:
        return []
    terminology = load_terminology()
    spread = spread_words()
    cancers = [f for f in facts if f.label == "CONDITION" and f.concept in terminology
               and not terminology.flagged(f.concept, "spread") and terminology.is_a(f.concept, "malignancy")]
    have = {(f.concept, f.negated) for f in facts if f.label == "CONDITION"}
    found: list[Fact] = []
    for head in facts:
        if head.label != "CONDITION" or not words.head.search(head.text or "") or head.end <= head.start:
            continue
        start = head.start
        own = words.own.search(text[max(0, start - words.window):start])
        if own and own.group("site").lower() in words.sites and not words.sites.get((head.text or "").split()[0].lower()):
            start = start - len(own.group(0))
            _add(found, have, own.group("site"), start, words, head, cancers, spread, terminology, source)
        for _ in range(4):
            window_start = max(0, start - words.window)
            joined = words.join.search(text[window_start:start])
            if joined is None or joined.group("site").lower() not in words.sites:
                break
            start = window_start + joined.start()
            _add(found, have, joined.group("site"), start, words, head, cancers, spread, terminology, source)
    return found


def _add(found: list[Fact], have: set, site: str, start: int, words: JoinedWords, head: Fact, cancers: list[Fact],
         spread: SpreadWords, terminology, source: str | None) -> None:
    """A fact of the joined ``site`` written at ``start``, as ``head`` says it, unless it is the
    cancer's own organ or already read so."""
    concept = words.sites[site.lower()]
    own = spread.own_organ.get(site.lower(), ())
    if concept not in terminology or any(terminology.is_a(f.concept, o) for f in cancers for o in own if o in terminology):
        return
    if (concept, head.negated) in have:
        return
    have.add((concept, head.negated))
    found.append(Fact(label="CONDITION", concept=concept, text=site, start=start, end=start + len(site),
                      negated=head.negated, historical=head.historical, hypothetical=head.hypothetical,
                      family=head.family, uncertain=head.uncertain, date=head.date, source=source))
