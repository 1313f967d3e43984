"""What a subgroup must do, what may be allowed, and requirements filed among the
exclusions (issue #15, precision): real registry lines whose rules held for every patient.
Each became a false exclusion on the 241 real records (found by the lead reading triage
reports for a lupus patient and by a scan of the records)."""
import pytest

from core.rules import is_review_only
from nlp.criteria.parser import parse_criterion


@pytest.mark.parametrize("text", [
    # NCT06305754, NCT06312176: an HIV-negative patient failed "HIV positive"
    "Human immunodeficiency virus (HIV)-infected participants must have well controlled HIV on antiretroviral therapy.",
    "HIV-positive patients must have CD4 count > 350",
    # NCT03745326: a gastric cancer patient failed "pancreatic cancer and gemcitabine"
    "Patients with pancreatic cancer must have received gemcitabine, 5FU, and oxaliplatin (or similar agents), "
    "or have contraindications to receiving those agents",
    "Patients with ovarian cancer or prostate cancer must have had approved first-line chemotherapy.",
    # NCT05605119: a solid-tumour patient failed "history of lymphoma"
    "At a minimum, lymphoma patients must have received at least 2 prior lines of systemic therapies.",
    # NCT05482516: a patient without hepatitis B failed "HBV positive"
    "Select patients with well compensated, treated HBV infection and chronic HCV infection may be considered",
])
def test_what_a_subgroup_must_or_may_do_is_for_the_trial_team(text):
    rule = parse_criterion(text, "inclusion")
    if not is_review_only(rule):
        # named by one condition: met by every patient outside the subgroup, the rest is the
        # team's (any[not X, review]); never a requirement of X (round 3, h11)
        assert list(rule) == ["any"] and "not" in rule["any"][0] and rule["any"][1]["type"] == "review", rule


@pytest.mark.parametrize("text", [
    # NCT05482516 exc-37.1: every woman who is not pregnant was excluded
    "Women of childbearing potential must have a negative serum or urine pregnancy test",
    # NCT03067181: read as "excluded unless a cancer history"
    "Patients must have had no prior systemic therapy for the current cancer diagnosis",
])
def test_a_requirement_filed_among_the_exclusions_is_for_the_trial_team(text):
    assert is_review_only(parse_criterion(text, "exclusion"))


def test_rules_for_everyone_are_still_read():
    assert parse_criterion("Participants must not have leptomeningeal metastases.", "exclusion") == \
        {"type": "diagnosis", "concept": "leptomeningeal_metastases"}
    assert parse_criterion("Patients with known HIV infection are excluded", "exclusion") == \
        {"type": "infection", "agent": "hiv", "state": "positive"}
    assert parse_criterion("Women of childbearing potential must have a negative serum or urine pregnancy test",
                           "inclusion") == {"not": {"type": "pregnancy", "states": ["pregnant"]}}
