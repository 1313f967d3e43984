"""The conversation's wording, loaded once from ``data/bot_texts.yaml`` and validated.

One ``Texts`` object answers both sides of a quick reply: the label a keyboard shows
(``label``) and which choice a typed message means (``match_choice``), so a button's
words are written once. It also recognises whole-message intents ("show me" -> results)
and the opening of a correction ("no, it was ...").

Languages: the top-level sections are the English wording; a section named by a language
code (``zh:``) holds the same sections in that language (``LANGUAGES``). Wording is looked
up by language with the English form as fallback (``text``, ``phrase``, ``label``,
``unit``, ``command_texts``); what people may type (choices' ``accept``, intents,
correction openers, place words) is understood in every language, whatever the
conversation's language is.
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
from nlp.typing_habits import held_letters_squeezed

TEXTS_PATH = DATA_DIR / "bot_texts.yaml"
ROLES = ("patient", "clinician")
ENGLISH = "en"
LANGUAGES = ("zh",)        # sections in another language than English (data/languages.yaml `reads`)
_SECTIONS = {"choices", "commands", "intents", "corrections", "places", "texts", "phrases", "units"}
_TRAILING = re.compile(r"[\s.!,;:。！，；：、]+$")
_SPACES = re.compile(r"\s+")


def normalise(message: str) -> str:
    """A message as compared with accepted phrases: case-folded, curly quotes made plain,
    inner spaces collapsed, a held letter made one ("nooo"), trailing punctuation dropped."""
    text = unicodedata.normalize("NFKC", message).replace("\u2019", "'").replace("\u2018", "'")
    text = _SPACES.sub(" ", text.casefold()).strip()
    text = held_letters_squeezed(text)       # "nooo", "yesss": a letter held is one letter (h155)
    stripped = _TRAILING.sub("", text)
    return stripped or text


@dataclass(frozen=True)
class ChoiceSpec:
    key: str
    label: str
    accept: frozenset[str]
    labels: tuple[tuple[str, str], ...] = ()     # (language, label) in the other languages


class Texts:
    """Wording by key and role, choices, commands, intents and correction openers."""

    def __init__(self, raw: dict[str, Any], where: str = TEXTS_PATH.name):
        if not isinstance(raw, dict):
            raise DataError(where, "must be a mapping of sections")
        unknown = set(raw) - _SECTIONS - set(LANGUAGES)
        if unknown:
            raise DataError(f"{where}: {sorted(unknown)[0]}",
                            f"unknown section; known: {', '.join(sorted(_SECTIONS | set(LANGUAGES)))}")
        sections = {ENGLISH: raw}
        for lang in LANGUAGES:
            section = _mapping(raw, lang, where)
            unknown = set(section) - _SECTIONS
            if unknown:
                raise DataError(f"{where}: {lang}.{sorted(unknown)[0]}", f"unknown section; known: {', '.join(sorted(_SECTIONS))}")
            sections[lang] = section
        # the wording, per language: language -> key -> ...
        self.by_language: dict[str, dict[str, dict[str, Any]]] = {}
        for lang, section in sections.items():
            at = where if lang == ENGLISH else f"{where}: {lang}"
            self.by_language[lang] = {
                "commands": {str(k): _string(v, f"{at}: commands.{k}") for k, v in _mapping(section, "commands", at).items()},
                "texts": {str(k): _by_role(v, f"{at}: texts.{k}") for k, v in _mapping(section, "texts", at).items()},
                "phrases": {str(k): _string(v, f"{at}: phrases.{k}") for k, v in _mapping(section, "phrases", at).items()},
                "units": {str(k): _string(v, f"{at}: units.{k}") for k, v in _mapping(section, "units", at).items()},
            }
        english = self.by_language[ENGLISH]
        self.commands, self.texts = english["commands"], english["texts"]
        self.phrases, self.units = english["phrases"], english["units"]
        for lang in LANGUAGES:
            for part in ("commands", "texts", "phrases", "units"):
                extra = set(self.by_language[lang][part]) - set(english[part])
                if extra:
                    raise DataError(f"{where}: {lang}.{part}.{sorted(extra)[0]}", "has no English form")
        choices = {lang: _mapping(section, "choices", where if lang == ENGLISH else f"{where}: {lang}")
                   for lang, section in sections.items()}
        for lang in LANGUAGES:
            extra = set(choices[lang]) - set(choices[ENGLISH])
            if extra:
                raise DataError(f"{where}: {lang}.choices.{sorted(extra)[0]}", "has no English form")
        self.choices = {str(key): _choice(key, {lang: choices[lang].get(key) for lang in sections}, where)
                        for key in choices[ENGLISH]}
        self._intents: dict[str, str] = {}
        for lang, section in sections.items():
            at = where if lang == ENGLISH else f"{where}: {lang}"
            for name, phrases in _mapping(section, "intents", at).items():
                if name not in self.commands:
                    raise DataError(f"{at}: intents.{name}", "an intent must name one of the commands")
                for phrase in _strings(phrases, f"{at}: intents.{name}"):
                    self._intents[normalise(phrase)] = name
        if "results" in self.choices:
            for phrase in self.choices["results"].accept:
                self._intents.setdefault(phrase, "results")
        starts, strip, prefixes, courtesy, not_place, in_passing, not_starts = [], [], [], [], [], [], []
        not_place_parts: list[str] = []
        meant: list[str] = []
        trial_subjects: list[str] = []
        for lang, section in sections.items():
            at = where if lang == ENGLISH else f"{where}: {lang}"
            corrections = _mapping(section, "corrections", at)
            starts += _strings(corrections.get("starts", []), f"{at}: corrections.starts")
            strip += _strings(corrections.get("strip", []), f"{at}: corrections.strip")
            not_starts += _strings(corrections.get("not_starts", []), f"{at}: corrections.not_starts")
            courtesy += _strings(corrections.get("courtesy", []), f"{at}: corrections.courtesy")
            meant += _strings(corrections.get("said_meant", []), f"{at}: corrections.said_meant")
            places = _mapping(section, "places", at)
            prefixes += _strings(places.get("strip", []), f"{at}: places.strip")
            not_place += _strings(places.get("not_place_words", []), f"{at}: places.not_place_words")
            not_place_parts += _strings(places.get("not_place_parts", []), f"{at}: places.not_place_parts")
            in_passing += _strings(places.get("in_passing", []), f"{at}: places.in_passing")
            trial_subjects += _strings(places.get("trial_subjects", []), f"{at}: places.trial_subjects")
        self._courtesy = tuple(sorted({normalise(w) for w in courtesy}, key=len, reverse=True))
        self.not_place_words = frozenset(normalise(w) for w in not_place)
        # parts of a reply written without spaces (Chinese) that no place name holds ("吗")
        self.not_place_parts = tuple(sorted({unicodedata.normalize("NFKC", w) for w in not_place_parts}))
        # compared with NFKC text ("，" is ",")
        self._correction_starts = tuple(unicodedata.normalize("NFKC", s).casefold() for s in starts)
        self._hedge_starts = tuple(unicodedata.normalize("NFKC", s).casefold() for s in not_starts)
        self._correction_strip = sorted((unicodedata.normalize("NFKC", s).casefold() for s in strip), key=len, reverse=True)
        # "why is it in china", "is the trial only in china?": the place is the trial's
        self._trial_place = (re.compile(r"(?:\b(?:is|are|was|were|'s|s)\s+(?:%s)|\b(?:%s)(?:'s|s|\s+is|\s+are))"
                                        r"(?:\s+(?:only|just|all|mainly|mostly|also|still|really|based|run|held|done))*\s*\Z"
                                        % ("|".join(re.escape(normalise(w)) for w in trial_subjects),
                                           "|".join(re.escape(normalise(w)) for w in trial_subjects)))
                            if trial_subjects else None)
        # "i said cyclophosphamide but i meant rituximab": read as "rituximab, not cyclophosphamide"
        self._said_meant = [re.compile(p, re.IGNORECASE) for p in meant]
        # longest first, so "i live in" is stripped before "in"
        self._place_prefixes = sorted((normalise(p) for p in prefixes), key=len, reverse=True)
        self._in_passing = (re.compile(r"(?<!\w)(?:%s)\s+((?:[^\W\d_][\w'-]*)(?:\s+[^\W\d_][\w'-]*){0,2})"
                                       % "|".join(re.escape(normalise(c)) for c in sorted(set(in_passing), key=len, reverse=True)))
                            if in_passing else None)

    # --- wording -------------------------------------------------------------------
    def _in(self, lang: str | None, part: str, key: str) -> Any:
        """``key`` of a section in ``lang``, else in English (None when neither has it)."""
        found = self.by_language.get(lang or ENGLISH, {}).get(part, {}).get(key)
        return found if found is not None else self.by_language[ENGLISH][part].get(key)

    def text(self, key: str, role: str | None, lang: str | None = None) -> str:
        """The template for ``key`` in the wording of ``role`` (patient wording when
        unknown), in ``lang`` (English when that language lacks it)."""
        variants = self._in(lang, "texts", key)
        if variants is None:
            raise DataError(f"{TEXTS_PATH.name}: texts.{key}", "missing text")
        return variants[role if role in ROLES else "patient"]

    def phrase(self, key: str, lang: str | None = None) -> str:
        found = self._in(lang, "phrases", key)
        if found is None:
            raise DataError(f"{TEXTS_PATH.name}: phrases.{key}", "missing phrase")
        return found

    def phrase_or(self, key: str, default: str, lang: str | None = None) -> str:
        """The phrase ``key`` when the file has it, else ``default`` (a marker's status word:
        "positive" is "阳性" in Chinese, an unlisted one shown as read)."""
        found = self._in(lang, "phrases", key)
        return found if found is not None else default

    def label(self, choice: str, lang: str | None = None) -> str:
        spec = self.choices[choice]
        return dict(spec.labels).get(lang or ENGLISH, spec.label)

    def unit(self, key: str, lang: str | None = None) -> str:
        """How a normalised unit key is shown ("10^9/L" -> "×10⁹/L"); the key itself when
        the units section does not list it."""
        found = self._in(lang, "units", key)
        return found if found is not None else key

    def command_texts(self, lang: str | None = None) -> dict[str, str]:
        """Every command with its one-line description in ``lang`` (English as fallback)."""
        return {name: self._in(lang, "commands", name) for name in self.commands}

    # --- reading what the user typed --------------------------------------------------
    def match_choice(self, message: str, allowed: list[str] | tuple[str, ...]) -> str | None:
        """The choice among ``allowed`` that a whole typed message names, else None."""
        norm = normalise(message)
        for text in dict.fromkeys((norm, self._without_courtesy(norm))):
            for key in allowed:
                spec = self.choices.get(key)
                if spec and text in spec.accept:
                    return key
        return None

    def without_courtesy(self, message: str) -> str:
        """The message, normalised, without the courtesy words around it ("thank you,
        goodbye" -> "goodbye")."""
        return self._without_courtesy(normalise(message))

    def only_courtesy(self, message: str) -> bool:
        """The message holds courtesy words only ("thanks", "ok thank you", "thx")."""
        norm = normalise(message)
        return bool(norm) and not self._without_courtesy(norm)

    def _without_courtesy(self, norm: str) -> str:
        """A normalised reply without the courtesy words around it ("no idea sorry" -> "no
        idea", "yes, thanks" -> "yes"; ``corrections.courtesy``)."""
        changed = True
        while changed and norm:
            changed = False
            for word in self._courtesy:
                if norm.endswith(word) and (len(norm) == len(word) or not _word_char(norm[-len(word) - 1])):
                    norm, changed = _TRAILING.sub("", norm[:-len(word)].rstrip(" ,;")), True
                elif norm.startswith(word) and (len(norm) == len(word) or not _word_char(norm[len(word)])):
                    norm, changed = norm[len(word):].lstrip(" ,;:"), True
        return norm

    def match_label(self, message: str, allowed: list[str] | tuple[str, ...]) -> str | None:
        """The choice among ``allowed`` whose button label (in any language) a whole typed
        message is, else None: in the terminal chat a button is pressed by typing its label."""
        norm = normalise(message)
        for key in allowed:
            spec = self.choices.get(key)
            if spec and norm in {normalise(spec.label), *(normalise(label) for _, label in spec.labels)}:
                return key
        return None

    def intent(self, message: str) -> str | None:
        """The command a whole message asks for ("show me" -> "results"), else None."""
        return self._intents.get(normalise(message))

    def is_correction(self, message: str) -> bool:
        """True when the message opens like a correction ("no, it was ...", "actually 45") or
        says what it meant instead ("i said cyclophosphamide but i meant rituximab")."""
        text = unicodedata.normalize("NFKC", message).replace("\u2019", "'").casefold().lstrip()
        if any(p.fullmatch(text.strip()) for p in self._said_meant):
            return True
        if any(text.startswith(start) and (len(text) == len(start) or not _word_char(text[len(start)]))
               for start in self._hedge_starts):
            return False        # "not sure about her lungs, ..." hedges (corrections.not_starts)
        # a start ending in a letter is a whole word ("no i" opens "no i meant", not "no idea")
        return any(text.startswith(start) and (len(text) == len(start) or not _word_char(start[-1])
                                               or not _word_char(text[len(start)]))
                   for start in self._correction_starts)

    def correction_body(self, message: str) -> str:
        """A correction without its openers: "no, it was azathioprine" -> "azathioprine"."""
        text = unicodedata.normalize("NFKC", message).replace("\u2019", "'").strip()
        for pattern in self._said_meant:
            found = pattern.fullmatch(text)
            if found:       # "i said X but i meant Y": Y replaces X, as "Y, not X" says
                return f"{found.group('new').strip()}, not {found.group('old').strip()}"
        changed = True
        while changed and text:
            changed = False
            lowered = text.casefold()
            for opener in self._correction_strip:
                rest = lowered[len(opener):]
                if lowered.startswith(opener) and (not rest or not _word_char(rest[0]) or not _word_char(opener[-1])):
                    text = text[len(opener):].lstrip(" ,:;-")
                    changed = True
                    break
        return text

    def trials_place(self, before: str) -> bool:
        """The words before "in <place>" make the place a trial's ("why is it", "is the trial
        only", "are they all"), not the person's."""
        return self._trial_place is not None and self._trial_place.search(normalise(before)) is not None

    def places_in_passing(self, message: str) -> list[str]:
        """The runs of one to three words after "were in", "shes in", ... (``places.in_passing``),
        longest first, that may name where the person is ("were in manchester" -> "manchester");
        none holds a word of ``not_place_words``. Whether one is a place is the caller's check."""
        if self._in_passing is None:
            return []
        found: list[str] = []
        for match in self._in_passing.finditer(normalise(message)):
            words = match.group(1).split()
            for n in range(len(words), 0, -1):
                run = words[:n]
                if not any(w in self.not_place_words for w in run):
                    found.append(" ".join(run))
        return found

    def strip_place(self, message: str) -> str:
        """The place named by an answer to "which city?": leading words such as
        "I live in" removed, trailing punctuation dropped, at most 80 characters."""
        text = _SPACES.sub(" ", unicodedata.normalize("NFKC", message)).strip()
        lowered = normalise(text)
        for prefix in self._place_prefixes:
            if lowered.startswith(prefix + " ") or (lowered.startswith(prefix) and not _word_char(prefix[-1])
                                                     and len(lowered) > len(prefix)):
                text = text[len(prefix):].strip()
                break
        return _TRAILING.sub("", text)[:80]


def _word_char(ch: str) -> bool:
    """A letter or digit of a spaced script: Chinese words are not separated by spaces, so
    "我住在" may be followed directly by the place."""
    return ch.isalnum() and ord(ch) < 0x2E80


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


def _choice(key: Any, specs: dict[str, Any], where: str) -> ChoiceSpec:
    """One choice from its entry in each language (``{"en": {...}, "zh": {...} or None}``):
    the English label, every language's label, and what is accepted in any language."""
    labels, accept = {}, set()
    for lang, spec in specs.items():
        if spec is None:
            continue
        at = f"{where}: choices.{key}" if lang == ENGLISH else f"{where}: {lang}.choices.{key}"
        if not isinstance(spec, dict) or set(spec) - {"label", "accept"}:
            raise DataError(at, "a choice has 'label' and 'accept' only")
        labels[lang] = _string(spec.get("label"), f"{at}.label")
        accept |= {normalise(labels[lang])} | {normalise(a) for a in _strings(spec.get("accept", []), f"{at}.accept")}
    others = tuple((lang, label) for lang, label in labels.items() if lang != ENGLISH)
    return ChoiceSpec(str(key), labels[ENGLISH], frozenset(accept), others)


def read_texts(path: Path = TEXTS_PATH) -> Texts:
    return Texts(read_yaml(path), path.name)


@lru_cache(maxsize=1)
def load_texts() -> Texts:
    """The bundled wording, read once per process."""
    return read_texts()
