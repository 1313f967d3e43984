"""Lead's twenty-second-session fixes: a mother writing for her daughter with diffuse SSc and
for her daughter with ITP, a husband for his wife with lupus nephritis, a patient with
anti-synthetase syndrome, a son for his father with RA and a haematologist's PTCL line, read
as they mean it; and a dated treatment shown with its date where a verdict cites it."""
from __future__ import annotations

from datetime import date

import pytest

from core.facts import Fact
from data.store import open_store
from nlp.pipeline import extract

TODAY = date(2026, 12, 5)


def _treatments(text):
    return {f.concept: f for f in extract(text) if f.label in ("DRUG", "PROCEDURE")}


# --- lung fibrosis in lay words -----------------------------------------------------------------

@pytest.mark.parametrize("text", ["my mum has lung fibrosis from her scleroderma",
                                  "her CT showed scarring in the lungs",
                                  "he has fibrosis of the lungs"])
def test_lung_fibrosis_in_lay_words_is_interstitial_lung_disease(text):
    found = {f.concept: f for f in extract(text) if f.label == "CONDITION"}
    assert "interstitial_lung_disease" in found and not found["interstitial_lung_disease"].negated


def test_no_lung_fibrosis_is_no_interstitial_lung_disease():
    found = {f.concept: f for f in extract("no lung fibrosis on CT") if f.label == "CONDITION"}
    assert found["interstitial_lung_disease"].negated


# --- a cancer course's response written SD or PD ---------------------------------------------------

@pytest.mark.parametrize("text", ["GDP x2 with SD", "ICE x2 with PD", "ICE x2 -> PD", "ICE x2: PD", "ICE x2 → SD"])
def test_stable_or_progressive_disease_after_a_cancer_course_is_its_failure(text):
    assert _treatments(text)["chemotherapy"].status == "failed"


def test_stable_disease_spelled_out_on_a_treatment_is_no_failure():
    # in lupus or ILD, "stable" says the treatment holds the disease
    assert _treatments("on MMF with stable disease")["mycophenolate"].status == "current"


def test_an_arrow_list_of_treatments_is_still_a_sequence():
    found = _treatments("pred -> aza -> mmf")
    assert found["prednisone"].historical and found["azathioprine"].historical
    assert found["prednisone"].status is None


# --- a response that lasted a while ---------------------------------------------------------------

@pytest.mark.parametrize("text, drug", [
    ("then eltrombopag which worked for about 8 months and then her count dropped again.", "eltrombopag"),
    ("MMF worked well for 2 years, then she flared", "mycophenolate"),
])
def test_a_response_told_as_a_bounded_past_time_did_not_last(text, drug):
    assert _treatments(text)[drug].status == "failed"


@pytest.mark.parametrize("text", ["MMF has worked for 8 months", "on MMF, it's worked for 8 months",
                                  "MMF, it has been working for 2 years"])
def test_a_response_that_goes_on_is_a_treatment_taken_now(text):
    assert _treatments(text)["mycophenolate"].status == "current"


@pytest.mark.parametrize("text, drug", [
    ("they tried romiplostim too but i dont think it did much.", "romiplostim"),
    ("rituximab, i dont think it helped", "rituximab"),
    ("she had rituximab but the doctors dont think it did anything", "rituximab"),
])
def test_a_hedged_no_response_is_a_failure_not_a_denial(text, drug):
    fact = _treatments(text)[drug]
    assert fact.status == "failed" and not fact.negated


def test_a_hedged_denial_of_a_treatment_stays_uncertain():
    fact = _treatments("i dont think she had cyclophosphamide")["cyclophosphamide"]
    assert fact.uncertain and fact.status is None


# --- added, with, and still ill after the treatments ----------------------------------------------------

def test_a_treatment_added_last_year_is_taken_since_then():
    fact = _treatments("benlysta was added last year")["belimumab"]
    assert fact.status == "current" and not fact.historical and fact.date == "2025"


def test_a_treatment_joined_by_with_to_one_taken_now_is_taken_now():
    found = _treatments("then tacrolimus which I'm still on with MMF.")
    assert found["tacrolimus"].status == "current" and found["mycophenolate"].status == "current"
    found = _treatments("she's on belimumab plus hydroxychloroquine")
    assert found["hydroxychloroquine"].status == "current"


