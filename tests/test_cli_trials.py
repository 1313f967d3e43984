"""`python bot.py trials` and `python bot.py trial ID`, run through the real dispatcher
(and once as a real process) against temporary databases."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import data.trials
from bot.cli import main
from data.store import get_trial, open_store
from matching.describe import describe_leaf
from core.rules import iter_leaves

REPO = Path(__file__).resolve().parents[1]


def test_trials_lists_the_four_studies(capsys):
    assert main(["trials"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["ID", "NCT", "STATUS", "INC", "EXC"]
    local = next(line for line in lines if line.startswith("local-cd7-cart-heme"))
    assert local.split()[1:3] == ["unknown", "unknown"]       # NCT number and status
    assert "CD7 CAR-T cells in CD7-positive relapsed/refractory haematological tumours" in local
    nct = next(line for line in lines if line.startswith("NCT07193667"))
    assert nct.split()[1:5] == ["NCT07193667", "RECRUITING", "36", "12"]
    assert "immune thrombocytopenia" in nct
    assert out.count("NCT05239702") == 2                     # id and NCT columns of one row


def test_trials_json(capsys):
    assert main(["trials", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["NCT05030779", "NCT05239702", "NCT07193667", "local-cd7-cart-heme"]
    local = rows[-1]
    assert local["nct_id"] is None and local["status"] is None
    assert (local["inclusion"], local["exclusion"]) == (9, 1)


def test_trial_shows_every_criterion_with_rule_notes_sites_and_contacts(capsys):
    assert main(["trial", "nct05030779"]) == 0
    out = capsys.readouterr().out
    record = get_trial(open_store(os.environ["TRIALBOT_DB"]), "NCT05030779")
    flat = " ".join(out.split())
    for criterion in data.trials.iter_criteria(record["criteria"]):
        assert f"{criterion[0]['id']} ({criterion[0]['kind']}" in out
        assert " ".join(criterion[0]["text"].split()) in flat
    counts = next(c for c in record["criteria"] if c["id"] == "inc-5")   # the mis-listed platelet line
    for leaf in iter_leaves(counts["rule"]):
        assert f"- {describe_leaf(leaf)}" in out
    assert "Listed among the exclusions on the page" in flat
    assert "The First Affiliated Hospital,College of Medicine, Zhejiang University; Hangzhou, Zhejiang, China; " \
           "recruitment status unknown" in flat
    assert "phase: unknown" in out
    assert "Contacts:\n  none listed" in out


def test_trial_shows_unknown_for_what_no_source_gives(capsys):
    assert main(["trial", "LOCAL-CD7-CART-HEME"]) == 0
    out = capsys.readouterr().out
    assert "NCT number: unknown" in out
    assert "- Yun Kang (central): phone unknown, email unknown" in out
    assert "- Mei Heng, M.D., Ph.D (central): phone unknown, email unknown" in out
    assert "Sites (0):\n  none listed" in out
    assert "The source page shows no title" in out


def test_trial_json_is_the_stored_record(capsys):
    assert main(["trial", "NCT07193667", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == get_trial(open_store(os.environ["TRIALBOT_DB"]), "NCT07193667")
    assert shown["other_ids"] == [{"id": "2024-757-2", "type": "org_study_id"}]


def test_unknown_trial_id_is_a_clear_one_line_error(capsys):
    assert main(["trial", "NCT00000000"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("trialbot: error: no trial 'NCT00000000'; known ids: NCT05030779, NCT05239702, "
                            "NCT07193667, local-cd7-cart-heme\n")


def test_the_db_option_chooses_the_database(capsys, db_path):
    assert main(["trials", "--db", db_path]) == 0
    assert Path(db_path).exists()
    assert not Path(os.environ["TRIALBOT_DB"]).exists()


def test_an_invalid_bundled_file_is_a_one_line_error(capsys, tmp_path, monkeypatch):
    broken = tmp_path / "trials"
    shutil.copytree(data.trials.TRIALS_DIR, broken)
    path = broken / "NCT05239702.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("phase: null", "phase: null\nphasee: NA"), encoding="utf-8")
    monkeypatch.setattr(data.trials, "TRIALS_DIR", broken)
    assert main(["trials"]) == 1
    err = capsys.readouterr().err
    assert err == "trialbot: error: NCT05239702.yaml: phasee: unknown field; allowed: " + \
        ", ".join(data.trials.RECORD_FIELDS) + "\n"


def test_an_unusable_database_is_a_one_line_error(capsys, tmp_path):
    assert main(["trials", "--db", str(tmp_path)]) == 1     # a directory, not a database file
    err = capsys.readouterr().err
    assert err.startswith("trialbot: error: database ") and err.count("\n") == 1


@pytest.mark.parametrize("command", ["trials", "trial"])
def test_help_ends_with_an_example(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "Example:\n  python bot.py trial" in out


def test_python_bot_py_trials_runs_as_a_process(tmp_path):
    env = dict(os.environ, TRIALBOT_DB=str(tmp_path / "process.db"))
    done = subprocess.run([sys.executable, "bot.py", "trials"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "local-cd7-cart-heme  unknown" in done.stdout
    done = subprocess.run([sys.executable, "bot.py", "trial", "nope"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("trialbot: error: no trial 'nope'") and "Traceback" not in done.stderr


def test_a_basket_trials_many_conditions_are_named_first_and_counted(capsys, tmp_path):
    """A registry record listing many conditions (basket trials list 20 and more) names the
    first four in the table and how many more, so the titles stay on screen; --json keeps all."""
    study = json.loads((REPO / "tests/data/ctgov/single_study.json").read_text())
    record = study["studies"][0] if "studies" in study else study
    record["protocolSection"]["conditionsModule"]["conditions"] = [
        "Non-small Cell Lung Cancer", "Colorectal Cancer", "Thyroid Cancer", "Pancreatic Cancer",
        "Breast Cancer", "Ovarian Cancer", "Melanoma"]
    path = tmp_path / "basket.json"
    path.write_text(json.dumps(record))
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    assert main(["trials"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines()
               if record["protocolSection"]["identificationModule"]["nctId"] in line)
    assert main(["trials", "--json"]) == 0
    listed = next(r for r in json.loads(capsys.readouterr().out) if r["id"] in row)
    assert len(listed["conditions"]) >= 7
    assert f"(+{len(listed['conditions']) - 4} more)" in row and "melanoma" not in row.lower()
