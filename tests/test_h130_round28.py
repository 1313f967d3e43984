"""Round 28 (h130, issue #13): what patients and relatives write about organs, harms,
refusals, families and time. Each test reads a wording of its own (not a gold message)
through the real extraction path."""
from __future__ import annotations

from datetime import date

from benchmarks.assertion import predicted_assertion
from bundled_engine import bundled_engine, said, tracker_of
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)


def _facts(text: str, concept: str, known: tuple[str, ...] = ()):
    return [f for f in extract(text, today=TODAY, known=known) if f.concept == concept]


def _one(text: str, concept: str, known: tuple[str, ...] = ()):
    found = _facts(text, concept, known)
    assert len(found) == 1, (text, concept, found)
    return found[0]


# --- organs said to be well or ill in everyday words --------------------------------------

def test_an_organ_said_normal_or_fine_without_a_verb_is_no_disease_of_it():
    assert _one("SLE since 2019, her kidneys are normal on the last bloods", "lupus_nephritis").negated
    assert _one("scleroderma. lungs normal on the CT, skin is the issue", "interstitial_lung_disease").negated
    assert _one("myositis, heart fine on the echo", "heart_disease").negated


def test_an_organ_said_well_with_no_disease_named_is_no_disease_of_that_organ():
    fact = _one("his kidneys are all good thankfully", "kidney_disease")
    assert fact.negated and not fact.family


def test_an_organ_said_well_takes_the_disease_named_after_it_or_known_before():
    assert _one("my kidneys have always been fine, its the lupus in my joints", "lupus_nephritis").negated
    # the disease told in an earlier message (the engine passes it as ``known``)
    assert _one("her kidneys are normal tho", "lupus_nephritis", known=("sle",)).negated


def test_an_organ_said_ill_in_plain_words_is_the_diseases_organ_disease():
    fact = _one("lupus 6 years and my kidnys r bad at the moment", "lupus_nephritis")
    assert not fact.negated and not fact.historical
    assert not _one("systemic sclerosis, her lungs are getting worse", "interstitial_lung_disease").negated
    assert not _one("vasculitis with bad kidneys, on dialysis", "kidney_disease").negated


def test_an_organ_ill_in_the_past_is_historical():
    assert _one("SLE. my kidneys were bad in 2019, fine since", "lupus_nephritis").historical


def test_a_question_about_an_organ_or_someone_elses_organ_names_nothing():
    assert not _facts("are her kidneys ok?", "kidney_disease")
    assert not _facts("my sister's kidneys are fine", "kidney_disease")


def test_an_organ_said_not_fine_is_not_read_as_well():
    assert all(not f.negated for f in _facts("lupus, her kidneys are not good at all", "lupus_nephritis"))


# --- harms on a drug, and a partial response is no failure ---------------------------------

def test_a_partial_response_is_no_failure():
    assert _one("baricitinib helped a bit", "baricitinib").status != "failed"
    fact = _one("the ivig helps a little with her strength", "ivig")
    assert fact.status == "current" and not fact.historical


def test_an_infection_had_on_a_drug_is_a_harm_of_it():
    fact = _one("upadacitinib helped a bit but he got shingles on it", "upadacitinib")
    assert fact.status == "intolerant"
    assert predicted_assertion(_one("upadacitinib helped a bit but he got shingles on it", "herpes_zoster"))[2] == "past"


def test_a_drug_that_brought_on_an_illness_or_raised_a_value_was_not_tolerated():
    assert _one("prednisolone made her diabetic", "prednisone").status == "intolerant"
    assert _one("ciclosporin put his blood pressure up so they stopped it", "cyclosporine").status == "intolerant"
    assert _one("she had a bad reaction to the rituximab", "rituximab").status == "intolerant"
    assert _one("Belimumab complicated by recurrent UTIs.", "belimumab").status == "intolerant"


def test_a_drug_taken_now_with_some_response_is_current():
    assert _one("saphnelo sort of works for her", "anifrolumab").status == "current"
    assert _one("started tacrolimus, its ok so far", "tacrolimus").status == "current"


def test_an_illness_had_badly_while_on_a_drug_dates_the_drug():
    assert predicted_assertion(_one("she got covid quite bad while on ocrelizumab", "ocrelizumab"))[2] == "past"


# --- refusals and wishes --------------------------------------------------------------------

def test_a_treatment_not_wanted_again_was_had_before():
    fact = _one("i dont want methotrexate again, it wiped me out", "methotrexate")
    assert predicted_assertion(fact) == ("present", "patient", "past")
    assert predicted_assertion(_one("she's not keen on going back on mmf", "mycophenolate")) == ("present", "patient", "past")
    assert predicted_assertion(_one("He declines further rituximab.", "rituximab")) == ("present", "patient", "past")


def test_a_treatment_not_wanted_without_again_stays_unhad():
    assert predicted_assertion(_one("i dont want methotrexate", "methotrexate"))[0] != "present"


# --- families -------------------------------------------------------------------------------

def test_one_of_several_children_with_the_illness_is_the_patient():
    fact = _one("my two girls are 9, one has ITP, the other is fine", "itp")
    assert not fact.family


def test_a_parent_who_had_an_illness_had_it_in_the_past():
    fact = _one("dad had bowel cancer 2012. i have UC", "colorectal_cancer")
    assert fact.family and fact.historical
    # only what the parent's "had" names right after it
    assert not _one("Mum had ITP and is on eltrombopag", "eltrombopag").historical


def test_nothing_wrong_with_an_organ_is_no_disease_of_it_and_no_healthy_person():
    facts = extract("RA for years. nothing wrong with his lungs though", today=TODAY)
    assert [f.negated for f in facts if f.concept == "interstitial_lung_disease"] == [True]
    assert "healthy" not in {f.concept for f in facts}


def test_an_organ_ok_ish_is_not_said_well():
    assert all(not f.negated for f in _facts("psoriasis, the doctor says my kidneys are ok-ish", "kidney_disease"))


def test_a_negation_of_the_organ_is_not_carried_back_to_the_disease():
    assert not _one("Dermatomyositis, lungs not involved.", "dermatomyositis").negated


def test_the_engine_reads_an_organ_said_well_in_a_later_message_as_the_known_diseases(tmp_path):
    engine = bundled_engine(tmp_path / "s.db", today=TODAY)
    engine.start("c")
    engine.message("c", "my son is 24 and he has lupus")
    reply = said(engine.message("c", "his kidneys are normal tho"))
    assert "no lupus nephritis" in reply
    facts = tracker_of(engine, "c").profile.facts
    assert [f.negated for f in facts if f.concept == "lupus_nephritis"] == [True]
