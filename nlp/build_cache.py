"""What building the pipeline derives from installed packages, kept between runs in one
JSON file (the chat keeps it beside its database, ``beside(db_path)``) and in the user's
cache folder (``shared()``: ``$TRIALBOT_CACHE_DIR``, else ``$XDG_CACHE_HOME/trialbot``, else
``~/.cache/trialbot``), which a build with no file of its own (a fresh database, a benchmark)
starts from:

* ``tokens``: how the clinical tokenizer splits each fixed phrase the build tokenizes
  (terminology terms in three casings, ConText cue literals); with them the term
  matcher makes a Doc for each distinct split only (about 0.15 s less);
* ``common_words``: wordfreq's most frequent English words (importing wordfreq and
  reading its list take about 0.3 s).

Each entry is a function of its key alone while its section's fingerprint holds (tokens:
the spaCy and Python versions and the source of ``nlp/tokenizer.py``; words: the wordfreq
version), so an edited data file only adds keys: an entry's key is the very phrase it splits,
so no change of the data files can make a stale entry answer (a hash of the data files
would only throw good entries away). A rewrite keeps just the entries the last build used.
A missing, unreadable, corrupt or stale file, or a bad entry, is ignored and built afresh; a
folder that cannot be written to only means no cache. Nothing is fetched.

Why the user's folder and not a file inside the package: an installed wheel's folder may be
read-only, and the tokens depend on the spaCy and Python of the installation, which a
pure-Python wheel does not know when it is built; the first build of an installation writes
the user's file, every later one (any database) reads it.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from data.settings import SETTINGS

log = logging.getLogger(__name__)

FORMAT = 1
SUFFIX = ".nlp-cache.json"
SHARED_NAME = "nlp-build-cache.json"


def beside(db_path: str | os.PathLike | None) -> Path | None:
    """The cache file for the database at ``db_path`` (None for an in-memory database)."""
    if not db_path or str(db_path) == ":memory:" or str(db_path).startswith("file:"):
        return None
    return Path(str(db_path) + SUFFIX)


def shared() -> Path | None:
    """The user's cache file, read by a build whose own file is missing or stale (None when
    ``$TRIALBOT_CACHE_DIR`` is set empty: no shared cache)."""
    folder = os.environ.get(SETTINGS["cache_dir"].name)        # (set empty means none: read here)
    if folder is not None:
        return Path(folder) / SHARED_NAME if folder else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:                    # no home folder known: no shared cache
            return None
    return Path(base) / "trialbot" / SHARED_NAME


def _tokens_fingerprint() -> str:
    import hashlib

    import spacy

    from nlp import tokenizer  # start-up: spaCy only once text is read

    source = Path(tokenizer.__file__).read_bytes()
    python = ".".join(map(str, sys.version_info[:3]))      # its re module and Unicode tables
    return f"spacy {spacy.__version__}; python {python}; tokenizer {hashlib.sha256(source).hexdigest()[:16]}"


def _words_fingerprint() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"wordfreq {version('wordfreq')}"
    except PackageNotFoundError:
        return "wordfreq ?"


class BuildCache:
    """One build's view of the cache file at ``path`` (None: no file of its own) and of the
    user's file ``shared`` (None: none), read when ``path`` gives no usable section; with
    neither everything is built."""

    def __init__(self, path: Path | None, shared: Path | None = None):
        self.path = path
        self.shared = shared
        self.tokens_key = _tokens_fingerprint()
        self.words_key = _words_fingerprint()
        self._tokens: dict[str, Any] = {}
        self._words: dict[str, Any] = {}
        self._used_tokens: dict[str, list] = {}
        self._used_words: dict[str, list[str]] = {}
        self._dirty = path is not None
        self._missed = False                    # an entry this build derived itself
        tokens = words = None
        if path is not None:
            tokens, words, readable = self._read(path)
            if readable:
                self._dirty = False
        self._shared_stale = shared is not None
        if shared is not None and (tokens is None or words is None):
            shared_tokens, shared_words, _ = self._read(shared)
            self._shared_stale = shared_tokens is None or shared_words is None
            tokens = tokens if tokens is not None else shared_tokens
            words = words if words is not None else shared_words
        elif shared is not None:
            self._shared_stale = not shared.exists()
        self._tokens = tokens or {}
        self._words = words or {}

    def _read(self, path: Path) -> tuple[dict | None, dict | None, bool]:
        """(tokens, common words, whether the file was of this format) of ``path``: a
        section of another fingerprint, or of no file, is None."""
        try:
            doc = json.loads(path.read_bytes())
        except FileNotFoundError:
            return None, None, False
        except (OSError, ValueError) as exc:           # unreadable or not JSON: rebuilt
            log.info("nlp build cache %s ignored (%s)", path, type(exc).__name__)
            return None, None, False
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            return None, None, False
        tokens = doc["tokens"] if doc.get("tokens_key") == self.tokens_key and isinstance(doc.get("tokens"), dict) else None
        words = (doc["common_words"] if doc.get("words_key") == self.words_key and isinstance(doc.get("common_words"), dict)
                 else None)
        return tokens, words, True

    # --- tokens ----------------------------------------------------------------------
    @contextmanager
    def tokenizing(self, nlp) -> Iterator[None]:
        """While inside, ``nlp.make_doc``/``nlp(text)`` answer from the cache: the same
        tokens, with every lexical attribute (ORTH, LOWER, SHAPE …) but not the NORM a
        tokenizer exception may set; the build's phrase matchers read ORTH and LOWER.
        Only the build runs inside: no user's text is ever cached."""
        real = nlp.tokenizer
        nlp.tokenizer = _CachedTokenizer(real, self)
        try:
            yield
        finally:
            nlp.tokenizer = real

    def _tokens_of(self, text: str, tokenizer) -> tuple[list[str], list[bool]]:
        entry = self._tokens.get(text)
        if entry is None or not _valid_tokens(entry, text):
            doc = tokenizer(text)
            entry = [[t.text for t in doc], "".join("1" if t.whitespace_ else "0" for t in doc)]
            self._dirty = self._missed = True
        self._used_tokens[text] = entry
        return entry[0], [flag == "1" for flag in entry[1]]

    # --- common words ----------------------------------------------------------------
    def common_words(self, count: int, compute: Callable[[int], frozenset[str]], name: str = "") -> frozenset[str]:
        """``compute(count)``, or the list it gave last time (``name``: a list other than the
        English one, kept under its own key: "de,es:2000")."""
        key = f"{name}:{count}" if name else str(count)
        words = self._words.get(key)
        if not (isinstance(words, list) and words and all(isinstance(w, str) for w in words)):
            words = sorted(compute(count))
            self._dirty = self._missed = True
        self._used_words[key] = words
        return frozenset(words)

    # --- writing ---------------------------------------------------------------------
    def save(self) -> None:
        """Write the file when this build added to it or left entries unused, and the
        user's file when it was missing or stale or this build derived an entry (each
        atomically; a failure is logged, never raised)."""
        if self.path is None and self.shared is None:
            return
        doc = {"format": FORMAT, "tokens_key": self.tokens_key, "tokens": self._used_tokens,
               "words_key": self.words_key, "common_words": self._used_words}
        if self.path is not None and (self._dirty or set(self._used_tokens) != set(self._tokens)
                                      or set(self._used_words) != set(self._words)):
            _write(self.path, doc)
        if self.shared is not None and (self._missed or self._shared_stale):
            try:
                self.shared.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                log.info("nlp build cache folder %s not made (%s)", self.shared.parent, type(exc).__name__)
                return
            _write(self.shared, doc)


