"""Whole conversations as people have them, on the 241 real registry records of
../shared/ctgov (skipped without them) and the bundled trials, through the real pipeline:
what was understood, and which trial comes first. Each journey is one the lead had with the
bot; each line asserted was once wrong or is what the user most needs."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from data.store import open_store, sync_bundled, upsert_trials
from matching import pruned
from registry.ctgov import import_file

TODAY = date(2026, 12, 3)
CTGOV = Path(__file__).resolve().parents[2] / "shared" / "ctgov"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    files = sorted(CTGOV.glob("NCT*.json"))
    if len(files) < 200:
        pytest.skip("needs the real registry records of ../shared/ctgov")
    path = tmp_path_factory.mktemp("journeys") / "real.db"
    db = open_store(path)
    sync_bundled(db)
    upsert_trials(db, [r for f in files for r in import_file(f)], "import")
    db.close()
    return path


@pytest.fixture
def engine(db_path):
    pruned.forget()
    return Engine(SessionStore(open_store(db_path)), gazetteer=None, today=TODAY)


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def talk(engine, cid: str, *messages: str) -> str:
    engine.start(cid)
    text = ""
    for message in messages:
        text += "\n" + said(engine.message(cid, message))
    return text


def offered(text: str) -> list[str]:
    """The trials listed as ones the patient may qualify for, in order, from the last
    results shown: their ids, or their titles when they have no NCT number."""
    if "may qualify for" not in text:
        return []
    block = text.rsplit("may qualify for", 1)[-1].split("Trials that probably don't fit")[0]
    found = []
    for title in re.findall(r"^\d+\. (.*)$", block, re.MULTILINE):
        nct = re.search(r"\((NCT\d{8})\)\s*$", title)
        found.append(nct.group(1) if nct else title)
    return found


def test_a_husband_writing_for_his_wife_with_refractory_uc(engine):
    text = talk(engine, "cli:j-uc", "for my wife",
                "my wife has ulcerative colitis for 8 years, tried mesalamine, humira and entyvio, none of them "
                "worked. she is 52", "show results")
    assert "ulcerative colitis for 8 years" in text and "adalimumab (did not help)" in text and "age 52" in text
    first = offered(text)
    assert first and first[0] == "NCT05239702", first          # the CD7 CAR-T trial for IBD and more
    assert "NCT07193667" not in first                         # its autoimmune cohorts do not include UC


def test_a_lupus_patient_is_offered_the_lupus_car_t_trial_first(engine):
    text = talk(engine, "cli:j-sle", "patient",
                "I am 28, lupus since 2016. Tried hydroxychloroquine, cellcept and cyclophosphamide, still "
                "flaring. Currently on benlysta.", "show results")
    first = offered(text)
    assert first and first[0] == "NCT07193667", first
    assert not {"NCT00739713", "NCT06305754"} & set(first)     # dry-eye trials (one came first once)
    assert "mycophenolate mofetil (did not help)" in text


def test_a_mother_of_a_fifteen_year_old_with_itp_is_told_of_the_age_limit_not_offered_adults_trials(engine):
    text = talk(engine, "cli:j-itp", "patient or family",
                "my daughter (15) has ITP since she was 9. shes had steroids, IVIG, rituximab and eltrombopag. "
                "they took her spleen out last year", "show results")
    assert "age 15" in text and "immune thrombocytopenia for 6 years" in text
    assert offered(text) == []
    assert "NCT07193667" in text and "ages 18 to 65" in text   # the trial for her disease, and why not


def test_a_haematologists_cd7_positive_t_all_letter_puts_the_cd7_car_t_trial_first(engine):
    letter = ("Re: 34-year-old man with relapsed T-cell acute lymphoblastic leukaemia.\n"
              "Received nelarabine salvage, then allogeneic SCT in 01/2025.\n"
              "Relapsed in 09/2026 with 45% blasts in marrow; blasts are CD7 positive (98%).\n"
              "ECOG 1. HIV, HBV and HCV serology negative.\n"
              "We would be grateful for consideration of a CD7-directed CAR-T study.")
    text = talk(engine, "cli:j-tall", "im a haematologist", letter, "show results")
    assert "asked about or planned: CAR-T cell therapy" in text and "no HIV" in text
    first = re.findall(r"^\d+\. (.*)$", text.rsplit("Candidate trials", 1)[-1], re.MULTILINE)
    assert first and first[0].startswith("CD7 CAR-T cells"), first[:3]


def test_a_chinese_patient_answers_the_role_question_in_chinese(engine):
    engine.start("cli:j-zh")
    reply = engine.message("cli:j-zh", "患者本人")
    assert reply.role == "patient" and "请点选一个按钮" not in said(reply)


def test_a_mother_is_asked_her_daughters_age_before_the_results(engine):
    """"my daughter has lupus": the one lupus CAR-T trial takes ages 18 to 65; without the
    age the results came at once and offered it. The age is asked first; at 16 the trial
    is listed among those taking other ages, not offered."""
    first = talk(engine, "age-first", "my daughter has lupus")
    assert "How old is she?" in first and "may qualify for" not in first
    after = said(engine.message("age-first", "she is 16"))
    assert "NCT07193667" not in offered(after) and "ages 18 to 65" in after
