"""Round 41 (h197, issue #13): clinicians' letters and messages read right: a trial of a treatment
the patient had is a course over ("She had a trial of prednisolone in 2020"), a referral for a
trial of one seeks it ("Referred for a trial of luspatercept"); a dose given today, this morning or
yesterday is taken now ("IVIG given today"), so are the doses of a cycle under way ("currently on
day 14 of cycle 1 venetoclax", "Obinutuzumab given on C1D1, D8 and D15"); a lost spleen response or
transfusion independence is a failure; haematologists' short forms are read in a text about their
disease (del(17p), HU, PV, ET, elt), never elsewhere ("30 HU", "PV bleeding", "ET tube"); the
cancer after "post-" is the earlier one, over ("post-PV myelofibrosis"); "X before that." is over;
"Plan: taper pred" is a treatment taken now; "PNH clone not detected" denies PNH; an open date
range after a dose is taken now ("MMF 1.5 g bd (2023-)")."""
from __future__ import annotations

from datetime import date

from assertion_helpers import one_at
from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

TODAY = date(2026, 12, 7)
NOW = ("present", "patient", "current")
PAST = ("present", "patient", "past")
SOUGHT = ("hypothetical", "patient", "current")
DENIED = ("absent", "patient", "current")


def reading(text: str, concept: str):
    return predicted_assertion(one_at(text, concept, TODAY))


def facts_of(text: str, concept: str):
    return [f for f in extract(text, today=TODAY) if f.concept == concept]


def concepts(text: str) -> set[str]:
    return {f.concept for f in extract(text, today=TODAY)}


# 1. a trial of a treatment had, a referral for a trial of one
def test_a_trial_of_a_treatment_had_is_a_course_over():
    for text, drug in (("She had a trial of prednisolone in 2020.", "prednisone"),
                       ("He had a trial of hydroxychloroquine in 2017. Now on tofacitinib.", "hydroxychloroquine"),
                       ("RA 49F, had a trial of HCQ in 2019, on upa now", "hydroxychloroquine"),
                       ("Myasthenia. She has had a short trial of azathioprine, now on MMF.", "azathioprine"),
                       ("He underwent a trial of IVIG last year.", "ivig")):
        assert reading(text, drug) == PAST, text
    # its outcome stays
    fact = one_at("She had a trial of prednisolone in 2024 with no response.", "prednisone", TODAY)
    assert fact.status == "failed" and predicted_assertion(fact) == PAST
    # a trial of a drug asked about stays what is sought
    assert reading("any trial of luspatercept?", "luspatercept")[0] == "hypothetical"


def test_a_referral_for_a_trial_of_a_treatment_seeks_it():
    for text, drug in (("She is referred for a trial of luspatercept.", "luspatercept"),
                       ("Referred for a trial of imetelstat.", "imetelstat"),
                       ("MDS-RS 76F, transfusion dependent. referred for trial of luspatercept - anything open?", "luspatercept"),
                       ("We would be grateful if you would consider her for a trial of rilzabrutinib.", "rilzabrutinib"),
                       ("PTCL, CHOP x6 refractory. referred for a trial of brentuximab but CD30 neg", "brentuximab")):
        assert reading(text, drug) == SOUGHT, text
    # the letter's disease before it stays the patient's
    assert reading("UC - referred for a trial of ustekinumab", "ulcerative_colitis") == NOW


# 2. today's dose, the cycle under way
def test_a_dose_given_today_or_yesterday_is_taken_now():
    for text, concept in (("ITP, plt 8, IVIG given today. 54M", "ivig"),
                          ("dermatomyositis 44F, IVIG given today, on MMF 1.5g bd", "ivig"),
                          ("ASUC. IFX 5 mg/kg given this morning.", "infliximab"),
                          ("myasthenia 47F. PLEX given yesterday. on pyridostigmine", "plasma_exchange"),
                          ("Rituximab 1 g administered last night.", "rituximab")):
        assert reading(text, concept) == NOW, text
    # a dose told as given, with no time of today, stays past
    for text, concept in (("Nelarabine given. Now in CR.", "nelarabine"),
                          ("IVIG 2 g/kg given in March.", "ivig")):
        assert reading(text, concept) == PAST, text


def test_the_day_of_a_cycle_under_way_is_taken_now():
    for text, drug in (("Currently on day 14 of cycle 1 venetoclax ramp-up (200 mg).", "venetoclax"),
                       ("CLL 70M, currently on day 14 of cycle 1 venetoclax + obin.", "venetoclax"),
                       ("Now day 8 of cycle 2 azacitidine.", "azacitidine"),
                       ("Obinutuzumab given on C1D1, D8 and D15.", "obinutuzumab")):
        fact = one_at(text, drug, TODAY)
        assert fact.status == "current" and predicted_assertion(fact) == NOW, text


# 3. a response lost
def test_a_lost_spleen_response_or_transfusion_independence_is_a_failure():
    for text, drug in (("Ruxolitinib 2021-2025: lost spleen response, stopped", "ruxolitinib"),
                       ("myelofibrosis post-PV. rux 2021-2025: lost spleen response, stopped.", "ruxolitinib"),
                       ("Lenalidomide 10 mg d1-21 (2023-2025): lost transfusion independence.", "lenalidomide"),
                       ("Luspatercept 2024-2025, loss of transfusion independence.", "luspatercept")):
        fact = one_at(text, drug, TODAY)
        assert fact.status == "failed" and predicted_assertion(fact) == PAST, text


