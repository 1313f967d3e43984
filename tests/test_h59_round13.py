"""Round 13 (h59, issue #15): registry criteria read with both limits of a range, HTML
entities, interventional trial participation, a disease status beside another disease, and
the word-senses step's speed-up (same output)."""
from nlp.components.senses import WordSenses
from nlp.criteria.parser import parse_criterion, prepare
from nlp.pipeline import extract
from core.rules import iter_leaves
from criteria_helpers import lab_leaf as _lab


def _has_review(rule):
    return any(leaf.get("type") == "review" for leaf in iter_leaves(rule))


# --- strict ranges: the second limit is read ------------------------------------------------

def test_strict_range_with_the_unit_written_once():
    assert parse_criterion("Potassium ≥ 3.5 and < 5.0 mmol/L", "inclusion") == {
        "all": [_lab("potassium", ">=", 3.5, "mmol/L"), _lab("potassium", "<", 5, "mmol/L")]}


def test_strict_range_with_the_unit_written_twice():
    assert parse_criterion("Potassium ≥ 3.5 mmol/L and < 5.0 mmol/L", "inclusion") == {
        "all": [_lab("potassium", ">=", 3.5, "mmol/L"), _lab("potassium", "<", 5, "mmol/L")]}


def test_strict_range_of_uln_multiples_makes_the_first_a_multiple_too():
    # the first number is a multiple of the normal limit as well, never 1.0 mg/dL
    expected = {"all": [_lab("bilirubin", ">", uln=1), _lab("bilirubin", "<=", uln=2.5)]}
    assert parse_criterion("Total bilirubin > 1.0 and ≤ 2.5 x ULN", "exclusion") == expected
    assert parse_criterion("Total bilirubin >1.0 and ≤2.5 × ULN", "exclusion") == expected


def test_strict_range_of_egfr_with_markdown_escape():
    assert parse_criterion("eGFR ≥ 30 and \\< 60 mL/min/1.73 m2", "inclusion") == {
        "all": [_lab("egfr", ">=", 30, "mL/min/1.73m2"), _lab("egfr", "<", 60, "mL/min/1.73m2")]}


def test_limits_that_make_no_range_stay_unread():
    # a lower limit above the upper one, two limits of one direction, an unknown word after
    for text in ("Hemoglobin > 10 and < 9 g/dL", "Creatinine > 1.5 and > 2 mg/dL", "Potassium ≥ 3.5 and < 5.0 foo"):
        assert _has_review(parse_criterion(text, "inclusion")), text


def test_amount_beside_a_uln_multiple_is_not_joined():
    assert _has_review(parse_criterion("Total bilirubin > 1.5 mg/dL and ≤ 3 x ULN", "inclusion"))


# --- a value outside a range ---------------------------------------------------------------

def test_value_outside_a_range_is_either_limit():
    expected = {"any": [_lab("tsh", "<", 0.45, "mU/L"), _lab("tsh", ">", 10, "mU/L")]}
    assert parse_criterion("TSH < 0.45 mIU/L or > 10 mIU/L", "exclusion") == expected
    assert parse_criterion("Thyroid stimulating hormone (TSH) value that is either \\< 0.45 mIU/L or \\>10 mIU/L at Screening.",
                           "exclusion") == expected


def test_or_between_limits_inside_a_range_stays_unread():
    # "< 10 or > 0.45" holds for every value: no range, left to the team
    assert _has_review(parse_criterion("TSH < 10 or > 0.45 mU/L", "exclusion"))


def test_relative_clause_before_a_value():
    assert parse_criterion("Hemoglobin value that is < 9 g/dL", "exclusion") == _lab("hemoglobin", "<", 9, "g/dL")
    assert "either" in prepare("neither of them")      # inside a word: kept


# --- HTML entities -------------------------------------------------------------------------

