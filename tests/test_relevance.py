"""A trial is for a patient only when its conditions meet the patient's (issue #14): the
condition gate (``elig-condition``, matching/relevance.py), its safety rules, the registry
names it reads, and the ranking within a verdict."""
import json
from datetime import date

import pytest

from core.facts import Fact, Profile
from data.condition_names import concepts_within, condition_concept
from data.store import open_store, upsert_trials
from data.trials import load_trials
from matching.catalog import TrialCatalog
from matching.engine import match
from matching.keywords import keyword_scores, requested_trials
from matching.pruned import match as pruned_match
from matching.questions import next_question
from registry.ctgov import study_to_record

TODAY = date(2026, 6, 1)
REVIEW = lambda text, kind: {"type": "review", "reason": "other"}  # noqa: E731


# every field of a record the store validates, empty: a test record adds what it is about
STORED_FIELDS = {
    "sources": ["test"], "official_title": None, "acronym": None, "summary": None, "description": None,
    "keywords": [], "interventions": [], "phase": None, "status": "RECRUITING", "study_type": None,
    "design": {"allocation": None, "purpose": None, "masking": None, "model": None},
    "enrollment": {"count": None, "type": None},
    "dates": {"start": None, "primary_completion": None, "completion": None, "last_updated": None},
    "eligibility": {"min_age_years": None, "max_age_years": None, "sex": "ALL", "healthy_volunteers": None},
    "sponsors": [], "sites": [], "contacts": [], "arms": [], "outcomes": {"primary": [], "secondary": []},
    "other_ids": []}


def _trial(trial_id, conditions=(), texts=(), criteria=(), **fields):
    record = {"id": trial_id, "nct_id": None, "title": fields.pop("title", trial_id), "criteria": list(criteria),
              "conditions": list(conditions), "conditions_text": list(texts)}
    record.update(fields)
    return record


def _stated(concept, text):
    return Fact("CONDITION", concept, text, 0, len(text))


def _gate(result):
    return next(c for c in result.criteria if c.id == "elig-condition")


def _results(profile_facts, trials):
    return {r.id: r for r in match(Profile(list(profile_facts)), trials, today=TODAY)}


# --- the rule-out, and what it says --------------------------------------------------------

def test_a_trial_for_other_conditions_is_ruled_out_naming_both_sides():
    crohns = _trial("T-IBD", conditions=["crohns_disease", "ulcerative_colitis"])
    result = _results([_stated("sle", "lupus")], [crohns])["T-IBD"]
    assert result.verdict == "ineligible"
    gate = _gate(result)
    assert gate.status == "fail" and gate.kind == "inclusion"
    reason = gate.evidence[0].reason
    assert "Crohn's disease" in reason and "ulcerative colitis" in reason
    assert "you told me: systemic lupus erythematosus" in reason and "say so" in reason
    assert [f.text for f in gate.evidence[0].facts] == ["lupus"]      # the patient's words, quoted
    assert gate.to_dict()["evidence"][0]["quotes"][0]["text"] == "lupus"


def test_an_unknown_diagnosis_never_rules_a_trial_out_and_is_asked_first():
    trials = [_trial("T-SLE", conditions=["sle"]), _trial("T-IBD", conditions=["crohns_disease"])]
    results = match(Profile([Fact("AGE", "age", "34", value=34)]), trials, today=TODAY)
    assert {r.verdict for r in results} == {"possible"}
    assert all(_gate(r).status == "unknown" for r in results)
    assert next_question(results).key.startswith("diagnosis")


def test_suspected_negated_hypothetical_and_family_diagnoses_do_not_rule_out():
    trial = _trial("T-IBD", conditions=["crohns_disease"])
    for fact in (Fact("CONDITION", "sle", "possible lupus", uncertain=True),
                 Fact("CONDITION", "sle", "lupus", negated=True),
                 Fact("CONDITION", "sle", "lupus", hypothetical=True),
                 Fact("CONDITION", "sle", "lupus", family=True)):
        assert _gate(_results([fact], [trial])["T-IBD"]).status == "unknown", fact


def test_the_hierarchy_counts_both_ways():
    myopathy = _trial("T-IIM", conditions=["inflammatory_myopathy"])
    assert _gate(_results([_stated("dermatomyositis", "DM")], [myopathy])["T-IIM"]).status == "pass"
    diffuse = _trial("T-dcSSc", conditions=["diffuse_systemic_sclerosis"])
    assert _gate(_results([_stated("systemic_sclerosis", "scleroderma")], [diffuse])["T-dcSSc"]).status == "pass"


def test_every_stated_diagnosis_counts():
    ra = _trial("T-RA", conditions=["rheumatoid_arthritis"])
    result = _results([_stated("sle", "lupus"), _stated("rheumatoid_arthritis", "RA")], [ra])["T-RA"]
    assert result.verdict != "ineligible" and _gate(result).status == "pass"


def test_a_registry_name_the_terminology_does_not_know_says_what_kind_of_disease_it_is():
    heme = _trial("T-HEME", texts=["Relapsed or Refractory Hematologic Cancer", "Advanced Solid Tumor in Adults"])
    assert _gate(_results([_stated("t_all", "T-ALL")], [heme])["T-HEME"]).status == "pass"
    assert _gate(_results([_stated("breast_cancer", "breast cancer")], [heme])["T-HEME"]).status == "pass"
    assert _gate(_results([_stated("sle", "lupus")], [heme])["T-HEME"]).status == "fail"
    # a solid-tumour basket is for every solid cancer, not for a leukaemia
    solid = _trial("T-SOLID", texts=["Advanced Solid Tumor in Adults"])      # a name known only by what is inside
    assert _gate(_results([_stated("nsclc", "NSCLC")], [solid])["T-SOLID"]).status == "pass"
    assert _gate(_results([_stated("t_all", "T-ALL")], [solid])["T-SOLID"]).status == "fail"
    assert _gate(_results([_stated("malignancy", "cancer")], [solid])["T-SOLID"]).status == "pass"


def test_solid_tumour_trials_are_not_for_blood_cancers_and_lymphoma_trials_not_for_leukaemia():
    """A trial for solid tumours is not for a T-ALL patient, and a trial for lymphomas is not
    for leukaemia (data/terminology: solid tumour, leukaemia and lymphoma are classes); a
    patient with any solid cancer meets the first, and any lymphoma the second."""
    solid = _trial("T-SOLID", conditions=["solid_tumor"], texts=["Solid Tumor"])
    assert _gate(_results([_stated("t_all", "T-ALL")], [solid])["T-SOLID"]).status == "fail"
    assert _gate(_results([_stated("nsclc", "NSCLC")], [solid])["T-SOLID"]).status == "pass"
    lymphoma = _trial("T-LYM", conditions=["lymphoma"], texts=["Relapsed Advanced Lymphomas"])
    assert _gate(_results([_stated("t_all", "T-ALL")], [lymphoma])["T-LYM"]).status == "fail"
    assert _gate(_results([_stated("dlbcl", "DLBCL")], [lymphoma])["T-LYM"]).status == "pass"
    assert _gate(_results([_stated("t_lbl", "T-LBL")], [lymphoma])["T-LYM"]).status == "pass"


def test_a_registry_index_term_never_opens_a_trial_to_every_disease_of_its_kind():
    """The registry indexes a breast cancer trial also under "Neoplasm Metastasis" (a MeSH
    term, not the trial's own words): it files the trial under malignancy, upwards only, so
    a T-ALL patient is not offered it (was "likely"); the trial's own unknown name ("Advanced
    Cancers") still reaches every cancer."""
    breast = _trial("T-BC", conditions=["breast_cancer"], texts=["Breast Cancer"],
                    condition_terms=["Breast Neoplasms", "Neoplasm Metastasis"])
    assert _gate(_results([_stated("t_all", "T-ALL")], [breast])["T-BC"]).status == "fail"
    assert _gate(_results([_stated("breast_cancer", "breast cancer")], [breast])["T-BC"]).status == "pass"
    assert _gate(_results([_stated("malignancy", "cancer")], [breast])["T-BC"]).status == "pass"     # broader: may be
    basket = _trial("T-ANY", texts=["Advanced Cancers"])
    assert _gate(_results([_stated("t_all", "T-ALL")], [basket])["T-ANY"]).status == "pass"


