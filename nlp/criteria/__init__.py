"""nlp/criteria/: the eligibility-criteria compiler: a criterion's text -> a rule of the rule
language (``core.rules``), or an explicit ``review`` leaf. ``parser.parse_criterion`` is the
entry point; it reads patient-style facts from the text with the extraction pipeline
(``nlp.pipeline``), which never imports this package."""
