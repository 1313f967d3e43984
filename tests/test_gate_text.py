"""The condition gate's criterion text (data/rule_nodes.condition_target) names every
disease the trial is treated as being for: a Still's disease patient passing the gate of a
record whose registry names are "Crohn Disease; Ulcerative Colitis; Dermatomyositis" read
only those three as the reason it fits."""
from data.rule_nodes import condition_target


def test_concepts_the_registry_names_do_not_give_are_named_too():
    record = {"conditions": ["crohns_disease", "ulcerative_colitis", "dermatomyositis", "adult_onset_stills_disease"],
              "conditions_text": ["Crohn Disease", "Ulcerative Colitis", "Dermatomyositis"]}
    text = condition_target(record)["text"]
    assert text == ("A trial for: Crohn Disease; Ulcerative Colitis; Dermatomyositis (the registry's conditions); "
                    "also adult-onset Still's disease")


def test_names_that_give_every_concept_say_nothing_more():
    record = {"conditions": ["sle"], "conditions_text": ["Systemic Lupus Erythematosus"]}
    assert condition_target(record)["text"] == "A trial for: Systemic Lupus Erythematosus (the registry's conditions)"
    bundled = {"conditions": ["hematologic_malignancy"]}          # no registry names: the labels are the text
    assert condition_target(bundled)["text"] == "A trial for: haematological malignancy (the registry's conditions)"