def test_a_category_heading_beside_a_specific_condition_only_files_the_trial():
    """A scleroderma trial whose registry list adds "Autoimmune Diseases" and "Connective
    Tissue Diseases" is not for lupus; a basket trial listing only "Autoimmune Diseases"
    is; a patient naming the heading itself still fits."""
    ssc = _trial("T-SSC", conditions=["diffuse_systemic_sclerosis", "autoimmune_disease"],
                 texts=["Scleroderma, Diffuse", "Connective Tissue Diseases", "Autoimmune Diseases"])
    assert _gate(_results([_stated("sle", "lupus")], [ssc])["T-SSC"]).status == "fail"
    assert _gate(_results([_stated("systemic_sclerosis", "scleroderma")], [ssc])["T-SSC"]).status == "pass"
    assert _gate(_results([_stated("autoimmune_disease", "autoimmune disease")], [ssc])["T-SSC"]).status == "pass"
    basket = _trial("T-BASKET", conditions=["autoimmune_disease"], texts=["Autoimmune Diseases"])
    assert _gate(_results([_stated("sle", "lupus")], [basket])["T-BASKET"]).status == "pass"


def test_a_trial_with_no_conditions_has_no_gate():
    result = _results([_stated("sle", "lupus")], [_trial("T-NONE")])["T-NONE"]
    assert all(c.id != "elig-condition" for c in result.criteria)


# --- registry names -------------------------------------------------------------------

def test_registry_names_in_mesh_order_brackets_and_typos():
    assert condition_concept("Lupus Erythematosus, Systemic") == "sle"
    assert condition_concept("Arthritis, Rheumatoid") == "rheumatoid_arthritis"
    assert condition_concept("Immune Thrombocytopenia (ITP)") == "itp"
    assert condition_concept("Crohns Diseases") == "crohns_disease"
    # an abbreviation whose bracketed words spell something else is not that condition
    assert condition_concept("UC (Ureter and Urethera)") is None
    assert condition_concept("Hematologic Cancer") == "hematologic_malignancy"     # a MeSH-style registry term
    assert condition_concept("Solid Tumor, Adult") == "solid_tumor"                 # MeSH order
    assert condition_concept("Advanced Solid Tumor in Adults") is None
    assert concepts_within("Advanced Solid Tumor in Adults") == ("solid_tumor",)


def test_imported_records_keep_the_registry_mesh_terms_and_headings():
    study = {"protocolSection": {
        "identificationModule": {"nctId": "NCT09900777", "briefTitle": "A lupus nephritis study"},
        "conditionsModule": {"conditions": ["LN"], "keywords": ["kidney"]},
        "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n* Adults"}},
        "derivedSection": {"conditionBrowseModule": {
            "meshes": [{"id": "D008181", "term": "Lupus Nephritis"}],
            "ancestors": [{"id": "D008180", "term": "Lupus Erythematosus, Systemic"},
                          {"id": "D001327", "term": "Autoimmune Diseases"}]}}}
    record = study_to_record(study, "x.json", parse=REVIEW)
    assert record["condition_terms"] == ["Lupus Nephritis"]
    assert record["conditions"] == ["lupus_nephritis"]      # its own concept, under SLE
    assert record["condition_ancestors"] == ["sle", "autoimmune_disease"]


# --- ranking ------------------------------------------------------------------------------

def test_within_a_verdict_the_closer_condition_comes_first():
    broad = _trial("A-BROAD", conditions=["autoimmune_disease"])
    exact = _trial("Z-EXACT", conditions=["sle"])
    ranked = [r.id for r in match(Profile([_stated("sle", "lupus")]), [broad, exact], today=TODAY)]
    assert ranked == ["Z-EXACT", "A-BROAD"]


def test_stored_trials_rank_by_text_relevance_within_the_same_condition_fit(tmp_path):
    db = open_store(str(tmp_path / "t.db"))
    bundled = {t["id"] for t in load_trials()}
    db.execute("DELETE FROM trials WHERE id NOT IN (SELECT value FROM json_each(?))", [json.dumps(sorted(bundled))])
    plain = dict(STORED_FIELDS, id="local-x-plain", nct_id=None, title="A study in adults", conditions=["sle"],
                 conditions_text=["SLE"], criteria=[])
    named = dict(STORED_FIELDS, id="local-x-named", nct_id=None, title="Belimumab-refractory lupus: a cell therapy study",
                 conditions=["sle"], conditions_text=["SLE"], criteria=[])
    upsert_trials(db, [plain, named], "import")
    profile = Profile([_stated("sle", "lupus"), Fact("DRUG", "belimumab", "belimumab", status="failed")])
    scores = keyword_scores(db, profile)
    assert scores["local-x-named"] > scores.get("local-x-plain", 0.0)
    ranked = [r.id for r in pruned_match(profile, TrialCatalog(db), today=TODAY) if r.id.startswith("local-x-")]
    assert ranked == ["local-x-named", "local-x-plain"]


def test_triage_json_keeps_the_verdict_vocabulary_for_a_trial_for_another_condition(capsys, tmp_path):
    from bot.cli import main

    letter = tmp_path / "letter.txt"
    letter.write_text("34F with systemic lupus erythematosus since 2015, failed mycophenolate and belimumab.")
    assert main(["triage", "--db", str(tmp_path / "t.db"), "--today", "2026-06-01", "--json", "--all", str(letter)]) == 0
    data = json.loads(capsys.readouterr().out)
    crohns = next(t for t in data["trials"] if t["id"] == "NCT05239702")     # Crohn's/UC/DM/Still's/RA
    assert crohns["verdict"] == "ineligible"
    gate = next(c for c in crohns["criteria"] if c["id"] == "elig-condition")
    assert gate["status"] == "fail" and gate["kind"] == "inclusion"
    assert "Crohn" in gate["text"]
    assert gate["evidence"][0]["quotes"][0]["text"].lower().startswith("systemic lupus")
    assert not any("crohn" in json.dumps(q).lower() for q in crohns["questions"])
    lupus = next(t for t in data["trials"] if t["id"] == "NCT05030779")
    assert lupus["verdict"] != "ineligible"


# --- the fast paths give what the full judgement gives ----------------------------------------

def _real_records(limit=120):
    """The bundled trials and real registry records (../shared/ctgov) when present."""
    from pathlib import Path
    folder = Path(__file__).resolve().parents[2] / "shared" / "ctgov"
    records = list(load_trials())
    for path in sorted(folder.glob("NCT*.json"))[:limit]:
        records.append(study_to_record(json.loads(path.read_text(encoding="utf-8")), path.name))
    return records


def test_the_gate_truth_alone_equals_the_full_judgement_on_real_records():
    from matching.evaluate import Evaluator

    records = _real_records(40)
    results = match(Profile([_stated("sle", "lupus")]), records, today=TODAY)
    gates = [_gate(r).evidence[0].leaf for r in results if any(c.id == "elig-condition" for c in r.criteria)]
    assert len(gates) >= 4
    patients = [[_stated("sle", "lupus")], [_stated("crohns_disease", "Crohn's")],
                [_stated("dermatomyositis", "DM"), _stated("rheumatoid_arthritis", "RA")],
                [Fact("CONDITION", "sle", "lupus", 0, 5, uncertain=True)],
                [_stated("not_a_known_concept", "Erdheim-Chester disease")], []]
    for facts in patients:
        fast, full = Evaluator(Profile(list(facts)), today=TODAY), Evaluator(Profile(list(facts)), today=TODAY)
        assert [fast.value(g) for g in gates] == [full.leaf(g).value for g in gates]