# 4. haematologists' short forms
def test_del17p_is_a_tp53_aberration():
    for text in ("CLL with del(17p) on FISH and unmutated IGHV.", "CLL 68M, FISH del17p, IGHV unmut.",
                 "FISH: t(4;14) and del(17p) detected."):
        assert [predicted_assertion(f) for f in facts_of(text, "tp53")] == [NOW], text
        assert all(f.status != "negative" for f in facts_of(text, "tp53")), text
    for text in ("CLL pt 75F, no del(17p), IGHV unmutated.", "IGHV mutated, del(17p) negative."):
        assert reading(text, "tp53") == DENIED, text


def test_mpn_short_forms_are_read_in_a_text_about_an_mpn():
    assert reading("Dx: PV (2015), JAK2 V617F positive.", "polycythemia_vera") == NOW
    assert reading("PV 62M, HU 2018-2024 stopped (mouth ulcers), now ropeg.", "polycythemia_vera") == NOW
    assert reading("ET diagnosed 2012, CALR type 1 mutated. Now anagrelide.", "essential_thrombocythemia") == NOW
    assert reading("ET 58F on HU 1g, plt 710 x10^9/L despite it.", "hydroxyurea") == NOW
    fact = one_at("PV, JAK2+. HU 1 g od 2015-2020, stopped (leg ulcers)", "hydroxyurea", TODAY)
    assert fact.status == "intolerant" and predicted_assertion(fact) == PAST


def test_mpn_short_forms_stay_unread_elsewhere():
    assert not concepts("CT chest: nodule of 30 HU, ET tube in place.") & {"hydroxyurea", "essential_thrombocythemia"}
    assert "hydroxyurea" not in concepts("PV JAK2+. CT: lesion 40 HU in the liver.")
    assert "polycythemia_vera" not in concepts("G2P1, PV bleeding at 8 weeks.")
    assert "polycythemia_vera" not in concepts("JAK2 positive. PV thrombosis on CT.")
    assert "essential_thrombocythemia" not in concepts("Intubated, ET tube 7.5.")
    assert "hydroxyurea" not in concepts("Lupus on HCQ. HU?")


def test_elt_is_eltrombopag_beside_itp_or_aplastic_anaemia():
    assert reading("aplastic anaemia 52M on CsA + elt after hATG 04/26.", "eltrombopag") == NOW
    fact = one_at("ITP 31M. elt stopped for headaches. on romi now", "eltrombopag", TODAY)
    assert predicted_assertion(fact) == PAST
    assert "eltrombopag" not in concepts("lupus 30F. elt tired all week")


# 5. the cancer after "post-"
def test_the_cancer_after_post_is_the_earlier_one_over():
    assert reading("myelofibrosis post-PV, JAK2 V617F.", "polycythemia_vera") == PAST
    assert reading("Re: Mr N.O., 73, myelofibrosis (post-ET, Dx 2020)", "essential_thrombocythemia") == PAST
    assert [predicted_assertion(f) for f in facts_of("progressed to post-PV myelofibrosis (2021).", "polycythemia_vera")] == [PAST]
    assert reading("post-ET myelofibrosis, on ruxolitinib", "myelofibrosis") == NOW
    # a treatment after "post-" keeps its own reading
    assert reading("haploidentical SCT 07/2025 with post-transplant cyclophosphamide.", "cyclophosphamide") == PAST


# 6. before that, a plan to taper, a clone not found, an open range after a dose
def test_a_treatment_before_that_is_over():
    for text, drug in (("rux 2021-2025: lost spleen response, stopped. HU before that. plt 88. PV", "hydroxyurea"),
                       ("Now on venetoclax. Azacitidine before that.", "azacitidine"),
                       ("On ustekinumab since 2022; vedolizumab prior to that.", "vedolizumab")):
        assert reading(text, drug) == PAST, text
    assert reading("Now on venetoclax. Before that, azacitidine.", "venetoclax") == NOW


def test_a_dose_to_be_changed_is_of_a_treatment_taken_now():
    for text, drug in (("Plan: taper pred from 15 mg.", "prednisone"),
                       ("Plan: wean her prednisolone, continue MMF.", "prednisone"),
                       ("Plan: increase MMF to 1.5 g bd.", "mycophenolate")):
        assert reading(text, drug) == NOW, text
    assert reading("Plan: start rituximab.", "rituximab")[0] == "hypothetical"
    # the noun "taper" reaches no treatment after it
    assert reading("tacrolimus + prednisolone taper; IVIG 2 g/kg monthly x6 (2024), finished.", "ivig") == PAST


def test_a_clone_not_found_denies_the_disease():
    for text in ("PNH clone not detected.", "Aplastic anaemia. PNH clone negative on flow.",
                 "PNH clone was not found."):
        assert reading(text, "pnh") == DENIED, text
    assert reading("PNH (clone 84%), LDH 1650", "pnh") == NOW
    assert reading("Small PNH clone detected (2%).", "pnh") == NOW


def test_an_open_date_range_after_a_dose_is_taken_now():
    for text, drug in (("Rx:\n- MMF 1.5 g bd (2023-)\n- nintedanib 150 mg bd", "mycophenolate"),
                       ("Rx: canakinumab 4 mg/kg monthly (2023-). 38M.", "canakinumab"),
                       ("tacrolimus 2 mg (2021-2023), MMF 1 g bd (2024-)", "mycophenolate")):
        fact = one_at(text, drug, TODAY)
        assert fact.status == "current" and predicted_assertion(fact) == NOW, text
    assert reading("tacrolimus 2 mg (2021-2023), MMF 1 g bd (2024-)", "tacrolimus") == PAST
