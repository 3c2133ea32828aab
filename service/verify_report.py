"""The integrity check's report (service.verify): problems, notes and counts, in Chinese."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass, field

SHOWN = 200  # problems listed one by one; the rest are counted


@dataclass
class Report:
    """What the check found: problems (the register is not as it should be) and notes."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: Tally[str] = field(default_factory=Tally)

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not self.problems

    def text(self) -> str:
        """The report in Chinese: a short summary, or every problem (and the notes)."""
        c = self.counts
        if self.ok:
            lines = [f"登记簿核对无误：文书{c['documents']}份（有效{c['issued']}、作废{c['void']}、"
                     f"生成失败作废{c['spoiled']}），文件{c['files']}个与登记的SHA-256一致；"
                     f"{c['series']}个编号序列无缺号、无重号；操作记录{c['events']}条完整。"]
        else:
            lines = [f"登记簿核对发现{len(self.problems)}处问题："]
            lines += [f"  {n}. {p}" for n, p in enumerate(self.problems[:SHOWN], 1)]
            if len(self.problems) > SHOWN:
                lines.append(f"  ……另有{len(self.problems) - SHOWN}处未列出")
        return "\n".join(lines + [f"说明：{note}" for note in self.notes])
