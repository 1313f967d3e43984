"""Chinese messages give the same facts as English ones (issue #19): the pipeline routes a
Chinese text to the Chinese extractor by itself, simplified or traditional."""
import json
from datetime import date

import pytest

from bot.cli import main
from core.facts import Profile
from nlp.chinese import is_chinese, to_simplified
from nlp.pipeline import extract, speaker_of

TODAY = date(2026, 12, 2)


def facts(text):
    return extract(text, today=TODAY)


def one(found, concept):
    matches = [f for f in found if f.concept == concept]
    assert len(matches) == 1, [(f.label, f.concept) for f in found]
    return matches[0]


def test_the_issue_example_a_relative_writes_about_her_daughter():
    text = "我女儿26岁，系统性红斑狼疮，吗替麦考酚酯和贝利尤单抗都没效果"
    found = facts(text)
    speaker = speaker_of(text)
    assert (speaker.speaker, speaker.relation, speaker.sex) == ("relative", "daughter", "female")
    age = one(found, "age")
    assert age.value == 26 and text[age.start:age.end] == "26" and not age.family
    sle = one(found, "sle")
    assert sle.label == "CONDITION" and sle.asserted and not sle.historical
    for drug in ("mycophenolate", "belimumab"):
        fact = one(found, drug)
        assert fact.label == "DRUG" and fact.status == "failed" and fact.asserted
    assert one(found, "female").text == "女儿"      # the daughter is the patient


def test_traditional_characters_give_the_same_facts_with_spans_as_written():
    simplified = facts("我女儿26岁，系统性红斑狼疮，吗替麦考酚酯和贝利尤单抗都没效果")
    traditional = facts("我女兒26歲，系統性紅斑狼瘡，嗎替麥考酚酯和貝利尤單抗都沒效果")
    key = lambda f: (f.label, f.concept, f.start, f.end, f.status, f.value, f.negated, f.family)
    assert [key(f) for f in traditional] == [key(f) for f in simplified]
    assert one(traditional, "sle").text == "系統性紅斑狼瘡"


def test_denial_negative_results_and_hedges():
    assert one(facts("否认乙肝"), "hbv").negated
    found = facts("HIV阴性，乙肝表面抗原阴性，乙肝核心抗体阳性")
    assert one(found, "hiv").status == "negative" and one(found, "hiv").negated
    assert one(found, "hbsag").negated
    core = one(found, "anti_hbc")
    assert core.status == "positive" and not core.negated
    assert one(facts("好像有乙肝，不太清楚"), "hbv").uncertain
    assert one(facts("应该没有结核吧，没查过"), "tuberculosis").negated
    listed = facts("乙肝、丙肝、艾滋病、梅毒均阴性")
    assert {f.concept for f in listed if f.negated} == {"hbv", "hcv", "hiv", "syphilis"}


def test_treatment_outcomes_failed_intolerant_current():
    found = facts("羟氯喹、环磷酰胺都用过，没什么用。来氟米特副作用太大，现在在吃他克莫司")
    assert one(found, "hydroxychloroquine").status == "failed"      # the outcome clause after the list
    assert one(found, "cyclophosphamide").status == "failed"
    assert one(found, "leflunomide").status == "intolerant"
    assert one(found, "tacrolimus").status == "current"
    assert one(facts("骁悉吃了拉肚子，受不了，停了"), "mycophenolate").status == "intolerant"
    # "没有效果" is a failed treatment, not a negation; "无效" is not "无"
    mmf = one(facts("MMF没有效果"), "mycophenolate")
    assert mmf.status == "failed" and not mmf.negated


def test_brand_names_and_mixed_english():
    found = facts("SLE 8年，MMF无效，美罗华用过，倍力腾在打")
    sle = one(found, "sle")
    assert sle.duration_days == pytest.approx(8 * 365.25)
    assert one(found, "mycophenolate").status == "failed"
    assert one(found, "rituximab").historical
    assert one(found, "belimumab").status == "current"


def test_labs_with_chinese_names_and_units():
    found = facts("血肌酐156 μmol/L，血小板25×10^9/L，谷丙转氨酶68 U/L")
    creatinine = one(found, "creatinine")
    assert creatinine.value == 156 and creatinine.unit == "μmol/L"
    assert creatinine.unit_normalized == "mg/dL" and creatinine.value_normalized == pytest.approx(1.7647, abs=1e-3)
    platelets = one(found, "platelets")
    assert platelets.value == 25 and platelets.value_normalized == 25
    assert one(found, "alt").value_normalized == 68
    # "才2万" is 2 x 10^4 per microlitre: 20 x 10^9/L
    assert one(facts("血小板才2万"), "platelets").value_normalized == pytest.approx(20)
    # a lab named without a value is no fact
    assert [f for f in facts("肌酐正常") if f.label == "LAB"] == []


