"""`python bot.py triage`: a referral in, every trial judged out, as text or JSON."""
import copy
import json

import pytest

from bot.cli import main
from data.store import open_store, upsert_trials
from data.trials import load_trials

REFERRAL = (
    "Referral: 52-year-old woman with dermatomyositis diagnosed in 2019, anti-MDA5 positive. "
    "Inadequate response to prednisone and methotrexate. She is currently taking prednisone 15 mg daily. "
    "Known epilepsy. HIV negative."
)
TODAY = "2026-01-15"


def _triage(capsys, tmp_path, *args):
    code = main(["triage", "--db", str(tmp_path / "t.db"), "--today", TODAY, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def test_human_report_names_verdicts_failing_criteria_with_evidence_questions_sites_and_disclaimer(capsys, tmp_path):
    code, out, err = _triage(capsys, tmp_path, _file(tmp_path, "referral.txt", REFERRAL))
    assert code == 0, err
    assert "does not appear to qualify" in out
    # trials for other conditions are ruled out with both sides named (issue #14)
    flat = " ".join(out.split())
    assert "[elig-condition, inclusion] \"A trial for:" in flat and "you told me: dermatomyositis" in flat
    # the epilepsy exclusion of the CD7 trial, with the text it rests on
    assert "[exc-1.1, exclusion]" in out
    assert 'evidence: "epilepsy"' in out
    assert "Still open (please tell us):" in out and "? " in out
    assert "Sites: The first affiliated hospital of medical college of zhejiang university" in out
    assert "Contacts: unknown" in out
    assert "NCT number: unknown" in out
    assert "trial team determines eligibility" in out
    assert err == ""


def test_json_is_one_object_with_profile_and_ranked_trials(capsys, tmp_path):
    code, out, _ = _triage(capsys, tmp_path, "--json", _file(tmp_path, "referral.txt", REFERRAL))
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == {"source", "profile", "trials", "not_recruiting", "notices"}
    assert data["not_recruiting"] == 1            # NCT05030779 (status UNKNOWN): --all lists it
    assert any(f["concept"] == "dermatomyositis" for f in data["profile"]["facts"])
    order = {"likely": 0, "possible": 1, "ineligible": 2}
    ranks = [order[t["verdict"]] for t in data["trials"]]
    assert ranks == sorted(ranks)
    by_id = {t["id"]: t for t in data["trials"]}
    assert by_id["local-cd7-cart-heme"]["nct_id"] is None
    cd7 = by_id["NCT05239702"]
    assert cd7["verdict"] == "ineligible"
    failing = [c for c in cd7["criteria"] if c["status"] == "fail"]
    # the Crohn's, Still's and RA cohorts fail too: groups for other diseases than the
    # dermatomyositis told (round 43), each diagnosis saying so
    others = [c for c in failing if c["id"].startswith("inc-1.")]
    assert {c["id"] for c in failing if c not in others} == {"exc-1", "exc-1.1"}
    assert {c["id"] for c in others} == {"inc-1.1", "inc-1.1.1", "inc-1.3", "inc-1.3.1", "inc-1.4", "inc-1.4.1"}
    assert all("another of its groups" in c["evidence"][0]["reason"] for c in others if c["id"].count(".") == 2)
    assert all(c["kind"] in ("inclusion", "exclusion") for c in cd7["criteria"])
    epilepsy = next(c for c in failing if c["id"] == "exc-1.1")
    assert epilepsy["evidence"][0]["quotes"][0]["text"] == "epilepsy"
    washout = next(c for c in cd7["criteria"] if c["id"] == "exc-1.6")
    assert washout["status"] == "review"
    assert washout["evidence"][0]["quotes"][0]["text"] == "prednisone"
    assert set(cd7) == {"id", "nct_id", "title", "verdict", "score", "criteria", "questions", "sites", "contacts"}


def test_several_files_give_json_lines_in_order_with_their_source(capsys, tmp_path):
    first = _file(tmp_path, "a.txt", REFERRAL)
    second = _file(tmp_path, "b.txt", "29F with lupus, HIV positive")
    code, out, _ = _triage(capsys, tmp_path, "--json", first, second)
    assert code == 0
    objects = [json.loads(line) for line in out.strip().splitlines()]
    assert [o["source"] for o in objects] == [first, second]


def test_standard_input_is_read_when_no_file_is_given(capsys, tmp_path, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(REFERRAL.encode("utf-8"))))
    code, out, _ = _triage(capsys, tmp_path, "--json")
    assert code == 0
    assert json.loads(out)["source"] == "<stdin>"


def test_imported_trials_are_triaged_too(capsys, tmp_path):
    record = copy.deepcopy(next(t for t in load_trials() if t["id"] == "NCT05030779"))
    record.update(id="NCT09999998", nct_id="NCT09999998", title="An imported lupus trial", status="RECRUITING")
    db = open_store(str(tmp_path / "t.db"))
    upsert_trials(db, [record], origin="import")
    db.close()
    code, out, _ = _triage(capsys, tmp_path, "--json", _file(tmp_path, "r.txt", REFERRAL))
    assert code == 0
    assert "NCT09999998" in {t["id"] for t in json.loads(out)["trials"]}


def test_trials_not_recruiting_are_left_out_and_counted_unless_all(capsys, tmp_path):
    letter = _file(tmp_path, "r.txt", "34F, SLE since 2015, failed MMF and belimumab, HIV negative")
    code, out, _ = _triage(capsys, tmp_path, "--today", "2026-12-02", letter)
    assert code == 0 and "NCT05030779" not in out
    assert "1 trial(s) not recruiting left out (completed, terminated, withdrawn, suspended or status unknown); " \
           "--all lists them too." in " ".join(out.split())
    # NCT07193667's registry record was last updated 2025-09-26: the report warns
    assert "Registry record last updated 2025-09-26 (over 12 months): confirm the status with the site." \
        in " ".join(out.split())
    code, out, _ = _triage(capsys, tmp_path, "--all", "--today", "2026-12-02", letter)
    assert "NCT05030779" in out and "Status: UNKNOWN: not recruiting" in out
    code, out, _ = _triage(capsys, tmp_path, "--json", "--all", "--today", "2026-12-02", letter)
    data = json.loads(out)
    assert "NCT05030779" in {t["id"] for t in data["trials"]} and data["not_recruiting"] == 1
    assert data["notices"]["NCT07193667"] == [{"key": "fresh_registry_old", "date": "2025-09-26", "months": 12}]


@pytest.mark.parametrize("content, message", [
    ("", "is empty"),
    ("   \n\t ", "is empty"),
    (b"\x00\x01\x02binary\xff", "not UTF-8 text"),
    ("x" * 100_001, "too long"),
])
def test_bad_input_gets_one_clear_line_and_a_non_zero_exit(capsys, tmp_path, content, message):
    code, out, err = _triage(capsys, tmp_path, _file(tmp_path, "bad.txt", content))
    assert code != 0
    assert out == ""
    assert message in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_a_missing_file_is_a_clear_error(capsys, tmp_path):
    code, _, err = _triage(capsys, tmp_path, str(tmp_path / "nope.txt"))
    assert code != 0 and "cannot read" in err and "Traceback" not in err


def test_one_bad_file_among_several_still_triages_the_others(capsys, tmp_path):
    good = _file(tmp_path, "good.txt", REFERRAL)
    bad = _file(tmp_path, "empty.txt", "")
    code, out, err = _triage(capsys, tmp_path, "--json", good, bad)
    assert code != 0
    assert len(out.strip().splitlines()) == 1
    assert "empty.txt is empty" in err


def test_an_unusable_database_is_a_clear_error(capsys, tmp_path):
    folder = tmp_path / "a-directory.db"
    folder.mkdir()
    code = main(["triage", "--db", str(folder), _file(tmp_path, "r.txt", REFERRAL)])
    _, err = capsys.readouterr()
    assert code != 0 and err.startswith("trialbot: error:") and "Traceback" not in err


def test_bad_today_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["triage", "--today", "yesterday", _file(tmp_path, "r.txt", REFERRAL)])
    assert exit_info.value.code == 2


