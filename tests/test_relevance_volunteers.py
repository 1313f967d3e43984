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
