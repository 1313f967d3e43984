"""Splitting an eligibility text into inclusion/exclusion criteria with their nesting
(registry/criteria_text.py), shared by the CT.gov and page importers."""

from registry.criteria_text import (
    REVIEW_RULE,
    demographic_criteria,
    split_criteria,
    split_lines,
    walk,
)

REVIEW = lambda text, kind: dict(REVIEW_RULE)  # noqa: E731  (the fallback, whatever parser exists)


def _outline(criteria, depth=0):
    """[(depth, id, combine or None, text)] for compact assertions."""
    rows = []
    for c in criteria:
        rows.append((depth, c["id"], c.get("combine"), c["text"]))
        rows.extend(_outline(c.get("children", []), depth + 1))
    return rows


def test_headings_set_the_kind_and_are_not_criteria():
    criteria = split_criteria("Inclusion Criteria:\n* Adult.\n\nExclusion Criteria:\n* Pregnant.", REVIEW)
    assert [(c["id"], c["kind"], c["text"]) for c in criteria] == [
        ("inc-1", "inclusion", "Adult."), ("exc-1", "exclusion", "Pregnant."),
    ]


def test_indented_bullets_and_numbers_nest():
    text = (
        "Inclusion Criteria:\n\n"
        "* Adequate organ function:\n\n"
        "  1. Platelets >= 50 x 10^9/L;\n"
        "  2. Hepatic function:\n\n"
        "     a. ALT <= 3 x ULN;\n"
        "     b. Bilirubin <= 1.5 x ULN.\n"
        "* Signed consent."
    )
    assert _outline(split_criteria(text, REVIEW)) == [
        (0, "inc-1", "all", "Adequate organ function:"),
        (1, "inc-1.1", None, "Platelets >= 50 x 10^9/L;"),
        (1, "inc-1.2", "all", "Hepatic function:"),
        (2, "inc-1.2.1", None, "ALT <= 3 x ULN;"),
        (2, "inc-1.2.2", None, "Bilirubin <= 1.5 x ULN."),
        (0, "inc-2", None, "Signed consent."),
    ]


def test_marker_styles_nest_without_indentation():
    # pages lose indentation: a new marker style opens a sub-list, a known one continues it
    lines = ["* vital organs meet the following requirements:", "1. Bone marrow ok;", "2. Liver ok;",
             "TBIL <= 1.5 x ULN;", "3. Kidney ok;", "* consent."]
    assert _outline(split_lines(lines, parse=REVIEW)) == [
        (0, "inc-1", "all", "vital organs meet the following requirements:"),
        (1, "inc-1.1", None, "Bone marrow ok;"),
        (1, "inc-1.2", None, "Liver ok;"),
        (1, "inc-1.3", None, "TBIL <= 1.5 x ULN;"),   # an unmarked line continues the list
        (1, "inc-1.4", None, "Kidney ok;"),
        (0, "inc-2", None, "consent."),
    ]


def test_unmarked_headings_group_the_bullets_below_them():
    lines = ["Diagnosed as refractory lupus:", "- SLEDAI >= 8;", "- failed two drugs.",
             "Rheumatoid arthritis", "- meets ACR 2010 criteria;"]
    assert _outline(split_lines(lines, parse=REVIEW)) == [
        (0, "inc-1", "all", "Diagnosed as refractory lupus:"),
        (1, "inc-1.1", None, "SLEDAI >= 8;"),
        (1, "inc-1.2", None, "failed two drugs."),
        (0, "inc-2", "all", "Rheumatoid arthritis"),
        (1, "inc-2.1", None, "meets ACR 2010 criteria;"),
    ]


def test_any_of_the_following_makes_an_inclusion_group_any_but_not_an_exclusion_group():
    text = ("Inclusion Criteria:\n* One of the following:\n  * SLE;\n  * SSc.\n"
            "Exclusion Criteria:\n* Any of the following infections:\n  * HIV;\n  * HBV.")
    criteria = split_criteria(text, REVIEW)
    assert criteria[0]["combine"] == "any"
    # an exclusion group passes only when every exclusion in it passes
    assert criteria[1]["kind"] == "exclusion" and criteria[1]["combine"] == "all"


