"""The priors of ``data/question_priors.yaml``, read once and validated: how probable each
answer is, how many people can answer a kind of question, how trials are weighted by rank,
and the threshold below which a question waits for "ask me more" (``matching.question_value``)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from data.errors import DataError
from data.files import DATA_DIR, read_yaml
from data.terminology import load_terminology

PRIORS_FILE = DATA_DIR / "question_priors.yaml"
AUDIENCES = ("patient", "clinician")
_FIELDS = ("threshold", "rank_weights", "later_weight", "weaker_fit_weight", "weighed_trials", "p_yes", "p_yes_stated", "keys", "fails", "known",
           "one_of_a_kind")


@dataclass(frozen=True)
class Priors:
    threshold: float
    rank_weights: tuple[float, ...]
    later_weight: float
    weighed_trials: int
    yes: dict[str, float]
    yes_stated: dict[str, float]
    keys: dict[str, float]
    fails: dict[str, float]
    known: dict[str, dict[str, float]]
    one_of_a_kind: tuple[str, ...] = ()
    weaker_fit_weight: float = 0.1

    def weight(self, rank: int) -> float:
        """The weight of the still-possible trial at ``rank`` (0 = the best)."""
        return self.rank_weights[rank] if rank < len(self.rank_weights) else self.later_weight

    def fit_weight(self, rank: int, fit: float, best: float) -> float:
        """The weight of the still-possible trial at ``rank`` whose condition fit is ``fit``
        when the best-fitting trial's is ``best``: a trial for a condition that meets the
        patient's less well weighs at most ``weaker_fit_weight``."""
        weight = self.weight(rank)
        return min(weight, self.weaker_fit_weight) if fit < best else weight

    def p_true(self, key: str, kind: str, helps: bool, stated: bool = False) -> float:
        """How probable it is that the leaf asked by ``key`` (of question ``kind``) is true;
        ``helps``: a true leaf helps the criterion pass (read for kinds priced by ``fails``);
        ``stated``: the person named what the leaf is about (a drug they took, ...)."""
        if key in self.keys:
            return self.keys[key]
        if stated and kind in self.yes_stated:
            return self.yes_stated[kind]
        if kind in self.yes:
            return self.yes[kind]
        fails = self.fails.get(key)              # one question's own, where its kind's is wrong
        if fails is None:
            fails = self.fails.get(kind, self.fails["default"])
        return 1.0 - fails if helps else fails

    def answerable(self, kind: str, audience: str = "patient", key: str | None = None) -> float:
        """The share of people in ``audience`` ("patient": patients and relatives, or
        "clinician") who can answer a question of ``kind`` (its ``key``'s own share where one
        is given: "score:ecog" is asked in everyday words)."""
        table = self.known.get(audience, self.known["patient"])
        if key is not None and key in table:
            return table[key]
        return table.get(kind, 1.0)


def _probability(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise DataError(where, "must be a number from 0 to 1")
    return float(value)


def _table(raw: Any, where: str) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise DataError(where, "must be a mapping of names to numbers from 0 to 1")
    return {str(name): _probability(value, f"{where}.{name}") for name, value in raw.items()}


def _known(raw: Any, where: str) -> dict[str, dict[str, float]]:
    if not isinstance(raw, dict) or set(raw) != set(AUDIENCES):
        raise DataError(where, f"needs exactly: {', '.join(AUDIENCES)}")
    return {audience: _table(raw[audience], f"{where}.{audience}") for audience in AUDIENCES}


def read_priors(path: Path = PRIORS_FILE) -> Priors:
    doc = read_yaml(path)
    name = path.name
    if not isinstance(doc, dict) or set(doc) != set(_FIELDS):
        raise DataError(name, f"needs exactly: {', '.join(_FIELDS)}")
    weights = doc["rank_weights"]
    if not isinstance(weights, list) or not weights:
        raise DataError(f"{name}: rank_weights", "must be a non-empty list of numbers from 0 to 1")
    weighed = doc["weighed_trials"]
    if isinstance(weighed, bool) or not isinstance(weighed, int) or weighed < 1:
        raise DataError(f"{name}: weighed_trials", "must be a whole number of at least 1")
    fails = _table(doc["fails"], f"{name}: fails")
    if "default" not in fails:
        raise DataError(f"{name}: fails.default", "required")
    return Priors(threshold=_probability(doc["threshold"], f"{name}: threshold"),
                  rank_weights=tuple(_probability(w, f"{name}: rank_weights[{i}]") for i, w in enumerate(weights)),
                  later_weight=_probability(doc["later_weight"], f"{name}: later_weight"), weighed_trials=weighed,
                  weaker_fit_weight=_probability(doc["weaker_fit_weight"], f"{name}: weaker_fit_weight"),
                  yes=_table(doc["p_yes"], f"{name}: p_yes"),
                  yes_stated=_table(doc["p_yes_stated"], f"{name}: p_yes_stated"), keys=_table(doc["keys"], f"{name}: keys"),
                  fails=fails, known=_known(doc["known"], f"{name}: known"),
                  one_of_a_kind=_classes(doc["one_of_a_kind"], f"{name}: one_of_a_kind"))


def _classes(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise DataError(where, "must be a list of concept ids")
    terminology = load_terminology()
    for concept in raw:
        if terminology.get(concept) is None:
            raise DataError(where, f"unknown concept {concept!r}")
    return tuple(raw)


@lru_cache(maxsize=1)
def load_priors() -> Priors:
    return read_priors()
