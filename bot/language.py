"""The language a message is written in, so the conversation answers in the user's
language (English or Chinese) and says which languages it reads when it cannot read one.

``detect(text)`` gives an ISO 639-1 code only when a message is clearly in a language,
else None (the conversation keeps its language: "yes", "26", "MMF" never switch it):

1. The script first, which costs nothing: Chinese characters (without kana or hangul)
   are Chinese; kana Japanese; hangul Korean; another non-Latin script (Cyrillic, Arabic,
   Devanagari …) is named by the detector among that script's languages.
2. Latin script: at least ``MIN_WORDS`` words. Two everyday English words
   (``english_words`` of data/languages.yaml) make it English, one keeps it undecided,
   none lets the detector (lingua, low-accuracy mode, only the languages the data file
   lists) name another language when it is at least ``MIN_CONFIDENCE`` sure; when it is
   not, the words themselves may ("Tengo artritis reumatoide": ordinary Spanish words, by
   wordfreq's lists; ``_by_words``). Two words name a language only when both are its
   ("nicht sicher").

So an English turn with ordinary words pays a regular expression, never the detector. The
detector is built once, on first need (``detector()``), from the languages of
data/languages.yaml: about 0.3 s and 25 MB the first time a Latin-script message needs it
(docs/benchmarks.md). Clinical shorthand without English words ("Lupus 26F, SLEDAI-2K 16")
can look like another language to it, so the engine answers "I read English and Chinese"
only when such a message also gave no facts (``bot.engine``).
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

LANGUAGES_PATH = DATA_DIR / "languages.yaml"
DEFAULT = "en"
MIN_WORDS = 3              # fewer Latin-script words never decide a language
MIN_CONFIDENCE = 0.9       # the detector's confidence to call a message another language
FOREIGN_ZIPF = 3.0         # a word at least this common (wordfreq's Zipf scale) in a language not read …
FOREIGN_MARGIN = 1.5       # … and this much more common there than in English votes for that language
_SECTIONS = {"reads", "names", "english_words", "unread"}

# code point ranges of the East Asian scripts (counted by a loop: a regular expression over
# the CJK block costs ~15 ms to compile at import)
_HAN = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2EBEF))
_KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF))
_HANGUL = ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F))
_LATIN_WORD = re.compile(r"[a-z\u00c0-\u024f\u1e00-\u1eff]+(?:'[a-z]+)?")
_LATIN_WORD_CASED = re.compile(_LATIN_WORD.pattern, re.IGNORECASE)
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_ABBREVIATION = re.compile(r"[A-Z].*[A-Z]")     # "ALT", "HbA1c", "IFX": shorthand, no word of a language
_TRAILING = re.compile(r"[\s.!,;:。！，；：]+$")


@dataclass(frozen=True)
class Languages:
    """data/languages.yaml: the languages read, their names, English words, and the
    "I read English and Chinese" sentence in each language recognised."""

    reads: tuple[str, ...]
    names: dict[str, str]              # a whole message -> the language it chooses
    english_words: frozenset[str]
    unread: dict[str, str]             # language code -> the sentence in that language

    def chosen(self, message: str) -> str | None:
        """The language a whole message names ("中文" -> "zh", "English" -> "en"), else None."""
        return self.names.get(_plain(message))

    def sentence(self, lang: str | None) -> str | None:
        """"I only read English and Chinese" in ``lang``, when the data file has it."""
        return self.unread.get(lang or "")


def _plain(message: str) -> str:
    text = unicodedata.normalize("NFKC", message).replace("\u2019", "'").casefold()
    return _TRAILING.sub("", " ".join(text.split()))


def read_languages(path: Path = LANGUAGES_PATH) -> Languages:
    raw = read_yaml(path)
    where = path.name
    if not isinstance(raw, dict):
        raise DataError(where, "must be a mapping")
    unknown = set(raw) - _SECTIONS
    if unknown:
        raise DataError(f"{where}: {sorted(unknown)[0]}", f"unknown section; known: {', '.join(sorted(_SECTIONS))}")
    reads = _codes(raw.get("reads"), f"{where}: reads")
    if DEFAULT not in reads:
        raise DataError(f"{where}: reads", f"must include {DEFAULT!r}")
    names: dict[str, str] = {}
    raw_names = raw.get("names") or {}
    if not isinstance(raw_names, dict):
        raise DataError(f"{where}: names", "must be a mapping of language -> list of words")
    for lang, words in raw_names.items():
        if lang not in reads:
            raise DataError(f"{where}: names.{lang}", f"not one of the languages read ({', '.join(reads)})")
        for i, word in enumerate(_texts(words, f"{where}: names.{lang}")):
            names[_plain(word)] = lang
    english = frozenset(w.casefold() for w in _texts(raw.get("english_words", []), f"{where}: english_words"))
    unread = raw.get("unread") or {}
    if not isinstance(unread, dict):
        raise DataError(f"{where}: unread", "must be a mapping of language code -> sentence")
    sentences = {}
    for lang, sentence in unread.items():
        if lang in reads or not _code(lang):
            raise DataError(f"{where}: unread.{lang}", "must be the ISO 639-1 code of a language not read")
        if not isinstance(sentence, str) or not sentence.strip():
            raise DataError(f"{where}: unread.{lang}", "must be non-empty text")
        sentences[lang] = sentence.strip()
    return Languages(reads, names, english, sentences)


def _code(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 2 and value.isascii() and value.isalpha() and value.islower()


def _codes(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(_code(v) for v in value):
        raise DataError(where, "must be a list of ISO 639-1 codes (e.g. [en, zh])")
    return tuple(value)


def _texts(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DataError(where, "must be a list of text (quote yes/no/true/false in YAML)")
    return value


@lru_cache(maxsize=1)
def load_languages() -> Languages:
    """The bundled data/languages.yaml, read once per process."""
    return read_languages()


@lru_cache(maxsize=1)
def detector() -> Any:
    """lingua's detector over the languages of data/languages.yaml, built once (low
    accuracy mode: trigram models only, a fraction of the memory and start-up)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = load_languages()
    wanted = []
    for code in (*languages.reads, *languages.unread):
        try:
            wanted.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            raise DataError(f"{LANGUAGES_PATH.name}: unread.{code}", "a language the detector (lingua) does not know") from None
    return LanguageDetectorBuilder.from_languages(*wanted).with_low_accuracy_mode().build()


