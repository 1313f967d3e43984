"""One turn of one conversation: the tracker rebuilt from the event log, the events the
turn appends (committed together by ``bot.engine``), and the reply being built."""
from __future__ import annotations

from typing import Any

from bot.replies import Block, Choice
from bot.tracker import NOTING_EVENTS, Tracker


class Turn:
    """One turn: the rebuilt tracker, the events to commit, the reply being built."""

    def __init__(self, conversation_id: str, tracker: Tracker, clinician_ok: bool = True):
        self.cid = conversation_id
        self.tracker = tracker
        self.clinician_ok = clinician_ok
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.blocks: list[Block] = []
        self.choices: list[Choice] = []
        self.clear = False
        self.forgotten = False
        self.results_cache: list[Any] | None = None
        # the next questions chosen this turn (``bot.asking._next``), by what the choice
        # read: the results, the keys excluded, labs at hand and role; cleared with the results
        self.next_cache: dict[tuple, Any] = {}
        self.not_recruiting = 0                 # results left out of the cache: not recruiting
        self.questions: dict[str, Any] = {}     # questions asked in this turn, by key
        self.detected: str | None = None        # the language the message is clearly in (bot.language)
        # the message asked which trials may fit ("which trials could she join?", data/faq.yaml
        # `results`): once what it told is taken in, the results are the reply, not a question
        self.results_asked = False

    def record(self, kind: str, payload: dict[str, Any]) -> None:
        self.events.append((kind, payload))
        self.tracker.apply(kind, payload)
        if kind in NOTING_EVENTS:
            self.forget_results()

    def forget_results(self) -> None:
        """The facts changed (or the conversation was cleared): match and choose again."""
        self.results_cache = None
        self.next_cache.clear()

    def say(self, kind: str, **data: Any) -> None:
        self.blocks.append(Block(kind, data))

    def text(self, key: str, **values: Any) -> None:
        self.say("text", key=key, values=values)