def test_keyword_scores_summed_per_word_equal_the_or_query(tmp_path):
    from data import search
    from matching.keywords import query_words

    db = open_store(str(tmp_path / "k.db"))
    upsert_trials(db, _real_records(30), "import")
    profile = Profile([_stated("sle", "lupus"), Fact("DRUG", "mycophenolate_mofetil", "cellcept"),
                       Fact("DRUG", "rituximab", "rituximab")])
    query = " OR ".join(f'"{w}"' for w in query_words(profile))
    expected = search.search(db, query)
    got = keyword_scores(db, profile)
    assert expected and set(got) == set(expected)
    assert all(abs(got[k] - expected[k]) < 1e-9 for k in expected)


@pytest.mark.parametrize("counts", [True, False])
def test_keyword_scores_among_candidates_are_the_same_numbers(tmp_path, monkeypatch, counts):
    # a turn reads BM25 only for its candidates: the same scores, bit for bit, as the whole
    # table's for those trials, also when a word was read for other candidates before; from
    # the stored term counts (data/bm25.py), and from FTS5 (a word FTS5 reads as a phrase,
    # an older store), whose queries are checked
    records = _real_records(30)
    if len(records) < 20:
        pytest.skip("needs the real registry records of ../shared/ctgov")
    db = open_store(str(tmp_path / "k.db"))
    upsert_trials(db, records, "import")
    profile = Profile([_stated("sle", "lupus"), Fact("DRUG", "rituximab", "rituximab")])
    from matching import keywords

    if not counts:
        monkeypatch.setattr(keywords, "_own_scores", lambda *args: None)
    ids = sorted(r["id"] for r in _real_records(30))
    keywords._WORDS.clear()
    keywords._SUMS.clear()
    keywords._MEMO.clear()
    parts = [(among, keyword_scores(db, profile, among=among)) for among in (ids[:7], ids[5:20])]
    # a later turn adds a fact (its word comes last): rows read before take their sums so
    # far plus the new word's share, the others one OR query of every word
    more = Profile([*profile.facts, Fact("DRUG", "prednisone", "prednisone")])
    queries = []
    real = keywords.search.phrase_scores
    keywords.search.phrase_scores = lambda db, phrase, rows=None: queries.append(phrase) or real(db, phrase, rows)
    try:
        later = [(among, keyword_scores(db, more, among=among)) for among in (ids[3:12], ids)]
    finally:
        keywords.search.phrase_scores = real
    assert (queries[0] == '"prednisone"' and " OR " in queries[-1]) if not counts else not queries
    keywords._WORDS.clear()
    keywords._SUMS.clear()
    keywords._MEMO.clear()
    everything = keyword_scores(db, profile)
    assert len(everything) > 3
    for among, got in parts:
        assert got == {k: v for k, v in everything.items() if k in among}
    everything = keyword_scores(db, more)
    assert len(everything) > 3
    for among, got in later:
        assert got == {k: v for k, v in everything.items() if k in among}


def test_a_sibling_condition_is_another_condition():
    # Crohn's disease for an ulcerative-colitis-only trial: ruled out, naming both (the
    # patient may say they also have it); a trial naming the family keeps both. (Myositis
    # subtypes overlap: overlapping_families, the test below.)
    uc = _trial("T-UC", conditions=["ulcerative_colitis"])
    gate = _gate(_results([_stated("crohns_disease", "Crohn's")], [uc])["T-UC"])
    assert gate.status == "fail" and "ulcerative colitis" in gate.evidence[0].reason
    ibd = _trial("T-IBD", conditions=["ibd"])
    assert _gate(_results([_stated("crohns_disease", "Crohn's")], [ibd])["T-IBD"]).status == "pass"
    iim = _trial("T-IIM", conditions=["inflammatory_myopathy"])
    assert _gate(_results([_stated("polymyositis", "polymyositis")], [iim])["T-IIM"]).status == "pass"


def test_pruning_never_leaves_out_a_trial_the_gate_keeps(tmp_path):
    # the pruning index is the gate's reach: a trial listing "Pelvic Cancers" (a kind of
    # cancer by the words inside it) and a trial filed under a broader MeSH heading
    db = open_store(str(tmp_path / "t.db"))
    gyn = dict(STORED_FIELDS, id="local-x-gyn", nct_id=None, title="A family history tool", criteria=[],
               conditions=["breast_cancer"], conditions_text=["Pelvic Cancers", "Breast Cancer"])
    upsert_trials(db, [gyn], "import")
    profile = Profile([_stated("ovarian_cancer", "ovarian cancer")])
    assert _gate(_results(profile.facts, [gyn])["local-x-gyn"]).status == "pass"
    assert "local-x-gyn" in {r.id for r in pruned_match(profile, TrialCatalog(db), today=TODAY)}
    # a study about family history (its title says so) is judged, never pruned: a relative's listed
    # condition meets its gate, which pruning does not read (h117, round 25); the lupus patient who
    # tells of no relative is ruled out by the gate itself
    lupus = {r.id: r for r in pruned_match(Profile([_stated("sle", "lupus")]), TrialCatalog(db), today=TODAY)}
    assert lupus["local-x-gyn"].verdict == "ineligible"
    pelvic = dict(gyn, id="local-x-pelvic", title="A pelvic cancer registry")
    upsert_trials(db, [pelvic], "import")
    assert "local-x-pelvic" in {r.id for r in pruned_match(profile, TrialCatalog(db), today=TODAY)}
    assert "local-x-pelvic" not in {r.id for r in pruned_match(Profile([_stated("sle", "lupus")]), TrialCatalog(db),
                                                               today=TODAY)}


def test_an_infection_that_is_a_diagnosis_counts_like_a_condition():
    # HIV is an infection in the terminology (infection leaves read it) and marked as a
    # diagnosis: a registry's "HIV Infections" maps to it, and a patient with HIV is
    # matched to HIV trials and ruled out of lupus trials; "HIV negative" says nothing
    assert condition_concept("HIV Infections") == "hiv"
    hiv = _trial("T-HIV", conditions=["hiv"], texts=["HIV Infections"])
    sle = _trial("T-SLE", conditions=["sle"])
    stated = Fact("INFECTION", "hiv", "HIV", 0, 3)
    results = _results([stated], [hiv, sle])
    assert _gate(results["T-HIV"]).status == "pass"
    assert _gate(results["T-SLE"]).status == "fail" and "you told me: HIV" in _gate(results["T-SLE"]).evidence[0].reason
    negative = _results([Fact("INFECTION", "hiv", "HIV", 0, 3, negated=True)], [sle])
    assert _gate(negative["T-SLE"]).status == "unknown"


def test_a_coordinated_allogeneic_transplant_is_not_any_transplant():
    from nlp.criteria.parser import parse_criterion
    from matching.evaluate import Evaluator
    from nlp.pipeline import extract

    rule = parse_criterion("Previous allogeneic stem cell or bone marrow transplantation", "exclusion")
    assert rule == {"type": "procedure", "concept": "allo_hsct"}
    assert Evaluator(Profile(extract("DLBCL, autologous transplant in 2023"))).rule(rule).value != "true"
    assert Evaluator(Profile(extract("AML, allo-SCT in 2022"))).rule(rule).value == "true"


