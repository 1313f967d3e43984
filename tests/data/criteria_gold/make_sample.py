"""Rebuild the criteria sample behind dev.jsonl / test.jsonl (see README.md).

Run: python tests/data/criteria_gold/make_sample.py [/work/shared/ctgov] > sample.jsonl
Prints one JSON object per sampled criterion (id, nct_id, kind, text, split) in id order;
the hand-judged "expected"/"why" are added in dev.jsonl / test.jsonl.

A later random sample (round 15 on):
    python tests/data/criteria_gold/make_sample.py --more SEED N PREFIX [/work/shared/ctgov]
draws `random.Random(SEED).sample(pool, 2 * N)` and keeps, in draw order, the first N lines
whose text (stripped, lower-cased) has no SHA-256 in `sampled_hashes.txt` (every dev and test
line already judged, hashed only), numbered PREFIX-0001 ... (dev). The held-aside test file
is never opened here; add the new rows' hashes to `sampled_hashes.txt` once they are judged.

A stratum of one class (round 21 on):
    python tests/data/criteria_gold/make_sample.py --more SEED N PREFIX SRC --matching REGEX --start K
draws the same way from only the pool lines matching REGEX (case-insensitive), numbered from
PREFIX-K; `--skip FILE` leaves out the lines of an earlier call's output not yet hashed.
"""
import glob
import hashlib
import json
import os
import random
import re
import sys

SEED = 20261202
N = 330
DEV_FRACTION = 0.65

MARKER = re.compile(r"^(?:[*\-•·▪]\s*|\(?\d{1,2}[.)](?!\d)\s*|\(?[a-zA-Z][.)]\s+|\(?[ivxIVX]{1,4}[.)]\s+)")


def is_section_heading(line: str) -> str | None:
    """'inclusion' / 'exclusion' when the line switches the section, else None."""
    s = line.strip()
    low = s.lower()
    if s.startswith("*") or len(s) >= 70:
        return None
    if low.endswith(".") and not re.match(r"^\W*(inclusion|exclusion) criteria", low):
        return None
    has_inc = "inclusion" in low
    has_exc = "exclusion" in low
    if has_inc == has_exc:
        return None
    if re.match(r"^\s*\d{1,2}[.)]\s+(?!.*criteria)", s, re.I):   # a numbered item, not "1) Inclusion Criteria"
        return None
    return "inclusion" if has_inc else "exclusion"


def split_criteria(nct_id: str, text: str) -> list[dict]:
    out = []
    kind = "inclusion"
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        switch = is_section_heading(line)
        if switch:
            kind = switch
            # a criterion written on the heading's own line ("Inclusion Criteria: • Age ≥ 18years")
            m = re.match(r"^.*?criteria\s*[:：]\s*(?:[•\-]\s*)?(.*)$", line, re.I)
            rest = m.group(1).strip() if m else ""
            if len(rest) > 3:
                out.append({"nct_id": nct_id, "kind": kind, "text": rest})
            continue
        crit = MARKER.sub("", line, count=1).strip()
        if not crit or not re.search(r"\w", crit):
            continue
        out.append({"nct_id": nct_id, "kind": kind, "text": crit})
    return out


HASHES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sampled_hashes.txt")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode("utf-8")).hexdigest()


def read_pool(src: str) -> list[dict]:
    pool = []
    for path in sorted(glob.glob(os.path.join(src, "NCT*.json"))):
        study = json.load(open(path, encoding="utf-8"))
        ps = study["protocolSection"]
        pool.extend(split_criteria(ps["identificationModule"]["nctId"], ps["eligibilityModule"]["eligibilityCriteria"]))
    return pool


def more(seed: int, n: int, prefix: str, src: str, matching: str | None = None, start: int = 1,
         skip: set[str] | None = None) -> None:
    """A later sample: N lines not judged before (by the stored hashes), in draw order."""
    pool = read_pool(src)
    if matching:
        pattern = re.compile(matching, re.IGNORECASE)
        pool = [c for c in pool if pattern.search(c["text"])]
    with open(HASHES, encoding="utf-8") as f:
        seen = {line.strip() for line in f if line.strip()} | (skip or set())
    drawn = random.Random(seed).sample(pool, min(len(pool), 2 * n))
    kept, left_out = [], 0
    for c in drawn:
        h = text_hash(c["text"])
        if h in seen:
            left_out += 1
            continue
        seen.add(h)
        kept.append(c)
        if len(kept) == n:
            break
    print(f"pool: {len(pool)} criteria; drew {2 * n}; {left_out} left out as judged before; kept {len(kept)}",
          file=sys.stderr)
    for i, c in enumerate(kept):
        print(json.dumps({"id": f"{prefix}-{i + start:04d}", **c, "split": "dev"}, ensure_ascii=False))


def main(src: str) -> None:
    pool = read_pool(src)
    rng = random.Random(SEED)
    sample = rng.sample(pool, N)
    order = list(range(N))
    random.Random(SEED).shuffle(order)
    n_dev = round(N * DEV_FRACTION)
    dev = set(order[:n_dev])
    print(f"pool: {len(pool)} criteria; sample {N}; dev {n_dev}; test {N - n_dev}", file=sys.stderr)
    for i, c in enumerate(sample):
        row = {"id": f"crit-{i + 1:04d}", **c, "split": "dev" if i in dev else "test"}
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--more":
        args = sys.argv[2:]
        options = {}
        for name in ("--matching", "--start", "--skip"):
            if name in args:
                i = args.index(name)
                options[name] = args[i + 1]
                del args[i:i + 2]
        skip = None
        if "--skip" in options:      # a file of rows drawn by an earlier call, not yet hashed
            with open(options["--skip"], encoding="utf-8") as f:
                skip = {text_hash(json.loads(line)["text"]) for line in f if line.strip()}
        more(int(args[0]), int(args[1]), args[2], args[3] if len(args) > 3 else "/work/shared/ctgov",
             matching=options.get("--matching"), start=int(options.get("--start", 1)), skip=skip)
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/ctgov")
