"""A contraceptive device fitted once stays in until it is taken out: "had the coil put in last
year", "got the implant in my arm 2 years ago", "Mirena IUS in situ since 2021" is contraception
now, whatever past verb or date tells when it went in. A DRUG fact of a concept listed in
``devices_in_place`` (data/nlp/extraction.yaml) whose span holds a device word of it is taken
now unless its sentence says the device came out or was stopped ("had the coil but had it taken
out in june": over). A negated, hedged, hypothetical or relative's mention, and one that failed
or was not tolerated, is left as it is (issue #13, h120, round 26). A stoma made in bowel
surgery stays so too until it is reversed ("had 3 resections and now have a stoma", "i have an
ileostomy": a PROCEDURE of now; "my stoma was reversed last year": over; h145, round 31)."""
from __future__ import annotations

import re
from functools import lru_cache

from core.facts import Fact
from nlp.resources import alternation, vocabulary

# a sentence ends at a full stop, "?", "!", ";" or a line break
_END = re.compile(r"[.?!;](?:\s|$)|\n")


@lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], re.Pattern | None, re.Pattern | None]:
    section = vocabulary().get("devices_in_place") or {}
    concepts = frozenset(section.get("concepts") or ())
    devices = section.get("devices") or ()
    out = section.get("out_words") or ()
    device = re.compile(rf"(?<!\w)(?:{alternation(devices)})(?!\w)", re.IGNORECASE) if devices else None
    removal = re.compile(rf"(?<!\w)(?:{alternation(out)})(?!\w)", re.IGNORECASE) if out else None
    return concepts, device, removal


def _sentence(text: str, fact: Fact) -> str:
    start = 0
    for match in _END.finditer(text, 0, fact.start):
        start = match.end()
    stop = _END.search(text, fact.end)
    return text[start:stop.start() if stop else len(text)]


def devices_in_place(text: str, facts: list[Fact]) -> None:
    concepts, device, removal = _words()
    if not concepts or device is None:
        return
    for fact in facts:
        if (fact.label not in ("DRUG", "PROCEDURE") or fact.concept not in concepts or not device.search(fact.text or "")
                or fact.negated or fact.hypothetical or fact.uncertain or fact.family
                or fact.status in ("failed", "intolerant")):
            continue
        if removal is not None and removal.search(_sentence(text, fact)):
            continue
        fact.historical = False
        fact.status = "current"