def test_relatives_and_family_history():
    son = speaker_of("我儿子17岁，T淋巴母细胞白血病")
    assert (son.speaker, son.relation, son.sex) == ("relative", "son", "male")
    mum = speaker_of("我妈妈65岁，类风湿关节炎")
    assert (mum.speaker, mum.relation) == ("relative", "mother")
    assert speaker_of("我有狼疮，我女儿有哮喘").speaker == "patient"
    found = facts("我妈妈也有类风湿，我自己是干燥综合征")
    assert one(found, "rheumatoid_arthritis").family
    assert not one(found, "sjogrens_syndrome").family
    relative = facts("我女儿有狼疮，我自己有高血压")
    assert not one(relative, "sle").family and one(relative, "hypertension").family
    assert one(facts("否认家族史。母亲有乳腺癌病史"), "breast_cancer").family
    assert not [f for f in facts("我女儿有狼疮，我自己有高血压") if f.label == "SEX" and f.family]


def test_clinician_note_demographics_questions_and_plans():
    found = facts("患者女，34岁，体重52公斤，系统性红斑狼疮，拟行CAR-T治疗")
    assert one(found, "female").text == "女"
    assert one(found, "age").value == 34
    weight = one(found, "weight")
    assert weight.value_normalized == 52 and weight.unit_normalized == "kg"
    assert one(found, "car_t").hypothetical
    assert speaker_of("患者女，34岁").speaker is None
    asked = facts("我在杭州，狼疮能做CAR-T吗？")
    assert one(asked, "car_t").hypothetical and not one(asked, "sle").hypothetical
    assert one(asked, "杭州").label == "LOCATION"


def test_times_durations_and_years():
    found = facts("2019年确诊克罗恩病，狼疮5年前确诊")
    assert one(found, "crohns_disease").date == "2019"
    assert one(found, "sle").date == "2021-12"


def test_routing_is_by_script_share():
    assert is_chinese("SLE 8年，MMF无效")
    assert not is_chinese("I live in 杭州 and have lupus")
    assert not is_chinese("my daughter has lupus")
    assert to_simplified("系統性紅斑狼瘡") == "系统性红斑狼疮"
    english = facts("I live in Hangzhou, tried cellcept, didn't work")
    assert one(english, "mycophenolate").status == "failed"


def test_a_chinese_conversation_merges_into_one_profile():
    profile = Profile.merge([facts("我女儿26岁，狼疮"), facts("血小板40×10^9/L，否认乙肝")])
    assert profile.age == 26 and profile.sex == "female"
    assert profile.lab("platelets").value_normalized == 40


@pytest.mark.parametrize("text", ["", "   ", "，，，。", "😀" * 300, "无" * 5000, "我" + "，" * 3000])
def test_odd_chinese_input_gives_no_error(text):
    assert isinstance(facts(text), list)


def test_a_chinese_referral_letter_is_triaged_with_english_json_keys(capsys, tmp_path):
    letter = tmp_path / "转诊信.txt"
    letter.write_text(
        "转诊信\n患者女，52岁，皮肌炎2019年确诊，抗MDA5抗体阳性。\n"
        "既往泼尼松、甲氨蝶呤治疗效果不佳，目前泼尼松15mg每日维持。\n有癫痫病史。HIV阴性。", encoding="utf-8")
    code = main(["triage", "--db", str(tmp_path / "t.db"), "--today", "2026-01-15", "--json", str(letter)])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out.strip().splitlines()[0])
    assert {"source", "profile", "trials"} <= set(data)

    def keys(value):
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    assert all(key.isascii() for key in keys(data))      # the JSON keys stay English
    found = {(f["label"], f["concept"]): f for f in data["profile"]["facts"]}
    assert ("CONDITION", "dermatomyositis") in found
    assert found[("DRUG", "methotrexate")]["status"] == "failed"
    assert found[("INFECTION", "hiv")]["negated"]
    assert found[("AGE", "age")]["value"] == 52
    assert ("CONDITION", "epilepsy") in found
    cd7 = next(t for t in data["trials"] if t["id"] == "NCT05239702")
    assert {"id", "nct_id", "title", "verdict", "score", "criteria", "questions", "sites", "contacts"} <= set(cd7)
    assert cd7["verdict"] == "ineligible"        # a CD7 trial for blood cancers; epilepsy excludes


