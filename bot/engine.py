"""The conversation engine: one per process, shared by the Telegram and CLI transports,
with no transport imports.

Each call (``start``, ``message``, ``press``, ``command``) is one turn of one
conversation: the state is rebuilt from the conversation's event log (``bot.tracker``),
the turn appends events, and the turn's events are committed in one transaction together
with the transport's update id (``bot.session_store``). The reply is structured
(``Reply``: blocks and quick-reply choices); ``bot.render`` words it.

Collaborators are injectable (tests pass small fakes); the defaults are the real ones:
``extract`` (nlp.pipeline), ``match`` (matching.engine), ``next_question``
(matching.questions), ``trials`` (the bundled trials in the store), ``confirm``
(matching's question for a key, used to question implausible values: bot.plausibility).

A transport describes where a turn comes from with a ``Channel``: whether this user may
use clinician mode (an allowlist), and, for an unreliable network, how to render the reply
so it is stored with the turn until delivered (the session store's outbox).

Limits: a message longer than ``MAX_MESSAGE_CHARS`` characters is refused politely
(nothing of it is read or stored); control characters and NUL bytes are read as spaces.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any, Callable, Sequence

from bot import collaborators, corrections, engine_commands
from bot.corrections import differs, stamp, unique
from bot.phrasings import load_phrasings
from bot.plausibility import confirm_key, confirmation
from bot.normalise import normalise_input
from bot.replies import Block, Channel, Choice, Reply  # noqa: F401  (Block re-exported)
from bot.results import shape_results
from bot.session_store import DuplicateUpdate, SessionStore
from bot.texts import Texts, load_texts, normalise
from bot.tracker import LABS_KEY, LOCATION_KEY, Tracker
from bot.turn import Turn
from core.facts import Fact, Profile
from data.terminology import load_terminology

MAX_MESSAGE_CHARS = 20_000         # longer messages are refused politely (documented)
MAX_BUTTONS = 8                    # more options than this: typed answers, no keyboard
SPEAKER_MESSAGES = 1               # who is writing is read until this many messages said something
MAX_LAB_SKIPS = 50                 # lab questions passed over in one search for the next question
QUESTION_BUDGET = 8                # questions per round: then results by themselves ("ask me more" goes on)
ROLES = ("patient", "clinician")
COMMANDS = ("start", "help", "profile", "results", "summary", "trials", "trial", "restart", "forget")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Engine:
    def __init__(
        self,
        store: SessionStore,
        *,
        transport: str = "cli",
        extract: Callable[..., list[Fact]] | None = None,
        match: Callable[..., list[Any]] | None = None,
        next_question: Callable[..., Any] | None = None,
        find_question: Callable[[list[Any], str], Any] | None = None,
        trials: Sequence[dict] | Callable[[], Sequence[dict]] | None = None,
        gazetteer: Any = collaborators.DEFAULT,
        texts: Texts | None = None,
        today: date | None = None,
        retention_days: int | None = None,
        confirm: Callable[[str], Any] | None = None,
        speaker: Callable[[str], Any] | None = None,
    ):
        self.store = store
        self.transport = transport
        self.texts = texts or load_texts()
        self.phrasings = load_phrasings()
        self.today = today
        self.retention_days = retention_days if retention_days is not None else collaborators.retention_days()
        self._extract = extract
        self._match = match
        self._next_question = next_question
        self._find_question_in = find_question
        self._own_matcher = match is None          # the real matcher, so the real question look-up
        self._trials_source = trials
        self._trials: list[dict] | None = None
        self._gazetteer = gazetteer
        self._confirm = confirm
        self._speaker = speaker

    # --- collaborators (real ones loaded on first use, or by warm_up) -------------------
    @property
    def extract(self) -> Callable[..., list[Fact]]:
        if self._extract is None:
            self._extract = collaborators.real_extract()
        return self._extract

    @property
    def match(self) -> Callable[..., list[Any]]:
        if self._match is None:
            self._match = collaborators.real_match()
        return self._match

    @property
    def next_question(self) -> Callable[..., Any]:
        if self._next_question is None:
            self._next_question = collaborators.real_next_question()
        return self._next_question

    @property
    def find_question(self) -> Callable[[list[Any], str], Any]:
        """``find_question(results, key)``: the open question with that key among the trials
        questions are chosen for (matching's, with the real matcher; else every result's)."""
        if self._find_question_in is None:
            self._find_question_in = (collaborators.real_find_question() if self._own_matcher
                                      else collaborators.scan_questions)
        return self._find_question_in

    @property
    def trials(self) -> list[dict]:
        if self._trials is None:
            source = self._trials_source
            if source is None:
                source = collaborators.store_trials(self.store.db)
            trials = source() if callable(source) else source
            self._trials = trials if hasattr(trials, "candidates") else list(trials)   # a catalog stays lazy
        return self._trials

    @property
    def confirm(self) -> Callable[[str], Any]:
        """matching's question for a key (``confirm:lab:platelets`` …), to read answers."""
        if self._confirm is None:
            self._confirm = collaborators.real_confirm_question()
        return self._confirm

    @property
    def speaker(self) -> Callable[[str], Any]:
        """Who wrote a message (nlp's ``speaker_of``: the patient, or a relative and which)."""
        if self._speaker is None:
            from nlp.pipeline import speaker_of  # start-up: nlp loaded on first use, like extract

            self._speaker = speaker_of
        return self._speaker

    @property
    def gazetteer(self) -> Any:
        if self._gazetteer is collaborators.DEFAULT:
            self._gazetteer = collaborators.real_gazetteer()
        return self._gazetteer

    def _read(self, text: str, source: str | None = None) -> list[Fact]:
        """Facts in a text (the extractor, given the engine's "today" when fixed). Long runs
        of emoji or symbols are defused by the extractor itself (nlp.pipeline)."""
        if self.today is not None:
            return list(self.extract(text, source=source, today=self.today))
        return list(self.extract(text, source=source))

    def warm_up(self) -> None:
        """Load every collaborator now (at start-up), so errors surface before users do."""
        _ = (self.extract, self.match, self.next_question, self.find_question, self.trials)
        self.preload_trials()
        self._read("warm up")
        if self.gazetteer is not None:
            self.gazetteer.locate("warm up")      # builds the gazetteer's index now
        collaborators.settle()

    def preload_trials(self) -> None:
        """Compile every stored trial's plan now (``TrialCatalog.preload``), so no user's
        turn waits for the trials of a diagnosis nobody asked about before."""
        preload = getattr(self.trials, "preload", None)
        if preload is not None:
            preload()

    # --- the four entry points -------------------------------------------------------
    def start(self, cid: str, *, role: str | None = None, update_id: int | None = None,
              channel: Channel | None = None) -> Reply | None:
        """/start: welcome and privacy notice; a new conversation is asked who is chatting
        (unless ``role`` is given), a known one carries on where it was."""
        return self._run(cid, update_id, lambda turn: self._start(turn, role), channel)

    def message(self, cid: str, text: str, *, update_id: int | None = None,
                channel: Channel | None = None) -> Reply | None:
        """A typed message (a "/command" too). None when ``update_id`` was already processed."""
        return self._run(cid, update_id, lambda turn: self._message(turn, text), channel)

    def press(self, cid: str, data: str, *, update_id: int | None = None,
              channel: Channel | None = None) -> Reply | None:
        """A quick-reply button pressed (``Choice.data``)."""
        return self._run(cid, update_id, lambda turn: self._press(turn, data), channel)

    def command(self, cid: str, name: str, arg: str = "", *, update_id: int | None = None,
                channel: Channel | None = None) -> Reply | None:
        return self._run(cid, update_id, lambda turn: self._command(turn, name, arg), channel)

    def profile(self, cid: str) -> Profile:
        """The current profile of a conversation (read only)."""
        return Tracker.rebuild(cid, self.store.events(cid)).profile

    def _run(self, cid: str, update_id: int | None, body: Callable[[Turn], None],
             channel: Channel | None = None) -> Reply | None:
        channel = channel or Channel()
        if update_id is not None and self.store.is_processed(update_id):
            return None
        turn = Turn(cid, Tracker.rebuild(cid, self.store.events(cid)), channel.clinician_ok)
        if not turn.clinician_ok and turn.tracker.role == "clinician":
            turn.record("role", {"role": "patient"})       # no longer on the allowlist
            turn.text("clinician_not_allowed")
        body(turn)
        tracker = turn.tracker
        if tracker.relation and tracker.role != "clinician" and turn.blocks:
            # the relative's voice: the renderer speaks of the patient in the third person
            turn.blocks.insert(0, Block("voice", {"relation": tracker.relation, "sex": tracker.relation_sex}))
        reply = Reply(turn.tracker.role, turn.tracker.state, turn.blocks, turn.choices)
        if not turn.forgotten:
            pieces = channel.outbox(reply) if channel.outbox is not None else None
            try:
                self.store.commit_turn(cid, self.transport, turn.events, update_id=update_id, clear_first=turn.clear,
                                       outbox=pieces, chat_id=channel.chat_id)
            except DuplicateUpdate:
                return None
            reply.queued = pieces is not None
        return reply

    # --- turns ---------------------------------------------------------------------
    def _start(self, turn: Turn, role: str | None) -> None:
        tracker = turn.tracker
        if role == "clinician" and not turn.clinician_ok:
            role = "patient"
        if tracker.events == 0:
            turn.text("welcome" if role in ROLES else "welcome_neutral")
            turn.say("privacy", days=self.retention_days)
            if role in ROLES:
                turn.record("role", {"role": role})
            self._prompt(turn)
            return
        if role in ROLES and tracker.role is None:
            turn.record("role", {"role": role})
        turn.text("welcome_back")
        turn.say("privacy", days=self.retention_days)
        self._prompt(turn)

    def _message(self, turn: Turn, raw: str) -> None:
        if len(raw or "") > MAX_MESSAGE_CHARS and len((raw or "").strip()) > MAX_MESSAGE_CHARS:
            turn.text("too_long", length=len(raw.strip()), limit=MAX_MESSAGE_CHARS)
            return                 # refused before anything reads it
        raw = normalise_input(raw)  # escapes, zero-width and control characters, NFKC (bot/normalise.py)
        text = _CONTROL.sub(" ", raw or "").strip()
        if not text:
            self._prompt(turn)
            return
        if text.startswith("/"):
            name, _, arg = text[1:].partition(" ")
            self._command(turn, name.split("@")[0].casefold(), arg.strip())
            return
        tracker, texts = turn.tracker, self.texts
        self._note_speaker(turn, text)
        if tracker.role is None:
            role = texts.match_choice(text, ("role_patient", "role_clinician"))
            if role:
                self._set_role(turn, role.removeprefix("role_"))
                return
        elif tracker.pending is not None:
            pending = tracker.pending
            if _asks_labs(pending["key"]) and (texts.match_choice(text, ("no",)) or self.phrasings.says_no(text)
                                               or self.phrasings.says_no_labs(text)):
                self._skip(turn, "unsure")      # "no" to "do you know your X?": no lab questions at all
                return
            if self.phrasings.says_no_labs(text) and not self._read(text):
                self._no_labs(turn, text)       # "i dont have her labs" is no answer to "How old is she?"
                turn.text("labs_skipped")
                self._prompt(turn)
                return
            if pending["key"].startswith("score:") and texts.match_choice(text, ("no",)):
                self._skip(turn, "unsure")      # "Do you know your SLEDAI?" "no"
                return
            left_open = texts.match_choice(text, ("unsure", "skip"))
            option = _option_index(pending, text)
            yes_no = texts.match_choice(text, ("yes", "no")) if pending.get("form") == "yes_no" else None
            if left_open:
                self._skip(turn, left_open)
                return
            if option is not None or yes_no:
                self._answer(turn, pending["options"][option] if option is not None else yes_no, typed=False)
                return
        intent = texts.intent(text) or self.phrasings.request(text)    # "can you just show me the trials pls"
        if intent:
            self._command(turn, intent, "")
            return
        if tracker.role is not None and texts.is_correction(text):
            body = texts.correction_body(text)
            source = tracker.next_source
            named = stamp(self._read(body, source=source), source) if body else []
            if named or tracker.pending is None:
                self._correct(turn, named, body)
            else:                   # "no, never" answers the question; "actually 45" corrects
                self._answer(turn, text, typed=True, correction=body)
            return
        if tracker.pending is not None:
            self._answer(turn, text, typed=True)
            return
        if tracker.results_shown and texts.match_choice(text, ("more",)):
            self._resume(turn)
            return
        if tracker.role is not None and texts.match_choice(text, ("yes", "no")):
            turn.text("correction_unclear" if texts.match_choice(text, ("no",)) else "ok")
            self._prompt(turn)
            return
        self._free_text(turn, text)

    def _press(self, turn: Turn, data: str) -> None:
        kind, _, rest = data.partition(":")
        tracker = turn.tracker
        if kind == "r" and rest in ROLES:
            if tracker.role is None:
                self._set_role(turn, rest)
            else:
                self._prompt(turn)
            return
        if kind == "cmd" and rest in COMMANDS:
            self._command(turn, rest, "")
            return
        if kind == "more":
            self._resume(turn)
            return
        token, _, value = rest.partition(":")
        pending = tracker.pending
        if kind in ("c", "o") and pending is not None and str(pending.get("token")) == token:
            options = pending.get("options") or []
            if kind == "c" and value in ("unsure", "skip"):
                self._skip(turn, value)
                return
            if kind == "c" and value in ("yes", "no"):
                self._answer(turn, value, typed=False)
                return
            if kind == "o" and value.isdigit() and int(value) < len(options):
                self._answer(turn, options[int(value)], typed=False)
                return
        turn.text("stale_button")
        self._prompt(turn)

    def _command(self, turn: Turn, name: str, arg: str) -> None:
        handler = engine_commands.HANDLERS.get(name)
        if handler is None:
            turn.text("unknown_command", command="/" + name)
            return
        handler(self, turn, arg)

    # --- pieces of a turn -------------------------------------------------------------
    def _set_role(self, turn: Turn, role: str) -> None:
        if role == "clinician" and not turn.clinician_ok:
            role = "patient"
            turn.text("clinician_not_allowed")
        turn.record("role", {"role": role})
        turn.text("role_set")
        if turn.tracker.profile.facts:
            self._advance(turn)
        else:
            self._prompt(turn)

    def _free_text(self, turn: Turn, text: str) -> None:
        source = turn.tracker.next_source
        no_labs = self._no_labs(turn, text)
        facts = stamp(self._read(text, source=source), source)
        if not facts and no_labs:
            turn.text("labs_skipped")
            self._advance(turn)
            return
        if not facts:
            turn.text("nothing_found")
            if turn.tracker.role is None:
                self._prompt(turn)
            return
        self._note(turn, "facts", {"source": source}, facts, hint=turn.tracker.messages == 0)
        if turn.tracker.role is None:
            self._prompt(turn)
            return
        self._advance(turn)

    def _skip(self, turn: Turn, choice: str) -> None:
        """"Not sure" / "skip": the question is left open (its criteria stay unknown). To
        "Do you have recent blood test results?" or a lab question: no lab questions at all."""
        key = turn.tracker.pending["key"]
        turn.record("skip", {"key": key, "choice": choice})
        if _asks_labs(key):
            turn.record("labs", {"known": False})
            turn.text("labs_skipped")
        else:
            turn.text("skipped")
        self._advance(turn)

    def _note_speaker(self, turn: Turn, text: str) -> None:
        """A relative writing ("my daughter is 24, she has lupus"), seen in the first
        messages (until one said something usable; "my mother is 70" after "I have lupus"
        is about someone else): recorded once (the relation and the sex it implies, no text)."""
        tracker = turn.tracker
        if tracker.relation is not None or tracker.messages >= SPEAKER_MESSAGES or tracker.role == "clinician":
            return
        found = self.speaker(text)
        if getattr(found, "speaker", None) == "relative" and getattr(found, "relation", None):
            turn.record("speaker", {"relation": found.relation, "sex": found.sex})

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
        extra = stamp(self._read(words, source=source), source) if typed else []
        if key == LOCATION_KEY:
            # only a recognised place is kept, never the answer's words (#17): the place the
            # text names, else the gazetteer's name for the answer, else nothing
            found = [f for f in extra if f.label == "LOCATION"]
            place = _place_name(self.texts.strip_place(words), self.gazetteer, said=extra,
                                declined=self.texts.match_choice(words, ("no", "unsure", "yes")))
            facts = found[:1] or ([Fact("LOCATION", place, place, 0, len(place), source=source)] if place else [])
            if not facts and not [f for f in extra if f.label != "LOCATION"]:
                self._skip(turn, "unsure")
                return
            self._record_answer(turn, key, facts + [f for f in extra if f.label != "LOCATION"], source)
            return
        if key == LABS_KEY:                 # "Do you have recent blood test results?"
            if self.texts.match_choice(words, ("no", "unsure")):
                self._skip(turn, "unsure")
            elif self.texts.match_choice(words, ("yes",)) or any(f.label in ("LAB", "SCORE") for f in extra):
                turn.record("labs", {"known": True})
                self._record_answer(turn, key, extra, source)
            else:
                turn.text("not_understood")
                self._prompt(turn)
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
        if answered is None:            # the answer says "not sure"
            self._skip(turn, "unsure")
            return
        if key.startswith("last_dose:"):
            answered = self._not_now(turn, answered)
        if not answered and correction is not None:
            self._correct(turn, [], correction)
            return
        no_labs = typed and self._no_labs(turn, words)
        if not answered and not extra and not no_labs:
            turn.text("not_understood")
            self._prompt(turn)
            return
        if not answered:                # not an answer, but it told us something else
            if extra:
                self._note(turn, "facts", {"source": source}, extra)
            if no_labs:
                turn.text("labs_skipped")
            self._advance(turn)
            return
        self._record_answer(turn, key, unique(stamp(answered, source) + extra), source)

    def _record_answer(self, turn: Turn, key: str, facts: list[Fact], source: str) -> None:
        self._note(turn, "answer", {"key": key, "source": source}, facts)
        self._advance(turn)

    def _note(self, turn: Turn, kind: str, payload: dict[str, Any], facts: list[Fact], hint: bool = False) -> None:
        """Record what a message said and confirm it back; a fact that changes one already
        known ("I'm not pregnant" after "pregnant") is shown as the change it is."""
        known = {Profile.key(f): f for f in turn.tracker.profile.facts}
        changed = [(known[Profile.key(f)], f) for f in facts
                   if Profile.key(f) in known and differs(known[Profile.key(f)], f)]
        turn.record(kind, {**payload, "facts": [f.to_dict() for f in facts]})
        fresh = [f for f in facts if all(f is not new for _, new in changed)]
        if fresh:
            turn.say("noted", facts=fresh, hint=hint)
        if changed:
            turn.say("corrected", old=[old for old, _ in changed], new=[new for _, new in changed])

    def _correct(self, turn: Turn, facts: list[Fact], body: str) -> None:
        """A correction: "no, it was azathioprine" replaces the drug just noted (keeping
        what was said about it, e.g. that it did not help); "I'm not pregnant" replaces
        the pregnancy fact; "actually 45" replaces the age (or the latest number noted)."""
        tracker = turn.tracker
        source = tracker.next_source
        if facts:
            facts, old, removed = corrections.replacing(tracker, facts)
        else:
            facts, old = corrections.renumbered(tracker, body, source, self._read)
            removed = []
            if not facts:
                turn.text("correction_unclear")
                self._prompt(turn)
                return
        turn.record("correction", {"source": source, "removed": removed, "facts": [f.to_dict() for f in facts]})
        turn.say("corrected", old=old, new=facts)
        self._advance(turn)

    def _resume(self, turn: Turn) -> None:
        turn.record("resume", {})
        self._advance(turn)

    # --- what comes next ---------------------------------------------------------------
    def results(self, turn: Turn) -> list[Any]:
        if turn.results_cache is None:
            turn.results_cache = list(self.match(turn.tracker.profile, self.trials, today=self.today))
        return turn.results_cache

    def _find_question(self, turn: Turn, key: str | None) -> Any:
        """The pending question's object: asked this turn, among the trials' open
        questions, or (a combined question) the one next_question gives again when
        everything but it is excluded. None when it no longer matters."""
        if key in turn.questions:
            return turn.questions[key]
        if key and key.startswith("confirm:"):
            doubtful = self._doubtful(turn, lambda k: k == key)
            if doubtful is not None:
                return doubtful
        question = self.find_question(self.results(turn), key)
        if question is not None:
            return question
        tracker = turn.tracker
        exclude = (tracker.answered | tracker.skipped) - {key}
        again = self._next(turn, exclude)
        return again if again is not None and again.key == key else None

    def _advance(self, turn: Turn) -> None:
        """Ask the next best question, or the user's city, or show the results."""
        tracker = turn.tracker
        if tracker.role is None:
            self._prompt(turn)
            return
        if tracker.questioning and tracker.pending is None and tracker.round_asked >= QUESTION_BUDGET:
            turn.text("budget_reached")     # enough questions for now: results, "ask me more" goes on
            self.show_results(turn)
            return
        seen = tracker.asked | tracker.answered | tracker.skipped
        doubtful = self._doubtful(turn, lambda key: key not in seen)
        if doubtful is not None:            # an implausible value: ask about it before anything else
            self._ask(turn, doubtful)
            return
        if not tracker.questioning:
            turn.text("results_updated")
            self.show_results(turn)
            return
        pending = tracker.pending
        if pending is not None and pending["key"] != LOCATION_KEY and self._find_question(turn, pending["key"]) is not None:
            self._prompt(turn)
            return
        if pending is not None and pending["key"] == LOCATION_KEY and tracker.profile.first("LOCATION") is None:
            self._prompt(turn)
            return
        if pending is not None and pending["key"] == LABS_KEY and tracker.labs is None:
            self._prompt(turn)
            return
        exclude = tracker.answered | tracker.skipped
        question = self._next(turn, exclude)
        if question is not None and question.key.startswith("lab:") and tracker.labs is None:
            turn.record("asked", {"key": LABS_KEY, "form": "yes_no", "options": [], "token": tracker.questions + 1,
                                  "text": {r: self.texts.text("ask_labs", r) for r in ROLES}})
            self._prompt(turn)
            return
        if question is not None:
            self._ask(turn, question)
            return
        if (tracker.profile.first("LOCATION") is None and LOCATION_KEY not in tracker.asked
                and any(r.verdict in ("likely", "possible") and r.trial.get("sites") for r in self.results(turn))):
            turn.record("asked", {"key": LOCATION_KEY, "form": "text", "options": [], "token": tracker.questions + 1,
                                  "text": {r: self.texts.text("ask_location", r) for r in ROLES}})
            self._prompt(turn)
            return
        turn.text("no_more_questions")
        self.show_results(turn)

    def _next(self, turn: Turn, exclude: set[str]) -> Any:
        """The next best question, but no lab question when the person has no labs at hand."""
        exclude = set(exclude)
        for _ in range(MAX_LAB_SKIPS):
            question = self.next_question(self.results(turn), turn.tracker.profile, exclude)
            if question is None or turn.tracker.labs is not False or not question.key.startswith("lab:"):
                return question
            exclude.add(question.key)
        return None

    def _doubtful(self, turn: Turn, wanted: Callable[[str], bool]) -> Any:
        """The question about the first implausible value whose key ``wanted`` accepts."""
        for fact in turn.tracker.profile.facts:
            key = confirm_key(fact)
            if key is not None and wanted(key):
                question = confirmation(fact, self.texts, self.confirm)
                if question is not None:
                    return question
        return None

    def _ask(self, turn: Turn, question: Any) -> None:
        turn.questions[question.key] = question
        turn.record("asked", {
            "key": question.key,
            "form": question.form,
            "options": list(question.options or []),
            "unit": getattr(question, "unit", None),
            "token": turn.tracker.questions + 1,
            "text": {"patient": question.patient, "clinician": question.clinician},
        })
        self._prompt(turn)

    def _prompt(self, turn: Turn) -> None:
        """Say where the conversation stands: the role question, the intake invitation,
        the pending question with its quick replies, or what can be done with results."""
        tracker = turn.tracker
        if tracker.role is None:
            turn.text("ask_role")
            turn.choices = [Choice("r:patient", key="role_patient"), Choice("r:clinician", key="role_clinician")]
            return
        pending = tracker.pending
        if pending is not None:
            token = pending.get("token")
            turn.say("question", text=pending.get("text", {}), form=pending.get("form"), unit=pending.get("unit"),
                     key=pending.get("key"))
            options = [str(o) for o in pending.get("options") or []]
            if len(options) > MAX_BUTTONS:     # a long list is in the question; typed answers work
                options = []
            turn.choices = [Choice(f"o:{token}:{i}", text=o) for i, o in enumerate(options)]
            if not options:
                keys = ("yes", "no", "unsure") if pending.get("form") == "yes_no" else ("unsure",)
                turn.choices = [Choice(f"c:{token}:{k}", key=k) for k in keys]
            elif not any(self.texts.match_choice(o, ("unsure", "skip")) for o in options):
                turn.choices.append(Choice(f"c:{token}:skip", key="skip"))
            turn.choices.append(Choice("cmd:results", key="results"))
            return
        if tracker.results_shown:
            turn.text("where_results")
            return
        turn.text("intake")

    def show_results(self, turn: Turn) -> None:
        tracker = turn.tracker
        if not tracker.profile.facts:
            turn.text("results_need_facts")
            return
        results = self.results(turn)
        location = tracker.profile.first("LOCATION")
        found = getattr(self.trials, "last", None)          # a catalog's pruning (matching.candidates)
        view = shape_results(results, location.concept if location else None, self.gazetteer,
                             left_out=getattr(found, "left_out", 0) or 0)
        shown = [trial for part in ("candidates", "ruled_out") for trial in view[part]]
        turn.record("shown", {"what": "results", "trials": [{"id": t["id"], "verdict": t["verdict"]} for t in shown],
                              "more": view["more_candidates"] + view["more_ruled_out"] + view["left_out"]})
        turn.say("results", **view)
        exclude = tracker.answered | tracker.skipped
        if self._next(turn, exclude) is not None:
            turn.choices = [Choice("more:", key="more")]
        turn.choices.append(Choice("cmd:summary", key="summary"))



def _is_a(concept: str, broader: str) -> bool:
    return load_terminology().is_a(concept, broader)


def _asks_labs(key: str) -> bool:
    """The blood-test question, or a lab's "Do you know your latest X result?"."""
    return key == LABS_KEY or key.startswith("lab:")


def _option_index(pending: dict, text: str) -> int | None:
    wanted = normalise(text)
    for i, option in enumerate(pending.get("options") or []):
        if normalise(str(option)) == wanted:
            return i
    return None


def _place_name(place: str, gazetteer: Any, said: list[Fact], declined: bool) -> str | None:
    """What is kept of an answer to "Which city do you live in?": the gazetteer's name for
    it, else (no gazetteer installed) the answer itself only when it reads as a place name
    alone: a few words, no digits, nothing else said in it, not "no" or "not sure"."""
    if not place or declined:
        return None
    if gazetteer is not None:
        known = gazetteer.locate(place)
        return known.name if known is not None else None
    words = place.split()
    if said or len(place) > 40 or len(words) > 4 or any(ch.isdigit() for ch in place):
        return None
    return place
