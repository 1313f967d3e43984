"""How well a trial's text fits what the patient said: BM25 over the stored trials' title,
conditions, keywords and criteria (``data/search.py``), queried with the words of the
patient's asserted facts (conditions, treatments, markers, procedures, infections) and
their concepts' names (not those of a vaguer diagnosis beside a precise one). The ranking uses it within a verdict, after the condition fit.
``requested_trials``: the trials whose title or keywords name a treatment the person asks
for or is heading for (a hypothetical drug or procedure: "keen to be considered for
CAR-T"), by the treatment's names in the terminology, or the product's own (CAR-T) when the
person asks for none; the ranking puts them first after the condition fit."""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from itertools import repeat
from typing import Any

import numpy as np

from core.facts import Profile
from data import bm25, search
from data.catalogue import load_catalogue
from data.store_memo import StoreMemo, store_key
from data.terminology import load_terminology
from matching.question_texts import load_question_texts
from matching.relevance import most_specific

_MEMO = StoreMemo(16)
LABELS = ("CONDITION", "DRUG", "BIOMARKER", "PROCEDURE", "INFECTION")
_WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)


@lru_cache(maxsize=1)
def _replies() -> frozenset[str]:
    return frozenset(phrase for phrases in load_question_texts().answers.values() for phrase in phrases)


def reply_words() -> frozenset[str]:
    """The reply words and phrases of data/questions.yaml ("yes", "not sure"), read once
    (``TrialCatalog.preload`` reads them at start-up)."""
    return _replies()


def _reply_words(text: str | None) -> bool:
    """The text is a reply word or phrase of data/questions.yaml ("yes", "not sure")."""
    return (text or "").strip().lower().strip(" .!") in _replies()


def query_words(profile: Profile) -> list[str]:
    """The words a patient's asserted facts contribute to the query, in order."""
    terminology = load_terminology()
    words: list[str] = []
    diagnoses = [f for f in profile.facts if f.label in ("CONDITION", "INFECTION")]
    precise = {id(f) for f in most_specific(diagnoses, terminology)}
    for fact in profile.facts:
        # a treatment asked for or planned ("keen to be considered for CAR-T") says which
        # trials the person looks for: its words count; a hypothetical diagnosis does not
        if fact.label not in LABELS or fact.negated or fact.family or (
                fact.hypothetical and fact.label not in ("DRUG", "PROCEDURE")):
            continue
        # a reply to a question ("yes", "positive", "never") names nothing: its concept does
        names = [] if _reply_words(fact.text) else [fact.text]
        # a vaguer name beside a precise diagnosis ("adenocarcinoma" of the lung): its own
        # words count, not its concept's name ("solid tumour")
        if fact.concept in terminology and (fact.label not in ("CONDITION", "INFECTION") or id(fact) in precise):
            names.append(terminology.label(fact.concept))
        for name in names:
            words += [w.lower() for w in _WORD.findall(name or "")]
    return list(dict.fromkeys(words))


def keyword_scores(db: Any, profile: Profile, among: list[str] | None = None, among_key: Any = None) -> dict[str, float]:
    """BM25 relevance by trial id (only trials matching some word), or {} when the
    profile has no words or the store has no full-text index. The query is an OR of the
    words, whose BM25 is the sum of each word's; each word's scores are remembered while
    the trials stay the same, so a turn that adds a word searches for that word alone.
    ``among``: only these trials' scores are wanted (a turn's candidates; ``among_key``
    names the list, else the ids do): a word's scores are read for the rows not read
    before, the same numbers at a fraction of the cost."""
    words = query_words(profile)
    if not words:
        return {}
    version = store_key(db)
    try:
        return _MEMO.get(db, lambda: _keyword_scores(db, version, words, among, among_key), tuple(words),
                         None if among is None else among_key if among_key is not None else tuple(among),
                         store=version)
    except Exception as exc:          # an older store without the index: rank without it
        if "no such table" in str(exc):
            return {}
        raise


def _keyword_scores(db: Any, version: tuple, words: list[str], among: list[str] | None,
                    among_key: Any) -> dict[str, float]:
    ids = _trial_ids(db, version)
    own = _own_scores(db, version, words, ids, among, among_key)
    if own is not None:
        return own
    if among is None:
        totals: dict[int, float] = {}
        for word in words:            # per row, the words' shares are added in the query's order
            for rowid, score in _word_scores(db, version, word).items():
                totals[rowid] = totals.get(rowid, 0.0) + score
        return {ids[rowid]: score for rowid, score in totals.items() if rowid in ids}
    rows = _rows_among(version, ids, among, among_key)
    sums = _sums_among(db, version, tuple(words), rows)
    return {ids[rowid]: sums[rowid] for rowid in rows if rowid in sums}


