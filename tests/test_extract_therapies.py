"""Therapies: drugs, brands, abbreviations and classes, procedures, and whether a drug
failed, was not tolerated or is current."""
from nlp import extract


def drugs(text):
    return [(f.concept, f.status) for f in extract(text) if f.label in ("DRUG", "PROCEDURE")]


def test_brand_names_and_abbreviations_map_to_generics():
    assert drugs("MMF, CellCept, Benlysta, MTX, AZA, HCQ, CYC") == [
        ("mycophenolate", None), ("mycophenolate", None), ("belimumab", None), ("methotrexate", None),
        ("azathioprine", None), ("hydroxychloroquine", None), ("cyclophosphamide", None)]


def test_classes_are_concepts_too():
    assert [c for c, _ in drugs("steroids, biologics, a TPO agonist and DMARDs")] == [
        "glucocorticoid", "biologic", "tpo_agonist", "csdmard"]


def test_tried_and_did_not_work_is_failed():
    assert drugs("i have lupus, tried cellcept, didn't work") == [("mycophenolate", "failed")]


def test_refractory_to_is_failed_for_each_drug_listed():
    assert drugs("refractory to mycophenolate, cyclophosphamide and rituximab") == [
        ("mycophenolate", "failed"), ("cyclophosphamide", "failed"), ("rituximab", "failed")]


def test_side_effects_and_intolerance_are_intolerant():
    assert drugs("stopped rituximab due to side effects") == [("rituximab", "intolerant")]
    assert drugs("intolerant to azathioprine") == [("azathioprine", "intolerant")]
    assert drugs("couldn't tolerate cyclosporine") == [("cyclosporine", "intolerant")]


def test_currently_on_and_taking_are_current():
    assert drugs("currently on belimumab") == [("belimumab", "current")]
    assert drugs("taking prednisone 10mg a day") == [("prednisone", "current")]


def test_status_belongs_to_the_nearest_cue():
    assert drugs("failed infliximab and adalimumab, now on ustekinumab") == [
        ("infliximab", "failed"), ("adalimumab", "failed"), ("ustekinumab", "current")]


def test_patient_voice_but_it_did_not_work():
    assert drugs("they gave me metotrexate injections but it didnt work") == [("methotrexate", "failed")]


def test_procedures():
    facts = [(f.label, f.concept) for f in extract("allogeneic stem cell transplant, prior CAR-T, on dialysis")]
    assert facts == [("PROCEDURE", "allo_hsct"), ("PROCEDURE", "car_t"), ("PROCEDURE", "dialysis")]


def test_car_t_target_is_not_a_marker_result():
    assert [(f.label, f.concept) for f in extract("CD19 CAR-T in 2023")] == [("PROCEDURE", "car_t")]


def test_never_tried_is_negated():
    fact = extract("never had rituximab")[0]
    assert fact.concept == "rituximab" and fact.negated


def test_a_shared_failure_phrase_marks_every_drug_before_it_failed():
    for text in ("I tried cellcept and benlysta, neither worked.", "She had methotrexate and azathioprine, both failed."):
        facts = [f for f in extract(text) if f.label == "DRUG"]
        assert len(facts) == 2 and all(f.status == "failed" for f in facts), text


def test_a_list_of_therapies_that_all_failed_with_words_between():
    """"neither really worked" and a referral's "both without adequate response" fail every
    therapy of the list (they were only "tried", so every "refractory to" stayed open)."""
    from nlp import extract

    for text in ("she tried cellcept and rituximab, neither really worked",
                 "Treated with mycophenolate 3 g/day since 2021 and rituximab x2 cycles (2023), both without adequate response."):
        drugs = {f.concept: f.status for f in extract(text) if f.label == "DRUG"}
        assert drugs == {"mycophenolate": "failed", "rituximab": "failed"}, (text, drugs)


def test_nothing_keeps_them_up_fails_every_treatment_of_the_list_and_lay_splenectomy():
    facts = extract("my husband has ITP. hes tried steroids, ivig, romiplostim and eltrombopag, nothing keeps "
                    "them up. spleen removed 2022")
    drugs = {f.concept: f.status for f in facts if f.label == "DRUG"}
    assert drugs == {"glucocorticoid": "failed", "ivig": "failed", "romiplostim": "failed", "eltrombopag": "failed"}
    assert [(f.concept, f.date) for f in facts if f.label == "PROCEDURE"][0][0] == "splenectomy"
    assert [f.status for f in extract("on prednisone, nothing else helps with the pain")] == ["current"]
    assert [f.concept for f in extract("he had his spleen out in 2022")] == ["splenectomy"]


def test_and_now_makes_only_what_follows_current_and_been_through_is_tried():
    facts = {f.concept: (f.status, f.historical) for f in extract(
        "been thru mtx, enbrel, humira, actemra, orencia and now rinvoq")}
    assert facts["upadacitinib"][0] == "current"
    assert facts["abatacept"] == (None, True) and facts["methotrexate"] == (None, True)
    assert drugs("on rinvoq, it's not working either") == [("upadacitinib", "failed")]


def test_a_haematologists_shorthand_for_relapse_after_treatments():
    assert drugs("58M PTCL-NOS r/r after CHOEP, BV; CD7+ 80%") == [("chop", "failed"), ("brentuximab", "failed")]
    assert drugs("relapsed post allo-SCT") == [("allo_hsct", "failed")]
    assert drugs("progressed on CHOP") == [("chop", "failed")]
    assert drugs("on CHOP now") == [("chop", "current")]
