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

import hashlib
import re
import time
from dataclasses import replace
from datetime import date
from typing import Any, Callable, Sequence

from bot import collaborators, engine_commands, status_changes
from bot.answering import Answering, _option_index, located
from bot.asking import Asking, _asks_labs
from bot.family import Family
from bot.corrections import redated, stamp, tells_instead
from bot.language import detect, detector, latin_script, load_languages
from bot.normalise import normalise_input
from bot.faq import load_faq
from bot.geo_names import site_places
from bot.phrasings import load_phrasings, plain, says_any
from bot.replies import Block, Channel, Choice, Reply  # noqa: F401  (Block re-exported)
from bot.session_store import DuplicateUpdate, SessionStore
from bot.trial_notes import offered
from bot.texts import ROLES, Texts, load_texts
from bot.tracker import LOCATION, Tracker
from bot.turn import Turn
from core.facts import Fact, Profile
from data.terminology import load_terminology
from data.criteria_headings import load_headings

MAX_MESSAGE_CHARS = 20_000         # longer messages are refused politely (documented)
# A letter (a pasted referral, a long Telegram message) is read whole like free text, never
# as the answer to the pending question: this many non-empty lines, or more than one line
# and this many characters, or a message near Telegram's 4,096-character split
LETTER_LINES = 4
LETTER_CHARS = 400
LETTER_PART_CHARS = 3_500
# Telegram splits a message over 4,096 characters into several arriving within a second:
# a message this soon after a letter's part is the rest of the letter
LETTER_JOIN_SECONDS = 2.0
COMMANDS = ("start", "help", "profile", "results", "summary", "trials", "trial", "role", "language", "restart", "forget")
_CLAUSE_SPLIT = re.compile(r"[,.;:!?\n]+|\s+-\s+")     # clauses of a message's opening
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


READ_SHARE = 0.5        # a message in another language gives facts: below this share of its letters read, say so


def _own_disease_named(text: str, facts: list[Fact]) -> bool:
    """A disease of the patient's named with "my" before it ("had a bad flu and my myositis
    flared"; h155, round 33) or "here" after it ("myositis here, 41 f", "RA patient here";
    h160, round 34): the writer tells their own illness."""
    return any(f.label == "CONDITION" and not f.family
               and (_MY_BEFORE.search(text, max(0, f.start - 6), f.start) or _HERE_AFTER.match(text, f.end))
               for f in facts)


# "my " right before a mention ("my myositis", "my lupus")
_MY_BEFORE = re.compile(r"(?<![\w'])my\s+$", re.IGNORECASE)
# " here" right after one ("myositis here,", "RA patient here")
_HERE_AFTER = re.compile(r"[^\S\n]+(?:patient[^\S\n]+|sufferer[^\S\n]+)?here\b", re.IGNORECASE)


def _conversation_context(tracker: Any) -> tuple[str | None, tuple[str, ...]]:
    """What the conversation already knows that a new message may not say again: the
    relative it is about (``tracker.relation``) and the patient's conditions told so far
    (concept ids, sorted; none denied, doubted, planned or a relative's)."""
    if tracker is None:
        return None, ()
    facts = getattr(getattr(tracker, "profile", None), "facts", None) or ()
    known = sorted({f.concept for f in facts if f.label == "CONDITION"
                    and not (f.negated or f.family or f.hypothetical or f.uncertain)})
    return getattr(tracker, "relation", None), tuple(known)


def _share_read(text: str, facts: list) -> float:
    """The share of ``text``'s letters inside the spans of the facts read from it."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if not letters:
        return 1.0
    covered = set()
    for fact in facts:
        start, end = getattr(fact, "start", None), getattr(fact, "end", None)
        if isinstance(start, int) and isinstance(end, int):
            covered.update(range(start, end))
    return sum(1 for i in letters if i in covered) / len(letters)


def _continues_letter(tracker: Tracker) -> bool:
    at = tracker.letter_part_at
    return at is not None and 0 <= time.time() - at <= LETTER_JOIN_SECONDS


def _an_option_said(pending: dict, text: str) -> bool:
    """The reply is one of the question's quick replies in other punctuation ("1) active, no
    heavy effort" for "1 active, no heavy effort")."""
    said = plain(text)
    return any(plain(str(o)) == said for options in (pending.get("options") or [], pending.get("zh:options") or [])
               for o in options)


