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


def test_a_class_names_its_most_used_drugs_first():
    """A question about biologics names rituximab, infliximab, adalimumab (the class's
    ``examples`` in data/terminology/therapies.yaml), not whatever drugs come first in the
    file ("alemtuzumab, eculizumab, efgartigimod alfa" were asked of a Crohn's patient)."""
    assert _examples("biologic") == " (for example rituximab, infliximab, adalimumab)"
    assert _examples("csdmard").startswith(" (for example methotrexate, azathioprine, mycophenolate")
    for concept in load_terminology().by_category("therapy"):
        for example in concept.attrs.get("examples") or ():
            assert load_terminology().is_a(example, concept.id), (concept.id, example)
