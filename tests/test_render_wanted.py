"""What the bot says it noted (bot/render.py): a treatment asked for or planned is not one
the patient had ("consideration of a CD7-directed CAR-T study" was noted as "CAR-T cell
therapy", and a planned drug as "tried"), and the antigen such a request names is no finding."""
from bot.render import PLAIN, Renderer
from core.facts import Fact


def _noted(*facts, role=None):
    return "; ".join(str(p) for p in Renderer(PLAIN).facts(list(facts), role))


def test_a_wanted_or_planned_treatment_is_said_so_never_as_tried():
    said = _noted(Fact("CONDITION", "sle", "lupus", 0, 5),
                  Fact("DRUG", "rituximab", "rituximab", 10, 19, hypothetical=True),
                  Fact("PROCEDURE", "car_t", "CAR-T", 20, 25, hypothetical=True),
                  Fact("BIOMARKER", "cd7", "CD7", 26, 29, hypothetical=True))
    assert "asked about or planned: rituximab, CAR-T cell therapy" in said
    assert "tried" not in said and "CD7" not in said


def test_treatments_had_are_still_listed_as_before():
    said = _noted(Fact("DRUG", "rituximab", "rituximab", 0, 9, historical=True),
                  Fact("PROCEDURE", "car_t", "CAR-T", 10, 15, negated=True, hypothetical=True),
                  Fact("BIOMARKER", "cd7", "CD7 positive", 16, 28, status="positive"))
    assert said == "tried rituximab; no CAR-T cell therapy; CD7 expression positive"
