"""Print the clinical facts found in a text: conditions, therapies (and whether they
failed, were not tolerated or are current), labs with normalised units, scores,
infections, markers, age, sex, weight, pregnancy, place, and when.

Reads FILE, or standard input when FILE is omitted or "-". With --json, prints a list of
objects (text, start, end, label, concept, negated, historical, hypothetical, family,
uncertain, value, unit, value_normalized, unit_normalized, comparator, uln_multiple,
status, date, duration_days, implausible).

Example:
  echo "35F with lupus, tried cellcept, didn't work; creatinine 265 umol/L" | python bot.py extract --json
"""
from __future__ import annotations

import argparse
import json
import sys

from bot.normalise import normalise_input
from data.terminology import load_terminology
from nlp.pipeline import extract

HELP = "print the clinical facts found in a text (table or --json)"

MAX_CHARS = 100_000
EXIT_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", default="-", metavar="FILE", help="text file to read (default: standard input)")
    parser.add_argument("--json", action="store_true", help="print a JSON list of facts")


def _error(message: str) -> int:
    print(f"trialbot: error: {message}", file=sys.stderr)
    return EXIT_INPUT


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read(MAX_CHARS * 4 + 1)
    with open(path, "rb") as handle:
        return handle.read(MAX_CHARS * 4 + 1)


def _decode(raw: bytes) -> str | None:
    if b"\x00" in raw:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _flags(fact) -> str:
    names = ("negated", "historical", "hypothetical", "family", "uncertain", "implausible")
    return ",".join(n for n in names if getattr(fact, n)) or "-"


def _measure(fact) -> str:
    parts = []
    if fact.value is not None:
        written = f"{fact.comparator or ''}{fact.value:g}{(' ' + fact.unit) if fact.unit else ''}"
        parts.append(written)
        if fact.value_normalized is not None and fact.unit_normalized is not None and (
            fact.unit_normalized != fact.unit or fact.value_normalized != fact.value
        ):
            parts.append(f"= {fact.value_normalized:g} {fact.unit_normalized}".rstrip())
    if fact.uln_multiple is not None:
        parts.append(f"{fact.comparator or ''}{fact.uln_multiple:g}x ULN")
    return " ".join(parts) or "-"


def _when(fact) -> str:
    parts = []
    if fact.date:
        parts.append(fact.date)
    if fact.duration_days is not None:
        parts.append(f"for {_span(fact.duration_days)}")
    return " ".join(parts) or "-"


def _span(days: float) -> str:
    """A duration as people say it ("9 months", "2 years", "10 days"); --json keeps the days."""
    from core import durations  # start-up: only for a fact with a duration

    for unit, least in (("year", 365), ("month", 30), ("week", 14)):
        if days >= least:
            count = durations.in_unit(days, unit)
            if abs(count - round(count)) < 0.05:
                return f"{round(count)} {unit}{'s' if round(count) != 1 else ''}"
    return f"{days:.0f} days" if days == round(days) else f"{days:.1f} days"


def _table(facts) -> str:
    header = ("label", "concept", "text", "flags", "value", "status", "when")
    rows = [header] + [
        (f.label, f.concept, f.text, _flags(f), _measure(f), f.status or "-", _when(f)) for f in facts
    ]
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows)


def run(args: argparse.Namespace) -> int:
    try:
        raw = _read(args.file)
    except OSError as exc:
        return _error(f"cannot read {args.file}: {exc.strerror or exc}")
    text = _decode(raw)
    if text is None:
        return _error("the input is not UTF-8 text (binary data?)")
    if len(text) > MAX_CHARS:
        return _error(f"the input is too long (more than {MAX_CHARS} characters); split it into smaller parts")
    if not text.strip():
        return _error("no text to read (the input is empty)")

    facts = load_terminology().shown(extract(normalise_input(text)))     # matching's markers are no findings
    if args.json:
        json.dump([f.to_dict() for f in facts], sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif facts:
        print(_table(facts))
    else:
        print("no facts found")
    return 0
