"""Round 40 (h192, issue #13): clinicians' letters and messages read right: a disease status told
with the treatments it came after and their earlier year is of then ("He was refractory to 7+3 and
FLAG in 2025"); a failure told of a counted course is of that course, though the drug is taken again
("Azacitidine x8 cycles: no response. Now aza+ven"); an item dated to an earlier year under a
heading of a disease's complications is an episode of then ("Complications: AIHA (2019)"); a
history item whose bracket says it goes on is no history ("PMH: CLL (watch and wait since 2012)");
a bare "hepatitis" a drug caused is no viral hepatitis ("toci caused hepatitis"); "on HD" is
haemodialysis and an organ's failure on the treatment standing in for it goes on ("h/o ESRD on HD");
a diagnosis's two-digit year dates it ("Dx in 03"); systemic mastocytosis, the JAK2 mutation and
chemoimmunotherapy are read; the disease's cells said with the spinal fluid are one CNS mention
("no leukaemia cells in the spinal fluid" denies CNS disease, not the leukaemia)."""
from __future__ import annotations

from datetime import date

from assertion_helpers import one_at
from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

TODAY = date(2026, 12, 7)
NOW = ("present", "patient", "current")
PAST = ("present", "patient", "past")


def reading(text: str, concept: str):
    return predicted_assertion(one_at(text, concept, TODAY))


def facts_of(text: str, concept: str):
    return [f for f in extract(text, today=TODAY) if f.concept == concept]


def concepts(text: str) -> set[str]:
    return {f.concept for f in extract(text, today=TODAY)}


# 1. a disease status with the treatments it came after and their year
def test_refractory_to_treatments_of_an_earlier_year_is_of_then():
    for text in ("He was refractory to 7+3 and FLAG in 2025. Since 01/26 on azacitidine.",
                 "AML 66M, refractory to 7+3 and FLAG-Ida in 2025, now on aza/ven C6.",
                 "She was refractory to CPX-351 in 2024. Now gilteritinib.",
                 "PTCL: refractory to CHOP, GDP and ICE (2024); romidepsin since 2025.",
                 "She was refractory to hyper-CVAD and nelarabine in 2026."):
        assert reading(text, "refractory_disease") == PAST, text
    # a word of now keeps it; no year, or this year's without "was", keeps it too
    for text in ("He is refractory to ibrutinib and venetoclax (2025). Now pirtobrutinib.",
                 "Remains refractory to FLAG-Ida in 2025 and venetoclax.",
                 "PTCL 61M refractory to CHOP and GDP in 2026. ECOG 1.",
                 "refractory to venetoclax, looking for a trial"):
        assert reading(text, "refractory_disease") == NOW, text
    # the treatments keep their failure
    fact = one_at("He was refractory to 7+3 and FLAG in 2025.", "flag_ida", TODAY)
    assert fact.status == "failed" and predicted_assertion(fact) == PAST


# 2. a failure of a counted course, the drug taken again in a new combination
def test_a_failed_counted_course_is_over_though_the_drug_is_taken_again():
    for text, drug in (("Azacitidine x8 cycles: no response. Now aza+ven C2.", "azacitidine"),
                       ("MDS. Azacitidine x6 cycles, no response. Now azacitidine and venetoclax.", "azacitidine"),
                       ("CLL. Rituximab x4: no response. Now rituximab + bendamustine.", "rituximab")):
        first, second = sorted(facts_of(text, drug), key=lambda f: f.start)
        assert first.status == "failed" and predicted_assertion(first) == PAST, text
        assert second.status == "current" and predicted_assertion(second) == NOW, text
    # a failure said of the drug taken now, with no course counted, is still failing now
    text = "Current treatment: azathioprine 100 mg od. Impression: active SLE despite azathioprine."
    last = max(facts_of(text, "azathioprine"), key=lambda f: f.start)
    assert last.status == "failed" and predicted_assertion(last) == NOW


