"""A study done in healthy people ("... TQH3821 Tablets in Adult Healthy Subjects", filed under
rheumatoid arthritis) ranks after every trial for a patient's own conditions
(matching/volunteer_trials.py); for a person who states no diagnosis it keeps its place.
It rules nothing out: verdicts are unchanged."""
from datetime import date

from core.facts import Fact, Profile
from data.store import open_store, upsert_trials
from matching.catalog import TrialCatalog
from matching.engine import match
from matching.pruned import match as pruned_match
from matching.volunteer_trials import volunteer_trials
from test_relevance import STORED_FIELDS, _stated

TODAY = date(2026, 6, 1)
ADULT = {"id": "inc-1", "kind": "inclusion", "text": "Adults", "rule": {"type": "age", "min": 18}}


def _store(tmp_path):
    db = open_store(str(tmp_path / "t.db"))
    trials = [dict(STORED_FIELDS, id="local-a-hv", nct_id=None, title="Safety of TQH3821 Tablets in Adult Healthy Subjects",
                   criteria=[ADULT], conditions=["rheumatoid_arthritis"], conditions_text=["Rheumatoid Arthritis"]),
              dict(STORED_FIELDS, id="local-b-ra", nct_id=None, title="CAR-T cells for refractory autoimmune disease",
                   criteria=[ADULT], conditions=["autoimmune_disease"], conditions_text=["Autoimmune Diseases"])]
    upsert_trials(db, trials, "import")
    return db, trials


def test_a_healthy_volunteer_study_ranks_after_the_patients_own_trials(tmp_path):
    db, trials = _store(tmp_path)
    found = volunteer_trials(db)
    assert found == frozenset({"local-a-hv"})
    ra = Profile([_stated("rheumatoid_arthritis", "RA"), Fact("AGE", "age", "40", value=40)])
    plain = [r.id for r in match(ra, trials, today=TODAY)]
    assert plain[0] == "local-a-hv"                   # filed under RA itself: first without the rule
    ranked = match(ra, trials, today=TODAY, volunteers=found)
    assert [r.id for r in ranked] == ["local-b-ra", "local-a-hv"]
    assert {r.id: r.verdict for r in ranked} == {r.id: r.verdict for r in match(ra, trials, today=TODAY)}
    chat = [r.id for r in pruned_match(ra, TrialCatalog(db), today=TODAY) if r.id.startswith("local-")]
    assert chat == ["local-b-ra", "local-a-hv"]        # the chat's path (the bundled trials join it)


def test_without_a_diagnosis_a_healthy_volunteer_study_keeps_its_place(tmp_path):
    db, trials = _store(tmp_path)
    nobody = Profile([Fact("AGE", "age", "28", value=28)])
    assert ([r.id for r in match(nobody, trials, today=TODAY, volunteers=volunteer_trials(db))]
            == [r.id for r in match(nobody, trials, today=TODAY)])


def _healthy_store(tmp_path):
    db = open_store(str(tmp_path / "hv.db"))
    flag = dict(STORED_FIELDS["eligibility"], healthy_volunteers=True)
    trials = [dict(STORED_FIELDS, id="local-a-hv", nct_id=None, title="Safety of TQH3821 Tablets in Adult Healthy Subjects",
                   criteria=[ADULT], conditions=["rheumatoid_arthritis"], conditions_text=["Rheumatoid Arthritis"]),
              dict(STORED_FIELDS, id="local-b-ddi", nct_id=None, title="Drug-drug interaction study",
                   criteria=[ADULT], conditions=["healthy"], conditions_text=["Healthy"], eligibility=flag),
              dict(STORED_FIELDS, id="local-c-sleep", nct_id=None, title="Response to sleep loss",
                   criteria=[ADULT], conditions=[], conditions_text=["Sleep Deprivation"], eligibility=flag),
              dict(STORED_FIELDS, id="local-d-ra", nct_id=None, title="CAR-T cells for refractory arthritis",
                   criteria=[ADULT], conditions=["rheumatoid_arthritis"], conditions_text=["Rheumatoid Arthritis"]),
              dict(STORED_FIELDS, id="local-e-breast", nct_id=None, title="Adjuvant therapy", criteria=[ADULT],
                   conditions=["breast_cancer"], conditions_text=["Breast Cancer"])]
    upsert_trials(db, trials, "import")
    return db, trials


def test_a_healthy_person_is_read_and_ranks_the_studies_in_healthy_people_first(tmp_path):
    from nlp.pipeline import extract

    for text in ("I'm 31 with no illness at all", "she is healthy, nothing wrong with her",
                 "he doesn't have any illness", "I'd like to be a volunteer", "healthy - no medical problems"):
        facts = [f for f in extract(text) if f.concept == "healthy"]
        assert facts and not any(f.negated for f in facts), text
    db, _trials = _healthy_store(tmp_path)
    person = Profile(extract("I'm a 31 year old guy with no illness at all. Can I sign up as a healthy volunteer?"))
    results = pruned_match(person, TrialCatalog(db), today=TODAY)
    ranked = [r.id for r in results if r.id.startswith("local-")]
    # the studies for healthy people (title or registry conditions), then the one accepting them
    assert set(ranked[:2]) == {"local-a-hv", "local-b-ddi"} and ranked[2] == "local-c-sleep"
    # saying so rules nothing out and narrows no candidates: the patient trials stay open
    assert {r.id for r in results if r.verdict == "ineligible"} & {"local-d-ra", "local-e-breast"} == set()
    assert {"local-d-ra", "local-e-breast"} <= {r.id for r in results}


def test_beside_a_diagnosis_being_healthy_otherwise_changes_nothing(tmp_path):
    from nlp.pipeline import extract

    db, _trials = _healthy_store(tmp_path)
    ra = Profile(extract("I'm 40 and have rheumatoid arthritis, no other medical problems"))
    ranked = [r.id for r in pruned_match(ra, TrialCatalog(db), today=TODAY) if r.verdict != "ineligible"]
    assert ranked[0] == "local-d-ra" and "local-e-breast" not in ranked
