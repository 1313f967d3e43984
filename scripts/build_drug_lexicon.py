"""Build data/terminology/drug_lexicon.yaml: drug names from a maintained source, at build
time (never at run time).

Sources:
- the drug-named-entity-recognition package (PyPI, MIT; its dictionary merges DrugBank's
  open vocabulary, MeSH, MedlinePlus and Wikipedia names with brand names): each drug's
  spellings and brand names;
- which drugs: every DRUG / BIOLOGICAL intervention (name and other names) of the shared
  ClinicalTrials.gov records (``../shared/ctgov/*.json``) that the dictionary knows, plus
  the seed list ``scripts/drug_lexicon_seed.yaml`` (by class), plus the commonly prescribed
  drugs of general notes (issue #13, round 16: "levothyroxine", "trihexyphenidyl"): every
  one-word drug the dictionary files with a page of the seed's ``common_sources`` (MedlinePlus
  drug information, the NHS medicines A-Z), unless its name is a common English word.

A drug the curated terminology (``data/terminology/*.yaml`` other than the output) already
has is left to it; a spelling that is already another concept's term, shorter than 4
characters or a common English word (wordfreq) is not used. A combination product (the
dictionary's "piperacillin and tazobactam", "trimethoprim/sulfamethoxazole") is one drug only
when the seed's ``combinations`` names it, under the seed's name, with the source's brand names
of each of its canonical names ("Zosyn", "Bactrim"), the components written with "-", "/" or a
space, and the seed's ``extra_terms`` (brand names the source lacks: "Augmentin", "Tazocin");
any other combination (or a list with a comma) is skipped, as before. The seed's ``same_drug``
joins a name the dictionary files apart to the drug it is ("cephalexin": cefalexin).
Regimens (hyper-CVAD, R-CHOP, FLAG-IDA) stay curated in therapies.yaml, where their
parents name their component drugs.

    pip install drug-named-entity-recognition wordfreq
    python scripts/build_drug_lexicon.py [--ctgov ../shared/ctgov] [--check]

``--check`` exits 1 when the file on disk differs from what would be written.
"""
from __future__ import annotations

import argparse
import bz2
import json
import pickle
import re
import sys
from importlib.metadata import version
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

OUTPUT = ROOT / "data" / "terminology" / "drug_lexicon.yaml"
SEED = Path(__file__).resolve().parent / "drug_lexicon_seed.yaml"
CTGOV = ROOT.parent / "shared" / "ctgov"
INTERVENTION_TYPES = ("DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT")
MIN_LENGTH = 4
COMMON_WORDS = 40_000      # the same bar as typo recovery (data/nlp/extraction.yaml typos)
MAX_TERMS = 12
# a commonly prescribed drug's other names shorter than this are left out: a short brand
# or code name is too easily an abbreviation, a gene or a name ("RELA", "Halog" for "Haplo")
BROAD_MIN_LENGTH = 6
_WORD = re.compile(r"^[a-z0-9][a-z0-9 \-]*[a-z0-9]$")
# an antibody-drug conjugate's payload: "inotuzumab ozogamicin" is said "inotuzumab"
_PAYLOAD = re.compile(r"^([a-z]+(?:mab|cept))(?:-[a-z]{4})? (?:vedotin|ozogamicin|deruxtecan|govitecan|emtansine|"
                      r"mafodotin|tesirine|soravtansine|pasudotox|sudotox|tiuxetan|mertansine|ravtansine)(?:-[a-z]{4})?$")


def dictionary() -> dict:
    import drug_named_entity_recognition as package

    path = Path(package.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path) as handle:
        return pickle.load(handle)


def ctgov_names(folder: Path) -> list[str]:
    names = []
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text())
        arms = record.get("protocolSection", {}).get("armsInterventionsModule", {}) or {}
        for intervention in arms.get("interventions", []) or []:
            if intervention.get("type") in INTERVENTION_TYPES:
                names.append(intervention.get("name", ""))
                names.extend(intervention.get("otherNames", []) or [])
    return names


def _clean(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("®", "").replace("™", "").strip().lower())