def test_html_entities_after_markdown_escapes():
    assert parse_criterion("Left Ventricular Ejection Fraction (LVEF) \\&lt; 50% at screening.", "exclusion") == \
        _lab("lvef", "<", 50, "%")
    assert parse_criterion("Platelets &gt;= 100,000/mm3", "inclusion") == _lab("platelets", ">=", 100000, "/mm3")
    assert parse_criterion("ANC &amp;gt;= 1500/uL", "inclusion") == _lab("anc", ">=", 1500, "/uL")


def test_ampersand_between_words_is_and():
    assert parse_criterion("Pregnancy &amp; lactation", "exclusion") == {"type": "pregnancy", "states": ["pregnant", "lactating"]}
    assert prepare("R&D staff") == "R&D staff"


# --- interventional trials -------------------------------------------------------------------

def test_other_interventional_trials_are_trial_participation():
    assert parse_criterion("Participation in other interventional clinical trials", "exclusion") == {
        "type": "procedure", "concept": "clinical_trial_participation"}
    assert parse_criterion("Participated in any interventional clinical trials within 1 month prior to screening.",
                           "exclusion") == {"type": "procedure", "concept": "clinical_trial_participation", "within_days": 30}


def test_concurrent_interventional_trial_is_not_decided_alone():
    assert _has_review(parse_criterion("Concurrent participation in another interventional clinical trial", "exclusion"))


def test_this_interventional_study_is_no_other_trial():
    rule = parse_criterion("Willing to take part in this interventional study", "inclusion")
    assert not any(leaf.get("concept") == "clinical_trial_participation" for leaf in iter_leaves(rule))


# --- a disease status beside another disease ------------------------------------------------

def test_newly_diagnosed_other_disease_is_not_the_disease_alone():
    # an exclusion of "newly diagnosed diabetes" read as diabetes excluded every diabetic
    for text in ("Newly diagnosed diabetes", "Newly diagnosed hypertension", "Newly diagnosed diabetes, uncontrolled DM"):
        assert _has_review(parse_criterion(text, "exclusion")), text
    assert _has_review(parse_criterion("Newly diagnosed lupus", "inclusion"))


def test_status_of_the_trials_cancer_still_read():
    assert parse_criterion("Newly diagnosed multiple myeloma", "inclusion") == {
        "all": [{"type": "diagnosis", "concept": "newly_diagnosed"}, {"type": "diagnosis", "concept": "multiple_myeloma"}]}
    assert parse_criterion("Previously untreated disease", "inclusion") == {"type": "diagnosis", "concept": "newly_diagnosed"}


# --- word senses: the faster search finds the same runs -------------------------------------

def test_word_sense_runs_on_lower_cased_tokens():
    class Sense:
        words = frozenset({("surface", "antigen"), ("transplant",)})
        firsts = frozenset({"surface", "transplant"})
        longest = 2
    lowers = ["hep", "b", "surface", "antigen", "and", "transplant", "surface"]
    assert WordSenses._hits(lowers, Sense, set()) == [(2, 4), (5, 6)]
    assert WordSenses._hits(lowers, Sense, {5}) == [(2, 4)]


def test_word_sense_still_read_in_text():
    facts = extract("My son has T-ALL and it came back after the transplant")
    assert any(f.concept == "hsct" for f in facts)


# --- eye and lung measures ---------------------------------------------------------------------

def test_intraocular_pressure_is_a_measure():
    assert parse_criterion("Intraocular pressure > 21 mmHg", "exclusion") == _lab("iop", ">", 21, "mmHg")
    assert parse_criterion("IOP ≥ 18 and < 36 mmHg", "inclusion") == {
        "all": [_lab("iop", ">=", 18, "mmHg"), _lab("iop", "<", 36, "mmHg")]}


def test_tlc_alone_is_not_total_lung_capacity():
    # Indian records write TLC for the total leukocyte count
    rule = parse_criterion("TLC: \\> 4,000 per cumm", "inclusion")
    assert not any(leaf.get("analyte") == "tlc" for leaf in iter_leaves(rule))
    assert parse_criterion("Total lung capacity < 60%", "exclusion") == _lab("tlc", "<", 60, "%")


