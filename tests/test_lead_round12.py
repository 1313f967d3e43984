"""The lead's fixes of the twelfth session, found by using the bot on the real registry
records: a cured cancer beside a current disease no longer opens every trial for that
cancer; a value said with when it was taken between the analyte and the number ("ferritin
last time 4500") is read; trialbot's own treatment (CAR-T) ranks first among trials that
fit the patient's disease equally well when the person asks for no other."""
from datetime import date

import pytest

from core.facts import Profile
from data.catalogue import load_catalogue
from data.errors import DataError
from matching.engine import match
from nlp.pipeline import extract

TODAY = date(2026, 6, 1)


def _trial(trial_id, conditions, texts=()):
    return {"id": trial_id, "nct_id": None, "title": trial_id, "criteria": [], "conditions": list(conditions),
            "conditions_text": list(texts), "condition_terms": []}


UC = _trial("T-UC", ["ulcerative_colitis"], ["Ulcerative Colitis"])
PROSTATE = _trial("T-PROSTATE", ["prostate_cancer"], ["Prostate Cancer"])
BREAST = _trial("T-BREAST", ["breast_cancer"], ["Breast Cancer"])
OVARY = _trial("T-OVARY", ["ovarian_cancer"], ["Ovarian Cancer"])


def _results(text, trials):
    return {r.id: r for r in match(Profile(extract(text, today=TODAY)), trials, today=TODAY)}


@pytest.mark.parametrize("text", [
    "asking for my dad, he's 67 and has ulcerative colitis for about 20 yrs. he also had prostate cancer in 2015, "
    "treated with radiation, all clear since.",
    "67M with ulcerative colitis since 2005, failed infliximab.\nPMH: prostate cancer treated with radiotherapy in 2015.",
    # the heading inside the line, as a short referral message writes it
    "67M with ulcerative colitis since 2005, failed infliximab. PMH: prostate cancer treated with radiotherapy in 2015.",
])
def test_a_cured_cancer_beside_a_current_disease_opens_no_trial_for_that_cancer(text):
    results = _results(text, [UC, PROSTATE])
    assert results["T-UC"].verdict != "ineligible"
    gate = next(c for c in results["T-PROSTATE"].criteria if c.id == "elig-condition")
    assert results["T-PROSTATE"].verdict == "ineligible" and gate.status == "fail"
    # the reason names the trial's condition, the current diagnosis and the past cancer
    reason = gate.evidence[0].reason
    assert reason.startswith("for prostate cancer;") and "ulcerative colitis now" in reason
    assert "prostate cancer in the past" in reason and "now, say so" in reason
    assert {f.concept for f in gate.evidence[0].facts} == {"ulcerative_colitis", "prostate_cancer"}


def test_a_past_cancer_alone_or_in_treatment_still_counts():
    # no current main diagnosis beside it: the cancer's trials stay open
    alone = _results("I had breast cancer in 2012, treated with surgery and radiation.", [BREAST])
    assert alone["T-BREAST"].verdict != "ineligible"
    # still taking a medicine that is only for that cancer: it is being treated
    treated = _results("I have rheumatoid arthritis. I had breast cancer in 2021 and I am on tamoxifen since.", [BREAST])
    assert treated["T-BREAST"].verdict != "ineligible"
    # a new cancer beside an old one: the new one's trials are open, the old one's are not
    both = _results("I had breast cancer in 2012 and have been all clear since. Now I have been diagnosed with "
                    "ovarian cancer, stage IIIC.", [BREAST, OVARY])
    assert both["T-OVARY"].verdict != "ineligible"
    assert both["T-BREAST"].verdict == "ineligible"


@pytest.mark.parametrize("text, concept, value", [
    ("ferritin last time 4500", "ferritin", 4500),
    ("his platelets last week 45", "platelets", 45),
    ("creatinine at the last check 1.1", "creatinine", 1.1),
    ("ferritin last time was 4500 ng/ml", "ferritin", 4500),
])
def test_when_a_value_was_taken_may_stand_between_the_analyte_and_the_value(text, concept, value):
    labs = [f for f in extract(text, today=TODAY) if f.label == "LAB" and f.concept == concept]
    assert labs and labs[0].value == value


def test_a_count_of_something_else_after_a_time_word_is_no_lab():
    assert not [f for f in extract("I had 3 flares last week 2 of them bad", today=TODAY) if f.label == "LAB"]


def test_the_products_own_treatment_is_data():
    assert load_catalogue().focus_treatments == ("car_t",)


def test_a_bad_focus_treatments_entry_names_the_field(tmp_path):
    bad = tmp_path / "catalogue.yaml"
    bad.write_text("chat_offered: {RECRUITING: null}\nregistry_stale_days: 365\nregistry_owned: [status]\n"
                   "focus_treatments: car_t\n")
    with pytest.raises(DataError, match="focus_treatments"):
        load_catalogue(bad)


def test_a_patient_who_named_her_disease_is_asked_only_about_diseases_close_to_it():
    # the CD7 CAR-T trial for Crohn's, UC, dermatomyositis, Still's and RA is open to an
    # anti-synthetase syndrome (an inflammatory myopathy like dermatomyositis): she is asked
    # "dermatomyositis?", not to pick from a list with Crohn's disease and RA
    from matching.questions import next_question

    diseases = ["crohns_disease", "ulcerative_colitis", "dermatomyositis", "adult_onset_stills_disease",
                "rheumatoid_arthritis"]
    basket = dict(_trial("T-CD7", diseases), criteria=[{
        "id": "inc-1", "kind": "inclusion", "text": "Diagnosed with one of these diseases, refractory",
        "rule": {"any": [{"type": "diagnosis", "concept": c} for c in diseases]}}])
    results = match(Profile(extract("I'm 48 (f), I have antisynthetase syndrome, Jo-1 positive", today=TODAY)),
                    [basket], today=TODAY)
    assert results[0].verdict == "possible"
    question = next_question(results)
    assert question.key == "diagnosis:dermatomyositis"
    # with no diagnosis named, the trial's diseases are still one question
    unknown = match(Profile(extract("I'm 48, female", today=TODAY)), [basket], today=TODAY)
    assert next_question(unknown).key == "diagnosis"


