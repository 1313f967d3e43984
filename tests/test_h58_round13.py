"""Round 13 of turn latency at scale (h58): the sites' names read from the sites table, the
untargeted and elsewhere-aimed trials remembered per antigen names, the studies for healthy
people read at start-up, the offered results found without a step per result, the condition
fit's grade remembered per pair of conditions, every row's top-level nodes taken as they are,
BM25 of (nearly) every row read unrestricted. Each gives what the slower way gave."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from bot import trial_notes
from bot.geo_names import SitePlaces, site_places
from bot.trial_notes import offered
from core.facts import Fact, Profile
from data import search
from data.catalogue import load_catalogue
from data.condition_names import EXACT_FIT, KIND_FIT, RELATED_FIT, SUBTYPE_FIT, graded_fit, kind_of, umbrella
from data.store import all_trial_records, open_store, upsert_trials
from data.store_memo import store_key
from data.terminology import load_terminology
from matching import keywords, targets, volunteer_trials
from matching.cache import RecordCache
from matching.catalog import TrialCatalog
from matching.plans import PlanBook, PlanCache
from test_relevance import STORED_FIELDS

_SITE = {"facility": None, "city": None, "region": None, "country": None, "status": None, "lat": None,
         "lon": None, "contacts": []}


def _record(trial_id: str, title: str, sites: list[dict] = (), **fields) -> dict:
    record = dict(STORED_FIELDS, id=trial_id, nct_id=None, title=title, criteria=[], conditions=[],
                  conditions_text=[], sites=[dict(_SITE, **s) for s in sites])
    record.update(fields)
    return record


@pytest.fixture
def store():
    db = open_store(":memory:")
    upsert_trials(db, [
        _record("local-t-a", "A study", [{"city": " Leeds ", "country": "United Kingdom"}, {"city": "LEEDS"}]),
        _record("local-t-b", "B study", [{"city": "leeds", "region": "West Yorkshire", "country": "United Kingdom"},
                                   {"city": None, "region": None, "country": "Netherlands"}]),
    ], "import")
    return db


def test_the_sites_table_gives_the_names_every_record_gives(store):
    """The same names by key, the same spelling kept for each (the first in trial and site
    order), in the same order."""
    from_records = SitePlaces(all_trial_records(store))
    from_table = SitePlaces.stored(store)
    assert list(from_table.names.items()) == list(from_records.names.items())
    assert from_table.name_for("leeds") == "Leeds"            # " Leeds " of t-a, the first, stripped
    assert from_table.name_for("west yorkshire") == "West Yorkshire"


def test_a_catalogs_site_names_are_remembered_and_follow_an_import(store):
    catalog = TrialCatalog(store, RecordCache(), PlanCache(PlanBook()))
    first = site_places(catalog)
    assert site_places(catalog) is first                        # read once while the trials stay
    assert first.name_for("utrecht") is None
    upsert_trials(store, [_record("local-t-c", "C study", [{"city": "Utrecht", "country": "Netherlands"}])], "import")
    assert site_places(catalog).name_for("utrecht") == "Utrecht"


def test_a_list_of_records_is_read_as_before():
    places = site_places([{"sites": [{"city": "Leeds"}]}, "not a record", {"sites": None}])
    assert places.name_for("LEEDS") == "Leeds"


def _marker(concept: str, status: str | None = "positive") -> Fact:
    return Fact("BIOMARKER", concept, concept.upper(), 0, 3, status=status)


@pytest.fixture
def cancer_store():
    db = open_store(":memory:")
    upsert_trials(db, [
        _record("local-car-cd7", "CD7 CAR-T cells in CD7-positive haematological malignancy", conditions=["malignancy"]),
        _record("local-car-cd19", "CD19 CAR-T cells in B-cell leukaemia", conditions=["malignancy"]),
        _record("local-sle-cd19", "CD19 CAR-T cells in lupus", conditions=["sle"]),
        _record("local-plain", "Chemotherapy in leukaemia", conditions=["malignancy"]),
    ], "import")
    return db


def _set_ops(db, profile: Profile) -> tuple[frozenset, frozenset]:
    """``untargeted_trials`` and ``elsewhere_trials`` worked out as before (no memo)."""
    mine = targets.target_names(profile)
    untargeted = targets._untargeted(db, mine)
    return untargeted, targets.elsewhere_trials(db, profile)


def test_untargeted_trials_remembered_per_antigen_names_are_the_same_sets(cancer_store):
    targets._SETS.clear()
    nobody = Profile([])
    cd7 = Profile([_marker("cd7")])
    first = targets.untargeted_trials(cancer_store, nobody)
    assert first >= {"local-car-cd7", "local-car-cd19"}        # a cancer trial naming an antigen
    assert not first & {"local-sle-cd19", "local-plain"}       # not the lupus one, nor one naming none
    assert targets.untargeted_trials(cancer_store, nobody) is first
    mine = targets.untargeted_trials(cancer_store, cd7)
    assert "local-car-cd7" not in mine and "local-car-cd19" in mine        # the patient's own antigen is no other's
    assert mine == _set_ops(cancer_store, cd7)[0]
    upsert_trials(cancer_store, [_record("local-car-cd7b", "Anti-CD7 CAR-T in T-cell lymphoma", conditions=["malignancy"])],
                  "import")
    assert "local-car-cd7b" in targets.untargeted_trials(cancer_store, nobody)      # new trials: worked out again


def test_elsewhere_trials_remembered_are_the_sets_worked_out_anew(cancer_store):
    targets._SETS.clear()
    myeloma = Profile([Fact("CONDITION", "multiple_myeloma", "myeloma", 0, 7)])
    found = targets.elsewhere_trials(cancer_store, myeloma)
    assert "local-car-cd7" in found and not found & {"local-sle-cd19", "local-plain"}   # CD7: rarely a myeloma's
    again = targets.elsewhere_trials(cancer_store, myeloma)
    assert again is found
    targets._SETS.clear()
    assert targets.elsewhere_trials(cancer_store, myeloma) == found


def test_start_up_reads_the_studies_for_healthy_people(monkeypatch):
    db = open_store(":memory:")
    upsert_trials(db, [
        _record("local-hv-title", "TQH3821 Tablets in Adult Healthy Subjects"),
        _record("local-hv-named", "A vaccine study", conditions_text=["Healthy Volunteers"]),
        _record("local-hv-flag", "Lupus with healthy controls", conditions_text=["Lupus"],
                eligibility=dict(STORED_FIELDS["eligibility"], healthy_volunteers=True)),
    ], "import")
    reads = []
    read = volunteer_trials.VolunteerStudies._read
    monkeypatch.setattr(volunteer_trials.VolunteerStudies, "_read", lambda self: reads.append(1) or read(self))
    TrialCatalog(db, RecordCache(), PlanCache(PlanBook())).preload()
    assert reads == [1]
    named, accepting = volunteer_trials.volunteer_trials(db).for_healthy()
    assert reads == [1]                                        # the turn reads no record
    assert named == {"local-hv-title", "local-hv-named"} and accepting == {"local-hv-flag"}


def _offered_one_by_one(results, statuses, catalogue) -> tuple[list, int]:
    """``offered`` as it went through the results before: a Python step per result."""
    chosen = trial_notes._offered_ids(statuses, catalogue)
    kept, left_out = [], 0
    for result in results:
        trial_id = getattr(result, "id", None)
        if trial_id in chosen:
            kept.append(result)
        elif trial_id in statuses or not catalogue.offered_in_chat((result.trial or {}).get("status")):
            left_out += 1
        else:
            kept.append(result)
    return kept, left_out


@pytest.mark.parametrize("unstored", [None, "RECRUITING", "COMPLETED"])
def test_offered_without_a_step_per_result_gives_the_same_results(monkeypatch, unstored):
    """Every result a stored trial's: the offered ones found at once; one not stored (a
    record's own status decides) or without an id: the step per result, as before."""
    results = [SimpleNamespace(id=f"T{i:05d}", trial={"status": "RECRUITING"}) for i in range(1500)]
    statuses = {r.id: ("COMPLETED" if i % 4 == 0 else "NOT_YET_RECRUITING" if i % 4 == 1 else "RECRUITING")
                for i, r in enumerate(results)}
    if unstored is not None:
        results.insert(7, SimpleNamespace(id="local-new", trial={"status": unstored}))
        results.insert(9, SimpleNamespace(trial={"status": unstored}))
    monkeypatch.setattr(trial_notes, "_statuses", lambda db: statuses)
    trial_notes._LAST_OFFERED.clear()
    kept, left_out = offered(results, db=object())
    expected, expected_left = _offered_one_by_one(results, statuses, load_catalogue())
    assert [id(r) for r in kept] == [id(r) for r in expected] and left_out == expected_left
    assert left_out >= 375


