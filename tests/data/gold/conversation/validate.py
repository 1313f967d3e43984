"""Check the conversation gold set and print its counts.

    python tests/data/gold/conversation/validate.py

Checks: every line parses; ids are unique and follow conv-NNNN (dev) / conv-tNNN (test);
text[start:end] is a non-empty span without surrounding blanks; spans do not overlap;
labels are fact labels; concepts are terminology ids of the label's category (or, marked
"new_concept": true, ids of new_concepts.yaml); attribute values are from the allowed sets.
A new concept that the terminology has since defined is reported, not failed.
Exit status 1 when a check fails.
"""
from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
sys.path.insert(0, str(ROOT))
try:
    from core.facts import LABELS
except ImportError:  # before the core/ package existed
    from nlp.facts import LABELS

CATEGORY = {"CONDITION": "condition", "DRUG": "therapy", "PROCEDURE": "therapy", "LAB": "analyte",
            "SCORE": "score", "INFECTION": "infection", "BIOMARKER": "biomarker"}
FIXED = {"AGE": {"age"}, "SEX": {"female", "male"}, "PREGNANCY": {"pregnant", "lactating", "planning"},
         "WEIGHT": {"weight"}}
ASSERTIONS = {"present", "absent", "possible", "hypothetical"}
EXPERIENCERS = {"patient", "family"}
TIMES = {"current", "past", "planned"}
STATUS = {"DRUG": {"failed", "intolerant", "current"}, "PROCEDURE": {"failed", "intolerant", "current"},
          "INFECTION": {"positive", "negative"}, "BIOMARKER": {"positive", "negative"}}
KEYS = {"start", "end", "label", "concept", "assertion", "experiencer", "time", "status", "value", "unit",
        "comparator", "uln_multiple", "new_concept"}
FILES = {"dev.jsonl": re.compile(r"conv-\d{4}"), "test.jsonl": re.compile(r"conv-t\d{3}")}


def terminology() -> dict[str, tuple[str, str | None]]:
    ids = {}
    for path in sorted((ROOT / "data" / "terminology").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for concept in doc["concepts"]:
            ids[concept["id"]] = (doc["category"], concept.get("kind"))
    return ids


def main() -> int:
    known = terminology()
    proposed = {c["id"]: ("analyte" if c["category"] == "lab" else c["category"], c.get("kind"))
                for c in yaml.safe_load((HERE / "new_concepts.yaml").read_text(encoding="utf-8"))["concepts"]}
    errors, notes, seen_ids, used_new = [], set(), set(), set()
    count = {name: collections.Counter() for name in ("file", "voice", "label", "assertion", "experiencer", "time", "status")}
    entities = 0
    for name, pattern in FILES.items():
        for number, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
            where = f"{name}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: {exc}")
                continue
            text, rid = row.get("text", ""), row.get("id", "")
            if not pattern.fullmatch(rid) or rid in seen_ids:
                errors.append(f"{where}: bad or repeated id {rid!r}")
            seen_ids.add(rid)
            if row.get("voice") not in ("patient", "relative", "clinician"):
                errors.append(f"{where}: voice {row.get('voice')!r}")
            count["file"][name] += 1
            count["voice"][row.get("voice")] += 1
            last_end, last_span = -1, None
            for ent in sorted(row["entities"], key=lambda e: (e["start"], e["end"])):
                entities += 1
                span = text[ent["start"]:ent["end"]]
                label, concept = ent["label"], ent["concept"]
                tag = f"{where} {span!r}"
                if set(ent) - KEYS:
                    errors.append(f"{tag}: unknown keys {set(ent) - KEYS}")
                if not span or span != span.strip():
                    errors.append(f"{tag}: empty or padded span")
                # one span may hold a pair of lab values ("BP 150/95": sbp and dbp), nothing else
                pair = last_span == (ent["start"], ent["end"], label) and label == "LAB"
                if ent["start"] < last_end and not pair:
                    errors.append(f"{tag}: overlaps the previous span")
                last_end, last_span = ent["end"], (ent["start"], ent["end"], label)
                if label not in LABELS:
                    errors.append(f"{tag}: label {label}")
                if label in FIXED and concept not in FIXED[label]:
                    errors.append(f"{tag}: concept {concept} for {label}")
                if label == "LOCATION" and concept != span:
                    errors.append(f"{tag}: location concept {concept!r}")
                if label in CATEGORY:
                    if ent.get("new_concept"):
                        used_new.add(concept)
                        if concept not in proposed:
                            errors.append(f"{tag}: new concept {concept} not in new_concepts.yaml")
                        if concept in known:
                            notes.add(concept)
                        category, kind = proposed.get(concept) or known.get(concept, (None, None))
                    elif concept in known:
                        category, kind = known[concept]
                    else:
                        errors.append(f"{tag}: {concept} is neither a terminology id nor marked new_concept")
                        category, kind = None, None
                    if category and category != CATEGORY[label]:
                        errors.append(f"{tag}: {label} with a {category} concept ({concept})")
                    if label == "PROCEDURE" and category and kind != "procedure":
                        errors.append(f"{tag}: {concept} is not a procedure")
                    if label == "DRUG" and kind == "procedure":
                        errors.append(f"{tag}: {concept} is a procedure")
                for key, allowed in (("assertion", ASSERTIONS), ("experiencer", EXPERIENCERS), ("time", TIMES)):
                    if ent.get(key) not in allowed:
                        errors.append(f"{tag}: {key} {ent.get(key)!r}")
                    count[key][ent.get(key)] += 1
                if "status" in ent:
                    if ent["status"] not in STATUS.get(label, ()):
                        errors.append(f"{tag}: status {ent['status']} on {label}")
                    count["status"][ent["status"]] += 1
                if label in ("AGE", "WEIGHT") and not isinstance(ent.get("value"), (int, float)):
                    errors.append(f"{tag}: {label} without a numeric value")
                count["label"][label] += 1
    unused = set(proposed) - used_new
    if unused:
        errors.append(f"new_concepts.yaml lists unused concepts: {sorted(unused)}")
    for message in errors:
        print("ERROR", message)
    if notes:
        print("note: now in the terminology (new_concept kept as written):", ", ".join(sorted(notes)))
    print(f"{sum(count['file'].values())} messages, {entities} entities")
    for name, counter in count.items():
        print(f"{name:12s}", ", ".join(f"{k}={v}" for k, v in counter.most_common()))
    print(f"new concepts used: {len(used_new)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