def test_a_registry_mesh_term_the_trials_own_words_do_not_support_is_dropped():
    """The indexer filed a multiple sclerosis study under "Neoplasm Metastasis" (for
    "Progressive"): kept, it opened the study to every cancer patient. A term a word of the
    trial's own text supports, or whose concept sits around a listed one, is kept."""
    from registry.ctgov import supported_terms

    ms = ["Relapsing Multiple Sclerosis", "Secondary Progressive Multiple Sclerosis"]
    assert supported_terms(["Neoplasm Metastasis", "Multiple Sclerosis", "Sclerosis"], ms, " ".join(ms)) == \
        ["Multiple Sclerosis", "Sclerosis"]
    breast = "Breast Cancer ; Metastatic breast cancer"
    assert supported_terms(["Breast Neoplasms", "Neoplasm Metastasis"], ["Breast Cancer"], breast) == \
        ["Breast Neoplasms", "Neoplasm Metastasis"]
    assert supported_terms(["Hematologic Neoplasms"], ["Blood Cancer Syndrome X"], "x") == ["Hematologic Neoplasms"]


def test_an_unknown_cancer_name_beside_solid_cancers_reaches_solid_tumours_only():
    """"ctDNA Positive GI Cancers" beside gastric and pancreatic cancer is a solid-tumour
    trial (``kind_splits`` in data/evidence.yaml): a T-ALL patient is not its target, a
    colorectal cancer patient may be; alone, a name of no kind ("ctDNA Positive Cancers")
    still reaches every cancer."""
    gi = _trial("T-GI", conditions=["gastric_cancer", "pancreatic_cancer"],
                texts=["ctDNA Positive GI Cancers", "Gastric Cancer", "Pancreatic Cancer"])
    assert _gate(_results([_stated("t_all", "T-ALL")], [gi])["T-GI"]).status == "fail"
    assert _gate(_results([_stated("colorectal_cancer", "bowel cancer")], [gi])["T-GI"]).status == "pass"
    alone = _trial("T-GI2", texts=["ctDNA Positive Rare Cancers"])
    assert _gate(_results([_stated("t_all", "T-ALL")], [alone])["T-GI2"]).status == "pass"
    # "GI cancers" is a name the terminology knows (gastrointestinal cancer): not a T-ALL trial
    gi_only = _trial("T-GI3", conditions=["gi_cancer"], texts=["Cancer Gi"])
    assert _gate(_results([_stated("t_all", "T-ALL")], [gi_only])["T-GI3"]).status == "fail"
    assert _gate(_results([_stated("colorectal_cancer", "bowel cancer")], [gi_only])["T-GI3"]).status == "pass"

    alone = _trial("T-ANY", texts=["ctDNA Positive Cancers"])
    assert _gate(_results([_stated("t_all", "T-ALL")], [alone])["T-ANY"]).status == "pass"
    gi_alone = _trial("T-GI2", texts=["ctDNA Positive GI Cancers"])     # GI cancers: a kind of its own
    assert _gate(_results([_stated("t_all", "T-ALL")], [gi_alone])["T-GI2"]).status == "fail"
    assert _gate(_results([_stated("colorectal_cancer", "bowel cancer")], [gi_alone])["T-GI2"]).status == "pass"
    mixed = _trial("T-MIX", conditions=["gastric_cancer", "dlbcl"], texts=["Relapsed Cancers"])
    assert _gate(_results([_stated("t_all", "T-ALL")], [mixed])["T-MIX"]).status == "pass"


def test_a_registry_class_is_narrowed_by_what_else_the_trial_names():
    """"Malignant Neoplasm" with the registry's pancreatic/colorectal/lung index terms, or a
    title "… With Advanced Solid Tumors …", is a solid-tumour trial; "Advanced Cancers"
    with nothing narrower stays open to every cancer; names in both branches change nothing."""
    from data.condition_names import narrowed_by_title

    assert narrowed_by_title(["malignancy", "pancreatic_cancer", "nsclc"], []) == ["solid_tumor", "pancreatic_cancer", "nsclc"]
    assert narrowed_by_title(["malignancy"], ["A Study of X in Patients With Advanced Solid Tumors"]) == ["solid_tumor"]
    assert narrowed_by_title(["malignancy"], ["Clinical Trial of X in Patients With Advanced Cancers"]) == ["malignancy"]
    assert narrowed_by_title(["malignancy"], ["X in Solid Tumors and Lymphomas"]) == ["malignancy"]
    assert narrowed_by_title(["sle"], ["X in Solid Tumors"]) == ["sle"]


def test_registry_age_limits_alone_never_make_a_trial_likely():
    """An imported trial whose only rules met are its condition and the registry's age
    limits (``inc-age``, ``verbatim: false``) is possible, not likely: its own criteria were
    all left to the trial team (it ranked above the trials for the patient's disease)."""
    age = {"id": "inc-age", "kind": "inclusion", "text": "Ages eligible for study: 2 Years and older",
           "verbatim": False, "rule": {"type": "age", "min": 2}}
    own = {"id": "inc-1", "kind": "inclusion", "text": "Tumour lesion accessible to core biopsies",
           "rule": {"type": "review", "reason": "other"}}
    trial = _trial("T-X", conditions=["hematologic_malignancy"], texts=["Hematologic Cancer"], criteria=[age, own])
    facts = [_stated("t_all", "T-ALL"), Fact("AGE", "age", "34", 0, 2, value=34)]
    assert _results(facts, [trial])["T-X"].verdict == "possible"
    written = dict(age, verbatim=True, id="inc-2", text="Age 2 years and older")
    assert _results(facts, [_trial("T-Y", conditions=["hematologic_malignancy"], criteria=[written, own])])["T-Y"].verdict == "likely"


# --- implied and vaguer diagnoses, complications, registry index terms (dev set growth) ----

def test_lupus_nephritis_is_lupus_and_kidney_disease_but_lupus_alone_is_not_lupus_nephritis():
    # a lupus trial is for a lupus nephritis patient; a criterion asking for lupus nephritis
    # is not met by lupus alone (it is asked), and a kidney-disease trial keeps the LN patient
    sle_trial = _trial("T-SLE", conditions=["sle"])
    ckd = _trial("T-CKD", conditions=["kidney_disease"], texts=["Chronic Kidney Disease"])
    ln = _stated("lupus_nephritis", "lupus nephritis")
    results = _results([ln], [sle_trial, ckd])
    # (h117, round 25: the kidney-disease trial's gate is asked, not passed, on the nephritis alone)
    assert _gate(results["T-SLE"]).status == "pass" and _gate(results["T-CKD"]).status == "unknown"
    wants_ln = _trial("T-LN", criteria=[{"id": "inc-1", "kind": "inclusion", "text": "Active lupus nephritis",
                                         "rule": {"type": "diagnosis", "concept": "lupus_nephritis"}}])
    only_sle = _results([_stated("sle", "lupus")], [wants_ln])["T-LN"]
    assert next(c for c in only_sle.criteria if c.id == "inc-1").status == "unknown"
    with_ln = _results([ln], [wants_ln])["T-LN"]
    assert next(c for c in with_ln.criteria if c.id == "inc-1").status == "pass"


def test_a_trial_for_a_complication_is_for_any_kind_of_its_disease():
    # diabetic foot / Charcot foot trials for a type 2 diabetes patient: the complication is
    # asked, not a reason to rule the trial out; an asthma patient is ruled out
    assert condition_concept("Diabetic Foot Infection") == "diabetic_foot"
    assert condition_concept("Charcot Neuroarthropathy") == "diabetic_foot"
    foot = _trial("T-FOOT", conditions=["diabetic_foot"], texts=["Diabetic Foot Infection"])
    assert _gate(_results([_stated("type_2_diabetes", "T2DM")], [foot])["T-FOOT"]).status == "pass"
    gate = _gate(_results([_stated("asthma", "asthma")], [foot])["T-FOOT"])
    assert gate.status == "fail" and "you told me: asthma" in gate.evidence[0].reason


