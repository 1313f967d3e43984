"""The criteria reader's version: a stamp on every imported record saying which reader wrote
its rules, so a changed reader re-reads the criteria of stored trials (``registry.reparse``,
run by ``sync`` and ``import --reparse``).

The version is a digest of what decides an imported rule: the code of the extraction
pipeline and of the criteria compiler (``nlp/``), the shared rule language (``core/``), the
splitter (``registry/criteria_text.py``) and the data they read (``data/nlp``,
``data/terminology``, ``data/patterns``, the cue, heading and import pattern files). Any
change to one of them gives a new version; nobody has to remember to bump a number.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import core
import nlp
from data.files import DATA_DIR

_REGISTRY = Path(__file__).resolve().parent
# (folder, file name pattern) read recursively, in sorted order
_SOURCES = (
    (Path(nlp.__file__).resolve().parent, "*.py"),
    (Path(core.__file__).resolve().parent, "*.py"),
    (DATA_DIR / "nlp", "*"),
    (DATA_DIR / "terminology", "*.yaml"),
    (DATA_DIR / "patterns", "*"),
)
_FILES = (
    _REGISTRY / "criteria_text.py",
    DATA_DIR / "import_patterns.yaml",
    DATA_DIR / "criteria_headings.yaml",
    DATA_DIR / "context_rules.json",
    DATA_DIR / "evidence.yaml",      # implied_by_therapy: the medicines of a background-drug exclusion (h172)
)
LENGTH = 12   # hex digits kept


def reader_files() -> list[Path]:
    """Every file the version is a digest of, in a fixed order."""
    found: list[Path] = []
    for folder, pattern in _SOURCES:
        found += sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    found += [p for p in _FILES if p.is_file()]
    return found


def _name(path: Path) -> str:
    """The path from the project's root (the same wherever the project lives)."""
    for root in (DATA_DIR.parent, _REGISTRY.parent):
        if root in path.parents:
            return path.relative_to(root).as_posix()
    return path.name


@lru_cache(maxsize=1)
def reader_version() -> str:
    """The current criteria reader's version (hex digits), computed once per process."""
    digest = hashlib.sha256()
    for path in reader_files():
        digest.update(_name(path).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:LENGTH]
