"""Registry criteria, round 4 (issue #15, 2026-12-03): measurable disease, tumour markers,
and the guards they needed, each checked for what it does to a patient (never a false
exclusion)."""
from __future__ import annotations

from criteria_helpers import parse, types, verdict

from core.facts import Profile
from core.rules import iter_leaves
from core.truth import FALSE, TRUE, UNKNOWN
from matching.evaluate import Evaluator
from nlp.pipeline import extract

MEASURABLE = {"type": "diagnosis", "concept": "measurable_disease"}


# --- measurable disease by RECIST --------------------------------------------------------

def test_measurable_disease_by_recist_is_one_condition():
    # NCT06119581, NCT06411691, NCT05110196, NCT03671044, NCT04956640, NCT05380986
    for text in ("Must have measurable disease per RECIST v1.1.",
                 "Measurable disease as per RECIST 1.1.",
                 "At least one measurable lesion as defined by Response Evaluation Criteria in Solid Tumors (RECIST) 1.1.",
                 "Have at least one measurable lesion as per the RECIST criteria (version 1.1).",
                 "Patients have measurable disease per Response Evaluation Criteria in Solid Tumors version 1.1 (RECIST v1.1).",
                 "At least one measurable lesion (according to RECIST V 1.1);",
                 "There is at least one measurable lesion"):
        assert parse(text) == MEASURABLE, text


def test_measurable_disease_is_asked_never_assumed():
    rule = parse("Must have measurable disease per RECIST v1.1.")
    assert verdict(rule, "metastatic NSCLC, measurable disease on CT") == TRUE
    assert verdict(rule, "metastatic NSCLC, no measurable disease, bone-only") == FALSE
    result = Evaluator(Profile(extract("metastatic NSCLC"))).rule(rule)
    assert result.value == UNKNOWN


def test_response_criteria_for_one_kind_of_patient_stay_with_the_team():
    # NCT05605119 read "all[solid tumour, lymphoma]": every patient failed one of them
    for text in ("Evidence of measurable disease per RECIST, v1.1 for solid tumors (Eisenhauer et al. 2009) and per "
                 "Lugano Criteria for Lymphoma (Cheson et al. 2014).",
                 "Evidence of measurable disease per RECIST, v1.1 for solid tumors.",
                 "Evidence of measurable disease as per Lugano Criteria for Lymphoma (Cheson BD et al, 2014)."):
        assert types(parse(text)) == {"review"}, text


def test_a_requirement_waived_is_no_exclusion():
    # NCT03983954 would have read "not measurable disease": every patient with it failed
    rule = parse("Dose-escalation part: patients do not need to have measurable disease by RECIST 1.1")
    assert types(rule) == {"review"}


def test_evaluable_or_other_criteria_are_not_measurable_disease():
    assert parse("Phase 3: Presence of evaluable or measurable disease per RECIST") != MEASURABLE
    rule = parse("Measurable disease as defined per RECIST v.1.1 or non-measurable (including bone-only) disease")
    assert "review" in types(rule)
    assert verdict(rule, "no measurable disease, bone-only disease") != FALSE


# --- tumour markers ------------------------------------------------------------------------

def test_a_marker_a_drug_is_aimed_at_is_not_the_patients():
    # NCT06385925 read "KRAS G12D and any targeted therapy"; NCT05317416 "BCMA and any targeted therapy"
    for text in ("Prior treatment with KRAS G12D targeted therapy.", "Prior treatment with BCMA targeted therapy"):
        rule = parse(text, "exclusion")
        assert "biomarker" not in types(rule), text
        assert "review" in types(rule)


def test_a_variant_is_not_met_by_a_mutation_of_unknown_kind():
    leaf = {"type": "biomarker", "marker": "kras_g12c", "state": "positive"}
    assert verdict(leaf, "colorectal cancer, KRAS G12C mutation") == TRUE
    assert verdict(leaf, "colorectal cancer, KRAS mutation positive") == UNKNOWN
    assert verdict(leaf, "KRAS G12C negative") == FALSE


