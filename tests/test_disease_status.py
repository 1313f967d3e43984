"""The status of the patient's disease (relapsed, refractory, newly diagnosed, in remission,
MRD) end to end: patient text, registry criteria, leaf semantics, relevance."""
from core.facts import Fact, Profile
from core.truth import FALSE, TRUE, UNKNOWN
from data.condition_names import condition_concept, is_disease_status
from data.terminology import load_terminology
from matching.evaluate import Evaluator
from matching.leaves import diagnosis
from matching.relevance import diagnosis_facts
from nlp.criteria.parser import build_rule
from nlp.pipeline import extract

RR = {"type": "diagnosis", "concept": "relapsed_or_refractory"}
NEW = {"type": "diagnosis", "concept": "newly_diagnosed"}


def _status(text: str) -> list[Fact]:
    terminology = load_terminology()
    return [f for f in extract(text) if f.label == "CONDITION" and is_disease_status(f.concept, terminology)]


def _one(text: str) -> Fact:
    found = _status(text)
    assert len(found) == 1, found
    return found[0]


def test_patients_words_for_the_status():
    for text, concept in [("My son has relapsed T-ALL.", "relapsed_disease"),
                          ("it came back in March", "relapsed_disease"),
                          ("he has T-ALL that came back after his transplant", "relapsed_disease"),
                          ("Relapse 08/2026 with 12% marrow involvement", "relapsed_disease"),
                          ("He is primary refractory AML", "refractory_disease"),
                          ("She didn't go into remission after induction", "refractory_disease"),
                          ("AML in CR1", "in_remission"),
                          ("Newly diagnosed multiple myeloma", "newly_diagnosed"),
                          ("relapsed/refractory DLBCL", "relapsed_or_refractory")]:
        fact = _one(text)
        assert fact.concept == concept, text
        assert fact.asserted and not fact.uncertain, text
    assert {f.concept for f in _status("in remission since 2022, MRD negative")} == {"in_remission", "mrd_negative"}
    assert _one("Relapse 08/2026 with 12% marrow involvement").date == "2026-08"


def test_status_assertion():
    assert _one("no relapse so far").negated
    assert _one("He's been relapse-free since the transplant").negated
    assert _one("not in remission").negated
    assert _one("in case of relapse we would like a donor").hypothetical
    # the writer's own illness first: the sister's relapse is family history (alone, "My sister
    # had a relapse of her leukemia" is a relative writing for her sister, as the conversation
    # gold reads "my mum had shingles last year after her steroids"; round 8)
    sister = _one("I have lupus. My sister had a relapse of her leukemia")
    assert sister.family


def test_status_is_no_diagnosis():
    """A status alone names no disease: the relevance gate and the ranking never read it, and
    no registry condition name maps to it."""
    ev = Evaluator(Profile(extract("it came back in March")))
    assert diagnosis_facts(ev) == []
    ev = Evaluator(Profile(extract("relapsed T-ALL")))
    assert [f.concept for f in diagnosis_facts(ev)] == ["t_all"]
    assert condition_concept("Relapsed/Refractory Multiple Myeloma") == "multiple_myeloma"
    for name in ("Relapsed/Refractory", "Newly Diagnosed", "Complete Remission", "MRD Positive"):
        assert condition_concept(name) is None      # a status is no condition a trial is for


def _leaf(text: str, leaf: dict) -> str:
    return diagnosis(Evaluator(Profile(extract(text))), leaf).value


def test_statuses_that_contradict_each_other():
    assert _leaf("relapsed T-ALL", RR) == TRUE
    assert _leaf("primary refractory AML", RR) == TRUE          # narrower: refractory meets r/r
    assert _leaf("relapsed T-ALL", NEW) == FALSE
    assert _leaf("newly diagnosed myeloma, no treatment yet", RR) == FALSE
    assert _leaf("MRD positive after induction", {"type": "diagnosis", "concept": "mrd_negative"}) == FALSE
    # unknown stays unknown: never a fail
    assert _leaf("T-ALL, 14 years old", RR) == UNKNOWN
    assert _leaf("T-ALL, 14 years old", NEW) == UNKNOWN
    # "no relapse" is no refractory disease either: r/r stays open
    assert _leaf("AML, no relapse so far", RR) == UNKNOWN
    # a relapse only feared or a relative's says nothing of the patient's
    assert _leaf("newly diagnosed AML; if it comes back, is CAR-T an option?", NEW) == TRUE
    assert _leaf("My sister had a relapse of her leukemia, I have newly diagnosed AML", NEW) == TRUE


def test_registry_status_beside_a_cancer():
    assert build_rule("Relapsed or refractory CD7+ T-ALL") == {"all": [
        RR, {"type": "biomarker", "marker": "cd7", "state": "positive"}, {"type": "diagnosis", "concept": "t_all"}]}
    assert build_rule("R/R AML") == {"all": [RR, {"type": "diagnosis", "concept": "aml"}]}
    assert build_rule("Newly diagnosed multiple myeloma") == {"all": [
        NEW, {"type": "diagnosis", "concept": "multiple_myeloma"}]}
    assert build_rule("Previously untreated disease") == NEW
    assert build_rule("AML in first complete remission") == {"all": [
        {"type": "diagnosis", "concept": "aml"}, {"type": "diagnosis", "concept": "in_remission"}]}


def test_registry_status_words_that_are_no_status():
    # the autoimmune voice: therapies failed, the rule it had
    assert build_rule("Relapsed refractory systemic lupus erythematosus.") == {"type": "diagnosis", "concept": "sle"}
    assert build_rule("Refractory adult STILL disease") == {"type": "diagnosis", "concept": "adult_onset_stills_disease"}
    # a therapy response
    assert build_rule("Refractory to rituximab") == {"type": "therapy", "concept": "rituximab", "response": "failed"}
    assert "relapsed_or_refractory" not in str(build_rule("Relapsed/refractory to JAK-inhibitor treatment"))
    assert "in_remission" not in str(build_rule(
        "Refractory: complete remission is not achieved after at least two courses of standard induction therapy"))
    # an exclusion's status is another disease's
    assert "newly_diagnosed" not in str(build_rule(
        "Newly diagnosed (within 3 months before enrollment) or poorly controlled Type 1 or 2 diabetes", "exclusion"))
    assert "newly_diagnosed" not in str(build_rule("newly diagnosed with HIV maximum 2 months"))
    assert "refractory" not in str(build_rule("Refractory nausea and vomiting"))


def test_newly_diagnosed_child_no_longer_may_qualify_for_a_relapsed_trial():
    rule = build_rule("Relapsed or refractory CD7+ T-ALL")
    ev = Evaluator(Profile(extract("my 9 year old was just diagnosed with T-ALL, CD7 positive, no treatment yet")))
    assert ev.rule(rule).value == FALSE
    ev = Evaluator(Profile(extract("my 9 year old has T-ALL, CD7 positive, it came back in March")))
    assert ev.rule(rule).value == TRUE


def test_a_trial_for_another_status_ranks_after_the_patients_own_but_stays_open():
    from data.condition_names import RELATED_FIT
    from data.trials import load_trials
    from matching.engine import match

    trials = load_trials()
    profile = Profile(extract("SLE since 2015, failed MMF and rituximab"))
    first = match(profile, trials)
    best = max(first, key=lambda r: r.condition_fit)
    assert best.condition_fit > RELATED_FIT
    again = {r.id: r for r in match(profile, trials, mismatched=frozenset({best.id}))}
    assert again[best.id].condition_fit == RELATED_FIT
    assert again[best.id].verdict == best.verdict            # ranking only: the verdict stands