def test_a_registry_index_term_beside_a_specific_condition_only_files_the_trial():
    # MeSH adds "Neoplasm Metastasis" to a breast cancer trial: it is not a trial for every
    # cancer; a sponsor who lists "Solid Tumor" beside "Pancreatic Cancer" runs a basket
    breast = _trial("T-BC", conditions=["breast_cancer", "malignancy"], texts=["Breast Cancer"],
                    condition_terms=["Breast Neoplasms", "Neoplasm Metastasis"])
    gate = _gate(_results([_stated("t_all", "T-ALL")], [breast])["T-BC"])
    assert gate.status == "fail" and gate.evidence[0].reason.startswith("for breast cancer")
    assert "you told me: T-cell acute lymphoblastic leukaemia" in gate.evidence[0].reason
    assert _gate(_results([_stated("breast_cancer", "breast cancer")], [breast])["T-BC"]).status == "pass"
    assert _gate(_results([_stated("malignancy", "cancer")], [breast])["T-BC"]).status == "pass"
    basket = _trial("T-KRAS", conditions=["pancreatic_cancer", "malignancy"], texts=["Pancreatic Cancer", "Solid Tumor"])
    assert _gate(_results([_stated("nsclc", "NSCLC")], [basket])["T-KRAS"]).status == "pass"


def test_a_vaguer_name_beside_a_precise_diagnosis_opens_nothing_more():
    # "adenocarcinoma" (any cancer) beside "NSCLC", "liver mets" beside the cancer: the
    # breast trial stays ruled out, and the reason names what the patient has
    breast = _trial("T-BC", conditions=["breast_cancer"], texts=["Breast Cancer"])
    facts = [_stated("nsclc", "NSCLC"), _stated("malignancy", "adenocarcinoma"),
             _stated("liver_metastases", "liver mets")]
    gate = _gate(_results(facts, [breast])["T-BC"])
    assert gate.status == "fail" and "non-small cell lung cancer" in gate.evidence[0].reason.lower()
    lung = _trial("T-LUNG", conditions=["nsclc"])
    assert _gate(_results(facts, [lung])["T-LUNG"]).status == "pass"
    # alone, the vague name still counts: any cancer trial may be the patient's
    assert _gate(_results([_stated("malignancy", "cancer")], [breast])["T-BC"]).status == "pass"


def test_a_registry_heading_the_sponsor_copied_beside_a_specific_cancer_only_files_the_trial():
    # "Neoplasm Metastasis" (a heading the terminology knows only as a registry term) listed
    # by the sponsor beside NSCLC: not a trial for a small cell lung cancer patient
    nsclc = _trial("T-NSCLC", conditions=["nsclc", "malignancy"],
                   texts=["Carcinoma, Non-Small-Cell Lung", "Neoplasm Metastasis"])
    gate = _gate(_results([_stated("sclc", "small cell lung cancer")], [nsclc])["T-NSCLC"])
    assert gate.status == "fail" and "small cell lung cancer" in gate.evidence[0].reason
    assert _gate(_results([_stated("nsclc", "NSCLC")], [nsclc])["T-NSCLC"]).status == "pass"


def test_a_measured_value_that_is_a_diagnosis_keeps_a_trial_open_but_never_rules_one_out():
    # "BMI 33" is obesity (implied_conditions, data/evidence.yaml): an obesity trial is the
    # patient's beside their type 2 diabetes; alone it rules no other trial out
    obesity = _trial("T-OB", conditions=["obesity"], texts=["Obesity", "Overweight"])
    asthma = _trial("T-ASTHMA", conditions=["asthma"])
    bmi = Fact("LAB", "bmi", "BMI", 0, 3, value=33.0)
    with_t2d = _results([_stated("type_2_diabetes", "T2DM"), bmi], [obesity, asthma])
    gate = _gate(with_t2d["T-OB"])
    assert gate.status == "pass" and "BMI 33 is obesity" in gate.evidence[0].reason
    assert _gate(with_t2d["T-ASTHMA"]).status == "fail"
    alone = _results([bmi], [obesity, asthma])
    assert _gate(alone["T-OB"]).status == "pass" and _gate(alone["T-ASTHMA"]).status == "unknown"
    lean = _results([_stated("type_2_diabetes", "T2DM"), Fact("LAB", "bmi", "BMI", 0, 3, value=24.0)], [obesity])
    assert _gate(lean["T-OB"]).status == "fail"


def test_a_low_kidney_function_keeps_kidney_disease_trials_open_and_never_rules_one_out():
    # "his kidney function is about 40 %" (eGFR 40) beside a stated vasculitis: the CKD trial
    # stays the patient's (it was ruled out on the vasculitis alone); a normal value does not
    # open it, and the low value alone rules no other trial out
    ckd = _trial("T-CKD", conditions=["kidney_disease"], texts=["Chronic Kidney Disease"])
    asthma = _trial("T-ASTHMA", conditions=["asthma"])
    gpa = _stated("anca_vasculitis", "granulomatosis with polyangiitis")
    low = Fact("LAB", "egfr", "kidney function", 0, 15, value=40.0, unit="%", value_normalized=40.0)
    gate = _gate(_results([gpa, low], [ckd])["T-CKD"])
    assert gate.status == "pass" and "kidney function 40 % points to kidney disease" in gate.evidence[0].reason
    normal = Fact("LAB", "egfr", "kidney function", 0, 15, value=85.0, unit="%", value_normalized=85.0)
    assert _gate(_results([gpa, normal], [ckd])["T-CKD"]).status == "fail"
    at_least = Fact("LAB", "egfr", "eGFR", 0, 4, value=40.0, value_normalized=40.0, comparator=">")
    assert _gate(_results([gpa, at_least], [ckd])["T-CKD"]).status == "fail"     # "eGFR > 40" says no CKD
    alone = _results([low], [ckd, asthma])
    assert _gate(alone["T-CKD"]).status == "pass" and _gate(alone["T-ASTHMA"]).status == "unknown"


def test_a_lupus_nephritis_patient_sees_lupus_trials_before_kidney_disease_trials():
    # lupus nephritis is a kidney disease by the organ it involves (organ_parents, data/
    # evidence.yaml): the CKD-on-haemodialysis trial stays open (the gate is not split) but
    # ranks after the lupus trial; a patient who states kidney failure too keeps it as theirs
    ckd = _trial("T-CKD", conditions=["kidney_disease"], texts=["Chronic Kidney Disease"])
    sle = _trial("T-SLE", conditions=["sle"], texts=["Systemic Lupus Erythematosus"])
    ln = _stated("lupus_nephritis", "lupus nephritis")
    results = _results([ln], [ckd, sle])
    # open, never ruled out; asked, not passed on the nephritis alone (h117, round 25)
    assert _gate(results["T-CKD"]).status == "unknown" and results["T-CKD"].verdict != "ineligible"
    assert results["T-SLE"].condition_fit > results["T-CKD"].condition_fit > 0
    assert [r.id for r in _results([ln], [ckd, sle]).values()][0] == "T-SLE"
    with_ckd = _results([ln, _stated("kidney_disease", "CKD stage 4")], [ckd, sle])
    assert with_ckd["T-CKD"].condition_fit >= with_ckd["T-SLE"].condition_fit


def test_dialysis_under_way_keeps_kidney_failure_trials_open():
    ckd = _trial("T-CKD", conditions=["kidney_disease"], texts=["Chronic Kidney Disease"])
    ssc = _stated("diffuse_systemic_sclerosis", "diffuse SSc")
    on = Fact("PROCEDURE", "dialysis", "haemodialysis", 0, 13)
    gate = _gate(_results([ssc, on], [ckd])["T-CKD"])
    assert gate.status == "pass" and "haemodialysis is for" in gate.evidence[0].reason
    past = Fact("PROCEDURE", "dialysis", "dialysis", 0, 8, historical=True)
    assert _gate(_results([ssc, past], [ckd])["T-CKD"]).status == "fail"


