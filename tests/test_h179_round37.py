"""Round 37 (h179, issue #15): registry pregnancy and malignancy lines. A plan to become
pregnant counted "during the study or within N days after the final dose of X" is the plan
(the drug of the wash-out is no prior therapy); "If female of childbearing potential, pregnancy
test is negative (within 72 hours of the first dose ...)" is a negative pregnancy test; and on
the patient side a cancer's kind in a bracket of its clause ("skin cancer removed last year
(BCC)") is the same tumour, of the same time. The rules are judged against patients' own words
("I'm 12 weeks pregnant", "breastfeeding my 3 month old", "had breast cancer 10 yrs ago, all
clear")."""
from datetime import date

from benchmarks.criteria import without_notes
from core.facts import Profile
from matching.evaluate import Evaluator
from nlp import extract
from nlp.criteria.parser import parse_criterion

from assertion_helpers import of

TODAY = date(2026, 12, 7)
PLANNING = {"type": "pregnancy", "states": ["pregnant", "lactating", "planning"]}


def _rule(text: str, kind: str = "exclusion") -> dict:
    return without_notes(parse_criterion(text, kind))


def _verdict(rule: dict, patient: str) -> str:
    return Evaluator(Profile(extract(patient, today=TODAY)), today=TODAY).rule(rule).value


def test_a_plan_counted_after_the_final_dose_is_the_plan():
    # s29-0013 (dev gold): the drug of the wash-out had made the line the team's
    rule = _rule("Pregnant or breastfeeding, or intending to become pregnant during the study or within 10 days "
                 "after the final dose of giredestrant, or within the time period specified per local prescribing "
                 "guidelines after the final dose of the endocrine therapy of physician's choice")
    assert rule == PLANNING
    assert _verdict(rule, "I'm 12 weeks pregnant") == "true"
    assert _verdict(rule, "breastfeeding my 3 month old") == "true"
    assert _verdict(rule, "I had giredestrant last year") == "unknown"     # no prior therapy in it


def test_two_windows_after_two_drugs_are_the_plans_too():
    # s36-0124 (dev gold, judged again): ", within 35 days ..., or within 90 days ..."
    rule = _rule("Pregnancy or intention of becoming pregnant during study treatment, within 35 days after the final "
                 "dose of entrectinib, or within 90 days after the final dose of durvalumab")
    assert rule == {"type": "pregnancy", "states": ["pregnant", "planning"]}
    assert _rule("Pregnant or planning pregnancy within 6 months of the last dose") == {
        "type": "pregnancy", "states": ["pregnant", "planning"]}


def test_a_window_without_a_plan_is_still_read():
    # the plan's times are dropped only after a plan's words: a drug's window stays a window
    rule = _rule("Treatment with durvalumab within 90 days after the final dose of chemotherapy")
    assert not (isinstance(rule, dict) and rule.get("type") == "pregnancy")
    # a promise of the trial's time in an inclusion stays the team's (s32-0018)
    assert _rule("Not be breastfeeding during treatment", "inclusion")["type"] == "review"


def test_a_plan_to_breastfeed_or_father_a_child_stays_the_teams():
    # no leaf says a plan to breastfeed or to father a child
    for text in ("Female subject is pregnant or breastfeeding or planning to become pregnant or breastfeed during "
                 "treatment and for an additional 3 months after the last dose of etelcalcetide.",
                 "Pregnant, breastfeeding, or expecting to conceive or father children within the projected duration "
                 "of the trial through 35 days after the last dose of study medication."):
        assert _rule(text) != PLANNING


def test_childbearing_potential_as_a_condition_is_the_wocbp_lead():
    # s37-0020 (dev gold): "If female of childbearing potential, ..." had been a hypothetical
    rule = _rule("If female of childbearing potential, pregnancy test is negative (within 72 hours of the first "
                 "dose of study drug).", "inclusion")
    assert rule == {"not": {"type": "pregnancy", "states": ["pregnant"]}}
    assert _verdict(rule, "I'm 12 weeks pregnant") == "false"
    assert _verdict(rule, "I am a 45 year old man") != "false"
    # any other requirement under the same lead stays the team's
    assert _rule("If female of childbearing potential, hemoglobin > 10 g/dL.", "inclusion")["type"] == "review"


def test_a_skin_cancers_kind_in_brackets_is_of_its_time():
    for text in ("skin cancer removed last year (BCC)", "skin cancer (BCC) removed last year"):
        bcc = of(text, "basal_cell_carcinoma", TODAY)
        assert bcc.historical and bcc.date == "2025"
    # the removed basal cell carcinoma is no cancer now
    assert _verdict({"type": "diagnosis", "concept": "malignancy"}, "skin cancer removed last year (BCC)") != "true"
    # a kind said of now stays now
    assert not of("I have skin cancer (BCC) on my nose", "basal_cell_carcinoma", TODAY).historical


def test_a_past_cancer_all_clear_meets_a_history_but_not_a_recent_window():
    history = _rule("History of another primary malignancy.")
    assert history == {"type": "history", "concept": "malignancy"}
    assert _verdict(history, "had breast cancer 10 yrs ago, all clear") == "true"
    assert _verdict({"type": "history", "concept": "malignancy", "within_days": 1826},
                    "had breast cancer 10 yrs ago, all clear") == "false"


def test_why_a_line_excludes_is_no_condition():
    # s32-0111 (dev gold): the reason had hidden the breastfeeding ("pregnant" alone, beside the team's check)
    rule = _rule("Women of child-bearing potential who are pregnant or breastfeeding because of the potentially "
                 "dangerous effects of the treatment on the fetus or infant.")
    assert rule == {"type": "pregnancy", "states": ["pregnant", "lactating"]}
    assert _verdict(rule, "breastfeeding my 3 month old") == "true"
