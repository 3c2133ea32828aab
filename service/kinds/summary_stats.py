"""The counting behind the statistics tables: pure functions over records, no rendering.

Rules (also in the summary kind's description):
- a record counts in the period when period_start <= found_on <= period_end; the others
  are left out (the caller is warned);
- a record is rectified *in the period* when rectified_on <= period_end; one accepted
  after period_end counts as not rectified, so a table for a past week does not change
  when later rectifications are recorded;
- 整改率 = rectified / found with one decimal, rounded half up; "—" when nothing was found;
- enterprises are counted once however many records they have (names compared without
  whitespace); fines are summed exactly (decimal) and printed with two decimals in 万元.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from service.kinds.summary_model import CATEGORY_NAMES, SOURCE_NAMES, Finding

NO_RATE = "—"
TOTAL = "累计"
SUPERVISED = "挂牌督办"


def in_period(findings: Sequence[Finding], start: date, end: date) -> tuple[list[Finding],
                                                                             list[int]]:
    """The records found inside [start, end], and the indexes of those left out."""
    kept = [f for f in findings if start <= f.found_on <= end]
    out = [i for i, f in enumerate(findings) if not start <= f.found_on <= end]
    return kept, out


def is_rectified(finding: Finding, end: date) -> bool:
    """Whether the record was rectified (整改销号) by the end of the period."""
    return finding.rectified_on is not None and finding.rectified_on <= end


def rectified_late(findings: Iterable[Finding], end: date) -> int:
    """How many records were rectified only after the period (counted as not rectified)."""
    return sum(1 for f in findings if f.rectified_on is not None and f.rectified_on > end)


def rate(found: int, rectified: int) -> str:
    """整改率 with one decimal and a percent sign, or "—" when nothing was found."""
    if found == 0:
        return NO_RATE
    value = (Decimal(rectified) * 100 / Decimal(found)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"


def fine(finding: Finding) -> Decimal:
    """The record's fine in 万元 as an exact decimal (0 when none)."""
    return Decimal(str(finding.fine_wan)) if finding.fine_wan else Decimal(0)


def fine_total(findings: Iterable[Finding]) -> Decimal:
    """The sum of the fines in 万元."""
    return sum((fine(f) for f in findings), Decimal(0))


def wan(amount: Decimal) -> str:
    """An amount in 万元 with two decimals: 12.50."""
    return str(amount.quantize(Decimal("0.01"), ROUND_HALF_UP))


def enterprise_key(name: str) -> str:
    """The name an enterprise is counted under: whitespace does not make a second one."""
    return "".join(name.split())


def distinct_enterprises(findings: Iterable[Finding], measure: str | None = None) -> int:
    """How many different enterprises the records name (only those with `measure` if given)."""
    return len({enterprise_key(f.enterprise) for f in findings
                if measure is None or measure in f.measures})


def count(findings: Iterable[Finding], *, category: str | None = None,
          measure: str | None = None) -> int:
    """How many records are of `category` and/or carry `measure`."""
    return sum(1 for f in findings if (category is None or f.category == category)
               and (measure is None or measure in f.measures))


@dataclass(frozen=True)
class Tally:
    """Found and rectified records of one group, with what the totals block prints."""

    found: int
    rectified: int
    enterprises: int
    escalated: int
    fines: Decimal

    @property
    def pending(self) -> int:
        """Records not rectified by the end of the period."""
        return self.found - self.rectified

    @property
    def rate(self) -> str:
        """整改率 of the group."""
        return rate(self.found, self.rectified)


def tally(findings: Sequence[Finding], end: date) -> Tally:
    """Counts of one group of records."""
    return Tally(
        found=len(findings),
        rectified=sum(1 for f in findings if is_rectified(f, end)),
        enterprises=distinct_enterprises(findings),
        escalated=sum(1 for f in findings if f.escalated),
        fines=fine_total(findings),
    )


def by_category(findings: Sequence[Finding], end: date) -> dict[str, Tally]:
    """A tally per category (重大事故隐患, 一般隐患, 非法违法行为) plus TOTAL for them all."""
    out = {c: tally([f for f in findings if f.category == c], end) for c in CATEGORY_NAMES}
    out[TOTAL] = tally(findings, end)
    return out


def measure_counts(findings: Iterable[Finding], measures: Iterable[str]) -> dict[str, int]:
    """How many records carry each measure, in the order given."""
    items = list(findings)
    return {m: count(items, measure=m) for m in measures}


@dataclass(frozen=True)
class IndustryRow:
    """One line of the 工作报表 (seed 002): an industry or the 累计 line."""

    industry: str
    enterprises: int
    general_found: int
    general_rectified: int
    major_found: int
    major_rectified: int
    illegal_found: int
    deadline_enterprises: int  # 责令限期整改企业数
    fines: Decimal
    suspended_enterprises: int  # 停产整顿数
    exposed_cases: int  # 公开曝光案例数


def industry_row(name: str, findings: Sequence[Finding], end: date) -> IndustryRow:
    """The 工作报表 line of one group of records."""
    general = [f for f in findings if f.category == "general_hazard"]
    major = [f for f in findings if f.category == "major_hazard"]
    return IndustryRow(
        industry=name,
        enterprises=distinct_enterprises(findings),
        general_found=len(general),
        general_rectified=sum(1 for f in general if is_rectified(f, end)),
        major_found=len(major),
        major_rectified=sum(1 for f in major if is_rectified(f, end)),
        illegal_found=count(findings, category="illegal_act"),
        deadline_enterprises=distinct_enterprises(findings, "责令限期整改"),
        fines=fine_total(findings),
        suspended_enterprises=distinct_enterprises(findings, "责令停产整顿"),
        exposed_cases=count(findings, measure="公开曝光"),
    )


def industry_rows(findings: Sequence[Finding], end: date) -> list[IndustryRow]:
    """One line per industry in order of first appearance, then the 累计 line over all
    records (distinct enterprises counted once overall, so 累计 is not always a column sum)."""
    names = list(dict.fromkeys(f.industry for f in findings))
    rows = [industry_row(n, [f for f in findings if f.industry == n], end) for n in names]
    return [*rows, industry_row(TOTAL, findings, end)]


def by_source(findings: Sequence[Finding], end: date) -> dict[str, tuple[int, int]]:
    """Major hazards (found, rectified) by source, then 挂牌督办 (those whose measures
    include it, whatever their source) — the 总体情况 block of the 调度表 (seed 004)."""
    major = [f for f in findings if f.category == "major_hazard"]
    groups: dict[str, list[Finding]] = {
        s: [f for f in major if f.source == s] for s in SOURCE_NAMES
    }
    groups[SUPERVISED] = [f for f in major if SUPERVISED in f.measures]
    return {k: (len(v), sum(1 for f in v if is_rectified(f, end))) for k, v in groups.items()}