def _named(text: str, wanted: float = MIN_CONFIDENCE) -> str | None:
    """The detector's language for ``text`` when it is at least ``wanted`` sure."""
    values = detector().compute_language_confidence_values(text)
    if not values or values[0].value < wanted:
        return None
    return values[0].language.iso_code_639_1.name.lower()


def _east_asian(text: str) -> tuple[int, int, int]:
    """How many Chinese characters, kana and hangul ``text`` holds."""
    han = kana = hangul = 0
    if max(text) < "\u1100":
        return 0, 0, 0
    for ch in text:
        code = ord(ch)
        if code < 0x1100:
            continue
        if any(low <= code <= high for low, high in _HAN):
            han += 1
        elif any(low <= code <= high for low, high in _KANA):
            kana += 1
        elif any(low <= code <= high for low, high in _HANGUL):
            hangul += 1
    return han, kana, hangul


def detect(text: str) -> str | None:
    """The language ``text`` is clearly written in (ISO 639-1), else None."""
    if not text:
        return None
    han, kana, hangul = _east_asian(text)
    lowered = unicodedata.normalize("NFKC", text).replace("\u2019", "'").casefold()
    words = _LATIN_WORD.findall(lowered)
    if kana and kana + han >= len(words):
        return "ja"
    if hangul and hangul >= len(words):
        return "ko"
    if han and han >= len(words):
        return "zh"
    latin = len(_LATIN_LETTER.findall(text))
    other = sum(1 for ch in text if ch.isalpha()) - latin - han - kana - hangul
    if other >= 2 and other > latin:
        return _named(text, 0.5) or "und"       # Cyrillic, Arabic, Devanagari …: another language
    english = load_languages().english_words
    if len(words) < MIN_WORDS:
        if len(words) == MIN_WORDS - 1 and not any(w in english for w in words):
            return _foreign_words(text, every=True)     # "nicht sicher", "no sé": both words another language's
        return None
    hits = sum(1 for w in words if w in english)
    if hits >= 2:
        return "en"
    if hits == 1:
        return None
    found = _named(text)
    if found is None:
        found = _foreign_words(text)
    return found if found != "zh" else None


