"""The ranking's disease-status hook (matching/status_trials.py) reads a status as one of a
cancer's (``status_of`` in data/terminology/disease_status.yaml): "newly diagnosed" said of a
lymphoma ranks the relapsed-lymphoma trial after the first-line one, and leaves the
"refractory" rheumatoid arthritis trial beside it alone; "refractory" said of myositis ranks
no cancer trial."""
from core.facts import Fact, Profile
from data.store import open_store, upsert_trials
from matching.status_trials import mismatched_trials
from test_relevance import STORED_FIELDS, _stated

ADULT = {"id": "inc-1", "kind": "inclusion", "text": "Adults", "rule": {"type": "age", "min": 18}}


def _store(tmp_path):
    db = open_store(str(tmp_path / "t.db"))
    trials = [dict(STORED_FIELDS, id="local-rr-dlbcl", nct_id=None, title="Selinexor in Relapsed/Refractory DLBCL",
                   criteria=[ADULT], conditions=["dlbcl"], conditions_text=["Diffuse Large B-cell Lymphoma"]),
              dict(STORED_FIELDS, id="local-new-dlbcl", nct_id=None, title="R-CHOP in Previously Untreated DLBCL",
                   criteria=[ADULT], conditions=["dlbcl"], conditions_text=["Diffuse Large B-cell Lymphoma"]),
              dict(STORED_FIELDS, id="local-rr-ra", nct_id=None, title="CAR-T cells in Refractory Rheumatoid Arthritis",
                   criteria=[ADULT], conditions=["rheumatoid_arthritis"], conditions_text=["Rheumatoid Arthritis"])]
    upsert_trials(db, trials, "import")
    return db


MINE = {"local-rr-dlbcl", "local-new-dlbcl", "local-rr-ra"}      # the store holds the bundled trials too


def test_a_cancers_status_ranks_only_cancer_trials(tmp_path):
    db = _store(tmp_path)
    new = _stated("newly_diagnosed", "newly diagnosed")
    both = Profile([_stated("dlbcl", "DLBCL"), new, _stated("rheumatoid_arthritis", "RA")])
    assert mismatched_trials(db, both) & MINE == {"local-rr-dlbcl"}
    relapsed = Profile([_stated("dlbcl", "DLBCL"), _stated("relapsed_disease", "relapsed")])
    assert mismatched_trials(db, relapsed) & MINE == {"local-new-dlbcl"}


def test_a_status_of_no_cancer_ranks_nothing(tmp_path):
    db = _store(tmp_path)
    myositis = Profile([_stated("inflammatory_myopathy", "myositis"), _stated("refractory_disease", "refractory")])
    assert mismatched_trials(db, myositis) == frozenset()
    unsure = Profile([Fact("CONDITION", "dlbcl", "DLBCL", 0, 5, negated=True), _stated("relapsed_disease", "relapsed")])
    assert mismatched_trials(db, unsure) == frozenset()
