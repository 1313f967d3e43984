"""Wording of results, one trial, and the referral summary (part of the renderer; the
views come from ``bot.results``). Verdicts are worded "may qualify" / "probably does not
fit"; the disclaimer that the trial team decides always closes results."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from bot.render import Renderer

from bot.formats import SHORT, SHOW, Safe, _cut
from bot.results import CONDITION_GATE
from bot.sites import where_lines, where_to_ask
from bot.trial_notes import notice_lines


def _id_text(r: "Renderer", role: str | None, view: dict) -> "Safe":
    unknown = r.texts.text("unknown", role, r.lang)
    if view.get("nct_id") and view.get("nct_id") == view.get("id"):
        return r.t("trial_id_nct", role, nct=view["nct_id"])
    return r.t("trial_id", role, id=view.get("id") or unknown, nct=view.get("nct_id") or unknown)


def _criteria_line(r: "Renderer", role: str | None, heading: str, rows: list[dict], show: int = SHOW,
                   with_evidence: bool = False, by_kind: bool = False) -> str | None:
    """One line of criteria under a heading; ``by_kind`` (criteria that rule a trial out)
    says of each whether it is an exclusion that applies or an inclusion not met, so that
    "Lupus nephritis (you told me: lupus nephritis)" is not read as unmet."""
    if not rows:
        return None
    items = []
    for row in rows[:show]:
        item = r.fmt.esc(_cut(row["text"] or row["id"]))
        if by_kind and row.get("kind") in ("inclusion", "exclusion"):
            item = r.t(f"failed_{row['kind']}", role, text=Safe(item))
        if with_evidence and row.get("evidence"):
            item += " " + _evidence(r, role, row["evidence"][:3])
        items.append(item)
    if len(rows) > show:
        items.append(r.t("more_items", role, count=len(rows) - show))
    return f"{r.t(heading, role)} " + "; ".join(items)


def _evidence(r: "Renderer", role: str | None, facts: list) -> "Safe":
    return r.t("evidence", role, facts=r.join(r.facts(facts, role), "separator"))


def _fits_rows(rows: list[dict]) -> list[dict]:
    """The met criteria of a candidate's short line: the trial's conditions (the condition
    gate, "A trial for: Crohn Disease; ...; also rheumatoid arthritis") give way to a met
    criterion that rests on the same facts ("Rheumatoid arthritis (you told me: rheumatoid
    arthritis)" said once, not twice); the full view (/trial) keeps every row."""
    # a met group says what it rests on through its met sub-criteria ("Rheumatoid arthritis
    # (you told me: rheumatoid arthritis)")
    rows = [row if row.get("evidence") else {**row, "evidence": _met_below(row)} for row in rows]
    gate = next((row for row in rows if row["id"] == CONDITION_GATE), None)
    if gate is None or not gate.get("evidence"):
        return rows
    told = set(map(_fact_key, gate["evidence"]))
    if any(row is not gate and told & _rests_on(row) for row in rows):
        return [row for row in rows if row is not gate]
    return rows


def _met_below(row: dict) -> list:
    seen: dict[tuple, Any] = {}
    for child in row.get("children") or ():
        if child.get("status") == "pass":
            for fact in child.get("evidence") or ():
                seen.setdefault(tuple(fact.__dict__.values()), fact)
    return list(seen.values())


def _rests_on(row: dict) -> set[tuple]:
    """The facts a met criterion rests on, its sub-criteria's too ("Rheumatoid arthritis" over
    "Conform the diagnostic criteria for rheumatoid arthritis ...")."""
    return {_fact_key(f) for item in (row, *(row.get("children") or ())) for f in item.get("evidence") or ()}


def _fact_key(fact: Any) -> tuple:
    return (fact.label, fact.concept, fact.negated)


def candidate_lines(r: "Renderer", role: str | None, view: dict) -> list[str]:
    groups = view["criteria"]
    lines = [r.t(f"verdict_{view['verdict']}", role)]
    for line in (
        _criteria_line(r, role, "fits", _fits_rows(groups["met"]), with_evidence=True),
        r.t("exclusions_clear", role, count=len(groups["clear"])) if groups["clear"] else None,
        _criteria_line(r, role, "still_open", groups["open"]),
        r.t("for_team", role, count=len(groups["review"])) if groups["review"] else None,
        _criteria_line(r, role, "rules_out", groups["failed"], with_evidence=True, by_kind=True),
    ):
        if line:
            lines.append(line)
    lines += notice_lines(r, role, view)      # status note, freshness warnings (bot.trial_notes)
    lines += where_lines(r, role, view)
    return lines


