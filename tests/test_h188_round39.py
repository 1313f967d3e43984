"""h188, round 39 (issue #14, relevance): the right trial first on the real registry records.

* A window beside an episode of a lasting condition ("≥ 1 severe asthma exacerbation within 1
  year", "exacerbations of COPD in the past 12 months", "a deterioration of asthma" in "the
  previous year") dates the episode, not the disease: the condition keeps its leaf without the
  window and the team judges the episode. Read as "asthma within 365 days" it ruled out every
  patient whose asthma began long ago (the dupilumab lung-function trial NCT05097287).
* A treatment named before the disease it treats and then said to be planned ("Surgery for my
  breast cancer is planned next month") is planned, not had (ConText: the plan word reaches
  back past the disease's name).
* An inflammatory arthritis whose kind is not yet known ("some kind of inflammatory arthritis")
  is a diagnosis broader than rheumatoid arthritis: the RA trials are on its condition and the
  CD7 CAR-T trial's RA arm ranks first.
* A person booked for an operation is its patient, not a healthy volunteer ("otherwise fit and
  healthy"): the study of the operation's people ranks before the healthy-volunteer studies.
* An arthroscopic shoulder operation said by its repair or with the shoulder after it ("a keyhole
  rotator cuff repair", "arthroscopic surgery on her shoulder") names the shoulder-block study's
  people: it ranks first, not the healthy-volunteer studies.
"""
from __future__ import annotations

from datetime import date

import pytest

from benchmarks.relevance import CTGOV_DIR
from core.facts import Profile
from data.store import open_store
from data.terminology import load_terminology
from matching.catalog import TrialCatalog
from matching.pruned import match
from matching.status_trials import patient_settings
from nlp.criteria.parser import build_rule
from nlp.pipeline import extract
from registry.run import apply, plan, read_files, stored_trials

TODAY = date(2026, 12, 7)
DUPILUMAB = "NCT05097287"     # uncontrolled moderate-severe asthma; inc-9: >= 1 severe exacerbation in the year
TOZORAKIMAB = "NCT06932263"   # uncontrolled asthma on medium-high ICS
SHOULDER = "NCT05381389"      # interscalene block in arthroscopic shoulder surgery
RA_PROGRAMME = "NCT05380934"  # TQH3821 (listed: rheumatoid arthritis) in healthy subjects
CD7_AUTOIMMUNE = "NCT05239702"  # bundled: CD7 CAR-T with an RA arm
HEALTHY = ("NCT05389722", "NCT05380245", "NCT05381142")   # studies in healthy volunteers
OTHERS = ("NCT00739752", "NCT00711529", "NCT05380778", "NCT04809324", "NCT06372145", "NCT05070858")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    db = open_store(str(tmp_path_factory.mktemp("h188") / "t.db"))
    ids = (DUPILUMAB, TOZORAKIMAB, SHOULDER, RA_PROGRAMME, *HEALTHY, *OTHERS)
    apply(db, plan(read_files([CTGOV_DIR / f"{n}.json" for n in ids]), stored_trials(db)))
    return TrialCatalog(db)


def ranked(catalog, text):
    return match(Profile(extract(text, today=TODAY)), catalog, today=TODAY)


def verdicts(catalog, text):
    return {r.id: r.verdict for r in ranked(catalog, text)}


def leaves(rule):
    if "type" in rule:
        yield rule
    for key in ("all", "any"):
        for child in rule.get(key, ()):
            yield from leaves(child)
    if "not" in rule:
        yield from leaves(rule["not"])


# --- an episode of a condition within a window -----------------------------------------------

@pytest.mark.parametrize("text, kind, concept", [
    ("Asthma exacerbation within 4 weeks before screening", "exclusion", "asthma"),
    ("Two or more exacerbations of COPD in the past 12 months", "inclusion", "copd"),
    ("At least 2 asthma exacerbations requiring systemic steroids within the last 12 months", "inclusion", "asthma"),
    ("Documented history of ≥ 1 severe asthma exacerbation within 1 year prior to Visit 1.", "inclusion", "asthma"),
])
def test_a_window_on_an_episode_is_not_on_the_condition(text, kind, concept):
    rule = build_rule(text, kind)
    found = [leaf for leaf in leaves(rule) if leaf.get("concept") == concept]
    assert all("within_days" not in leaf for leaf in found)
    assert any(leaf["type"] == "review" for leaf in leaves(rule))     # the episode is the team's


@pytest.mark.parametrize("text, concept, days", [
    ("Stroke within 6 months", "stroke", 182),
    ("History of asthma within the last 5 years", "asthma", 1826),
])
def test_a_window_on_the_condition_itself_stays(text, concept, days):
    found = [leaf for leaf in leaves(build_rule(text, "exclusion")) if leaf.get("concept") == concept]
    assert found and found[0].get("within_days") == days


@pytest.mark.parametrize("text", [
    "I'm 46 (m) and have had asthma since 2005. Two severe attacks in the last year needed prednisolone. "
    "On high-dose Fostair and montelukast, eosinophils 500. Never smoked.",
    "52F asthma diagnosed 2003, on high-dose ICS/LABA + montelukast; 3 severe exacerbations requiring OCS in "
    "the past 12 months. Eos 0.4. Never smoker.",
    "My husband (40) has had asthma since 2008 and had two bad flare-ups this year that needed steroid tablets.",
])
def test_an_asthma_begun_long_ago_keeps_the_exacerbation_trial_open(catalog, text):
    got = verdicts(catalog, text)
    assert got[DUPILUMAB] != "ineligible"
    assert got[TOZORAKIMAB] != "ineligible"


