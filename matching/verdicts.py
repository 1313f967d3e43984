"""A trial's verdict for a patient: the vocabulary clinicians script against (``triage --json``)."""
LIKELY, POSSIBLE, INELIGIBLE = "likely", "possible", "ineligible"
VERDICT_ORDER = {LIKELY: 0, POSSIBLE: 1, INELIGIBLE: 2}
VERDICT_WORDS = {
    LIKELY: "may qualify — likely",
    POSSIBLE: "possible — more information needed",
    INELIGIBLE: "does not appear to qualify",
}