# rows of word shares the memo of ``_own_word`` keeps at most (the oldest words go first): at
# 100,000 trials a common word holds ~73,000 rows (16 bytes a row)
OWN_ROWS = 2_000_000
_OWN: dict[tuple, tuple[np.ndarray, np.ndarray] | None] = {}
_OWN_LOCK = threading.Lock()
_SIZES = StoreMemo()
_AMONG_ROWS = StoreMemo(8)
# how many rows hold each word (BM25's n: one SQL count), per word and store: a word read
# among one turn's candidates is read among the next turn's others too
_HITS = StoreMemo(8192)


def _own_scores(db: Any, version: tuple, words: list[str], ids: dict[int, str], among: list[str] | None,
                among_key: Any) -> dict[str, float] | None:
    """The query's BM25 by trial id from the store's term counts (``data.bm25``: FTS5's
    numbers to the bit): each word's shares over every row holding it, remembered per word,
    added per row in the query's order (as FTS5 adds its phrases'), kept for the rows of
    ``among`` (all rows when None); a word not read whole before is read for the rows of
    ``among`` alone when they are few beside the rows holding it (the same shares). None when a word is a phrase to FTS5 or the store has
    no term counts (an older store): ``_keyword_scores`` asks FTS5 then."""
    found = _sizes(db, version)
    size = len(found.lengths)
    wanted = None if among is None else _among_rows(version, ids, among, among_key, size)
    shares = []
    for word in words:
        share = _own_among(db, version, word, found, wanted, among_key) if wanted is not None else None
        if share is None:
            share = _own_word(db, version, word, found)
        if share is None:
            return None
        shares.append(share)
    totals, hit = np.zeros(size), np.zeros(size, dtype=bool)
    for rows, scores in shares:
        totals[rows] += scores
        hit[rows] = True
    kept = np.flatnonzero(hit) if wanted is None else wanted[hit[wanted]]
    return dict(zip(map(ids.__getitem__, kept.tolist()), totals[kept].tolist()))


# a word's rows are read for the candidates alone when they are fewer than this share of
# the rows holding it (measured at 100,000 trials: a look-up per candidate ~0.5 us, a row
# of a word read whole ~0.2 us)
FEW = 0.4
AMONG_ROWS = 1_000_000      # rows of candidates' shares kept at most (16 bytes a row)
_OWN_AMONG: dict[tuple, tuple[np.ndarray, np.ndarray] | None] = {}


