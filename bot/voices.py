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
_SECTIONS = {"pronouns", "texts", "rewrite"}
_PLACES = ("they", "them", "their")


@dataclass(frozen=True)
class Voices:
    pronouns: dict[str, dict[str, str]] = field(hash=False)
    texts: dict[str, str] = field(hash=False)
    rewrite: tuple[tuple[re.Pattern, str], ...]

    def words(self, relation: str, sex: str | None) -> dict[str, str]:
        """The placeholder values for "your <relation>" of that sex."""
        who = f"your {relation}"
        whose = f"{who}'s"
        pronouns = self.pronouns.get(sex or "", {"they": who, "them": who, "their": whose})
        values = {"who": who, "whose": whose, "writer": "you", **pronouns}
        values.update({k[0].upper() + k[1:]: v[0].upper() + v[1:] for k, v in list(values.items())})
        return values

    def text(self, key: str) -> str | None:
        """The relative variant of a bot_texts.yaml text, or None (the patient wording fits)."""
        return self.texts.get(key)

    def question(self, wording: str, words: dict[str, str]) -> str:
        """A question's patient wording in the third person."""
        marked = wording
        for pattern, replacement in self.rewrite:
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
    rules = []
    for i, rule in enumerate(raw.get("rewrite") or []):
        if not (isinstance(rule, list) and len(rule) == 2 and all(isinstance(r, str) for r in rule)):
            raise DataError(f"{name}: rewrite[{i}]", "must be [regex, replacement]")
        try:
            rules.append((re.compile(rule[0]), rule[1]))
        except re.error as error:
            raise DataError(f"{name}: rewrite[{i}]", f"bad regex: {error}") from None
    return Voices({str(k): dict(v) for k, v in pronouns.items()}, {str(k): v for k, v in texts.items()}, tuple(rules))


@lru_cache(maxsize=1)
def load_voices() -> Voices:
    """The bundled voices, read once per process."""
    return read_voices()


def fill(template: str, values: dict[str, Any]) -> str:
    """Only the voice's own placeholders filled; a text's others ({count}) stay."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)
