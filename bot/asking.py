"""Asking and showing (part of the conversation engine, ``bot.engine``): the next
question within the budget, prompts, doubtful values to confirm, and results. A mixin of
``Engine``: it uses the engine's collaborators and texts through ``self``."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Callable

from bot.plausibility import confirm_key, confirmation
from bot.replies import Choice
from bot.results import reads_a_condition, shape_results
from bot.texts import LANGUAGES, ROLES
from bot.tracker import LABS_KEY, LOCATION_KEY, WHOSE_KEY
from bot.trial_notes import annotate, offered, pruned_out
from bot.turn import Turn
from data.terminology import load_terminology
from matching.verdicts import INELIGIBLE

MAX_BUTTONS = 8                    # more options than this: typed answers, no keyboard
MAX_LAB_SKIPS = 50                 # lab questions passed over in one search for the next question
QUESTION_BUDGET = 8                # questions per round: then results by themselves ("ask me more" goes on)
UNSURE_IN_ROW = 2                  # questions left open in a row before the first results: the results come next
AGE_KEY = "age"                    # matching.questions' key of the age question
DIAGNOSIS_HEAD = "diagnosis"       # matching.questions' diagnosis keys: "diagnosis", "diagnosis:<concept>"


class Asking:
    """How a turn chooses what to ask or show next (``Engine`` mixes it in)."""

    def _resume(self, turn: Turn) -> None:
        turn.record("resume", {})
        self._advance(turn)

    # --- what comes next ---------------------------------------------------------------
    def results(self, turn: Turn) -> list[Any]:
        if turn.results_cache is None:      # trials not recruiting are not offered (bot.trial_notes)
            turn.results_cache, turn.not_recruiting = offered(
                self.match(turn.tracker.profile, self.trials, today=self.today), self.store.db)
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
        if turn.results_asked and tracker.profile.facts:
            self.show_results(turn)         # "41, UC since 2010 … which trials could I join?": taken in, shown
            return
        if tracker.role is None:
            self._prompt(turn)
            return
        if self._ask_which(turn):           # several people in the first telling: whom first? (bot/family.py)
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
            if tracker.last_results is not None and tracker.last_results == self._results_signature(turn):
                # the same trials in the same order with the same verdicts: no second copy
                # of the whole list after every message ("platelets last week 9", "we live
                # in Lyon" changed nothing); /results shows it again
                turn.text("results_unchanged")
                self._result_choices(turn)
                return
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
        if pending is not None and pending["key"] == WHOSE_KEY and tracker.relation is None:
            self._prompt(turn)              # "Are you asking for your sister?" stays until answered
            return
        exclude = tracker.answered | tracker.skipped
        question = self._child_age(turn, exclude) or self._next(turn, exclude)
        # before the first results, a person who could not answer the last two questions
        # ("not sure", "skip") is unlikely to know the next: the results come first (the
        # city still, if not asked); "ask me more" asks the rest
        enough = question is not None and not tracker.more and (
            not getattr(question, "worth", True) or tracker.skips_in_row >= UNSURE_IN_ROW)
        if enough:                          # nothing left is likely to change a verdict: results first
            question = None
        if question is not None and question.key.startswith("lab:") and tracker.labs is None:
            turn.record("asked", {"key": LABS_KEY, "form": "yes_no", "options": [], "token": tracker.questions + 1,
                                  "text": self._worded("ask_labs")})
            self._prompt(turn)
            return
        if question is not None:
            self._ask(turn, question)
            return
        if (tracker.profile.first("LOCATION") is None and LOCATION_KEY not in tracker.asked
                and any(r.verdict in ("likely", "possible") and r.trial.get("sites") for r in self.results(turn))):
            turn.record("asked", {"key": LOCATION_KEY, "form": "text", "options": [], "token": tracker.questions + 1,
                                  "text": self._worded("ask_location")})
            self._prompt(turn)
            return
        turn.text("enough_for_now" if enough else "no_more_questions")
        self.show_results(turn)

    def _child_age(self, turn: Turn, exclude: set[str]) -> Any:
        """The age question first when a relative writes about someone who may be a child
        ("my daughter has lupus": ``age_first`` in data/phrasings.yaml) and no age is known,
        while some trial still asks it."""
        tracker = turn.tracker
        if (tracker.relation not in self.phrasings.age_first or tracker.role == "clinician"
                or tracker.profile.first("AGE") is not None or AGE_KEY in exclude or AGE_KEY in tracker.asked):
            return None
        return self.find_question(self.results(turn), AGE_KEY)

    def _worded(self, key: str) -> dict[str, str]:
        """The engine's own question in every wording: by role, and "zh:patient" … per language."""
        worded = {r: self.texts.text(key, r) for r in ROLES}
        worded.update({f"{lang}:{r}": self.texts.text(key, r, lang) for lang in LANGUAGES for r in ROLES})
        return worded

    def _next(self, turn: Turn, exclude: set[str]) -> Any:
        """The next best question, but no lab question when the person has no labs at hand,
        and, to a patient or relative, none only a trial team can answer (a marker on the
        cells, ``team_only`` in data/phrasings.yaml): those stay for the trial team.
        Chosen once per turn for the same results, excluded keys, labs and role (a turn
        asks again when it shows results and for the "ask me more" button); the choice is
        forgotten with the results when the facts change (``Turn.forget_results``)."""
        results = self.results(turn)
        tracker = turn.tracker
        key = (id(results), frozenset(exclude), tracker.labs, tracker.role)
        kept = turn.next_cache.get(key)
        if kept is not None and kept[0] is results:
            return kept[1]
        question = self._choose_next(turn, results, set(exclude))
        turn.next_cache[key] = (results, question)
        return question

    def _choose_next(self, turn: Turn, results: list[Any], exclude: set[str]) -> Any:
        team_only = self.phrasings.team_only if turn.tracker.role != "clinician" else ()
        audience = {"audience": turn.tracker.role or "patient"} if self._own_questions else {}
        # a person who says they are healthy and names no diagnosis ("I'm 28, no illness at
        # all, can I sign up?") has answered the diagnosis: not "Have you been diagnosed with
        # rheumatoid arthritis?" for the study in healthy people filed under it
        healthy = self._says_healthy(turn)
        for _ in range(MAX_LAB_SKIPS):
            question = self.next_question(results, turn.tracker.profile, exclude, **audience)
            if question is None:
                return None
            no_lab = turn.tracker.labs is False and question.key.startswith("lab:")
            head = question.key.partition(":")[0]
            if not no_lab and head not in team_only and not (healthy and head == DIAGNOSIS_HEAD):
                if head == "lab" and not healthy and DIAGNOSIS_HEAD not in exclude | turn.tracker.asked:
                    return self._diagnosis_first(turn) or question
                return question
            exclude.add(question.key)
        return None

    def _diagnosis_first(self, turn: Turn) -> Any:
        """The open diagnosis question ("What illness have you been diagnosed with?") in place
        of a lab value, while nothing names a diagnosis (none stated, suspected, or implied by a
        medicine or a value) and it was not asked: what the person has decides which trials
        are theirs; a lab value of one trial does not. None when a diagnosis is known, or the
        questions are not matching's own."""
        if not self._own_questions:
            return None
        from matching.evaluate import Evaluator  # start-up: the matcher only once a turn matches
        from matching.questions import DIAGNOSIS_ANY, build_question  # start-up: the matcher only once a turn matches
        from matching.relevance import stated_diagnoses  # start-up: the matcher only once a turn matches

        known, suspected = stated_diagnoses(Evaluator(turn.tracker.profile, today=self.today))
        if known or suspected:
            return None
        question = build_question(DIAGNOSIS_ANY)
        question.worth = True
        return question

    def _says_healthy(self, turn: Turn) -> bool:
        """The person says they are healthy and states no diagnosis (``matching.volunteer_trials``)."""
        profile = turn.tracker.profile
        if not any(f.label == "CONDITION" for f in profile.facts):
            return False
        from matching.volunteer_trials import says_healthy  # start-up: the matcher only once a turn matches

        return says_healthy(profile, self.today)

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
        text = {"patient": question.patient, "clinician": question.clinician,
                **{f"zh:{r}": getattr(question, f"zh_{r}", None) for r in ROLES if getattr(question, f"zh_{r}", None)}}
        group = self._last_dose_group(turn, question)
        if group:
            text = {k: v.format(names=_names(group, k)) for k, v in self._worded("ask_last_dose_group").items()}
        turn.record("asked", {
            "key": question.key,
            "form": question.form,
            "options": list(question.options or []),
            "unit": getattr(question, "unit", None),
            "token": turn.tracker.questions + 1,
            "text": text,
            **({"zh:options": list(question.zh_options)} if getattr(question, "zh_options", None) else {}),
            **({"group": [f"last_dose:{f.concept}" for f in group[1:]]} if group else {}),
        })
        self._prompt(turn)

    def _last_dose_group(self, turn: Turn, question: Any) -> list[Any]:
        """"When did you last take MMF?", then belimumab, then anifrolumab: when the last dose
        of a treatment told with no date is asked and other treatments told with no date, not
        taken now, would be asked next (the same washout criterion's, or another open
        trial's), they are asked together, the one asked first (h190, round 39). Fewer than
        two: none."""
        key = question.key
        if not key.startswith("last_dose:"):
            return []
        told = [f for f in turn.tracker.profile.facts if f.label == "DRUG" and undated_past(f)]
        first = [f for f in told if f.concept == key.split(":", 1)[1]]
        if not first:
            return []
        seen = turn.tracker.answered | turn.tracker.skipped | {key}
        basis = {f.concept for f in getattr(question, "basis", []) or []}
        results = None
        others = []
        for fact in dict((f.concept, f) for f in told).values():
            other = f"last_dose:{fact.concept}"
            if other in seen:
                continue
            if fact.concept not in basis:
                results = self.results(turn) if results is None else results
                if self.find_question(results, other) is None:
                    continue
            others.append(fact)
        return first[:1] + others if others else []

    def _prompt(self, turn: Turn) -> None:
        """Say where the conversation stands: the role question, the intake invitation,
        the pending question with its quick replies, or what can be done with results."""
        tracker = turn.tracker
        if tracker.role is None:
            # after "I noted: ..." a "First:" reads as if nothing had been taken in
            turn.text("ask_role_shown" if tracker.last_results is not None
                      else "ask_role_noted" if tracker.profile.facts else "ask_role")
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
            zh = pending.get("zh:options") or []
            turn.choices = [Choice(f"o:{token}:{i}", text=o, worded=(("zh", str(zh[i])),) if i < len(zh) else ())
                            for i, o in enumerate(options)]
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
        if results and not reads_a_condition(results[0]):
            # "im 30, female" then /results: no diagnosis, every trial "possible" (lead, round 33)
            turn.text("results_need_diagnosis")
            self._prompt(turn)
            return
        location = tracker.profile.first("LOCATION")
        limited, left_out = pruned_out(self.store.db, getattr(self.trials, "last", None))   # matching.candidates
        view = shape_results(results, location.concept if location else None, self.gazetteer, left_out=left_out)
        view["outside_limits"] = limited
        annotate(view, results, turn.not_recruiting, self.store.db, self.today)   # status notes, freshness
        shown = [trial for part in ("candidates", "ruled_out") for trial in view[part]]
        turn.record("shown", {"what": "results", "signature": self._results_signature(turn),
                              "trials": [{"id": t["id"], "verdict": t["verdict"], "status": t["status"]} for t in shown]
                              + [{"id": t["id"], "verdict": "outside_limits", "status": t["status"]} for t in limited],
                              "more": view["more_candidates"] + view["more_ruled_out"] + view["left_out"]})
        turn.say("results", **view)
        self._result_choices(turn)

    def _result_choices(self, turn: Turn) -> None:
        """The buttons under results: "Ask me more questions" while a question can still
        matter, and the referral summary."""
        tracker = turn.tracker
        if self._next(turn, tracker.answered | tracker.skipped) is not None:
            turn.choices = [Choice("more:", key="more")]
        turn.choices.append(Choice("cmd:summary", key="summary"))
        turn.choices.extend(self._next_choices(turn))     # "Now look for your daughter" (bot/family.py)

    def _results_signature(self, turn: Turn) -> str:
        """What the results list says at a glance, as a short digest: each trial's id and
        verdict in rank order, and the place the sites are sorted by (no message text); the
        place only while some trial may fit, so a list of none is not sent again for a city
        ("we are in leeds" after "none of the trials I know seems to fit him"; lead, round 41)."""
        location = turn.tracker.profile.first("LOCATION")
        results = self.results(turn)
        ranked = [(r.id, r.verdict) for r in results]
        if not any(r.verdict != INELIGIBLE for r in results):
            location = None
        found = json.dumps([location.concept if location else None, ranked], separators=(",", ":"))
        return hashlib.sha256(found.encode()).hexdigest()[:16]


