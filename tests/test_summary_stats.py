"""The counting behind the statistics tables (service/kinds/summary_stats.py), checked
against a separate, deliberately plain recount of the fixture's raw JSON records."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from service.kinds import summary_stats as st
from service.kinds.summary_model import Finding, Summary
from tests.conftest import load_fixture

CATEGORY = {"illegal_act": "非法违法行为", "major_hazard": "重大事故隐患", "general_hazard": "一般隐患"}


# ---- the independent recount: raw dicts, ISO strings, loops; no service code -----------

def kept_records(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Records whose found_on lies in the period (ISO dates compare as strings)."""
    return [f for f in data["findings"]
            if data["period_start"] <= f["found_on"] <= data["period_end"]]


def done(f: dict[str, Any], end: str) -> bool:
    return bool(f.get("rectified_on")) and f["rectified_on"] <= end


def pct(found: int, rectified: int) -> str:
    if found == 0:
        return "—"
    tenths = (rectified * 1000 * 2 + found) // (found * 2)  # round half up in integers
    return f"{tenths // 10}.{tenths % 10}%"


def money(records: list[dict[str, Any]]) -> str:
    cents = 0
    for f in records:
        if f.get("fine_wan"):
            cents += round(f["fine_wan"] * 100)
    return f"{cents // 100}.{cents % 100:02d}"