def test_a_letter_repeating_itself_is_judged_on_one_mention_of_each_thing(capsys, tmp_path):
    # a long letter (or a paste gone wrong) naming the same things thousands of times was
    # judged on every mention: minutes for 80 KB, a 1 MB report in Chinese
    code, out, _ = _triage(capsys, tmp_path, "--json", _file(tmp_path, "long.txt", (REFERRAL + "\n") * 300))
    assert code == 0
    facts = json.loads(out)["profile"]["facts"]
    assert sum(f["concept"] == "dermatomyositis" for f in facts) == 1
    _, once, _ = _triage(capsys, tmp_path, "--json", _file(tmp_path, "once.txt", REFERRAL))
    verdicts = lambda text: {t["id"]: t["verdict"] for t in json.loads(text)["trials"]}   # noqa: E731
    assert verdicts(out) == verdicts(once)


def test_a_mention_saying_something_new_is_kept():
    from core.facts import Fact, Profile

    tried = Fact("DRUG", "methotrexate", "methotrexate", 0, 12, historical=True)
    failed = Fact("DRUG", "methotrexate", "MTX", 40, 43, historical=True, status="failed")
    again = Fact("DRUG", "methotrexate", "MTX", 80, 83, historical=True, status="failed")
    assert Profile.of_text([tried, failed, again]).facts == [tried, failed]


def test_the_understood_line_says_a_thing_once_with_the_most_said(capsys, tmp_path):
    """"ETP-ALL relapsed. ETP-ALL diagnosed 04/2024.": one "ETP-ALL (2024-04)", not the
    bare name beside it."""
    code, out, _ = _triage(capsys, tmp_path, _file(tmp_path, "r.txt", "34M. ETP-ALL relapsed. ETP-ALL diagnosed 04/2024."))
    understood = out.split("\n\n")[0]
    assert code == 0 and understood.count("ALL") == 1 and "(2024-04)" in understood


def test_the_understood_line_names_the_place_and_the_stated_age_only(capsys, tmp_path):
    """"34 y/o, DOB 1992, lives in Houston": "location (Houston)" (not a bare "location"),
    and the stated age alone (the year of birth's guess is not matched on either)."""
    letter = "Mr J.K., 34 y/o male, DOB 1992. Adult-onset Still's disease. Lives in Houston, TX."
    code, out, _ = _triage(capsys, tmp_path, _file(tmp_path, "r.txt", letter))
    understood = " ".join(out.split("\n\n")[0].split())
    assert code == 0 and "location (Houston)" in understood
    assert "age (34 years)" in understood and "uncertain" not in understood


def test_the_understood_line_marks_a_past_infection_as_past(capsys, tmp_path):
    """"tocilizumab stopped due to recurrent infections": the infections were then, not now;
    the line a clinician reads says so."""
    letter = "47F, diffuse cutaneous SSc. Tocilizumab 2024 stopped due to recurrent infections."
    code, out, _ = _triage(capsys, tmp_path, _file(tmp_path, "r.txt", letter))
    understood = " ".join(out.split("\n\n")[0].split())
    assert code == 0 and "infection (past, positive)" in understood