def test_a_lab_list_with_colons_and_an_informal_message_without_commas():
    found = facts("血小板计数：15×10⁹/L；血红蛋白：92 g/L；肌酐：76 μmol/L")
    assert [f.concept for f in found] == ["platelets", "hemoglobin", "creatinine"]
    assert one(found, "creatinine").value_normalized == pytest.approx(0.8597, abs=1e-3)
    informal = facts("我老公45岁 得了外周T细胞淋巴瘤 化疗了6次 没缓解 请问有CAR-T试验吗")
    assert one(informal, "chemotherapy").status == "failed"
    car_t = one(informal, "car_t")
    assert car_t.status is None and car_t.hypothetical      # a question, not a failed treatment


def test_a_writer_who_says_they_are_family():
    speaker = speaker_of("我是患者家属，我弟弟得了皮肌炎，32岁")
    assert (speaker.speaker, speaker.relation) == ("relative", "brother")
    assert not one(facts("我是患者家属，我弟弟得了皮肌炎，32岁"), "dermatomyositis").family
    assert speaker_of("我是家属，想问问狼疮的试验").speaker == "relative"


def test_past_history_and_a_duration_of_disease():
    found = facts("曾患肺结核，已治愈；无高血压、糖尿病史")
    assert one(found, "tuberculosis").historical
    assert one(found, "hypertension").negated and one(found, "diabetes_mellitus").negated
    ongoing = one(facts("狼疮病史十年"), "sle")
    assert not ongoing.historical and ongoing.duration_days == pytest.approx(3652.5)


def test_a_name_with_one_character_wrong_is_still_the_name():
    found = facts("红斑狼仓，环磷酰按打了六次没效果")
    assert one(found, "sle").text == "红斑狼仓"
    cyclophosphamide = one(found, "cyclophosphamide")
    assert cyclophosphamide.text == "环磷酰按" and cyclophosphamide.status == "failed"
    assert one(facts("干燥综合症"), "sjogrens_syndrome")
    # a particle is not a typo, and short names are never guessed
    assert [f.concept for f in facts("血小板减少了，狼仓")] == []


def test_english_text_never_loads_the_chinese_extractor():
    import subprocess
    import sys

    code = ("import sys; from nlp.pipeline import extract; extract('my daughter has lupus, failed MMF'); "
            "print(sorted(m for m in ('jieba', 'opencc', 'nlp.zh_pipeline') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_long_letter_is_read_in_pieces_with_offsets_into_the_whole_text():
    sentence = "患者女，34岁，系统性红斑狼疮8年，吗替麦考酚酯治疗无效，否认乙肝。"
    text = sentence * 120                        # about 4,000 characters
    found = facts(text)
    assert len([f for f in found if f.concept == "sle"]) == 120
    for fact in found:
        assert text[fact.start:fact.end] == fact.text
    assert all(f.status == "failed" for f in found if f.concept == "mycophenolate")
    assert all(f.negated for f in found if f.concept == "hbv")


def test_short_chinese_answers_give_values_and_dates():
    from matching.answers import read_date, read_value
    from nlp.readers import value_at_start

    assert value_at_start("2万").unit == "10^4/uL"
    assert read_value("大概30").value == 30
    below = read_value("低于50")
    assert (below.value, below.comparator) == (50, "<")
    assert read_date("2019年5月", TODAY) == "2019-05"
    assert read_date("去年3月", TODAY) == "2025-03"
    assert read_date("3个月前", TODAY) == "2026-09-02"
    assert read_date("今年68岁", TODAY) is None


def test_a_chinese_lab_report_with_english_abbreviations():
    text = "血常规：WBC 3.2×10^9/L，HGB 85g/L，PLT 30×10^9/L；肝肾功能：ALT 50U/L，Scr 120μmol/L"
    assert is_chinese(text)
    found = facts(text)
    assert [f.concept for f in found] == ["wbc", "hemoglobin", "platelets", "alt", "creatinine"]
    assert one(found, "platelets").value_normalized == 30
    assert one(facts("现在肌酐升高到300多"), "creatinine").value == 300


def test_chinese_numbers_in_ages_and_durations():
    found = facts("患者二十六岁，系统性红斑狼疮十五年")
    assert one(found, "age").value == 26 and one(found, "age").text == "二十六"
    assert one(found, "sle").duration_days == pytest.approx(15 * 365.25)
    child = facts("我女儿今年十岁，狼疮")
    assert one(child, "age").value == 10 and one(child, "sle").date is None     # 今年 is her age's year
    assert one(facts("狼疮十几年了"), "sle").duration_days is None               # ten-odd: no number


def test_none_of_the_drugs_worked_with_dou_is_a_failure_of_each():
    """"用过激素、吗替麦考酚酯和贝利尤单抗，效果都不好": 都 ("all") inside the outcome."""
    drugs = [f for f in extract("用过激素、吗替麦考酚酯和贝利尤单抗，效果都不好") if f.label == "DRUG"]
    assert len(drugs) == 3 and all(f.status == "failed" for f in drugs)
