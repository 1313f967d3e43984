"""core/: the contracts every layer shares, at the bottom of the import graph: the rule
language (``core.rules``), facts and the patient profile (``core.facts``), three-valued truth
(``core.truth``) and the one duration table (``core.durations``). It imports nothing else
of the project."""