def test_a_systolic_pressure_over_140_keeps_hypertension_trials_open():
    htn = _trial("T-HTN", conditions=["hypertension"], texts=["Uncontrolled Hypertension"])
    ckd = _stated("kidney_disease", "CKD 3b")
    high = _results([ckd, Fact("LAB", "sbp", "SBP", 0, 3, value=145.0)], [htn])
    assert _gate(high["T-HTN"]).status == "pass"
    normal = _results([ckd, Fact("LAB", "sbp", "SBP", 0, 3, value=128.0)], [htn])
    assert _gate(normal["T-HTN"]).status == "fail"


def test_a_requested_treatment_counts_in_the_keyword_query():
    """"keen to be considered for CAR-T" (a hypothetical procedure) says which trials the
    referral looks for: its words join the BM25 query; a hypothetical diagnosis does not."""
    from matching.keywords import query_words

    profile = Profile([_stated("diffuse_systemic_sclerosis", "dcSSc"),
                       Fact("PROCEDURE", "car_t", "CAR-T", 30, 35, hypothetical=True),
                       Fact("CONDITION", "sle", "lupus", 40, 45, hypothetical=True)])
    words = query_words(profile)
    assert "car" in words and "lupus" not in words


def test_subtypes_of_an_overlapping_family_keep_each_others_trials_open_weakly():
    # overlapping_families (data/evidence.yaml): myositis subtypes overlap and are
    # reclassified, so a dermatomyositis trial stays open to a polymyositis patient (the
    # trial team decides), ranked below a trial for the patient's own subtype; Crohn's
    # disease and ulcerative colitis are not such a family
    dm = _trial("T-DM", conditions=["dermatomyositis"])
    pm = _trial("T-PM", conditions=["polymyositis"])
    uc = _trial("T-UC", conditions=["ulcerative_colitis"])
    results = _results([_stated("polymyositis", "polymyositis")], [dm, pm])
    assert _gate(results["T-DM"]).status == "pass" and _gate(results["T-PM"]).status == "pass"
    assert results["T-PM"].condition_fit > results["T-DM"].condition_fit
    assert _gate(_results([_stated("crohns_disease", "Crohn's")], [uc])["T-UC"]).status == "fail"
    assert _gate(_results([_stated("sle", "lupus")], [dm])["T-DM"]).status == "fail"


def test_what_a_condition_name_excludes_is_not_the_trials_condition():
    # NCT04482309 "Any Tumor Type Excluding Breast, Gastric, Colorectal Cancer" was a
    # colorectal cancer trial (the name's words and the MeSH term the indexer drew from them)
    from registry.ctgov import supported_terms

    name = "Part 1: Pancreatic Cancer, Rare Tumors, Any Tumor Type Excluding Breast, Gastric, Colorectal Cancer"
    inside = concepts_within(name)
    assert "pancreatic_cancer" in inside and not {"colorectal_cancer", "breast_cancer", "gastric_cancer"} & set(inside)
    assert supported_terms(["Neoplasms", "Colorectal Neoplasms"], [name], name) == ["Neoplasms"]
    # named outside the exclusion as well, it stays
    both = "Colorectal Cancer; Solid Tumors Other Than Breast Cancer"
    assert supported_terms(["Colorectal Neoplasms", "Breast Neoplasms"], ["Colorectal Cancer"], both) == ["Colorectal Neoplasms"]


def test_broad_registry_headings_file_a_trial_as_solid_tumour_not_one_organ():
    # MeSH ancestors such as "Neoplasms, Germ Cell and Embryonal" (over gliomas too) made a
    # glioma trial a testicular cancer trial; "Uterine Neoplasms" covers the cervix
    for heading in ("Neoplasms, Germ Cell and Embryonal", "Urologic Neoplasms", "Carcinoma, Ductal",
                    "Genital Neoplasms, Male", "Bone Neoplasms"):
        assert condition_concept(heading) == "solid_tumor", heading
    assert condition_concept("Uterine Neoplasms") == "gynecologic_cancer"
    assert condition_concept("Testicular Neoplasms") == "testicular_cancer"


def test_a_registry_heading_not_above_a_named_condition_files_no_one_else_here():
    # MeSH files oesophago-gastric cancer under "Head and Neck Neoplasms" too: beside a
    # named gastric cancer that heading does not make the trial a head and neck patient's;
    # for a trial the terminology cannot name, the headings are what there is
    gej = _trial("T-GEJ", conditions=["gastric_cancer"], texts=["HER 2 Positive Gastric Cancer"],
                 condition_ancestors=["solid_tumor", "head_and_neck_cancer"])
    assert _gate(_results([_stated("head_and_neck_cancer", "HNSCC")], [gej])["T-GEJ"]).status == "fail"
    assert _gate(_results([_stated("gastric_cancer", "gastric cancer")], [gej])["T-GEJ"]).status == "pass"
    wnt = _trial("T-WNT", texts=["Medulloblastoma, WNT-activated"], condition_ancestors=["brain_tumor"])
    assert _gate(_results([_stated("brain_tumor", "brain tumour")], [wnt])["T-WNT"]).status == "pass"


def test_a_requested_treatment_ranks_the_trials_offering_it_first_for_the_patients_own_disease(tmp_path):
    # "keen to be considered for CAR-T" (a hypothetical procedure): among the trials for
    # the patient's own disease, those whose title names CAR-T come first, even before a
    # "likely" trial of another treatment; a basket filed more broadly keeps its place
    adult = {"id": "inc-1", "kind": "inclusion", "text": "Adults", "rule": {"type": "age", "min": 18}}
    cd19 = {"id": "inc-1", "kind": "inclusion", "text": "CD19+ B cells", "rule": {"type": "biomarker", "marker": "cd19", "state": "positive"}}
    db = open_store(str(tmp_path / "t.db"))
    trials = [dict(STORED_FIELDS, id="local-x-drug", nct_id=None, title="Oral ifetroban in diffuse scleroderma",
                   criteria=[adult], conditions=["diffuse_systemic_sclerosis"], conditions_text=["Scleroderma, Diffuse"]),
              dict(STORED_FIELDS, id="local-x-cart", nct_id=None, title="CD19 CAR-T cells in systemic sclerosis",
                   criteria=[cd19], conditions=["diffuse_systemic_sclerosis"], conditions_text=["Scleroderma, Diffuse"]),
              dict(STORED_FIELDS, id="local-x-basket", nct_id=None, title="Chimeric antigen receptor T cells in autoimmune disease",
                   criteria=[cd19], conditions=["autoimmune_disease"], conditions_text=["Autoimmune Diseases"])]
    upsert_trials(db, trials, "import")
    facts = [_stated("diffuse_systemic_sclerosis", "dcSSc"), Fact("AGE", "age", "45", value=45)]
    asked = Profile([*facts, Fact("PROCEDURE", "car_t", "CAR-T", 30, 35, hypothetical=True)])
    found = requested_trials(db, asked)         # the bundled CAR-T trials are in the store too
    assert {"local-x-cart", "local-x-basket"} <= found and "local-x-drug" not in found
    # asking for nothing: the product's own treatment (data/catalogue.yaml focus_treatments:
    # CAR-T) is the one looked for; declining it ("would not want CAR-T") leaves none
    assert requested_trials(db, Profile(facts)) == found
    declined = Profile([*facts, Fact("PROCEDURE", "car_t", "CAR-T", 30, 35, hypothetical=True, negated=True)])
    assert requested_trials(db, declined) == frozenset()
    other = Profile([*facts, Fact("PROCEDURE", "allo_hsct", "a transplant", 30, 42, hypothetical=True)])
    assert not {"local-x-cart", "local-x-basket"} & requested_trials(db, other)
    plain = [r.id for r in match(Profile(facts), trials, today=TODAY)]
    assert plain.index("local-x-drug") < plain.index("local-x-cart")
    ranked = match(asked, trials, today=TODAY, requested=requested_trials(db, asked))
    order = [r.id for r in ranked]
    assert order == ["local-x-cart", "local-x-drug", "local-x-basket"]
    assert next(r for r in ranked if r.id == "local-x-drug").verdict == "likely"
    chat = [r.id for r in pruned_match(asked, TrialCatalog(db), today=TODAY) if r.id.startswith("local-x")]
    assert chat == order                        # the chat's path


