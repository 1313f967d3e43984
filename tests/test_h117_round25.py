"""h117, round 25 (issue #14): a group's shared words give each person only what is said of
all; a study about family history is open to a person who tells of a relative with one of
its conditions."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from core.facts import Profile
from matching.engine import match
from nlp.pipeline import extract, people_of

TODAY = date(2026, 12, 1)
ROOT = Path(__file__).resolve().parent.parent
CTGOV = ROOT.parent / "shared" / "ctgov"


def _own(person, label):
    return sorted((f.concept, getattr(f, "value", None)) for f in person.facts if f.label == label and not f.family)


# --- (a) a couple's shared part: each keeps their own age and sex ----------------------------
def test_a_couple_both_healthy_keep_their_own_ages_and_sexes():
    husband, writer = people_of("My husband (30) and I (28) are both healthy, no medicines, no illnesses. "
                                "Are there studies we could volunteer for, together or separately?")
    assert (husband.relation, writer.relation) == ("husband", "self")
    assert _own(husband, "AGE") == [("age", 30.0)] and _own(husband, "SEX") == [("male", None)]
    assert _own(writer, "AGE") == [("age", 28.0)] and _own(writer, "SEX") == []     # the husband's sex is not hers
    assert "healthy" in {f.concept for f in writer.facts if f.label == "CONDITION"}   # said of both


def test_a_sex_and_an_age_in_brackets_are_read_for_the_writer_and_a_partner():
    partner, writer = people_of("My partner (F, 26) and I (M, 45) are both healthy, no medicines, no illnesses.")
    assert _own(partner, "AGE") == [("age", 26.0)] and _own(partner, "SEX") == [("female", None)]
    assert _own(writer, "AGE") == [("age", 45.0)] and _own(writer, "SEX") == [("male", None)]


def test_the_writer_age_in_brackets_alone():
    facts = extract("I (24, male) would like to volunteer", today=TODAY)
    assert ("AGE", 24.0) in {(f.label, getattr(f, "value", None)) for f in facts}
    assert "male" in {f.concept for f in facts if f.label == "SEX"}
    # a stage "I (2019)" is no age
    assert not [f for f in extract("Stage I (2019) breast cancer", today=TODAY) if f.label == "AGE"]


def test_a_womens_study_is_not_ruled_out_for_the_wife_of_a_couple():
    from registry.run import read_files

    sleep_study = read_files([CTGOV / "NCT05381532.json"])[0]      # healthy women 18-35
    wife = people_of("My husband (30) and I (28) are both healthy, no medicines, no illnesses.")[1]
    result = match(Profile(list(wife.facts)), [sleep_study], today=TODAY)[0]
    assert result.verdict != "ineligible"


# --- (b) a study about family history ----------------------------------------------------------
def _family_tool():
    from registry.run import read_files

    return read_files([CTGOV / "NCT04890327.json"])[0]


def _gate(text):
    result = match(Profile(extract(text, today=TODAY)), [_family_tool()], today=TODAY)[0]
    return next(c.status for c in result.top if c.id == "elig-condition")


def test_only_the_family_history_tool_gets_the_relatives_flag_on_its_one_gate_leaf():
    import glob

    from data.limits import hard_limits
    from data.rule_nodes import condition_target, family_study
    from registry.run import read_files

    records = read_files(sorted(glob.glob(str(CTGOV / "NCT*.json"))))
    assert [r["id"] for r in records if family_study(r)] == ["NCT04890327"]
    rule = condition_target(_family_tool())["rule"]
    assert rule["type"] == "target_condition" and rule["relatives"] is True      # one leaf, not an "any"
    assert hard_limits(_family_tool())["conditions"] == 0          # pruning keeps it: its gate decides


def test_a_relative_with_a_listed_condition_opens_the_family_history_study():
    assert _gate("I'm 52. I don't have cancer but my mother and my sister both had breast cancer.") == "pass"
    assert _gate("I am 45 with lupus. My mother had breast cancer.") == "pass"     # own other diagnosis: still open
    assert _gate("I am 45 with lupus.") == "fail"                                  # nothing of the relatives
    assert _gate("I have breast cancer, 50F") == "pass"                            # own listed condition, as before
    assert _gate("I have lupus, 40F. My father had a stroke.") == "fail"           # a relative's other condition


# --- (c) a trial for a disease of the organ the patient's disease involves -----------------------
def _ckd_trials():
    from registry.run import read_files

    return read_files([CTGOV / f"{n}.json" for n in ("NCT06268873", "NCT06717698")])


def test_lupus_nephritis_alone_asks_the_kidney_disease_gate_and_never_rules_it_out():
    results = match(Profile(extract("30F, SLE with class IV lupus nephritis, failed MMF and cyclophosphamide",
                                    today=TODAY)), _ckd_trials(), today=TODAY)
    for result in results:
        gate = next(c for c in result.top if c.id == "elig-condition")
        assert gate.status == "unknown" and "lupus nephritis" in gate.evidence[0].reason
        assert result.condition_fit < 3           # below the lupus trials (a stated disease: 3)


def test_a_stated_kidney_disease_beside_lupus_nephritis_passes_the_gate():
    results = match(Profile(extract("30F lupus nephritis class IV, CKD stage 3, eGFR 40", today=TODAY)),
                    _ckd_trials(), today=TODAY)
    assert {next(c for c in r.top if c.id == "elig-condition").status for r in results} == {"pass"}


def test_the_catalogue_gate_agrees_with_the_single_gate_for_lupus_nephritis():
    from matching.evaluate import Evaluator
    from matching.relevance import gate_value, gate_values
    from data.rule_nodes import condition_target

    leaves = [condition_target(r)["rule"] for r in _ckd_trials()]
    ev = Evaluator(Profile(extract("SLE with lupus nephritis class IV", today=TODAY)), today=TODAY)
    token = object()
    assert gate_values(ev, token, leaves) == [gate_value(ev, leaf) for leaf in leaves] == ["unknown", "unknown"]


def test_the_catalogue_gate_keeps_the_family_history_tool_for_own_and_relatives_cancers():
    # h112's two-leaf gate ruled the tool out in the catalogue path for patients with their own
    # breast cancer who also told of a relative's: the one flagged leaf gives the same answers
    # in the vectorised gate as in the single one, memo hit or not
    from matching.evaluate import Evaluator
    from matching.relevance import gate_value, gate_values
    from data.rule_nodes import condition_target

    leaves = [condition_target(_family_tool())["rule"], *(condition_target(r)["rule"] for r in _ckd_trials())]
    token = object()
    for text, want in (("62F breast cancer, my sister had ovarian cancer", "true"),
                       ("I have breast cancer, 50F", "true"),
                       ("I am 45 with lupus. My mother had breast cancer.", "true"),
                       ("I am 45 with lupus.", "false"),
                       ("I am 45 with lupus. My mother had breast cancer.", "true")):     # the memo's second reading
        ev = Evaluator(Profile(extract(text, today=TODAY)), today=TODAY)
        values = gate_values(ev, token, leaves)
        assert values[0] == gate_value(ev, leaves[0]) == want, text
