"""Errors raised when data files are wrong: small, named, and actionable."""
from __future__ import annotations


class DataError(ValueError):
    """A data file (terminology, trial record, import) is invalid.

    ``where`` names the file and the field (``"NCT05030779.yaml: criteria[3].rule.type"``).
    """

    def __init__(self, where: str, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")
