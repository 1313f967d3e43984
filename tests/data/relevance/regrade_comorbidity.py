"""The round-5 comorbidity convention applied mechanically (README "A common comorbidity beside
a main diagnosis"): a grade-2 trial whose listed conditions and MeSH terms name only a common
comorbidity, for a patient whose diagnoses include a cancer or an autoimmune disease and who names
that comorbidity, becomes 1. Prints per-patient detail for dev only, totals only for the held-out
test half. ``--apply`` writes the change. Plain keywords, not the project's matching.

Example: python tests/data/relevance/regrade_comorbidity.py"""
import glob
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CTGOV = HERE.parents[3] / "shared" / "ctgov"
BG = r"(?<!pulmonary )(?<!pulmonary arterial )(?<!portal )hypertension|high blood pressure|\bhtn\b|type 2 diabetes|t2dm|diabetes mellitus, type 2|prediabet|obes|overweight|dyslipid|hyperlipid|cholesterol|coronary|sleep apn|reflux|hypothyroid|osteopor|osteoarth"
MAIN = r"cancer|carcinoma|lymphoma|leuk|myeloma|tumou?r|sarcoma|glioma|glioblastoma|myelofibrosis|myelodysplast|neoplasm|medulloblastoma|seminoma|meningioma|lupus|rheumatoid|systemic sclerosis|scleroderma|myositis|antisynthetase|crohn|colitis|psoria|thrombocytopenia|still|sjogren|myasthenia|multiple sclerosis|vasculitis|spondylitis|graves|hashimoto|cholangitis"
conds = {}
for f in glob.glob(str(CTGOV / "NCT*.json")):
    d = json.load(open(f)); ps = d["protocolSection"]
    names = ps.get("conditionsModule", {}).get("conditions", []) + [m["term"] for m in d.get("derivedSection", {}).get("conditionBrowseModule", {}).get("meshes", [])]
    conds[ps["identificationModule"]["nctId"]] = " ; ".join(names).lower()
apply = "--apply" in sys.argv
for half in ("dev", "test"):
    path = HERE / f"{half}.jsonl"
    rows = [json.loads(l) for l in open(path) if l.strip()]
    changed_p = changed_t = 0
    for p in rows:
        dx = [d.lower() for d in p["diagnoses"]]
        bg = [d for d in dx if re.search(BG, d) and not re.search(MAIN, d)] or re.findall(BG, p["text"].lower())
        main = [d for d in dx if re.search(MAIN, d)]
        if not bg or not main:
            continue
        hits = [t for t, g in p["relevant"].items() if g == 2 and t in conds and re.search(BG, conds[t]) and not re.search(MAIN, conds[t])]
        if hits:
            changed_p += 1; changed_t += len(hits)
            if half == "dev":
                print(half, p["id"], p["diagnoses"], hits)
            if apply:
                for t in hits: p["relevant"][t] = 1
    print(half, "patients re-graded:", changed_p, "trials:", changed_t)
    if apply and changed_t:
        with open(path, "w") as f:
            for p in rows: f.write(json.dumps(p, ensure_ascii=False) + "\n")