def _own_among(db: Any, version: tuple, word: str, found: Any, wanted: np.ndarray,
               among_key: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """The word's shares in the rows ``wanted`` when they are few beside the rows holding
    the word and it was not read whole before (remembered per list, ``among_key``, for the
    next turns with the same candidates); else None (read whole: ``_own_word``)."""
    key = (version, word, among_key, len(wanted)) if among_key is not None else None
    with _OWN_LOCK:
        if (version, word) in _OWN:
            return None
        if key is not None and key in _OWN_AMONG:
            return _OWN_AMONG[key]
    try:
        held = _HITS.get(db, lambda: bm25.word_hits(db, word), word, store=version)
        if held is None or len(wanted) >= FEW * held:
            return None
        share = bm25.word_scores(db, word, found, wanted, held)
    except Exception as exc:          # an older store without the term counts
        if "no such table" in str(exc):
            return None
        raise
    if key is not None:
        with _OWN_LOCK:         # at most 256 lists and AMONG_ROWS rows, the oldest going first
            _OWN_AMONG[key] = share
            total = sum(len(s[0]) for s in _OWN_AMONG.values() if s is not None)
            for old in list(_OWN_AMONG):
                if total <= AMONG_ROWS and len(_OWN_AMONG) <= 256:
                    break
                if old != key:
                    dropped = _OWN_AMONG.pop(old)
                    total -= len(dropped[0]) if dropped is not None else 0
    return share


def _sizes(db: Any, version: tuple) -> Any:
    """The index's row count, token total and row sizes (``data.bm25.sizes``), per store."""
    return _SIZES.get(db, lambda: bm25.sizes(db), store=version)


def _own_word(db: Any, version: tuple, word: str, found: Any) -> tuple[np.ndarray, np.ndarray] | None:
    key = (version, word)
    with _OWN_LOCK:
        if key in _OWN:
            return _OWN[key]
    try:
        share = bm25.word_scores(db, word, found)
    except Exception as exc:          # an older store without the term counts
        if "no such table" in str(exc):
            return None
        raise
    with _OWN_LOCK:
        _OWN[key] = share
        total = sum(len(s[0]) for s in _OWN.values() if s is not None)
        for old in list(_OWN):
            if total <= OWN_ROWS:
                break
            if old != key:
                dropped = _OWN.pop(old)
                total -= len(dropped[0]) if dropped is not None else 0
    return share


def _among_rows(version: tuple, ids: dict[int, str], among: list[str], among_key: Any, size: int) -> np.ndarray:
    """The full-text rows of the trials ``among`` (an array; the rows the index sizes know),
    remembered per list (``among_key``)."""
    def rows() -> np.ndarray:
        # rowids start at 1: 0 stands for a trial without a row
        found = np.fromiter(map(_rowids(version, ids).get, among, repeat(0)), dtype=np.int64, count=len(among))
        return np.unique(found[(found > 0) & (found < size)])
    if among_key is None:
        return rows()
    return _AMONG_ROWS.get(None, rows, among_key, len(among), store=version)


_AMONG: dict[tuple, tuple[Any, set[int]]] = {}


def _rows_among(version: tuple, ids: dict[int, str], among: list[str], among_key: Any) -> set[int]:
    """The full-text rows of the trials ``among``, remembered per list (``among_key``) for
    the next turns with the same candidates and other words (a lab or treatment answer)."""
    key = (version, among_key, len(among))
    found = _AMONG.get(key) if among_key is not None else None
    if found is not None and found[0] is ids:
        return found[1]
    rows = set(map(_rowids(version, ids).get, among)) - {None}
    if among_key is not None:
        if len(_AMONG) >= 4:
            _AMONG.pop(next(iter(_AMONG)), None)
        _AMONG[key] = (ids, rows)
    return rows


_WORDS: dict[tuple, tuple[set[int] | None, dict[int, float]]] = {}
_SUMS: dict[tuple, tuple[set[int], dict[int, float]]] = {}
APPENDED = 2                # at most this many words appended: their shares added to the sums kept
# rows (read or scored) the two memos above keep at most, the oldest entries going first: at
# 100,000 trials each patient's words read ~35,000 rows (~60 bytes a row with its score), and
# an entry count alone let a long-running bot's memos grow past 100 MB; the ten benchmark
# patients keep ~230,000 and ~600,000 rows
WORD_ROWS = 500_000
SUM_ROWS = 1_000_000


def _rows_kept(entry: tuple[set[int] | None, dict[int, float]]) -> int:
    read, scores = entry
    return len(scores) if read is None else len(read)


def _trim(memo: dict[tuple, tuple], limit: int, keep: tuple) -> None:
    """Drop ``memo``'s oldest entries (never ``keep``, the one just used) until it keeps at
    most ``limit`` rows."""
    total = sum(map(_rows_kept, memo.values()))
    for key in list(memo):
        if total <= limit:
            return
        if key != keep:
            total -= _rows_kept(memo.pop(key))


def _sums_among(db: Any, version: tuple, words: tuple[str, ...], rows: set[int]) -> dict[int, float]:
    """The query's BM25 of at least ``rows`` by rowid (rows matching no word left out),
    remembered per list of words with the rows read. Rows not read for these words: those
    read for the same first words (a turn adding a fact appends its words) take those sums
    plus each later word's share (when one or two words were appended: a query per word
    walks that word's whole index list, so more words are cheaper in one query); the others
    come from one OR query of every word (FTS5 adds the phrases' shares left to right, as
    the per-word sums do: the same numbers to the bit; 7 words over 1,600 of 10,000 rows:
    3.9 ms against 9.4 ms for a query per word)."""
    key = (version, words)
    found = _SUMS.get(key)
    if found is None:
        if len(_SUMS) >= 64:
            _SUMS.pop(next(iter(_SUMS)))
        found = _SUMS[key] = (set(), {})
    read, sums = found
    missing = rows - read
    if not missing:
        return sums
    for cut in range(len(words) - 1, max(len(words) - APPENDED, 1) - 1, -1):
        before = _SUMS.get((version, words[:cut]))
        if before is None:
            continue
        have = missing & before[0]
        if have:
            part = {rowid: before[1][rowid] for rowid in have if rowid in before[1]}
            for word in words[cut:]:
                scores = _word_scores(db, version, word, have)
                for rowid in have & scores.keys():
                    part[rowid] = part.get(rowid, 0.0) + scores[rowid]
            sums.update(part)
            read.update(have)
            missing -= have
        break
    if missing:
        query = " OR ".join('"' + word.replace('"', "") + '"' for word in words)
        sums.update(_scores_among(db, version, query, missing))
        read.update(missing)
    _trim(_SUMS, SUM_ROWS, key)
    return sums

_IDS = StoreMemo()
_ROWIDS = StoreMemo()


def _word_scores(db: Any, version: tuple, word: str, rows: set[int] | None = None) -> dict[int, float]:
    """The word's BM25 share by rowid: of every row (``rows`` None) or at least of ``rows``
    (the rows read so far are remembered, with the scores of those that match)."""
    key = (version, word)
    phrase = '"' + word.replace('"', "") + '"'
    found = _WORDS.get(key)
    if found is None:
        if len(_WORDS) >= 256:
            _WORDS.pop(next(iter(_WORDS)))
        found = _WORDS[key] = (set(), {})
    read, scores = found
    if read is None:                  # every row read already
        return scores
    if rows is None:
        _WORDS[key] = (None, search.phrase_scores(db, phrase))
        _trim(_WORDS, WORD_ROWS, key)
        return _WORDS[key][1]
    missing = rows - read
    if missing:
        scores.update(_scores_among(db, version, phrase, missing))
        read.update(missing)
        _trim(_WORDS, WORD_ROWS, key)
    return scores


def _scores_among(db: Any, version: tuple, query: str, rows: set[int]) -> dict[int, float]:
    """``search.phrase_scores`` of ``rows``: of those rows only, or, when they are (nearly)
    every row of the index (a turn before any diagnosis: 100,000 candidates), of every
    matching row kept when among them: the same scores (BM25 is over the whole table either
    way) without sorting, writing and reading back 100,000 row numbers (~25 ms)."""
    if len(rows) * 10 >= len(_trial_ids(db, version)) * 9:
        return {rowid: score for rowid, score in search.phrase_scores(db, query).items() if rowid in rows}
    return search.phrase_scores(db, query, sorted(rows))


def preload(db: Any) -> None:
    """Read the full-text rows' trial ids (and their rowids by id) and the index's sizes now,
    at start-up (``TrialCatalog.preload``): the first turn with words does not wait for them."""
    version = store_key(db)
    try:
        _rowids(version, _trial_ids(db, version))
        _sizes(db, version)           # the index's sizes BM25 reads (data/bm25.py)
    except Exception as exc:          # an older store without the index: nothing to read
        if "no such table" not in str(exc):
            raise


def _trial_ids(db: Any, version: tuple) -> dict[int, str]:
    return _IDS.get(db, lambda: search.trial_ids(db), store=version)


_REQUESTED = StoreMemo(16)


def requested_treatments(profile: Profile) -> list[str]:
    """The names of the treatments a person asks for or plans (hypothetical drugs and
    procedures, not negated, not a relative's): as written, and every name the terminology
    gives the concept and the kinds under it ("CAR-T": "chimeric antigen receptor T
    cells", "CART"). A person who asks for none gets the product's own
    (``focus_treatments`` of data/catalogue.yaml: CAR-T), unless they decline it ("would
    not want CAR-T": hypothetical and negated)."""
    terminology = load_terminology()
    names: list[str] = []
    concepts: list[str] = []
    declined: set[str] = set()
    for fact in profile.facts:
        if fact.label not in ("DRUG", "PROCEDURE") or not fact.hypothetical or fact.family:
            continue
        if fact.negated:
            declined.add(fact.concept)
            continue
        names.append(fact.text)
        concepts.append(fact.concept)
    if not names:
        concepts = [c for c in load_catalogue().focus_treatments
                    if c in terminology and not declined & set(terminology.descendants(c))]
    for concept in concepts:
        if concept in terminology:
            for kind in terminology.descendants(concept):
                found = terminology.get(kind)
                names += [found.label, *found.terms, *found.abbreviations]
    return sorted({n.lower() for n in names if n and _WORD.search(n)})


def requested_trials(db: Any, profile: Profile) -> frozenset[str]:
    """Ids of the trials whose title or keywords name a treatment the person asks for
    (``requested_treatments``; FTS5 phrases over those two columns: a criterion excluding
    prior CAR-T does not count), remembered while the trials stay the same."""
    return trials_naming(db, requested_treatments(profile))


def trials_naming(db: Any, names: list[str], columns: str = "title keywords",
                  memo: StoreMemo | None = None) -> frozenset[str]:
    """Ids of the trials whose title or keywords (``columns``) name one of ``names`` (FTS5
    phrases over those columns), remembered per names while the trials stay the same (in
    ``memo``: a caller's own, so its many look-ups do not push out the others)."""
    if not names:
        return frozenset()
    version = store_key(db)
    try:
        return (_REQUESTED if memo is None else memo).get(db, lambda: _naming(db, version, names, columns), tuple(names), columns, store=version)
    except Exception as exc:          # an older store without the index: rank without it
        if "no such table" in str(exc):
            return frozenset()
        raise


def _naming(db: Any, version: tuple, names: list[str], columns: str) -> frozenset[str]:
    query = "{" + columns + "} : (" + " OR ".join('"' + n.replace('"', "") + '"' for n in names) + ")"
    ids = _trial_ids(db, version)
    rows = search.matching_rows(db, query)      # which rows match; their BM25 is not wanted
    return frozenset(ids[rowid] for rowid in rows if rowid in ids)


def _rowids(version: tuple, ids: dict[int, str]) -> dict[str, int]:
    return _ROWIDS.get(None, lambda: {trial_id: rowid for rowid, trial_id in ids.items()}, store=version)
