"""Reading answers and what people say (part of the conversation engine, ``bot.engine``):
the reply to the pending question, skips and "not now", who is writing, a labs refusal,
corrections, and noting facts back to the person. A mixin of ``Engine``: it uses the
engine's collaborators and texts through ``self``."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date
from typing import Any

from rapidfuzz import fuzz

from bot import corrections
from bot.asking import _asks_labs, _is_a
from bot.corrections import differs, stamp, unique
from bot.geo_names import site_places
from bot.phrasings import opens_with_any, plain, says_any
from bot.criteria_asked import asked_phrases, asks_a_requirement, criteria_about
from bot.results import CANDIDATE, apart, fitting_first, reads_a_condition
from bot.sites import is_country, where_to_ask
from bot.texts import normalise
from bot.tracker import LABS_KEY, LOCATION_KEY, WHICH_KEY, WHOSE_KEY
from bot.turn import Turn
from bot.voices import fill, load_voices
from core.facts import Fact, Profile
from data.terminology import load_terminology
from data.trials import ID_IN_TEXT
from nlp.resources import vocabulary_words

SITES_TRIALS = 3                   # trials whose sites "where is the hospital?" shows
PASSED_IN_ROW = 2                  # messages telling other things before a pending question is left open
OUTCOME_FOLLOW_UP_CHARS = 80      # "none of them worked": a short message saying only how they went
_FOLLOW_UP_OUTCOMES = ("failed", "intolerant")
# the relation (data/nlp/relations.yaml) of a patient described as someone, by sex
SOMEONE_ELSES = {"female": "someone_elses_female", "male": "someone_elses_male"}
SPEAKER_MESSAGES = 1               # who is writing is read until this many messages said something


class Answering:
    """How a turn reads what the person said (``Engine`` mixes it in)."""

    def _not_diagnosed_yet(self, turn: Turn, text: str, facts: list[Fact]) -> None:
        """"i think i have lupus but not diagnosed yet": the diagnosis the message doubts is
        not asked about again ("Have you been diagnosed with lupus?" was the next question);
        left open, as "not sure" would leave it (``not_diagnosed_words``; lead, round 35)."""
        if not says_any(text, vocabulary_words("not_diagnosed_words")):
            return
        from matching.questions import DIAGNOSIS_ANY  # start-up: the matcher only once a turn matches

        for fact in facts:
            key = f"diagnosis:{fact.concept}"
            if (fact.label == "CONDITION" and fact.uncertain and not (fact.negated or fact.family)
                    and key not in turn.tracker.skipped):
                turn.record("skip", {"key": key, "choice": "unsure"})
        if any(f.label == "CONDITION" and f.uncertain for f in facts) and DIAGNOSIS_ANY not in turn.tracker.skipped:
            turn.record("skip", {"key": DIAGNOSIS_ANY, "choice": "unsure"})

    def _nothing_else_to(self, turn: Turn, text: str) -> bool:
        """"no other health problems" while a question waits: nothing more to tell, and no
        answer to it unless the question's own words are what it denies ("Do you have any other
        health problems?" is answered by it; "Has a DMARD failed?" is not)."""
        pending = turn.tracker.pending
        if pending is None or not self.phrasings.says_nothing_else(text):
            return False
        if pending.get("form") != "yes_no":
            return True
        question = self._find_question(turn, pending["key"])
        return question is not None and _denies_unread(question, text, [])

    def _skip(self, turn: Turn, choice: str, said: bool = False) -> None:
        """"Not sure" / "skip": the question is left open (its criteria stay unknown). To
        "Do you have recent blood test results?" or a lab question: no lab questions at all.
        ``said``: the reply already says the question is left open (never said twice)."""
        key = turn.tracker.pending["key"]
        if key == WHICH_KEY:                # "whom first?" left open: the first person named
            self._start_with(turn, 0)
            return
        group = list(turn.tracker.pending.get("group") or [])     # "not sure" to them all (h190, round 39)
        turn.record("skip", {"key": key, "choice": choice, **({"also": group} if group else {})})
        if _asks_labs(key):
            turn.record("labs", {"known": False})
            turn.text("labs_skipped")
        elif not said:
            turn.text("skipped")
        self._advance(turn)

    def _note_speaker(self, turn: Turn, text: str) -> None:
        """A relative writing ("my daughter is 24, she has lupus"), seen in the first
        messages (until one said something usable; "my mother is 70" after "I have lupus"
        is about someone else): recorded once (the relation and the sex it implies, no text)."""
        tracker = turn.tracker
        if (tracker.relation is not None and not tracker.described) or tracker.role == "clinician":
            return
        found = self.speaker(text)
        if getattr(found, "speaker", None) == "patient" and not tracker.self_told:
            turn.record("self_told", {})    # "I have lupus": the writer's own
        described = getattr(found, "described", None)
        if getattr(found, "speaker", None) is None and described and tracker.messages < SPEAKER_MESSAGES:
            # "T-ALL relapsed 2nd time, 14yo boy, ...": no writer said, the patient described as
            # someone: the person the writer asks for, of that sex (h185, round 38)
            turn.record("speaker", {"relation": SOMEONE_ELSES[described], "sex": described, "described": True})
            return
        if getattr(found, "speaker", None) != "relative" or not getattr(found, "relation", None):
            return
        # later on, only a writer naming themself the patient's relative ("sorry, I should say
        # I am her mum", "im his wife btw"), or a relative named with the illness already noted
        # while the writer never spoke of their own ("mi hija tiene lupus", then "my daughter 20
        # has lupus, cellcept failed": the daughter is the patient; lead, round 41): "my mother
        # is 70" after "I have lupus" is someone else
        if (tracker.messages < SPEAKER_MESSAGES or getattr(found, "writer", None)
                or (not tracker.self_told and self._names_the_known_illness(tracker, text))):
            turn.record("speaker", {"relation": found.relation, "sex": found.sex})

    def _names_the_known_illness(self, tracker, text: str) -> bool:
        """The message names a diagnosis already noted as the patient's."""
        known = {f.concept for f in tracker.profile.facts if f.label == "CONDITION" and f.asserted}
        said = {f.concept for f in self._read(text, tracker=tracker) if f.label == "CONDITION" and not f.negated}
        return bool(known & said)

    def _corrects_whose(self, turn: Turn, body: str) -> bool:
        """A correction of whom the conversation is about ("I have ITP", then "sorry i meant my
        dad has ITP, he's 71"): the correction's body is a relative's telling naming a diagnosis
        already noted as the patient's, so the writer is that relative's family and the facts
        are the relative's (the speaker recorded as a first message would record it; the facts
        of the body are then read as the patient's, never as family history)."""
        tracker = turn.tracker
        if tracker.relation is not None or tracker.role == "clinician":
            return False
        found = self.speaker(body)
        if getattr(found, "speaker", None) != "relative" or not getattr(found, "relation", None):
            return False
        if not self._names_the_known_illness(tracker, body):
            return False
        turn.record("speaker", {"relation": found.relation, "sex": found.sex})
        return True

    def _of_someone_else(self, turn: Turn, text: str, facts: list[Fact]) -> list[Fact]:
        """A later message about another relative than the patient ("my sister has RA and is
        on methotrexate" after "I have lupus", "my husband has psoriasis" from a mother writing
        for her daughter): that relative's, family history, never the patient's diagnosis or
        treatment. Only once the conversation knows its patient (facts told before) and only
        for a message the speaker reader gives wholly to a named relative (one that also speaks
        of the writer's own health is read as written). The place stays the family's."""
        tracker = turn.tracker
        if not facts or not tracker.profile.facts or tracker.role == "clinician":
            return facts
        found = self.speaker(text)
        relation = getattr(found, "relation", None)
        if getattr(found, "speaker", None) != "relative" or relation is None or relation == tracker.relation:
            return facts
        return [f if f.family or f.label == "LOCATION" else replace(f, family=True) for f in facts]

    def _ask_whose(self, turn: Turn, text: str, facts: list[Fact], source: str) -> bool:
        """A telling that names only a parent's or sibling's illness and nothing of the writer's
        own ("hi my sister has lupus"), before the patient's diagnosis is known: read as written
        it is family history, and the bot would go on asking the writer's diagnosis. Asked
        instead, once: "Are you asking for your sister?" (the relation and which message told it
        are kept with the question, never the text). Not for clinicians, nor once the relative
        the conversation is about or the patient's own diagnosis is known."""
        if not _whose_open(turn.tracker) or not any(
                f.family and f.label == "CONDITION" and not (f.negated or f.hypothetical) for f in facts):
            return False
        found = self.named_relative(text)
        if found is None:
            return False
        self._ask_about(turn, found.relation, found.sex, source)
        return True

    def _ask_named(self, turn: Turn) -> bool:
        """The same question, once the role is chosen, about the relative a first message named
        before it was (``Tracker.named``)."""
        named = turn.tracker.named
        if not named or not _whose_open(turn.tracker):
            return False
        self._ask_about(turn, named.get("relation"), named.get("sex"), named.get("told"))
        return True

    def _ask_about(self, turn: Turn, relation: str, sex: str | None, told: str | None) -> None:
        voices = load_voices()
        worded = {key: fill(wording, voices.words(relation, sex, key.partition(":")[0] if ":" in key else "en"))
                  for key, wording in self._worded("ask_whose").items()}
        turn.record("asked", {"key": WHOSE_KEY, "form": "yes_no", "options": [], "token": turn.tracker.questions + 1,
                              "text": worded, "relation": relation, "sex": sex, "told": told})
        self._prompt(turn)

    def _whose_answer(self, turn: Turn, words: str, extra: list[Fact], typed: bool) -> None:
        """"Yes" to "Are you asking for your sister?": she is the patient from now on (the
        relation recorded, as when a relative says so) and what that message told of her is
        hers, no longer family history; "no" or "not sure": read as written, the questions go
        on. Any other reply is taken in as told, and the question stays."""
        tracker = turn.tracker
        pending = tracker.pending or {}
        said = self.texts.match_choice(words, ("yes", "no", "unsure", "skip"))
        if said is None and typed and _speaks_of(words, pending.get("sex")):
            said = "yes"        # "shes 45", "her lungs are scarred too": the relative asked about is the one spoken of
        if said == "yes":
            relation, sex, told = pending.get("relation"), pending.get("sex"), pending.get("told")
            turn.record("speaker", {"relation": relation, "sex": sex})
            theirs = [f for f in tracker.profile.facts if f.family and f.source == told]
            facts = [replace(f, family=False) for f in theirs]
            if sex and tracker.profile.own("SEX") is None:
                facts.append(Fact("SEX", sex, relation or sex, source=told))
            removed = [{"label": f.label, "concept": f.concept} for f in theirs]
            self._note(turn, "answer", {"key": WHOSE_KEY, "source": tracker.next_source, "removed": removed},
                       unique(facts + extra))
            self._advance(turn)
        elif said:
            self._skip(turn, "unsure")
        elif typed:
            self._free_text(turn, words)
        else:
            self._not_understood(turn, words)

    def _unknown_elsewhere(self, turn: Turn, words: str) -> bool:
        """A reply saying that something the pending question does not ask about is not known
        ("not sure what her CK is" to "When did she last take steroid tablets?"): said to be
        left for the trial team, and the question stays (lead, round 40)."""
        thing = self.phrasings.unknown_thing(words)
        if not thing:
            return False
        asked = " ".join(str(v) for v in ((turn.tracker.pending or {}).get("text") or {}).values()).casefold()
        if any(len(w) >= 2 and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", asked)
               for w in thing.casefold().split()):
            return False        # "not sure what her CK is" to a question about the CK: not sure
        turn.text("unknown_left", thing=thing)
        self._prompt(turn)
        return True

    def _not_now(self, turn: Turn, facts: list[Fact]) -> list[Fact]:
        """A plain "no" to "When did you last take X? … or say 'never'" from someone who
        said they took X means "not now": X stays as told (how it went too), taken in the
        past and not current; never "never had X"."""
        took = [f for f in turn.tracker.profile.facts if f.label in ("DRUG", "PROCEDURE") and not f.negated]
        kept: list[Fact] = []
        for fact in facts:
            same = [f for f in took if f.label == fact.label and (f.concept == fact.concept or _is_a(f.concept, fact.concept))]
            if fact.negated and not fact.historical and same:
                kept.extend(replace(f, historical=True, status=None if f.status == "current" else f.status) for f in same)
            else:
                kept.append(fact)
        return kept

    def _dates_the_diagnosis(self, turn: Turn, words: str, answered: list[Fact], extra: list[Fact]) -> list[Fact]:
        """"since 2015" to "When did you last take steroids?" right after "i have crohns": the
        time is when the illness began, said on from the message before (a reply opening with
        ``onset_reply_words`` and telling nothing else), when that message named exactly one
        diagnosis and no date for it. The diagnosis dated is returned (none otherwise)."""
        dated = [f for f in answered if f.date]
        if len(dated) != 1 or dated[0].negated or any(f.label != "LOCATION" for f in extra):
            return []
        if not opens_with_any(words, vocabulary_words("onset_reply_words")):
            return []
        tracker = turn.tracker
        named = [f for f in tracker.profile.facts if f.label == "CONDITION" and f.source == tracker.last_source
                 and f.asserted and not f.family]
        if len(named) != 1 or named[0].date or named[0].duration_days is not None:
            return []
        return [replace(named[0], date=dated[0].date, source=tracker.next_source)]

    def _all_stopped(self, turn: Turn, words: str, answered: list[Fact]) -> list[Fact]:
        """"i stopped everything in the summer" to "When did you last take MMF?": the date is
        every treatment's the person told of with no date and not taken now, so the same
        question is not asked of each (``all_treatments_words``; lead, round 34)."""
        dated = [f for f in answered if f.label in ("DRUG", "PROCEDURE") and f.date and not f.negated and f.status != "current"]
        if len(dated) != 1:
            return []
        if not says_any(words, vocabulary_words("all_treatments_words")):
            return []
        when = dated[0].date
        return [replace(f, date=when, historical=True) for f in turn.tracker.profile.facts
                if f.label == "DRUG" and not (f.negated or f.family or f.hypothetical or f.date)
                and f.status != "current" and f.concept != dated[0].concept]

    def _group_told(self, turn: Turn, key: str, answered: list[Fact], extra: list[Fact]) -> list[Fact]:
        """The answer to "When did she last take each of these: MMF, belimumab, anifrolumab?"
        (``bot.asking``'s group question) that names no treatment ("stopped them all last
        year", "a while ago", "taking them now") is each one's: every treatment of the group
        is dated, or taken in the past or now, as the one asked first; their questions are
        answered. A reply naming treatments ("MMF 2023, belimumab last month") is read as
        written; the treatments it does not name stay open (h190, round 39)."""
        group = [k for k in (turn.tracker.pending or {}).get("group") or [] if k.startswith("last_dose:")]
        concept = key.split(":", 1)[1]
        own = [f for f in answered if f.label == "DRUG" and f.concept == concept]
        if not group or len(own) != 1 or any(f.label == "DRUG" for f in extra):
            return []
        said = own[0]
        wanted = {k.split(":", 1)[1] for k in group}
        if said.negated:
            # "Never" to them all: no treatment of the group was had, as the one asked first
            # (a group answer naming none is each one's; h195, round 40)
            never = {f.concept: f for f in turn.tracker.profile.facts if f.label == "DRUG" and f.concept in wanted
                     and not (f.negated or f.family or f.hypothetical)}
            for other in group:
                if other.split(":", 1)[1] in never:
                    turn.record("answer", {"key": other, "source": turn.tracker.next_source, "facts": []})
            return [replace(f, negated=True, historical=said.historical, status=None, date=None, ongoing=False)
                    for f in never.values()]
        if not (said.date or said.historical or said.status == "current" or said.ongoing):
            return []
        told = {f.concept: f for f in turn.tracker.profile.facts if f.label == "DRUG" and f.concept in wanted
                and not (f.negated or f.family or f.hypothetical)}
        for other in group:
            if other.split(":", 1)[1] in told:
                turn.record("answer", {"key": other, "source": turn.tracker.next_source, "facts": []})
        return [replace(f, date=said.date, historical=said.historical,
                        status="current" if said.status == "current" else f.status, ongoing=said.ongoing)
                for f in told.values()]

    def _class_told(self, turn: Turn, key: str, answered: list[Fact]) -> None:
        """"When did you last take MMF?" "i stopped it last year": when MMF is the only
        treatment of its classes the person told of, "When did you last take an
        immunosuppressant?" would ask the same again; those class questions are answered by
        it (nothing is added: what the criterion needs beyond what was told stays unknown for
        the trial team; h190, round 39)."""
        concept = key.split(":", 1)[1]
        said = [f for f in answered if f.label == "DRUG" and f.concept == concept and not f.negated
                and (f.date or f.historical or f.status == "current" or f.ongoing)]
        if not said:
            return
        terminology = load_terminology()
        if concept not in terminology.concepts:
            return
        told = {f.concept for f in turn.tracker.profile.facts + answered if f.label == "DRUG"
                and not (f.negated or f.family or f.hypothetical) and f.concept in terminology.concepts}
        tracker = turn.tracker
        for broader in sorted(terminology.ancestors(concept) - {concept}):
            other = f"last_dose:{broader}"
            if other in tracker.answered or other in tracker.skipped:
                continue
            if all(c == concept or not terminology.is_a(c, broader) for c in told):
                turn.record("answer", {"key": other, "source": tracker.next_source, "facts": []})

    def _no_labs(self, turn: Turn, text: str) -> bool:
        """"i dont have her labs", "no labs" (data/phrasings.yaml): noted (no lab questions)."""
        if not self.phrasings.says_no_labs(text):
            return False
        if turn.tracker.labs is not False:
            turn.record("labs", {"known": False})
        return True

    def _answer(self, turn: Turn, words: str, *, typed: bool, correction: str | None = None) -> None:
        """A reply to the pending question: a pressed option, or typed text (which may
        also say more than the question asked: that is taken in too). ``correction``: the
        reply opened like a correction; when it does not answer, it is one."""
        key = turn.tracker.pending["key"]
        source = turn.tracker.next_source
        extra = self._of_someone_else(turn, words, stamp(self._read(words, source=source, tracker=turn.tracker), source)) if typed else []
        outcomes = self._outcome_of_told(turn, words, source) if typed and not extra and key != LOCATION_KEY else []
        if len(outcomes) >= 2:      # of a list ("neither helped"): a bare "didnt work" may answer the question
            # "he had humira and stelara", then, to the question asked after it, "neither
            # helped": how those went, not "no" to the question (which stays open)
            self._note(turn, "facts", {"source": source}, outcomes)
            self._advance(turn)
            return
        if extra and key != LOCATION_KEY:
            extra += self._place_in_passing(turn, words, extra, source)     # "im 38 and in dublin" to another question
        if key == LOCATION_KEY:
            # only a recognised place is kept, never the answer's words (#17): the place the
            # text names, else the gazetteer's name for the answer, else nothing
            found = [f for f in extra if f.label == "LOCATION"]
            place = _place_name(self.texts.strip_place(words), self.gazetteer, said=extra,
                                declined=self.texts.match_choice(words, ("no", "unsure", "yes")),
                                names=None if self.gazetteer is not None or found else site_places(self.trials),
                                not_place=self.texts.not_place_words, not_place_parts=self.texts.not_place_parts)
            if place is None and not found:
                place = self._place_in_answer(words, extra)
            # a town told with its country ("im in canada, toronto") is one place, kept whole (h155)
            facts = (found if len(found) == 2 and sum(is_country(f.concept) for f in found) == 1 else found[:1]) \
                or located(place, source)
            if not facts and not [f for f in extra if f.label != "LOCATION"]:
                self._skip(turn, "unsure")
                return
            self._record_answer(turn, key, facts + [f for f in extra if f.label != "LOCATION"], source)
            return
        if key == WHOSE_KEY:                # "Are you asking for your sister?"
            self._whose_answer(turn, words, extra, typed)
            return
        if key == WHICH_KEY:                # "Shall we start with your son or your daughter?"
            self._which_answer(turn, words, typed)
            return
        if key == LABS_KEY:                 # "Do you have recent blood test results?"
            if self.texts.match_choice(words, ("no", "unsure")):
                self._skip(turn, "unsure")
            elif self.texts.match_choice(words, ("yes",)) or any(f.label in ("LAB", "SCORE") for f in extra):
                turn.record("labs", {"known": True})
                self._record_answer(turn, key, extra, source)
            else:
                self._not_understood(turn, words)
            return
        question = self._find_question(turn, key)
        if question is None:            # the question no longer matters (facts changed)
            if typed:
                self._free_text(turn, words)
            else:
                self._advance(turn)
            return
        kwargs = {"today": self.today} if self.today is not None else {}
        answered = question.answer_to_facts(words, **kwargs)
        if answered is None and typed and extra and _NO_THEN_WORD.match(words) and not any(
                _about_asked(question, f.concept) for f in extra if f.concept):
            answered = []   # "no he hasnt had car t before" to the ECOG question: the "no" is the CAR-T's
        if answered is None and typed and extra and all(
                f.uncertain and f.concept and not _about_asked(question, f.concept) for f in extra):
            # "When did you last take rituximab?" "dont know my plts atm": the doubt is of what
            # the reply names, not an answer to the question: taken in, the question stays (h176, round 37)
            self._free_text(turn, words)
            return
        if answered is None and typed and self._unknown_elsewhere(turn, words):
            return      # "not sure what her CK is" to a question about steroids: the CK left open
        if answered is None:            # the answer says "not sure"
            told = [f for f in extra if not (f.concept and _about_asked(question, f.concept))] if typed else []
            if told:
                # "not sure, he had some in the spine at the start but i think its clear now" to
                # the ECOG question: left open, and what the reply told beside it taken in
                self._note(turn, "facts", {"source": source}, told)
            self._skip(turn, "unsure")
            return
        answered = [_without_words(f, words, typed) for f in answered]      # never the answer's text (#16)
        if typed and _dates_something_else(question, extra):
            # "When did she last take rituximab?" "creatinine was 1.8 last month": the date is
            # the creatinine's, not the rituximab's; what the reply told is taken in, the
            # question stays open; unless its first clause answers alone ("she stopped it last
            # year, her platelets were 150 last month"): that is the answer, the rest is read
            # on its own (h195, round 40)
            answered, extra = self._first_clause_answer(turn, question, words, source, extra, kwargs)
        if typed and answered and (_denies_something_else(question, words, extra)
                                   or _denies_unread(question, words, extra)):
            # "Has he taken methotrexate …?" "no cancer, they screened him": the "no" is
            # the cancer's own, not a reply; what the message told is taken in, the
            # question stays open
            answered = []
        if key.startswith("last_dose:") and typed and answered:
            onset = self._dates_the_diagnosis(turn, words, answered, extra)
            if onset:
                # "i have crohns" / (steroid question) / "since 2015": the diagnosis's date
                self._note(turn, "facts", {"source": source}, onset)
                self._advance(turn)
                return
        if key.startswith("last_dose:"):
            answered = self._not_now(turn, answered)
            answered += self._all_stopped(turn, words, answered) if typed else []
            answered += self._group_told(turn, key, answered, extra)
            self._class_told(turn, key, answered)
        if not answered and typed:
            # "hes pretty weak, mostly in bed now" to the ECOG question: the score it gives
            # (ECOG >= 3) is the answer, not a telling after which the same question comes again
            answered = [f for f in extra if _is_the_asked_value(question, f)]
            extra = [f for f in extra if f not in answered]
        if not answered and correction is not None:
            self._correct(turn, [], correction)
            return
        no_labs = typed and self._no_labs(turn, words)
        if not answered and not extra and not no_labs and typed:
            extra = self._place_alone(turn, words, source)    # "Birmingham" to "Ever had dialysis?"
        if not answered and not extra and not no_labs:
            self._not_understood(turn, words)
            return
        if not answered:                # not an answer, but it told us something else
            if extra:
                # "Tell me about the illness": "my son has crohns and my daughter has lupus …"
                people = self._people_in(turn, words, extra, source) if typed else []
                payload = {"source": source, **({"people": people} if people else {})}
                self._note(turn, "facts", payload, extra, quiet=bool(people))
            if no_labs:
                turn.text("labs_skipped")
            elif turn.tracker.passed >= PASSED_IN_ROW and turn.tracker.pending is not None:
                # told other things instead of answering, again: the question is left open
                # and the next one comes (never the same question after every message)
                turn.record("skip", {"key": key, "choice": "passed"})
                turn.text("passed_over")
            self._advance(turn)
            return
        self._record_answer(turn, key, unique(stamp(answered, source) + extra), source)

    def _first_clause_answer(self, turn: Turn, question: Any, words: str, source: str, extra: list[Fact],
                             kwargs: dict) -> tuple[list[Fact], list[Fact]]:
        """A reply to a date question whose first clause (up to its first comma, semicolon or
        full stop) answers it alone and names nothing else ("she stopped it last year, her
        platelets were 150 last month"): (the clause's answer, the rest's facts read on their
        own, so its dates are its own). Otherwise ([], ``extra``): the question stays open."""
        cut = _ANSWER_CLAUSE_END.search(words)
        if cut is None:
            return [], extra
        first, rest = words[:cut.start()], words[cut.end():]
        if not first.strip() or not rest.strip():
            return [], extra
        answered = question.answer_to_facts(first, **kwargs)
        if not answered:
            return [], extra
        own = self._read(first, source=source, tracker=turn.tracker)
        if any(f.label not in _NOT_DATED and not _about_asked(question, f.concept) for f in own):
            return [], extra
        offset = cut.end()
        told = [replace(f, start=f.start + offset, end=f.end + offset)
                for f in stamp(self._read(rest, source=source, tracker=turn.tracker), source)]
        return answered, self._of_someone_else(turn, words, told)

    def _outcome_of_told(self, turn: Turn, text: str, source: str) -> list[Fact]:
        """A message that only says how the treatments just told went ("tried steroids, ivig,
        rituximab", then "none of them worked" or "nothing lasts"): read after them, as one
        telling, it gives them the outcome it says (the pipeline's own list-outcome reading).
        Only the treatments of the message just before, told with no outcome of their own; none
        when the message names anything itself (lead, round 38)."""
        tracker = turn.tracker
        told = [f for f in tracker.profile.facts
                if f.label in ("DRUG", "PROCEDURE") and f.source == tracker.last_source and f.status is None
                and not (f.negated or f.family or f.hypothetical or f.uncertain)]
        if not told or len(text) > OUTCOME_FOLLOW_UP_CHARS or self.faq.is_question(text):
            return []
        names = [f.text for f in told]
        joined = f"tried {', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else f"tried {names[0]}"
        read = {(f.label, f.concept): f for f in self._read(f"{joined}. {text}", tracker=tracker)
                if f.label in ("DRUG", "PROCEDURE")}
        found = []
        for fact in told:
            again = read.get((fact.label, fact.concept))
            if again is not None and again.status in _FOLLOW_UP_OUTCOMES and not again.negated:
                found.append(replace(fact, status=again.status, historical=again.historical or fact.historical,
                                     ongoing=again.ongoing, source=source))
        return found

    def _asked_us(self, turn: Turn, text: str) -> bool:
        """A question to the bot, answered from data/faq.yaml (never noted as a fact): an
        entry or a term; the sites of the trials that may fit. A question the FAQ does not
        answer and that says nothing about the patient gets what the bot can answer. While
        a question of ours is pending, only a message opening with a question word counts
        ("45?" is an answer). An answer to "Which city?" that asks too ("Bristol. how far is
        the nearest?") is the answer: the results that follow show the sites."""
        tracker = turn.tracker
        if (tracker.pending is not None and tracker.pending.get("key") == LOCATION_KEY
                and tracker.profile.first("LOCATION") is None
                and self._place_in_answer(text, self._read(text, tracker=tracker)) is not None):
            return False
        which = self.faq.ordinal(text) if tracker.last_results is not None else None
        if which is not None and self.faq.asks_details(text):
            listed = self._listed(turn, which)
            if listed:      # "what are the exclusion criteria for the first trial?": that trial in full
                self._command(turn, "trial", str(listed[0].get("id")))
            else:           # "... the 5th one?" of a list of two: the list again
                self.show_results(turn)
            return True
        answers = self.faq.find_all(text)
        if answers:
            results = any(answer.results for answer in answers)
            if results:         # "which trials could she join and are any in california?": the
                answers = [a for a in answers if not a.sites]   # results show the sites, nearest first
            told = self._read(text, tracker=turn.tracker)
            # a telling that names the place too ("68M RRMM ... Any trials in Europe?") notes it
            # with the rest, once (h185, round 38)
            told_place = any(f.label == "LOCATION" and not f.negated for f in told) and any(
                f.label != "LOCATION" and not (f.hypothetical or f.uncertain) for f in told)
            if ((results or any(answer.sites for answer in answers)) and tracker.profile.first("LOCATION") is None
                    and not told_place):
                self._place_asked_about(turn, text)     # "are any of these trials in the UK?"
                if tracker.profile.first("LOCATION") is None:
                    # "附近有试验吗？我们在上海": the place the message tells, read as any place is
                    # (lead, round 39)
                    places = [f for f in self._read(text, tracker=tracker) if f.label == "LOCATION" and not f.negated]
                    if places:
                        source = tracker.next_source
                        self._note(turn, "facts", {"source": source}, stamp(places[:1], source))
            tells = any(f.label != "LOCATION" and (not (f.hypothetical or f.uncertain) or _wished(f)) for f in told)
            for answer in answers:      # "what is car-t and does it hurt?": both answered
                if answer.sites and tells:
                    # "she has had ITP since 6 ... is there anything in europe?": the case is
                    # taken in and the trials that follow show their sites (lead, round 40)
                    results = True
                elif answer.sites:
                    self._sites_answer(turn, which)
                else:
                    turn.say("faq", text=answer.text)
            if not results and not all(answer.general for answer in answers):
                # "do i need to stop tofa to join?": the general answer, then what the trials
                # that may fit say of it in their own words; never after "what is car-t?", "how
                # long does car-t take?": the treatment the trials give is no finding asked about (h190)
                self._criteria_found(turn, text)
            turn.results_asked = results
            if tells:
                return False    # "41, UC since 2010, failed mesalamine ... am i eligible?": the rest is taken in
            # the place a question names ("is there anything near Berlin") was taken just above
            if results and tracker.profile.facts:
                if (any(a.contacts for a in answers) and tracker.last_results is not None
                        and tracker.last_results == self._results_signature(turn)):
                    # "who do i call" under a list unchanged since: the sites and contacts of
                    # those trials, not the whole list again (lead, round 37)
                    self._sites_answer(turn, which)
                    self._after_answer(turn)
                    return True
                self.show_results(turn)
                return True
            self._after_answer(turn)
            return True
        # while a question of ours is pending, "any CD7 CAR-T options?" asks too: a question
        # mark with the trials named is no answer to "Patient's city?" (lead, round 37)
        # (or one naming a place: "any in london?"; lead, round 40)
        asks = (self.faq.opens_question(text) or (self.faq.is_question(text) and (
                    self.faq.about_trials(text) or self._place_named(text) is not None))
                if tracker.pending is not None else self.faq.is_question(text))
        # "crohns 12 yrs ... 39 male. anything?", "is there any car t for kids with itp": a
        # case closing with a request for the trials, even while a question of ours is pending
        at_end = self.faq.asks_for_trials_at_end(text)
        if not (asks or at_end) or any(not (f.hypothetical or f.uncertain) for f in self._read(text, tracker=tracker)):
            # "can she join with lupus nephritis?": what it says is taken in; "do any of these
            # trials take people with UC?" only asks (the UC told before is no "possible" now)
            if at_end:
                # "34M, relapsed T-ALL after allo-HSCT ... Any CD7 CAR-T?": taken in, and the
                # trials asked for follow (not the next question; lead, round 38)
                turn.results_asked = True
            return False
        if tracker.profile.facts and (self.faq.about_trials(text) or at_end):
            turn.results_asked = True   # "is there any study that takes antisynthetase?": the trials answer it
            self.show_results(turn)
            return True
        named = self._trial_named(text)
        if named is not None:           # "what are the exclusion criteria for NCT05239702?": that trial, in full
            self._command(turn, "trial", named)
            return True
        if self._place_question(turn, text):
            return True
        if self._criteria_asked(turn, text):
            return True
        turn.text("faq_unknown")
        self._after_answer(turn)
        return True

    def _place_question(self, turn: Turn, text: str) -> bool:
        """A question that names a place and nothing the FAQ answers ("any in london?", "what
        about the one in shanghai?"): a question about where the trials are. The place is noted
        as where the person is when none is known yet, and the trials that may fit follow,
        nearest first; else their sites (lead, round 40)."""
        place = self._place_named(text)
        if place is None:
            if not self._trials_place_asked(text):
                return False
            self._sites_answer(turn)        # "why is it in china?": where the trials are
            self._after_answer(turn)
            return True
        tracker = turn.tracker
        known = tracker.profile.first("LOCATION")
        if known is None:
            self._note_place(turn, place)
        if known is None and any(f.label != "LOCATION" for f in tracker.profile.facts):
            turn.results_asked = True
            self.show_results(turn)
            return True
        self._sites_answer(turn)
        self._after_answer(turn)
        return True

    def _criteria_asked(self, turn: Turn, text: str) -> bool:
        """"does she need CD19+ B cells?": the criteria of the trials that may fit naming what
        the question asks about, quoted with their verdict (bot.criteria_asked); False when
        nothing is asked about or no listed trial names it."""
        asked = self._asked_about(turn, text)
        requirement = asks_a_requirement(text)
        # no finding named: the question's own phrases ("does he need bone marrow involvement?")
        phrases = asked_phrases(text) if not asked and requirement else []
        if not self._criteria_found(turn, text, asked, phrases, say_none=requirement):
            return False
        self._after_answer(turn)
        return True

    def _criteria_found(self, turn: Turn, text: str, asked: list[Fact] | None = None,
                        phrases: list[str] | None = None, say_none: bool = False) -> bool:
        """Says the criteria of the trials that may fit naming what ``text`` asks about
        (``asked``: its findings, read when not given; ``phrases``: its own words); False when
        no diagnosis is known yet or no such criterion exists. ``say_none``: a question about a
        requirement none of them names is told so ("will my lung nodules be an issue?": none of
        the trials that may fit names lung nodules; the trial team decides)."""
        if asked is None:
            asked = self._asked_about(turn, text)
        if not (asked or phrases) or not turn.tracker.profile.facts:
            return False
        results = self.results(turn)
        if not results or not reads_a_condition(results[0]):
            return False
        fitting = [r for r in results if r.verdict in CANDIDATE]
        terminology = load_terminology()
        found = criteria_about(fitting, asked, terminology, phrases)
        if not found:
            if not (say_none and fitting):
                return False
            what = [terminology.label(f.concept) if f.concept in terminology else f.text for f in asked] or (phrases or [])[:2]
            turn.text("criteria_asked_none", what=", ".join(dict.fromkeys(what)), count=len(fitting))
            return True
        turn.say("criteria_asked", trials=found)
        return True

    def _asked_about(self, turn: Turn, text: str) -> list[Fact]:
        """The findings a question names as asked about (hypothetical), who the patient is aside."""
        return [f for f in self._read(text, tracker=turn.tracker) if f.hypothetical and f.concept
                and f.label not in ("AGE", "SEX", "LOCATION")]

    def _trial_named(self, text: str) -> str | None:
        """The id of a trial the bot knows that the message names ("NCT05239702",
        "local-cd7-cart-heme"), the first one; else None."""
        known = {str(i).casefold() for t in self.trials for i in (t.get("id"), t.get("nct_id")) if i}
        return next((m.group(1) for m in ID_IN_TEXT.finditer(text) if m.group(1).casefold() in known), None)

    def _after_answer(self, turn: Turn) -> None:
        """Back to where the conversation stands (the role question counts one unclear answer)."""
        if turn.tracker.role is None:
            self._role_unclear(turn)
        else:
            self._prompt(turn)

    def _listed(self, turn: Turn, which: int | None = None) -> list[dict]:
        """The records of the trials the results list as may fitting, in its order (a suspected
        diagnosis: those fitting it, bot.results), at most ``SITES_TRIALS``; with ``which``
        (1 the first, -1 the last) that one alone, or none when the list is shorter."""
        listed, _ = fitting_first([r for r in self.results(turn) if r.verdict in ("likely", "possible")])
        listed, _, _ = apart(listed)     # not a kidney-disease trial's sites for lupus nephritis
        if which is None:
            return [r.trial for r in listed[:SITES_TRIALS]]
        at = which - 1 if which > 0 else which
        return [listed[at].trial] if -len(listed) <= at < len(listed) else []

    def _sites_answer(self, turn: Turn, which: int | None = None) -> None:
        """"Where is the hospital?": the sites of the trials that may fit (nearest first,
        with contacts and the registry page); every trial's when there are few and
        nothing is known yet; else first the illness. ``which``: the place in that list of
        the one trial asked about ("who do i contact for the first one?"; -1 the last)."""
        tracker = turn.tracker
        location = tracker.profile.first("LOCATION")
        place = location.concept if location else None
        if tracker.profile.facts:
            records = self._listed(turn, which)
        else:
            trials = self.trials
            records = list(trials)[:SITES_TRIALS] if isinstance(trials, list) and len(trials) <= SITES_TRIALS else []
        if not records:
            turn.text("faq_sites_need_facts" if not tracker.profile.facts else "results_none")
            return
        views = [{"id": t.get("id"), "nct_id": t.get("nct_id"), "title": t.get("title") or t.get("id"),
                  **where_to_ask(t, place, self.gazetteer if place else None)} for t in records]
        turn.say("faq_sites", trials=views)

    def _late_place(self, turn: Turn, text: str, source: int) -> list[Fact]:
        """The city given after its question was answered with something else ("she also
        had rituximab in 2023" to "Which city?", then "Leeds, UK"): kept when the question was
        asked, no place is known yet, nothing else was read in the message, and it names a
        place alone: one the gazetteer knows, or without one a "City, Region" pair of names
        ("Thanks" is no place)."""
        tracker = turn.tracker
        if LOCATION_KEY not in tracker.asked or tracker.profile.first("LOCATION") is not None:
            return []
        return located(self._known_place(text) or self._name_pair(text), source)

    def _name_pair(self, text: str) -> str | None:
        """Without a gazetteer, a "City, Region" pair of capitalised names ("Leeds, UK",
        "Dublin, Ireland") kept as a place answer would be; else None ("Thanks" is none)."""
        if self.gazetteer is not None:
            return None
        words = self.texts.strip_place(text)
        parts = [p.strip() for p in words.split(",")]
        if len(parts) == 2 and all(p and all(w[:1].isupper() for w in p.split()) for p in parts):
            return _place_name(words, None, said=[], declined=self.texts.match_choice(text, ("no", "unsure", "yes")),
                               not_place=self.texts.not_place_words, not_place_parts=self.texts.not_place_parts)
        return None

    def _place_said_alone(self, turn: Turn, text: str, source: int) -> list[Fact]:
        """A whole message saying where the person is, with no question open for it ("we're
        in manchester", "we live near Leeds"): the words after the phrase (``places.in_passing``)
        kept as an answer to "Which city?" would be (the gazetteer's name; without one, a
        few words of a name that hold no word of ``not_place_words``); a place already known
        stays."""
        if turn.tracker.profile.first("LOCATION") is not None:
            return []
        runs = self.texts.places_in_passing(text)
        words = self.texts.strip_place(text)
        if not runs or words.casefold() != runs[0]:
            return []           # more than the phrase and the place: the illness reader's
        place = _place_name(words, self.gazetteer, said=[], declined=False,
                            names=None if self.gazetteer is not None else site_places(self.trials),
                            not_place=self.texts.not_place_words, not_place_parts=self.texts.not_place_parts)
        return located(place, source)

    def _place_alone(self, turn: Turn, text: str, source: str) -> list[Fact]:
        """A reply that is only a known place's name, to another question ("Birmingham" to
        "Has she ever had dialysis?": the city the person expects to be asked for): kept when
        no place is known yet and the place is one the gazetteer knows (without one, a city
        or country of the trials' sites, or a "City, Country" pair of names: "Dublin,
        Ireland"); never a guess from one word alone."""
        if turn.tracker.profile.first("LOCATION") is not None or self.texts.match_choice(text, ("no", "unsure", "yes")):
            return []
        return located(self._known_place(text) or self._name_pair(text), source)

    def _place_asked_about(self, turn: Turn, text: str) -> None:
        """The place a question about the sites names after "in" or "near" ("are any of these
        trials in the UK?", "anything near leeds?"): noted as where the person is when the
        gazetteer (or, without one, a trial site's city or country) knows it; never a guess
        ("in hospital" is no place)."""
        place = self._place_named(text)
        if place is not None:
            self._note_place(turn, place)

    def _note_place(self, turn: Turn, place: str) -> None:
        source = turn.tracker.next_source
        self._note(turn, "facts", {"source": source}, located(place, source))

    def _trials_place_asked(self, text: str) -> bool:
        """A question about where a trial is that names a known place ("why is it in china",
        "is the trial only in china?")."""
        return self._place_named(text, of_trial=True) is not None

    def _place_named(self, text: str, of_trial: bool = False) -> str | None:
        """The known place a message names after "in" or "near" ("any in london?"), or None;
        with ``of_trial``, only a place said of a trial ("why is it in china"), else never one
        ("why is it in china": the trial's place, not the person's; lead, round 41)."""
        for match in _IN_PLACE.finditer(text):
            if self.texts.trials_place(text[:match.start()]) != of_trial:
                continue
            words = match.group(1).strip()
            for n in range(min(3, len(words.split())), 0, -1):
                candidate = " ".join(words.split()[:n])
                if not candidate.isupper() and any(w.casefold() in self.texts.not_place_words for w in candidate.split()):
                    continue        # "anything near us": the people, not the United States ("in the US" is)
                place = self._known_place(candidate)
                if place is not None:
                    return place
        return None

    def _place_in_answer(self, words: str, said: list[Fact]) -> str | None:
        """The place an answer to "Which city?" names in a sentence ("we are in bristol, is
        there anything near us?"): the words after "we're in", "she lives in", ...
        (``places.in_passing``), else its first clause read as a place alone, each kept only as
        a place name alone would be (the gazetteer's, else a site's, else a few words of a
        name; the clause only when nothing clinical was said: "tried mycophenolate" is none)."""
        first = self.texts.strip_place(_CLAUSE_END.split(words, maxsplit=1)[0])
        candidates = [(c, []) for c in self.texts.places_in_passing(words)] + [(first, said)]
        for candidate, other in candidates:
            if not candidate:
                continue
            place = _place_name(candidate, self.gazetteer, said=other,
                                declined=bool(self.texts.match_choice(candidate, ("no", "unsure", "yes"))),
                                names=None if self.gazetteer is not None else site_places(self.trials),
                                not_place=self.texts.not_place_words, not_place_parts=self.texts.not_place_parts)
            if place is not None:
                return place
        return None

    def _known_place(self, text: str) -> str | None:
        """The name of the place a message names alone: the gazetteer's ("no", "not sure",
        "yes" are none), else, without a gazetteer, the trials' sites' ("netherlands",
        "leeds": a country or a site's city), else None."""
        words = self.texts.strip_place(text)
        if self.gazetteer is not None:
            return _place_name(words, self.gazetteer, said=[], declined=self.texts.match_choice(text, ("no", "unsure", "yes")))
        return site_places(self.trials).name_for(words)

    def _not_understood(self, turn: Turn, words: str | None = None) -> None:
        """Not understood. A question: what the bot can answer. Never "I didn't catch that"
        twice in a row: the second time the pending question is left open (and the next
        comes), or, with none pending, what the bot can do is said."""
        tracker = turn.tracker
        if words is not None and self.faq.is_question(words):
            turn.text("faq_unknown")
            self._prompt(turn)
            return
        if tracker.unclear:
            if tracker.pending is not None:
                turn.text("not_understood_again")
                self._skip(turn, "unsure", said=True)   # left open, and on to the next
            else:
                turn.text("nothing_found_again")
            return
        turn.record("unclear", {})
        if tracker.pending is not None:
            turn.text("not_understood")
            self._prompt(turn)
        elif tracker.profile.facts:
            turn.text("nothing_new")    # the diagnosis is known: asking for it again is odd
        else:
            turn.text("nothing_found")

    def _record_answer(self, turn: Turn, key: str, facts: list[Fact], source: str) -> None:
        self._note(turn, "answer", {"key": key, "source": source}, facts)
        self._advance(turn)

    def _note(self, turn: Turn, kind: str, payload: dict[str, Any], facts: list[Fact], hint: bool = False,
              quiet: bool = False) -> None:
        """Record what a message said and confirm it back; a fact that changes one already
        known ("I'm not pregnant" after "pregnant") is shown as the change it is. ``quiet``:
        recorded, not said (several people's facts, said once a person is chosen)."""
        known = {Profile.key(f): f for f in turn.tracker.profile.facts}
        facts = [Profile.carried(known[Profile.key(f)], f) if Profile.key(f) in known else f for f in facts]
        changed = [(known[Profile.key(f)], f) for f in facts
                   if Profile.key(f) in known and differs(known[Profile.key(f)], f)]
        turn.record(kind, {**payload, "facts": [f.to_dict() for f in facts]})
        if quiet:
            return
        fresh = [f for f in facts if all(f is not new for _, new in changed)]
        dated = [new for old, new in changed if _only_dated(old, new)]     # a date added, nothing else
        # how a treatment told just before went ("none of them worked"): noted, not a correction
        outcomes = [new for old, new in changed if _only_outcome(old, new)]
        changed = [(old, new) for old, new in changed if not (_only_dated(old, new) or _only_outcome(old, new))]
        shown = _most_specific(fresh + outcomes, turn.tracker.profile.facts)
        if shown:
            turn.say("noted", facts=shown, hint=hint)
        if dated:
            turn.say("dated", facts=dated)
        if changed:
            turn.say("corrected", old=[old for old, _ in changed], new=[new for _, new in changed])

    def _correct(self, turn: Turn, facts: list[Fact], body: str, answer: str | None = None) -> None:
        """A correction: "no, it was azathioprine" replaces the drug just noted (keeping
        what was said about it, e.g. that it did not help); "I'm not pregnant" replaces
        the pregnancy fact; "actually 45" replaces the age (or the latest number noted).
        ``answer``: the open question's answer said with it ("no", engine._no_to_a_kin),
        recorded after the correction instead of asking the question again."""
        tracker = turn.tracker
        source = tracker.next_source
        if facts:
            facts, old, removed = corrections.replacing(tracker, facts)
        else:
            facts, old = corrections.redated(tracker, body, source, self.today or date.today())
            if not facts:
                facts, old = corrections.renumbered(tracker, body, source, self._read)
            removed = []
            if not facts:
                turn.text("correction_unclear")
                self._prompt(turn)
                return
        turn.record("correction", {"source": source, "removed": removed, "facts": [f.to_dict() for f in facts]})
        turn.say("corrected", old=old, new=facts)
        if answer is not None and turn.tracker.pending is not None:
            self._answer(turn, answer, typed=False)
            return
        self._advance(turn)


