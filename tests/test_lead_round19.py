"""Lead's nineteenth-session fixes: what patients, relatives and doctors write, read as they mean it."""
import pytest

from nlp.pipeline import extract


def _one(text, label, concept=None, **kwargs):
    found = [f for f in extract(text, **kwargs) if f.label == label and (concept is None or f.concept == concept)]
    assert found, f"no {label} {concept or ''} in {text!r}"
    return found[0]


def _treatments(text):
    return {f.concept: f for f in extract(text) if f.label in ("DRUG", "PROCEDURE")}


# --- the outcome said first, the treatments after it ---------------------------------------

@pytest.mark.parametrize("text", [
    "nothing has worked, she had cellcept, rituximab and benlysta",
    "nothing has helped her: cellcept, rituximab and benlysta",
    "none of the treatments worked (cellcept, rituximab, benlysta)",
    "none of the meds have helped - cellcept, rituximab, benlysta",
    "she had cellcept, rituximab and benlysta, nothing has worked",
])
def test_nothing_has_worked_before_or_after_the_list(text):
    found = _treatments(text)
    assert {c: (f.status, f.negated) for c, f in found.items()} == {
        "mycophenolate": ("failed", False), "rituximab": ("failed", False), "belimumab": ("failed", False)}


def test_nothing_has_worked_stops_at_what_is_taken_now():
    found = _treatments("cellcept and rituximab, nothing has worked, now on benlysta")
    assert found["belimumab"].status == "current"
    assert found["mycophenolate"].status == "failed" and found["rituximab"].status == "failed"


def test_nothing_has_worked_so_far_is_no_failure_of_the_treatment_now():
    assert _treatments("nothing has worked so far, she is now on benlysta")["belimumab"].status == "current"


# --- the illness going on after the treatments, in the next words --------------------------

@pytest.mark.parametrize("text", [
    "Shes had anakinra, canakinumab and tocilizumab. still getting fevers and rash",
    "Shes had anakinra, canakinumab and tocilizumab. Still flaring.",
    "Shes had anakinra, canakinumab and tocilizumab, still has fevers",
])
def test_the_illness_still_going_on_after_treatments_fails_them(text):
    found = _treatments(text)
    assert all(f.status == "failed" for f in found.values()), found


def test_still_getting_a_treatment_is_no_failure():
    found = _treatments("Had MMF, still getting rituximab every 6 months")
    assert found["mycophenolate"].status is None
    assert found["rituximab"].status == "current"


def test_still_on_a_treatment_while_the_illness_goes_on_is_failing_now():
    fact = _treatments("she's on tocilizumab. still getting fevers")["tocilizumab"]
    assert fact.status == "failed" and fact.ongoing


def test_still_well_after_a_treatment_is_no_treatment_taken_now():
    fact = _treatments("she had rituximab in 2020 and is still well")["rituximab"]
    assert fact.historical and fact.status != "current"


# --- "been on A, B and C. currently on D" ----------------------------------------------------

def test_a_list_been_on_before_a_sentence_of_the_treatment_now_is_over():
    found = _treatments("been on infliximab, adalimumab and vedo. currently on rinvoq")
    assert [found[c].historical for c in ("infliximab", "adalimumab", "vedolizumab")] == [True, True, True]
    assert found["upadacitinib"].status == "current" and not found["upadacitinib"].historical


@pytest.mark.parametrize("text", [
    "She has been on MMF for 2 years. Currently on pred",      # a duration: still taken
    "Been on MMF 2g daily. Currently on pred 10mg",            # a dose: still taken
    "She has been on MMF. Now on rituximab as well",            # added
    "She is still on MMF. Now on rituximab",                    # a word of its own
])
def test_a_treatment_the_earlier_sentence_says_more_of_goes_on(text):
    assert _treatments(text)["mycophenolate"].status == "current"


# --- a marker's share is its own --------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("CD7 bright on flow, MRD 4.2%", None),
    ("CD7+ on flow, blasts 30%", None),
    ("CD7+ blasts 80%", 80),
    ("CD7 positive, 90%", 90),
    ("CD7 positive on flow cytometry, 95% of blasts", 95),
    ("CD7 positive (98%)", 98),
])
def test_a_markers_share_is_read_in_its_own_clause(text, value):
    fact = _one(text, "BIOMARKER", "cd7")
    assert fact.status == "positive" and fact.value == value


