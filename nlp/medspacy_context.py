"""medspaCy's ConText, imported without the parts of medspaCy the pipeline does not use.

``import medspacy.context`` first runs ``medspacy/__init__``, which imports every medspaCy
component (PyRuSH sentence splitter, target matcher, sectionizer, pre- and post-processors,
I/O) and then sets medspaCy's span extensions; and ConText's own modules import
``medspacy.util``, which imports QuickUMLS, which runs ``import nltk``: NLTK's
``__init__`` imports nearly all of NLTK. Together about 0.4 s of the chat's start-up, for
code the pipeline never calls (QuickUMLS touches NLTK only when it runs).

``load_context()`` makes the ``medspacy`` and ``nltk`` package modules without running
their ``__init__`` (*lazy packages*), imports ``medspacy.context`` and sets medspaCy's
span extensions itself (ConText's ``max_scope`` reads ``Span._.window``). ConText is the
same code either way. The packages stay whole for anyone else: the first use of a name a
lazy package does not hold yet (``medspacy.load``, ``nltk.corpus``, ``from medspacy
import components``) runs its ``__init__`` then.
"""
from __future__ import annotations

import importlib
import threading
from types import ModuleType

from nlp.lazy_imports import lazy_package

PACKAGE = "medspacy"
# imported by medspaCy's modules at import time, used only when a component runs
LAZY_PACKAGES = (PACKAGE, "nltk")
_lock = threading.Lock()


def load_context() -> ModuleType:
    """The ``medspacy.context`` module (registers the ``medspacy_context`` factory)."""
    with _lock:
        for name in LAZY_PACKAGES:
            lazy_package(name)
        context = importlib.import_module(f"{PACKAGE}.context")
        importlib.import_module(f"{PACKAGE}._extensions").set_extensions()   # idempotent
        return context