def _without_words(fact: Fact, words: str, typed: bool) -> Fact:
    """An answer's fact as it is stored: the question's own choice ("no", an option) or,
    for a typed answer, the fact's concept as its text, never the words typed ("nope never
    had that, swears grandpa" is kept as "not congenital immunodeficiency", nothing more)."""
    text = words if not typed else fact.concept
    return replace(fact, text=text, start=0, end=len(text))


def _option_index(pending: dict, text: str) -> int | None:
    wanted = normalise(text)
    for options in (pending.get("options") or [], pending.get("zh:options") or []):   # "女性" is "Female"
        for i, option in enumerate(options):
            if normalise(str(option)) == wanted:
                return i
    return None


_CLAUSE_END = re.compile(r"[,;.!?\n]")
# the words after "in" or "near" in a question about the sites, up to the clause's end
# (and "the closest site to birmingham", "nearest one to leeds"; lead, round 40)
_IN_PLACE = re.compile(r"\b(?:in|near|around|close\s+to|(?:closest|nearest)(?:\s+[a-z]+){0,2}?\s+to)\s+(?:the\s+)?([^,;.!?\n]{1,40})",
                       re.IGNORECASE)


def _place_name(place: str, gazetteer: Any, said: list[Fact], declined: bool, names: Any = None,
                not_place: frozenset[str] = frozenset(), not_place_parts: tuple[str, ...] = ()) -> str | None:
    """What is kept of an answer to "Which city do you live in?": the gazetteer's name for
    it, else (no gazetteer installed) the name ``names`` (bot.geo_names.SitePlaces) gives it
    ("uk": United Kingdom, "leeds": the sites' Leeds), else the answer itself only when it
    reads as a place name alone: a few words, no digits, nothing else said in it, not "no"
    or "not sure", no word no place name is made of (``not_place``: "i think so"), no part
    of a reply written without spaces that no place name holds (``not_place_parts``: "吗")."""
    # emoji and other symbols are no part of a name ("🤔" to "Which city?" was "lives in 🤔";
    # "leeds 😊" is Leeds); an answer without a letter names no place (h195, round 40)
    place = " ".join("".join(ch for ch in (place or "") if not unicodedata.category(ch).startswith(("S", "C", "M"))
                             or ch.isalnum()).split())
    if not place or declined or not any(ch.isalpha() for ch in place):
        return None
    if gazetteer is not None:
        known = gazetteer.locate(place)
        return known.name if known is not None else None
    named = names.name_for(place) if names is not None and not said else None
    if named is not None:
        return named
    words = place.split()
    if said or len(place) > 40 or len(words) > 4 or any(ch.isdigit() for ch in place):
        return None
    if any(w.strip(".,!?;:'\"").casefold() in not_place for w in words):
        return None
    if any(part in place for part in not_place_parts):
        return None     # "有适合她的试验吗？" (a question, written without spaces) names no place
    return place