def test_with_after_a_past_treatment_makes_nothing_current():
    found = _treatments("treated with rituximab with cyclophosphamide in 2020")
    assert found["cyclophosphamide"].status != "current"


def test_an_outcome_in_a_bracket_in_a_list_that_goes_on_with_then_is_its_own_items():
    found = _treatments("Tried pred, azathioprine (made me sick so stopped after 2 months), then tacrolimus")
    assert found["azathioprine"].status == "intolerant" and found["prednisone"].status is None


@pytest.mark.parametrize("text, drugs", [
    ("She had cyclophosphamide then mycophenolate, and benlysta was added last year. "
     "Her protein in the urine is still high.", ("cyclophosphamide", "mycophenolate", "belimumab")),
    ("She is on MMF and benlysta. Her lupus is still active.", ("mycophenolate", "belimumab")),
    ("She had IVIG and eltrombopag. Her platelets are still low.", ("ivig", "eltrombopag")),
    ("She is on MMF. She is still not under control.", ("mycophenolate",)),
])
def test_a_sentence_saying_the_disease_is_still_active_fails_the_treatments_before(text, drugs):
    found = _treatments(text)
    assert all(found[d].status == "failed" for d in drugs), {d: found[d].status for d in drugs}


@pytest.mark.parametrize("text", ["She is on MMF. She is still well.", "She is on MMF. She is still not sure.",
                                  "She had MMF. Her kidneys are still fine."])
def test_still_well_or_still_unsure_fails_nothing(text):
    assert _treatments(text)["mycophenolate"].status != "failed"


def test_still_low_in_the_treatments_own_sentence_keeps_reading_the_whole_sentence():
    found = _treatments("he has been on eltrombopag and romiplostim but his platelets are still low, "
                        "nothing has worked for his ITP")
    assert found["eltrombopag"].status == found["romiplostim"].status == "failed"


def test_worse_in_the_next_sentence_fails_the_treatments_taken_now_not_those_over():
    found = _treatments("Tried pred, azathioprine (made me sick so stopped after 2 months), then tacrolimus which "
                        "I'm still on with MMF. My CK is ok now but my breathing is getting worse.")
    assert found["tacrolimus"].status == "failed" and found["tacrolimus"].ongoing
    assert found["mycophenolate"].status == "failed" and found["mycophenolate"].ongoing
    assert found["prednisone"].status is None and found["azathioprine"].status == "intolerant"
    assert _treatments("She stopped pred in 2020. She is fine now but her joints keep getting worse"
                       )["prednisone"].status is None


# --- a dated treatment is shown with its date ------------------------------------------------------------

def test_a_dated_treatment_is_said_with_its_date():
    from bot.render import PLAIN, Renderer

    r = Renderer(PLAIN)
    said = " ".join(r.facts([Fact("DRUG", "glucocorticoid", "steroids", historical=True, date="2026-11-21"),
                             Fact("DRUG", "rituximab", "rituximab", historical=True, status="failed", date="2021"),
                             Fact("DRUG", "methotrexate", "mtx", status="current", date="2019-03"),
                             Fact("DRUG", "adalimumab", "humira", status="failed")], "patient"))
    assert "(2026-11-21)" in said and "rituximab (2021; did not help)" in said
    assert "methotrexate since 2019-03" in said and "adalimumab (did not help)" in said


def test_the_answer_to_when_steroids_were_last_taken_is_cited_with_its_date(db_path):
    from bot.engine import Engine
    from bot.render import PLAIN, Renderer
    from bot.session_store import SessionStore

    engine = Engine(SessionStore(open_store(db_path)), gazetteer=None, today=TODAY)
    engine.start("cli:ra", role="patient")
    engine.message("cli:ra", "My dad (71) has had rheumatoid arthritis for about 20 years. methotrexate, humira and "
                             "rituximab all failed")
    said = "\n".join(Renderer(PLAIN).render(engine.message("cli:ra", "prednisolone 2 weeks ago for a flare")))
    assert "2026-11-21" in said
    summary = "\n".join(Renderer(PLAIN).render(engine.message("cli:ra", "/summary")))
    steroid_lines = [line for line in summary.splitlines() if "4 weeks" in line]
    assert steroid_lines and all("2026-11-21" in line for line in steroid_lines)


