"""Where bundled data lives, and how data files are read."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from data.errors import DataError

DATA_DIR = Path(__file__).resolve().parent
# libyaml's safe loader when PyYAML was built with it (about 10 times faster at start-up)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning parser errors into a DataError naming the file and line."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path.name}:{mark.line + 1}" if mark else path.name
        raise DataError(where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(path.name, f"cannot be read ({exc})") from None
