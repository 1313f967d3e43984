"""Third-party packages imported without the parts trialbot never runs.

Start-up is mostly imports, and some packages import far more than they use:

- spaCy's ``__init__`` (3.x) ends with ``from .cli.info import info``: to offer
  ``spacy.info()`` it imports the whole ``spacy.cli`` package, every training, packaging
  and download command with typer, weasel, requests and jinja2 (about 0.27 s). And
  ``spacy.util`` imports ``langcodes``, whose import compiles a regular expression of
  every language tag (about 0.05 s), used only to match a language code spaCy does not
  know (trialbot builds its English pipeline directly). spaCy, thinc and confection use
  pydantic's version 1 API (``pydantic.v1``), but importing it runs pydantic 2's
  ``__init__`` first, with pydantic-core (about 0.045 s). Its training loggers import
  tqdm (about 0.01 s) for progress bars of training runs. And every new pipeline imports
  each package offering spaCy a component: pysbd's ``__init__`` loads its sentence
  rules for 22 languages (about 0.02 s) for a component trialbot does not add.
- medspaCy and NLTK: see nlp/medspacy_context.py.

``install()`` (run by ``nlp/__init__``, before anything of ours imports spaCy) adds an
import hook for the ``spacy`` package alone. While spaCy's ``__init__`` runs,
``spacy.cli.info`` is a stand-in whose ``info`` imports the real one when called, and
``langcodes``, ``pydantic``, ``pysbd`` and ``tqdm`` are *lazy packages* (``lazy_package``): their
submodules (``pydantic.v1``) import as usual. Once the ``__init__`` is done the
stand-in is gone, so ``import spacy.cli`` and ``spacy.info()`` load the real command line as
usual; the lazy packages run their ``__init__`` on first use. No package's code is changed; if a
spaCy version stops importing these at start, the hook changes nothing.
"""
from __future__ import annotations

import importlib.util
import sys
import threading
import types
from typing import Any

SPACY = "spacy"
SPACY_CLI_INFO = "spacy.cli.info"
# imported by spaCy (at import, or for its component registry), used only on paths
# trialbot does not take
LAZY_FOR_SPACY = ("langcodes", "pydantic", "pysbd", "tqdm")


def install() -> None:
    """Hook spaCy's next import (nothing to do once spaCy is imported)."""
    if SPACY in sys.modules or any(isinstance(f, _SpacyFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _SpacyFinder())


def lazy_package(name: str) -> None:
    """Put package ``name`` in ``sys.modules`` without running its ``__init__``: its
    submodules import as usual, and the first use of a name it does not hold yet (PEP 562
    ``__getattr__``) runs the ``__init__``, once. Already imported, or not a package:
    nothing is done."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    package = importlib.util.module_from_spec(spec)
    completing = threading.Lock()

    def complete(attribute: str):
        with completing:
            if package.__dict__.pop("__getattr__", None) is not None:
                spec.loader.exec_module(package)      # the package's own __init__
        return getattr(package, attribute)

    package.__getattr__ = complete
    sys.modules[name] = package


def spacy_info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``: spaCy's ``spacy.cli.info.info``, imported when first called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


class _SpacyFinder:
    """A ``sys.meta_path`` finder: finds ``spacy`` as the other finders do, with its
    loader wrapped; used once. (No importlib.abc base: importing it costs 15 ms.)"""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None):
        if fullname != SPACY:
            return None
        try:
            sys.meta_path.remove(self)
        except ValueError:                 # another thread got here first
            pass
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _SpacyLoader(spec.loader)
        return spec


class _SpacyLoader:
    """Runs spaCy's ``__init__`` with the ``spacy.cli.info`` stand-in and the lazy
    packages, then puts spaCy's own loader back on the module."""

    def __init__(self, loader: Any):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        for name in LAZY_FOR_SPACY:
            lazy_package(name)
        stand_in = types.ModuleType(SPACY_CLI_INFO, "Stand-in for spacy.cli.info while spaCy's __init__ runs.")
        stand_in.info = spacy_info
        sys.modules.setdefault(SPACY_CLI_INFO, stand_in)
        try:
            self.loader.exec_module(module)
        finally:
            if sys.modules.get(SPACY_CLI_INFO) is stand_in:
                del sys.modules[SPACY_CLI_INFO]
            module.__loader__ = self.loader
            if module.__spec__ is not None:
                module.__spec__.loader = self.loader

    def __getattr__(self, name: str) -> Any:           # get_resource_reader, is_package…
        return getattr(self.loader, name)
