"""The extraction benchmark: precision, recall and F1 on the hand-annotated gold set
(tests/data/gold/*.jsonl), and throughput.

Matching rule: a predicted fact is a true positive when its character span, label and
concept all equal a gold entity's (exact match; each gold entity matches at most once).
Any other predicted fact is a false positive, any unmatched gold entity a false negative.
On the matched pairs, the attributes a gold entity states (negated, family, status, value,
value_normalized, date …) are compared separately and reported as attribute accuracy
(numbers within 0.5 %). Relative times are anchored at ``GOLD_TODAY``.

Throughput is sentences per second through ``extract_many`` (spaCy ``nlp.pipe``, one
process, one thread), the pipeline built beforehand; the best of a few timed passes over
the gold sentences is reported, measured in CPU seconds of this process (so other work on
a shared machine does not distort the one-core figure) and, for reference, in wall time.

Example: python bot.py bench extraction
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.assertion import bench_assertion, status_concepts, without_unannotated_statuses
from benchmarks.stats import Counts, percentiles
from data.terminology import load_terminology
from nlp.extraction_process import ExtractionProcess
from nlp.pipeline import build_pipeline, extract, extract_many

GOLD_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "gold"
GOLD_TODAY = date(2025, 6, 1)
_KEY_FIELDS = ("start", "end", "label", "concept")
_NUMERIC = ("value", "value_normalized", "uln_multiple", "duration_days")


@dataclass
class Report:
    overall: Counts = field(default_factory=Counts)
    labels: dict[str, Counts] = field(default_factory=dict)
    files: dict[str, Counts] = field(default_factory=dict)
    attributes: dict[str, list[int]] = field(default_factory=dict)  # name -> [right, total]
    errors: list[dict[str, Any]] = field(default_factory=list)
    sentences: int = 0


def load_gold(directory: Path = GOLD_DIR) -> list[dict[str, Any]]:
    """Every annotated sentence of the gold set, in file order."""
    rows = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                row = json.loads(line)
                row["where"] = f"{path.name}:{number}"
                rows.append(row)
    return rows


def _same(name: str, expected: Any, got: Any) -> bool:
    if name in _NUMERIC and expected is not None and got is not None:
        return abs(float(expected) - float(got)) <= max(0.005 * abs(float(expected)), 1e-6)
    return expected == got


def score(gold: list[dict[str, Any]], predicted: list[list[Any]]) -> Report:
    """Compare predicted facts (one list per gold sentence) with the gold entities."""
    report = Report(sentences=len(gold))
    for row, facts in zip(gold, predicted):
        remaining = {tuple(e[k] for k in _KEY_FIELDS): e for e in row["entities"]}
        per_file = report.files.setdefault(row["where"].split(":")[0], Counts())
        for fact in facts:
            key = (fact.start, fact.end, fact.label, fact.concept)
            counts = report.labels.setdefault(fact.label, Counts())
            entity = remaining.pop(key, None)
            if entity is None:
                counts.fp += 1
                per_file.fp += 1
                report.overall.fp += 1
                report.errors.append({"where": row["where"], "kind": "fp", "text": fact.text, "label": fact.label, "concept": fact.concept})
                continue
            counts.tp += 1
            per_file.tp += 1
            report.overall.tp += 1
            for name, expected in entity.items():
                if name in _KEY_FIELDS:
                    continue
                tally = report.attributes.setdefault(name, [0, 0])
                tally[1] += 1
                got = getattr(fact, name, None)
                if _same(name, expected, got):
                    tally[0] += 1
                else:
                    report.errors.append({"where": row["where"], "kind": "attribute", "text": fact.text, "attribute": name,
                                          "expected": expected, "got": got})
        for entity in remaining.values():
            report.labels.setdefault(entity["label"], Counts()).fn += 1
            per_file.fn += 1
            report.overall.fn += 1
            report.errors.append({"where": row["where"], "kind": "fn", "text": row["text"][entity["start"]:entity["end"]],
                                  "label": entity["label"], "concept": entity["concept"]})
    return report


def evaluate(directory: Path = GOLD_DIR) -> Report:
    """Run the pipeline over the gold set and score it."""
    gold = load_gold(directory)
    predicted = list(extract_many((row["text"] for row in gold), today=GOLD_TODAY))
    statuses = status_concepts(load_terminology())
    return score(gold, [without_unannotated_statuses(row.get("entities", []), facts, statuses)
                        for row, facts in zip(gold, predicted)])


def throughput(texts: list[str], passes: int = 3, min_seconds: float = 1.0) -> tuple[float, float]:
    """(CPU-time, wall-time) sentences per second through the built pipeline, each the
    best of ``passes`` timed runs of at least ``min_seconds`` CPU time."""
    build_pipeline()
    list(extract_many(texts[:20], today=GOLD_TODAY))  # warm caches
    best_cpu = best_wall = 0.0
    for _ in range(passes):
        count, cpu0, wall0 = 0, time.process_time(), time.perf_counter()
        while True:
            for _facts in extract_many(texts, today=GOLD_TODAY):
                count += 1
            cpu = time.process_time() - cpu0
            if cpu >= min_seconds:
                break
        wall = time.perf_counter() - wall0
        best_cpu, best_wall = max(best_cpu, count / cpu), max(best_wall, count / wall)
    return best_cpu, best_wall


def message_latency(texts: list[str], passes: int = 3) -> dict[str, dict[str, float]]:
    """Milliseconds per text (p50, p95) extracted in this process and through the chat's
    extraction process (nlp/extraction_process.py), alternately: the difference is what
    the pipe between the two processes costs."""
    worker = ExtractionProcess().start()
    try:
        worker.wait()
        extract(texts[0], today=GOLD_TODAY)
        here: list[float] = []
        there: list[float] = []
        for _ in range(passes):
            for text in texts:
                began = time.perf_counter()
                extract(text, today=GOLD_TODAY)
                middle = time.perf_counter()
                worker(text, today=GOLD_TODAY)
                here.append(middle - began)
                there.append(time.perf_counter() - middle)
    finally:
        worker.close()

    def summary(seconds: list[float]) -> dict[str, float]:
        ms = [s * 1000 for s in seconds]
        return percentiles(ms, (50, 95), digits=2, count_and_max=False)      # nearest rank (benchmarks/stats.py)

    return {"in_process_ms": summary(here), "extraction_process_ms": summary(there)}


def bench_extraction(args: Any = None) -> dict[str, Any]:

    """The `bench extraction` suite: P/R/F1 per label and overall, attribute accuracy,
    throughput, and per-message latency in and out of the chat's extraction process."""
    gold = load_gold()
    report = evaluate()
    speed, wall_speed = throughput([row["text"] for row in gold])
    latency = message_latency([row["text"] for row in gold])
    overall = report.overall.as_dict()
    per_label = {label: counts.as_dict() for label, counts in sorted(report.labels.items())}
    attributes = {name: round(right / total, 4) for name, (right, total) in sorted(report.attributes.items())}
    table: list[tuple[str, Any]] = [
        ("gold sentences", report.sentences),
        ("gold entities", report.overall.tp + report.overall.fn),
        ("overall precision", overall["precision"]),
        ("overall recall", overall["recall"]),
        ("overall F1", overall["f1"]),
    ]
    per_file = {name: counts.as_dict() for name, counts in sorted(report.files.items())}
    for name, values in per_file.items():
        table.append((f"F1 on {name} (n)", f"{values['f1']:.3f} ({values['support']})"))
    for label, values in per_label.items():
        table.append((f"{label} P/R/F1 (n)", f"{values['precision']:.3f} / {values['recall']:.3f} / {values['f1']:.3f} ({values['support']})"))
    for name, accuracy in attributes.items():
        right, total = report.attributes[name]
        table.append((f"attribute {name}", f"{accuracy:.3f} ({right}/{total})"))
    table.append(("sentences per second (CPU time, one core)", round(speed)))
    table.append(("sentences per second (wall time)", round(wall_speed)))
    for name, label in (("in_process_ms", "in this process"), ("extraction_process_ms", "in the chat's extraction process")):
        table.append((f"ms per sentence {label} (p50 / p95)", f"{latency[name]['p50']} / {latency[name]['p95']}"))
    assertion = bench_assertion(args)     # the gold sets that annotate assertion (issue #13)
    table += [(f"assertion gold: {name}", value) for name, value in assertion.get("table", [])]
    return {
        **overall,
        "assertion": {k: v for k, v in assertion.items() if k != "table"},
        "per_label": per_label,
        "per_file": per_file,
        "attributes": attributes,
        "sentences": report.sentences,
        "sentences_per_second": round(speed, 1),
        "sentences_per_second_wall": round(wall_speed, 1),
        "message_latency": latency,
        "table": table,
    }
