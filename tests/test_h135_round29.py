"""Round 29 (h135, issue #13): what patients and relatives write: responses lost while the
treatment is still taken, questions about stopping one's own treatment, refusals in the
present tense, hedges that end at a comma, organ trouble in general words, clipped and
lower-case disease names, depression and anxiety said of oneself, times told by life events,
and messages in other languages. Each test reads a wording of its own (not a gold message)
through the real extraction path."""
from __future__ import annotations

from datetime import date

from benchmarks.assertion import predicted_assertion
from bundled_engine import bundled_engine, tracker_of
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)


def _facts(text: str, concept: str):
    return [f for f in extract(text, today=TODAY) if f.concept == concept]


def _one(text: str, concept: str):
    found = _facts(text, concept)
    assert len(found) == 1, (text, concept, found)
    return found[0]


# --- a response lost while the treatment is still taken -----------------------------------

def test_a_treatment_that_helped_at_first_while_the_disease_is_worse_now_is_failing_and_taken():
    for text, concept in (("rituximab helped at first but her platelets are dropping again", "rituximab"),
                          ("the stelara worked well for a while, now hes flaring every week", "ustekinumab"),
                          ("cellcept helped at first but shes getting worse now", "mycophenolate")):
        fact = _one(text, concept)
        assert fact.status == "failed" and fact.ongoing, text
        assert predicted_assertion(fact) == ("present", "patient", "current"), text


def test_a_response_lost_in_the_past_tense_stays_an_over_course():
    fact = _one("rituximab helped at first but she relapsed after a year", "rituximab")
    assert fact.status == "failed" and not fact.ongoing


# --- questions about stopping one's own treatment -------------------------------------------

def test_a_question_about_stopping_the_persons_own_treatment_says_it_is_taken_now():
    for text, concept in (("would she have to come off her mycophenolate for the study?", "mycophenolate"),
                          ("do we need to stop his tacrolimus before the car t?", "tacrolimus"),
                          ("should i stop my rinvoq before a trial?", "upadacitinib")):
        fact = _one(text, concept)
        assert predicted_assertion(fact) == ("present", "patient", "current"), text


def test_a_stop_that_happened_is_no_question():
    fact = _one("i had to stop my methotrexate because of my liver", "methotrexate")
    assert fact.status == "intolerant"


# --- refusals in the present tense ----------------------------------------------------------

def test_a_treatment_refused_now_is_not_given():
    for text, concept in (("my dad refuses the chemo, he says hes too old", "chemotherapy"),
                          ("she is refusing rituximab after what happened to her friend", "rituximab"),
                          ("im refusing steroids for now", "glucocorticoid"),
                          ("hes declining the stem cell transplant", "hsct")):
        fact = _one(text, concept)
        assert fact.hypothetical and fact.status != "current", text


def test_platelets_declining_on_a_treatment_are_no_refusal():
    fact = _one("her platelets keep declining on eltrombopag", "eltrombopag")
    assert not fact.hypothetical


# --- a hedge ends at a comma before a disease stated as known -------------------------------

def test_a_hedge_does_not_reach_a_disease_stated_in_the_next_clause():
    assert _one("i think i might have gout too, lupus 10 yrs", "sle").uncertain is False
    assert _one("not sure if its asthma, crohns definitely", "crohns_disease").uncertain is False
    assert _one("maybe an infection, she has ITP since 2020", "itp").uncertain is False
    assert _one("i think i might have gout too, lupus 10 yrs", "gout").uncertain


def test_a_hedge_still_reaches_a_list_of_what_it_may_be():
    assert _one("could be lupus or sjogrens", "sjogrens_syndrome").uncertain


def test_a_wish_does_not_reach_the_disease_that_tags_the_message():
    assert not _one("we hope to have a baby soon, crohns", "crohns_disease").hypothetical


# --- organ trouble in general words ---------------------------------------------------------