@pytest.mark.parametrize("text, marker", [
    ("CD7 was not expressed on the blasts", "cd7"),
    ("CD19 not expressed", "cd19"),
    ("flow: CD5+, CD7 is not present on the blasts", "cd7"),
])
def test_a_marker_said_not_to_be_expressed_is_negative(text, marker):
    # "expressed" alone makes a marker positive; "not expressed" made CD7 positive too
    found = [f for f in extract(text, today=TODAY) if f.label == "BIOMARKER" and f.concept == marker]
    assert found and found[0].negated and found[0].status == "negative"


def test_a_marker_expressed_beside_one_not_expressed_keeps_its_own_status():
    found = {f.concept: f for f in extract("CD7 expressed, CD19 not expressed", today=TODAY) if f.label == "BIOMARKER"}
    assert found["cd7"].status == "positive" and not found["cd7"].negated
    assert found["cd19"].status == "negative"


# --- an unchanged list is not sent again --------------------------------------------------

def _engine_said(reply):
    from bot.render import PLAIN, Renderer

    return "\n".join(Renderer(PLAIN).render(reply))


def test_a_message_that_changes_no_verdict_after_the_results_says_so_instead_of_the_whole_list(fresh_db):
    from bot.session_store import SessionStore
    from chat_fakes import fake_engine

    engine, cid = fake_engine(SessionStore(fresh_db)), "cli:unchanged"
    engine.start(cid, role="patient")
    engine.message(cid, "lupus")
    first = _engine_said(engine.message(cid, "show me"))
    assert "may qualify" in first
    again = engine.message(cid, "no HIV")
    text = _engine_said(again)
    if "updated list" in text:          # the answer changed a verdict: the new list, once
        again = engine.message(cid, "no HIV")
        text = _engine_said(again)
    assert "doesn't change which trials" in text and "may qualify" not in text
    assert "/results" in text
    # /results shows the whole list again, whatever changed
    assert "may qualify" in _engine_said(engine.message(cid, "/results"))
    # the digest is all the log keeps of the list: no message text
    shown = [e for e in SessionStore(fresh_db).events(cid) if e.type == "shown"]
    assert shown and all(len(e.payload["signature"]) == 16 for e in shown)


@pytest.mark.parametrize("text, past, other", [
    ("I had covid last year, hep B negative", "covid", "hbv"),
    ("I had shingles last year, HIV negative", "herpes_zoster", "hiv"),
])
def test_a_result_after_a_comma_is_not_the_result_of_an_infection_whose_clause_ended_before_it(text, past, other):
    # "I had covid last year, hep B negative": the covid is over, not negative; hep B is
    found = {f.concept: f for f in extract(text, today=TODAY) if f.label == "INFECTION"}
    assert not found[past].negated and found[past].historical and found[past].status == "positive"
    assert found[other].negated and found[other].status == "negative"


@pytest.mark.parametrize("text", ["HIV, HBsAg and HCV negative", "HIV (4th gen), HBsAg negative",
                                  "HIV, hep B and C negative"])
def test_a_list_of_serologies_still_shares_its_result(text):
    assert all(f.negated for f in extract(text, today=TODAY) if f.label == "INFECTION")


def test_a_past_infection_is_shown_as_past_not_as_positive():
    from bot.render import PLAIN, Renderer

    fact = next(f for f in extract("I had covid last year", today=TODAY) if f.label == "INFECTION")
    assert str(Renderer(PLAIN).fact(fact, "patient")) == "had COVID-19 in the past"


def test_a_comorbidity_s_trials_rank_after_an_umbrella_trial_for_the_main_disease():
    # a T-ALL letter with asthma in the past history: the asthma trials came before the
    # "Advanced Cancers" basket; the main disease's own and umbrella trials now come first
    tall = _trial("T-TALL", ["t_all"], ["T-cell Acute Lymphoblastic Leukemia"])
    basket = _trial("T-ADV", ["malignancy"], ["Advanced Cancers"])
    asthma = _trial("T-ASTHMA", ["asthma"], ["Asthma"])
    text = "Diagnosis: relapsed T-ALL (2023).\nPast medical history: asthma, appendicectomy 2010."
    order = [r.id for r in match(Profile(extract(text, today=TODAY)), [asthma, basket, tall], today=TODAY)]
    assert order.index("T-TALL") < order.index("T-ADV") < order.index("T-ASTHMA")
    assert next(r for r in match(Profile(extract(text, today=TODAY)), [asthma], today=TODAY)).verdict != "ineligible"


def test_a_history_heading_inside_a_line_dates_what_follows_to_the_end_of_its_sentence():
    facts = {f.concept: f for f in extract("58F, SLE since 2010; pmh: breast cancer 2012, hypothyroidism. "
                                           "Current: lupus nephritis class IV, on MMF.", today=TODAY)}
    assert facts["breast_cancer"].historical and facts["hypothyroidism"].historical
    assert not facts["sle"].historical and not facts["lupus_nephritis"].historical
    # without the heading the diagnosis stays current
    assert not extract("lupus nephritis, no history of cancer", today=TODAY)[0].historical
