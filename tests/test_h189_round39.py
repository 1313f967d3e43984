"""Round 39 (h189, issue #15): registry lines on concomitant medication, washout, contraindicated
drugs and performance status. The examples of a negated fact are negated with it, also when they
are a list ("No active infection (including tuberculosis or HIV)": none of them) and after the
fact's kinds ("No active infections (bacterial, fungal or viral, including HIV)": the HIV had been
a requirement of its own, and an HIV-negative patient failed the inclusion); a drug also given
locally that the terminology does not split by route, said systemic or local ("Systemic use of
atropine", "Topical tacrolimus"), keeps the team's check beside it (which form); words naming an
age group beside an age limit ("Adolescents aged 12 to 17 years", "Children/ youth Age > 10
years") are said by the limit. Rules are judged against patients' own words where the patient
side reads them."""
from datetime import date

from benchmarks.criteria import without_notes
from core.facts import Profile
from core.rules import iter_leaves
from matching.evaluate import Evaluator
from nlp import extract
from nlp.criteria.parser import parse_criterion

TODAY = date(2026, 12, 7)


def _rule(text: str, kind: str = "inclusion") -> dict:
    return without_notes(parse_criterion(text, kind))


def _verdict(rule: dict, patient: str) -> str:
    return Evaluator(Profile(extract(patient, today=TODAY)), today=TODAY).rule(rule).value


def _leaves(rule: dict) -> list[dict]:
    return list(iter_leaves(rule))


def _hiv_under_not(rule, negated=False) -> list[bool]:
    """For each HIV leaf of the rule: whether it is under an odd number of "not"."""
    if isinstance(rule, dict):
        if rule.get("type") == "infection" and rule.get("agent") == "hiv":
            return [negated]
        if "not" in rule:
            return _hiv_under_not(rule["not"], not negated)
        return [x for op in ("all", "any") for child in rule.get(op, []) for x in _hiv_under_not(child, negated)]
    return []


NO_INFECTION = {"not": {"type": "infection", "agent": "active_infection", "state": "active"}}


def test_a_list_of_examples_of_a_negated_fact_is_none_of_them():
    # round 38 read one example so ("No active infection (including tuberculosis)"); two or more
    # were read "neither of them" as a node of their own and stayed an alternative: any[no
    # infection, neither ...] met by a patient with an active infection and no HIV or TB known
    for text in ("No active infection (including tuberculosis or HIV)",
                 "No active infection (including HIV and tuberculosis)",
                 "No concurrent infection (such as HIV or hepatitis B)",
                 "No active infections (including HIV, hepatitis B or C)"):
        rule = _rule(text)
        assert "all" in rule and rule["all"][0] == NO_INFECTION, text
        assert _hiv_under_not(rule) == [True], text
    # the same words in an exclusion are any of them, as before
    rule = _rule("Active infection (including tuberculosis or HIV)", "exclusion")
    assert "any" in rule and _hiv_under_not(rule) == [False]


def test_the_examples_after_the_kinds_of_a_negated_fact_are_negated_with_it():
    # the bracket's HIV had been a requirement of its own (all[no infection, review, HIV positive])
    for text in ("No active infections (bacterial, fungal or viral, including HIV)",
                 "No active infection (bacterial, viral or fungal, including tuberculosis or HIV)",
                 "Free of active infections (bacterial, fungal or viral, including HIV)"):
        rule = _rule(text)
        assert _hiv_under_not(rule) == [True], text
        assert "all" in rule and rule["all"][0] == NO_INFECTION, text
    # a patient who is HIV negative is no longer failed by it; one who is HIV positive never passes
    rule = _rule("No active infections (bacterial, fungal or viral, including HIV)")
    assert _verdict(rule, "I am HIV negative and have no infections.") != "false"
    assert _verdict(rule, "I am HIV positive.") != "true"
    # not negated: the round 38 reading is unchanged (the kinds restate the infection)
    rule = _rule("Known active infections (bacterial, fungal or viral, including human immunodeficiency virus "
                 "positive)", "exclusion")
    assert _hiv_under_not(rule) == [False]
    assert {"type": "infection", "agent": "active_infection", "state": "active"} in _leaves(rule)


def test_a_drug_also_given_locally_said_systemic_keeps_the_teams_check():
    # s39-0063 (dev gold, review): "Systemic use of atropine" was read as any atropine (its eye
    # drops too)
    for text, concept in (("Systemic use of atropine", "atropine"),
                          ("Systemic tacrolimus within 4 weeks", "tacrolimus"),
                          ("Topical tacrolimus", "tacrolimus"),
                          ("Use of systemic diclofenac", "diclofenac")):
        rule = _rule(text, "exclusion")
        kinds = [leaf["type"] for leaf in _leaves(rule)]
        assert "review" in kinds and "therapy" in kinds, text
        assert "all" in rule, text             # an exclusion: never excluded on the drug alone
        assert any(leaf.get("concept") == concept for leaf in _leaves(rule)), text
    # an inclusion: never met on the drug alone either
    assert "any" in _rule("Systemic use of atropine", "inclusion")
    # a patient on atropine eye drops is not excluded by it
    assert _verdict(_rule("Systemic use of atropine", "exclusion"), "I use atropine eye drops.") != "true"
    # the drug without a route, or a drug with no local form, reads as before
    assert _rule("Use of atropine", "exclusion") == {"type": "therapy", "concept": "atropine"}
    assert _rule("Systemic use of methotrexate", "exclusion") == {"type": "therapy", "concept": "methotrexate"}
    assert _rule("Use of systemic corticosteroids", "exclusion") == {
        "type": "therapy", "concept": "glucocorticoid", "except": ["inhaled_steroid", "topical_steroid"]}


