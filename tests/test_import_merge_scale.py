"""registry/merge.py merge_run with a blocking key: the same groups as comparing every
record with every group, with a number of comparisons that grows linearly for a run of
registry downloads (records with NCT numbers)."""
from __future__ import annotations

import copy

from registry import merge as merge_module
from registry.merge import merge, merge_run, precedence, same_study
from registry.record import new_record


def _record(index: int, nct: str | None, title: str, facility: str, city: str = "Springfield") -> dict:
    record = new_record(f"ctgov study{index}.json" if nct else f"page study{index}.txt")
    record.update(id=nct or f"local-{index}", nct_id=nct, title=title)
    record["sites"] = [{"facility": facility, "city": city, "region": None, "country": None, "status": None,
                        "lat": None, "lon": None, "contacts": []}]
    return record


def _pairwise(records: list[dict]) -> list[tuple[dict, int]]:
    """merge_run as it was: every record compared with every group."""
    groups: list[tuple[dict, int]] = []
    for record in records:
        for index, (group, count) in enumerate(groups):
            if same_study(group, record):
                merged = merge(group, record) if precedence(group) > precedence(record) else merge(record, group)
                groups[index] = (merged, count + 1)
                break
        else:
            groups.append((copy.deepcopy(record), 1))
    return groups


def _small_run() -> list[dict]:
    """NCT duplicates, pages without an NCT number matching a study by title and site, a
    page matching nothing, and a page arriving before the download it belongs to."""
    return [
        _record(1, None, "CD19 CAR-T cells in refractory lupus nephritis", "First Hospital of Example University"),
        _record(2, "NCT09900001", "CD19 CAR-T Cells in Refractory Lupus Nephritis", "The First Hospital of Example University"),
        _record(3, "NCT09900002", "BCMA CAR-T in myasthenia gravis", "Harbour Medical Centre", "Portsmouth"),
        _record(4, "NCT09900001", "CD19 CAR-T cells in refractory lupus nephritis (update)", "First Hospital of Example University"),
        _record(5, None, "BCMA CAR-T in myasthenia gravis", "Harbour Medical Centre", "Portsmouth"),
        _record(6, None, "An unrelated observational registry", "Northern Clinic", "Leeds"),
        _record(7, "NCT09900003", "Anti-CD7 cells in T-cell lymphoma", "Southern Clinic", "Bristol"),
        _record(8, "NCT09900002", "BCMA CAR-T in myasthenia gravis", "Harbour Medical Centre", "Portsmouth"),
    ]


def _shape(groups: list[tuple[dict, int]]) -> list[tuple]:
    return [(g.get("nct_id"), g["title"], sorted(g["sources"]), count) for g, count in groups]


def test_blocked_merge_gives_the_same_groups_as_comparing_every_pair():
    records = _small_run()
    assert _shape(merge_run(copy.deepcopy(records))) == _shape(_pairwise(copy.deepcopy(records)))


def test_blocked_merge_groups_the_small_run_by_study():
    shapes = _shape(merge_run(_small_run()))
    assert [(nct, count) for nct, _, _, count in shapes] == [("NCT09900001", 3), ("NCT09900002", 3), (None, 1),
                                                             ("NCT09900003", 1)]


def test_a_run_of_downloads_is_compared_linearly():
    calls = {"n": 0}

    def counting(a, b):
        calls["n"] += 1
        return same_study(a, b)

    n = 3000
    records = [_record(i, f"NCT{10000000 + i % 2500:08d}", f"Study number {i % 2500}", f"Hospital {i % 2500}")
               for i in range(n)]
    groups = merge_run(records, same=counting)
    assert len(groups) == 2500
    assert sum(count for _, count in groups) == n
    assert calls["n"] <= n          # at most one comparison per record (the group of its NCT number)
    assert calls["n"] == 500        # exactly the 500 repeats met their group


def test_pages_without_an_nct_number_are_still_compared_with_every_group():
    calls = {"n": 0}

    def counting(a, b):
        calls["n"] += 1
        return same_study(a, b)

    # titles and facilities that share no words (token_set_ratio would match "Study 1" / "Study 150")
    records = [_record(i, f"NCT{10000000 + i:08d}", f"Q{i:04d}Z", f"H{i:04d}W") for i in range(200)]
    page = _record(999, None, "Q0150Z", "H0150W")
    groups = merge_run(records + [page], same=counting)
    assert len(groups) == 200
    assert calls["n"] <= 151 and dict((g["nct_id"], c) for g, c in groups)["NCT10000150"] == 2


def test_merge_run_uses_same_study_by_default():
    assert merge_module.merge_run.__defaults__ == (None,)
