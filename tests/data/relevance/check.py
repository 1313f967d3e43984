"""Sanity check for the judged relevance set: run `python tests/data/relevance/check.py`.

Every line must parse, have the expected keys, grades in {1, 2}, and every judged id must be one of
the 241 ClinicalTrials.gov records in /work/shared/ctgov (or $CTGOV_DIR) or the 4 bundled trials in
data/trials/*.yaml.
"""
import glob, json, os, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CTGOV = os.environ.get("CTGOV_DIR", "/work/shared/ctgov")

def trial_ids():
    ids = {os.path.basename(f)[:-5] for f in glob.glob(os.path.join(CTGOV, "NCT*.json"))}
    for f in glob.glob(os.path.join(ROOT, "data", "trials", "*.yaml")):
        ids.add(str(yaml.safe_load(open(f))["id"]))
    return ids

def main():
    ids = trial_ids()
    print(f"known trials: {len(ids)}")
    ok = True
    seen = set()
    for name in ("dev", "test"):
        rows = []
        for n, line in enumerate(open(os.path.join(HERE, f"{name}.jsonl")), 1):
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"{name}:{n}: bad JSON: {e}"); ok = False; continue
            for k in ("id", "voice", "text", "diagnoses", "relevant"):
                if k not in r:
                    print(f"{name}:{n}: missing {k}"); ok = False
            if r.get("voice") not in ("patient", "relative", "clinician"):
                print(f"{name}:{n}: bad voice"); ok = False
            if r.get("id") in seen:
                print(f"{name}:{n}: duplicate id {r.get('id')}"); ok = False
            seen.add(r.get("id"))
            for t, g in r.get("relevant", {}).items():
                if t not in ids:
                    print(f"{name}:{n}: unknown trial {t}"); ok = False
                if g not in (1, 2):
                    print(f"{name}:{n}: bad grade {g} for {t}"); ok = False
            rows.append(r)
        n_pat = len(rows)
        empty = sum(1 for r in rows if not r["relevant"])
        none2 = sum(1 for r in rows if not any(g == 2 for g in r["relevant"].values()))
        mean = sum(len(r["relevant"]) for r in rows) / max(n_pat, 1)
        mean2 = sum(sum(1 for g in r["relevant"].values() if g == 2) for r in rows) / max(n_pat, 1)
        voices = {v: sum(1 for r in rows if r["voice"] == v) for v in ("patient", "relative", "clinician")}
        print(f"{name}: patients={n_pat} no_relevant={empty} no_grade2={none2} "
              f"mean_relevant={mean:.2f} mean_grade2={mean2:.2f} voices={voices}")
    print("OK" if ok else "ERRORS")
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