# --- a list that writes a comma after each item (the importer) --------------------------------

def test_whole_list_item_with_a_comma_is_read():
    from registry.criteria_text import split_criteria
    text = ("Exclusion Criteria:\n\n* presence of pedal ulcer,\n* gout,\n* Use of benzodiazepines, narcotics,\n"
            "opiates, sleep medication,\n* active peptic ulcer disease,")
    criteria = {c["text"]: c for c in split_criteria(text)}
    assert criteria["gout,"]["rule"] == {"type": "diagnosis", "concept": "gout"}
    # the text stays as written
    assert "gout," in criteria
    # an item the next unmarked line goes on with is no whole item: its words stay the team's
    assert criteria["Use of benzodiazepines, narcotics,"]["rule"]["type"] == "review"


def test_last_item_of_the_text_is_whole():
    from registry.criteria_text import split_criteria
    criteria = split_criteria("Exclusion Criteria:\n* asthma,\n* gout,")
    assert [c["rule"] for c in criteria] == [{"type": "diagnosis", "concept": "asthma"}, {"type": "diagnosis", "concept": "gout"}]


# --- "% predicted" -----------------------------------------------------------------------------

def test_percent_of_predicted_is_the_analytes_percent():
    assert parse_criterion("FVC ≥ 45% of predicted", "inclusion") == _lab("fvc", ">=", 45, "%")
    assert parse_criterion("DLCO ≥ 40% of the predicted normal value", "inclusion") == _lab("dlco", ">=", 40, "%")
    assert parse_criterion("Significant lung disease, defined as FVC \\< 50% predicted or DLCO \\<40% predicted;",
                           "exclusion") == {"any": [_lab("fvc", "<", 50, "%"), _lab("dlco", "<", 40, "%")]}


def test_fev1_percent_predicted_stays_unread():
    # FEV1 has no analyte (litres or % of predicted)
    assert _has_review(parse_criterion("Morning pre-BD FEV1 ≥ 40% predicted at Visit 1 and Visit 3.", "inclusion"))


# --- when a measure is taken ------------------------------------------------------------------

def test_window_before_treatment_initiation_is_when_measured():
    assert parse_criterion("LVEF \\< 50% within 28 d prior to treatment initiation.", "exclusion") == _lab("lvef", "<", 50, "%")


def test_at_screening_between_name_and_value():
    assert parse_criterion("QTcF at screening ≥450 msec", "exclusion") == _lab("qtc", ">=", 450, "ms")
    assert parse_criterion("HbA1c at baseline > 9%", "exclusion") == _lab("hba1c", ">", 9, "%")


# --- said once for two --------------------------------------------------------------------------

def test_cyp3a4_inhibitors_or_inducers():
    both = {"any": [{"type": "therapy", "concept": "strong_cyp3a_inhibitor", "within_days": 14},
                    {"type": "therapy", "concept": "strong_cyp3a_inducer", "within_days": 14}]}
    assert parse_criterion("Use of strong CYP3A4 inhibitors or inducers within 2 weeks prior to Cycle 1 Day 1.", "exclusion") == both
    rule = parse_criterion("Patients taking strong inhibitors or inducers of CYP3A4", "exclusion")
    assert {leaf.get("concept") for leaf in iter_leaves(rule)} == {"strong_cyp3a_inhibitor", "strong_cyp3a_inducer"}
    # moderate ones have no concept: the team's
    assert _has_review(parse_criterion("moderate CYP3A4 inhibitors or inducers", "exclusion"))


def test_allogeneic_organ_transplant_is_an_organ_transplant():
    assert parse_criterion("History of allogeneic organ transplantation.", "exclusion") == {
        "type": "procedure", "concept": "solid_organ_transplant"}
    assert parse_criterion("Prior allogeneic transplant", "exclusion") == {"type": "procedure", "concept": "allo_hsct"}