def test_graded_fit_remembered_by_pair_equals_the_fit_worked_out_per_list():
    """``graded_fit`` with each (patient concept, listed condition) answer remembered: the
    same grade and type as the loop over the list's conditions had."""
    terminology = load_terminology()

    def one_by_one(strength, concept, conditions):
        if strength != RELATED_FIT or concept not in terminology or umbrella(concept, terminology):
            return strength
        best = strength
        for other in conditions:
            if other == concept or other not in terminology or umbrella(other, terminology):
                continue
            if kind_of(concept, other, terminology):
                return SUBTYPE_FIT
            if kind_of(other, concept, terminology):
                best = KIND_FIT
        return best

    concepts = ["t_all", "all", "leukaemia", "cml", "sle", "lupus_nephritis", "malignancy", "dermatomyositis",
                "inflammatory_myopathy", "systemic_sclerosis", "unknown-thing"]
    lists = [tuple(c for c in combo if c) for combo in
             [("malignancy", "t_all"), ("leukaemia",), ("all", "cml"), ("sle",), ("lupus_nephritis", "ckd"),
              ("inflammatory_myopathy", "dermatomyositis"), ("autoimmune_disease",), ("unknown-thing", "sle"), ()]]
    grades = set()
    for _round in range(2):                 # worked out, then remembered
        for concept in concepts:
            for conditions in lists:
                for strength in (RELATED_FIT, EXACT_FIT, 0):
                    got = graded_fit(strength, concept, conditions, terminology)
                    want = one_by_one(strength, concept, conditions)
                    assert got == want and type(got) is type(want), (concept, conditions, strength)
                    grades.add(got)
    assert {SUBTYPE_FIT, KIND_FIT} <= grades


