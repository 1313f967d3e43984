"""Round 44 (lead): one test of an antibody panel; a case told with a question of its own.

"MDA5 negative" in a dermatomyositis referral was read as every myositis-specific antibody
negative (the terminology has one concept for the class, a ``panel``), so NCT07193667's
myositis cohort ("is positive for antibodies to myositis") failed for a patient who may well
carry anti-Jo-1 or anti-TIF1γ. A panel's single tests are its ``members``
(data/terminology/biomarkers.yaml): one of them negative leaves the panel open and asked; the
panel's own name negative ("myositis antibodies negative") or "no" to the question settles it;
any member positive is the panel positive, as before.

"adult onset stills disease since 2021, tocilizumab stopped working, 27f. is this car-t thing
safe?" got the trials at once and no answer: the closing question names the treatment, so it
was read as a request for trials. A short last sentence the FAQ answers is answered; the case
before it is taken in and the next question follows (bot/faq.py ``_closing_question``).
"""
from __future__ import annotations

from datetime import date

import pytest

from core.facts import Profile
from data.store import get_trial, open_store, sync_bundled
from data.terminology import load_terminology
from matching.engine import match
from nlp import extract

from bundled_engine import bundled_engine, talk

TODAY = date(2026, 12, 8)


def _bundled(db_path, trial_id):
    db = open_store(db_path)
    sync_bundled(db)
    return get_trial(db, trial_id)


def _leaf(db_path, text, marker):
    """The status and reason of NCT07193667's criterion asking for ``marker`` positive."""
    result = match(Profile(extract(text, today=TODAY)), [_bundled(db_path, "NCT07193667")], today=TODAY)[0]
    for criterion in result.criteria:
        for ev in criterion.evidence:
            leaf = getattr(ev, "leaf", None) or {}
            if leaf.get("marker") == marker:
                return ev.value, ev.reason, result
    raise AssertionError(f"no {marker} criterion judged")


ONE_NEGATIVE = "one test of the myositis-specific antibodies"


@pytest.mark.parametrize("text, marker, value, said", [
    # one myositis antibody negative leaves the class open (asked), never the trial ruled out
    ("45 year old woman with dermatomyositis since 2020, MDA5 negative, methotrexate and IVIG failed",
     "myositis_antibody", "unknown", ONE_NEGATIVE),
    ("52F, DM dx 2019. Anti-MDA5 antibody: negative. Failed MTX, MMF.", "myositis_antibody", "unknown", ONE_NEGATIVE),
    ("my mum has dermatomyositis, her mda-5 test came back negative, she is 61", "myositis_antibody", "unknown",
     ONE_NEGATIVE),
    # the whole panel negative still settles it
    ("45 year old woman with dermatomyositis since 2020, myositis antibodies negative", "myositis_antibody", "false",
     "negative"),
    ("52F, DM dx 2019, myositis panel negative, MTX failed", "myositis_antibody", "false", "negative"),
    # one member positive is the panel positive
    ("45 year old woman with dermatomyositis, anti-Jo-1 negative, anti-MDA5 positive", "myositis_antibody", "true", ""),
    ("DM, 50 F, MDA5 negative, TIF1-gamma positive", "myositis_antibody", "true", ""),
    # the same for the systemic-sclerosis antibodies
    ("38 year old woman with diffuse systemic sclerosis since 2021, anti-centromere negative", "ssc_antibody",
     "unknown", "the others are not said"),
    ("SSc, 44F, Scl-70 negative, MMF failed", "ssc_antibody", "unknown", "the others are not said"),
])
def test_a_panel_judged_by_its_members(db_path, text, marker, value, said):
    got, reason, result = _leaf(db_path, text, marker)
    assert got == value
    assert said in reason
    if value == "unknown":
        assert result.verdict != "ineligible"


def test_members_are_single_tests_not_the_panel_name():
    term = load_terminology()
    for name in ("MDA5", "anti-MDA5 antibodies", "Anti-Jo-1", "anti-synthetase antibodies", "TIF1γ"):
        assert term.panel_member("myositis_antibody", name), name
    for name in ("myositis antibodies", "myositis-specific antibodies", "no", "negative", ""):
        assert not term.panel_member("myositis_antibody", name), name
    assert term.panel_member("ssc_antibody", "anti-RNA polymerase III")
    assert not term.panel_member("ssc_antibody", "MDA5")


# -- a case told, then a question of its own ------------------------------------------------------


@pytest.mark.parametrize("message", [
    "adult onset stills disease since 2021, tocilizumab stopped working, 27f. is this car-t thing safe?",
    "crohns since 2012, infliximab and adalimumab failed, 36 m. is it dangerous?",
    "My daughter is 19 and has lupus since 2020, MMF failed. Does CAR-T hurt?",
])
def test_a_closing_question_is_answered_and_the_case_taken_in(tmp_path, message):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "c1", "patient", message)
    said = replies[-1]
    assert "side effects of CAR-T" in said            # the question is answered
    assert "I noted:" in said                            # the case is taken in
    assert "may qualify" not in said.split("I noted:")[0]


def test_a_closing_question_asking_for_trials_still_shows_them(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "c1", "patient", "crohns since 2012, infliximab and adalimumab failed, 36 m. any car-t trials for me?")
    assert "NCT05239702" in replies[-1]