def test_any_of_the_above_n_makes_the_groups_above_alternatives():
    lines = ["Crohn's disease:", "- a;", "Dermatomyositis:", "- b;", "Still's disease", "- c;",
             "Meeting any of the above 3 entry criteria", "- survival > 12 weeks;"]
    assert _outline(split_lines(lines, parse=REVIEW)) == [
        (0, "inc-1", "any", "Meeting any of the above 3 entry criteria"),
        (1, "inc-1.1", "all", "Crohn's disease:"),
        (2, "inc-1.1.1", None, "a;"),
        (1, "inc-1.2", "all", "Dermatomyositis:"),
        (2, "inc-1.2.1", None, "b;"),
        (1, "inc-1.3", "all", "Still's disease"),
        (2, "inc-1.3.1", None, "c;"),
        (0, "inc-2", None, "survival > 12 weeks;"),
    ]


def test_label_items_nest_under_an_open_heading_and_inline_enumerations_split():
    lines = [
        "Relapsed/refractory disease meeting any of the following criteria:",
        "Recurrence: blasts > 5% after remission, including:",
        "i) early recurrence; ii) late recurrence; iii) relapse after transplant.",
        "Refractory: no remission after two courses",
        "ECOG 0 to 2.",
    ]
    assert _outline(split_lines(lines, parse=REVIEW)) == [
        (0, "inc-1", "any", "Relapsed/refractory disease meeting any of the following criteria:"),
        # the enumeration completes the heading above it: one criterion with both lines
        (1, "inc-1.1", "any", "Recurrence: blasts > 5% after remission, including:\n"
                              "i) early recurrence; ii) late recurrence; iii) relapse after transplant."),
        (2, "inc-1.1.1", None, "early recurrence;"),
        (2, "inc-1.1.2", None, "late recurrence;"),
        (2, "inc-1.1.3", None, "relapse after transplant."),
        (1, "inc-1.2", None, "Refractory: no remission after two courses"),
        (0, "inc-2", None, "ECOG 0 to 2."),
    ]


def test_a_line_with_a_lead_and_inline_items_keeps_its_text():
    criteria = split_lines(["1. Bone marrow: a. WBC >= 3; b. ANC >= 1; c. Hb >= 60;"], parse=REVIEW)
    assert criteria[0]["text"] == "Bone marrow: a. WBC >= 3; b. ANC >= 1; c. Hb >= 60;"
    assert [c["text"] for c in criteria[0]["children"]] == ["WBC >= 3;", "ANC >= 1;", "Hb >= 60;"]


def test_exclusion_lead_line_starts_the_exclusions_without_a_heading():
    lines = ["- Adult;", "-", "Subjects with any of the following exclusion criteria were not eligible for this trial:",
             "- HIV infection;"]
    criteria = split_lines(lines, parse=REVIEW)
    assert [(c["id"], c["kind"]) for c in walk(criteria)] == [("inc-1", "inclusion"), ("exc-1", "exclusion"),
                                                            ("exc-1.1", "exclusion")]


def test_every_criterion_keeps_its_text_and_no_line_is_dropped():
    lines = ["* a;", "* b:", "  * c;", "  * d;", "* e."]
    texts = [c["text"] for c in walk(split_lines(lines, parse=REVIEW))]
    assert texts == ["a;", "b:", "c;", "d;", "e."]


def test_a_parser_rule_is_kept_and_an_invalid_one_becomes_review():
    good = split_lines(["* SLE."], parse=lambda text, kind: {"type": "diagnosis", "concept": "sle"})
    assert good[0]["rule"] == {"type": "diagnosis", "concept": "sle"}
    unknown_concept = split_lines(["* X."], parse=lambda text, kind: {"type": "diagnosis", "concept": "no_such_thing"})
    assert unknown_concept[0]["rule"] == REVIEW_RULE
    bad_leaf = split_lines(["* X."], parse=lambda text, kind: {"type": "lab_value"})
    assert bad_leaf[0]["rule"] == REVIEW_RULE


