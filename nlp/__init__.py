"""nlp/: text -> typed facts. ``extract`` (re-exported from nlp.pipeline) is the entry point;
importing this package loads nothing heavy (the pipeline is built on first use)."""
from nlp.pipeline import extract, profile_from_messages

__all__ = ["extract", "profile_from_messages"]
