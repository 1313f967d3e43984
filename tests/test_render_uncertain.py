"""What the bot says it noted never states more than the person said: a test or marker they
are not sure about is "not sure about", never "positive" ("Im not sure if she had the TB
test" was shown as "tuberculosis positive"; matching already judged it unknown)."""
from bot.render import PLAIN, Renderer
from nlp import extract


def noted(text: str) -> str:
    renderer = Renderer(PLAIN)
    return renderer.join(renderer.facts(list(extract(text)), "patient"), "separator")


def test_an_uncertain_test_is_not_shown_as_positive():
    text = noted("my daughter is 24 and has dermatomyositis. Im not sure if she had the TB test.")
    assert "not sure about tuberculosis" in text and "tuberculosis positive" not in text


def test_an_uncertain_marker_is_not_shown_as_positive():
    text = noted("T-ALL, not sure if the cells are CD7 positive")
    assert "not sure about CD7" in text and "CD7 expression positive" not in text


def test_a_stated_result_is_shown_as_said():
    assert "tuberculosis positive" in noted("positive quantiferon, latent TB")
    assert "no HIV" in noted("HIV negative")


def test_a_drug_not_taken_now_is_not_shown_as_never_taken():
    """"not on steroids at the moment" (and "no" to "When did she last take steroids?")
    rules out current use only (matching/therapy.py): shown as "not taking ... now", not
    "never had", which would contradict a later question about how steroids worked."""
    assert "not taking glucocorticoid (steroid) now" in noted("not on steroids at the moment")
    assert "never had rituximab" in noted("she never had rituximab")


def test_not_sure_about_a_test_and_a_mention_without_result_are_not_positive():
    """A mother's "not sure about hep b" was noted as "hepatitis B positive"; a past-history
    list ("PMH: HTN, hep B") gives no result either (matching judges both unknown)."""
    assert "not sure about hepatitis B" in noted("my mum has lupus, not sure about hep b")
    listed = noted("PMH: HTN, hep B, DM")
    assert "hepatitis B mentioned (no result given)" in listed and "hepatitis B positive" not in listed
    assert "hepatitis B positive" in noted("she has hepatitis B")


def test_an_outcome_with_an_adverb_between_is_a_failure():
    assert "mycophenolate mofetil (did not help)" in noted("cellcept didnt realy work")


def test_no_to_a_failure_question_is_not_shown_as_never_taken():
    """"no" to "Failure of, or intolerance to, NSAID?" says the NSAID did not fail (matching:
    only the failure leaf is false); it was shown as "never had NSAID"."""
    from core.facts import Fact
    from matching.questions import build_question

    [fact] = build_question("therapy:nsaid:failed_or_intolerant").answer_to_facts("no")
    renderer = Renderer(PLAIN)
    text = renderer.join(renderer.facts([fact], "patient"), "separator")
    assert text == "no failure of or intolerance to NSAID"
    assert "never had NSAID" in renderer.join(renderer.facts([Fact("DRUG", "nsaid", "x", negated=True, historical=True)], "patient"), "separator")