DATE_KINDS = ("last_dose", "history_date", "procedure_date", "diagnosis_date")
_NOT_DATED = ("AGE", "SEX", "LOCATION", "WEIGHT")


def _dates_something_else(question: Any, said: list[Fact]) -> bool:
    """A reply to a date question that names something else clinical (a lab value, a
    procedure, another drug or disease): any date in it may be that thing's."""
    if getattr(question, "kind", None) not in DATE_KINDS:
        return False
    return any(f.label not in _NOT_DATED and not _about_asked(question, f.concept) for f in said)


def _is_the_asked_value(question: Any, fact: Fact) -> bool:
    """A score or lab value of the very concept a choice or number question asks for, read
    from the reply's own words ("mostly in bed" for the ECOG question: ECOG >= 3)."""
    return (getattr(question, "form", None) in ("choice", "number") and fact.label in ("SCORE", "LAB")
            and fact.value is not None and fact.concept in (getattr(question, "concepts", None) or ())
            and not (fact.negated or fact.family or fact.hypothetical or fact.historical))


def _about_asked(question: Any, concept: str) -> bool:
    """The concept is one the question asks about, a kind of one, or above one."""
    return any(concept == c or _is_a(concept, c) or _is_a(c, concept) for c in getattr(question, "concepts", None) or ())


