"""Check the Chinese gold set and print its counts, with the checks of the conversation set
(``../conversation/validate.py``: spans, labels, concepts, attribute values).

    python tests/data/gold/chinese/validate.py
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("conversation_validate", HERE.parent / "conversation" / "validate.py")
checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checks)
checks.HERE = HERE
checks.FILES = {"dev.jsonl": re.compile(r"zh-\d{4}"), "test.jsonl": re.compile(r"zh-t\d{3}")}

if __name__ == "__main__":
    sys.exit(checks.main())
