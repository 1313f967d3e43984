"""One conversation's state, rebuilt from its event log (in the manner of Rasa's tracker).

Event types and payloads (all JSON; no raw message text, only the span each fact needs):

* ``role``        ``{"role": "patient"|"clinician", "assumed": bool}`` (assumed: no clear answer)
* ``role_unclear`` ``{}``: a message did not say who is chatting (the role is asked once
  more; after that, patient wording is assumed)
* ``facts``       ``{"source": "m3", "facts": [Fact...]}``: what a free-text message said
  (``"part_at"``: the time, when the message was a long letter whose rest may follow;
  ``"people"``: the people a first telling described, each ``{relation, sex, conditions,
  facts}``, bot/family.py; ``"others"``: those still to look for)
* ``answer``      ``{"key", "source", "facts": [Fact...], "choice"}``: a question answered
  (to "whom first?": ``"others"``, the people to offer after the results)
* ``skip``        ``{"key", "choice": "unsure"|"skip"|"passed", "also"?}``: left open on purpose ("passed":
  the person told other things instead of answering, twice in a row; "also": the other
  questions of a group question, left open with it)
* ``correction``  ``{"source", "removed": [{"label", "concept"}], "facts": [Fact...]}``
* ``asked``       ``{"key", "form", "options", "token", "group"?}``: the question now pending ("group": the
  other last-dose questions it asks together, bot.asking)
* ``shown``       ``{"what": "results"|"summary", "trials": [{"id", "verdict", "status"}]}`` (results
  keep each trial's status, ``bot.status_changes``, and a ``signature``: a digest of the
  ids and verdicts in rank order, so an unchanged list is not sent again)
* ``status_told`` ``{"trials": {id: status}}``: trials shown before whose status changed,
  told at the start of a turn (``bot.status_changes``)
* ``resume``      ``{}``: the user asked for more questions after seeing results
* ``speaker``     ``{"relation": "daughter", "sex": "female"|"male"|None}`` (``"described": true``
  when no writer was said and the message only described the patient as someone): a relative is
  writing about the patient (from the first messages; the relation word's category only)
* ``self_told``   ``{}``: the writer spoke of their own illness ("I have lupus"): the patient
  is the writer, a relative named later with the same illness is family
* ``language``    ``{"lang": "en"|"zh"}``: the language the conversation is answered in
  (from the messages, or chosen with /language); kept by /restart, deleted by /forget
* ``unclear``     ``{}``: a message was not understood (the second in a row is not met
  with "I didn't catch that" again: the question is left open, or what the bot can do is said)
* ``labs``        ``{"known": bool}``: whether the person has lab results at hand ("no labs",
  or "no" to "Do you have recent blood test results?": no lab questions)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from core.facts import Fact, Profile

# Named conversation states (bot/conversation.mmd draws them)
ROLE = "ROLE"            # who is chatting? not yet known
INTAKE = "INTAKE"        # role known, nothing about the patient yet
ASKING = "ASKING"        # a question from matching is pending
LOCATION = "LOCATION"    # the engine's own question: the user's city
RESULTS = "RESULTS"      # questions stopped; results shown; free text still welcome

LOCATION_KEY = "location"
LABS_KEY = "labs"          # the engine's own question: "Do you have recent blood test results?"
# the engine's own question when a first message names only a parent's or sibling's illness
# ("hi my sister has lupus"): "Are you asking for your sister?"
WHOSE_KEY = "whose"
# the engine's own question when a first telling describes several people with their own
# illnesses ("my son has crohns and my daughter has lupus"): whom to start with (bot/family.py)
WHICH_KEY = "which"
NOTING_EVENTS = ("facts", "answer", "correction")
_UNDERSTOOD = (*NOTING_EVENTS, "skip", "asked", "shown", "resume", "role")


@dataclass
class Tracker:
    conversation_id: str
    role: str | None = None
    role_unclear: int = 0      # messages that did not say who is chatting
    unclear: int = 0           # messages not understood in a row (reset by anything understood)
    profile: Profile = field(default_factory=Profile)
    last_noted: list[Fact] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)
    answered: set[str] = field(default_factory=set)
    skipped: set[str] = field(default_factory=set)
    pending: dict[str, Any] | None = None
    messages: int = 0          # noting events so far (fact sources are m1, m2, ...)
    questions: int = 0         # questions asked so far (pending question token)
    round_asked: int = 0       # questions asked since the start or the last "ask me more" (the budget)
    skips_in_row: int = 0      # questions left open ("not sure", "skip") in a row, since the last answer or facts
    passed: int = 0            # messages in a row that told other things while the pending question stayed open
    self_told: bool = False    # the writer spoke of their own illness ("I have lupus"): the patient is the writer
    more: bool = False         # "ask me more" was said: every question that can still matter is asked
    questioning: bool = True
    results_shown: bool = False
    last_results: str | None = None   # the digest of the results list last shown (``shown``'s signature)
    labs: bool | None = None   # lab results at hand? None: not known yet
    relation: str | None = None       # a relative writes: "daughter" (the relative's voice)
    relation_sex: str | None = None   # the patient's sex the relation implies
    # the relation is only a patient described as someone ("14yo boy with T-ALL"): nobody said
    # who writes, a clinician may too, so the role is still asked (h185, round 38)
    described: bool = False
    # a parent or sibling the first telling named alone with an illness, before the role was
    # chosen ({relation, sex, told}): asked about once the role is (bot/answering.py _ask_whose)
    named: dict[str, Any] | None = None
    # the people a first telling described (bot/family.py): [{relation, sex, conditions,
    # facts}], the message that told them, and those still to look for after the results
    people: list[dict[str, Any]] = field(default_factory=list)
    people_told: str | None = None
    others: list[dict[str, Any]] = field(default_factory=list)
    language: str | None = None       # the conversation's language (None: not chosen, English)
    letter_part_at: float | None = None   # when the last noted message was a long letter's part (epoch s)
    events: int = 0

    @classmethod
    def rebuild(cls, conversation_id: str, events: Iterable[Any]) -> "Tracker":
        tracker = cls(conversation_id)
        for event in events:
            tracker.apply(event.type, event.payload)
        return tracker

    @property
    def state(self) -> str:
        if self.role is None:
            return ROLE
        if self.pending is not None:
            return LOCATION if self.pending["key"] == LOCATION_KEY else ASKING
        return RESULTS if self.results_shown else INTAKE

    @property
    def lang(self) -> str:
        """The language replies are worded in (English until another is chosen)."""
        return self.language or "en"

    @property
    def next_source(self) -> str:
        return f"m{self.messages + 1}"

    @property
    def last_source(self) -> str:
        """The source of the message before the one being read (``next_source``'s)."""
        return f"m{self.messages}"

    def apply(self, kind: str, payload: dict[str, Any]) -> None:
        """Fold one event into the state."""
        self.events += 1
        if kind in _UNDERSTOOD:
            self.unclear = 0
        if kind == "role":
            self.role = payload.get("role")
        elif kind in NOTING_EVENTS:
            facts = [Fact.from_dict(f) for f in payload.get("facts", [])]
            profile = self.profile
            for removed in payload.get("removed", []):
                profile = profile.remove(removed["label"], removed["concept"])
            self.profile = profile.add(facts)
            self.messages += 1
            self.letter_part_at = payload.get("part_at")
            if payload.get("named"):
                self.named = dict(payload["named"])
            if payload.get("people"):
                self.people = list(payload["people"])
                self.people_told = payload.get("source")
            if "others" in payload:
                self.others = list(payload["others"])
            if facts:
                self.last_noted = facts
            if facts or kind == "answer":
                self.skips_in_row = 0
            if kind == "facts" and self.pending is not None:
                self.passed += 1
            if kind == "answer":
                self.answered.add(payload["key"])
                self._clear_pending(payload["key"])
        elif kind == "skip":
            self.skipped.add(payload["key"])
            self.skipped.update(payload.get("also") or ())     # the other questions of a group question
            self.skips_in_row += 1
            self._clear_pending(payload["key"])
        elif kind == "asked":
            if self.pending is None or self.pending.get("key") != payload["key"]:
                self.passed = 0
            self.asked.add(payload["key"])
            self.questions += 1
            self.round_asked += 1
            self.pending = dict(payload)
        elif kind == "shown":
            if payload.get("what") == "results":
                self.results_shown = True
                self.last_results = payload.get("signature")
                self.questioning = False
                self.pending = None
        elif kind == "role_unclear":
            self.role_unclear += 1
        elif kind == "unclear":
            self.unclear += 1
        elif kind == "speaker":
            self.relation = payload.get("relation")
            self.relation_sex = payload.get("sex")
            self.described = bool(payload.get("described"))
        elif kind == "self_told":
            self.self_told = True
        elif kind == "labs":
            self.labs = bool(payload.get("known"))
        elif kind == "language":
            self.language = payload.get("lang")
        elif kind == "resume":
            self.questioning = True
            self.more = True
            self.round_asked = 0
            self.results_shown = False
            self.last_results = None

    def _clear_pending(self, key: str) -> None:
        if self.pending is not None and self.pending.get("key") == key:
            self.pending = None
            self.passed = 0