def is_letter(text: str) -> bool:
    """A long multi-line message (a pasted letter) or one near a transport's split."""
    lines = sum(1 for line in text.splitlines() if line.strip())
    return lines >= LETTER_LINES or (lines > 1 and len(text) >= LETTER_CHARS) or len(text) >= LETTER_PART_CHARS


class Engine(Answering, Asking, Family):
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
        self.faq = load_faq()
        self.today = today
        self.retention_days = retention_days if retention_days is not None else collaborators.retention_days()
        self._extract = extract
        self._own_extract = extract is None         # the real extractor: its last facts kept (``_read``)
        self._last_read: tuple | None = None
        self._match = match
        self._next_question = next_question
        self._find_question_in = find_question
        self._own_matcher = match is None          # the real matcher, so the real question look-up
        self._own_questions = next_question is None    # matching's choice: it weighs answers by audience
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
    def named_relative(self) -> Callable[[str], Any]:
        """The one parent or sibling a message names as its subject while the writer says
        nothing of their own health (nlp's ``named_relative``), or None."""
        from nlp.pipeline import named_relative  # start-up: nlp loaded on first use, like extract

        return named_relative

    @property
    def gazetteer(self) -> Any:
        if self._gazetteer is collaborators.DEFAULT:
            self._gazetteer = collaborators.real_gazetteer()
        return self._gazetteer

    def _read(self, text: str, source: str | None = None, tracker: Any = None) -> list[Fact]:
        """Facts in a text (the extractor, given the engine's "today" when fixed). Long runs
        of emoji or symbols are defused by the extractor itself (nlp.pipeline).

        The real extractor's facts of the last text read are kept (by a digest of the text,
        never the text) and given out as copies with this ``source``: a message asking the
        bot something and telling facts is read by the FAQ check and again by the answer
        (~5 ms); the real extractor only stamps ``source`` on every fact."""
        about, known = _conversation_context(tracker)
        if not self._own_extract or not self._nlp_extract():
            return self._extracted(text, source, about, known)
        key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
               self.today or date.today(), about, known)
        last = self._last_read
        if last is None or last[0] != key:
            last = self._last_read = (key, self._extracted(text, None, about, known))
        return [replace(fact, source=source) for fact in last[1]]

    def _extracted(self, text: str, source: str | None, about: str | None = None,
                   known: tuple[str, ...] = ()) -> list[Fact]:
        """The extractor's facts. What the conversation already knows goes to an extractor
        that reads it (nlp's, or the extraction process): ``about``, the relative the
        conversation is about ("mum's ANA was positive" from a son writing for his mother is
        then the patient's); ``known``, the patient's conditions ("he had aza and ven, then a
        transplant" after "my dad has AML")."""
        kwargs: dict[str, Any] = {"source": source}
        if self.today is not None:
            kwargs["today"] = self.today
        if (about is not None or known) and (self._nlp_extract() or getattr(self.extract, "reads_relation", False)):
            kwargs.update(about=about, known=known)
        return list(self.extract(text, **kwargs))

    def _nlp_extract(self) -> bool:
        """The extractor is nlp's own (not a test's stand-in nor the extraction process)."""
        return getattr(self.extract, "__module__", None) == "nlp.pipeline"

    def warm_up(self) -> None:
        """Load every collaborator now (at start-up), so errors surface before users do."""
        _ = (self.extract, self.match, self.next_question, self.find_question, self.trials)
        self.preload_trials()
        self._read("warm up")
        if self.gazetteer is not None:
            self.gazetteer.locate("warm up")      # builds the gazetteer's index now
        # the language detector (bot/language.py), whose models load on first use (~0.1 s CPU)
        detector().compute_language_confidence_values("warm up")
        load_headings()                           # the criteria headings results leave out (bot.results)
        collaborators.settle()

    def preload_trials(self) -> None:
        """Compile every stored trial's plan now (``TrialCatalog.preload``), so no user's
        turn waits for the trials of a diagnosis nobody asked about before."""
        preload = getattr(self.trials, "preload", None)
        if preload is not None:
            preload(today=self.today)            # the leaves judged for the engine's day
            offered([], self.store.db)           # and every trial's status (bot.trial_notes), read once now
            site_places(self.trials)             # and the sites' place names (the first place answer: 0.2 s at 100,000 trials)

    # --- the four entry points -------------------------------------------------------
    def start(self, cid: str, *, role: str | None = None, update_id: int | None = None,
              channel: Channel | None = None, lang: str | None = None) -> Reply | None:
        """/start: welcome and privacy notice; a new conversation is asked who is chatting
        (unless ``role`` is given), a known one carries on where it was. ``lang``: the
        language the transport knows the user prefers (Telegram's ``language_code``),
        taken when the conversation has none yet and the bot reads it."""
        return self._run(cid, update_id, lambda turn: self._start(turn, role, lang), channel)

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
        events = self.store.events(cid)
        turn = Turn(cid, Tracker.rebuild(cid, events), channel.clinician_ok)
        status_changes.tell(self, turn, events)      # a trial shown before changed status since
        if not turn.clinician_ok and turn.tracker.role == "clinician":
            turn.record("role", {"role": "patient"})       # no longer on the allowlist
            turn.text("clinician_not_allowed")
        body(turn)
        tracker = turn.tracker
        if tracker.relation and tracker.role != "clinician" and turn.blocks:
            # the relative's voice: the renderer speaks of the patient in the third person
            turn.blocks.insert(0, Block("voice", {"relation": tracker.relation, "sex": tracker.relation_sex}))
        reply = Reply(turn.tracker.role, turn.tracker.state, turn.blocks, turn.choices, lang=turn.tracker.lang)
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
    def _start(self, turn: Turn, role: str | None, lang: str | None = None) -> None:
        tracker = turn.tracker
        wanted = (lang or "").casefold().replace("_", "-").split("-")[0]
        if tracker.language is None and wanted != "en" and wanted in load_languages().reads:
            turn.record("language", {"lang": wanted})
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
        if self._language_of(turn, text):
            return
        tracker, texts = turn.tracker, self.texts
        if tracker.role is None and turn.clinician_ok and self._opens_as_clinician(text):
            turn.record("role", {"role": "clinician"})      # "nurse here, writing for a patient of ours. 52M, …"
            turn.text("role_set")
        if self.phrasings.takes_leave(texts.without_courtesy(text)):
            turn.text("farewell")           # "thanks bye", "ok cheers" (lead, round 39)
            return
        if self.phrasings.let_down(text) and not [f for f in self._read(text, tracker=tracker) if f.label != "LOCATION"]:
            turn.text("let_down")           # "this is useless none of these are in the uk" (lead, round 39)
            self._prompt(turn)
            return
        writer = (tracker.relation, tracker.described)
        self._note_speaker(turn, text)
        if (tracker.role is not None and tracker.pending is not None and writer != (tracker.relation, tracker.described)
                and not self._read(text, tracker=tracker)):
            turn.text("ok")     # "i'm his mum": who writes is said, no answer; the question again in his words
            self._prompt(turn)
            return
        if tracker.profile.facts and texts.is_correction(text):
            body = texts.correction_body(text)
            if self._corrects_whose(turn, body):
                text = body         # "sorry i meant my dad has ITP": read as his telling
        item = self.phrasings.letter_line(text) if tracker.role is not None and tracker.pending is not None else None
        if item and (texts.match_choice(item, ("yes", "no", "unsure", "skip")) or self.phrasings.says_no(item)):
            text, item = item, None         # "- not sure", "* no": a bullet before a short answer is no part of it
        if item is not None and not _an_option_said(tracker.pending, text):
            # a letter sent line by line: "1. UKALL 2011 induction, MRD positive" is no ECOG 1,
            # "Treatment history:" no answer; what the line tells is taken in, the question stays
            if self._read(text, tracker=tracker):
                self._free_text(turn, text)
            else:
                turn.text("ok")
                self._prompt(turn)
            return
        if tracker.pending is not None and (is_letter(text) or _continues_letter(tracker)):
            self._free_text(turn, text)         # a pasted letter: "(anti-Scl-70 positive)" answers nothing
            return
        if tracker.role is None:
            role = texts.match_choice(text, ("role_patient", "role_clinician"))
            if role:
                self._set_role(turn, role.removeprefix("role_"))
                return
            said = self.phrasings.role(text)     # "for my mum", "both", "just looking"
            if said:
                self._role_answer(turn, *said)
                return
        elif pressed := texts.match_label(text, ("role_patient", "role_clinician")):
            role = pressed.removeprefix("role_")
            if role != tracker.role:        # the role button of the first message, typed later
                self._set_role(turn, role)
            else:                           # pressed again: never an answer ("lives in Patient or family")
                turn.text("stale_button")
                self._prompt(turn)
            return
        elif tracker.pending is not None:
            pending = tracker.pending
            if _asks_labs(pending["key"]) and (texts.match_choice(text, ("no",)) or self.phrasings.says_no(text)
                                               or self.phrasings.says_no_labs(text)):
                self._skip(turn, "unsure")      # "no" to "do you know your X?": no lab questions at all
                return
            if self.phrasings.says_no_labs(text) and not self._read(text, tracker=tracker):
                self._no_labs(turn, text)       # "i dont have her labs" is no answer to "How old is she?"
                turn.text("labs_skipped")
                self._prompt(turn)
                return
            if pending["key"].startswith("score:") and pending.get("form") == "number" and texts.match_choice(text, ("no",)):
                self._skip(turn, "unsure")      # "Do you know your SLEDAI?" "no"
                return
            if self._nothing_else_to(turn, text):
                turn.text("ok")             # "no other health problems" to "When did you last take IVIG?"
                self._prompt(turn)
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
        if tracker.role is not None and tracker.pending is None and self.phrasings.says_nothing_else(text):
            turn.text("ok")             # "no other health problems" with no question open: where we stand
            self._prompt(turn)
            return
        intent = texts.intent(text) or self.phrasings.request(text)    # "can you just show me the trials pls"
        if intent:
            self._command(turn, intent, "")
            return
        if self._asked_us(turn, text):      # "what is CAR-T?", "where is the hospital?" (data/faq.yaml)
            return
        if tracker.role is not None and tracker.pending is None and texts.match_choice(text, ("unsure", "skip")):
            turn.text("ok")                 # "not sure" with no question open corrects nothing
            self._prompt(turn)
            return
        if (tracker.role is not None and tracker.pending is None and tracker.results_shown
                and (texts.match_choice(text, ("no",)) or texts.only_courtesy(text))):
            turn.text("ok")                 # "no", "thanks" after the results: nothing to correct
            self._prompt(turn)
            return
        # a correction needs something said before it: an opening "not sure if this is the
        # right place, i have scleroderma" is the first telling, not an update
        if tracker.role is not None and tracker.profile.facts and texts.is_correction(text):
            body = texts.correction_body(text)
            source = tracker.next_source
            named = stamp(self._read(body, source=source, tracker=tracker), source) if body else []
            if not tells_instead(tracker, named, body):     # "not planning pregnancy, on the pill" tells
                if named or tracker.pending is None or self._corrects_instead(turn, body):
                    self._correct(turn, named, body, answer="no" if self._no_to_a_kin(tracker, text, named) else None)
                else:                   # "no, never" answers the question; "actually 45" corrects
                    self._answer(turn, text, typed=True, correction=body)
                return
        if tracker.pending is not None:
            # a button of an earlier reply typed whole ("Ask me more questions" while the city
            # is asked) is that button, never an answer ("lives in Ask me more questions")
            pressed = texts.match_label(text, ("more", "summary"))
            if pressed == "more" and tracker.results_shown:
                self._resume(turn)
            elif pressed == "more":
                self._prompt(turn)          # before any results: the question stays
            elif pressed == "summary":
                self._command(turn, "summary", "")
            else:
                self._answer(turn, text, typed=True)
            return
        if tracker.results_shown and texts.match_choice(text, ("more",)):
            self._resume(turn)
            return
        if tracker.others and self._typed_next(turn, text):    # "Now look for your daughter" typed
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
        if kind == "next" and rest.isdigit():   # "Now look for your daughter" (bot/family.py)
            self._next_person(turn, int(rest))
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
        if handler is None and name and (self.texts.match_choice(name, ("role_patient", "role_clinician"))
                                         or (self.phrasings.role(name) or ("unsure",))[0] in ("patient", "clinician")):
            handler, arg = engine_commands.role, name       # "/clinician", "/doctor": /role with it
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
        if turn.tracker.profile.facts and self._ask_named(turn):
            return
        if turn.tracker.profile.facts:
            self._advance(turn)
        else:
            self._prompt(turn)

    def _opens_as_clinician(self, text: str) -> bool:
        """A message whose first clauses say a clinician writes ("hi, nurse here writing for a
        patient of ours. 52M, AL amyloidosis …", "GP here - 45F with lupus"): one of its first
        three clauses is, whole, a clinician's answer to "who am I talking to?"
        (data/phrasings.yaml ``roles``); a patient's or relative's opening is read as before."""
        if says_any(text, self.phrasings.own_illness):
            return False        # "im a nurse and i have lupus": the patient, a nurse by trade
        if self.phrasings.case_summary(text):
            return True         # "62F SSc-ILD, FVC 58% …", "Referral: 27 y/o male, T-LBL …"
        for clause in _CLAUSE_SPLIT.split(text, maxsplit=3)[:3]:
            said = self.phrasings.role(clause)
            if said is not None:
                return said[0] == "clinician"
            # "nurse here writing for a patient of ours": a clinician's phrase of two words or
            # more opening the clause
            if self.phrasings.opens_as_clinician(plain(clause)):
                return True
        return False

    def _role_answer(self, turn: Turn, kind: str, relation: str | None, sex: str | None) -> None:
        """An answer to "who am I talking to?" in other words: "for my mum" (a relative
        writes: noted), "I'm a GP"; "not sure", "just looking": patient wording, said so."""
        if relation and turn.tracker.relation is None and kind == "patient":
            turn.record("speaker", {"relation": relation, "sex": sex})
        if kind == "unsure":
            self._assume_patient(turn)
        else:
            self._set_role(turn, kind)

    def _assume_patient(self, turn: Turn) -> None:
        """No clear answer to the role question, or a first message that a relative wrote
        (the speaker recorded, in any language the bot reads): everyday wording from now on
        (the reply says so, and that /role clinician changes it); the question is never asked."""
        turn.record("role", {"role": "patient", "assumed": True})
        turn.text("role_assumed")
        if turn.tracker.profile.facts and self._ask_named(turn):
            return      # "my sister has myositis": "Are you asking for your sister?" first
        if turn.tracker.profile.facts:
            self._advance(turn)
        else:
            self._prompt(turn)

    def _role_unclear(self, turn: Turn) -> None:
        """A message that does not say who is chatting: the role is asked once more, and
        after that one unclear answer patient wording is assumed (never a loop). A message
        a relative wrote ("my daughter is 24…", "I'm looking for my mum") says it: patient
        wording at once."""
        if turn.tracker.relation is not None and not turn.tracker.described:    # "I'm looking for my mum": a relative writes
            self._assume_patient(turn)
            return
        if turn.tracker.role_unclear:
            self._assume_patient(turn)
            return
        turn.record("role_unclear", {})
        self._prompt(turn)

    def _language_of(self, turn: Turn, text: str) -> bool:
        """The conversation's language from a message (True: the turn is answered). A
        whole message choosing one ("中文", "English") is handled as /language; a message
        clearly in a language the bot reads switches to it; one clearly in another language
        that gives no facts is answered with the languages the bot reads (in that language
        too), never "nothing found" and never read as an answer; one that gives facts
        ("Hola, mi hija de 17 años tiene lupus") is read as usual, after a line saying that
        only some of it could be read (the age and the daughter were not). Short or mixed messages
        ("yes", "26", "MMF") change nothing (bot/language.py). Clinical shorthand can look
        like another language to the detector; it gives facts, so it is read as usual."""
        languages = load_languages()
        chosen = languages.chosen(text)
        if chosen:
            engine_commands.language(self, turn, chosen)
            return True
        pending = turn.tracker.pending
        if pending is not None and _option_index(pending, text) is not None:
            turn.detected = None    # a button pressed ("0 fully active") says nothing of the language
            return False
        turn.detected = found = detect(text)
        if found in languages.reads:
            if found != turn.tracker.lang:
                turn.record("language", {"lang": found})
            return False
        if found is None or (turn.tracker.state == LOCATION and latin_script(text)):
            return False        # a city's name is in its own language ("Rio de Janeiro", "Den Haag")
        facts = self._read(text, tracker=turn.tracker)
        if facts:               # clinical shorthand ("Lupus 26F, SLEDAI-2K 16") is mostly facts;
            if _share_read(text, facts) < READ_SHARE:     # "Hola, mi hija tiene lupus" is not:
                turn.say("unread", lang=found, partly=True)     # the person is told the rest was not read
            return False
        turn.say("unread", lang=found)
        self._prompt(turn)
        return True

    def _no_to_a_kin(self, tracker: Tracker, text: str, named: list[Fact]) -> bool:
        """A reply opening with "no" to "Have you been diagnosed with X?" that names, as a
        correction, a diagnosis of the same kind as X ("no it started when i was 12 so they
        said systemic jia" to the adult-onset Still's question): the "no" answers the
        question too, which is not asked again (h165, round 35)."""
        pending = tracker.pending or {}
        key = str(pending.get("key") or "")
        if pending.get("form") != "yes_no" or not key.startswith("diagnosis:"):
            return False
        first = text.strip().split(maxsplit=1)[0].strip(",.!;:") if text.strip() else ""
        if self.texts.match_choice(first, ("no",)) is None:
            return False
        asked = key.split(":", 1)[1]
        terminology = load_terminology()
        if asked not in terminology.concepts:
            return False
        kin = set(terminology.concepts[asked].parents)
        return any(f.label == "CONDITION" and f.concept != asked and not f.negated and f.concept in terminology.concepts
                   and kin & set(terminology.concepts[f.concept].parents) for f in named)

    def _corrects_instead(self, turn: Turn, body: str) -> bool:
        """"actually it was 2019 not 2020" while another question is open: a date correction
        of a fact already noted, not an answer (a bare date still answers a date question);
        so is a number while the city is asked."""
        pending = turn.tracker.pending or {}
        if pending.get("form") == "date" and not re.search(r"\bnot\b", body):
            return False
        if pending.get("form") == "text" and re.search(r"\d", body):
            return True     # "actually 23" while the city is asked: a number is no city

        return bool(redated(turn.tracker, body, turn.tracker.next_source, self.today or date.today())[0])

    def _place_in_passing(self, turn: Turn, text: str, facts: list[Fact], source: int) -> list[Fact]:
        """Where the person is, said in lower case in a message about the illness ("... he had
        a bowel resection last year. were in manchester"): a place the gazetteer (or a trial
        site) knows after "were in", "shes in", ... (``places.in_passing``), when the message
        and the conversation name none yet. Never a guess: unknown words are no place."""
        if any(f.label == "LOCATION" for f in facts) or turn.tracker.profile.first("LOCATION") is not None:
            return []
        for words in self.texts.places_in_passing(text):
            place = self._known_place(words)
            if place is not None:
                return located(place, source)
        return []

    def _free_text(self, turn: Turn, text: str) -> None:
        source = turn.tracker.next_source
        no_labs = self._no_labs(turn, text)
        facts = self._of_someone_else(turn, text, stamp(self._read(text, source=source, tracker=turn.tracker), source))
        if not facts and no_labs:
            turn.text("labs_skipped")
            self._advance(turn)
            return
        if not facts and turn.tracker.role is not None:
            facts = self._late_place(turn, text, source)   # "Leeds, UK", a message after the city question
            facts = facts or self._place_said_alone(turn, text, source)     # "we're in manchester"
        if facts and turn.tracker.role is not None:
            facts += self._place_in_passing(turn, text, facts, source)   # "... were in manchester"
        if not facts and turn.tracker.role is not None:
            facts = self._outcome_of_told(turn, text, source)   # "tried X, Y, Z" then "none of them worked"
        if not facts:
            if self.phrasings.greets(text):
                turn.text("hello_back")         # "hello": greeted back, the open question again
                self._prompt(turn)
                return
            thing = self.phrasings.unknown_thing(text) if turn.tracker.profile.facts else None
            if thing:
                turn.text("unknown_left", thing=thing)  # "not sure what her CK is": left for the team (lead, round 40)
                self._prompt(turn)
                return
            if turn.tracker.role is None:
                if turn.tracker.relation is None and not turn.tracker.role_unclear:
                    turn.text("ask_role_again")     # (the second time patient wording is assumed, said so)
                self._role_unclear(turn)
                return
            self._not_understood(turn)
            return
        payload: dict[str, Any] = {"source": source}
        people = self._people_in(turn, text, facts, source)     # "my son has crohns and my daughter has lupus"
        if people:
            payload["people"] = people
        elif turn.tracker.role is None and turn.tracker.relation is None and any(f.family for f in facts):
            named = self.named_relative(text)     # "hi my sister has lupus" before the role: asked after it
            if named is not None:
                payload["named"] = {"relation": named.relation, "sex": named.sex, "told": source}
        if len(text) >= LETTER_PART_CHARS:
            payload["part_at"] = round(time.time(), 3)   # the rest may follow (Telegram's split)
        # several people: their facts are said back once one is chosen, never mixed together
        self._note(turn, "facts", payload, facts, hint=turn.tracker.messages == 0, quiet=bool(people))
        self._not_diagnosed_yet(turn, text, facts)
        if turn.tracker.role is None:
            if turn.tracker.relation is None and (self.phrasings.tells_own(text) or _own_disease_named(text, facts)):
                self._assume_patient(turn)      # "im 34 f with crohns …", "my myositis flared": the patient writes
            elif turn.results_asked and turn.tracker.relation is None:
                self.show_results(turn)         # "… which trials could she join?": shown, the role asked later
            elif "named" in payload:
                # "hello, my sister has myositis": a relative's illness and nothing of the
                # writer's own; a clinician does not write so. Patient wording, and "Are you
                # asking for your sister?" at once rather than "who am I talking to?" (lead, round 32)
                self._assume_patient(turn)
            else:
                self._role_unclear(turn)        # "my daughter is 24…" / "我女儿26岁…": a relative writes
            return
        if not people and self._ask_whose(turn, text, facts, source):   # "hi my sister has lupus": for her?
            return
        self._advance(turn)
