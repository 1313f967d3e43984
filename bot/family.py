"""A whole family in one message (part of the conversation engine, ``bot.engine``; issue
#14, h112 round 24): "my son (24) has crohns ... and my daughter (30) has lupus, anything
for either of them?", "Me and my sister both have diffuse scleroderma".

The bot looks for one person at a time. A first telling that describes two or more people
with their own illnesses (nlp's ``people_of``) is noted as said, and the bot asks whom to
start with, with a button per person ("your son (Crohn's disease)", "your daughter (lupus)";
numbered in the terminal chat, where the number or the person's word may be typed). The
answer keeps only that person's facts (their part of the message, read as about them; the
place stays the family's) and makes them the patient (the relation recorded, as when a
relative says so). After the results, a button per other person ("Now look for your
daughter") starts a fresh conversation about them from what the first message said of them.
"Not sure" or "skip" starts with the first person named. Clinicians are not asked.

Only facts are kept, as ever: each person's relation, the sex it implies and the facts of
their part, never the message's text. A mixin of ``Engine``: it uses the engine's
collaborators and texts through ``self``."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.corrections import stamp
from bot.tracker import WHICH_KEY, Tracker
from bot.turn import Turn
from bot.replies import Choice
from bot.voices import load_voices
from core.facts import Fact
from data.terminology import load_terminology

WRITER = "self"            # nlp/components/people.py's relation for the writer
MAX_PEOPLE = 4             # more people than this in one message: read as one telling (as before)


class Family:
    """How a turn handles a message about several people (``Engine`` mixes it in)."""

    def _people_in(self, turn: Turn, text: str, facts: list[Fact], source: str) -> list[dict[str, Any]]:
        """The people a first telling describes (two or more), each as ``{relation, sex,
        facts}`` for the event log; [] for one patient, a clinician, or a conversation that
        already knows facts."""
        tracker = turn.tracker
        if tracker.profile.facts or tracker.role == "clinician" or not facts:
            return []
        if self._nlp_extract():
            from nlp.pipeline import people_of  # start-up: nlp loaded on first use, like extract
        else:       # the chat's and Telegram's extraction process reads them in its child
            people_of = getattr(self.extract, "people_of", None)
            if people_of is None:
                return []
        kwargs = {"today": self.today} if self.today is not None else {}
        found = people_of(text, **kwargs)
        if not 2 <= len(found) <= MAX_PEOPLE:
            return []
        place = [f.to_dict() for f in facts if f.label == "LOCATION"]
        return [{"relation": p.relation, "sex": p.sex, "conditions": list(p.conditions),
                 "facts": [f.to_dict() for f in stamp(list(p.facts), source) if f.label != "LOCATION"] + place}
                for p in found]

    def _ask_which(self, turn: Turn) -> bool:
        """"I can look for one person at a time. Shall we start with your son (Crohn's
        disease) or your daughter (lupus)?" once, before anything else; the question stays
        until answered. False when there is nothing to ask."""
        tracker = turn.tracker
        pending = tracker.pending
        if pending is not None and pending.get("key") == WHICH_KEY:
            self._prompt(turn)
            return True
        if not tracker.people or WHICH_KEY in tracker.asked or tracker.role != "patient":
            return False
        labels = {lang: [self._person_label(p, lang) for p in tracker.people] for lang in ("en", "zh")}
        worded = {}
        for key, template in self._worded("ask_which").items():
            lang = key.partition(":")[0] if ":" in key else "en"
            ors = self.texts.phrase("or_separator", lang)
            names = labels.get(lang, labels["en"])
            choices = ors.join([self.texts.phrase("list_separator", lang).join(names[:-1]), names[-1]])
            worded[key] = template.replace("{choices}", choices)
        turn.record("asked", {"key": WHICH_KEY, "form": "choice", "options": labels["en"], "zh:options": labels["zh"],
                              "token": tracker.questions + 1, "text": worded, "told": tracker.people_told})
        self._prompt(turn)
        return True

    def _which_answer(self, turn: Turn, words: str, typed: bool) -> None:
        """The person pressed or typed ("2", "my daughter", "me"): theirs is the conversation.
        Any other reply: the question is asked again."""
        tracker = turn.tracker
        pending = tracker.pending or {}
        options = [str(o) for o in pending.get("options") or []]
        index = options.index(words) if words in options else None
        if index is None and words.strip().isdigit():       # "2": the terminal chat's second choice
            index = int(words.strip()) - 1 if 0 < int(words.strip()) <= len(options) else None
        if index is None and typed:
            from nlp.pipeline import person_named  # start-up: nlp loaded on first use, like extract

            index = person_named(words, [p["relation"] for p in tracker.people])
        if index is None or index >= len(tracker.people):
            self._not_understood(turn, words)
            return
        self._start_with(turn, index)

    def _start_with(self, turn: Turn, index: int) -> None:
        tracker = turn.tracker
        told = (tracker.pending or {}).get("told") or tracker.people_told
        person = tracker.people[index]
        others = [p for i, p in enumerate(tracker.people) if i != index]
        facts = _facts_of(person)
        relation, sex = person.get("relation"), person.get("sex")
        if relation == WRITER:
            if tracker.relation is not None:
                turn.record("speaker", {"relation": None, "sex": None})
        else:
            turn.record("speaker", {"relation": relation, "sex": sex})
            if sex and not any(f.label == "SEX" for f in facts):
                facts.append(Fact("SEX", sex, relation, source=told))
        removed = [{"label": f.label, "concept": f.concept} for f in tracker.profile.facts if f.source == told]
        turn.record("answer", {"key": WHICH_KEY, "source": tracker.next_source, "removed": removed,
                               "facts": [f.to_dict() for f in facts], "others": others})
        turn.forget_results()
        turn.text("which_started", who=self._who(person, turn.tracker.lang))
        if facts:
            turn.say("noted", facts=facts, hint=False)     # this person's facts only
        self._advance(turn)

    def _next_person(self, turn: Turn, index: int) -> None:
        """"Now look for your daughter": a fresh conversation about her (the role and the
        language kept), from what the first message said of her; the people still waiting
        are offered after her results."""
        tracker = turn.tracker
        if index >= len(tracker.others):
            turn.text("stale_button")
            self._prompt(turn)
            return
        person, rest = tracker.others[index], [p for i, p in enumerate(tracker.others) if i != index]
        role, language = tracker.role, tracker.language
        turn.clear = True
        turn.events.clear()
        turn.tracker = Tracker(turn.cid)
        turn.forget_results()
        if language is not None:
            turn.record("language", {"lang": language})
        turn.record("role", {"role": role or "patient"})
        relation, sex = person.get("relation"), person.get("sex")
        facts = [replace(f, source="m1") for f in _facts_of(person)]
        if relation != WRITER:
            turn.record("speaker", {"relation": relation, "sex": sex})
            if sex and not any(f.label == "SEX" for f in facts):
                facts.append(Fact("SEX", sex, relation, source="m1"))
        turn.record("facts", {"source": "m1", "facts": [f.to_dict() for f in facts], "others": rest})
        turn.text("next_started", who=self._who(person, turn.tracker.lang))
        self._advance(turn)

    def _typed_next(self, turn: Turn, text: str) -> bool:
        """"Now look for your daughter" typed (the terminal chat shows the button as text)."""
        for index, person in enumerate(turn.tracker.others):
            if any(_same(text, self._next_label(person, turn, lang)) for lang in ("en", "zh")):
                self._next_person(turn, index)
                return True
        return False

    def _next_choices(self, turn: Turn) -> list[Choice]:
        """The buttons under results offering the others the first message described."""
        return [Choice(f"next:{i}", text=self._next_label(p, turn, "en"), worded=(("zh", self._next_label(p, turn, "zh")),))
                for i, p in enumerate(turn.tracker.others)]

    def _next_label(self, person: dict[str, Any], turn: Turn, lang: str) -> str:
        return self.texts.text("next_person", turn.tracker.role, lang).replace("{who}", self._who(person, lang))

    def _who(self, person: dict[str, Any], lang: str) -> str:
        if person.get("relation") == WRITER:
            return self.texts.text("which_self", "patient", lang)
        return load_voices().words(person.get("relation") or "", person.get("sex"), lang)["who"]

    def _person_label(self, person: dict[str, Any], lang: str) -> str:
        """"your son (Crohn's disease)": who, and their first illness."""
        who = self._who(person, lang)
        conditions = person.get("conditions") or []
        if not conditions:
            return who
        name = _condition_name(conditions[0], lang)
        return f"{who}（{name}）" if lang == "zh" else f"{who} ({name})"


def _facts_of(person: dict[str, Any]) -> list[Fact]:
    return [Fact.from_dict(f) for f in person.get("facts") or []]


def _condition_name(concept: str, lang: str) -> str:
    entry = load_terminology().get(concept)
    if entry is None:
        return concept
    if lang == "zh" and getattr(entry, "zh", ()):
        return entry.zh[0]
    return entry.label


def _same(text: str, label: str) -> bool:
    return " ".join(text.casefold().split()) == " ".join(label.casefold().split())