def test_a_site_named_beside_a_kind_of_cancer_is_that_cancer_not_every_cancer():
    # "Colon Adenocarcinoma" opened a GI trial to every solid tumour, "Pancreatic Ductal
    # Carcinoma" read as breast ductal carcinoma, "Lymphoid Malignancies" as any cancer (and
    # then as any blood cancer: myelofibrosis is none)
    assert concepts_within("Colon Adenocarcinoma") == ("colorectal_cancer",)
    assert concepts_within("Pancreatic Ductal Carcinoma") == ("pancreatic_cancer",)
    assert concepts_within("Select Relapsed/Refractory Lymphoid Malignancies") == ("lymphoid_malignancy",)
    assert condition_concept("Neoplasms, Prostate") == "prostate_cancer"


def test_a_restated_diagnosis_reads_no_gate_again():
    # the gates' truths rest on the diagnoses' concepts, not on where they were said: the
    # same diagnosis at another place in the text reuses the list of values
    from core.truth import FALSE, TRUE
    from matching import relevance
    from matching.evaluate import Evaluator

    leaves = [{"type": "target_condition", "concepts": ["sle"]},
              {"type": "target_condition", "concepts": ["crohns_disease"]}]
    token = object()
    first = Evaluator(Profile([Fact("CONDITION", "sle", "lupus", 0, 5)]), today=TODAY)
    again = Evaluator(Profile([Fact("CONDITION", "sle", "lupus", 30, 35)]), today=TODAY)
    values = relevance.gate_values(first, token, leaves)
    assert values == [TRUE, FALSE]
    assert relevance.gate_values(again, token, leaves) is values
    other = Evaluator(Profile([Fact("CONDITION", "crohns_disease", "crohn's", 0, 7)]), today=TODAY)
    assert relevance.gate_values(other, token, leaves) == [FALSE, TRUE]


def test_a_reply_word_is_no_keyword():
    # an answer "yes" to "Diagnosis of lupus?" becomes a fact whose text is "yes": its
    # concept's name is the query, never the reply word
    from matching.keywords import query_words

    words = query_words(Profile([Fact("CONDITION", "sle", "yes", 0, 3), Fact("BIOMARKER", "cd19", "positive", 0, 8)]))
    assert "yes" not in words and "positive" not in words and "lupus" in words

    # "Cancer Gi" (a periampullary cancer trial) reached every cancer: GI cancers only
    assert condition_concept("Cancer Gi") == "gi_cancer" and condition_concept("Gastrointestinal Neoplasms") == "gi_cancer"


def test_a_myositis_subtype_is_asked_about_the_sibling_cohort_not_the_other_diseases():
    # the CD7 trial's cohorts (Crohn's/UC, dermatomyositis, Still's, RA): an
    # anti-synthetase syndrome referral keeps it open (overlapping_families) and is asked
    # about dermatomyositis, never "Diagnosis of Crohn's disease?"
    cd7 = next(t for t in load_trials() if t["id"] == "NCT05239702")
    result = _results([_stated("antisynthetase_syndrome", "anti-synthetase syndrome")], [cd7])["NCT05239702"]
    assert result.verdict == "possible" and _gate(result).status == "pass"
    keys = [q.key for q in result.questions]
    assert "diagnosis:dermatomyositis" in keys
    assert not {"diagnosis:crohns_disease", "diagnosis:ulcerative_colitis", "diagnosis:rheumatoid_arthritis"} & set(keys)


def test_gate_values_of_a_list_are_each_gate_value_also_turn_after_turn():
    # the bulk path remembers per list which gates each diagnosis meets (a turn adding a
    # diagnosis tests the new one only): the same truths as gate_value, one gate at a time
    from matching.evaluate import Evaluator
    from matching.relevance import gate_value, gate_values

    lists = [["sle"], ["crohns_disease"], ["ulcerative_colitis", "crohns_disease"], ["obesity"], ["ibd"],
             ["asthma"], [], ["lupus_nephritis"]]
    leaves = [{"type": "target_condition", "concepts": c, "texts": [c[0].replace("_", " ")] if c else []}
              for c in lists] + [{"type": "target_condition", "concepts": [], "texts": ["Frobnitz Syndrome"]}]
    token = object()
    bmi = Fact("LAB", "bmi", "BMI", 0, 3, value=33.0)
    turns = [[], [Fact("CONDITION", "sle", "lupus", 0, 5, uncertain=True)], [bmi], [_stated("sle", "lupus")],
             [_stated("sle", "lupus"), _stated("crohns_disease", "Crohn's")],
             [_stated("sle", "lupus"), _stated("crohns_disease", "Crohn's"), bmi],
             [_stated("frobnitz_syndrome", "frobnitz syndrome")]]
    seen = set()
    for facts in turns:
        ev = Evaluator(Profile(facts), today=TODAY)
        got = gate_values(ev, token, leaves)
        assert got == [gate_value(ev, leaf) for leaf in leaves]
        seen.update(got)
    assert seen == {"true", "false", "unknown"}


def test_a_medicine_taken_only_for_one_condition_keeps_its_trials_open_but_never_rules_one_out():
    # "on amlodipine and ramipril" is hypertension (implied_by_therapy, data/evidence.yaml):
    # the hypertension trial is the patient's beside their stated diabetes, the reason names
    # the medicine; alone it rules no other trial out, and a negated medicine implies nothing
    htn = _trial("T-HTN", conditions=["hypertension"], texts=["Uncontrolled Hypertension"])
    asthma = _trial("T-ASTHMA", conditions=["asthma"])
    amlodipine = Fact("DRUG", "amlodipine", "amlodipine", 0, 10)
    with_t2d = _results([_stated("type_2_diabetes", "T2DM"), amlodipine], [htn, asthma])
    gate = _gate(with_t2d["T-HTN"])
    assert gate.status == "pass" and "amlodipine is taken for hypertension" in gate.evidence[0].reason
    assert _gate(with_t2d["T-ASTHMA"]).status == "fail"
    alone = _results([amlodipine], [htn, asthma])
    assert _gate(alone["T-HTN"]).status == "pass" and _gate(alone["T-ASTHMA"]).status == "unknown"
    never = _results([_stated("type_2_diabetes", "T2DM"), Fact("DRUG", "amlodipine", "amlodipine", 0, 10, negated=True)],
                     [htn])
    assert _gate(never["T-HTN"]).status == "fail"


def test_medicines_of_several_uses_imply_no_condition():
    # the table names medicines for one condition only: a PTSD patient who tried an
    # antidepressant, or a rheumatology patient on methotrexate, is not given a diagnosis
    from data.condition_names import implied_by_therapy
    from data.terminology import load_terminology

    terminology = load_terminology()
    implied = {therapy for therapy, _concept in implied_by_therapy()}
    for drug in ("methotrexate", "hydroxychloroquine", "albuterol", "inhaled_steroid"):
        assert drug in terminology and not any(terminology.is_a(drug, t) for t in implied), drug
    # letrozole is listed since round 37 (h178), with its other uses beside it: PCOS or a
    # gynaecological cancer named, it implies no breast cancer
    from data.condition_names import also_taken_for
    assert "pcos" in dict(also_taken_for())["letrozole"]
    ramipril = [c for t, c in implied_by_therapy() if terminology.is_a("ramipril", t)]
    assert ramipril == ["hypertension"]


