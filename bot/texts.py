"""The conversation's wording, loaded once from ``data/bot_texts.yaml`` and validated.

One ``Texts`` object answers both sides of a quick reply: the label a keyboard shows
(``label``) and which choice a typed message means (``match_choice``), so a button's
words are written once. It also recognises whole-message intents ("show me" -> results)
and the opening of a correction ("no, it was ...").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from data.errors import DataError
from data.files import DATA_DIR, read_yaml

TEXTS_PATH = DATA_DIR / "bot_texts.yaml"
ROLES = ("patient", "clinician")
_SECTIONS = {"choices", "commands", "intents", "corrections", "places", "texts", "phrases", "units"}
_TRAILING = re.compile(r"[\s.!,;:]+$")
_SPACES = re.compile(r"\s+")


def normalise(message: str) -> str:
    """A message as compared with accepted phrases: case-folded, curly quotes made plain,
    inner spaces collapsed, trailing punctuation dropped."""
    text = unicodedata.normalize("NFKC", message).replace("\u2019", "'").replace("\u2018", "'")
    text = _SPACES.sub(" ", text.casefold()).strip()
    stripped = _TRAILING.sub("", text)
    return stripped or text


@dataclass(frozen=True)
class ChoiceSpec:
    key: str
    label: str
    accept: frozenset[str]


class Texts:
    """Wording by key and role, choices, commands, intents and correction openers."""

    def __init__(self, raw: dict[str, Any], where: str = TEXTS_PATH.name):
        if not isinstance(raw, dict):
            raise DataError(where, "must be a mapping of sections")
        unknown = set(raw) - _SECTIONS
        if unknown:
            raise DataError(f"{where}: {sorted(unknown)[0]}", f"unknown section; known: {', '.join(sorted(_SECTIONS))}")
        self.choices = {key: _choice(key, spec, f"{where}: choices.{key}") for key, spec in _mapping(raw, "choices", where).items()}
        self.commands = {str(k): _string(v, f"{where}: commands.{k}") for k, v in _mapping(raw, "commands", where).items()}
        self.texts = {str(k): _by_role(v, f"{where}: texts.{k}") for k, v in _mapping(raw, "texts", where).items()}
        self.phrases = {str(k): _string(v, f"{where}: phrases.{k}") for k, v in _mapping(raw, "phrases", where).items()}
        self.units = {str(k): _string(v, f"{where}: units.{k}") for k, v in _mapping(raw, "units", where).items()}
        self._intents: dict[str, str] = {}
        for name, phrases in _mapping(raw, "intents", where).items():
            if name not in self.commands:
                raise DataError(f"{where}: intents.{name}", "an intent must name one of the commands")
            for phrase in _strings(phrases, f"{where}: intents.{name}"):
                self._intents[normalise(phrase)] = name
        if "results" in self.choices:
            for phrase in self.choices["results"].accept:
                self._intents.setdefault(phrase, "results")
        corrections = _mapping(raw, "corrections", where)
        self._correction_starts = tuple(s.casefold() for s in _strings(corrections.get("starts", []), f"{where}: corrections.starts"))
        strip = _strings(corrections.get("strip", []), f"{where}: corrections.strip")
        self._correction_strip = sorted((s.casefold() for s in strip), key=len, reverse=True)
        places = _mapping(raw, "places", where)
        # longest first, so "i live in" is stripped before "in"
        self._place_prefixes = sorted((normalise(p) for p in _strings(places.get("strip", []), f"{where}: places.strip")), key=len, reverse=True)

    # --- wording -------------------------------------------------------------------
    def text(self, key: str, role: str | None) -> str:
        """The template for ``key`` in the wording of ``role`` (patient wording when unknown)."""
        try:
            variants = self.texts[key]
        except KeyError:
            raise DataError(f"{TEXTS_PATH.name}: texts.{key}", "missing text") from None
        return variants[role if role in ROLES else "patient"]

    def phrase(self, key: str) -> str:
        try:
            return self.phrases[key]
        except KeyError:
            raise DataError(f"{TEXTS_PATH.name}: phrases.{key}", "missing phrase") from None

    def label(self, choice: str) -> str:
        return self.choices[choice].label

    def unit(self, key: str) -> str:
        """How a normalised unit key is shown ("10^9/L" -> "×10⁹/L"); the key itself when
        the units section does not list it."""
        return self.units.get(key, key)

    # --- reading what the user typed --------------------------------------------------
    def match_choice(self, message: str, allowed: list[str] | tuple[str, ...]) -> str | None:
        """The choice among ``allowed`` that a whole typed message names, else None."""
        norm = normalise(message)
        for key in allowed:
            spec = self.choices.get(key)
            if spec and norm in spec.accept:
                return key
        return None

    def intent(self, message: str) -> str | None:
        """The command a whole message asks for ("show me" -> "results"), else None."""
        return self._intents.get(normalise(message))

    def is_correction(self, message: str) -> bool:
        """True when the message opens like a correction ("no, it was ...", "actually 45")."""
        text = unicodedata.normalize("NFKC", message).replace("\u2019", "'").casefold().lstrip()
        return any(text.startswith(start) for start in self._correction_starts)

    def correction_body(self, message: str) -> str:
        """A correction without its openers: "no, it was azathioprine" -> "azathioprine"."""
        text = unicodedata.normalize("NFKC", message).replace("\u2019", "'").strip()
        changed = True
        while changed and text:
            changed = False
            lowered = text.casefold()
            for opener in self._correction_strip:
                rest = lowered[len(opener):]
                if lowered.startswith(opener) and (not rest or not rest[0].isalnum() or not opener[-1].isalnum()):
                    text = text[len(opener):].lstrip(" ,:;-")
                    changed = True
                    break
        return text

    def strip_place(self, message: str) -> str:
        """The place named by an answer to "which city?": leading words such as
        "I live in" removed, trailing punctuation dropped, at most 80 characters."""
        text = _SPACES.sub(" ", unicodedata.normalize("NFKC", message)).strip()
        lowered = normalise(text)
        for prefix in self._place_prefixes:
            if lowered.startswith(prefix + " "):
                text = text[len(prefix):].strip()
                break
        return _TRAILING.sub("", text)[:80]


def _mapping(raw: dict, key: str, where: str) -> dict:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise DataError(f"{where}: {key}", "must be a mapping")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise DataError(where, "must be non-empty text (quote yes/no/true/false in YAML)")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise DataError(where, "must be a list of text")
    return [_string(v, f"{where}[{i}]") for i, v in enumerate(value)]


def _by_role(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {role: value for role in ROLES}
    if not isinstance(value, dict) or set(value) != set(ROLES):
        raise DataError(where, "must be text, or a mapping with exactly 'patient' and 'clinician'")
    return {role: _string(value[role], f"{where}.{role}") for role in ROLES}


def _choice(key: Any, spec: Any, where: str) -> ChoiceSpec:
    if not isinstance(spec, dict) or set(spec) - {"label", "accept"}:
        raise DataError(where, "a choice has 'label' and 'accept' only")
    label = _string(spec.get("label"), f"{where}.label")
    accept = {normalise(label)} | {normalise(a) for a in _strings(spec.get("accept", []), f"{where}.accept")}
    return ChoiceSpec(str(key), label, frozenset(accept))


def read_texts(path: Path = TEXTS_PATH) -> Texts:
    return Texts(read_yaml(path), path.name)


@lru_cache(maxsize=1)
def load_texts() -> Texts:
    """The bundled wording, read once per process."""
    return read_texts()
