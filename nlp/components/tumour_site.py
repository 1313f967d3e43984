"""A cancer whose organ is said apart from its histology, the way a clinical note says it:
"Colonoscopy shows an ulcerated mass in the sigmoid colon; biopsy shows adenocarcinoma",
"CT: 4 cm right lower lobe mass ... Pleural fluid cytology: adenocarcinoma", "a 5 cm ulcerated
mass at the anal verge ... Biopsy: squamous cell carcinoma", "squamous cell cancer of the voice
box". The histology alone is read as a cancer of no organ (``generic``: a solid tumour), so a
trial for the organ's cancer ranked with every other cancer's, and the comorbidities named
beside it decided the condition gate. Here the generic cancer takes the organ's cancer
(``tumour_sites`` in data/nlp/extraction.yaml) when a tumour of one organ is named in its
sentence or the ``sentences_back`` sentences before it: a mass, tumour or lesion in or of the
organ, or the cancer "of" it. Organs cancers commonly spread to (liver, bone, brain, nodes,
adrenals, pleura) are no sites: "liver lesions" of a lung cancer name no liver cancer. Two
organs named there, a cancer of an organ named there already ("breast cancer 2019 ... a lung
mass, biopsy: carcinoma") or a spread said of the histology ("metastatic adenocarcinoma",
``spread_words``): the cancer stays of no organ (unsure, nothing decided). A histology that
says which kind of the organ's cancer (``kinds``: "small cell" beside a lung: small cell lung
cancer) names that kind.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc

from data.errors import DataError
from data.terminology import Terminology
from nlp.components.doc_cache import doc_text, sentence_index
from nlp.components.terms import Candidate

_WHERE = "extraction.yaml.tumour_sites"


class TumourSite:
    def __init__(self, spec: dict[str, Any] | None, terminology: Terminology):
        spec = spec or {}
        self.terminology = terminology
        self.sentences_back = int(spec.get("sentences_back", 0))
        self.cancer = str(spec.get("cancer") or "malignancy")
        if terminology.get(self.cancer) is None:
            raise DataError(f"{_WHERE}.cancer", f"unknown concept {self.cancer!r}")
        try:
            self.spread = re.compile(str(spec.get("spread_words") or "(?!)"), re.IGNORECASE)
        except re.error as exc:
            raise DataError(f"{_WHERE}.spread_words", f"not a valid regular expression ({exc})") from None
        self.generic = frozenset(str(c) for c in spec.get("generic") or ())
        self.site_words: dict[str, str] = {}
        self.concepts: dict[str, str] = {}
        self.kinds: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for concept in self.generic:
            if terminology.get(concept) is None:
                raise DataError(f"{_WHERE}.generic", f"unknown concept {concept!r}")
        for site, entry in (spec.get("sites") or {}).items():
            concept = str(entry.get("concept") or "")
            if terminology.get(concept) is None:
                raise DataError(f"{_WHERE}.sites.{site}", f"unknown concept {concept!r}")
            self.concepts[site] = concept
            for word in entry.get("words") or ():
                self.site_words[str(word).lower()] = site
            for kind in entry.get("kinds") or ():
                words, named = kind
                if terminology.get(named) is None:
                    raise DataError(f"{_WHERE}.sites.{site}.kinds", f"unknown concept {named!r}")
                try:
                    self.kinds.setdefault(site, []).append((re.compile(str(words), re.IGNORECASE), named))
                except re.error as exc:
                    raise DataError(f"{_WHERE}.sites.{site}.kinds", f"not a valid regular expression ({exc})") from None
        self.kind_window = int(spec.get("kind_window", 25))
        self.patterns: list[re.Pattern[str]] = []
        if self.site_words:
            # the longest words first, so "anal verge" is one site word, not "anal"
            words = "|".join(re.escape(w).replace("\\ ", "\\s+") for w in sorted(self.site_words, key=len, reverse=True))
            for pattern in spec.get("phrases") or ():
                try:
                    self.patterns.append(re.compile(str(pattern).replace("{site}", f"(?P<site>{words})"), re.IGNORECASE))
                except re.error as exc:
                    raise DataError(f"{_WHERE}.phrases", f"not a valid regular expression ({exc})") from None

    def __call__(self, doc: Doc, chosen: list[tuple[Candidate, str, dict]]) -> list[tuple[Candidate, str, dict]]:
        if not self.patterns or not any(c.label == "CONDITION" and c.concept in self.generic for c, _, _ in chosen):
            return chosen
        text = doc_text(doc)
        sentences = sentence_index(doc)
        found: list[tuple[int, str]] = []        # (sentence number, site) of each tumour site named
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                site = self.site_words.get(re.sub(r"\s+", " ", match.group("site").lower()))
                if site is not None:
                    found.append((sentences.index(match.start("site")), site))
        if not found:
            return chosen
        # the sentences a cancer of a named organ is said in ("breast cancer in 2019"); a site
        # of spread ("new liver mets", terminology attribute ``spread``) names no organ's own
        # cancer (h167, round 35: "LLL adenocarcinoma ... (new liver mets)" had stayed of no organ)
        named = {sentences.index(doc[c.start].idx) for c, _, _ in chosen if c.label == "CONDITION"
                 and c.concept not in self.generic and c.concept in self.terminology
                 and self.terminology.is_a(c.concept, self.cancer)
                 and not self.terminology[c.concept].attrs.get("spread")}
        out = []
        for candidate, origin, info in chosen:
            if candidate.label == "CONDITION" and candidate.concept in self.generic:
                start_char = doc[candidate.start].idx
                here = sentences.index(start_char)
                window = range(here - self.sentences_back, here + 1)
                sites = {site for number, site in found if number in window}
                # the words just before it in its own sentence ("liver metastases. Biopsy:
                # adenocarcinoma" says no spread of the histology; h167, round 35)
                said = re.split(r"[.;!?\n]", text[max(0, start_char - self.kind_window):start_char])[-1]
                if len(sites) == 1 and not any(n in window for n in named) and not self.spread.search(said):
                    site = next(iter(sites))
                    candidate = replace(candidate, concept=self._kind(text, start_char, doc, candidate, site))
            out.append((candidate, origin, info))
        return out

    def _kind(self, text: str, start_char: int, doc: Doc, candidate: Candidate, site: str) -> str:
        """The organ's cancer, or the kind of it the words just before the histology say
        ("small cell carcinoma" of a lung)."""
        end_char = doc[candidate.end - 1].idx + len(doc[candidate.end - 1])
        said = text[max(0, start_char - self.kind_window):end_char]
        for words, named in self.kinds.get(site, ()):
            if words.search(said):
                return named
        return self.concepts[site]