def test_the_parser_reads_registry_markdown_escapes_unescaped_but_the_text_stays_verbatim():
    seen = []
    criteria = split_lines([r"* SLEDAI-2K \>= 8"], parse=lambda text, kind: seen.append(text) or dict(REVIEW_RULE))
    assert seen == ["SLEDAI-2K >= 8"]
    assert criteria[0]["text"] == r"SLEDAI-2K \>= 8"


def test_age_and_sex_limits_become_age_and_sex_leaves():
    criteria = demographic_criteria((0.5, "6 Months"), (65, "65 Years"), "FEMALE")
    # the age leaf reads whole years: "6 Months" is min 0 (a 7-month-old is age 0), and the
    # year the limit falls in is the team's (a 3-month-old is age 0 too)
    assert [c["rule"] for c in criteria] == [
        {"all": [{"type": "age", "min": 0, "max": 65},
                 {"any": [{"type": "age", "min": 1},
                          {"type": "review", "reason": "clinical", "note": 'The trial team judges: "minimum age 6 Months".'}]}]},
        {"type": "sex", "allowed": ["female"]},
    ]
    assert criteria[0]["text"] == "Ages eligible for study: 6 Months to 65 Years"
    assert all(c["verbatim"] is False for c in criteria)  # composed from fields, not page text
    assert demographic_criteria(None, None, "ALL") == []


def test_a_letter_that_does_not_continue_a_list_is_text():
    criteria = split_lines(["* Active infection:", "E. coli bacteraemia within 4 weeks;", "3."], parse=REVIEW)
    assert [c["text"] for c in walk(criteria)] == ["Active infection:", "E. coli bacteraemia within 4 weeks;"]


def test_the_rule_parser_is_told_whether_a_line_is_an_inclusion_or_an_exclusion():
    seen = []
    split_criteria("Inclusion Criteria:\n* Adults with SLE\nExclusion Criteria:\n* ALT > 3x ULN (except Gilbert's)\n",
                   parse=lambda text, kind: seen.append((text, kind)) or dict(REVIEW_RULE))
    assert seen == [("Adults with SLE", "inclusion"), ("ALT > 3x ULN (except Gilbert's)", "exclusion")]


def test_a_hard_wrapped_item_is_one_criterion_not_an_item_with_a_sub_item():
    lines = ["Inclusion Criteria:", "",
             "  -  Histologically confirmed malignancy that is metastatic or unresectable and for which",
             "     standard curative measures do not exist", "",
             "  -  ECOG performance status <= 1"]
    criteria = split_lines(lines, parse=REVIEW)
    assert [c["text"] for c in walk(criteria)] == [
        "Histologically confirmed malignancy that is metastatic or unresectable and for which "
        "standard curative measures do not exist",
        "ECOG performance status <= 1"]


def test_a_deeper_marked_line_after_an_item_is_still_a_sub_item():
    lines = ["  -  Adequate organ function:", "       -  ANC >= 1.5 x 10^9/L", "       -  Platelets >= 100 x 10^9/L"]
    (group,) = split_lines(lines, parse=REVIEW)
    assert [c["text"] for c in group["children"]] == ["ANC >= 1.5 x 10^9/L", "Platelets >= 100 x 10^9/L"]


def test_an_unmarked_line_after_a_blank_line_is_no_continuation():
    lines = ["  -  Active infection", "", "     Rheumatoid arthritis"]
    assert [c["text"] for c in walk(split_lines(lines, parse=REVIEW))] == ["Active infection", "Rheumatoid arthritis"]


def test_a_heading_item_in_a_flat_numbered_list_groups_the_items_after_it():
    lines = ["1. Age 18-65 years;", "2. the function of vital organs meets the following requirements:",
             "3. ALT <= 3 x ULN;", "4. Creatinine <= 1.5 mg/dL", "5. Meet one of the following:", "6. SLE",
             "7. Systemic sclerosis"]
    criteria = split_lines(lines, parse=REVIEW)
    assert [c["text"] for c in criteria] == ["Age 18-65 years;", lines[1][3:], "Meet one of the following:"]
    assert [c["text"] for c in criteria[1]["children"]] == ["ALT <= 3 x ULN;", "Creatinine <= 1.5 mg/dL"]
    assert "rule" not in criteria[1] and criteria[1]["combine"] == "all"
    assert criteria[2]["combine"] == "any" and [c["text"] for c in criteria[2]["children"]] == ["SLE", "Systemic sclerosis"]


