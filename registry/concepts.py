"""Registry names -> terminology concept ids (``data/condition_names.py``), and target
antigens in intervention names. The importers keep every name as written in
``conditions_text``."""
from __future__ import annotations

from data.condition_names import condition_concept, condition_concepts  # noqa: F401  (the importers' names)
from registry.patterns import load_patterns


def target_antigens(name: str | None) -> list[str]:
    """Antigens named in an intervention name, as written ("CD19/BCMA CAR T-cells" -> CD19, BCMA)."""
    found: list[str] = []
    for match in load_patterns().antigens.finditer(name or ""):
        if match.group(0) not in found:
            found.append(match.group(0))
    return found
