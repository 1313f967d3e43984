"""h104, round 22 (issue #14, relevance on new kinds of patients).

- Terms match in British and American spelling alike (``term_spellings`` in
  data/nlp/extraction.yaml, nlp/components/terms.py): "oesophageal squamous cell carcinoma"
  had no term and was read as a head and neck cancer.
- A germline BRCA1/2 mutation is a condition (``brca_mutation``): an unaffected carrier's,
  and the registry's "BRCA1 Mutation" / "BRCA2 Mutation"; a carrier with hot flushes was
  ruled out of the family-history tool listing them on the condition gate.
"""
from __future__ import annotations

import pytest

from data.condition_names import condition_concept
from data.terminology import load_terminology
from nlp import extract
from nlp.components.terms import _other_spellings
from gate_helpers import conditions, gate
from shared_records import record


# --- British and American spellings ------------------------------------------------------------

@pytest.mark.parametrize("phrase, other", [
    ("oesophageal squamous cell carcinoma", "esophageal squamous cell carcinoma"),
    ("esophageal cancer", "oesophageal cancer"),
    ("acute myeloid leukemia", "acute myeloid leukaemia"),
    ("iron deficiency anaemia", "iron deficiency anemia"),
    ("hypoglycaemia", "hypoglycemia"),
    ("giant cell tumor of bone", "giant cell tumour of bone"),
    ("haematological malignancy", "hematological malignancy"),
])
def test_a_term_has_its_other_spelling(phrase, other):
    assert other in _other_spellings(phrase)
    assert phrase in _other_spellings(other)


def test_a_spelling_already_british_is_not_respelt_twice():
    assert "anaaemia" not in " ".join(_other_spellings("anaemia"))
    assert _other_spellings("systemic lupus erythematosus") == set()


@pytest.mark.parametrize("text, concept", [
    ("66M metastatic oesophageal squamous cell carcinoma, progressed after first-line chemotherapy.",
     "esophageal_cancer"),
    ("My father has esophageal adenocarcinoma.", "esophageal_cancer"),
    ("haematological malignancy relapsed after transplant", "hematologic_malignancy"),
])
def test_a_cancer_in_either_spelling_is_that_cancer(text, concept):
    found = conditions(text) if "father" not in text else {f.concept for f in extract(text) if f.label == "CONDITION"}
    assert concept in found
    assert "head_and_neck_cancer" not in found


def test_an_oesophageal_cancer_is_not_ruled_out_of_the_oesophageal_cohort():
    _result, condition = gate("66M metastatic oesophageal squamous cell carcinoma (liver, nodes), progressed after "
                              "first-line cisplatin/5-FU + nivolumab. ECOG 1.", record("NCT03983954"))
    assert condition.status != "fail"


# --- a BRCA carrier -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I'm 34. I tested positive for a BRCA1 mutation. I don't have cancer myself.",
    "44F, BRCA2 pathogenic variant carrier, no personal history of cancer.",
    "I'm 40, a BRCA2 carrier, no cancer, had a risk-reducing mastectomy.",
])
def test_a_carrier_states_a_brca_mutation(text):
    assert "brca_mutation" in conditions(text)


def test_a_denied_or_a_relatives_mutation_is_not_the_patients():
    assert "brca_mutation" not in conditions("Genetic testing: no BRCA mutation found.")
    assert "brca_mutation" not in conditions("My mum is a BRCA1 carrier.")


def test_the_registry_names_of_the_mutation_map_to_it():
    assert condition_concept("BRCA1 Mutation") == "brca_mutation"
    assert condition_concept("BRCA2 Mutation") == "brca_mutation"


def test_a_carrier_is_healthy_and_background_beside_a_cancer():
    terminology = load_terminology()
    assert terminology.flagged("brca_mutation", "healthy_compatible")
    assert terminology.flagged("brca_mutation", "background")
    assert "breast_cancer" not in terminology.ancestors("brca_mutation")


def test_an_unaffected_carrier_with_hot_flushes_is_not_ruled_out_of_the_family_history_tool():
    # rel-839 (the relevance set): ruled out on the gate (its BRCA names mapped to nothing)
    result, condition = gate("44F, BRCA2 pathogenic variant carrier (cascade testing), no personal history of "
                             "cancer. 8-10 hot flushes a day since her ovaries were removed.", record("NCT04890327"))
    assert condition.status != "fail"
    assert result.verdict != "ineligible"


def test_a_patient_with_another_disease_is_still_ruled_out_of_the_family_history_tool():
    _result, condition = gate("I'm 50 (f) and have rheumatoid arthritis.", record("NCT04890327"))
    assert condition.status == "fail"


def test_a_braf_name_is_no_brca_mutation_by_spelling():
    # one letter apart: "BRAF Gene Mutation" (the RAS/MAPK basket) was read as a BRCA
    # mutation, and the basket came first for an unaffected BRCA carrier
    assert condition_concept("BRAF Gene Mutation") is None
    assert "brca_mutation" not in record("NCT05786924")["conditions"]
