"""Issue #14, round 11: a study offering no treatment ranks after the treatment trials fitting
the patient equally (matching/untreating.py); a person who says they are healthy is asked no
diagnosis, and one naming no diagnosis is asked it before a lab value (bot/asking.py)."""
from datetime import date

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from core.facts import Fact, Profile
from data.catalogue import load_catalogue
from data.condition_names import EXACT_FIT, RELATED_FIT, SUBTYPE_FIT, UNTREATING_STEP
from data.store import open_store, upsert_trials
from matching.catalog import TrialCatalog
from matching.engine import match
from matching.pruned import match as pruned_match
from matching.questions import build_question
from matching.untreating import untreating_fits, untreating_trials
from test_relevance import STORED_FIELDS, _stated

TODAY = date(2026, 6, 1)
ADULT = {"id": "inc-1", "kind": "inclusion", "text": "Adults", "rule": {"type": "age", "min": 18}}
SAMPLES = [{"type": "PROCEDURE", "name": "Tumor biopsy", "target_antigens": [], "description": None},
           {"type": "PROCEDURE", "name": "Blood sample", "target_antigens": [], "description": None}]
CELLS = [{"type": "BIOLOGICAL", "name": "CAR-T cells", "target_antigens": [], "description": None}]


def _record(trial_id, title, conditions, texts, purpose=None, interventions=(), study_type="INTERVENTIONAL"):
    return dict(STORED_FIELDS, id=trial_id, nct_id=None, title=title, criteria=[ADULT], conditions=conditions,
                conditions_text=texts, study_type=study_type, interventions=list(interventions),
                design=dict(STORED_FIELDS["design"], purpose=purpose))


def _store(tmp_path):
    db = open_store(str(tmp_path / "u.db"))
    trials = [
        # samples taken around cell therapy given elsewhere, filed as broadly as the treatment trial
        _record("local-a-monitor", "Immune determinants of the response to adoptive cell therapy",
                ["hematologic_malignancy"], ["Hematologic Cancer"], "OTHER", SAMPLES),
        _record("local-b-cart", "Cell therapy in relapsed haematological tumours",
                ["hematologic_malignancy"], ["Hematologic Cancer"], "TREATMENT", CELLS),
        _record("local-c-watch", "Outcomes of blood cancers", ["hematologic_malignancy"], ["Hematologic Cancer"],
                None, (), study_type="OBSERVATIONAL"),
        _record("local-d-aml", "A study in acute myeloid leukaemia", ["aml"], ["Acute Myeloid Leukemia"], "OTHER", SAMPLES),
    ]
    upsert_trials(db, trials, "import")
    return db, trials


def test_the_catalogue_says_which_studies_offer_a_treatment():
    catalogue = load_catalogue()
    assert "OBSERVATIONAL" in catalogue.untreating_types
    assert {"TREATMENT", "PREVENTION", "SUPPORTIVE_CARE"} <= set(catalogue.treatment_purposes)
    assert {"DRUG", "BIOLOGICAL"} <= set(catalogue.treating_interventions)
    assert "PROCEDURE" not in catalogue.treating_interventions


def test_studies_offering_no_treatment_are_read_from_the_record(tmp_path):
    db, _trials = _store(tmp_path)
    found = untreating_trials(db)
    assert {"local-a-monitor", "local-c-watch", "local-d-aml"} <= found
    assert "local-b-cart" not in found
    # the curated pages give no purpose: they offer one (the bundled CAR-T trials)
    assert not any(t.startswith("local-cd") or t.startswith("local-") and t.endswith("heme") for t in found)


def test_the_step_keeps_the_order_of_the_grades():
    fits = [EXACT_FIT, SUBTYPE_FIT, RELATED_FIT, 0]
    lowered = untreating_fits(["a", "b", "c", "d"], fits, frozenset({"a", "b", "c", "d"}))
    assert lowered == [EXACT_FIT - UNTREATING_STEP, SUBTYPE_FIT - UNTREATING_STEP, RELATED_FIT - UNTREATING_STEP, 0]
    assert EXACT_FIT - UNTREATING_STEP > SUBTYPE_FIT and RELATED_FIT - UNTREATING_STEP > 1.75


def test_a_treatment_trial_ranks_before_a_monitoring_study_fitting_as_well(tmp_path):
    db, trials = _store(tmp_path)
    aml = Profile([_stated("aml", "AML"), Fact("AGE", "age", "55", value=55)])
    plain = {r.id: r for r in match(aml, trials, today=TODAY)}
    ranked = match(aml, trials, today=TODAY, untreating=untreating_trials(db))
    ids = [r.id for r in ranked]
    # the treatment trial for blood cancers before the sampling and observational ones filed the same way
    assert ids.index("local-b-cart") < ids.index("local-a-monitor")
    assert ids.index("local-b-cart") < ids.index("local-c-watch")
    # a study for the patient's very disease still comes before the umbrella treatment trial
    assert ids[0] == "local-d-aml"
    # never a verdict
    assert {r.id: r.verdict for r in ranked} == {i: r.verdict for i, r in plain.items()}
    chat = [r.id for r in pruned_match(aml, TrialCatalog(db), today=TODAY) if r.id.startswith("local-") and r.id[6] in "abcd"]
    assert chat.index("local-b-cart") < chat.index("local-a-monitor")


def _said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


@pytest.fixture
def engine(tmp_path):
    db, _trials = _store(tmp_path)
    hv = dict(STORED_FIELDS, id="local-e-hv", nct_id=None, title="Safety of TQH3821 Tablets in Adult Healthy Subjects",
              criteria=[ADULT], conditions=["rheumatoid_arthritis"], conditions_text=["Rheumatoid Arthritis"])
    upsert_trials(db, [hv], "import")
    return Engine(SessionStore(db), gazetteer=None, today=date(2026, 1, 15))


def test_a_healthy_person_is_asked_no_diagnosis(engine):
    engine.start("cli:hv", role="patient")
    reply = engine.message("cli:hv", "I'm 28, no illness at all, can I sign up?")
    said = _said(reply)
    assert "healthy" in said
    assert "diagnosed with" not in said and "What illness" not in said


def test_no_diagnosis_named_the_diagnosis_comes_before_a_lab_value(engine):
    lab = build_question("lab:platelets")
    engine._next_question = lambda results, profile, exclude, **kw: None if lab.key in exclude else lab
    engine.start("cli:nodx", role="patient")
    said = _said(engine.message("cli:nodx", "I'm 45 and looking for a trial"))
    assert "What illness have you been diagnosed with?" in said
    assert "platelet" not in said.lower()


def test_with_a_diagnosis_a_lab_value_may_come_first(engine):
    lab = build_question("lab:platelets")
    engine._next_question = lambda results, profile, exclude, **kw: None if lab.key in exclude else lab
    engine.start("cli:dx", role="clinician")
    said = _said(engine.message("cli:dx", "55M with AML, relapsed after transplant"))
    assert "What illness" not in said and "Diagnosis?" not in said
