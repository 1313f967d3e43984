"""#17 item 6: one criterion of ~100,000 characters of ordinary words (what a registry text
with its line breaks lost looks like) used to take minutes to parse, its cost growing with
the square of its length. The parser now reads a criterion of at most
``MAX_CRITERION_CHARS`` characters; a longer one is kept whole, as a criterion for the trial
team (a ``review`` leaf), never dropped and never read in part. How long parsing takes is
measured in ``bench criteria`` (docs/benchmarks.md), not asserted here."""
from __future__ import annotations

import json

from core.rules import iter_leaves
from nlp.criteria.parser import MAX_CRITERION_CHARS, parse_criterion
from registry.ctgov import import_file

WORDS = ("Patients with disease of the kidney and the lung who received prior treatment, with lupus "
         "and arthritis in the past year and who live near the study site ")


def bullet(length: int) -> str:
    return (WORDS * (length // len(WORDS) + 1))[:length].strip()


def test_a_criterion_of_100000_characters_is_kept_for_the_trial_team():
    rule = parse_criterion(bullet(99_000), "inclusion")
    assert rule["type"] == "review" and rule["note"]
    assert len(rule["note"]) < 400                     # the note quotes the start, not 99,000 characters


def test_up_to_the_limit_a_criterion_is_still_read():
    rule = parse_criterion(bullet(MAX_CRITERION_CHARS - 10) + ".", "inclusion")
    assert {leaf["type"] for leaf in iter_leaves(rule)} - {"review"}     # something of it was read
    assert MAX_CRITERION_CHARS >= 1_000                # far above the longest real criterion (735)


def test_an_imported_study_with_a_100000_character_bullet_keeps_it(tmp_path):
    text = "Inclusion Criteria:\n\n* Adults aged 18 or over\n* " + bullet(95_000) + "\n\nExclusion Criteria:\n\n* Pregnancy"
    study = {"protocolSection": {"identificationModule": {"nctId": "NCT09900011", "briefTitle": "Long"},
                                 "eligibilityModule": {"eligibilityCriteria": text}}}
    path = tmp_path / "long.json"
    path.write_text(json.dumps(study))
    [record] = import_file(path)
    criteria = {c["text"][:40]: c for c in record["criteria"]}
    long = next(c for c in record["criteria"] if len(c["text"]) > 90_000)
    assert long["kind"] == "inclusion" and long["rule"]["type"] == "review"
    assert any(c["kind"] == "exclusion" for c in criteria.values())   # the rest of the text still read