# --- a treatment planned, named before its disease ---------------------------------------------

@pytest.mark.parametrize("text", [
    "Surgery for my breast cancer is planned next month.",
    "surgery for her breast cancer is planned next month",
    "An operation to remove my left breast cancer is scheduled for January.",
    "Surgery for his bowel cancer is booked for next week.",
])
def test_a_planned_operation_named_before_its_cancer_is_not_had(text):
    operations = [f for f in extract(text, today=TODAY) if f.label == "PROCEDURE"]
    assert operations and all(f.hypothetical for f in operations)
    cancers = [f for f in extract(text, today=TODAY) if f.label == "CONDITION"]
    assert cancers and not any(f.hypothetical for f in cancers)     # the disease stays the patient's
    assert "resected" not in patient_settings(Profile(extract(text, today=TODAY)), load_terminology())


@pytest.mark.parametrize("text", [
    "I had surgery for my breast cancer in 2022 and now take letrozole",
    "Surgery for my breast cancer was two years ago; the radiotherapy is planned to finish soon.",
])
def test_an_operation_had_stays_had(text):
    operations = [f for f in extract(text, today=TODAY) if f.concept == "cancer_operation"]
    assert operations and not any(f.hypothetical for f in operations)


# --- an inflammatory arthritis of a kind not yet known -----------------------------------------

@pytest.mark.parametrize("text", [
    "I'm 39 (m). Swollen painful wrists and fingers for 3 months; my GP thinks it is some kind of inflammatory "
    "arthritis and has referred me. No treatment yet.",
    "My mum (58) has some sort of inflammatory arthritis - they haven't decided yet whether it's rheumatoid.",
    "41F, inflammatory polyarthritis of the small joints of the hands, awaiting rheumatology; not on a DMARD.",
])
def test_an_inflammatory_arthritis_keeps_the_ra_trial_open_and_first(catalog, text):
    facts = extract(text, today=TODAY)
    assert any(f.concept == "inflammatory_arthritis" for f in facts)
    results = ranked(catalog, text)
    got = {r.id: r for r in results}
    # the CD7 CAR-T trial's RA arm: open, on the condition, first (the RA programme in healthy
    # subjects is ruled out by its healthy-only criterion once a diagnosis is stated, never by the gate)
    assert got[CD7_AUTOIMMUNE].verdict != "ineligible" and not got[CD7_AUTOIMMUNE].off_condition
    assert results[0].id == CD7_AUTOIMMUNE
    assert RA_PROGRAMME not in got or not got[RA_PROGRAMME].off_condition


def test_the_kinds_of_inflammatory_arthritis_are_below_it():
    terminology = load_terminology()
    for kind in ("rheumatoid_arthritis", "psoriatic_arthritis", "axial_spondyloarthritis", "juvenile_idiopathic_arthritis"):
        assert terminology.is_a(kind, "inflammatory_arthritis")
    assert not terminology.is_a("osteoarthritis", "inflammatory_arthritis")


# --- an arthroscopic shoulder operation in other words -----------------------------------------

@pytest.mark.parametrize("text", [
    "I'm 48 (f), otherwise fit and healthy, and I'm booked for a keyhole rotator cuff repair on my left shoulder "
    "next month.",
    "My wife (45) is booked for arthroscopic surgery on her shoulder for a torn rotator cuff in two weeks. She is "
    "otherwise fit and well.",
    "I'm 52, healthy, and having arthroscopic rotator cuff surgery in January.",
])
def test_the_shoulder_operation_ranks_its_study_first(catalog, text):
    results = ranked(catalog, text)
    assert results[0].id == SHOULDER and results[0].verdict != "ineligible"
    order = [r.id for r in results]
    assert all(order.index(SHOULDER) < order.index(h) for h in HEALTHY if h in order)


# --- "otherwise healthy": healthy apart from what else is told ---------------------------------

@pytest.mark.parametrize("text", [
    "I'm 52, otherwise fit and healthy, and booked for arthroscopic rotator cuff repair on my right shoulder.",
    "I'm 45 and otherwise perfectly healthy, no other problems.",
    "He had a knee operation last year; apart from that he is in good health.",
])
def test_otherwise_healthy_is_no_healthy_person(text):
    assert not [f for f in extract(text, today=TODAY) if f.concept == "healthy"]


@pytest.mark.parametrize("text", [
    "I'm 31, fit and healthy, I'd like to volunteer.",
    "My mum is 73 and healthy.",
    "I'm 28 and perfectly healthy, no medicines.",
])
def test_healthy_without_otherwise_stays(text):
    assert [f for f in extract(text, today=TODAY) if f.concept == "healthy" and not f.negated]


def test_otherwise_never_denies_a_disease():
    facts = extract("RA on methotrexate, otherwise asthma only.", today=TODAY)
    assert any(f.concept == "asthma" and not f.negated for f in facts)