def test_a_negative_test_for_one_kind_says_nothing_of_the_others():
    gene = {"type": "biomarker", "marker": "egfr_mutation", "state": "positive"}
    kind = {"type": "biomarker", "marker": "egfr_sensitizing_mutation", "state": "positive"}
    assert verdict(gene, "no activating EGFR mutation") == UNKNOWN       # exon 20 insertion?
    assert verdict(kind, "EGFR mutation negative") == FALSE              # none of any kind
    assert verdict(gene, "EGFR mutation negative") == FALSE


def test_estimated_gfr_is_never_a_mutation():
    assert parse("eGFR ≥ 60 mL/min") == {"type": "lab", "analyte": "egfr", "op": ">=", "value": 60, "unit": "mL/min"}
    assert parse("No EGFR mutation") == {"type": "biomarker", "marker": "egfr_mutation", "state": "negative"}


# --- a broken cue file fails at load, clearly ------------------------------------------------

def test_a_broken_cue_file_fails_naming_the_file_and_key(tmp_path, monkeypatch):
    import pytest
    import yaml

    from data.errors import DataError
    from data.files import read_yaml
    from nlp.criteria import cues, parser

    doc = read_yaml(cues.CUES_FILE)
    doc["ignore"] = doc["ignore"] + ["(unclosed"]
    broken = tmp_path / "criteria_cues.yaml"
    broken.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(DataError, match=r"criteria_cues.yaml: ignore\[\d+\]"):
        cues.read_cues(broken)
    # the parser's safety net is for unreadable lines, not for a broken data file: the
    # file's error comes out as it is (it used to be raised again inside the net)
    monkeypatch.setattr(parser, "load_cues", lambda: cues.read_cues(broken))
    with pytest.raises(DataError, match="criteria_cues.yaml"):
        parser.parse_criterion("ECOG ≤ 1")


def test_an_unreadable_line_is_still_the_teams():
    from nlp.criteria import parser
    rule = parser.parse_criterion(12345)   # not a text at all
    assert rule["type"] == "review"


def test_a_cue_pattern_without_the_group_the_parser_reads_fails_at_load(tmp_path):
    # a time pattern without (?P<unit>...) used to fail on every line it matched, each line
    # then silently left to the trial team
    import pytest
    import yaml

    from data.errors import DataError
    from data.files import read_yaml
    from nlp.criteria import cues

    doc = read_yaml(cues.CUES_FILE)
    doc["time_amount"] = [r"(?P<n>\d+) ?(?:weeks?|days?)"]
    broken = tmp_path / "criteria_cues.yaml"
    broken.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(DataError, match=r"time_amount\[0\].*\(\?P<unit>"):
        cues.read_cues(broken)


# --- another primary malignancy, gene names, "alone or in combination" ----------------------

def test_another_primary_malignancy_is_read_as_other_malignancy():
    # NCT06380751, NCT06357533, NCT00739830: the trial's own cancer is left out when judged
    # (``besides``, tests/test_own_condition.py), exactly as for "any other malignancy"
    assert parse("History of another primary malignancy", "exclusion") == \
        parse("History of any other malignancy", "exclusion") == {"type": "history", "concept": "malignancy"}
    assert parse("History of another primary malignancy within 3 years", "exclusion") == \
        {"type": "history", "concept": "malignancy", "within_days": 1095}
    # the words that limit it still go to the team
    rule = parse("Known additional malignancy that is progressing or has required active treatment within the past 3 years.",
                 "exclusion")
    assert "review" in types(rule)