def _base(canonical: str, known: set[str]) -> str:
    """A biologic's name without the four-letter suffix the FDA adds ("Risankizumab-rzaa",
    under which the dictionary files the brand Skyrizi): its brand names and spellings
    belong to the drug, not to a concept of their own."""
    match = re.match(r"^(.+)-[a-z]{4}$", canonical)
    return match.group(1) if match and match.group(1) in known else canonical


def _combination(canonical: str) -> bool:
    return "," in canonical or " and " in canonical or "/" in canonical


def _component_spellings(canonicals: list[str]) -> list[str]:
    """How a two-drug product is written from its parts: "piperacillin and tazobactam" ->
    piperacillin-tazobactam, piperacillin/tazobactam, piperacillin tazobactam (each order as
    the source gives it)."""
    spellings = []
    for canonical in canonicals:
        parts = [p.strip() for p in re.split(r" and |/", canonical)]
        if len(parts) == 2 and all(parts):
            spellings += [f"{parts[0]}{joint}{parts[1]}" for joint in ("-", "/", " ")]
    return spellings


def common_drugs(canonical_data: dict, sources: list[str], common: set[str]) -> list[str]:
    """The drugs people commonly take, by a maintained list the dictionary records for each
    drug (a MedlinePlus drug information page, an NHS medicines page): one-word names only
    (the lists also hold forms and products: "budesonide inhalers", "nicotine patch"), and
    none that is a common English word ("oxygen", "caffeine", "alcohol"; a seed names such a
    drug on purpose when it wants it)."""
    return sorted(canonical for canonical, data in canonical_data.items()
                  if any(data.get(source) for source in sources)
                  and re.fullmatch(r"[a-z][a-z0-9\-]*[a-z0-9]", canonical) and canonical not in common)


