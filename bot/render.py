"""Engine replies into text: the one place that words a reply (templates come from
data/bot_texts.yaml through ``bot.texts``).

``Renderer(fmt)`` turns a ``Reply`` into a list of messages: ``PLAIN`` for piped output,
``ANSI`` for a terminal, ``HTML`` for Telegram (everything taken from users or trial
records is escaped; only the renderer's own tags remain). ``keyboard`` lays out the quick
replies, and ``split_message`` cuts a message to Telegram's 4096-character limit without
breaking a tag or an entity.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from bot.formats import (  # noqa: F401  (ANSI, HTML, PLAIN, split_message re-exported for transports)
    _COMPARATORS,
    ANSI,
    HTML,
    PLAIN,
    SHORT,
    SHOW,
    TELEGRAM_LIMIT,
    Plain,
    Safe,
    _cut,
    _num,
    split_message,
)
from bot.language import load_languages
from bot.render_results import results_text, summary_text, trial_text
from bot.sites import is_country, place_name, where_lines  # noqa: F401  (place_name re-exported)
from bot.texts import Texts, load_texts
from bot.tracker import WHICH_KEY
from bot.voices import Voices, fill, load_voices
from core import durations
from core.facts import ANY_DRUG, Fact
from data.condition_names import is_disease_status
from data.terminology import load_terminology


def _level(fact: Fact) -> str:
    """An antibody's level as written: "1:640", "200 IU/mL", "<10"."""
    comparator = {"<=": "≤", ">=": "≥", "==": ""}.get(fact.comparator or "", fact.comparator or "")
    if fact.unit == "titre":
        return f"{comparator}1:{_num(fact.value)}"
    return f"{comparator}{_num(fact.value)}" + (f" {fact.unit}" if fact.unit else "")


