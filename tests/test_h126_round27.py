"""h126, round 27 (issue #13): time and response in referral letters and clinicians' messages -
a switch's reason, maintenance with its last dose, restarts, the illness a treatment was stopped
or held for, today's value against one at diagnosis, counted rescues, courses given in a year,
re-induction and the treatment of a dated event."""
from benchmarks.assertion import predicted_assertion
from nlp import extract


def _facts(text: str, concept: str):
    return [f for f in extract(text) if f.concept == concept]


def _time(text: str, concept: str, nth: int = 0) -> str:
    return predicted_assertion(_facts(text, concept)[nth])[2]


def test_the_reason_after_a_switch_is_why_the_earlier_drug_was_left():
    text = "Previously on methotrexate, switched to leflunomide in 2014 because of nausea."
    [leflunomide] = _facts(text, "leflunomide")
    [methotrexate] = _facts(text, "methotrexate")
    assert leflunomide.status == "current" and _time(text, "leflunomide") == "current"
    assert methotrexate.status == "intolerant" and _time(text, "methotrexate") == "past"
    text = "Anakinra 2020-2023, switched to canakinumab (injection site reactions on anakinra)."
    assert _time(text, "canakinumab") == "current"
    assert [_time(text, "anakinra", k) for k in (0, 1)] == ["past", "past"]
    assert _facts(text, "anakinra")[0].status == "intolerant"


def test_a_switched_to_drug_keeps_its_own_stop_and_a_later_end():
    # a stop of its own between the drug and the reason: the reason is the switched-to drug's
    text = "Infliximab 2016-2019, switched to tofacitinib, stopped due to shingles."
    assert _facts(text, "tofacitinib")[0].status == "intolerant"
    assert _time(text, "tofacitinib") == "past"
    # a range of its own before the bracket: the bracket is its own outcome
    text = "Anakinra (injection-site reactions), switched to canakinumab 2022-2024 (lost efficacy)."
    assert _facts(text, "canakinumab")[0].status == "failed"
    # a later line ends the drug switched to
    text = "MMF 2017-2022, switched to belimumab 2022 because of GI side effects\nbelimumab 2022-2025: failed\nvoclosporin since 03/2025"
    assert _time(text, "belimumab", 0) == "past"
    assert _time(text, "voclosporin") == "current"
    text = "Previously on golimumab, switched to vedolizumab 2021; vedolizumab stopped 2023 (no response)."
    assert [_time(text, "vedolizumab", k) for k in (0, 1)] == ["past", "past"]
    assert _time("switched to MMF 2019; MMF continues", "mycophenolate") == "current"


def test_maintenance_on_a_schedule_with_its_last_dose_goes_on():
    assert _time("Rituximab maintenance 6-monthly, last dose 03/2026.", "rituximab") == "current"
    assert _time("RA, rituximab maintenance 6-monthly, last dose 03/2026; MTX held for a chest infection in Jan",
                 "rituximab") == "current"
    assert _time("Rituximab maintenance 6-monthly, last given 05/2025.", "rituximab") == "current"
    # an end still ends it
    assert _time("maintenance rituximab 6-monthly until 2022.", "rituximab") == "past"


def test_a_hold_ended_by_a_restart_is_taken_now():
    assert _time("Hydroxychloroquine was held for retinal toxicity screening in 2024 and restarted 06/2025.",
                 "hydroxychloroquine") == "current"
    assert _time("Hydroxychloroquine held in 2024, restarted 06/2025.", "hydroxychloroquine") == "current"
    text = "DH: ustekinumab 90 mg 8-weekly (held for a perianal abscess 10/2025, restarted 12/2025); vitamin B12 injections."
    assert _time(text, "ustekinumab") == "current"
    assert _time(text, "active_infection") == "past"
    # a restart of what follows the comma is not a restart of what came before
    text = "MMF stopped 2020 due to nausea, azathioprine, restarted MMF 2023"
    assert _time(text, "mycophenolate", 0) == "past"
    assert _time(text, "mycophenolate", 1) == "current"


def test_the_illness_a_treatment_was_stopped_or_held_for_was_then():
    text = "Eltrombopag until 2023 when it was stopped due to a portal vein thrombosis."
    assert _time(text, "portal_vein_thrombosis") == "past"
    assert _time("MTX held for a chest infection in Jan.", "active_infection") == "past"
    assert _time("Voclosporin added 2024, held 09/2025 for hypertension, not restarted.", "hypertension") == "past"
    # a status of the disease is not a harm of the drug ("stopped at relapse")
    assert _time("MMF stopped due to relapse.", "relapsed_disease") == "current"
    # a lasting illness a treatment was stopped for goes on (a hold's reason was then)
    assert _time("Methotrexate was stopped in 2020 because of the ILD.", "interstitial_lung_disease") == "current"
    assert _time("ciclosporin was stopped 06/2025 for hypertension.", "hypertension") == "current"
    # an illness named with no stop before it stays now
    assert _time("Eltrombopag continues; she has a portal vein thrombosis.", "portal_vein_thrombosis") == "current"


def test_todays_value_against_one_at_diagnosis_is_todays():
    assert _time("CK 3,200 (H) today vs 9,000 at diagnosis.", "ck") == "current"
    assert _time("Ferritin 900 now vs 12,000 at presentation.", "ferritin") == "current"
    assert _time("Ferritin 12,000 at presentation.", "ferritin") == "past"


def test_courses_given_and_over():
    # a counted rescue
    assert _time("Infliximab rescue x2 for flares.", "infliximab") == "past"
    assert _time("Crohn's pt, infliximab rescue x2, then ustekinumab since 2024. CRP 30", "infliximab") == "past"
    assert _time("hydrocortisone 100 mg qds x5 days, then infliximab rescue 5 mg/kg x2.", "infliximab") == "past"
    # a course given in a year
    assert _time("Obinutuzumab given 2025 x4 doses.", "obinutuzumab") == "past"
    assert _time("Rituximab given 2021 with a 6-month response.", "rituximab") == "past"
    # a relapse's re-induction; the treatment a dated event needed
    text = "Relapsed 2024 (BVAS 14), re-induced with cyclophosphamide; avacopan since 2024."
    assert _time(text, "cyclophosphamide") == "past"
    assert _time(text, "avacopan") == "current"
    text = "Canakinumab since 2023; flare with MAS in 08/2025 needing IV methylprednisolone and ciclosporin."
    assert [_time(text, c) for c in ("methylprednisolone", "cyclosporine", "canakinumab")] == ["past", "past", "current"]
    assert _time("Myasthenic crisis 02/2024 requiring ventilation and plasma exchange.", "plasma_exchange") == "past"
    # a lasting illness's treatment is not an event's
    assert _time("T2DM 2010 requiring insulin.", "insulin") == "current"


def test_an_induction_named_with_its_regimen_is_a_course_given():
    assert _time("UKALL 2011 induction: MRD positive at end of induction (0.8%).", "chemotherapy") == "past"
    text = "Treatment: UKALL 2011 induction with dexamethasone, vincristine, daunorubicin, pegaspargase."
    assert [_time(text, c) for c in ("chemotherapy", "dexamethasone", "vincristine", "pegaspargase")] == ["past"] * 4
    assert _time("Induction per UKALL 2011, MRD-positive at end of induction, then FLAG-IDA.", "chemotherapy") == "past"
    # an induction said to go on, and a drug before a comma, keep their reading
    assert _time("she is currently in induction with hyper-CVAD", "hyper_cvad") == "current"
    assert _time("MMF 2 g daily, induction with cyclophosphamide 2019", "mycophenolate") == "current"