# --- "T-cell leukaemia", the kind unknown ------------------------------------------------------------

def test_t_cell_leukaemia_is_a_diagnosis_of_its_own_above_its_kinds():
    from data.terminology import load_terminology

    term = load_terminology()
    found = [f.concept for f in extract("my son is 16 and has T-cell leukaemia") if f.label == "CONDITION"]
    assert found == ["t_cell_leukemia"]
    assert all(term.is_a(kind, "t_cell_leukemia") for kind in ("t_all", "t_pll", "atll"))
    assert term.is_a("t_cell_leukemia", "leukemia") and not term.is_a("aml", "t_cell_leukemia")


# --- a young adult's UC story ---------------------------------------------------------------------------

def test_a_response_that_lasted_like_a_year_and_colitis_still_active_on_the_next_biologic():
    found = _treatments("infliximab worked for like a year then stopped, now on vedolizumab since jan but still "
                        "going 8x a day with blood.")
    assert found["infliximab"].status == "failed"
    assert found["vedolizumab"].status == "failed" and found["vedolizumab"].ongoing


@pytest.mark.parametrize("text, drug", [("on entyvio, still going to the toilet 10 times a day", "vedolizumab"),
                                        ("on humira, still having 6-8 bloody stools a day", "adalimumab")])
def test_stool_frequency_still_high_on_a_treatment_is_failing_now(text, drug):
    fact = _treatments(text)[drug]
    assert fact.status == "failed" and fact.ongoing


def test_a_treatment_that_has_worked_for_years_is_taken_now():
    assert _treatments("humira has worked for years")["adalimumab"].status == "current"


# --- a sister writes, and names their mother too --------------------------------------------------------

SISTER = ("Hi. I'm asking for my sister, she's 29 and has lupus with kidney problems. Our mum also has lupus but "
          "she's fine on plaquenil. My sister has tried mycophenolate, rituximab and now obinutuzumab in a study but "
          "her kidneys are still bad. I have RA myself.")


def test_she_after_another_relative_named_as_the_subject_is_that_relative():
    found = {f.concept: f for f in extract(SISTER)}
    assert found["hydroxychloroquine"].family
    assert found["rheumatoid_arthritis"].family
    assert not found["obinutuzumab"].family and not found["lupus_nephritis"].family


@pytest.mark.parametrize("text, own", [("my son has crohns, my mum has RA but he is on humira", True),
                                       ("my daughter has lupus and she is on methotrexate", True),
                                       ("my daughter has lupus. my mum has RA and she is on methotrexate", False)])
def test_a_pronoun_names_the_relative_of_its_sex_and_place(text, own):
    drug = next(f for f in extract(text) if f.label == "DRUG")
    assert drug.family is not own


def test_still_bad_after_a_list_of_treatments_fails_them_all():
    found = _treatments(SISTER)
    assert found["mycophenolate"].status == found["rituximab"].status == found["obinutuzumab"].status == "failed"
    assert found["obinutuzumab"].ongoing


def test_a_high_value_on_a_treatment_without_still_says_nothing_of_it():
    assert _treatments("he is on MMF but his creatinine is high")["mycophenolate"].status == "current"


# --- a course with the disease going on ------------------------------------------------------------------

@pytest.mark.parametrize("text, drug", [("RTX x2 2024 with ongoing skin progression.", "rituximab"),
                                        ("on MMF with persistent disease activity", "mycophenolate"),
                                        ("ICE x2 -> progression", "chemotherapy")])
def test_a_course_with_the_disease_going_on_failed(text, drug):
    assert _treatments(text)[drug].status == "failed"


@pytest.mark.parametrize("text", ["tacrolimus (ongoing)", "rituximab, ongoing"])
def test_ongoing_alone_after_a_treatment_is_taken_now(text):
    fact = next(f for f in extract(text) if f.label == "DRUG")
    assert fact.status == "current"


