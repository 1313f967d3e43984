"""Round 31 (h147, issue #14): a letter's metastatic cancer in one word ("mBC", "mCRC",
"mNSCLC", "mPDAC", "mCRPC"), a past cancer's course written between dashes, "no sign of it
since", a past course that implies no diagnosis of now, and a transplant's donor who is no
second patient."""
from __future__ import annotations

from datetime import date

from assertion_helpers import facts_at, of, one_at
from bundled_engine import bundled_engine, talk
from core.facts import Profile
from core.truth import FALSE, TRUE
from data.terminology import load_terminology
from matching.evaluate import Evaluator
from matching.relevance import gate_value
from nlp.pipeline import extract, people_of

TODAY = date(2026, 12, 6)


def _conditions(text):
    return {(f.concept, f.text) for f in extract(text, today=TODAY) if f.label == "CONDITION" and not f.negated}


def _gate(text, leaf):
    return gate_value(Evaluator(Profile(extract(text, today=TODAY)), load_terminology(), today=TODAY), leaf)


def test_a_metastatic_cancer_in_one_word_is_the_cancer_and_its_extent():
    for text, cancer, word in (("61F mBC (ER+/HER2-), PD after letrozole + ribociclib.", "breast_cancer", "mBC"),
                               ("63M mCRC (left colon), RAS/BRAF wt, MSS. Treatment-naive.", "colorectal_cancer", "mCRC"),
                               ("mNSCLC (adeno), 64F, PD-L1 90 %, EGFR/ALK/ROS1 neg.", "nsclc", "mNSCLC"),
                               ("mPDAC, KRAS G12D, 62M, PD on FOLFIRINOX.", "pancreatic_cancer", "mPDAC"),
                               ("mCRPC, 69M, PD on enzalutamide after docetaxel.", "crpc", "mCRPC")):
        found = _conditions(text)
        assert (cancer, word) in found, (text, found)
        assert ("metastatic_disease", word) in found, (text, found)


def test_the_extent_is_said_as_its_cancer_is():
    # a relative's metastatic breast cancer is family history, its extent too
    fam = facts_at("my aunt had mBC. I'm 40 and healthy.", "metastatic_disease", TODAY)
    assert fam and all(f.family for f in fam)
    # the cancer's own abbreviation without the "m" says nothing of its extent
    assert not any(c == "metastatic_disease" for c, _ in _conditions("CRC stage II, resected 2024, on follow-up"))


def test_a_pancreatic_trial_is_open_to_mpdac_with_liver_mets():
    # was: only the liver metastases were read, and every pancreatic-cancer trial was ruled out
    leaf = {"type": "target_condition", "concepts": ["pancreatic_cancer"], "texts": ["Metastatic Pancreatic Cancer"],
            "patients": True}
    assert _gate("my dad (60) was diagnosed with mPDAC last week, liver mets. no treatment yet.", leaf) == TRUE


def test_a_past_cancers_course_between_dashes_is_past():
    for text in ("I'm 60 (f) \u2013 breast cancer 2012 \u2013 tamoxifen for five years \u2013 clear ever since.",
                 "65F. Breast ca 2011 \u2014 tamoxifen x5 y \u2014 NED. Now mCRC, liver mets.",
                 "I had breast cancer in 2016 - 5 years of tamoxifen - and I have been fine since"):
        assert of(text, "breast_cancer", TODAY).historical, text
        assert of(text, "tamoxifen", TODAY).historical, text
    # a course said to go on stays current
    assert not of("breast cancer 2019 - still on tamoxifen", "tamoxifen", TODAY).historical


def test_no_sign_of_it_since_makes_an_illness_past():
    assert of("melanoma removed 2015, no sign of it since. Now I have lupus.", "melanoma", TODAY).historical
    assert of("my mum (64) \u2013 breast cancer in 2013 \u2013 tamoxifen 2013-2018 \u2013 no sign of it since. "
              "now she has ITP", "breast_cancer", TODAY).historical
    # the facts after it are the patient's now
    itp = one_at("breast cancer in 2013, no sign of it since. now she has ITP", "itp", TODAY)
    assert not (itp.historical or itp.negated)


