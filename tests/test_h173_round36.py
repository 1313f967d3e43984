"""Round 36 (h173, issue #15): registry prior-therapy lines. "T-DXd" is trastuzumab
deruxtecan; "biologic DMARDs" is the biologic class only (the plural had also read a
csDMARD); "Any systemic concurrent anti-cancer treatment" is concurrent systemic anticancer
therapy; a window after an exception's drugs is the class's ("antiepileptics other than
levetiracetam in the previous 6 months"). The rules are judged against patients' own words
("stopped humira 2 weeks ago", "been on tofacitinib for a year", "had 3 lines of chemo")."""
from datetime import date

from core.facts import Profile
from matching.evaluate import Evaluator
from nlp import extract
from nlp.criteria.parser import parse_criterion
from benchmarks.criteria import without_notes

from assertion_helpers import one

TODAY = date(2026, 12, 7)


def _rule(text: str, kind: str = "exclusion") -> dict:
    return without_notes(parse_criterion(text, kind))


def _verdict(rule: dict, patient: str) -> str:
    return Evaluator(Profile(extract(patient, today=TODAY)), today=TODAY).rule(rule).value


def test_t_dxd_is_trastuzumab_deruxtecan():
    # s25-0009 (dev gold): the registry's short name
    rule = _rule("Prior treatment with T-DXd")
    assert rule == {"type": "therapy", "concept": "trastuzumab_deruxtecan"}
    assert _verdict(rule, "She had Enhertu for her breast cancer last year") == "true"
    assert _verdict(rule, "She had trastuzumab and pertuzumab") == "unknown"


def test_biologic_dmards_are_biologics_only():
    # read as any[biologic, csdmard] before: a patient on methotrexate alone was excluded
    rule = _rule("Prior treatment with biologic DMARDs")
    assert rule == {"type": "therapy", "concept": "biologic"}
    assert _verdict(rule, "I have been on methotrexate for two years") != "true"
    assert _verdict(rule, "I stopped humira 2 weeks ago") == "true"
    assert _rule("Prior treatment with biological DMARDs within 12 weeks") == {
        "type": "therapy", "concept": "biologic", "within_days": 84}
    assert _rule("Inadequate response to at least 2 conventional synthetic DMARDs", "inclusion") == {
        "type": "therapy", "concept": "csdmard", "response": "failed", "min_count": 2}


def test_the_same_words_naming_two_things_keep_both_readings():
    # "in other clinical trials": a participation, or an investigational drug (not siblings)
    rule = _rule("Participation in other clinical trials within 30 days")
    assert {leaf["type"] for leaf in rule["any"]} == {"procedure", "therapy"}


def test_a_time_word_inside_systemic_anticancer_therapy():
    # s36-0021 (NCT06380751)
    rule = _rule("Any systemic concurrent anti-cancer treatment")
    assert rule == {"type": "therapy", "concept": "systemic_anticancer_therapy", "response": "current",
                    "during_trial": True}
    assert _rule("Systemic concurrent steroid therapy") == _rule("Concurrent systemic steroid therapy")
    # a drug taken now would be stopped before the trial: the team's, never a fail
    assert _verdict(rule, "I'm on carboplatin and paclitaxel right now") == "review"


def test_a_window_after_the_excepted_drugs_is_the_classs():
    # s36-0065 (NCT06442748)
    rule = _rule("Use of antiepileptics other than levetiracetam in the previous 6 months")
    assert rule == {"type": "therapy", "concept": "anticonvulsant", "within_days": 182, "except": ["levetiracetam"]}
    # levetiracetam is taken out (another antiepileptic not mentioned stays unknown)
    assert _verdict(rule, "I take Keppra for seizures") == "unknown"
    assert _verdict(rule, "I take phenytoin for seizures") == "review"     # a washout: the team's
    # an exception naming a drug of another class stays the team's
    assert "review" in str(_rule("Use of anticoagulants other than aspirin or heparin within 4 weeks."))


def test_the_stratums_rules_the_reader_had_already():
    assert _rule("Patients on antiretroviral therapy.") == {"type": "therapy", "concept": "antiretroviral",
                                                            "response": "current"}
    assert _rule("Concurrent treatment with immunosuppressive agents") == {
        "type": "therapy", "concept": "immunosuppressant", "response": "current", "during_trial": True}
    assert _rule("Exposure to any investigational agent within the 30 days prior to study visit 1") == {
        "type": "therapy", "concept": "investigational_drug", "within_days": 30}


def test_patients_words_for_prior_therapy_are_read():
    lines = one("I had 3 lines of chemo", "prior_lines")
    assert lines.value is not None
    assert one("I've been on tofacitinib for a year", "tofacitinib").status == "current"
    stopped = one("I stopped humira 2 weeks ago", "adalimumab")
    assert stopped.historical and stopped.date is not None
    rule = _rule("Treatment with adalimumab within 4 weeks before the first dose")
    assert _verdict(rule, "I stopped humira 2 weeks ago") == "review"      # a washout: the team's
    assert _verdict(rule, "I stopped humira 3 months ago") == "false"


def test_previous_or_current_use_is_any_use():
    # s26-0130 (NCT00739882, the trial's own drug): "current" had been read alone
    rule = _rule("Previous or current exposure to Raptiva®")
    assert rule == {"type": "therapy", "concept": "efalizumab"}
    assert _verdict(rule, "I was on Raptiva for psoriasis years ago") == "true"
    assert _rule("Current or prior use of methotrexate") == {"type": "therapy", "concept": "methotrexate"}
    # an inclusion asking for none, now or before: a past use fails it (it had passed)
    rule = _rule("No prior or current use of methotrexate", "inclusion")
    assert rule == {"not": {"type": "therapy", "concept": "methotrexate"}}
    assert _verdict(rule, "I took methotrexate until 2019") == "false"
    # "current" alone is still now
    assert _rule("Current use of methotrexate")["response"] == "current"
    # a procedure said "concurrent" stays the team's, as before
    assert "review" in str(_rule("Any prior or concurrent radiotherapy for another cancer"))


def test_antibody_conjugated_drugs_and_efalizumab_allergy():
    # s14-0052 and s18-0056, judged again in round 36
    assert _rule("Prior treatment with antibody-conjugated drugs") == {"type": "therapy",
                                                                       "concept": "antibody_drug_conjugate"}
    assert _rule("Hypersensitivity to efalizumab or to any of the excipients") == {"type": "allergy",
                                                                                   "substance": "efalizumab"}


def test_electroconvulsive_therapy_within_a_year():
    # s20-0100 (NCT00739908), judged again in round 36
    rule = _rule("Electroconvulsive therapy within 1 year of Screening")
    assert rule == {"type": "procedure", "concept": "electroconvulsive_therapy", "within_days": 365}
    assert _verdict(rule, "I had ECT in 2023 for my depression") == "false"
    assert _verdict(rule, "never had ECT, no drink or drugs") == "false"
    assert _verdict(rule, "I have depression") == "unknown"