def _foreign_words(text: str, every: bool = False) -> str | None:
    """``_by_words`` over the words of ``text`` that are no clinical shorthand; ``every``:
    only when each word votes for that language."""
    plain = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    written = list(_LATIN_WORD_CASED.finditer(plain))
    return _by_words([m.group().casefold() for m in written if not _shorthand(m, plain)], len(written),
                     _latin_unread(), every=every)


@lru_cache(maxsize=1)
def _latin_unread() -> tuple[str, ...]:
    """The languages not read that are written in Latin letters (their own sentence of
    data/languages.yaml is)."""
    return tuple(lang for lang, sentence in load_languages().unread.items()
                 if len(_LATIN_LETTER.findall(sentence)) * 2 > sum(ch.isalpha() for ch in sentence))


def _shorthand(word: re.Match, text: str) -> bool:
    """A word that is clinical shorthand, no word of a language: capitals inside ("ALT",
    "HbA1c"), or glued to a sign or slash ("+ve", "-ve", "ven/aza")."""
    return bool(_ABBREVIATION.match(word.group())) or (word.start() > 0 and text[word.start() - 1] in "+-/")


def _by_words(words: list[str], count: int, languages: tuple[str, ...], every: bool = False) -> str | None:
    """A short message the detector is unsure of ("Tengo artritis reumatoide", "Ma fille a
    un lupus") named by its words: a third of the ``count`` words (two at least) are
    ordinary words of one language not read (wordfreq's small lists: at least
    ``FOREIGN_ZIPF`` there and ``FOREIGN_MARGIN`` more common than in English), and none
    is an ordinary English word far rarer there. That language (the one most words belong
    to, then the one they are most common in), else None. Place names ("San Diego
    California") and medical words are as common in English: they never count."""
    from wordfreq import available_languages, zipf_frequency   # start-up: 0.2 s, only for such messages

    known = [lang for lang in languages if lang in available_languages(wordlist="small")]
    votes = {lang: 0 for lang in known}
    weight = dict.fromkeys(known, 0.0)
    english_ones = dict.fromkeys(known, 0)      # words far more common in English than there
    for word in words:
        english = zipf_frequency(word, DEFAULT, wordlist="small")
        for lang in known:
            zipf = zipf_frequency(word, lang, wordlist="small")
            weight[lang] += zipf
            if zipf >= FOREIGN_ZIPF and zipf >= english + FOREIGN_MARGIN and len(word) > 1:
                votes[lang] += 1
            elif english >= FOREIGN_ZIPF and english >= zipf + FOREIGN_MARGIN:
                english_ones[lang] += 1
    best = max(known, key=lambda lang: (votes[lang], weight[lang]), default=None)
    if best is None or votes[best] < 2 or votes[best] * 3 < count or english_ones[best] or (every and votes[best] < count):
        return None
    return best


def latin_script(text: str) -> bool:
    """Most of ``text``'s letters are Latin ("Rio de Janeiro", not "Москва")."""
    letters = sum(1 for ch in text if ch.isalpha())
    return letters > 0 and len(_LATIN_LETTER.findall(text)) * 2 > letters


def switched(text: str, current: str | None) -> str | None:
    """The language the conversation moves to with this message: a language read that the
    message is clearly in and that differs from ``current``; else None (it stays)."""
    found = detect(text)
    reads = load_languages().reads
    if found in reads and found != (current or DEFAULT):
        return found
    return None