def test_a_past_course_of_a_past_cancer_keeps_no_breast_trial_open():
    breast = {"type": "target_condition", "concepts": ["breast_cancer"], "texts": ["Breast Cancer"], "patients": True}
    ra = {"type": "target_condition", "concepts": ["rheumatoid_arthritis"], "texts": ["Rheumatoid Arthritis"],
          "patients": True}
    text = ("I'm 60 (f) \u2013 breast cancer 2012 \u2013 tamoxifen for five years \u2013 clear ever since. My problem now "
            "is rheumatoid arthritis: seropositive, failed methotrexate, leflunomide and etanercept.")
    assert _gate(text, breast) == FALSE
    assert _gate(text, ra) == TRUE
    # tamoxifen taken now keeps the breast cancer in treatment: its trials stay open
    now = "Breast cancer 2019, still on tamoxifen. My problem now is rheumatoid arthritis, failed methotrexate."
    assert _gate(now, breast) != FALSE


def test_a_transplants_donor_is_no_second_patient():
    aml = ("My brother (41) had AML and then a stem cell transplant from our sister in 2024. It's back now, 25 % "
           "blasts in the marrow, CD7 positive on the flow test. They mentioned CAR-T.")
    assert people_of(aml) == []
    assert people_of("My son (19) had T-ALL and a bone marrow transplant from my daughter last year. Now it has "
                     "come back, CD7 positive, and they talk about CAR-T.") == []
    # two people each with their own illness are still two
    both = people_of("my son (24) has crohns, failed humira and stelara, and my daughter (30) has lupus, on mycophenolate")
    assert [p.relation for p in both] == ["son", "daughter"]


def test_the_chat_asks_no_whom_first_for_a_donor(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "donor", "My brother (41) had AML and then a stem cell transplant from our sister in 2024. "
                 "It's back now, 25 % blasts in the marrow, CD7 positive on the flow test. They mentioned CAR-T.")[0]
    assert "one person at a time" not in reply
    assert "sister" not in reply.lower()


def test_a_castration_resistant_cancer_is_a_setting_of_its_own():
    from data.terminology import load_terminology as terms
    from matching.status_trials import patient_settings

    def settings(text):
        return patient_settings(Profile(extract(text, today=TODAY)), terms())

    assert settings("mCRPC, 69M, bone + nodal mets. PD on enzalutamide after docetaxel.") >= {"castration_resistant",
                                                                                              "metastatic", "treated"}
    assert "castration_resistant" not in settings("metastatic prostate cancer, just started ADT, hormone sensitive")


def test_a_castration_sensitive_trial_ranks_after_for_mcrpc(tmp_path):
    from benchmarks.relevance import CTGOV_DIR
    from data.store import open_store
    from matching.status_trials import setting_mismatched
    from registry.run import apply, plan, read_files, stored_trials

    db = open_store(str(tmp_path / "t.db"))
    files = [CTGOV_DIR / f"{n}.json" for n in ("NCT06120491", "NCT05348876", "NCT05865002")]
    apply(db, plan(read_files(files), stored_trials(db)))
    found = setting_mismatched(db, Profile(extract("mCRPC, 69M, bone + nodal mets. PD on enzalutamide after docetaxel.")))
    assert "NCT06120491" in found        # "... Metastatic Castration-Sensitive Prostate Cancer ..."
    # a solid-tumour basket names no castration-sensitive setting: it keeps its place
    assert "NCT05865002" not in found
    # a man whose cancer is not said to be castration-resistant keeps the castration-sensitive trial
    assert "NCT06120491" not in setting_mismatched(db, Profile(extract("metastatic prostate cancer in the bones, on ADT")))