class Renderer:
    def __init__(self, fmt: Plain = PLAIN, texts: Texts | None = None):
        self.fmt = fmt
        self.texts = texts or load_texts()
        self.voices: Voices = load_voices()
        self.voice: dict[str, str] | None = None      # the relative's voice for the reply being rendered
        self.lang = "en"                               # the language of the reply being rendered

    # --- small helpers ---------------------------------------------------------------
    def t(self, key: str, role: str | None, /, **values: Any) -> Safe:
        """A text in the role's wording (the relative's voice when a relative writes),
        escaped, with escaped values filled in."""
        template = self.texts.text(key, role, self.lang)
        if self.voice is not None and role != "clinician":
            variant = self.voices.text(key, self.lang)
            template = fill(variant, self.voice) if variant else template
        return self._fill(template, values)

    def asked(self, text: dict[str, str], role: str | None, key: str | None = None) -> str:
        """A question's wording for the role (``"zh:patient"`` when the question has the
        reply's language); in the relative's voice, third person."""
        lang = self.lang
        wording = text.get(f"{lang}:{role or 'patient'}") or text.get(f"{lang}:patient") if lang != "en" else None
        if not wording:
            lang, wording = "en", text.get(role or "patient") or text.get("patient") or ""
        if self.voice is None or role == "clinician" or key == WHICH_KEY:
            return wording      # "whom first?" names each person as the writer's already (bot/family.py)
        own = self.voices.text(f"question:{key}", self.lang) if key else None
        if own:
            return fill(own, self.voice)
        patient = text.get(f"{lang}:patient") if lang != "en" else text.get("patient")
        return self.voices.question(patient or wording, self.voice, lang)

    def p(self, key: str, /, **values: Any) -> Safe:
        return self._fill(self.texts.phrase(key, self.lang), values)

    def _fill(self, template: str, values: dict[str, Any]) -> Safe:
        ready = {k: v if isinstance(v, Safe) else self.fmt.esc(str(v)) for k, v in values.items()}
        return Safe(self.fmt.esc(template).format(**ready))

    def join(self, parts: Iterable[str], key: str = "list_separator") -> Safe:
        return Safe(self.texts.phrase(key, self.lang).join(parts))

    def name(self, concept: str, label: str, role: str | None) -> str:
        entry = load_terminology().get(concept)
        if entry is None:
            return concept
        if self.lang == "zh" and getattr(entry, "zh", ()):
            return entry.zh[0]          # the terminology's first Chinese name
        if role == "clinician" and label in ("CONDITION", "INFECTION", "BIOMARKER") and not entry.attrs.get("display_label"):
            # the usual abbreviation, the terminology's first (SLE, ITP, HIV), but not an
            # ambiguous two-letter one (CD, RA, DM: then the label, never a later one, which
            # names a kind: "JDM" for dermatomyositis, "RRMS" for multiple sclerosis), nor one
            # the terminology marks to be named by its label (display_label: "ASS", "TIA")
            short = entry.abbreviations[0] if entry.abbreviations else ""
            if len(short) >= 3:
                return short
        return entry.label

    def drug_name(self, fact: Fact, role: str | None) -> str:
        """A treatment's name, or the person's own word when the terminology marks it as
        another drug matching treats alike ("prednisolone", not "prednisone")."""
        written = load_terminology().as_written(fact.concept, fact.text) if self.lang != "zh" else None
        return written or self.name(fact.concept, fact.label, role)

    # --- facts ------------------------------------------------------------------------
    def facts(self, facts: list[Fact], role: str | None) -> list[Safe]:
        """Facts as short phrases grouped the way people say them:
        "SLE since 2015", "tried mycophenolate, belimumab", "no HIV"."""
        tried, current, never, not_now, unsure, wanted, conditions, rest = [], [], [], [], [], [], [], []
        asked: list = []
        not_failed: list = []
        facts = load_terminology().shown(facts)     # matching's markers are never said back
        facts = _without_named_class(facts)
        # a disease asked about or doubted beside the same disease said plainly ("is CAR-T only
        # for cancer or also lupus? ive got lupus"): said once, as had (h145, round 31)
        plain = {f.concept for f in facts if f.label == "CONDITION"
                 and not (f.negated or f.uncertain or f.hypothetical or f.family)}
        facts = [f for f in facts if not (f.label == "CONDITION" and f.concept in plain and not f.negated
                                          and not f.family and (f.uncertain or f.hypothetical))]
        ruled_out = [f for f in facts if f.label == "CONDITION" and f.negated]
        # a kind denied beside one of its own ("no other autoimmune diseases besides her
        # lupus"): "no other autoimmune disease", never a denial of the illness just noted (h145, round 31)
        terminology = load_terminology()
        others = {id(f) for f in ruled_out if any(
            g.label == "CONDITION" and not (g.negated or g.family or g.hypothetical) and g.concept != f.concept
            and terminology.is_a(g.concept, f.concept) for g in facts)}
        none_of = []
        if len(ruled_out) >= 3:            # "none of these" answered: one phrase, not twenty
            names = [self.fmt.esc(self.name(f.concept, f.label, role)) for f in ruled_out]
            none_of.append(self.p("condition_negated_many", names=self.join(names)))
            facts = [f for f in facts if f not in ruled_out]
        # a drug the patient is (or is not) allergic to is said as the allergy ("allergic to
        # penicillin", "no allergy to sulfa"), not as a treatment tried and not tolerated
        allergic = allergy_spans(facts)
        facts = _one_place(facts)
        for fact in facts:
            if fact.label == "DRUG" and (fact.start, fact.end, fact.source) in allergic:
                continue
            if fact.family and fact.label in ("DRUG", "PROCEDURE", "SEX", "AGE", "WEIGHT", "LAB", "SCORE"):
                continue    # a relative's treatment, sex or values say nothing of the patient
            if (fact.hypothetical and not (fact.negated or fact.uncertain or fact.family)
                    and fact.label == "CONDITION"):
                # a disease asked about ("are there car t trials for crohns or only lupus"):
                # no diagnosis, neither had nor suspected (lead, round 29)
                asked.append(self.fmt.esc(self.name(fact.concept, fact.label, role)))
                continue
            if fact.hypothetical and not fact.negated and fact.label in ("DRUG", "PROCEDURE", "BIOMARKER"):
                # a treatment asked for or planned ("consideration for CD7-directed CAR-T") is
                # no treatment had, and the antigen it names no finding about the patient
                if fact.label != "BIOMARKER":
                    wanted.append(self.fmt.esc(self.name(fact.concept, fact.label, role)))
                continue
            if fact.label == "DRUG":
                name = self.fmt.esc(self.drug_name(fact, role))
                if fact.value is not None and fact.unit is None and fact.value >= 2 and not fact.negated:
                    name = self.p("drug_class_count", name=Safe(name), count=int(fact.value))     # "failed 3 biologics"
                # the date a wash-out is judged on, shown where the verdict cites it ("steroids
                # in the 4 weeks before": "glucocorticoid (steroid) (2026-11-21)")
                dated = fact.date if not fact.negated and not fact.uncertain else None
                if fact.negated and fact.status in ("failed", "intolerant"):
                    not_failed.append(name)     # "no" to "Failure of, or intolerance to, NSAID?": not "never had"
                elif fact.negated:              # "never had X" is in the past too; "no" to "when did
                    (never if fact.historical else not_now).append(name)    # she last take X?" is now only
                elif fact.uncertain:            # "i dont think she had cyclophosphamide"
                    unsure.append(name)
                elif fact.status == "current":
                    current.append(self.p("drug_since", name=Safe(name), date=dated) if dated else name)
                elif fact.status in ("failed", "intolerant") and fact.ongoing:
                    # still taken although it fails ("ustekinumab ongoing, not responding"):
                    # taken now and not helping, not a treatment tried and stopped
                    if fact.status == "failed":
                        current.append(self.p("drug_failing_since", name=Safe(name), date=dated) if dated
                                       else self.p("drug_failing", name=Safe(name)))
                    else:
                        current.append(self.p("drug_intolerant_ongoing", name=Safe(name)))
                elif fact.status in ("failed", "intolerant"):
                    key = f"drug_{fact.status}" + ("_dated" if dated else "")
                    tried.append(self.p(key, name=Safe(name), date=dated or ""))
                else:
                    tried.append(self.p("drug_dated", name=Safe(name), date=dated) if dated else name)
                continue
            if id(fact) in others:
                conditions.append(self.p("condition_negated_other", name=self.name(fact.concept, fact.label, role)))
                continue
            phrase = self.fact(fact, role)
            if phrase:
                (conditions if fact.label == "CONDITION" else rest).append(phrase)
        drugs = []
        if tried:
            drugs.append(self.p("drug_tried", names=self.join(tried)))
        if current:
            drugs.append(self.p("drug_current", names=self.join(current)))
        if never:
            drugs.append(self.p("drug_negated", names=self.join(never)))
        if not_now:
            drugs.append(self.p("drug_not_now", names=self.join(not_now)))
        if not_failed:
            drugs.append(self.p("drug_not_failed", names=self.join(not_failed)))
        if unsure:
            drugs.append(self.p("drug_uncertain", names=self.join(unsure)))
        if wanted:
            drugs.append(self.p("treatment_wanted", names=self.join(list(dict.fromkeys(wanted)))))
        if asked:
            drugs.append(self.p("condition_asked", names=self.join(list(dict.fromkeys(asked)))))
        return conditions + none_of + drugs + rest

    def fact(self, fact: Fact, role: str | None) -> Safe | None:
        phrase = self._fact(fact, role)
        if phrase is not None and fact.implausible:
            phrase = self.p("implausible", phrase=phrase)
        return phrase

    def _fact(self, fact: Fact, role: str | None) -> Safe | None:
        label, name = fact.label, self.name(fact.concept, fact.label, role)
        if label == "BIOMARKER" and load_terminology().flagged(fact.concept, "panel"):
            name = f"{fact.text} ({name})"    # "anti-Scl-70 (systemic-sclerosis antibodies) positive": which test
        if label == "CONDITION":
            if fact.negated:
                # "not in remission", never "no in remission" (h190, round 39)
                return self.p("condition_negated_state" if load_terminology().flagged(fact.concept, "denied_with_not")
                              else "condition_negated", name=name)
            if fact.family:
                if is_disease_status(fact.concept, load_terminology()):
                    return None     # "my brother has T-LBL ... hes in remission": his disease's state, not one of the family's
                if fact.writer:     # "asking for my husband ... i have diabetes myself" (h165, round 35)
                    return self.p("condition_writer", name=name)
                return self.p("condition_family", name=name)
            if fact.uncertain or fact.hypothetical:
                return self.p("condition_uncertain", name=name)
            if fact.historical and is_disease_status(fact.concept, load_terminology()):
                # "went into remission, then it came back": a status the disease had, not a
                # condition with a history ("history of in remission")
                return self.p("status_earlier", name=name)
            if fact.date:       # a past one's date is when it was, not since when
                return self.p("condition_history_dated" if fact.historical else "condition_since",
                              name=name, date=fact.date)
            if fact.duration_days and not fact.historical:
                return self.p("condition_for", name=name, duration=self._duration(fact.duration_days))
            return self.p("condition_history" if fact.historical else "condition", name=name)
        if label == "PROCEDURE":
            if (fact.uncertain or fact.hypothetical) and not fact.negated:
                return self.p("drug_uncertain", names=name)     # "maybe a transplant?": not one had
            return self.p("procedure_negated" if fact.negated else "procedure", name=name)
        if label == "LAB":
            if fact.said_in_words:
                # a result said in words ("creatinine is normal I think"): the word, and the hedge
                quality = self.p(f"lab_quality_{fact.status}")
                return self.p("lab_quality_hedged" if fact.uncertain else "lab_quality", name=name, quality=quality)
            if fact.value is None and fact.uln_multiple is None and fact.status is None:
                return self.p("lab_unknown", name=name)     # "not sure what her plts are": named, its value not known
            comparator = _COMPARATORS.get(fact.comparator, fact.comparator or "")
            if fact.uln_multiple is not None:
                return self.p("lab_uln", name=name, comparator=comparator, value=_num(fact.uln_multiple))
            unit = f" {fact.unit.rstrip('.,;:')}" if fact.unit else ""
            if fact.value_high is not None and fact.comparator == ">=" and fact.value is not None:
                # a range as written ("platelets 20–30")
                return self.p("lab", name=name, comparator="", value=f"{_num(fact.value)}–{_num(fact.value_high)}", unit=unit)
            return self.p("lab", name=name, comparator=comparator, value=_num(fact.value), unit=unit)
        if label == "SCORE":
            comparator = _COMPARATORS.get(fact.comparator, "")
            if _score_in_words(fact):
                # told in everyday words, not as a number: say which words
                said = self.p("score_in_words", name=name, comparator=comparator, value=_num(fact.value), words=fact.text)
            else:
                said = self.p("score", name=name, comparator=comparator, value=_num(fact.value))
            if fact.negated:    # "she is not in bed most of the day": never shown as the score (lead, round 37)
                return self.p("score_negated", score=said)
            return self.p("score_past", score=said) if fact.historical else said
        if label == "INFECTION":
            if fact.negated or fact.status == "negative":
                return self.p("infection_negative", name=name)
            if fact.uncertain or fact.hypothetical:     # "not sure if she had the TB test"
                return self.p("finding_uncertain", name=name)
            if fact.status is None and fact.historical and fact.concept == "active_infection":
                # "the toci caused bad infections": infections of the past, never "active infection mentioned"
                return self.p("infections_past")
            if fact.status is None:                     # "PMH: HTN, hep B": no result (matching: unknown)
                return self.p("infection_mentioned", name=name)
            if fact.historical and fact.status == "positive":   # "I had covid last year": over, not "COVID-19 positive"
                return self.p("infection_history", name=name)
            return self.p("infection_active" if fact.status == "active" else "infection_positive", name=name)
        if label == "BIOMARKER":
            if (fact.uncertain or fact.hypothetical) and not fact.negated:
                return self.p("finding_uncertain", name=name)     # "not sure if it was CD7 positive"
            status = "negative" if fact.negated else (fact.status or "positive")
            # the result's word in the reply's language ("CD7表达 positive" was shown in Chinese)
            status = self.texts.phrase_or(f"marker_{status}", status, self.lang)
            if fact.value is not None and fact.unit in (None, "%") and not load_terminology().flagged(fact.concept, "antibody"):
                # a share with no result ("CD7 5%"): shown as written, never "positive"
                status = f"{status} ({_num(fact.value)}%)" if fact.status or fact.negated else f"{_num(fact.value)}%"
            elif fact.value is not None:        # an antibody's level or titre ("anti-dsDNA 200 IU/mL")
                amount = _level(fact)
                # a level with no reference range said is no result: shown as written, never "positive"
                status = f"{status} ({amount})" if fact.status or fact.negated else amount
            return self.p("biomarker", name=name, status=status)
        if label == "AGE":
            # a child under three with a part year is said in months ("age 18 months", never
            # "age 1.5"; "my 5 month old" was "age 0.417")
            if fact.value is not None and 0 < fact.value < 3 and abs(fact.value - round(fact.value)) > 0.01:
                return self.p("age_months", value=_num(round(fact.value * 12)))
            return self.p("age", value=_num(fact.value))
        if label == "SEX":
            return self.p(f"sex_{fact.concept}") if fact.concept in ("female", "male") else None
        if label == "PREGNANCY" and fact.concept in ("pregnant", "lactating", "planning"):
            if fact.historical and not fact.negated and fact.concept != "planning":
                # "since before the pregnancy in 2020": a pregnancy of the past, never "pregnant" (h145, round 31)
                return self.p("pregnancy_past_" + fact.concept)
            return self.p(("pregnancy_negated_" if fact.negated else "pregnancy_") + fact.concept)
        if label == "WEIGHT":
            return self.p("weight", value=_num(fact.value_normalized if fact.value_normalized is not None else fact.value))
        if label == "LOCATION":
            return self.p("location", place=", ".join(place_name(part) for part in fact.concept.split("\n")))
        if label == "STAGE" and not (fact.family or fact.hypothetical):
            kind = "stage_negated" if fact.negated else "stage_uncertain" if fact.uncertain else \
                "stage_past" if fact.historical else "stage"
            return self.p(kind, stage=fact.concept)
        if label == "TOXICITY" and not (fact.family or fact.hypothetical or fact.uncertain):
            # (round 24) the worst side effect of earlier cancer treatment still there
            kind = "none" if fact.negated else "cosmetic" if fact.status == "cosmetic" else \
                "limiting" if (fact.value or 0) >= 2 else "mild"
            return self.p(f"toxicity_{kind}")
        if label == "ALLERGY" and not (fact.family or fact.hypothetical):
            if fact.concept == ANY_DRUG:       # "NKDA"; an unnamed allergy is not said back
                return self.p("allergy_none") if fact.negated else None
            if fact.negated:
                return self.p("allergy_negated", name=name)
            return self.p("allergy_uncertain" if fact.uncertain else "allergy", name=name)
        return None

    def _duration(self, days: float) -> str:
        """A duration said back in the unit it was told in, near enough: "18 months" is
        never "2 years" (under three years, a duration of no whole number of years is said
        in months), "2 yrs" stays "2 years"; "1 year", not "1 years"."""
        years = durations.in_unit(days, "year") if days >= 365 else 0.0
        if years and (abs(years - round(years)) < 0.1 or years >= 3):
            return self._counted("year", round(years))
        if days >= 30:
            return self._counted("month", round(durations.in_unit(days, "month")))
        return self._counted("day", round(days))

    def _counted(self, unit: str, count: int) -> str:
        return self.texts.phrase(unit if count == 1 else unit + "s", self.lang).format(count=count)

    # --- replies ------------------------------------------------------------------------
    def render(self, reply: Any) -> list[str]:
        """The reply as messages: blocks joined by blank lines; a referral summary is a
        message of its own so it can be forwarded as is."""
        messages: list[list[str]] = [[]]
        self.voice = None
        self.lang = getattr(reply, "lang", None) or "en"
        for block in reply.blocks:
            text = getattr(self, f"_block_{block.kind}")(reply.role, **block.data)
            if block.kind == "summary":
                messages.append([text])
                messages.append([])
            elif text:
                messages[-1].append(text)
        return ["\n\n".join(m) for m in messages if m]

    def choice_label(self, choice: Any) -> str:
        if choice.key:
            return self.texts.label(choice.key, self.lang)
        return dict(getattr(choice, "worded", ()) or ()).get(self.lang) or str(choice.text)

    def keyboard(self, reply: Any) -> list[list[tuple[str, str]]]:
        """Rows of (label, data): short answers side by side (up to three a row), long
        ones and the actions (show results, summary) each on a row of their own."""
        self.lang = getattr(reply, "lang", None) or "en"
        rows: list[list[tuple[str, str]]] = []
        short: list[tuple[str, str]] = []
        for choice in reply.choices:
            item = (self.choice_label(choice), choice.data)
            if len(item[0]) <= 18 and not choice.data.startswith(("cmd:", "more:")):
                short.append(item)
                if len(short) == 3:
                    rows.append(short)
                    short = []
                continue
            if short:
                rows.append(short)
                short = []
            rows.append([item])
        if short:
            rows.append(short)
        return rows

    def _block_text(self, role: str | None, key: str, values: dict[str, Any]) -> str:
        return self.t(key, role, **values)

    def _block_privacy(self, role: str | None, days: int) -> str:
        return self.t("privacy", role, days=days)

    def _block_noted(self, role: str | None, facts: list[Fact], hint: bool) -> str:
        said = self.facts(facts, role)
        if not said:        # only what says nothing of the patient ("can my husband come?"): no "I noted: ."
            return self.t("noted_hint", role) if hint else ""
        text = self.t("noted", role, facts=self.join(said, "separator"))
        return text + ("\n" + self.t("noted_hint", role) if hint else "")

    def _block_corrected(self, role: str | None, old: list[Fact], new: list[Fact]) -> str:
        new_text = self.join(self.facts(new, role), "separator")
        if old:
            old_text = self.join(self.facts(old, role), "separator")
            if old_text == new_text:
                # only the date changed ("sorry, the ileostomy was 2022 not 2020"): the dates
                # said, never "stoma → stoma" (lead, round 40)
                old_text, new_text = self._with_dates(old, role), self._with_dates(new, role)
            return self.t("corrected", role, old=old_text, new=new_text)
        return self.t("correction_added", role, new=new_text)

    def _with_dates(self, facts: list[Fact], role: str | None) -> Safe:
        parts = []
        for fact in facts:
            said = self.join(self.facts([fact], role), "separator")
            parts.append(self.p("fact_dated", fact=said, date=fact.date) if fact.date else said)
        return self.join(parts, "separator")

    def _block_dated(self, role: str | None, facts: list[Fact]) -> str:
        """A date added to facts already known ("When did she last take rituximab?" "8
        months ago"): the date said back, not a "correction" that shows no change."""
        parts = [self.p("last_taken", name=self.name(f.concept, f.label, role), date=f.date)
                 if f.label in ("DRUG", "PROCEDURE") else self.fact(f, role) for f in facts]
        return self.t("dated", role, facts=self.join([p for p in parts if p is not None], "separator"))

    def _block_voice(self, role: str | None, relation: str, sex: str | None) -> str:
        """The relative's voice for the rest of the reply (says nothing itself)."""
        self.voice = self.voices.words(relation, sex, self.lang)
        return ""

    def _block_question(self, role: str | None, text: dict[str, str], form: str | None, unit: str | None,
                        key: str | None = None) -> str:
        wording = self.asked(text, role, key)
        return self.fmt.bold(self.fmt.esc(wording))

    def _block_help(self, role: str | None, commands: dict[str, str]) -> str:
        lines = [self.t("help", role)]
        worded = self.texts.command_texts(self.lang)
        lines += [f"/{self.fmt.esc(name)} – {self.fmt.esc(worded.get(name) or about)}" for name, about in commands.items()]
        return "\n".join(lines)

    def _block_profile(self, role: str | None, facts: list[Fact], left_open: list[dict]) -> str:
        if not facts:
            lines = [self.t("profile_empty", role)]
        else:
            lines = [self.fmt.bold(self.t("profile_header", role))] + ([self.t("role_line", role)] if role else [])
            lines += [f"• {phrase}" for phrase in self.facts(facts, role)]
        questions = [self.asked(q, role) for q in left_open]
        if questions:
            lines.append(self.t("profile_open", role, questions="; ".join(q for q in questions if q)))
        lines.append(self.t("profile_hint", role))
        return "\n".join(lines)

    def _block_trials(self, role: str | None, trials: list[dict]) -> str:
        lines = [self.fmt.bold(self.t("trials_header", role, count=len(trials)))]
        unknown = self.texts.text("unknown", role, self.lang)
        for trial in trials:
            lines.append("• " + self.t("trial_line", role, id=trial["id"], nct=trial.get("nct_id") or unknown,
                                       status=trial.get("status") or unknown, title=_cut(trial.get("title") or "", 120)))
        return "\n".join(lines)

    def _block_faq(self, role: str | None, text: dict[str, str]) -> str:
        """An answer of data/faq.yaml, in the role's wording (the reply's language when the
        answer has it: "zh:patient")."""
        wording = text.get(f"{self.lang}:{role or 'patient'}") or text.get(role or "patient") or text.get("patient") or ""
        return self.fmt.esc(wording)

    def _block_faq_sites(self, role: str | None, trials: list[dict]) -> str:
        """"Where is the hospital?": per trial, its sites, contacts and registry page."""
        lines = [self.fmt.bold(self.t("faq_sites_header", role))]
        for trial in trials:
            lines.append("• " + self.fmt.esc(_cut(trial.get("title") or "", 120)) + f" ({self.fmt.esc(trial.get('id') or '')})")
            lines += [f"   {line}" for line in where_lines(self, role, trial)]
        return "\n".join(lines)

    def _block_criteria_asked(self, role: str | None, trials: list[dict]) -> str:
        """"does she need CD19+ B cells?": per trial that may fit, the criteria naming it, in
        the registry's words, with this patient's verdict."""
        lines = [self.fmt.bold(self.t("criteria_asked_header", role))]
        for trial in trials:
            lines.append("• " + self.fmt.esc(_cut(trial.get("title") or "", 120)) + f" ({self.fmt.esc(trial.get('id') or '')})")
            for row in trial.get("criteria") or []:
                kind = self.t("criteria_asked_inclusion" if row.get("kind") == "inclusion" else "criteria_asked_exclusion", role)
                state = row.get("status")
                key = f"criteria_asked_{row.get('kind')}_{state}" if state in ("pass", "fail") else f"criteria_asked_{state}"
                status = self.t(key, role) if state in ("pass", "fail", "unknown", "review") else ""
                lines.append(f"   {kind} {self.fmt.esc(_cut(row.get('text') or '', 300))}" + (f" ({status})" if status else ""))
            if trial.get("more"):
                lines.append("   " + self.t("criteria_asked_more", role, count=trial["more"]))
        lines.append(self.t("criteria_asked_footer", role))
        return "\n".join(lines)

    def _block_results(self, role: str | None, **view: Any) -> str:
        return results_text(self, role, view)

    def _block_trial(self, role: str | None, **data: Any) -> str:
        return trial_text(self, role, data)

    def _block_summary(self, role: str | None, **data: Any) -> str:
        return summary_text(self, role, data)

    def _block_unread(self, role: str | None, lang: str | None, partly: bool = False) -> str:
        """A message in a language the bot does not read: which languages it reads, in
        that language when data/languages.yaml has the sentence, and in English (and in
        the conversation's language); ``partly``: some words of it were read all the same."""
        key = "partly_read_language" if partly else "unread_language"
        lines = [load_languages().sentence(lang), self.t(key, role)]
        if self.lang != "en":
            lines.append(self.fmt.esc(self.texts.text(key, role, "en")))
        return "\n".join(self.fmt.esc(line) if not isinstance(line, Safe) else line for line in lines if line)