def _denies_something_else(question: Any, words: str, said: list[Fact]) -> bool:
    """A reply that opens by denying something other than what was asked: the first thing
    the message names is negated, nothing but its own negation cue comes before it (no
    comma or full stop after a "no" of reply), and it is neither the asked concept nor a
    kind of it or above it ("no methotrexate" still answers a question about
    immunosuppressants; "no infections" one about hepatitis B)."""
    named = sorted((f for f in said if f.start is not None and f.end), key=lambda f: f.start)
    if not named or not named[0].negated:
        return False
    first = named[0]
    before = words[:first.start]
    if not before.strip() or any(ch in before for ch in ",.;:!?-–—\n"):
        return False
    return bool(getattr(question, "concepts", None)) and not _about_asked(question, first.concept)


_ANSWER_CLAUSE_END = re.compile(r"\s*[,;]\s*|(?<=[\w)])\.\s+")     # "she stopped it last year, her platelets ..."
_NO_THEN_WORD = re.compile(r"\s*no[ \t]+([a-z']+)", re.IGNORECASE)     # "no fistulas atm" (no comma after the "no")


def _denies_unread(question: Any, words: str, said: list[Fact]) -> bool:
    """A reply opening "no" and then naming something the bot does not read ("no fistulas
    atm" to "Has a DMARD failed or not been tolerated?"): the "no" is that thing's, not a
    reply, unless the question's own words name it ("no kidney problems" to "Any kidney
    problems?") or a fact read from the message stands right there (``_denies_something_else``
    judges those). What may follow a "no" of reply ("no she hasnt", "no never") is data
    (``reply_after_no_words``)."""
    opening = _NO_THEN_WORD.match(words)
    if opening is None or opening.group(1).casefold() in vocabulary_words("reply_after_no_words"):
        return False
    if any(f.start is not None and f.start <= opening.end(1) for f in said):
        return False                # a fact named right after the "no": judged by what it is
    asked = {w for role in ("patient", "clinician") for w in plain(question.text(role)).split() if len(w) >= 4}
    named = [w for w in plain(words[opening.start(1):]).split()[:3]
             if len(w) >= 4 and w not in vocabulary_words("reply_after_no_words")]
    return bool(named) and not any(fuzz.ratio(w, a) >= 85 or w[:5] == a[:5] for w in named for a in asked)