def _names(facts: list[Any], wording: str) -> str:
    """The treatments of a group question as its wording names them: the clinician's generic
    names; the patient's own word first ("Cellcept (mycophenolate mofetil)"); Chinese names."""
    terminology = load_terminology()
    if wording.startswith("zh:"):
        entries = [terminology.get(f.concept) for f in facts]
        return "、".join((getattr(e, "zh", ()) or (terminology.label(f.concept),))[0] for e, f in zip(entries, facts))
    names = []
    for fact in facts:
        label = terminology.label(fact.concept)
        written = (fact.text or "").strip()
        own = wording == "patient" and 0 < len(written) <= 30 and written.casefold() not in label.casefold() \
            and not any(ch.isdigit() for ch in written)
        names.append(f"{written[0].upper() + written[1:] if written.islower() and len(written) > 4 else written} ({label})"
                     if own else label)
    return ", ".join(names)


def undated_past(fact: Any) -> bool:
    """A treatment told as taken, with no date and not taken now."""
    return (not (fact.negated or fact.family or fact.hypothetical or fact.date or fact.ongoing)
            and fact.status != "current")


def _is_a(concept: str, broader: str) -> bool:
    return load_terminology().is_a(concept, broader)


def _asks_labs(key: str) -> bool:
    """The blood-test question, or a lab's "Do you know your latest X result?"."""
    return key == LABS_KEY or key.startswith("lab:")