def test_an_age_group_beside_an_age_limit_is_said_by_it():
    # s38-0037 (dev gold) and the round 38 leftover "Adolescents aged 12 to 17 years"
    assert _rule("Adolescents aged 12 to 17 years") == {"type": "age", "min": 12, "max": 17}
    assert _rule("Adolescent patients aged 12-17 years") == {"type": "age", "min": 12, "max": 17}
    assert _rule("Adolescents 12 to 17 years") == {"type": "age", "min": 12, "max": 17}
    assert _rule("Children/ youth Age > 10 years") == {"type": "age", "min": 10}
    assert _rule("Youth aged 10 to 24 years with type 1 diabetes") == {
        "all": [{"type": "age", "min": 10, "max": 24}, {"type": "diagnosis", "concept": "type_1_diabetes"}]}
    rule = _rule("Adolescents aged 12 to 17 years")
    assert _verdict(rule, "My son is 15.") != "false"
    # without an age limit the group stays words the parser did not read (which ages: the team's)
    rule = _rule("Adolescents with asthma")
    assert any(leaf["type"] == "review" for leaf in _leaves(rule))
    assert any(leaf["type"] == "review" for leaf in _leaves(_rule("Youth with type 1 diabetes")))


def test_performance_status_lines_of_the_stratum():
    # s39-0005, s39-0022, s39-0029 (dev gold): read right before the round, kept so
    ecog = {"type": "score", "score": "ecog", "op": "<=", "value": 1}
    assert _rule("WHO performance status of 0 or 1 at randomization") == ecog
    assert _rule("ECOG Performance status 0 and 1") == ecog
    assert _rule("ECOG Performance Status Score 0,1 or 2 alternatively Karnofsky 60-100") == {
        "any": [{"type": "score", "score": "ecog", "op": "<=", "value": 2},
                {"type": "score", "score": "karnofsky", "op": ">=", "value": 60}]}
    # a Lansky score (no concept) and a disease-related ECOG 2 stay the team's, never a full rule
    for text in ("Performance Score: KPS \\> 12 y/o \\>/= 50 or LPS for \\< 12y \\>/= 50 assessed at enrollment.",
                 "Eastern Cooperative Oncology Group (ECOG) Performance status of 0 or 1 (Patients with disease "
                 "related ECOG 2 are allowed, in addition to ECOG 0 and 1)."):
        assert any(leaf["type"] == "review" for leaf in _leaves(_rule(text))), text


def test_active_infections_in_the_plural_are_read_whole():
    # "active infections" had been "active" beside the term "infections": with a bracket after it,
    # the "active" was left unread and the line kept the team's check for it
    rule = _rule("No active infections (including tuberculosis)")
    assert rule["all"][0] == NO_INFECTION
    assert not any(leaf["type"] == "review" and leaf.get("reason") == "other" for leaf in _leaves(rule))
    assert _rule("No active infections") == NO_INFECTION
    # s33-0069 (dev gold): the HIV of the bracket is an alternative of its own now
    rule = _rule("Known active infections (bacterial, fungal or viral, including human immunodeficiency virus "
                 "positive)", "exclusion")
    assert {"type": "infection", "agent": "hiv", "state": "positive"} in rule["any"]
    assert {"type": "infection", "agent": "active_infection", "state": "active"} in rule["any"]


def test_an_article_before_a_history_cue_leaves_a_modifier_its_shared_head_noun():
    # s23-0117 (dev gold): "a" was read as a count of one, and "chronic" stood alone, unread
    both = {"any": [{"type": "history", "concept": "chronic_pancreatitis"},
                    {"type": "history", "concept": "acute_pancreatitis"}]}
    assert _rule("Have a history of chronic or acute pancreatitis", "exclusion") == both
    assert _rule("Patients with a history of chronic or acute pancreatitis", "exclusion") == both
    assert _rule("Has a history of type 1 or type 2 diabetes", "exclusion") == {
        "any": [{"type": "history", "concept": "type_1_diabetes"}, {"type": "history", "concept": "type_2_diabetes"}]}
    # a patient with chronic pancreatitis is excluded by it
    assert _verdict(_rule("Have a history of chronic or acute pancreatitis", "exclusion"),
                    "I have chronic pancreatitis.") == "true"
