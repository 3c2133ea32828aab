"""Text helpers: cleaning, Chinese dates and numerals, title lines."""

from __future__ import annotations

from datetime import date

import pytest

from service.text import clean, cn_date, cn_numeral, text_width_em, title_lines


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"),
                                    (100, "一百"), (105, "一百零五"), (110, "一百一十"),
                                    (1001, "一千零一"), (2022, "二千零二十二")])
def test_cn_numeral(n: int, text: str) -> None:
    assert cn_numeral(n) == text


def test_cn_numeral_rejects_out_of_range() -> None:
    with pytest.raises(ValueError):
        cn_numeral(0)


@pytest.mark.parametrize("day,text", [(date(2022, 1, 7), "2022年1月7日"),
                                      (date(2021, 12, 28), "2021年12月28日")])
def test_cn_date_has_no_leading_zeros(day: date, text: str) -> None:
    assert cn_date(day) == text


def test_clean_turns_line_controls_into_breaks_and_drops_the_rest() -> None:
    assert clean("a\x0bb\x0cc\r\nd\re") == "a\nb\nc\nd\ne"
    assert clean("x\x00\x01\x08\x1b\x7f\x9fy\ud800") == "xy"
    assert clean("保留\t制表符与\n换行") == "保留\t制表符与\n换行"


def test_title_lines_keep_parts_and_set_a_slightly_long_line_tight() -> None:
    lines = title_lines(["安全生产领域风险隐患大排查大整治“百日攻坚”", "督查检查或群众举报事项交办（移送）书"])
    assert [t for t, _ in lines] == ["安全生产领域风险隐患大排查大整治“百日攻坚”",
                                     "督查检查或群众举报事项交办（移送）书"]
    assert -2 <= lines[0][1] < 0 and lines[1][1] == 0
    assert text_width_em(lines[0][0]) * (22 + lines[0][1]) <= 156 / 25.4 * 72


def test_title_lines_break_long_parts_at_quotes_not_inside_them() -> None:
    lines = [t for t, _ in title_lines(["全市特种设备安全生产风险隐患大排查大整治“百日攻坚”集中行动"])]
    assert lines == ["全市特种设备安全生产风险隐患大排查大整治", "“百日攻坚”集中行动"]
    assert all(text_width_em(t) * 22 <= 442.3 for t in lines)
