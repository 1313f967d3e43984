"""Check the hand-annotated TREC 2021 notes: python tests/data/gold/notes/validate.py [path/to/trec_2021_topics.jsonl]

Every line parses, text equals the source note, offsets match, labels/assertion/experiencer/time
values are valid, every concept is a terminology id or a new_concept defined in new_concepts.yaml
(and every new concept is used); prints counts per label, assertion, experiencer, time, status.
"""
import json, glob, yaml, collections
import os, sys
D = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(D, "../../../.."))
SRC = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/notes/trec_2021_topics.jsonl"
src = {}
for l in open(SRC):
    if l.strip(): d = json.loads(l); src[d["_id"]] = d["text"]
term = set()
for f in glob.glob(os.path.join(ROOT, "data/terminology/*.yaml")):
    term |= {c["id"] for c in yaml.safe_load(open(f))["concepts"]}
new = {c["id"]: c for c in yaml.safe_load(open(f"{D}/new_concepts.yaml"))["concepts"]}
LABELS = ("CONDITION","DRUG","PROCEDURE","LAB","SCORE","INFECTION","BIOMARKER","AGE","SEX","PREGNANCY","WEIGHT","LOCATION")
FIXED = {"AGE": {"age"}, "SEX": {"female","male"}, "PREGNANCY": {"pregnant","lactating","planning"}, "WEIGHT": {"weight"}}
CAT2LAB = {"condition":"CONDITION","infection":"INFECTION","therapy":"DRUG","procedure":"PROCEDURE","lab":"LAB","biomarker":"BIOMARKER","score":"SCORE"}
problems = []; seen = set(); used_new = set()
cnt = {k: collections.Counter() for k in ("label","assertion","experiencer","time","status")}
files = {}
held_aside = collections.Counter()   # problems in the held-aside file: counted by kind, never printed
for name in ("dev","test"):
    n_ent = 0
    before = len(problems)
    for ln, line in enumerate(open(f"{D}/{name}.jsonl"), 1):
        r = json.loads(line)
        assert set(r) == {"id","text","entities","uncovered"}, r.keys()
        if r["id"] in seen: problems.append(("dup", r["id"]))
        seen.add(r["id"])
        if r["text"] != src[r["id"]]: problems.append(("text differs", r["id"]))
        for e in r["entities"]:
            n_ent += 1
            if r["text"][e["start"]:e["end"]] != e["text"]: problems.append(("offset", r["id"], e))
            if e["label"] not in LABELS: problems.append(("label", r["id"], e))
            if e["assertion"] not in ("present","absent","possible","hypothetical"): problems.append(("assertion", e))
            if e["experiencer"] not in ("patient","family"): problems.append(("exp", e))
            if e["time"] not in ("current","past","planned"): problems.append(("time", e))
            c = e["concept"]
            if e["label"] in FIXED:
                if c not in FIXED[e["label"]]: problems.append(("fixed", e))
                if e["label"] in ("AGE","WEIGHT") and not isinstance(e.get("value"), (int,float)): problems.append(("value", e))
            elif c in term:
                if e.get("new_concept"): problems.append(("marked new but exists", e))
            elif e.get("new_concept") and c in new:
                used_new.add(c)
                if CAT2LAB[new[c]["category"]] != e["label"]: problems.append(("label/category", e))
            else: problems.append(("unknown concept", r["id"], e))
            if "status" in e and e["status"] not in ("failed","intolerant","current","positive","negative","active"): problems.append(("status", e))
            for k in ("label","assertion","experiencer","time"): cnt[k][e[k]] += 1
            if "status" in e: cnt["status"][e["status"]] += 1
        for u in r["uncovered"]:
            if u["kind"] not in ("condition","drug","lab","procedure","other") or u["text"] not in r["text"]: problems.append(("uncovered", r["id"], u))
    files[name] = (ln, n_ent)
    if name == "test":
        # the held-aside notes are never shown (not their ids, texts or entities): a
        # problem there is reported as its kind and a count only
        held_aside.update(p[0] for p in problems[before:])
        del problems[before:]
if set(new) - used_new: problems.append(("unused new concepts", set(new) - used_new))
for c in new.values():
    for p in c.get("parents", []):
        if p not in term and p not in new: problems.append(("bad parent", c["id"], p))
    if c["id"] in term: problems.append(("new concept id already exists", c["id"]))
print("files:", files, "notes:", len(seen))
print("problems:", problems or "none")
print("problems in the held-aside file (kinds and counts only):", dict(held_aside) or "none")
for k, v in cnt.items(): print(k, dict(v.most_common()))
print("entities with new_concept:", sum(1 for n in ("dev","test") for l in open(f"{D}/{n}.jsonl") for e in json.loads(l)["entities"] if e.get("new_concept")))
print("uncovered items:", sum(len(json.loads(l)["uncovered"]) for n in ("dev","test") for l in open(f"{D}/{n}.jsonl")))
print("new concepts:", len(new), collections.Counter(c["category"] for c in new.values()))
