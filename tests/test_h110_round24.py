"""Round 24 (h110, issue #13): how patients and relatives really write. Short replies to the
bot's questions in a later sentence ("... the cyclophosphamide no never", "hiv neither"), a
negated list closed by a semicolon before a positive result, a disease named as the reason for
no treatment ("not on anything for the myositis"), a disease whose course is conditional ("if
his ITP flares"), a treatment whose stop is conditional ("if I had to stop the
hydroxychloroquine"), a treatment said to be stopped after it ("the pred i'm off since march"),
a value of then and one of now with the "now" after it ("CK 8000 at diagnosis, 450 today"), a
transplant's donor after a date. Wordings of their own, not the gold's."""
from __future__ import annotations

from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

from assertion_helpers import NOW, PAST, the_one

ABSENT = ("absent", "patient", "current")
HYPOTHETICAL = ("hypothetical", "patient", "current")


# --- replies in a later sentence --------------------------------------------------------

def test_a_reply_opening_a_later_sentence_answers_no():
    text = "Methotrexate yes, still taking it. the rituximab no never"
    assert predicted_assertion(the_one(text, "rituximab"))[0] == "absent"
    assert predicted_assertion(the_one(text, "methotrexate")) == NOW


def test_neither_after_a_thing_asked_about_denies_it():
    text = "hep c? not as far as i know. TB neither"
    assert predicted_assertion(the_one(text, "tuberculosis"))[0] == "absent"
    assert predicted_assertion(the_one(text, "hcv"))[0] == "absent"


def test_a_statement_in_a_later_sentence_is_no_reply():
    # the mention opens its sentence but no answer word follows: a plain statement
    assert predicted_assertion(the_one("She has RA. Abatacept is working well", "abatacept")) == NOW


# --- a negated list closed by a semicolon ----------------------------------------------

def test_negative_for_a_list_up_to_a_semicolon():
    facts = extract("Serology negative for HCV, HIV, syphilis; positive for HBsAg.")
    by = {f.concept: f for f in facts}
    assert predicted_assertion(by["hcv"])[0] == "absent"
    assert predicted_assertion(by["hiv"])[0] == "absent"
    assert predicted_assertion(by["syphilis"])[0] == "absent"
    assert by["hbsag"].status == "positive" and not by["hbsag"].negated


# --- a disease named as the reason for no treatment -------------------------------------

def test_no_treatment_for_a_disease_keeps_the_disease():
    assert predicted_assertion(the_one("he isnt taking anything for his crohns at the moment", "crohns_disease")) == NOW
    assert predicted_assertion(the_one("no meds for my ITP right now, just watching", "itp")) == NOW
    # a plain denial stays one
    assert predicted_assertion(the_one("she doesnt have crohns", "crohns_disease"))[0] == "absent"


# --- conditionals: the course or the stop, not the thing --------------------------------

def test_a_disease_whose_flare_is_conditional_is_had():
    assert predicted_assertion(the_one("if her myositis relapses they would look at CAR-T", "inflammatory_myopathy")) == NOW
    assert predicted_assertion(the_one("if her myositis relapses they would look at CAR-T", "car_t"))[0] == "hypothetical"
    # a disease only supposed stays hypothetical
    assert predicted_assertion(the_one("if it turns out she has lupus, what then?", "sle"))[0] == "hypothetical"


def test_a_treatment_whose_stop_is_conditional_is_taken():
    fact = the_one("what happens if she comes off the azathioprine before the trial?", "azathioprine")
    assert predicted_assertion(fact) == NOW and fact.status == "current"
    # a treatment to start under a condition stays hypothetical
    assert predicted_assertion(the_one("if the ITP gets worse we could start romiplostim", "romiplostim"))[0] == "hypothetical"


# --- a stop said after the treatment ----------------------------------------------------

def test_a_treatment_then_im_off_it_is_past():
    assert predicted_assertion(the_one("methotrexate yes. the steroids she's off them since june", "glucocorticoid")) == PAST
    # "off to" is going somewhere
    assert predicted_assertion(the_one("tacrolimus, I'm off to the pharmacy for it now", "tacrolimus"))[1:] == ("patient", "current")


# --- a value of then, and the one of now with its "now" after it ------------------------

def test_the_newer_value_with_now_after_it_is_read():
    fact = the_one("creatinine 3.4 at diagnosis, 1.6 today", "creatinine")
    assert fact.value == 1.6 and predicted_assertion(fact) == NOW
    fact = the_one("her plt were 9 last month, 62 now on eltrombopag", "platelets")
    assert fact.value == 62 and predicted_assertion(fact) == NOW
    # the value at discharge is the newest the text has: today's (h131, round 28, the lead's
    # brief: "CRP 112 on admission, 8 at discharge")
    fact = the_one("platelets 5 on admission, 40 at discharge", "platelets")
    assert fact.value == 40 and predicted_assertion(fact) == NOW


# --- a transplant's donor after a date --------------------------------------------------

def test_a_transplant_donor_after_a_date_makes_it_allogeneic():
    facts = extract("she had a stem cell transplant, in 2022, from her sister")
    assert any(f.concept == "allo_hsct" for f in facts)


def test_a_treatment_taken_in_a_conditional_stays_taken():
    fact = the_one("Would escalate to rituximab if ongoing flares despite azathioprine.", "azathioprine")
    assert predicted_assertion(fact) == NOW
    assert predicted_assertion(the_one("can he enrol while on tacrolimus?", "tacrolimus")) == NOW


def test_weaned_off_closing_a_clause_after_the_treatment_is_past():
    assert predicted_assertion(the_one("Still's disease on canakinumab, steroids weaned off.", "glucocorticoid")) == PAST
    assert predicted_assertion(the_one("the prednisolone was tapered off last spring", "prednisone")) == PAST
    # the forward reading stays: the treatment after it is over, the one after the comma is not
    assert predicted_assertion(the_one("weaned off prednisone, started upadacitinib", "upadacitinib"))[2] == "current"


def test_a_reaction_said_after_the_treatment_is_intolerance():
    fact = the_one("etanercept did nothing, tocilizumab she reacted to, now on baricitinib", "tocilizumab")
    assert fact.status == "intolerant" and predicted_assertion(fact) == PAST


# --- a story told by ages ---------------------------------------------------------------

def test_now_n_after_an_onset_told_by_age_is_the_age():
    ages = [f for f in extract("Crohn's since age 16; ileal resection at 19; now 28.") if f.label == "AGE"]
    assert [a.value for a in ages] == [28]
    ages = [f for f in extract("ITP as a child, went away, came back in 2020, now 34 and on eltrombopag") if f.label == "AGE"]
    assert [a.value for a in ages] == [34]
    # a value after a lab is no age
    assert not [f for f in extract("ITP from age 9, platelets 20 at 8am, now 45") if f.label == "AGE"]
