"""h121, round 26 (issue #13): time in clinicians' letters - restarts, holds, schedules with a
last dose, today's value beside an older one, earlier lines' relapses, ESRD before a transplant."""
from nlp import extract
from benchmarks.assertion import predicted_assertion


def _time(text: str, concept: str, nth: int = 0) -> str:
    facts = [f for f in extract(text) if f.concept == concept]
    return predicted_assertion(facts[nth])[2]


def test_a_restart_makes_a_treatment_current_again():
    text = "Ciclosporin was weaned off 2024. Relapse 2025: rATG 03/2025, no response.\nCiclosporin restarted 04/2025 and continues."
    assert _time(text, "cyclosporine", 0) == "past"
    assert _time(text, "cyclosporine", 1) == "current"
    assert _time("Obinutuzumab x2 doses 06/2025 + MMF restarted.", "mycophenolate") == "current"


def test_a_hold_the_sentence_ends_by_a_restart_is_over():
    assert _time("Tofacitinib was held for surgery (cholecystectomy 08/2025) and restarted in September.", "tofacitinib") == "current"
    assert _time("Tofacitinib was held for surgery (cholecystectomy 08/2025) and restarted in September.", "cholecystectomy") == "past"
    assert _time("She was held off baricitinib for two weeks in 08/2025 for a hip replacement, and restarted.", "baricitinib") == "current"
    # a stop with no restart stays a stop
    assert _time("MMF restarted in 2023 then stopped 2024.", "mycophenolate") == "past"


def test_on_hold_is_not_taken_now_and_its_reason_was_then():
    text = "ITP, romiplostim on hold since Oct for a DVT, eltrombopag 2020-2022 failed, plt 14 today"
    assert _time(text, "romiplostim") == "past"
    assert _time(text, "deep_vein_thrombosis") == "past"
    assert _time(text, "platelets") == "current"
    assert _time("methotrexate 15 mg weekly - on hold since December for a chest infection.", "methotrexate") == "past"
    assert _time("IVIG 2 g/kg monthly, held since 09/2025 because of a DVT.", "deep_vein_thrombosis") == "past"


def test_a_schedule_with_its_last_dose_goes_on():
    assert _time("She is now on mycophenolate 2 g daily and rituximab 6-monthly (last dose 08/2025).", "rituximab") == "current"
    assert _time("Maintenance rituximab 500 mg every 6 months - last dose 03/2025, then stopped.", "rituximab") == "past"
    assert _time("maintenance rituximab 6-monthly until 2022.", "rituximab") == "past"


def test_todays_value_beside_an_older_one_in_brackets():
    assert _time("CK 1,450 today (4,800 at diagnosis). MMT-8 124.", "ck") == "current"
    assert _time("CK 210 U/L (peak 4800 at presentation).", "ck") == "current"
    assert _time("WBC 210 x10^9/L at presentation", "wbc") == "past"
    assert _time("MMF 2019-2022, creatinine 110 today", "creatinine") == "current"
    assert _time("3. Eltrombopag 50 mg od 2019-2022 - lost response; ALT rose to 3x ULN", "alt") == "past"


def test_a_precursor_progressed_past_its_subtype_and_date():
    assert _time("Diagnosis: MDS-EB2 (2023), progressed to AML 07/2025.", "mds") == "past"
    assert _time("Diagnosis: MDS-EB2 (2023), progressed to AML 07/2025.", "aml") == "current"


def test_an_earlier_lines_relapse_is_past_the_newest_is_now():
    text = ("1) UKALL 2011 (2021), CR1; 2) relapse 2023 -> FLAG-Ida + nelarabine, CR2; MUD allo-SCT 08/2023;\n"
            "3) relapse 07/2025 post-transplant (marrow blasts 35%), venetoclax + navitoclax x2 cycles: refractory.")
    assert _time(text, "relapsed_disease", 0) == "past"
    assert _time(text, "relapsed_disease", 1) == "current"
    # a subject line's undated relapse is the one told below it
    assert _time("Re: relapsed T-ALL\nRelapse 06/2025; brentuximab.", "relapsed_disease", 0) == "current"


def test_esrd_before_the_patients_kidney_transplant_is_past():
    text = "Lupus nephritis class IV diagnosed 2010, leading to ESRD in 2015. Haemodialysis 2015-2017, then a living-donor kidney transplant (2017)."
    assert _time(text, "esrd") == "past"
    assert _time("ESRD on dialysis, listed for kidney transplant.", "esrd") == "current"
