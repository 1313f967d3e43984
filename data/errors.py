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

    def __reduce__(self):          # picklable (it crosses from the extraction process)
        return (type(self), (self.where, self.message))


def check_fields(mapping: dict, allowed, where: str, required=()) -> None:
    """Reject unknown and missing fields of a data-file entry, naming the first one:
    ``where.field: unknown field; allowed: ...`` or ``where.field: required field is missing``."""
    unknown = set(mapping) - set(allowed)
    if unknown:
        raise DataError(f"{where}.{sorted(unknown)[0]}", f"unknown field; allowed: {', '.join(sorted(allowed))}")
    missing = set(required) - set(mapping)
    if missing:
        raise DataError(f"{where}.{sorted(missing)[0]}", "required field is missing")
