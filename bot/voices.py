"""The relative's voice: third-person wording when a relative writes about the patient
("my daughter is 24, she has lupus" -> "Is your daughter pregnant…?", "How old is she?").
Texts and rewrite rules come from ``data/voices.yaml``; ``bot.render`` chooses them when a
reply carries a ``voice`` block (the engine adds it from the conversation's ``speaker``
event: the relation and the sex it implies, never message text)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from data.errors import DataError
from data.files import DATA_DIR, read_yaml

VOICES_PATH = DATA_DIR / "voices.yaml"
_SECTIONS = {"pronouns", "texts", "rewrite", "zh", "address"}
_PLACES = ("they", "them", "their")


@dataclass(frozen=True)
class ChineseVoice:
    """The relative's voice in Chinese (voices.yaml ``zh``)."""

    relations: dict[str, str] = field(hash=False)
    pronouns: dict[str, str] = field(hash=False)
    texts: dict[str, str] = field(hash=False)
    rewrite: tuple[tuple[re.Pattern, str], ...]

    def words(self, relation: str, sex: str | None) -> dict[str, str]:
        who = "您" + self.relations.get(relation, "家人")
        return {"who": who, "whose": who + "的", "they": self.pronouns.get(sex or "", who), "writer": "您"}


@dataclass(frozen=True)
class Voices:
    pronouns: dict[str, dict[str, str]] = field(hash=False)
    texts: dict[str, str] = field(hash=False)
    rewrite: tuple[tuple[re.Pattern, str], ...]
    zh: ChineseVoice | None = None
    # how a parent's word for the patient is said back ("my little girl" -> "your daughter")
    address: dict[str, str] = field(default_factory=dict, hash=False)

    def words(self, relation: str, sex: str | None, lang: str = "en") -> dict[str, str]:
        """The placeholder values for "your <relation>" of that sex (in ``lang``: "您女儿")."""
        if lang == "zh" and self.zh is not None:
            return self.zh.words(relation, sex)
        said = self.address.get(relation, relation)
        # "the person you care for": said as written, its possessive the pronoun (h150)
        who = said if said.startswith("the ") else f"your {said}"
        whose = f"{who}'s" if who.startswith("your ") else (self.pronouns.get(sex or "") or {}).get("their", "their")
        pronouns = self.pronouns.get(sex or "", {"they": who, "them": who, "their": whose})
        values = {"who": who, "whose": whose, "writer": "you", **pronouns}
        values.update({k[0].upper() + k[1:]: v[0].upper() + v[1:] for k, v in list(values.items())})
        return values

    def text(self, key: str, lang: str = "en") -> str | None:
        """The relative variant of a bot_texts.yaml text, or None (the patient wording fits)."""
        if lang == "zh":
            return self.zh.texts.get(key) if self.zh is not None else None
        return self.texts.get(key)

    def question(self, wording: str, words: dict[str, str], lang: str = "en") -> str:
        """A question's patient wording in the third person."""
        marked = wording
        rules = (self.zh.rewrite if self.zh is not None else ()) if lang == "zh" else self.rewrite
        started = False              # zh: only the first rule for the sentence's start applies
        for pattern, replacement in rules:
            if lang == "zh" and pattern.pattern.startswith("^"):
                if started or not pattern.search(marked):
                    continue
                started = True
            marked = pattern.sub(replacement.replace("{", "\x00").replace("}", "\x01"), marked)
        return re.sub("\x00(\\w+)\x01", lambda m: words.get(m.group(1), m.group(0)), marked)


def read_voices(path: Path = VOICES_PATH) -> Voices:
    raw = read_yaml(path)
    name = path.name
    if not isinstance(raw, dict) or set(raw) - _SECTIONS:
        raise DataError(name, f"must be a mapping with {', '.join(sorted(_SECTIONS))}")
    pronouns = raw.get("pronouns") or {}
    for sex, words in pronouns.items():
        if not isinstance(words, dict) or set(words) != set(_PLACES):
            raise DataError(f"{name}: pronouns.{sex}", f"must give exactly {', '.join(_PLACES)}")
    texts = raw.get("texts") or {}
    if not all(isinstance(v, str) and v for v in texts.values()):
        raise DataError(f"{name}: texts", "must map text keys to non-empty text")
    rules = _rules(raw.get("rewrite"), f"{name}: rewrite")
    zh = None
    if "zh" in raw:
        section = raw["zh"]
        if not isinstance(section, dict) or set(section) - {"relations", "pronouns", "texts", "rewrite"}:
            raise DataError(f"{name}: zh", "must be a mapping with relations, pronouns, texts, rewrite")
        for part in ("relations", "pronouns", "texts"):
            value = section.get(part) or {}
            if not isinstance(value, dict) or not all(isinstance(v, str) and v for v in value.values()):
                raise DataError(f"{name}: zh.{part}", "must map keys to non-empty text")
        zh = ChineseVoice(dict(section.get("relations") or {}), dict(section.get("pronouns") or {}),
                          {str(k): v for k, v in (section.get("texts") or {}).items()},
                          _rules(section.get("rewrite"), f"{name}: zh.rewrite"))
    address = raw.get("address") or {}
    if not isinstance(address, dict) or not all(isinstance(v, str) and v for v in address.values()):
        raise DataError(f"{name}: address", "must map relations to the words said back")
    return Voices({str(k): dict(v) for k, v in pronouns.items()}, {str(k): v for k, v in texts.items()}, rules, zh,
                  {str(k): v for k, v in address.items()})


def _rules(raw: Any, where: str) -> tuple[tuple[re.Pattern, str], ...]:
    rules = []
    for i, rule in enumerate(raw or []):
        if not (isinstance(rule, list) and len(rule) == 2 and all(isinstance(r, str) for r in rule)):
            raise DataError(f"{where}[{i}]", "must be [regex, replacement]")
        try:
            rules.append((re.compile(rule[0]), rule[1]))
        except re.error as error:
            raise DataError(f"{where}[{i}]", f"bad regex: {error}") from None
    return tuple(rules)


@lru_cache(maxsize=1)
def load_voices() -> Voices:
    """The bundled voices, read once per process."""
    return read_voices()


def fill(template: str, values: dict[str, Any]) -> str:
    """Only the voice's own placeholders filled; a text's others ({count}) stay."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)