def test_hematopoietic_transplant_without_ation():
    assert parse_criterion("Received autologous hematopoietic stem cell transplant within the last 3 months.", "exclusion") == {
        "type": "procedure", "concept": "auto_hsct", "within_days": 91}


# --- infections joined by "and" in an exclusion --------------------------------------------------

def _agents(rule):
    return {leaf.get("agent") for leaf in iter_leaves(rule) if leaf.get("type") == "infection"}


def test_hepatitis_b_and_c_are_alternatives_in_an_exclusion():
    for text in ("Hepatitis B and C", "Known hepatitis B and C infection", "HIV, hepatitis B and C"):
        rule = parse_criterion(text, "exclusion")
        # round 16 (h74): a plain HBV / HCV positive leaf carries the team's check beside it
        # (all[leaf, review]: which test); still one alternative per virus
        assert "any" in rule and all("agent" in r or any("agent" in x for x in r.get("all", []))
                                     for r in rule["any"]), text
    assert _agents(parse_criterion("HIV, hepatitis B and C", "exclusion")) == {"hiv", "hbv", "hcv"}


def test_markers_of_one_virus_stay_both():
    rule = parse_criterion("HBsAg and anti-HBc positive", "exclusion")
    assert "all" in rule and _agents(rule) == {"hbsag", "anti_hbc"}


def test_co_infection_is_both():
    # "Concurrent active HBV and HCV infection" (HCC trials let in either alone)
    assert parse_criterion("Concurrent active HBV and HCV infection.", "exclusion") == {"all": [
        {"type": "infection", "agent": "hbv", "state": "active"}, {"type": "infection", "agent": "hcv", "state": "active"}]}
    for text in ("HBV and HCV co-infection", "HIV and HCV co-infection"):
        rule = parse_criterion(text, "exclusion")
        assert "all" in rule and _agents(rule) == {text[:3].lower(), "hcv"}, text


# --- a class, stage or grade of the condition named --------------------------------------------

def test_class_of_a_condition_is_not_the_condition_alone():
    # "Class III or IV heart failure" had excluded every heart failure
    for text in ("Class III or IV heart failure", "Class III heart failure", "History of class II-IV congestive heart failure"):
        assert _has_review(parse_criterion(text, "exclusion")), text
    assert _has_review(parse_criterion("Histologically confirmed diagnosis of WHO grade II meningioma", "inclusion"))


def test_a_scales_own_class_is_still_read():
    assert parse_criterion("New York Heart Association (NYHA) Class III or IV cardiac disease, or left ventricular ejection fraction \\<40%",
                           "exclusion") == {"any": [{"type": "score", "score": "nyha", "op": ">=", "value": 3},
                                                    _lab("lvef", "<", 40, "%")]}
    assert parse_criterion("NYHA functional heart failure class IV at Screening.", "exclusion") == {
        "type": "score", "score": "nyha", "op": "==", "value": 4}
    assert parse_criterion("Type 1 diabetes", "exclusion") == {"type": "diagnosis", "concept": "type_1_diabetes"}


def test_inclusion_item_ending_with_and_is_read_whole():
    from registry.criteria_text import split_criteria
    text = ("Inclusion Criteria:\n\n* Peripheral absolute neutrophil count (ANC) \\>= 1,000/mm\\^3 (within 7 days prior to enrollment) AND\n"
            "* Hemoglobin \\>= 8 g/dL\n\nExclusion Criteria:\n\n* pregnant/ lactating women and\n* gout,")
    rules = [c["rule"] for c in split_criteria(text)]
    assert rules[0] == _lab("anc", ">=", 1000, "/mm3")
    # an exclusion item's closing "and" may join it to the next: the team's
    assert rules[2]["type"] == "review"