def results_text(r: "Renderer", role: str | None, view: dict[str, Any]) -> str:
    out = []
    if view["candidates"]:
        if view.get("main"):
            # every trial listed is for a comorbidity: say none is for the illness itself
            names = {part: r.join(r.name(c, label, role) for c, label in view[part]) for part in ("main", "others")}
            out.append(r.fmt.bold(r.t("results_header_other", role, **names)))
        else:
            out.append(r.fmt.bold(r.t("results_header", role)))
        for n, trial in enumerate(view["candidates"], start=1):
            head = f"{n}. " + r.fmt.bold(r.fmt.esc(_cut(trial["title"], 200))) + f" ({_id_text(r, role, trial)})"
            out.append("\n".join([head] + [f"   {line}" for line in candidate_lines(r, role, trial)]))
        if view["more_candidates"]:
            out.append(r.t("more_trials", role, count=view["more_candidates"]))
        if view.get("unfitted"):
            out.append(r.t("unfitted_open", role, count=view["unfitted"]))
    else:
        out.append(r.t("results_none", role))
    for part in ("linked", "general"):      # trials named apart (bot.results): title and conditions
        if view.get(part):
            lines = [r.fmt.bold(r.t(f"{part}_header", role))]
            for trial in view[part]:
                lines.append(f"• {r.fmt.esc(_cut(trial['title'], 120))} ({_id_text(r, role, trial)})"
                             + (f": {r.fmt.esc(_cut(trial['conditions'], 160))}" if trial.get("conditions") else ""))
            if view.get(f"more_{part}"):
                lines.append(r.t("more_trials", role, count=view[f"more_{part}"]))
            out.append("\n".join(lines))
    if view["ruled_out"]:
        lines = [r.fmt.bold(r.t("ruled_out_header", role))]
        for trial in view["ruled_out"]:
            reason = _criteria_line(r, role, "rules_out", trial["criteria"]["failed"], show=2, with_evidence=True,
                                    by_kind=True)
            lines.append(f"• {r.fmt.esc(_cut(trial['title'], 120))} ({_id_text(r, role, trial)})" + (f"\n   {reason}" if reason else ""))
        if view["more_ruled_out"]:
            lines.append(r.t("more_trials", role, count=view["more_ruled_out"]))
        out.append("\n".join(lines))
    if view.get("outside_limits"):
        lines = [r.fmt.bold(r.t("outside_limits_header", role))]
        for trial in view["outside_limits"][:SHOW_LIMITED]:
            lines.append(f"• {r.fmt.esc(_cut(trial['title'], 120))} ({_id_text(r, role, trial)}): {limits_text(r, role, trial)}")
        if len(view["outside_limits"]) > SHOW_LIMITED:
            lines.append(r.t("more_trials", role, count=len(view["outside_limits"]) - SHOW_LIMITED))
        out.append("\n".join(lines))
    if view.get("left_out"):
        out.append(r.t("left_out", role, count=view["left_out"]))
    if view.get("not_recruiting"):
        out.append(r.t("not_recruiting_left_out", role, count=view["not_recruiting"]))
    out.append(r.t("disclaimer", role))
    return "\n\n".join(out)


SHOW_LIMITED = 5


def _age(r: "Renderer", role: str | None, years: float) -> str:
    """An age limit as people say it: whole years, or months under two years."""
    if years < 1 or (years < 2 and years != int(years)):
        return r.t("limits_months", role, count=round(years * 12))
    return f"{years:g}" if years == int(years) else f"{years:.1f}"


def limits_text(r: "Renderer", role: str | None, trial: dict[str, Any]) -> str:
    """A trial's hard age and sex limits in words ("ages 18 to 65", "women only")."""
    low, high, parts = trial.get("min_age"), trial.get("max_age"), []
    if low is not None and high is not None:
        parts.append(r.t("limits_ages", role, low=_age(r, role, low), high=_age(r, role, high)))
    elif low is not None:
        parts.append(r.t("limits_age_min", role, low=_age(r, role, low)))
    elif high is not None:
        parts.append(r.t("limits_age_max", role, high=_age(r, role, high)))
    if trial.get("sex") in ("FEMALE", "MALE"):
        parts.append(r.t("limits_female" if trial["sex"] == "FEMALE" else "limits_male", role))
    return ", ".join(parts)


def trial_text(r: "Renderer", role: str | None, data: dict[str, Any]) -> str:
    """/trial ID: the trial in full, worded for the person: status and conditions in words,
    every criterion (headings and notes left out) under this patient's verdict for it with
    the facts it rests on, or, with nothing known yet, as what a person needs and what
    stops one; then where to ask."""
    brief, record, view = data["trial"], data["record"], data.get("view")
    unknown = r.texts.text("unknown", role, r.lang)
    status = str(brief.get("status") or "").replace("_", " ").lower() or unknown
    conditions = [r.name(str(c), "CONDITION", role) for c in brief.get("conditions") or []]
    lines = [r.fmt.bold(r.fmt.esc(brief.get("title") or brief["id"])) + f" ({_id_text(r, role, brief)})",
             r.t("trial_status", role, status=status),
             r.t("trial_conditions", role, conditions=", ".join(conditions) or unknown)]
    if view is not None and data.get("known"):
        lines.append(r.t("trial_you", role, verdict=Safe(r.t(f"verdict_{view['verdict']}", role))))
        groups = view["criteria"]
        for heading, part in (("trial_fails", "failed"), ("trial_fits", "met"), ("trial_open", "open"),
                              ("trial_review", "review"), ("trial_clear", "clear")):
            lines += _full_rows(r, role, heading, groups[part], with_status=part in ("met", "open", "clear"))
    elif view is not None:
        rows = [row for part in view["criteria"].values() for row in part]
        order = {row_id: n for n, row_id in enumerate(data.get("order") or [])}
        rows.sort(key=lambda row: order.get(row["id"], len(order)))
        for heading, kind in (("trial_inclusion", "inclusion"), ("trial_exclusion", "exclusion")):
            lines += _full_rows(r, role, heading, [row for row in rows if row["kind"] == kind], with_status=False)
    lines += notice_lines(r, role, {"notices": data.get("notices")})      # status note, freshness warnings
    lines += where_lines(r, role, view if view is not None else where_to_ask(record))
    lines.append(r.t("disclaimer", role))
    return "\n".join(lines)


