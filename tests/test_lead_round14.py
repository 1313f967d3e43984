"""The lead's fixes of the fourteenth session, found by using the bot as a relative and a
clinician on the real registry records."""
from criteria_helpers import parse, verdict
from nlp.pipeline import extract


def _concepts(text):
    return {f.concept for f in extract(text) if f.label == "PROCEDURE"}


def test_a_bowel_resection_is_not_a_colectomy():
    # Crohn's resections are mostly of the small bowel: "colectomy" was a wrong fact
    assert _concepts("my son has crohns, hes had 2 bowel resections") == {"bowel_resection"}
    assert _concepts("s/p ileocecal resection 2019") == {"bowel_resection"}
    assert _concepts("UC, colectomy 2015") == {"colectomy"}


def test_a_colectomy_exclusion_stays_open_for_a_bowel_resection():
    colectomy = parse("Prior colectomy", "exclusion")
    assert verdict(colectomy, "34F, Crohn's disease, two bowel resections") == "unknown"
    assert verdict(colectomy, "UC, colectomy 2019") == "true"
    # a colectomy is a bowel resection: a bowel-resection exclusion applies to it
    resection = parse("Prior bowel resection", "exclusion")
    assert verdict(resection, "UC, colectomy 2019") == "true"
    assert verdict(resection, "Crohn's, ileocaecal resection 2018") == "true"