# --- a transplant's kind from its donor --------------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("he had a bone marrow transplant from his sister in 2021", "allo_hsct"),
    ("My son had a bone marrow transplant 8 months ago from an unrelated donor", "allo_hsct"),
    ("AML, then a transplant from a stranger donor, and now its back", "allo_hsct"),
    ("stem cell transplant (sibling) 2022", "allo_hsct"),
    ("cord blood transplant 2019", "allo_hsct"),
    ("T-ALL, relapsed after a haploidentical transplant", "allo_hsct"),
    ("he had a stem cell transplant with his own cells in 2020", "auto_hsct"),
    ("s/p autologous SCT 2021 for myeloma", "auto_hsct"),
    ("dcSSc, 44F, AHSCT 2019, relapse of skin disease 2023.", "auto_hsct"),
])
def test_a_transplants_kind_from_the_words_beside_it(text, kind):
    assert _one(text, "PROCEDURE").concept == kind


@pytest.mark.parametrize("text, concept", [
    ("she had a stem cell transplant for her lupus in 2018", "hsct"),
    ("kidney transplant from his brother", "kidney_transplant"),
])
def test_a_transplant_without_a_donor_said_keeps_its_reading(text, concept):
    assert _one(text, "PROCEDURE").concept == concept


def test_allo_alone_in_a_blood_cancer_text_is_an_allogeneic_transplant():
    fact = _one("58M, ETP-ALL, refractory to hyperCVAD. No prior allo.", "PROCEDURE")
    assert fact.concept == "allo_hsct" and fact.negated
    assert not [f for f in extract("lupus, allo what?") if f.label == "PROCEDURE"]


def test_a_transplants_kind_must_be_a_kind_of_it():
    from data.errors import DataError
    from data.terminology import load_terminology
    from nlp.components.kinds import ProcedureKinds
    with pytest.raises(DataError):
        ProcedureKinds([{"concept": "hsct", "kind": "rituximab", "after": ["x"]}], load_terminology())


# --- a hedge after a date hedges the date --------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("i have itp since 2015 i think, platelets 20", "itp"),
    ("lupus for 10 years i think, on MMF", "sle"),
])
def test_a_hedge_after_a_date_does_not_doubt_the_diagnosis(text, concept):
    assert not _one(text, "CONDITION", concept).uncertain


def test_a_hedge_after_the_diagnosis_still_doubts_it():
    assert _one("she has lupus i think, and RA", "CONDITION", "sle").uncertain


# --- failures and intolerance in a clinician's shorthand ---------------------------------------

@pytest.mark.parametrize("text, concept, status", [
    ("vedolizumab primary non response, tofacitinib caused shingles so stopped", "vedolizumab", "failed"),
    ("vedolizumab primary non response, tofacitinib caused shingles so stopped", "tofacitinib", "intolerant"),
    ("azathioprine (stopped - deranged LFTs)", "azathioprine", "intolerant"),
    ("MTX stopped: leucopenia", "methotrexate", "intolerant"),
    ("rituximab: no response", "rituximab", "failed"),
])
def test_shorthand_outcomes(text, concept, status):
    assert _treatments(text)[concept].status == status


@pytest.mark.parametrize("text", ["platlets are normaly between 10 and 30", "my platelets are mostly around 20"])
def test_how_a_count_usually_runs(text):
    assert _one(text, "LAB", "platelets").value is not None


# --- a conversation already about a relative ----------------------------------------------------

def test_a_relative_named_again_without_my_is_the_patient():
    text = "mum's ANA was positive but the dsDNA was negative"
    assert _one(text, "BIOMARKER", "ana").family                     # alone: the writer's mother
    assert not _one(text, "BIOMARKER", "ana", about="mother").family  # in a conversation about her


@pytest.mark.parametrize("text, concept", [
    ("her sister has RA", "rheumatoid_arthritis"),
    ("I have RA myself", "rheumatoid_arthritis"),
    ("dad's platelets are 20 now", "platelets"),
])
def test_another_relative_or_the_writer_stays_family_in_a_conversation_about_mum(text, concept):
    found = [f for f in extract(text, about="mother") if f.concept == concept]
    assert found and found[0].family


def _last_reply(tmp_path, messages):
    """The plain-text reply to the last of ``messages`` in a new chat on the bundled trials."""
    from bot.engine import Engine
    from bot.render import PLAIN, Renderer
    from bot.session_store import SessionStore
    from data.store import open_store, sync_bundled
    db = open_store(tmp_path / "t.db")
    sync_bundled(db)
    engine = Engine(SessionStore(db), gazetteer=None)
    engine.start("cli:chat")
    render = Renderer(PLAIN).render
    for message in messages[:-1]:
        render(engine.message("cli:chat", message))
    return "\n".join(render(engine.message("cli:chat", messages[-1])))


def test_a_son_writing_for_his_mother_gets_her_results_noted(tmp_path):
    text = _last_reply(tmp_path, ("Patient or family", "my mum is 67 and has lupus for 20 years",
                                  "mum's ANA was positive but the dsDNA was negative"))
    assert "antinuclear antibodies positive" in text
    assert "family history" not in text


