"""Field readers for registry pages saved as text: sites, outcomes, arms, contacts,
sponsors, other identifiers and registry enumeration values. Each takes the lines of one
section (already stripped of list bullets) and returns record fragments; none of them
guesses: a line it cannot place is left alone.
"""
from __future__ import annotations

import datetime
import re

from core import durations
from registry.patterns import Patterns


def strip_bullet(line: str, patterns: Patterns) -> str:
    match = patterns.criteria["bullet"].match(line)
    return line[match.end():].strip() if match else line.strip()


def classify(line: str, patterns: Patterns, vocabularies: tuple[str, ...]) -> tuple[str, str] | None:
    """(vocabulary, canonical value) of the first vocabulary that spells ``line``."""
    for name in vocabularies:
        value = patterns.lookup(name, line)
        if value is not None:
            return name, value
    return None


def fits(section: str, value: str, patterns: Patterns) -> bool:
    form = patterns.value_forms.get(section)
    if form is None:
        return True
    if isinstance(form, tuple):
        kind, name = form
        if kind == "vocab":
            return patterns.lookup(name, value) is not None
        return bool(patterns.forms[name].match(value))
    return bool(form.match(value))


def iso_date(text: str, patterns: Patterns) -> str | None:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) from a date as pages write it, else None."""
    match = patterns.forms["date"].match(text.strip())
    if not match:
        return None
    value = match.group("date")
    if re.match(r"^\d{4}", value):
        return value
    for form, out in (("%B %d, %Y", "%Y-%m-%d"), ("%b %d, %Y", "%Y-%m-%d"), ("%B %Y", "%Y-%m"), ("%b %Y", "%Y-%m")):
        try:
            return datetime.datetime.strptime(value, form).strftime(out)
        except ValueError:
            continue
    return None


def age_years(text: str, patterns: Patterns) -> tuple[float, str] | None:
    """(years, as written) from "18 Years", "6 Months"; None for anything else."""
    match = patterns.forms["age"].match(text.strip())
    if not match:
        return None
    return _to_years(match.group("value"), match.group("unit")), text.strip()


def _to_years(value: str, unit: str | None) -> float:
    units = {"y": "year", "m": "month", "w": "week", "d": "day", "h": "hour"}
    years = round(durations.years(float(value), units[(unit or "y")[0].lower()]), 3)
    return int(years) if years.is_integer() else years


def age_range(text: str, patterns: Patterns) -> tuple[tuple[float, str], tuple[float, str]] | None:
    """((min years, as written), (max years, as written)) from "18 Years to 65 Years"."""
    match = patterns.forms["age_range"].match(text.strip())
    if not match:
        return None
    max_unit = match.group("max_unit")
    min_unit = match.group("min_unit") or max_unit
    low = (_to_years(match.group("min"), min_unit), f"{match.group('min')} {min_unit}".strip())
    high = (_to_years(match.group("max"), max_unit), f"{match.group('max')} {max_unit}".strip())
    return low, high


# --- sites -----------------------------------------------------------------------------


def _site(facility: str | None) -> dict:
    return {"facility": facility, "city": None, "region": None, "country": None, "status": None,
            "lat": None, "lon": None, "contacts": []}


def _place(line: str, patterns: Patterns) -> dict | None:
    match = patterns.page["place"].match(line)
    if not match or patterns.page["facility"].search(line):
        return None
    return {k: (match.group(k) or "").strip() or None for k in ("city", "region", "country")}


def _status_suffix(line: str, patterns: Patterns) -> tuple[str, str | None]:
    match = patterns.page["glued_status_suffix"].search(line)
    if not match or not line[: match.start()].strip():
        return line, None
    return line[: match.start()].strip(), patterns.lookup("status", match.group("status"))


def read_sites(lines: list[str], patterns: Patterns) -> list[dict]:
    """Sites from a Locations section: a facility line, then optionally a place line
    ("City, Region, Country") and a status; a status may be glued to the facility name."""
    sites: list[dict] = []
    pending: dict | None = None
    for line in lines:
        place = _place(line, patterns)
        if place:
            target = pending or (sites[-1] if sites and sites[-1]["city"] is None else None)
            if target is None:
                target = _site(None)
                sites.append(target)
            target.update(place)
            if pending is not None:
                sites.append(pending)
                pending = None
            continue
        status = patterns.lookup("status", line)
        if status and (pending or sites):
            (pending or sites[-1])["status"] = status
            continue
        contact = read_contact_line(line, patterns, "site")
        if contact and (contact["phone"] or contact["email"]) and (pending or sites):
            (pending or sites[-1])["contacts"].append(contact)
            continue
        if pending is not None:
            sites.append(pending)
        facility, status = _status_suffix(line, patterns)
        pending = _site(facility)
        pending["status"] = status
    if pending is not None:
        sites.append(pending)
    return sites


def find_sites(lines: list[str | None], patterns: Patterns) -> list[dict]:
    """Sites on a page without a Locations heading: a facility-like line followed by a
    place line, optionally followed by a status (alone, or glued to the next line's start).
    Consumed lines are set to None in ``lines``; a glued status is cut off its line."""
    sites = []
    for i in range(1, len(lines)):
        line, before = lines[i], lines[i - 1]
        if line is None or before is None:
            continue
        place = _place(line, patterns)
        if not place or not patterns.page["facility"].search(before):
            continue
        facility, status = _status_suffix(before, patterns)
        site = _site(facility)
        site.update(place)
        site["status"] = status
        lines[i - 1] = lines[i] = None
        if i + 1 < len(lines) and lines[i + 1] is not None:
            following = lines[i + 1]
            whole = patterns.lookup("status", following)
            glued = patterns.page["glued_status_prefix"].match(following)
            if whole:
                site["status"] = whole
                lines[i + 1] = None
            elif glued:
                site["status"] = patterns.lookup("status", glued.group("status"))
                rest = following[glued.end():].strip()
                lines[i + 1] = rest or None
        sites.append(site)
    return sites


# --- outcomes, arms, interventions -----------------------------------------------------


def read_outcomes(lines: list[str | None], patterns: Patterns, keep_unanchored: bool) -> list[dict]:
    """Outcome measures: runs of "measure / description... / Time frame: ..." lines; lines
    without a time frame are one measure each when ``keep_unanchored`` (an outcomes
    section), else left alone. A None in ``lines`` breaks a run; used lines become None."""
    outcomes: list[dict] = []
    run: list[int] = []
    time_frame = patterns.page["inline"]["time_frame"]

    def flush_unanchored() -> None:
        if keep_unanchored:
            for index in run:
                outcomes.append({"measure": lines[index], "description": None, "time_frame": None})
                lines[index] = None

    for i, line in enumerate(lines + [None]):
        if line is None:
            flush_unanchored()
            run = []
            continue
        match = time_frame.match(line)
        if match and run:
            outcomes.append({
                "measure": lines[run[0]],
                "description": "\n".join(lines[j] for j in run[1:]) or None,
                "time_frame": match.group("time_frame").strip(),
            })
            for j in [*run, i]:
                lines[j] = None
            run = []
        elif not match:
            run.append(i)
    return outcomes


def read_arms(lines: list[str], patterns: Patterns) -> list[dict]:
    """Arms: a table flattened into columns ("Arm 1", "Arm 2" / types / descriptions), or a
    label line followed by its description."""
    if not lines:
        return []
    label = patterns.page["inline"]["arm_label"]
    n = 0
    while n < len(lines) and label.match(lines[n]):
        n += 1
    if n >= 2 and len(lines) % n == 0:
        arms = [{"label": lines[i], "type": None, "description": None} for i in range(n)]
        for start in range(n, len(lines), n):
            column = lines[start:start + n]
            types = [patterns.lookup("arm_type", value) for value in column]
            for arm, value, arm_type in zip(arms, column, types):
                if all(types):
                    arm["type"] = arm_type
                else:
                    arm["description"] = value if arm["description"] is None else f"{arm['description']}\n{value}"
        return arms
    if len(lines) == 1:
        return [{"label": None, "type": None, "description": lines[0]}]
    return [{"label": lines[0], "type": None, "description": "\n".join(lines[1:])}]


def read_interventions(lines: list[str], patterns: Patterns) -> list[dict]:
    """Interventions: "Biological: name" lines (each starts one), or a name line followed by
    its description."""
    typed = patterns.page["inline"]["intervention"]
    interventions: list[dict] = []
    for line in lines:
        match = typed.match(line)
        kind = patterns.lookup("intervention_type", match.group("type")) if match else None
        if kind:
            interventions.append({"type": kind, "name": match.group("name").strip(), "description": None})
        elif not interventions:
            interventions.append({"type": None, "name": line, "description": None})
        else:
            last = interventions[-1]
            last["description"] = line if last["description"] is None else f"{last['description']}\n{line}"
    return interventions


# --- contacts, sponsors, identifiers ---------------------------------------------------


def read_contact_line(line: str, patterns: Patterns, role: str) -> dict | None:
    """One contact from "Name, phone, email" text; phone and email only where written."""
    inline = patterns.page["inline"]
    email_match = inline["contact_email"].search(line)
    email = email_match.group("email") if email_match else None
    rest = line.replace(email, " ") if email else line
    phone_match = inline["contact_phone"].search(rest)
    phone = None
    if phone_match:
        phone = phone_match.group("phone").strip()
        if phone_match.group("ext"):
            phone = f"{phone} ext. {phone_match.group('ext')}"
        rest = rest[: phone_match.start()] + " " + rest[phone_match.end():]
    name = re.sub(r"^([\w ]{0,20}contact|phone|tel|email|e-mail)\s*:\s*", "", rest.strip(" ,;:-|"), flags=re.IGNORECASE)
    name = re.sub(r"\s*(,|;|\||phone:?|tel:?|email:?)\s*$", "", name, flags=re.IGNORECASE).strip(" ,;:-|") or None
    if not (name or phone or email):
        return None
    return {"name": name, "role": role, "phone": phone, "email": email}


def read_contacts(lines: list[str], patterns: Patterns, role: str) -> list[dict]:
    """Contacts: names separated by ";" or one a line; a line holding only a phone number
    or an e-mail address belongs to the contact above it."""
    contacts: list[dict] = []
    for line in lines:
        for part in [p.strip() for p in line.split(";") if p.strip()]:
            contact = read_contact_line(part, patterns, role)
            if contact is None:
                continue
            if contact["name"] is None and contacts:
                last = contacts[-1]
                last["phone"] = last["phone"] or contact["phone"]
                last["email"] = last["email"] or contact["email"]
                continue
            contacts.append(contact)
    return contacts


def read_sponsors(lines: list[str], patterns: Patterns) -> list[dict]:
    """Sponsors: names, each optionally followed by its class (INDUSTRY, OTHER ...); the
    first is the lead sponsor."""
    sponsors: list[dict] = []
    for line in lines:
        sponsor_class = patterns.lookup("sponsor_class", line)
        if sponsor_class and sponsors and sponsors[-1]["class"] is None:
            sponsors[-1]["class"] = sponsor_class
            continue
        sponsors.append({"name": line, "class": None, "role": "collaborator" if sponsors else "lead"})
    return sponsors


def read_other_ids(lines: list[str], patterns: Patterns) -> list[dict]:
    """Identifiers: an id line, optionally followed by "Identifier Type:"/"Identifier Source:"."""
    inline = patterns.page["inline"]
    ids: list[dict] = []
    for line in lines:
        source = inline["identifier_source"].match(line)
        kind = inline["identifier_type"].match(line)
        if (source or kind) and ids:
            value = (source or kind).group("type").strip()
            if value and value != "-" and (source or ids[-1]["type"] is None):
                ids[-1]["type"] = value
            continue
        if source or kind:
            continue
        ids.append({"id": line, "type": None})
    return ids