def _write(path: Path, doc: dict) -> None:
    import tempfile                 # (here: the chat imports this module only for ``beside``)

    try:
        handle, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(doc, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError as exc:
        log.info("nlp build cache not written to %s (%s)", path, type(exc).__name__)


class _CachedTokenizer:
    """The real tokenizer, answering texts it split before from the cache."""

    def __init__(self, tokenizer, cache: BuildCache):
        self.tokenizer = tokenizer
        self.cache = cache

    def __call__(self, text: str):
        from spacy.tokens import Doc

        words, spaces = self.tokens(text)
        return Doc(self.tokenizer.vocab, words=words, spaces=spaces)

    def tokens(self, text: str) -> tuple[list[str], list[bool]]:
        """(words, spaces) of ``text`` without making a Doc when the cache knows it
        (nlp.tokenizer.phrase_tokens)."""
        return self.cache._tokens_of(text, self.tokenizer)


def _valid_tokens(entry: Any, text: str) -> bool:
    """A [words, spaces] pair that spells ``text`` exactly."""
    if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], list) and isinstance(entry[1], str)):
        return False
    words, spaces = entry
    if len(words) != len(spaces) or not all(isinstance(w, str) and w for w in words):
        return False
    return "".join(w + (" " if s == "1" else "") for w, s in zip(words, spaces)) == text
