"""Build dev.jsonl and test.jsonl from the marked-up messages of messages.txt.

    python tests/data/gold/chinese/build.py

A mention is ``[span|LABEL:concept;key=value;...]`` (keys and label letters at the top of
messages.txt); ``[span|-]`` is plain text (a word left unannotated on purpose). The split is
60/40 within each voice after a seeded shuffle, made once before the extractor was tuned:
rebuilding keeps every message's id and file as long as messages.txt only grows at the end.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 19
DEV_SHARE = 0.6
LABELS = {"C": "CONDITION", "D": "DRUG", "P": "PROCEDURE", "L": "LAB", "S": "SCORE", "I": "INFECTION",
          "B": "BIOMARKER", "A": "AGE", "X": "SEX", "G": "PREGNANCY", "W": "WEIGHT", "O": "LOCATION"}
KEYS = {"a": "assertion", "e": "experiencer", "t": "time", "s": "status", "v": "value", "u": "unit", "c": "comparator"}
VOICES = {"p": "patient", "r": "relative", "c": "clinician"}
MENTION = re.compile(r"\[([^\[\]|]+)\|([^\[\]]+)\]")


def parse(marked: str) -> tuple[str, list[dict]]:
    text, entities, cursor = "", [], 0
    for match in MENTION.finditer(marked):
        text += marked[cursor:match.start()]
        span, spec = match.group(1), match.group(2)
        start = len(text)
        text += span
        cursor = match.end()
        if spec == "-":
            continue
        head, *pairs = spec.split(";")
        letter, concept = head.split(":", 1)
        entity = {"start": start, "end": len(text), "label": LABELS[letter], "concept": concept,
                  "assertion": "present", "experiencer": "patient", "time": "current"}
        for pair in pairs:
            key, value = pair.split("=", 1)
            if key == "v":
                entity["value"] = float(value) if "." in value else int(value)
            elif key == "e":
                entity["experiencer"] = "family" if value == "family" else value
            else:
                entity[KEYS[key]] = value
        entities.append(entity)
    text += marked[cursor:]
    return text, entities


def main() -> None:
    rows = []
    for line in (HERE / "messages.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        voice, marked = line.split(" | ", 1)
        text, entities = parse(marked.strip())
        rows.append({"voice": VOICES[voice], "text": text, "entities": entities})
    dev, test = [], []
    for voice in VOICES.values():
        group = [r for r in rows if r["voice"] == voice]
        random.Random(f"{SEED}-{voice}").shuffle(group)
        cut = round(len(group) * DEV_SHARE)
        dev += group[:cut]
        test += group[cut:]
    order = {id(r): i for i, r in enumerate(rows)}
    for name, part, prefix, width in (("dev.jsonl", dev, "zh-", 4), ("test.jsonl", test, "zh-t", 3)):
        part.sort(key=lambda r: order[id(r)])
        with open(HERE / name, "w", encoding="utf-8") as out:
            for number, row in enumerate(part, 1):
                out.write(json.dumps({"id": f"{prefix}{number:0{width}d}", **row}, ensure_ascii=False) + "\n")
    print(f"{len(dev)} dev, {len(test)} test")


if __name__ == "__main__":
    main()
