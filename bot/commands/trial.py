"""Show one trial in full: identifiers, status, design, eligibility limits, every
inclusion and exclusion criterion (its kind, verbatim text, rule in words and curator's
notes), sites and contacts. Values no source gives are shown as "unknown".

ID is the trial's id or its NCT number, in any case (NCT05239702, nct05239702,
local-cd7-cart-heme). --json prints the stored record.

Example:
  python bot.py trial NCT07193667
"""
from __future__ import annotations

import argparse
import json
import sys
import textwrap

from bot.commands.trials import store_faults
from bot.formats import terminal_safe
from bot.sites import contact_name

HELP = "show one trial in full: criteria with their rules, sites, contacts"

UNKNOWN = "unknown"
WIDTH = 100
_KNOWN_IDS_SHOWN = 20
# A group combines its children's statuses (pass/fail), whatever their kind.
_GROUPS = {
    ("inclusion", "all"): "every one of these is required",
    ("inclusion", "any"): "any one of these is enough",
    ("exclusion", "all"): "each of these excludes",
    ("exclusion", "any"): "excludes only when all of these apply",
}



def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="trial id or NCT number (any case)")
    parser.add_argument("--json", action="store_true", help="print the trial record as JSON")


@store_faults
def run(args: argparse.Namespace) -> int:
    from bot.commands.trials import error, open_db  # start-up: the store only for commands that open it
    from data.store import get_trial, list_trials, trial_freshness, trial_origin  # start-up: the store only for commands that open it
    from data.terminology import load_terminology  # start-up: the terminology only for commands that show trials

    db = open_db(args)
    if db is None:
        return 1
    record = get_trial(db, args.id)
    if record is None:
        ids = [row["id"] for row in list_trials(db)]
        shown = ", ".join(ids[:_KNOWN_IDS_SHOWN]) or "none"
        more = f" and {len(ids) - _KNOWN_IDS_SHOWN} more" if len(ids) > _KNOWN_IDS_SHOWN else ""
        error(f"no trial {args.id!r}; known ids: {shown}{more}")
        return 1
    if args.json:
        json.dump(record, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    fresh = trial_freshness(db, [record["id"]]).get(record["id"])
    print(terminal_safe(render_trial(record, load_terminology(), origin=trial_origin(db, record["id"]), freshness=fresh)))
    return 0


# --- rendering -------------------------------------------------------------------------


def render_trial(record: dict, terminology, origin: str | None = None, freshness: dict | None = None) -> str:
    """The whole trial as readable text (``freshness``: ``data.store.trial_freshness``'s entry)."""
    out: list[str] = []
    add = out.append
    add(f"{record['id']}: {record['title']}")
    if record.get("title_note"):
        add(_wrap(f"(title: {record['title_note']})", "  "))
    if record["official_title"]:
        add(_wrap(f"official title: {record['official_title']}", "  "))
    add(f"  NCT number: {_v(record['nct_id'])}    origin: {_v(origin)}")
    add(f"  status: {_v(record['status'])}    phase: {_v(record['phase'])}    study type: {_v(record['study_type'])}")
    design = record["design"]
    add("  design: " + ", ".join(f"{k} {_v(design[k])}" for k in ("allocation", "model", "purpose", "masking")))
    conditions = ", ".join(terminology.label(c) for c in record["conditions"]) or UNKNOWN
    add(_wrap(f"conditions: {conditions}", "  "))
    if record["conditions_text"]:
        add(_wrap(f"as registered: {', '.join(record['conditions_text'])}", "    "))
    for item in record["interventions"]:
        targets = f" (targets {', '.join(item['target_antigens'])})" if item["target_antigens"] else ""
        add(_wrap(f"intervention: {_v(item['name'])}{targets}, type {_v(item['type'])}", "  "))
    enrollment = record["enrollment"]
    add(f"  enrolment: {_v(enrollment['count'])}" + (f" ({enrollment['type']})" if enrollment["type"] else ""))
    dates = record["dates"]
    add("  dates: " + ", ".join(f"{k.replace('_', ' ')} {_v(dates[k])}" for k in dates))
    add("  " + freshness_line(dates["last_updated"], freshness))
    e = record["eligibility"]
    add(f"  eligibility: age {_v(e['min_age_years'])} to {_v(e['max_age_years'])} years, sex {_v(e['sex'])}, "
        f"healthy volunteers {_v(_yes_no(e['healthy_volunteers']))}")
    sponsors = "; ".join(f"{s['name']} (class {_v(s['class'])}, role {_v(s['role'])})" for s in record["sponsors"])
    add(_wrap(f"sponsors: {sponsors or UNKNOWN}", "  "))
    for other in record["other_ids"]:
        add(f"  other id: {other['id']} ({_v(other['type'])})")
    add(_wrap(f"sources: {', '.join(record['sources'])}", "  "))
    for field in ("summary", "description"):
        if record[field]:
            add(f"\n{field.capitalize()}:")
            add(_wrap(record[field], "  "))
    if record["arms"]:
        add("\nArms:")
        for arm in record["arms"]:
            described = f": {arm['description']}" if arm["description"] else ""
            add(_wrap(f"- {_v(arm['label'])} ({_v(arm['type'])}){described}", "  ", "    "))
    for group, items in record["outcomes"].items():
        if items:
            add(f"\n{group.capitalize()} outcome measures:")
            for item in items:
                add(_wrap(f"- {item['measure']} (time frame: {_v(item['time_frame'])})", "  ", "    "))
    for kind in ("inclusion", "exclusion"):
        criteria = [c for c in record["criteria"] if c["kind"] == kind]
        add(f"\n{kind.capitalize()} criteria" + (" (a rule states what excludes):" if kind == "exclusion" else ":"))
        if not criteria:
            add("  none listed")
        for criterion in criteria:
            _render_criterion(criterion, 1, out)
    add(f"\nSites ({len(record['sites'])}):")
    if not record["sites"]:
        add("  none listed")
    for site in record["sites"]:
        place = ", ".join(site[k] for k in ("city", "region", "country") if site[k]) or UNKNOWN
        add(_wrap(f"- {_v(site['facility'])}; {place}; recruitment status {_v(site['status'])}", "  ", "    "))
        for contact in site["contacts"]:
            add(_contact_line(contact, "    "))
    add("\nContacts:")
    if not record["contacts"]:
        add("  none listed")
    for contact in record["contacts"]:
        add(_contact_line(contact, "  "))
    return "\n".join(out)


def freshness_line(last_updated: str | None, freshness: dict | None = None, today=None) -> str:
    """'Registry record last updated YYYY-MM-DD', flagged when over 12 months old, with the
    registry's status verification, the last sync when known, and when this copy was
    written (imported, synced or bundled)."""
    from datetime import date, datetime, timezone

    today = today or datetime.now(timezone.utc).date()
    line = f"Registry record last updated {_v(last_updated)}"
    try:
        if last_updated and (today - date.fromisoformat(last_updated[:10])).days > 365:
            line += " (over 12 months ago: check with the site)"
    except ValueError:
        pass
    freshness = freshness or {}
    if freshness.get("status_verified"):
        line += f"; status verified {freshness['status_verified']}"
    if freshness.get("synced_at"):
        line += f"; synced {freshness['synced_at'][:10]}"
    if freshness.get("written_at"):
        line += f"; stored here {freshness['written_at'][:16].replace('T', ' ')} UTC"    # imported or synced
    return line


def _render_criterion(criterion: dict, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    header = f"{criterion['id']} ({criterion['kind']})"
    if "combine" in criterion:
        header = f"{criterion['id']} ({criterion['kind']} group: {_GROUPS[criterion['kind'], criterion['combine']]})"
    out.append(pad + header)
    label = "" if criterion.get("verbatim", True) else "[curator's heading] "
    out.append(_wrap(label + criterion["text"], pad + "  "))
    if "rule" in criterion:
        lines = describe_rule(criterion["rule"])
        out.append(f"{pad}  rule: {lines[0]}")
        out.extend(f"{pad}        {line}" for line in lines[1:])
    if criterion.get("note"):
        out.append(_wrap(f"note: {criterion['note']}", pad + "  ", pad + "        "))
    for child in criterion.get("children", []):
        _render_criterion(child, depth + 1, out)


def describe_rule(rule: dict) -> list[str]:
    """A rule in words, one line per leaf (``matching.describe``) with its curator's note,
    combinators as an indented outline."""
    from matching.describe import describe_leaf  # start-up: the matcher only for the rules shown

    for op, title in (("all", "all of:"), ("any", "any of:")):
        if op in rule:
            lines = [title]
            for sub in rule[op]:
                sub_lines = describe_rule(sub)
                lines.append(f"  - {sub_lines[0]}")
                lines.extend(f"    {line}" for line in sub_lines[1:])
            return lines
    if "not" in rule:
        sub_lines = describe_rule(rule["not"])
        return [f"NOT {sub_lines[0]}", *(f"    {line}" for line in sub_lines[1:])]
    text = describe_leaf(rule)
    if rule.get("note"):
        text += f": {rule['note']}" if rule["type"] == "review" else f" [{rule['note']}]"
    return [text]


def _contact_line(contact: dict, pad: str) -> str:
    return (f"{pad}- {_v(contact_name(contact['name']))} ({_v(contact['role'])}): phone {_v(contact['phone'])}, "
            f"email {_v(contact['email'])}")


def _wrap(text: str, indent: str, subsequent: str | None = None) -> str:
    return "\n".join(
        textwrap.fill(paragraph, WIDTH, initial_indent=indent, subsequent_indent=subsequent or indent,
                      break_long_words=False, break_on_hyphens=False)
        for paragraph in text.split("\n")
    )


def _v(value) -> str:
    return UNKNOWN if value is None else str(value)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _num(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