# --- a relapse after a treatment was stopped; a dose taken again ---------------------------------

@pytest.mark.parametrize("text, concept", [
    ("relapsed ETP-ALL after UKALL 2011 and FLAG-Ida", "flag_ida"),
    ("refractory AML after 7+3 and FLAG-Ida", "flag_ida"),
    ("relapsed T-cell lymphoma after CHOP", "chop"),
])
def test_relapsed_disease_after_a_treatment_fails_it(text, concept):
    assert _treatments(text)[concept].status == "failed"


@pytest.mark.parametrize("text, concept", [
    ("relapsing lupus after stopping MMF", "mycophenolate"),
    ("flared after tapering prednisolone", "prednisone"),
])
def test_a_relapse_after_stopping_a_treatment_is_no_failure_of_it(text, concept):
    assert _treatments(text)[concept].status is None


def test_back_on_a_dose_is_taken_now():
    assert _treatments("lupus flared after tapering prednisolone, now back on 20mg")["prednisone"].status == "current"
    ferritin = _one("her ferritin went up to 15000 when she was in intensive care, its much lower now", "LAB", "ferritin")
    assert ferritin.historical


@pytest.mark.parametrize("text, status", [
    ("17yo M with relapsed ETP-ALL, CD7 99% on blasts", "positive"),
    ("CD7: 60%, CD5 negative", "positive"),
    ("CD7 5%", None),
    ("CD7 0%", "negative"),
])
def test_a_markers_share_without_a_result_word(text, status):
    assert _one(text, "BIOMARKER", "cd7").status == status


@pytest.mark.parametrize("text, concept, multiple", [
    ("bili 2xULN", "bilirubin", 2.0),
    ("AST 2.5xuln", "ast", 2.5),
    ("ALT 3x ULN", "alt", 3.0),
])
def test_a_multiple_of_the_upper_limit_glued_to_it(text, concept, multiple):
    fact = _one(text, "LAB", concept)
    assert fact.uln_multiple == multiple and fact.value is None


# --- what the conversation already knows reads a word whose sense the disease decides -----------

def test_known_conditions_decide_a_words_sense():
    text = "he had aza and ven for 6 months but it came back, then a transplant in 2024"
    alone = {f.concept for f in extract(text)}
    assert "venetoclax" not in alone and "hsct" not in alone
    known = {f.concept: f for f in extract(text, known=("aml",))}
    assert known["azacitidine"].status == "failed" and known["venetoclax"].status == "failed"
    assert known["hsct"].date == "2024"
    assert _one("she had a resection in 2019", "PROCEDURE", known=("crohns_disease",)).concept == "bowel_resection"
    assert not [f for f in extract("she had a resection in 2019", known=("sle",)) if f.label == "PROCEDURE"]


def test_a_father_with_aml_told_first_then_his_treatments(tmp_path):
    text = _last_reply(tmp_path, ("Patient or family", "my dad is 67 and has AML, CD7 positive",
                                  "he had aza and ven for 6 months but it came back, then a transplant in 2024"))
    assert "venetoclax" in text and "stem cell transplant" in text


@pytest.mark.parametrize("text, date", [
    ("she stopped pred in the summer", "2026-07"),
    ("on MMF since the spring", "2026-04"),
    ("she stopped pred in the spring of 2024", "2024-04"),
])
def test_a_season_without_a_year_is_the_latest(text, date):
    from datetime import date as day
    assert _treatments_on(text, day(2026, 12, 5))[0].date == date


def _treatments_on(text, today):
    return [f for f in extract(text, today=today) if f.label in ("DRUG", "PROCEDURE")]


@pytest.mark.parametrize("text, concept", [
    ("he had azacitidine for 6 months but it came back", "azacitidine"),
    ("MMF for 2 years but the lupus came back", "mycophenolate"),
])
def test_the_disease_back_after_a_treatment_fails_it(text, concept):
    assert _treatments(text)[concept].status == "failed"


def test_a_but_opening_an_outcome_still_ends_a_relatives_scope():
    facts = {f.concept: f for f in extract("dad has a stem cell transplant booked for march but his leukaemia came back")}
    assert not facts["leukemia"].family
    assert facts["hsct"].hypothetical and facts["hsct"].status is None     # planned: not failed


def test_it_shared_with_the_writer_is_the_illness_the_sentence_is_about():
    facts = [(f.concept, f.family) for f in extract("my mum had lupus and passed away from kidney failure, now I have it too")]
    assert ("sle", False) in facts and ("esrd", False) not in facts
    listed = [(f.concept, f.family) for f in extract("my grandmother had lupus and RA, so do I")]
    assert ("sle", False) in listed and ("rheumatoid_arthritis", False) in listed