# 3. an item dated to an earlier year under a complications heading
def test_a_dated_complication_is_an_episode_of_then():
    for text, concept in (("Re: Mr J.E., 69, CLL (Dx 2015)\nComplications: AIHA (2019), herpes zoster (2022).",
                           "autoimmune_hemolytic_anemia"),
                          ("Manifestations: arthritis, malar rash, serositis (2020), AIHA (2021).", "autoimmune_hemolytic_anemia"),
                          ("Complications: ITP 2018 and AIHA 2021", "itp")):
        assert reading(text, concept) == PAST, text
    # undated, or dated "since", it stays
    text = "Complications: ILD since 2020, AIHA (2019), PAH."
    assert reading(text, "interstitial_lung_disease") == NOW
    assert reading(text, "pulmonary_hypertension") == NOW
    # the diagnosis line keeps its year as the onset
    assert reading("Re: Ms M.C., 28, SLE (2019)\nManifestations: AIHA (2021).", "sle") == NOW


# 4. a history item whose bracket says it goes on
def test_a_history_item_said_to_go_on_in_its_bracket_is_no_history():
    assert reading("PMH: CLL (watch and wait since 2012), AIHA (2023), COPD, T2DM.", "cll") == NOW
    assert reading("PMH: ILD (ongoing, stable), HTN", "interstitial_lung_disease") == NOW
    assert reading("PMH: MDS (since 2019), gout", "mds") == NOW
    # the others are history; a treatment's "since" in the bracket is the treatment's
    assert reading("PMH: CLL (watch and wait since 2012), AIHA (2023), COPD.", "autoimmune_hemolytic_anemia") == PAST
    assert reading("PMH: DVT (on apixaban since 2019), gout.", "deep_vein_thrombosis") == PAST
    assert reading("PMH: breast cancer (treated 2010, since then well)", "breast_cancer") == PAST


# 5. a bare "hepatitis" a drug caused
def test_a_drug_caused_hepatitis_is_no_viral_hepatitis():
    for text, drug in (("AOSD 27F. toci caused hepatitis and was stopped (2023).", "tocilizumab"),
                       ("ITP. Eltrombopag 2014-2018 caused hepatitis, stopped.", "eltrombopag"),
                       ("RA 58F, mtx caused hepatitis in 2019 so stopped. ETN failed.", "methotrexate"),
                       ("RA, MTX 15 mg weekly caused mild hepatitis", "methotrexate"),
                       ("hepatitis from methotrexate in 2020", "methotrexate"),
                       ("SLE. azathioprine-induced hepatitis 2018", "azathioprine")):
        assert "viral_hepatitis" not in concepts(text), text
        assert one_at(text, drug, TODAY), text
    assert "viral_hepatitis" not in concepts("drug-induced hepatitis 2019")
    # the stop still says the drug was not tolerated
    assert one_at("toci caused hepatitis and was stopped", "tocilizumab", TODAY).status == "intolerant"
    # a hepatitis of its own, or a named virus, is still read
    assert "viral_hepatitis" in concepts("h/o hepatitis, on tenofovir")
    assert "viral_hepatitis" in concepts("rituximab 2019, hepatitis 2020")
    assert "hbv" in concepts("hepatitis B from a transfusion")


# 6. "on HD" and an organ's failure kept on dialysis
def test_on_hd_is_dialysis_and_keeps_the_kidney_failure_current():
    for text in ("PMH: h/o ESRD on HD since 2021, IgA nephropathy.",
                 "h/o ESRD on dialysis, new Dx ITP, plt 8",
                 "PMH: h/o ESRD on peritoneal dialysis since 2024 (reflux nephropathy), gout.",
                 "History of end-stage renal disease, on haemodialysis three times a week."):
        assert reading(text, "esrd") == NOW, text
    assert reading("PMH: CKD stage 5 on dialysis, gout", "kidney_disease") == NOW
    assert reading("PMH: CKD 5, on HD; AF", "kidney_disease") == NOW
    assert reading("LN class IV -> ESRD, on HD since 2024.", "dialysis") == NOW
    # a dialysis that is over keeps nothing; the other history items stay history
    assert reading("h/o ESRD on HD 2019-2020, then a kidney transplant (2020).", "esrd") == PAST
    assert reading("PMH: h/o ESRD on HD since 2021, IgA nephropathy.", "iga_nephropathy") == PAST
    # a high dose is no dialysis
    assert "dialysis" not in concepts("He was given HD MTX x4.")
    assert "dialysis" not in concepts("T-ALL, on HD methotrexate")