def _only_outcome(old: Fact, new: Fact) -> bool:
    """The new fact only tells how the old treatment went (it had no outcome)."""
    return (old.label in ("DRUG", "PROCEDURE") and old.status is None and new.status is not None
            and not differs(replace(old, status=new.status), new))


def _only_dated(old: Fact, new: Fact) -> bool:
    """The new fact only dates the old one (it had no date)."""
    return old.date is None and new.date is not None and not differs(replace(old, date=new.date), new)


def _most_specific(facts: list[Fact], known: list[Fact] = ()) -> list[Fact]:
    """What "I noted" says back: a diagnosis said in general words beside its own kind
    ("T-ALL ... his leukemia cells") is not said twice ("T-cell acute lymphoblastic
    leukaemia; leukaemia"). Only the wording changes: every fact is still recorded; a general
    one with a date or duration of its own ("lupus since 2015, nephritis since 2025") stays.
    A kind noted before counts too: "T-ALL" then "the leukaemia is CD7 positive" says the
    marker, not "leukaemia" again."""
    def assertion(f: Fact) -> tuple:
        return (f.negated, f.family, f.hypothetical, f.uncertain)

    def covered(general: Fact, specific: Fact) -> bool:
        return (specific is not general and specific.concept != general.concept
                and assertion(specific) == assertion(general)
                and (general.date, general.duration_days) in ((None, None), (specific.date, specific.duration_days))
                and _is_a(specific.concept, general.concept))
    conditions = [f for f in [*facts, *known] if f.label == "CONDITION"]
    return [f for f in facts if f.label != "CONDITION" or not any(covered(f, o) for o in conditions)]