def test_no_kidney_problems_is_no_kidney_disease_and_leaves_the_disease_named_as_its_cause():
    assert _one("no kidney problems, only the myositis", "kidney_disease").negated
    assert not _one("no kidney problems, only the myositis", "inflammatory_myopathy").negated
    fact = _one("he doesnt have lung problems from his scleroderma yet", "systemic_sclerosis")
    assert not fact.negated
    assert _one("he doesnt have lung problems from his scleroderma yet", "interstitial_lung_disease").negated


def test_a_disease_gone_to_an_organ_goes_on():
    fact = _one("her lupus has gone to her kidneys", "sle")
    assert not fact.historical
    assert _one("her lupus has gone away", "sle").historical


# --- clipped and lower-case names, depression, anxiety, tb ----------------------------------

def test_sclero_is_scleroderma_beside_its_context_only():
    assert _facts("sclero since 2015, raynauds bad in winter", "systemic_sclerosis")
    assert not _facts("had sclero for my veins last year", "systemic_sclerosis")


def test_a_lower_case_disease_tag_at_the_end_or_after_the_is_the_disease():
    assert _facts("on humira since 2021, crohns was worse before. psc", "primary_sclerosing_cholangitis")
    assert _facts("the ra is flaring again", "rheumatoid_arthritis")


def test_depression_and_anxiety_said_of_oneself_are_read():
    assert _facts("my wife suffers with depression", "major_depressive_disorder")
    fact = _one("my son has ITP. i get anxiety about it all", "anxiety_disorder")
    assert fact.family     # the writer's own, a relative of the patient
    assert not _facts("anxiety about the trial is normal", "anxiety_disorder")


def test_tb_in_small_letters_is_tuberculosis():
    fact = _one("no tb as far as i know", "tuberculosis")
    assert fact.negated


def test_mogamulizumab_without_its_suffix_is_read():
    fact = _one("mogamulizumab stopped working for my mycosis fungoides", "mogamulizumab_kpkc")
    assert fact.status == "failed"


# --- time told by a life event; whose age --------------------------------------------------

def test_a_treatment_or_infection_at_a_birth_is_of_then_a_disease_started_then_goes_on():
    assert _one("i had shingles when i had my first baby", "herpes_zoster").historical
    assert _one("they gave me prednisolone when i had my son", "prednisone").historical
    assert not _one("i got ITP when i had my daughter and it never went away", "itp").historical
    assert _one("stopped methotrexate when i got pregnant, baby is 2 now", "pregnant").historical


def test_a_pronoun_age_before_the_relation_is_the_childs_and_the_writers_illness_is_family():
    facts = extract("hes 6 my little boy, ITP. i have depression myself", today=TODAY)
    age = next(f for f in facts if f.label == "AGE")
    assert age.value == 6 and not age.family
    assert next(f for f in facts if f.concept == "major_depressive_disorder").family


# --- other languages -----------------------------------------------------------------------

def test_common_words_of_other_languages_are_never_typos():
    for text in ("Meine Tochter hat Lupus", "mi hijo tiene lupus", "mon fils a un lupus depuis 2020"):
        concepts = {f.concept for f in extract(text, today=TODAY)}
        assert concepts <= {"sle", "female", "male", "age"}, (text, concepts)


def test_a_typo_in_english_is_still_recovered():
    assert _facts("she is on cellcep", "mycophenolate")


def test_the_engine_reads_a_german_message_without_a_drug_from_a_typo(tmp_path):
    engine = bundled_engine(tmp_path / "s.db", today=TODAY)
    engine.start("c")
    engine.message("c", "my mum is 64 and has scleroderma")
    engine.message("c", "Meine Mutter hat Sklerodermie seit 2019")
    facts = tracker_of(engine, "c").profile.facts
    assert not [f for f in facts if f.label == "DRUG"]
    assert [f for f in facts if f.concept == "systemic_sclerosis"]