# 7. a diagnosis's two-digit year
def test_a_two_digit_year_of_diagnosis_dates_it():
    for text, concept, year in (("Crohn's disease (Dx in 09)", "crohns_disease", "2009"),
                                ("rheumatoid arthritis (Dx in 98)", "rheumatoid_arthritis", "1998"),
                                ("AOSD, Dx in 03, on canakinumab", "adult_onset_stills_disease", "2003"),
                                ("ITP 80F, Dx in 22, on romiplostim", "itp", "2022")):
        fact = one_at(text, concept, TODAY)
        assert fact.date == year and predicted_assertion(fact) == NOW, text
    # a count of time after a diagnosis word is no year
    assert one_at("SLE diagnosed 12 years ago", "sle", TODAY).date != "2012"
    assert one_at("ITP, Dx 22 months ago", "itp", TODAY).date is None or not one_at(
        "ITP, Dx 22 months ago", "itp", TODAY).date.startswith("2022")


# 8. terminology: systemic mastocytosis, JAK2, chemoimmunotherapy
def test_mastocytosis_jak2_and_chemoimmunotherapy_are_read():
    assert reading("Re: Mr F.G., 54, systemic mastocytosis (Dx 2022)", "systemic_mastocytosis") == NOW
    assert "systemic_mastocytosis" in concepts("aggressive systemic mastocytosis, KIT D816V 12%")
    assert "systemic_mastocytosis" in concepts("ISM? no - indolent systemic mastocytosis on cetirizine")
    for text, status in (("MF 70M, JAK2+, rux 2020-2024 lost response", "positive"),
                         ("PV, JAK2 V617F positive, on hydroxyurea", "positive"),
                         ("post-ET myelofibrosis, JAK2-negative, CALR type 1", "negative")):
        assert one_at(text, "jak2", TODAY).status == status, text
    # a JAK2 inhibitor is the class, never the mutation
    assert concepts("prior JAK2 inhibitor therapy") >= {"jak_inhibitor"}
    assert "jak2" not in concepts("failed a JAK1/2 inhibitor")
    fact = one_at("CLL 81M. Not fit for chemoimmunotherapy.", "chemotherapy", TODAY)
    assert predicted_assertion(fact)[0] == "absent"


# 9. the disease's cells in the spinal fluid
def test_no_leukaemia_cells_in_the_spinal_fluid_denies_cns_disease_only():
    for text, disease in (("T-ALL. LP at diagnosis: no leukaemia cells in the spinal fluid.", "t_all"),
                          ("T-ALL 17F CD7+, no leukemia cells in her spinal fluid at Dx.", "t_all"),
                          ("AML 12M, no leukaemia cells in the spinal fluid, FLT3-ITD+.", "aml")):
        facts = extract(text, today=TODAY)
        cns = [f for f in facts if f.concept == "cns_involvement"]
        assert cns and predicted_assertion(cns[0])[0] == "absent", text
        assert not any(f.concept == "leukemia" for f in facts), text
        assert reading(text, disease) == NOW, text
    # found there, it is CNS disease; the lay ways keep their reading
    assert reading("leukaemia cells were found in her spinal fluid", "cns_involvement") == NOW
    assert "cns_involvement" in concepts("he had some in the spine at the start")
    assert "cns_involvement" in concepts("it spread to his csf")


# 10. a stop's harm and "now off"
def test_a_treatment_stopped_for_ulcers_or_now_off_is_over():
    fact = one_at("Rx:\n- hydroxyurea 1 g od 2018-2023, stopped (leg ulcers)\n- aspirin 75 mg od", "hydroxyurea", TODAY)
    assert fact.status == "intolerant" and predicted_assertion(fact) == PAST
    assert one_at("PV. Hydroxyurea (leg ulcers), anagrelide since 2020", "hydroxyurea", TODAY).status == "intolerant"
    assert one_at("ET: hydroxycarbamide stopped 2021 (skin ulcers).", "hydroxyurea", TODAY).status == "intolerant"
    for text, concept in (("SLE. now off prednisolone.", "prednisone"),
                          ("dcSSc, renal crisis 2020, on HD for 6 months, now off dialysis.", "dialysis"),
                          ("lupus, now off steroids, on MMF", "glucocorticoid")):
        last = max(facts_of(text, concept), key=lambda f: f.start)
        assert predicted_assertion(last) == PAST, text
    assert reading("lupus, now off steroids, on MMF", "mycophenolate") == NOW