def _wished(fact: Fact) -> bool:
    """A pregnancy planned ("we want to try for a baby next year, is car-t safe?"): a fact
    of the patient's (trials exclude it) though written as a hope, never only a question."""
    return fact.label == "PREGNANCY" and fact.concept == "planning" and not (fact.negated or fact.family)


def _speaks_of(words: str, sex: str | None) -> bool:
    """A reply that opens by speaking of someone in the third person ("shes 45", "her lungs
    are scarred"), of the sex the relative named has (either, when it is not known)."""
    first = next(iter(plain(words).split()), "")
    kinds = ("female", "male") if sex not in ("female", "male") else (sex,)
    return any(first in vocabulary_words(f"third_person_{kind}_words") for kind in kinds)


def _whose_open(tracker: Any) -> bool:
    """"Are you asking for your sister?" may still be asked: a patient or relative chats (not a
    clinician), no relative is known to be the patient, it was not asked before, and no
    diagnosis of the patient's own is known."""
    return (tracker.role == "patient" and tracker.relation is None and WHOSE_KEY not in tracker.asked
            and not any(f.label == "CONDITION" and not (f.family or f.negated or f.hypothetical)
                        for f in tracker.profile.facts))


def located(place: str | None, source: Any) -> list[Fact]:
    """Where the person is, as the one fact a place name gives (none without a name)."""
    return [Fact("LOCATION", place, place, 0, len(place), source=source)] if place else []
