"""Text helpers: cleaning, Chinese dates and numerals, title lines."""

from __future__ import annotations

from datetime import date

import pytest

from service.text import clean, cn_date, cn_numeral, text_width_em
from service.titles import title_lines


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


def test_a_title_too_wide_for_its_parts_is_broken_by_words_into_a_trapezoid() -> None:
    """GB/T 9704 7.3.1: the notice's title does not fit as its two parts (22 characters of
    2号 type in a 20-character line), so it is broken at words, not in the quotation, into
    lines that each fit and grow or shrink steadily, none of one or two characters."""
    lines = title_lines(["安全生产领域风险隐患大排查大整治“百日攻坚”", "督查检查或群众举报事项交办（移送）书"])
    texts = [t for t, _ in lines]
    assert "".join(texts) == "安全生产领域风险隐患大排查大整治“百日攻坚”督查检查或群众举报事项交办（移送）书"
    assert len(texts) == 3 and all(tight == 0 for _, tight in lines)
    assert all(3 <= len(t) and text_width_em(t) * 22 <= 156 / 25.4 * 72 for t in texts)
    widths = [len(t) for t in texts]
    assert widths == sorted(widths) or widths == sorted(widths, reverse=True)
    assert not any("“" in t and "”" not in t for t in texts)  # the quotation stays whole
    assert texts[0] == "安全生产领域风险隐患"  # a word, not 安全生产领域风险隐患大


def test_a_title_part_a_hair_too_wide_is_set_a_quarter_point_tight() -> None:
    landscape = 225 / 25.4 * 72
    lines = title_lines(["东岭县安全生产领域风险隐患大排查大整治“百日攻坚”集中行动",
                         "非法违法生产经营建设行为、重大事故隐患统计表（周报）"], 22, landscape)
    assert [t for t, _ in lines][1] == "非法违法生产经营建设行为、重大事故隐患统计表（周报）"
    assert -0.25 <= lines[0][1] < 0
    assert text_width_em(lines[0][0]) * (22 + lines[0][1]) <= landscape


def test_no_title_line_hangs_as_an_hourglass_or_a_stub() -> None:
    for parts in (["东岭县市场监督管理局西河镇市场监督管理所关于", "“百日攻坚”集中行动的承诺书"],
                  ["典型案例：东岭县某某煤矿有限公司违规组织生产被停产整顿案"],
                  ["某某县应急管理局关于某某化工有限公司动火作业未办理审批手续的情况通报"]):
        texts = [t for t, _ in title_lines(parts)]
        assert "".join(texts) == "".join(parts)
        assert all(len(t) >= 3 for t in texts), texts
        widths = [len(t) for t in texts]
        assert not any(widths[i] < min(widths[i - 1], widths[i + 1]) - 1
                       for i in range(1, len(widths) - 1)), texts


def test_title_lines_break_long_parts_at_quotes_not_inside_them() -> None:
    lines = [t for t, _ in title_lines(["全市特种设备安全生产风险隐患大排查大整治“百日攻坚”集中行动"])]
    assert lines == ["全市特种设备安全生产风险隐患", "大排查大整治“百日攻坚”集中行动"]
    assert all(text_width_em(t) * 22 <= 442.3 for t in lines)
