"""nlp/: text -> typed facts. ``extract`` (re-exported from nlp.pipeline) is the entry point;
importing this package loads nothing heavy (the pipeline is built on first use). spaCy,
when something imports it, comes without the parts trialbot never runs (nlp/lazy_imports.py)."""
from nlp import lazy_imports

lazy_imports.install()

from nlp.pipeline import extract, profile_from_messages  # noqa: E402

__all__ = ["extract", "profile_from_messages"]
