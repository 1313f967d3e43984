"""Round 23 (h108): the import's pipeline build, the same pipeline.

ConText's token patterns are checked against spaCy's schema each distinct token once
(``nlp.components.context.check_token_patterns``) instead of medspaCy's Matcher checking
every pattern whole: the same patterns refused with spaCy's own error, the same accepted."""
import pytest


def _bad_and_good():
    return [
        ("good exact", [{"LOWER": "no"}, {"LOWER": "evidence"}]),
        ("good set", [{"LOWER": {"IN": ["history", "hx"]}}, {"LOWER": "of", "OP": "?"}]),
        ("good other", [{"IS_ALPHA": True, "OP": "?"}, {"LOWER": "denies"}]),
        ("unknown attribute", [{"LOWER": "no"}, {"NOT_AN_ATTRIBUTE": 1}]),
        ("bad operator", [{"LOWER": "no", "OP": "often"}]),
        ("a number for a word", [{"LOWER": 3}]),
        ("a bad set", [{"LOWER": {"IN": "history"}}]),
        ("null", [{"LOWER": None}]),
        ("empty", []),
    ]


def test_a_pattern_is_refused_exactly_when_spacy_refuses_it():
    from spacy.errors import MatchPatternError
    from spacy.schemas import validate_token_pattern

    from nlp.components.context import check_token_patterns

    for key, pattern in _bad_and_good():
        spacy_says_bad = bool(validate_token_pattern(pattern))
        # alone, and after the good patterns (their tokens remembered as good)
        for before in ([], [p for p in _bad_and_good()[:3]]):
            if spacy_says_bad:
                with pytest.raises(MatchPatternError, match=key):
                    check_token_patterns(before + [(key, pattern)])
            else:
                check_token_patterns(before + [(key, pattern)])


def test_a_bad_token_is_refused_even_beside_tokens_known_good():
    from spacy.errors import MatchPatternError

    from nlp.components.context import check_token_patterns

    good = [("first", [{"LOWER": "no"}, {"LOWER": "evidence"}])]
    check_token_patterns(good)
    with pytest.raises(MatchPatternError, match="second"):
        check_token_patterns(good + [("second", [{"LOWER": "no"}, {"LOWER": "evidence"}, {"LOWER": "x", "OP": "??"}])])
    # the same value of another type is another token: 1 is not True
    check_token_patterns([("bool", [{"IS_ALPHA": True}])])
    with pytest.raises(MatchPatternError):
        check_token_patterns([("bool", [{"IS_ALPHA": True}]), ("str", [{"IS_ALPHA": "yes"}])])


def test_every_context_pattern_of_the_data_is_one_spacy_accepts():
    from spacy.schemas import validate_token_pattern

    from nlp.components.context import _exact_first, check_token_patterns
    from nlp.resources import context_rules

    patterns = [(split["literal"], split["pattern"]) for raw in context_rules() for split in _exact_first(raw)
                if isinstance(split.get("pattern"), list)]
    assert len(patterns) > 1000
    check_token_patterns(patterns)
    assert not any(validate_token_pattern(p) for _, p in patterns[::25])


def test_a_bad_context_rule_still_stops_the_build_with_spacys_error(monkeypatch):
    from spacy.errors import MatchPatternError
    from spacy.lang.en import English

    from nlp.components import context

    rules = [{"literal": "no evidence", "category": "NEGATED_EXISTENCE", "direction": "FORWARD",
              "pattern": [{"LOWER": "no"}, {"LOWER": "evidence"}]},
             {"literal": "nary a trace", "category": "NEGATED_EXISTENCE", "direction": "FORWARD",
              "pattern": [{"LOWER": "nary"}, {"NOT_AN_ATTRIBUTE": "a"}]}]
    monkeypatch.setattr(context, "context_rules", lambda: rules)
    with pytest.raises(MatchPatternError, match="nary a trace"):
        context.add_context(English())


def test_the_built_pipelines_context_matcher_checks_what_is_added_later():
    from nlp.components.context import CONTEXT_PIPE
    from nlp.pipeline import build_pipeline

    rules = build_pipeline().get_pipe(CONTEXT_PIPE)._ConText__matcher
    own = rules._MedspacyMatcher__matcher.full
    assert own.validate is True
    assert len(own) == sum(1 for rule in rules.rule_map.values() if isinstance(rule.pattern, list))
