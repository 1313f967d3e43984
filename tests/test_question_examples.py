"""A question about a drug class names a few of its drugs as examples; a combination
regimen that contains one of them ("R-CHOP" contains prednisone) is never an example of
the class ("Currently on a glucocorticoid (for example R-CHOP)?" was asked)."""
from __future__ import annotations

from data.terminology import load_terminology
from matching.questions import _examples


def test_regimens_are_never_examples_of_a_drug_class():
    regimens = {c.label for c in load_terminology().by_category("therapy") if c.kind == "regimen"}
    assert {"hyper-CVAD", "FLAG-IDA"} <= regimens
    for concept in load_terminology().by_category("therapy"):
        assert not any(name in _examples(concept.id) for name in regimens), concept.id
    assert "prednisone" in _examples("glucocorticoid")