def test_the_terminology_knows_the_conditions_of_the_registry_records():
    for name, concept in (("Grade 2 Meningioma", "meningioma"), ("Medulloblastoma, WNT-activated", "medulloblastoma"),
                          ("Interstitial Cystitis", "interstitial_cystitis"), ("Adolescent Scoliosis", "scoliosis"),
                          ("Chronic Subjective Dizziness", "chronic_dizziness")):
        assert condition_concept(name) == concept


def test_the_population_a_title_names_is_the_trials_own():
    # "... in Adults Living With Obesity", listed for cardiovascular and kidney disease: an
    # obese patient's trial; the title's class above a listed condition ("Autoimmune
    # Disease" above lupus) and a top class ("Advanced Cancers") add nothing
    obesity = _trial("T-RETA", conditions=["coronary_artery_disease", "kidney_disease"],
                     texts=["Atherosclerotic Cardiovascular Disease", "Chronic Kidney Disease"],
                     title="Cardiovascular and Kidney Outcomes in Adults Living With Obesity")
    scope = _trial("T-CART", conditions=["sle", "itp"], title="CAR-T in Subjects With Relapsed/Refractory Autoimmune Disease")
    basket = _trial("T-ADV", conditions=["nsclc"], title="A Study in Patients With Advanced Cancers")
    obese = _results([_stated("obesity", "obesity")], [obesity])
    assert _gate(obese["T-RETA"]).status == "pass"
    assert _gate(_results([_stated("asthma", "asthma")], [obesity])["T-RETA"]).status == "fail"
    assert _gate(_results([_stated("rheumatoid_arthritis", "RA")], [scope])["T-CART"]).status == "fail"
    assert _gate(_results([_stated("breast_cancer", "breast cancer")], [basket])["T-ADV"]).status == "fail"


def test_a_mesh_term_sharing_one_word_with_another_disease_is_not_the_trials():
    # MeSH indexes two gallbladder cancer trials "Urinary Bladder Neoplasms" ("Gall Bladder"):
    # another disease the trial's own words do not name; "Gallbladder Neoplasms" stays, and
    # "Esophageal Neoplasms" beside "Gastroesophageal Junction Adenocarcinoma" is named inside
    from registry.ctgov import supported_terms

    own = ["Gall Bladder Cancer"]
    text = "Gall Bladder Cancer Radiation Therapy in Unresectable Gall Bladder Cancer Biliary tract cancer"
    assert supported_terms(["Urinary Bladder Neoplasms", "Gallbladder Neoplasms"], own, text) == ["Gallbladder Neoplasms"]
    gec = ["Breast Neoplasms", "Gastric or Gastroesophageal Junction Adenocarcinoma (GEC)"]
    assert supported_terms(["Esophageal Neoplasms"], gec, " ".join(gec)) == ["Esophageal Neoplasms"]


def test_a_bmi_of_25_to_29_is_overweight_and_keeps_overweight_trials_open():
    # WHO: BMI 25-29.9 is overweight, 30 or more obesity (a kind of overweight, as MeSH files
    # them): an "Obesity or Overweight" trial stays open beside a stated diagnosis
    trial = _trial("T-OW", conditions=["obesity", "overweight"], texts=["Obesity", "Overweight"])
    bmi = Fact("LAB", "bmi", "BMI", 0, 3, value=28.0)
    gate = _gate(_results([_stated("type_2_diabetes", "T2DM"), bmi], [trial])["T-OW"])
    assert gate.status == "pass" and "BMI 28 is overweight" in gate.evidence[0].reason
    lean = Fact("LAB", "bmi", "BMI", 0, 3, value=23.0)
    assert _gate(_results([_stated("type_2_diabetes", "T2DM"), lean], [trial])["T-OW"]).status == "fail"


def test_a_trial_for_what_the_patient_said_ranks_before_one_for_what_their_bmi_suggests():
    # an implied condition (BMI, a medicine) fits weakly: the long-COVID trial the patient
    # asked about comes before the obesity trial their BMI 31 keeps open
    covid = _trial("T-COVID", conditions=["post_covid_condition"])
    obesity = _trial("T-OB", conditions=["obesity"])
    results = match(Profile([_stated("post_covid_condition", "long covid"), Fact("LAB", "bmi", "BMI", 0, 3, value=31.0)]),
                    [obesity, covid], today=TODAY)
    assert [r.id for r in results] == ["T-COVID", "T-OB"]
    assert results[0].condition_fit > results[1].condition_fit > 0


def test_an_inclusion_heading_naming_a_condition_is_a_cohort_the_trial_enrols():
    # a biomarker study listed for "Dementia" whose inclusion criteria set out a
    # "Parkinson's Disease" group: a Parkinson's patient's trial; a heading that names no
    # condition ("Specific criteria for each group") adds nothing
    criteria = [{"id": "inc-1", "kind": "inclusion", "text": "Specific criteria for each group;",
                 "rule": {"type": "review", "reason": "other"}},
                {"id": "inc-2", "kind": "inclusion", "text": "Parkinson's Disease", "children": [
                    {"id": "inc-2.1", "kind": "inclusion", "text": "MoCA > 26/30", "rule": {"type": "review", "reason": "other"}}]}]
    trial = _trial("T-GHRELIN", conditions=["cognitive_impairment"], texts=["Dementia"], criteria=criteria)
    assert _gate(_results([_stated("parkinsons_disease", "Parkinson's")], [trial])["T-GHRELIN"]).status == "pass"
    assert _gate(_results([_stated("asthma", "asthma")], [trial])["T-GHRELIN"]).status == "fail"


def test_a_copied_heading_stays_a_heading_when_the_title_narrowed_its_class():
    # "Neoplasm Metastasis" beside NSCLC, narrowed by the title to solid tumour
    # (narrowed_by_title): still only a heading, not a trial for every solid tumour
    trial = _trial("T-G12C", conditions=["nsclc", "solid_tumor"],
                   texts=["Carcinoma, Non-Small-Cell Lung", "Neoplasm Metastasis"])
    assert _gate(_results([_stated("breast_cancer", "breast cancer")], [trial])["T-G12C"]).status == "fail"
    assert _gate(_results([_stated("nsclc", "NSCLC")], [trial])["T-G12C"]).status == "pass"
    assert condition_concept("Malignant Neoplasm of Anal Canal") == "anal_cancer"


def test_a_title_naming_a_sibling_of_the_listed_condition_leaves_the_list_as_it_is():
    # lupus in the title of a trial that lists another autoimmune disease: the registry's
    # list chose between siblings and stands (the synthetic load trials are such variants)
    trial = _trial("T-SIB", conditions=["juvenile_idiopathic_arthritis"],
                   title="CAR-T Cells for Patients With Refractory Systemic Lupus Erythematosus")
    assert _gate(_results([_stated("sle", "SLE")], [trial])["T-SIB"]).status == "fail"


def test_a_germ_cell_tumour_alone_is_no_testicular_cancer():
    # "germ cell tumour" arises in the testis, the ovary or outside the gonads: a girl's
    # ovarian one is no testicular cancer; a testicular cancer is one, so the germ cell
    # tumour trial stays a testicular cancer patient's, and the testicular trial the girl's
    # only as a related one
    from data.condition_names import condition_reach
    from data.terminology import load_terminology
    from nlp.pipeline import extract
    girl = [f.concept for f in extract("My daughter (15) has an ovarian germ cell tumour, starting chemo.")
            if f.label == "CONDITION"]
    assert "germ_cell_tumor" in girl and "testicular_cancer" not in girl
    assert load_terminology().is_a("testicular_cancer", "germ_cell_tumor")
    assert condition_reach(("germ_cell_tumor",)).get("testicular_cancer")
    gct = _trial("T-GCT", conditions=["germ_cell_tumor"], texts=["Germ Cell Tumor"])
    assert _gate(_results([_stated("testicular_cancer", "seminoma")], [gct])["T-GCT"]).status == "pass"
