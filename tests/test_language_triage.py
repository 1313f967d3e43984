"""`triage` for a Chinese referral: the text report in Chinese when the letter is Chinese
(or with --lang zh), in English otherwise (or with --lang en); trial titles and criteria as
the registry gives them; --json keys stay English."""
from __future__ import annotations

import json

from bot.cli import main

TODAY = "2026-01-15"
CHINESE = "患者女，34岁，系统性红斑狼疮9年，吗替麦考酚酯和贝利尤单抗治疗无效，HIV阴性。"
ENGLISH = "34F, SLE since 2015, failed MMF and belimumab, HIV negative."


def triage(capsys, tmp_path, text: str, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "letter.txt"
    path.write_text(text, encoding="utf-8")
    code = main(["triage", "--db", str(tmp_path / "t.db"), "--today", TODAY, *args, str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_chinese_letter_gets_a_chinese_report(capsys, tmp_path):
    code, out, err = triage(capsys, tmp_path, CHINESE)
    assert code == 0, err
    assert out.startswith("从文本中理解到：")
    assert "试验：" in out and "判断：" in out and "入组资格由试验团队判定" in out
    assert "Verdict:" not in out and "Understood from the text" not in out


def test_the_report_language_can_be_chosen(capsys, tmp_path):
    code, out, _ = triage(capsys, tmp_path, CHINESE, "--lang", "en")
    assert code == 0 and out.startswith("Understood from the text:") and "Verdict:" in out
    code, out, _ = triage(capsys, tmp_path, ENGLISH, "--lang", "zh")
    assert code == 0 and out.startswith("从文本中理解到：") and "判断：" in out


def test_an_english_letter_keeps_the_english_report(capsys, tmp_path):
    code, out, _ = triage(capsys, tmp_path, ENGLISH)
    assert code == 0 and out.startswith("Understood from the text:") and "Verdict:" in out


def test_json_keys_stay_english_for_a_chinese_letter(capsys, tmp_path):
    code, out, err = triage(capsys, tmp_path, CHINESE, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert set(report) >= {"source", "profile", "trials"}
    assert {"id", "nct_id", "title", "verdict", "criteria"} <= set(report["trials"][0])
    assert report["trials"][0]["verdict"] in ("likely", "possible", "ineligible")