def test_a_genes_full_name_is_no_sarcoma():
    # NCT06662786 required a sarcoma of a colorectal cancer patient
    rule = parse("Be diagnosed to have Kirsten rat sarcoma viral oncogene (KRAS), neuroblastoma RAS viral oncogene "
                 "homolog (NRAS), and v-raf murine sarcoma viral oncogene homolog B (BRAF) wild-type (WT) tumor as "
                 "determined by local testing")
    assert not any(leaf.get("concept") == "sarcoma" for leaf in iter_leaves(rule))
    assert "review" in types(rule)


def test_what_may_come_along_is_no_alternative():
    # NCT06350097 read "any EGFR mutation" for "Ex19del or L858R, either alone or in
    # combination with other EGFR mutations"
    rule = parse("The tumour harbors 1 of the 2 common EGFR mutations known to be associated with EGFR-TKI sensitivity "
                 "(Ex19del or L858R), either alone or in combination with other EGFR mutations.")
    assert "review" in types(rule) and "any" not in rule
    assert parse("Prior anti-PD-1 antibody alone or in combination with chemotherapy", "exclusion") == \
        {"type": "therapy", "concept": "pd1_inhibitor"}


# --- scores in words; counts of prior lines --------------------------------------------------

def test_a_score_written_in_words():
    # NCT03671044
    assert parse("Eastern Cooperative Oncology Group (ECOG) performance status less than or equal to two") == \
        {"type": "score", "score": "ecog", "op": "<=", "value": 2}
    assert parse("ECOG performance status of zero or one") == {"type": "score", "score": "ecog", "op": "<=", "value": 1}


def test_a_number_of_prior_lines_is_never_dropped():
    # "two prior lines" was read as nothing beside the score or the disease (all filler words);
    # since round 5 a count with its sign is the score prior_lines, a bare count stays review
    assert "review" in types(parse("ECOG 0-1 and one prior line of therapy"))
    lines = {"type": "score", "score": "prior_lines", "op": ">=", "value": 2}
    for text in ("ECOG 0-1 and at least two prior lines of therapy",
                 "Relapsed lymphoma after at least two prior regimens",
                 "Relapsed lymphoma after at least two prior lines of therapy"):
        assert lines in parse(text)["all"], text
    rule = parse("ECOG 0-1 and at least two prior lines of therapy")
    assert {"type": "score", "score": "ecog", "op": "<=", "value": 1} in rule["all"]   # not ECOG ≤ 2


def test_the_second_age_limit_written_with_its_sign_alone():
    # NCT05994521
    assert parse("Age \\< 18 or ≥ 85", "exclusion") == {"any": [{"type": "age", "max": 17}, {"type": "age", "min": 85}]}
    # a sign and a number alone are never an age of their own
    assert "age" not in types(parse("Hemoglobin ≥ 9 g/dL or ≥ 5.6 mmol/L"))
    assert types(parse("Patients ≥ 18; ≥ 50")) == {"review"}


# --- the upper limit of normal itself; a threshold of its own for some patients ------------------

def test_a_test_at_most_the_upper_limit_of_normal():
    # NCT05110196, NCT05631795
    assert parse("Serum lipase ≤ ULN.") == {"type": "lab", "analyte": "lipase", "op": "<=", "uln": 1}
    assert parse("Fasting Serum amylase ≤ 2 × ULN and Fasting Serum lipase ≤ ULN") == {"all": [
        {"type": "lab", "analyte": "amylase", "op": "<=", "uln": 2}, {"type": "lab", "analyte": "lipase", "op": "<=", "uln": 1}]}
    assert parse("Serum creatinine below the upper limit of the institutional normal range (ULN)") == \
        {"type": "lab", "analyte": "creatinine", "op": "<", "uln": 1}
    # an analyte without an upper limit of normal in the terminology stays unread
    assert types(parse("Hemoglobin ≤ ULN")) == {"review"}