def _full_rows(r: "Renderer", role: str | None, heading: str, rows: list[dict], with_status: bool) -> list[str]:
    """A heading and every criterion under it, with the facts it rests on; a criterion's
    sub-criteria below it (with their own verdict when ``with_status``)."""
    if not rows:
        return []
    lines = [r.fmt.bold(r.t(heading, role))]
    for row in rows:
        line = f" • {r.fmt.esc(_cut(row['text'] or row['id'], 400))}"
        if row.get("evidence"):
            line += " " + _evidence(r, role, row["evidence"][:4])
        lines.append(line)
        for child in row.get("children") or []:
            key = "status_" + str(child["status"])
            status = f": {r.t(key, role)}" if with_status else ""
            lines.append(f"     · {r.fmt.esc(_cut(child['text'] or child['id'], SHORT))}{status}")
    return lines


def _summary_rows(r: "Renderer", role: str | None, heading: str, rows: list[dict]) -> list[str]:
    if not rows:
        return []
    lines = [r.t(heading, role)]
    for row in rows:
        line = f" - [{r.fmt.esc(row['id'])}] {r.fmt.esc(_cut(row['text'] or '', 400))}"
        if row.get("evidence"):
            line += " " + _evidence(r, role, row["evidence"][:4])
        lines.append(line)
        for child in row.get("children") or []:
            status = r.t(f"status_{child['status']}", role)
            lines.append(f"     · [{r.fmt.esc(child['id'])}] {r.fmt.esc(_cut(child['text'] or '', SHORT))}: {status}")
    return lines


def summary_text(r: "Renderer", role: str | None, data: dict[str, Any]) -> str:
    lines = [r.fmt.bold(r.t("summary_title", role, date=data["date"])), r.t("summary_intro", role), "",
             r.t("summary_patient", role, facts=r.join(r.facts(data["facts"], role), "separator"))]
    if not data["trials"]:
        lines += ["", r.t("summary_none", role)]
    for trial in data["trials"]:
        groups = trial["criteria"]
        lines += ["", r.fmt.bold(r.t("summary_trial", role, title=trial["title"], ids=_id_text(r, role, trial),
                                     verdict=Safe(r.t(f"verdict_{trial['verdict']}", role))))]
        lines += _summary_rows(r, role, "summary_met", groups["met"])
        lines += _summary_rows(r, role, "summary_excl_clear", groups["clear"])
        lines += _summary_rows(r, role, "summary_unmet", groups["failed"])
        lines += _summary_rows(r, role, "summary_unknown", groups["open"])
        lines += _summary_rows(r, role, "summary_review", groups["review"])
        lines += where_lines(r, role, trial)
    if data.get("more_trials"):
        lines += ["", r.t("more_trials", role, count=data["more_trials"])]
    for part in ("linked", "general"):
        if data.get(part):
            lines += ["", r.t(f"{part}_header", role)]
            lines += [f" - {r.fmt.esc(str(trial['id']))}: {r.fmt.esc(_cut(trial['conditions'] or '', SHORT))}"
                      for trial in data[part]]
    if data.get("excluded"):
        lines += ["", r.t("summary_excluded", role)]
        for trial in data["excluded"]:
            reasons = "; ".join(f"[{r.fmt.esc(row['id'])}] {r.fmt.esc(_cut(row['text'] or '', SHORT))}"
                                + (" " + _evidence(r, role, row["evidence"][:3]) if row.get("evidence") else "")
                                for row in trial["failed"][:2])
            lines.append(f" - {r.fmt.esc(str(trial['id']))}: {reasons}")
        if data.get("more_excluded"):
            lines.append(r.t("more_trials", role, count=data["more_excluded"]))
    if data.get("outside_limits"):
        lines += ["", r.t("outside_limits_header", role)]
        lines += [f" - {r.fmt.esc(str(trial['id']))}: {limits_text(r, role, trial)}" for trial in data["outside_limits"]]
    if data.get("left_out"):
        lines += ["", r.t("left_out", role, count=data["left_out"])]
    return "\n".join(lines)
