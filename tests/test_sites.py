"""One rule for which sites and contacts a trial shows and how they are worded
(bot/sites.py), the same in chat results, one trial, the referral summary and triage."""
from __future__ import annotations

import json

from bot.cli import main
from bot.render import HTML, PLAIN, Renderer
from bot.sites import REGISTRY_PAGE, SHOW_CONTACTS, SHOW_SITES, registry_page, site_text, where_lines, where_to_ask


def _site(name, city="Hangzhou", status=None, contacts=()):
    return {"facility": name, "city": city, "region": None, "country": "China", "status": status,
            "lat": None, "lon": None, "contacts": list(contacts)}


def _person(name, phone=None, email=None, role="site"):
    return {"name": name, "role": role, "phone": phone, "email": email}


def _lines(trial, role="clinician", place=None, fmt=PLAIN):
    return [str(line) for line in where_lines(Renderer(fmt), role, where_to_ask(trial, place))]


def test_site_text_names_each_part_once_and_the_status_in_words():
    site = {"facility": "First Hospital", "city": "Hangzhou", "region": "Hangzhou", "country": "China",
            "status": "NOT_YET_RECRUITING"}
    assert site_text(site) == "First Hospital, Hangzhou, China (not yet recruiting)"
    assert site_text({"city": "Shenyang"}) == "Shenyang"


def test_registry_page_only_with_an_nct_number():
    assert registry_page({"nct_id": "NCT05030779"}) == "https://clinicaltrials.gov/study/NCT05030779"
    assert registry_page({"nct_id": None}) is None
    assert REGISTRY_PAGE.startswith("https://clinicaltrials.gov/study/")


def test_no_contact_says_unknown_and_where_to_ask():
    trial = {"id": "NCT01234567", "nct_id": "NCT01234567", "sites": [_site("First Hospital")], "contacts": []}
    assert _lines(trial) == [
        "Sites: First Hospital, Hangzhou, China",
        "Contacts: unknown (none listed); ask the research office of First Hospital",
        "Registry page: https://clinicaltrials.gov/study/NCT01234567",
    ]


def test_nothing_known_and_no_nct_number():
    assert _lines({"id": "local-x", "nct_id": None, "sites": [], "contacts": []}, role="patient") == [
        "Sites: unknown", "Contacts: unknown (the sources list none)"]


def test_central_contacts_first_then_site_contacts_each_once_and_capped():
    central = _person("Dr Central", phone="+86 1", role="central")
    sites = [_site("A", contacts=[_person("Dr A", email="a@example.org"), central]),
             _site("B", contacts=[_person("Dr B"), _person("Dr C"), _person("Dr D")])]
    view = where_to_ask({"nct_id": None, "sites": sites, "contacts": [central]})
    assert [c["name"] for c in view["contacts"]] == ["Dr Central", "Dr A", "Dr B"][:SHOW_CONTACTS]
    assert view["more_contacts"] == 2 and view["office"] is None
    line = _lines({"nct_id": None, "sites": sites, "contacts": [central]})[1]
    assert line.startswith("Contacts: Dr Central (central), phone +86 1, email unknown; Dr A (site), phone unknown, "
                           "email a@example.org; ") and line.endswith("and 2 more")


def test_site_contacts_count_when_there_is_no_central_contact():
    view = where_to_ask({"sites": [_site("A", contacts=[_person("Dr A")])], "contacts": []})
    assert [c["name"] for c in view["contacts"]] == ["Dr A"]


def test_recruiting_sites_first_at_most_three_and_the_rest_counted():
    sites = [_site(f"S{i}", status="COMPLETED" if i < 3 else "RECRUITING") for i in range(5)]
    view = where_to_ask({"sites": sites, "contacts": []})
    assert [s.split(",")[0] for s in view["sites"]] == ["S3", "S4", "S0"][:SHOW_SITES]
    assert view["more_sites"] == 2
    assert _lines({"sites": sites, "contacts": []})[0].endswith("(completed) and 2 more")


def test_the_nearest_site_when_the_place_is_known():
    sites = [_site("North", city="Shenyang", contacts=[_person("Dr North")]), _site("South", contacts=[_person("Dr South")])]
    view = where_to_ask({"sites": sites, "contacts": []}, place="Hangzhou")
    assert view["sites"] == ["South, Hangzhou, China"] and view["more_sites"] == 1
    assert [c["name"] for c in view["contacts"]] == ["Dr South", "Dr North"]       # the nearest site's first
    assert _lines({"sites": sites, "contacts": []}, place="Hangzhou")[0] == "Site near Hangzhou: South, Hangzhou, China and 1 more"


def test_html_escapes_what_the_record_says():
    trial = {"nct_id": None, "sites": [_site("<b>Clinic</b>")], "contacts": []}
    assert "&lt;b&gt;Clinic&lt;/b&gt;" in _lines(trial, fmt=HTML)[0]


def test_triage_text_and_json_show_the_same_trials_where_to_ask(capsys, monkeypatch):
    import io
    import sys

    text = "34F, SLE since 2015, failed MMF and belimumab, HIV negative"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["triage", "--all", "--today", "2026-01-15"]) == 0      # --all: NCT05030779's status is UNKNOWN
    out = " ".join(capsys.readouterr().out.split())          # the report wraps at 92 columns
    assert "Registry page: https://clinicaltrials.gov/study/NCT05030779" in out
    assert "Contacts: Yun Kang (central), phone unknown, email unknown" in out
    assert "ask the research office of The First Affiliated Hospital" in out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["triage", "--json", "--today", "2026-01-15"]) == 0
    trials = json.loads(capsys.readouterr().out)["trials"]
    local = next(t for t in trials if t["id"] == "local-cd7-cart-heme")
    assert local["sites"] == [] and [c["name"] for c in local["contacts"]] == ["Yun Kang", "Mei Heng, M.D., Ph.D"]