def test_the_top_levels_of_every_row_are_those_gathered_row_by_row(store):
    """``CatalogIndex.tops`` of every row (no diagnosis yet) takes the arrays as they are:
    the same nodes, sizes and largest node as gathering them row by row."""
    catalog = TrialCatalog(store, RecordCache(), PlanCache(PlanBook()))
    catalog.preload()
    index = catalog.index()
    rows = np.arange(len(index))
    flat, sizes, top = index.tops(rows)
    begin = np.cumsum(index.sizes) - index.sizes
    gathered = index.flat[np.repeat(index.starts - begin, index.sizes) + np.arange(int(index.sizes.sum()))]
    assert np.array_equal(flat, gathered) and flat.dtype == gathered.dtype
    assert np.array_equal(sizes, index.sizes) and top == int(gathered.max())
    # read-only views (h73: the same objects every turn, so their nodes' plans are kept):
    # a caller cannot change the index's own
    with pytest.raises(ValueError):
        flat[:] = -1
    assert np.array_equal(index.tops(rows)[0], gathered)
    some = rows[1:]
    part = index.tops(some)[0]
    assert np.array_equal(part, gathered[int(index.sizes[0]):])


def test_scores_among_nearly_every_row_equal_the_scores_of_those_rows(cancer_store):
    """BM25 of (nearly) every row read unrestricted and kept when among them: the same
    scores, to the bit, as the query restricted to those rows; fewer rows: restricted."""
    version = store_key(cancer_store)
    every = set(keywords._trial_ids(cancer_store, version))
    calls = []
    for query in ('"car"', '"cells" OR "leukaemia" OR "lupus"', '"nothing-of-the-sort"'):
        for rows in (every, every - {min(every)}, {min(every), max(every)}):
            expected = search.phrase_scores(cancer_store, query, sorted(rows))
            found = keywords._scores_among(cancer_store, version, query, rows)
            assert list(found.items()) == list(expected.items())
            calls.append(len(found))
    assert any(calls)