def _concept_id(canonical: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", canonical.lower()).strip("_")


def _curated() -> dict[str, dict]:
    """The curated terminology's concepts (every file but the generated one), as written:
    read raw, since therapies.yaml may name generated drugs as a regimen's parents."""
    concepts = {}
    for path in sorted(OUTPUT.parent.glob("*.yaml")):
        if path.name != OUTPUT.name:
            for raw in yaml.safe_load(path.read_text()).get("concepts", []):
                concepts[raw["id"]] = raw
    return concepts


def build(ctgov: Path) -> tuple[dict, list[str]]:
    from wordfreq import top_n_list

    data = dictionary()
    to_canonical = data["drug_variant_to_canonical"]
    canonical_data = data["drug_canonical_to_data"]
    variants: dict[str, list[str]] = {}
    known = set(canonical_data) | {c for canonicals in to_canonical.values() for c in canonicals}
    for variant, canonicals in to_canonical.items():
        if len(canonicals) == 1:
            variants.setdefault(_base(canonicals[0], known), []).append(variant)
    common = set(top_n_list("en", COMMON_WORDS))
    curated = _curated()
    taken = {}
    for cid, concept in curated.items():
        for term in (cid.replace("_", " "), concept.get("label", cid), *concept.get("terms", []), *concept.get("abbreviations", [])):
            taken.setdefault(_clean(term), cid)
    seed = yaml.safe_load(SEED.read_text())
    excluded = {_clean(t) for t in seed.pop("exclude_terms", [])}
    extra_terms = {_clean(k): [_clean(t) for t in v] for k, v in (seed.pop("extra_terms", None) or {}).items()}
    sources = seed.pop("common_sources", None) or []
    same_drug = {_clean(k): _clean(v) for k, v in (seed.pop("same_drug", None) or {}).items()}
    combinations = {}
    for klass, products in (seed.pop("combinations", None) or {}).items():
        for name, canonicals in products.items():
            combinations[_clean(name)] = (klass, [_clean(c) for c in canonicals])
    wanted: dict[str, set[str]] = {}
    unknown: list[str] = []
    for klass, names in seed.items():
        for name in names:
            canonicals = to_canonical.get(_clean(name))
            if not canonicals:
                unknown.append(name)
                continue
            for canonical in canonicals:
                wanted.setdefault(canonical, set()).update(() if klass == "none" else (klass,))
    for name in ctgov_names(ctgov) if ctgov.exists() else []:
        for canonical in to_canonical.get(_clean(name), ()):
            wanted.setdefault(canonical, set())
    broad = {c for c in common_drugs(canonical_data, sources, common) if c not in wanted}
    for canonical in broad:
        wanted.setdefault(canonical, set())
    for name, drug in same_drug.items():      # one drug the dictionary files under two names
        wanted.pop(name, None)
        extra_terms.setdefault(drug, []).append(name)
        variants.setdefault(drug, []).extend(variants.get(name, ()))
    merged: dict[str, list[str]] = {}
    for name, (klass, canonicals) in combinations.items():
        known_here = [c for c in canonicals if c in canonical_data or c in variants]
        if not known_here:
            unknown.append(name)
            continue
        for canonical in known_here:
            wanted.pop(canonical, None)
        wanted[name] = set(() if klass == "none" else (klass,))
        merged[name] = [n for c in known_here for n in [c, *sorted(variants.get(c, ()))]] + _component_spellings(known_here)
    concepts, report = [], []
    for canonical in sorted(wanted):
        cid = _concept_id(canonical)
        if canonical not in merged and (_combination(canonical) or cid in curated):
            report.append(f"left to the curated terminology or skipped: {canonical}")
            continue
        # the seed's own names first: a brand name people use is not cut by the term limit
        names = ([canonical] + extra_terms.get(canonical, [])
                 + (merged.get(canonical) or sorted(v for v in variants.get(canonical, ()) if v != canonical)))
        antibody = _PAYLOAD.match(_clean(canonical))
        if antibody and antibody.group(1) not in to_canonical:       # unless the antibody alone is a drug too
            names.append(antibody.group(1))
        if any(taken.get(_clean(n)) for n in names[:1]):
            report.append(f"already a term of {taken[_clean(canonical)]}: {canonical}")
            continue
        terms = []
        for name in names:
            name = _clean(name)
            written = name.replace("/", "-") if canonical in merged else name   # a product's "a/b"
            if (len(name) < MIN_LENGTH or not _WORD.match(written) or name in taken or name in terms or name in excluded
                    or (name != _clean(canonical) and name in common)
                    or (canonical in broad and len(name) < BROAD_MIN_LENGTH
                        and name != _clean(canonical) and name not in extra_terms.get(canonical, ()))):
                continue
            terms.append(name)
        terms = terms[:MAX_TERMS]
        if not terms:
            continue
        for term in terms:
            taken[term] = cid
        entry = {"id": cid, "label": canonical_data.get(canonical, {}).get("name", canonical).lower()}
        if wanted[canonical]:
            entry["parents"] = sorted(wanted[canonical])
        entry["terms"] = terms
        concepts.append(entry)
    if unknown:
        report.append("seed names the dictionary does not know: " + ", ".join(unknown))
    return {"category": "therapy", "concepts": concepts}, report


def render(doc: dict, ctgov: Path) -> str:
    header = (
        "# GENERATED by scripts/build_drug_lexicon.py: do not edit; change the seed\n"
        "# (scripts/drug_lexicon_seed.yaml) or the curated therapies.yaml and run the script again.\n"
        f"# Source of names and brand names: drug-named-entity-recognition {version('drug-named-entity-recognition')}\n"
        "# (PyPI, MIT; DrugBank open vocabulary, MeSH, MedlinePlus, Wikipedia). Which drugs: the seed list\n"
        "# and the DRUG/BIOLOGICAL interventions of the shared ClinicalTrials.gov records (../shared/ctgov/).\n"
    )
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ctgov", type=Path, default=CTGOV)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    doc, report = build(args.ctgov)
    text = render(doc, args.ctgov)
    for line in report:
        print(line, file=sys.stderr)
    return write_or_check(OUTPUT, text, args.check, f"{len(doc['concepts'])} drugs")


def write_or_check(output: Path, text: str, check: bool, what: str) -> int:
    """A generated file: with ``check``, whether ``output`` holds ``text`` already (exit 0)
    or is out of date (1); else ``output`` is written and ``what`` it holds said."""
    if check:
        same = output.exists() and output.read_text() == text
        print("up to date" if same else f"{output.name} is out of date", file=sys.stderr)
        return 0 if same else 1
    output.write_text(text)
    print(f"wrote {what} to {output.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