def test_a_named_exclusion_heading_inside_the_inclusion_list_starts_the_exclusions():
    # NCT06370169 lists its exclusions under a bullet of the inclusion list; NCT04961996
    # names its lists "Primary Study Inclusion/Exclusion Criteria:"; NCT05438667 ends its
    # heading with a full-width colon
    text = ("Inclusion Criteria:\n* Adult.\n* The exclusion criteria for these volunteers will be:\n"
            "  * Pediatric Patients (<18 years)\n  * Pregnant.")
    criteria = split_criteria(text, REVIEW)
    assert [(c["kind"], c["text"]) for c in criteria] == [
        ("inclusion", "Adult."), ("exclusion", "Pediatric Patients (<18 years)"), ("exclusion", "Pregnant.")]
    text = "Primary Study Inclusion Criteria:\n* Adult.\n\nPrimary Study Exclusion Criteria:\n* Pregnant."
    assert [c["kind"] for c in split_criteria(text, REVIEW)] == ["inclusion", "exclusion"]
    assert [c["text"] for c in split_criteria("Inclusion Criteria：\n1. Adult.", REVIEW)] == ["Adult."]


def test_a_line_that_refers_to_criteria_is_no_heading():
    text = "Inclusion Criteria:\n* Adult.\n* Patients meeting the exclusion criteria of the parent study"
    criteria = split_criteria(text, REVIEW)
    assert [c["kind"] for c in criteria] == ["inclusion", "inclusion"]


def test_cohort_groups_in_a_row_are_alternatives():
    """A trial for diffuse cutaneous SSc *or* SSc with pulmonary arterial hypertension lists
    each cohort's criteria under its own heading: a dcSSc patient was ruled out by the
    SSc-PAH group (found by a product review on NCT02682511)."""
    text = ("Inclusion Criteria:\n\nDiffuse Cutaneous Criterion:\n\n1. dcSSc within 7 years\n\n"
            "SSc-PAH Criteria:\n\n1. confirmed SSc-PAH\n2. NYHA Class I-III\n\nExclusion Criteria:\n\n1. pregnant\n")
    criteria = split_criteria(text, parse=lambda t, k: {"type": "review", "reason": "other"})
    first = criteria[0]
    assert first["kind"] == "inclusion" and first["combine"] == "any" and first["verbatim"] is False
    assert first["text"] == "One of these cohorts: Diffuse Cutaneous Criterion; SSc-PAH Criteria"
    assert [c["text"] for c in first["children"]] == ["Diffuse Cutaneous Criterion:", "SSc-PAH Criteria:"]
    assert all(c["combine"] == "all" for c in first["children"])
    assert criteria[1]["kind"] == "exclusion"


def test_section_headings_for_every_patient_are_not_cohorts():
    text = ("Inclusion Criteria:\n\nDISEASE CHARACTERISTICS:\n- lupus\nPATIENT CHARACTERISTICS:\n- age 18+\n"
            "General criteria:\n- consent\nLaboratory criteria:\n- ANC > 1.5\n")
    criteria = split_criteria(text, parse=lambda t, k: {"type": "review", "reason": "other"})
    assert not any(c["text"].startswith("One of these cohorts") for c in criteria)


def test_a_heading_with_a_bracket_switches_the_section():
    text = ("Inclusion Criteria (all of the following):\n- lupus\n"
            "Exclusion Criteria (any of the following):\n- pregnant\n")
    criteria = split_criteria(text, parse=lambda t, k: {"type": "review", "reason": "other"})
    assert [(c["kind"], c["text"]) for c in criteria] == [("inclusion", "lupus"), ("exclusion", "pregnant")]


def test_section_criteria_headings_are_not_cohorts():
    text = "Inclusion Criteria:\n\nDisease criteria:\n- lupus\nLaboratory criteria:\n- ANC > 1.5\n"
    criteria = split_criteria(text, parse=lambda t, k: {"type": "review", "reason": "other"})
    assert not any(c["text"].startswith("One of these cohorts") for c in criteria)