def expected_totals(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The weekly totals block, by category name and 合计."""
    end = data["period_end"]
    out: dict[str, dict[str, str]] = {}
    groups = [(name, [f for f in kept_records(data) if f["category"] == key])
              for key, name in CATEGORY.items()] + [("合计", kept_records(data))]
    for name, group in groups:
        found = len(group)
        fixed = len([f for f in group if done(f, end)])
        names = set()
        for f in group:
            names.add(f["enterprise"])
        out[name] = {"found": str(found), "rectified": str(fixed), "pending": str(found - fixed),
                     "rate": pct(found, fixed), "enterprises": str(len(names)),
                     "escalated": str(len([f for f in group if f["escalated"]])),
                     "fines": money(group)}
    return out


def expected_industries(data: dict[str, Any]) -> dict[str, list[str]]:
    """The 工作报表 lines: industry → the printed cells after the industry name."""
    end = data["period_end"]
    kept = kept_records(data)
    industries: list[str] = []
    for f in kept:
        if f["industry"] not in industries:
            industries.append(f["industry"])
    # The unit's own figures (seed 002's 成立督查组, 违法分包转包挂靠, 劳务派遣): given, not
    # counted; printed blank when not given, in the 累计 line (and in the industry's line
    # when there is only one industry).
    given = {k: "" if data.get(k) is None else str(data[k])
             for k in ("inspection_groups", "subcontracting_cases", "labor_dispatch_cases")}
    out = {}
    for name in [*industries, "累计"]:
        group = kept if name == "累计" else [f for f in kept if f["industry"] == name]
        gen = [f for f in group if f["category"] == "general_hazard"]
        maj = [f for f in group if f["category"] == "major_hazard"]
        own = dict.fromkeys(given, "") if name != "累计" and len(industries) > 1 else given
        out[name] = [
            own["inspection_groups"],
            str(len({f["enterprise"] for f in group})),
            str(len(gen)), str(len([f for f in gen if done(f, end)])),
            str(len(maj)), str(len([f for f in maj if done(f, end)])),
            str(len([f for f in group if f["category"] == "illegal_act"])),
            str(len({f["enterprise"] for f in group if "责令限期整改" in f["measures"]})),
            money(group),
            str(len({f["enterprise"] for f in group if "责令停产整顿" in f["measures"]})),
            str(len([f for f in group if "公开曝光" in f["measures"]])),
            own["subcontracting_cases"], own["labor_dispatch_cases"],
        ]
    return out


def expected_sources(data: dict[str, Any]) -> list[tuple[int, int]]:
    """调度表 总体情况: (found, rectified) for 企业自查, 执法检查, 群众举报, 上级交办, 挂牌督办."""
    end = data["period_end"]
    majors = [f for f in kept_records(data) if f["category"] == "major_hazard"]
    out = []
    for source in ("self_check", "inspection", "report", "assigned", None):
        group = [f for f in majors if (f["source"] == source if source
                                       else "挂牌督办" in f["measures"])]
        out.append((len(group), len([f for f in group if done(f, end)])))
    return out


# ---- the fixture really covers what it should ---------------------------------------

def test_fixture_covers_industries_sources_rectification_fines_and_period() -> None:
    data = load_fixture("summary-weekly")
    kept = kept_records(data)
    assert len({f["industry"] for f in kept}) == 3
    assert {f["source"] for f in kept} == {"self_check", "inspection", "report", "assigned"}
    assert any(done(f, data["period_end"]) for f in kept)
    assert any(not f.get("rectified_on") for f in kept)
    assert any(f.get("rectified_on", "") > data["period_end"] for f in kept)
    assert any(f.get("fine_wan") for f in kept) and any(not f.get("fine_wan") for f in kept)
    assert len(kept) < len(data["findings"])


# ---- the module against the recount --------------------------------------------------

def model(name: str) -> tuple[dict[str, Any], Summary, list[Finding]]:
    data = load_fixture(name)
    doc = Summary.model_validate_json(json.dumps(data))
    kept, _ = st.in_period(doc.findings, doc.period_start, doc.period_end)
    return data, doc, kept


def test_totals_by_category_match_the_recount() -> None:
    data, doc, kept = model("summary-weekly")
    expected = expected_totals(data)
    names = {**CATEGORY, st.TOTAL: "合计"}
    for key, t in st.by_category(kept, doc.period_end).items():
        got = {"found": str(t.found), "rectified": str(t.rectified), "pending": str(t.pending),
               "rate": t.rate, "enterprises": str(t.enterprises), "escalated": str(t.escalated),
               "fines": st.wan(t.fines)}
        assert got == expected[names[key]], key


def test_industry_rows_match_the_recount() -> None:
    data, doc, kept = model("summary-report")
    expected = expected_industries(data)
    rows = st.industry_rows(kept, doc.period_end)
    assert [r.industry for r in rows] == list(expected)
    for r in rows:
        got = [str(r.enterprises), str(r.general_found), str(r.general_rectified),
               str(r.major_found), str(r.major_rectified), str(r.illegal_found),
               str(r.deadline_enterprises), st.wan(r.fines), str(r.suspended_enterprises),
               str(r.exposed_cases)]
        assert got == expected[r.industry][1:-2], r.industry  # the counted columns


def test_sources_match_the_recount() -> None:
    data, doc, kept = model("summary-dispatch")
    assert list(st.by_source(kept, doc.period_end).values()) == expected_sources(data)


def test_records_outside_the_period_are_left_out_with_their_indexes() -> None:
    _, doc, kept = model("summary-weekly")
    _, left_out = st.in_period(doc.findings, doc.period_start, doc.period_end)
    assert left_out == [11, 12]  # found 2022-01-07 and 2022-01-17, the week is 10–14
    assert len(kept) == len(doc.findings) - 2


def finding(**changes: Any) -> Finding:
    base = {"enterprise": "甲公司", "found_on": "2022-01-10", "township": "城关镇",
            "industry": "煤矿", "category": "major_hazard", "detail": "隐患",
            "source": "inspection", "checked_by": "执法队", "escalated": False}
    return Finding.model_validate_json(json.dumps({**base, **changes}))


def test_period_bounds_are_inclusive() -> None:
    records = [finding(found_on=d) for d in ("2022-01-09", "2022-01-10", "2022-01-14",
                                             "2022-01-15")]
    kept, out = st.in_period(records, date(2022, 1, 10), date(2022, 1, 14))
    assert [f.found_on.day for f in kept] == [10, 14] and out == [0, 3]


def test_rectified_after_the_period_counts_as_not_rectified() -> None:
    records = [finding(rectified_on="2022-01-14"), finding(rectified_on="2022-01-15"),
               finding()]
    t = st.tally(records, date(2022, 1, 14))
    assert (t.found, t.rectified, t.pending, t.rate) == (3, 1, 2, "33.3%")
    assert st.rectified_late(records, date(2022, 1, 14)) == 1


@pytest.mark.parametrize("found,rectified,printed", [
    (0, 0, "—"), (3, 2, "66.7%"), (3, 1, "33.3%"), (16, 1, "6.3%"), (8, 1, "12.5%"),
    (5, 5, "100.0%"), (7, 0, "0.0%"),
])
def test_rate_has_one_decimal_rounded_half_up(found: int, rectified: int, printed: str) -> None:
    assert st.rate(found, rectified) == printed
    assert pct(found, rectified) == printed  # the recount agrees


def test_fines_are_summed_exactly_with_two_decimals() -> None:
    records = [finding(fine_wan=x, measures=["行政处罚"]) for x in (0.1, 0.2, 1.005)]
    assert st.wan(st.fine_total(records)) == "1.31"
    # round(1.005, 2) on floats gives 1.0: the sum is decimal, rounded half up
    assert st.wan(st.fine_total([finding(fine_wan=1.005, measures=["行政处罚"])])) == "1.01"
    assert st.wan(st.fine_total([finding()])) == "0.00"


def test_distinct_enterprises_ignore_whitespace_and_count_measures_per_enterprise() -> None:
    records = [finding(enterprise="甲 公司", measures=["责令限期整改"]),
               finding(enterprise="甲公司", measures=["责令限期整改"]),
               finding(enterprise="乙公司", measures=["行政处罚"], fine_wan=1)]
    assert st.distinct_enterprises(records) == 2
    assert st.distinct_enterprises(records, "责令限期整改") == 1
    assert st.count(records, measure="责令限期整改") == 2


def test_supervised_counts_major_hazards_with_the_measure_whatever_their_source() -> None:
    records = [finding(source="report", measures=["挂牌督办"], rectified_on="2022-01-11"),
               finding(source="self_check", measures=["挂牌督办"]),
               finding(category="general_hazard", measures=["挂牌督办"])]
    counts = st.by_source(records, date(2022, 1, 14))
    assert counts["挂牌督办"] == (2, 1)
    assert counts["report"] == (1, 1) and counts["self_check"] == (1, 0)