def allergy_spans(facts: list[Fact]) -> set[tuple]:
    """Where the patient's allergies (or their absence) to a named drug were said, as
    (start, end, source): the DRUG fact read from the same words is said as the allergy,
    never as a treatment tried (the chat's summary and triage's profile line)."""
    return {(f.start, f.end, f.source) for f in facts
            if f.label == "ALLERGY" and f.concept != ANY_DRUG and not (f.family or f.hypothetical)}


def _score_in_words(fact: Fact) -> bool:
    """A score told in everyday words ("I still work full time"), not as its name and a
    number ("ECOG 1"; a chosen option "1 active, no heavy effort")."""
    text = (fact.text or "").lower()
    if not text or any(ch.isdigit() for ch in text):
        return False
    entry = load_terminology().get(fact.concept)
    names = (entry.label, *entry.terms, *entry.abbreviations) if entry is not None else ()
    return not any(name.lower() in text for name in names)


def _without_named_class(facts: list[Fact]) -> list[Fact]:
    """The facts without a treatment class said with the same time and outcome as one of its
    own drugs ("steroids" answered as "she stopped the prednisolone a year ago"): the drug
    says it; a count ("failed 3 biologics"), a class with other news, and a class denied
    ("no steroids" says more than "never prednisone") stay."""
    terminology = load_terminology()
    drugs = [f for f in facts if f.label == "DRUG" and not f.family]

    def same_news(a: Fact, b: Fact) -> bool:
        return (a.negated, a.uncertain, a.hypothetical, a.historical, a.status, a.date, a.ongoing) == \
               (b.negated, b.uncertain, b.hypothetical, b.historical, b.status, b.date, b.ongoing)

    def said_by_member(fact: Fact) -> bool:
        return fact.value is None and not fact.negated and any(
            other.concept != fact.concept and terminology.is_a(other.concept, fact.concept) and same_news(fact, other)
            for other in drugs)
    return [f for f in facts if not (f in drugs and said_by_member(f))]


def _one_place(facts: list[Fact]) -> list[Fact]:
    """A town and its country told together ("we live in usa, boston") said as one place,
    the town first: "lives in Boston, United States" (h155, round 33). Only the patient's
    places of one message; the towns are joined by a line break the renderer splits."""
    places = [f for f in facts if f.label == "LOCATION" and not f.family]
    if len(places) < 2 or len({f.source for f in places}) > 1:
        return facts
    ordered = sorted(places, key=lambda f: is_country(f.concept))
    joined = replace(ordered[0], concept="\n".join(dict.fromkeys(f.concept for f in ordered)))
    first = places[0]
    return [joined if f is first else f for f in facts if f.label != "LOCATION" or f.family or f is first]