# --- an ITP referral ----------------------------------------------------------------------------------------

def test_a_trial_with_its_year_was_taken_part_in_and_a_bare_trial_is_hypothetical():
    fact = _treatments("Fostamatinib trial 2024 - no response.")["fostamatinib"]
    assert not fact.hypothetical and fact.status == "failed"
    assert _treatments("interested in a rituximab trial")["rituximab"].hypothetical


def test_splenectomised_is_a_splenectomy():
    assert _treatments("Not splenectomised (patient declined).")["splenectomy"].negated
    fact = _treatments("she is splenectomised")["splenectomy"]
    assert not fact.negated and not fact.hypothetical


@pytest.mark.parametrize("text", ["Rituximab 375 mg/m2 x4 in 2019 - partial response lasting 9 months.",
                                  "rituximab gave a transient response of 3 weeks"])
def test_a_response_with_an_end_did_not_last(text):
    assert _treatments(text)["rituximab"].status == "failed"


# --- a marker that names the disease ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["anti-MDA5 dermatomyositis", "Jo-1 antisynthetase syndrome",
                                  "58M anti-HMGCR IMNM (statin-associated)"])
def test_a_marker_written_as_the_diseases_qualifier_is_positive(text):
    marker = next(f for f in extract(text) if f.label == "BIOMARKER")
    assert marker.status == "positive" and not marker.negated


@pytest.mark.parametrize("text, status", [("ANA negative lupus", "negative"), ("anti-dsDNA, lupus", None),
                                          ("no anti-MDA5 dermatomyositis", "negative")])
def test_a_marker_with_its_own_result_or_apart_from_the_disease_keeps_it(text, status):
    marker = next(f for f in extract(text) if f.label == "BIOMARKER")
    assert marker.status == status


def test_ongoing_disease_after_a_treatment_not_said_to_be_over_is_failing_now():
    found = _treatments("LN class III 2019 - s/p CYC (Euro-Lupus), then MMF, ongoing proteinuria.")
    assert found["mycophenolate"].status == "failed" and found["mycophenolate"].ongoing
    assert not _treatments("RTX x2 2024 with ongoing skin progression.")["rituximab"].ongoing


# --- matching's marker of a note's presenting problem is not said back -------------------------------------

NOTE = ("A 45-year-old woman with hypertension and type 2 diabetes presents with ptosis and double vision that "
        "worsen in the evening. Acetylcholine receptor antibodies are positive.")


def test_the_presenting_problem_marker_is_read_but_never_shown(db_path):
    from bot.engine import Engine
    from bot.render import PLAIN, Renderer
    from bot.session_store import SessionStore

    assert "presenting_problem" in {f.concept for f in extract(NOTE)}
    engine = Engine(SessionStore(open_store(db_path)), gazetteer=None, today=TODAY)
    engine.start("cli:note", role="clinician")
    said = "\n".join(Renderer(PLAIN).render(engine.message("cli:note", NOTE)))
    assert "not named" not in said and "presents" not in said.lower()


def test_the_triage_report_does_not_show_the_presenting_problem_marker(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("TRIALBOT_DB", str(tmp_path / "t.db"))
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    assert main(["triage", str(note)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Understood from the text:") and "not named" not in out


def test_the_extract_command_does_not_list_the_presenting_problem_marker(tmp_path, capsys):
    from bot.cli import main

    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    assert main(["extract", str(note)]) == 0
    out = capsys.readouterr().out
    assert "presenting_problem" not in out and "anti_achr" in out


def test_the_triage_json_profile_does_not_list_the_presenting_problem_marker(tmp_path, monkeypatch, capsys):
    import json

    from bot.cli import main

    monkeypatch.setenv("TRIALBOT_DB", str(tmp_path / "t.db"))
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    assert main(["triage", "--json", str(note)]) == 0
    out = capsys.readouterr().out
    heads = [json.loads(line) for line in out.splitlines() if line.strip().startswith("{") and '"profile"' in line]
    concepts = [f["concept"] for head in heads for f in head["profile"]["facts"]]
    assert "anti_achr" in concepts and "presenting_problem" not in concepts