def test_a_test_with_its_result_is_no_doubt():
    tb = _one("she was tested for TB before starting rituximab and it was negative", "INFECTION", "tuberculosis")
    assert tb.negated and not tb.uncertain
    assert _one("he was tested for HIV", "INFECTION", "hiv").uncertain     # no result: unknown


def test_myasthenia_gravis_antibodies_and_thymectomy():
    found = {f.concept: f for f in extract("I'm 41 and have myasthenia gravis (AChR+) since 2018, thymectomy 2019")}
    assert found["anti_achr"].status == "positive"
    assert found["thymectomy"].date == "2019"
    assert _one("MuSK antibody positive MG", "BIOMARKER", "anti_musk").status == "positive"


@pytest.mark.parametrize("text, concept, status", [
    ("MMF 3g (2021-24, progression), RTX x2 2024 no benefit", "mycophenolate", "failed"),
    ("adalimumab (2019: no response)", "adalimumab", "failed"),
    ("failed anakinra (injection site reactions, stopped), canakinumab partial", "anakinra", "intolerant"),
    ("failed anakinra (injection site reactions, stopped), canakinumab partial", "canakinumab", "failed"),
    ("failed MTX (liver), leflunomide and HCQ", "methotrexate", "intolerant"),
    ("failed MTX (liver), leflunomide and HCQ", "hydroxychloroquine", "failed"),
])
def test_a_brackets_outcome_after_its_years_or_before_a_stop(text, concept, status):
    assert _treatments(text)[concept].status == status


def test_a_stop_in_a_bracket_is_not_said_of_a_treatment_taken_now_after_it():
    found = _treatments("AOSD since 2021, failed anakinra (injection site reactions, stopped), canakinumab partial, tocilizumab current")
    assert found["tocilizumab"].status == "current" and not found["tocilizumab"].historical
    assert found["anakinra"].historical
    listed = _treatments("MMF (stopped 2022), azathioprine - deranged LFTs")
    assert listed["azathioprine"].historical      # a list runs on


@pytest.mark.parametrize("text, past, now", [
    ("hes been on aza and methotrexate. now hes on humira", ("azathioprine", "methotrexate"), "adalimumab"),
    ("MMF, then aza, now she is on rituximab", ("mycophenolate", "azathioprine"), "rituximab"),
])
def test_now_with_who_takes_it_ends_the_treatments_before(text, past, now):
    found = _treatments(text)
    assert all(found[c].historical for c in past) and found[now].status == "current"


def test_now_with_who_takes_it_too_adds():
    assert _treatments("MMF and now she is on rituximab too")["mycophenolate"].historical is False


@pytest.mark.parametrize("text, value", [("hes 9 months", 0.75), ("shes 15 months, diagnosed with infant ALL", 1.25)])
def test_a_babys_age_by_pronoun_in_months(text, value):
    assert _one(text, "AGE").value == pytest.approx(value, abs=0.01)


def test_a_time_since_by_pronoun_is_no_age():
    assert not [f for f in extract("she's 3 months post transplant") if f.label == "AGE"]


def test_my_four_year_old_granddaughter_is_one_child_not_four():
    found = {f.label: f for f in extract("my 4 year old granddaughter has T-ALL, relapsed in her brain")}
    assert found["AGE"].value == 4 and not found["AGE"].family
    assert found["SEX"].concept == "female"


@pytest.mark.parametrize("text", ["Antiarrhythmics (amiodarone, quinidine).", "Antifungals (fluconazole, voriconazole)."])
def test_members_in_a_bracket_after_an_unread_class_are_examples(text):
    from criteria_helpers import parse
    rule = parse(text, "exclusion")
    assert "any" in rule and {"type": "review", "reason": "other"} in rule["any"]


def test_members_after_a_class_the_terminology_reads_keep_their_rule():
    from criteria_helpers import parse
    rule = parse("Anticoagulants (warfarin, heparin)", "exclusion")
    assert {"type": "therapy", "concept": "anticoagulant"} in rule["all"]


def test_a_treatment_only_started_before_a_switch_is_over():
    found = _treatments("Started on ditropan changed over to detrol")
    assert found["oxybutynin"].historical and found["tolterodine"].status == "current"
    assert _treatments("started on MMF, still on it")["mycophenolate"].status == "current"


@pytest.mark.parametrize("text, concept", [("HIV - negative, hep B - negative", "hiv"), ("Quantiferon - negative. HIV - negative.", "hiv")])
def test_a_dash_between_a_test_and_its_result_carries_the_result(text, concept):
    assert _one(text, "INFECTION", concept).negated


def test_a_dash_aside_still_ends_ruled_out():
    found = {f.concept: f for f in extract("my sister was diagnosed with dermatomyositis - the doctors ruled out cancer - and she is on IVIG")}
    assert not found["dermatomyositis"].negated and found["malignancy"].negated