def test_a_threshold_for_some_patients_in_mid_line_is_the_teams():
    # NCT06038539 read any[..., Gilbert syndrome]: every Gilbert patient excluded; it was the
    # team's, and since round 31 (h148) it is the subgroup's own threshold: a Gilbert patient is
    # excluded only above 2 x ULN
    rule = parse("Total bilirubin \\> upper limit of normal (ULN) or, for cases of known Gilbert's syndrome, total "
                 "bilirubin \\> 2 × ULN", "exclusion")
    assert rule == {"all": [{"type": "lab", "analyte": "bilirubin", "op": ">", "uln": 1},
                            {"any": [{"not": {"type": "diagnosis", "concept": "gilbert_syndrome"}},
                                     {"type": "lab", "analyte": "bilirubin", "op": ">", "uln": 2}]}]}


def test_equal_or_greater_to_is_the_sign():
    assert parse("Age equal or greater to 18 years") == {"type": "age", "min": 18}
    assert parse("ECOG performance status equal or less than 1") == {"type": "score", "score": "ecog", "op": "<=", "value": 1}


# --- a line labelled with one cohort ----------------------------------------------------------

def test_a_line_for_one_cohort_never_decides_alone():
    # NCT03067181 (rel-128's trial): "Standard risk 1: < 11 years" failed a 12-year-old of the
    # low-risk stratum, which has no age limit; NCT04482309 required every cohort's cancer
    rule = parse("Standard risk 1: Patients must be \\< 11 years of age at enrollment")
    assert rule["any"][0] == {"type": "age", "max": 10} and rule["any"][1]["type"] == "review"
    assert verdict(rule, "12 year old boy") != FALSE
    assert verdict(rule, "8 year old boy") == TRUE
    rule = parse("Cohort 1: Biliary tract cancer")
    assert verdict(rule, "pancreatic cancer") != FALSE
    rule = parse("Phase 2: Active brain metastases", "exclusion")
    assert "all" in rule and verdict(rule, "brain metastases") != TRUE       # never excludes alone
    assert parse("Age ≥ 18 years") == {"type": "age", "min": 18}             # no label, no change


# --- rel-128's trial (NCT03067181): tumour-marker hCG, ages that scope another instrument ------

def test_hcg_as_a_tumour_marker_level_is_no_pregnancy():
    # "beta-HCG < 5,000 IU/mL" in a germ-cell tumour stratum required a pregnancy: every boy failed
    for text in ("Site: testicular; stage: COG stage II-IV; post op: alpha-FP \\< 1,000 ng/mL, beta-HCG \\< 5,000 IU/mL",
                 "tumor markers: alpha-FP =\\< 1,000 ng/mL, beta-HCG institutional normal; all ages"):
        rule = parse(text)
        assert "pregnancy" not in types(rule) and "review" in types(rule), text
    # a pregnancy test is still one
    assert parse("Positive serum beta-HCG pregnancy test", "exclusion") == {"type": "pregnancy", "states": ["pregnant"]}
    assert parse("Negative serum beta-hCG test") == {"not": {"type": "pregnancy", "states": ["pregnant"]}}


def test_an_age_that_says_for_whom_is_no_age_limit():
    # "use Karnofsky for patients > 16 years of age and Lansky for patients ≤ 16 years" read
    # all[age ≥ 16, age ≤ 16]: a 12-year-old failed
    rule = parse("Patients must have a performance status corresponding to Eastern Cooperative Oncology Group (ECOG) "
                 "scores of 0, 1, 2 or 3; use Karnofsky for patients \\> 16 years of age and Lansky for patients =\\< 16 "
                 "years of age")
    assert "age" not in types(rule)
    assert verdict(rule, "12 year old boy, ECOG 1") != FALSE


def test_disease_with_evidence_of_a_marker():
    # NCT06119581, NCT06890598
    assert parse("Must have disease with evidence of KRAS G12C mutation.") == \
        {"type": "biomarker", "marker": "kras_g12c", "state": "positive"}
    assert types(parse("Must have disease with unclear features")) == {"review"}
