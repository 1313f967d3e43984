"""A registry web page saved as plain text -> one trial record (docs/importing.md).

Clinicians paste registry pages from different websites; each lays a study out its own
way. The reader is driven by the headings in ``data/import_patterns.yaml`` (``page``),
never by which website a page came from:

1. lines are cleaned (flag emoji dropped, page furniture skipped, nothing read after a
   footer line) and cut into sections at heading lines ("Inclusion criteria",
   "Sites / Locations", "- Target Recruitment", "NCT ID: NCT07193667" ...);
2. a *value* heading takes the next line when it has the expected form (a status, a
   number, an age ...); a *block* heading takes every line up to the next heading;
3. each section is read by its field reader (page_fields.py); the criteria sections go
   through the shared criteria splitter (criteria_text.py);
4. lines under no heading are searched for what pages print without one: a site
   (facility line + "City, Region, Country" line), outcome measures ("Time frame: ..."),
   the enrolment ("80 participants"), an NCT number on a line of its own.

The title is the first line when it is not a heading. A page without an NCT number gets a
stable local id from its title (or, without a title, from its text). Nothing is invented:
what the page does not say stays null.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from data.errors import DataError
from nlp.criteria.study_drugs import reading_study
from registry import page_fields as fields
from registry.concepts import condition_concept, condition_concepts, target_antigens
from registry.criteria_text import RuleParser, demographic_criteria, reader_stamp, split_lines, with_demographics
from registry.patterns import Heading, Patterns, load_patterns
from registry.record import MAX_PAGE_BYTES, MAX_TEXT_CHARS, finish, new_record, read_text_file, source_name

_CRITERIA_SECTIONS = ("eligibility", "inclusion", "exclusion")
_HEADING_NOISE = re.compile(r"\s*(\(\d+\)|:)\s*$")
_GLUED_WORDS = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
# blocks whose lines are registry enumeration values, and the vocabularies they use (in
# the order tried: "NA" is a phase in "Basic information" and an allocation in "Design")
_BLOCK_VOCABULARIES = {
    "basic": ("status", "phase", "study_type"),
    "design": ("allocation", "model", "purpose", "masking", "study_type", "phase"),
}


@dataclass
class Section:
    name: str                  # a heading section name, "preamble" or "loose"
    kind: str                  # value | block | ignore
    heading: str = ""
    lines: list[str] = field(default_factory=list)
    value: str | None = None


def read_page_file(path: Path) -> str:
    """The text of a saved page, refusing binary, oversized and non-UTF-8 files."""
    name = path.name
    text = read_text_file(path, MAX_PAGE_BYTES, "a page saved as text")
    if not text.strip():
        raise DataError(name, "is empty")
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_TEXT_CHARS:
            raise DataError(f"{name}:{number}", f"a line of {len(line):,} characters is too long for a registry page")
    return text


def import_file(path: Path | str, parse: RuleParser | None = None) -> list[dict]:
    """The study on a saved page, as a one-record list (the same shape as ctgov.import_file)."""
    path = Path(path)
    return [page_to_record(read_page_file(path), path.name, parse)]


# --- sections --------------------------------------------------------------------------


def _clean_lines(text: str, patterns: Patterns) -> list[str]:
    page = patterns.page
    lines = []
    for raw in text.splitlines():
        line = page["drop_chars"].sub("", raw).rstrip()
        stripped = line.strip()
        if any(p.search(stripped) for p in page["footer"]):
            break
        for header in page["table_header"]:
            line = header.sub("", stripped) if header.match(stripped) else line
        stripped = line.strip()
        if not stripped or any(p.search(stripped) for p in page["chrome"]):
            continue
        lines.append(line)
    return lines


def heading_of(line: str, patterns: Patterns, in_criteria: bool = False) -> tuple[Heading, str | None] | None:
    """The heading a line is (with its inline value for "Label: value"), or None. Inside
    the criteria, "Label: text" opens no block ("Conditions: ..." may be a criterion);
    only a field with a value of its form ("Sex: Female") is read there."""
    text = fields.strip_bullet(line, patterns)
    key = " ".join(_HEADING_NOISE.sub("", text).split())
    for heading in patterns.headings:
        if any(p.match(key) for p in heading.patterns):
            return heading, None
    if ":" in text:
        label, value = text.split(":", 1)
        label, value = " ".join(label.split()), value.strip()
        if value and len(label) <= 40:
            for heading in patterns.headings:
                if heading.kind == "ignore" or (in_criteria and heading.kind != "value"):
                    continue
                if any(p.match(label) for p in heading.patterns):
                    if heading.kind == "value" and not fields.fits(heading.section, value, patterns):
                        return None
                    return heading, value
    return None


def sections_of(lines: list[str], patterns: Patterns) -> list[Section]:
    """Cut the page into sections (see the module docstring)."""
    block = Section("preamble", "block")
    sections = [block]
    i = 0
    while i < len(lines):
        line = lines[i]
        found = heading_of(line, patterns, in_criteria=block.name in _CRITERIA_SECTIONS)
        vocabularies = _BLOCK_VOCABULARIES.get(block.name)
        if found and vocabularies and fields.classify(fields.strip_bullet(line, patterns), patterns, vocabularies):
            found = None  # "TREATMENT" in a design block is a value, not a "Treatments" heading
        if found is None:
            if not (block.heading and not block.lines and patterns.page["section_blurb"].match(line.strip())):
                block.lines.append(line)
            i += 1
            continue
        heading, inline = found
        if heading.kind == "value":
            value = inline
            # the next line is the value when it has the value's form, even if it could be
            # read as a heading ("Purpose" / "TREATMENT")
            if value is None and i + 1 < len(lines):
                candidate = fields.strip_bullet(lines[i + 1], patterns)
                if fields.fits(heading.section, candidate, patterns):
                    value = candidate
                    i += 1
            sections.append(Section(heading.section, "value", line.strip(), [], value))
            # "Label: value" on one line is a field inside the block ("Minimum Age: 18 Years");
            # a heading line of its own ends a block that has lines: what follows belongs to
            # no heading
            if inline is None and block.lines:
                block = Section("loose", "block")
                sections.append(block)
        else:
            block = Section(heading.section, heading.kind, line.strip(), [inline] if inline else [])
            sections.append(block)
        i += 1
    return sections


# --- the record --------------------------------------------------------------------------


class _PageReader:
    def __init__(self, text: str, file_name: str, parse: RuleParser | None):
        self.patterns = load_patterns()
        self.file_name = file_name
        self.parse = parse
        self.text = text
        self.record = new_record(source_name("page", file_name))
        self.sections = sections_of(_clean_lines(text, self.patterns), self.patterns)
        self.ages: list[tuple[float, str]] = []
        self.ncts: list[str] = []

    def value(self, name: str) -> str | None:
        return next((s.value for s in self.sections if s.name == name and s.value), None)

    def lookup(self, vocabulary: str, name: str) -> str | None:
        value = self.value(name)
        return self.patterns.lookup(vocabulary, value) if value else None

    def read(self) -> dict:
        record, p = self.record, self.patterns
        if all(s.name in ("preamble", "loose") for s in self.sections) and not any(
                p.page["inline"]["nct"].search(line) for s in self.sections for line in s.lines):
            raise DataError(self.file_name, "does not look like a registry page (no known heading and no NCT number)")
        self._preamble()
        self._values()
        for section in self.sections:
            if section.kind == "ignore" or section.name in _CRITERIA_SECTIONS:
                continue
            lines = [fields.strip_bullet(line, p) for line in section.lines]
            lines = self._inline(lines)
            self._block(section, lines)
        self._criteria()
        self._nct()
        record["conditions"] = condition_concepts(record["conditions_text"])
        for intervention in record["interventions"]:
            intervention["target_antigens"] = target_antigens(intervention["name"])
        return finish(record, self.file_name, self.file_name, text=self.text)

    def _preamble(self) -> None:
        preamble = self.sections[0]
        if not preamble.lines:
            return
        first = preamble.lines[0].strip()
        if len(first) <= 300:
            self.record["title"] = first
            preamble.lines = preamble.lines[1:]
        rest = []
        for line in preamble.lines:
            parts = [part.strip() for part in line.split(",")]
            short = len(parts) >= 2 and all(part and len(part.split()) <= 6 and not re.search(r"[.;:]", part) for part in parts)
            if short and not self.record["conditions_text"] and any(condition_concept(part) for part in parts):
                self.record["conditions_text"] = parts
            else:
                rest.append(line)
        preamble.lines = rest  # the summary paragraph, read with the other blocks

    def _values(self) -> None:
        record, p = self.record, self.patterns
        record["status"] = self.lookup("status", "status")
        record["phase"] = self.lookup("phase", "phase")
        record["study_type"] = self.lookup("study_type", "study_type")
        for name in ("allocation", "purpose", "masking", "model"):
            record["design"][name] = self.lookup(name, name)
        enrollment = self.value("enrollment")
        if enrollment:
            match = p.value_forms["enrollment"].match(enrollment)
            record["enrollment"]["count"] = int(match.group("count").replace(",", ""))
        sex = self.value("sex")
        record["eligibility"]["sex"] = p.lookup("sex", sex) if sex else None
        volunteers = self.value("volunteers")
        if volunteers:
            record["eligibility"]["healthy_volunteers"] = not volunteers.lower().startswith(("no", "does not"))
        ages = self.value("ages")
        both = fields.age_range(ages, p) if ages else None
        if both:
            self.ages = list(both)
        for name in ("min_age", "max_age"):
            value = self.value(name)
            if value:
                self.ages.append(fields.age_years(value, p))
        for name, key in (("last_updated", "last_updated"), ("start_date", "start"),
                          ("primary_completion", "primary_completion"), ("completion_date", "completion")):
            value = self.value(name)
            record["dates"][key] = fields.iso_date(value, p) if value else None
        nct = self.value("nct")
        if nct:
            self.ncts.append(nct)

    def _inline(self, lines: list[str]) -> list[str | None]:
        """Facts written inside lines (NCT numbers, "80 participants", keywords); lines that
        are only such a fact are used up (None)."""
        inline = self.patterns.page["inline"]
        out: list[str | None] = []
        for line in lines:
            if inline["nct"].fullmatch(line.strip()):  # an NCT number on a line of its own
                self.ncts.append(line.strip())
                out.append(None)
                continue
            enrollment = inline["enrollment"].match(line)
            if enrollment and self.record["enrollment"]["count"] is None:
                self.record["enrollment"]["count"] = int(enrollment.group("count").replace(",", ""))
                out.append(None)
                continue
            keywords = inline["keywords"].search(line)
            if keywords:
                for word in keywords.group("keywords").split(","):
                    if word.strip() and word.strip() not in self.record["keywords"]:
                        self.record["keywords"].append(word.strip())
                out.append(None)
                continue
            out.append(line)
        return out

    def _block(self, section: Section, lines: list[str | None]) -> None:
        record, p = self.record, self.patterns
        present = [line for line in lines if line]
        name = section.name
        if name in ("preamble", "loose"):
            record["sites"].extend(fields.find_sites(lines, p))
            record["outcomes"]["unclassified"].extend(fields.read_outcomes(lines, p, keep_unanchored=False))
            prose = [line for line in lines if line and len(line) >= 120]
            if name == "preamble" and prose and not record["summary"]:
                record["summary"] = "\n".join(prose)
        elif name == "summary" and present:
            record["summary"] = record["summary"] or "\n".join(present)
        elif name == "description" and present:
            record["description"] = record["description"] or "\n".join(present)
        elif name == "conditions":
            for line in present:
                for part in _GLUED_WORDS.split(line):
                    if part.strip() and part.strip() not in record["conditions_text"]:
                        record["conditions_text"].append(part.strip())
        elif name == "interventions":
            record["interventions"].extend({**i, "target_antigens": []} for i in fields.read_interventions(present, p))
        elif name == "sponsors":
            record["sponsors"].extend(fields.read_sponsors(present, p))
        elif name == "sites":
            record["sites"].extend(fields.read_sites(present, p))
        elif name == "contacts":
            role = "central" if "central" in section.heading.lower() else "contact"
            record["contacts"].extend(fields.read_contacts(present, p, role))
        elif name == "arms":
            record["arms"].extend(fields.read_arms(present, p))
        elif name in ("primary_outcomes", "secondary_outcomes", "outcomes"):
            key = {"primary_outcomes": "primary", "secondary_outcomes": "secondary"}.get(name, "unclassified")
            record["outcomes"][key].extend(fields.read_outcomes(lines, p, keep_unanchored=True))
        elif name == "other_ids":
            record["other_ids"].extend(fields.read_other_ids(present, p))
        elif name in ("basic", "design"):
            for line in present:
                found = fields.classify(line, p, _BLOCK_VOCABULARIES[name])
                if found:
                    self._set_enum(*found)

    def _set_enum(self, vocabulary: str, value: str) -> None:
        record = self.record
        if vocabulary in ("status", "phase", "study_type"):
            record[vocabulary] = record[vocabulary] or value
        else:
            record["design"][vocabulary] = record["design"][vocabulary] or value

    def _criteria(self) -> None:
        """Criteria from the eligibility sections; lines that are the registry's age, sex
        and healthy-volunteer fields ("18 Years", "ALL", "No") are read as those fields."""
        p = self.patterns
        lines: list[str] = []
        sex = volunteers = None
        for section in self.sections:
            if section.name not in _CRITERIA_SECTIONS:
                continue
            if section.name != "eligibility":
                lines.append(fields.strip_bullet(section.heading, p))
            for line in section.lines:
                stripped = line.strip()
                age = fields.age_years(stripped, p)
                if age:
                    self.ages.append(age)
                elif p.lookup("sex", stripped) and stripped.upper() == stripped:
                    sex = p.lookup("sex", stripped)
                elif stripped.lower() in ("yes", "no") and self.ages:
                    volunteers = stripped.lower() == "yes"
                else:
                    lines.append(line)
        record = self.record
        record["eligibility"]["sex"] = record["eligibility"]["sex"] or sex
        if record["eligibility"]["healthy_volunteers"] is None:
            record["eligibility"]["healthy_volunteers"] = volunteers
        low = high = None
        if len(self.ages) == 2:
            low, high = sorted(self.ages)
        elif len(self.ages) == 1 and re.search(r"older|over", self.ages[0][1], re.IGNORECASE):
            low = self.ages[0]
        record["eligibility"]["min_age_years"] = low[0] if low else None
        record["eligibility"]["max_age_years"] = high[0] if high else None
        with reading_study(record["interventions"]):     # "hypersensitivity to the study drug"
            criteria = split_lines(lines, parse=self.parse)
        record["criteria"] = with_demographics(criteria, demographic_criteria(low, high, record["eligibility"]["sex"]))
        record["criteria_reader"] = reader_stamp(getattr(self.parse, "__wrapped__", self.parse))

    def _nct(self) -> None:
        labelled = self.value("nct")
        distinct = list(dict.fromkeys(self.ncts))
        self.record["nct_id"] = labelled or (distinct[0] if len(distinct) == 1 else None)


def page_to_record(text: str, file_name: str, parse: RuleParser | None = None) -> dict:
    """One saved registry page -> a validated record."""
    return _PageReader(text, file_name, parse).read()
