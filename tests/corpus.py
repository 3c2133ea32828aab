"""Hostile input values, and documents of every kind with them in every text field: each
value must print literally or be refused with a 422 naming the field (tests/test_corpus.py)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from service.errors import ServiceError
from service.issuing import validate
from service.kinds import KINDS
from service.text import clean
from tests.conftest import load_fixture

C0 = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A))
C1 = "".join(chr(c) for c in range(0x80, 0xA0))
LONG_10K = ("涉嫌超能力组织生产𠀀ab " * 800)[:10_000]
# A value sent through the JSON escape `\ud800`: json.dumps(..., ensure_ascii=True) keeps it so.
LONE_SURROGATES = "孤\ud800立\udfff代理\udbff"

CORPUS: list[str] = [
    # Template syntax of Jinja and docxtpl: none of it may run.
    "{{ 7*7 }}",
    "{% raw %}原样{% endraw %}",
    "{%p if x %}段落{%p endif %}",
    "{{ cycler.__init__.__globals__.os.getcwd() }}",
    "{_{ x }_}",
    "{%tr for r in rows %}{{ r }}{%tr endfor %}",
    "{# 注释 #}{%- set a = 1 -%}",
    "{{ config }}{{ self }}{{ request }}",
    "{% include '/etc/passwd' %}",
    "${7*7}#{7*7}<%= 7*7 %>",
    "${jndi:ldap://127.0.0.1/a}",
    "%s%n%x{0}{}",
    # HTML and WordprocessingML
    "<b>粗体</b><i>斜体</i>",
    "</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>注入",
    "</w:p><w:p><w:r><w:t>新段落",
    "<![CDATA[<x>]]>",
    "&amp;&lt;&#x41;&#65;&nbsp;&copy;",
    "<script>alert(1)</script>",
    "<!-- 注释 --><?xml version=\"1.0\"?>",
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
    "\"双引号\" '单引号' `反引号`",
    "<style>*{display:none}</style>隐藏",
    "A & B < C > D",
    # Control characters: removed, or a line break for the line-like ones
    f"C0:{C0}:尾",
    "删除\x7f字符",
    f"C1:{C1}:尾",
    "第一行\x0b第二行",
    "换页\x0c之后",
    "回车\r换行\r\n结束",
    "\x00空字符开头",
    "行分隔\u2028段分隔\u2029完",
    LONE_SURROGATES,
    # Bidi controls and zero-width characters
    "\u202e反转文字abc",
    "\u2066隔离\u2069\u2067右\u2069\u2068首\u2069",
    "零\u200b宽\u200c连\u200d字",
    "\ufeffBOM开头",
    "\u200e左标记\u200f右标记",
    # Beyond the BMP, rare CJK, emoji
    "𠀀",
    "𪚥𪚥",
    "𰻞𰻞面",
    "镕堃喆",
    "笑😀",
    "家庭👨‍👩‍👧",
    "🇨🇳🇺🇸",
    "👍🏽❤️",
    # Right-to-left text and combining marks
    "مرحبا بالعالم",
    "שלום עולם",
    "abc مرحبا 123",
    "e\u0301 n\u0303 a\u0308",
    "Z\u0324\u0354\u0367\u0311a\u0308\u0356\u036dl\u036e",
    # Width and length
    "ＡＢＣ１２３全角",
    "A" * 400,
    "x" * 3000,
    LONG_10K,
    "a" * 1_048_576,  # 1 MB: longer than any field allows
    "长" * 350_000,  # ~1 MB of UTF-8
    # Empty and blank
    "",
    "   ",
    "\u3000\u3000",
    "\t\n ",
    # URL-ish, paths, injection-ish
    "https://example.com/a/b?c=d&e=f#g",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "mailto:a@b.c",
    "\\\\server\\share\\..\\..\\x",
    "../../../etc/passwd",
    "..%2f..%2f%00",
    "Robert'); DROP TABLE documents;--",
    "NULL",
    "None",
    "0",
    "-1e308",
    "\\n\\t\\u0000字面反斜杠",
    "@import url(x.css);",
]

# Values every field refuses (a 422 naming the field): too long, or blank once cleaned.
TOO_LONG_ANYWHERE = ("a" * 1_048_576, "长" * 350_000)
BLANK = ("", "   ", "\u3000\u3000", "\t\n ")
REFUSED = {*TOO_LONG_ANYWHERE, *BLANK}

Path = tuple[str | int, ...]  # a place in a payload; "*" stands for every item of a list


@dataclass(frozen=True)
class Variant:
    """One fixture of a kind and what its text fields print."""

    kind: str
    fixture: str
    prepare: Callable[[dict[str, Any]], None] = lambda doc: None
    not_printed: frozenset[Path] = frozenset()  # text fields this layout does not print
    suffix: dict[Path, str] = field(default_factory=dict)  # added to a value to keep it valid
    # Fields whose model does not clean (a pattern instead): only printable values go there.
    uncleaned: frozenset[Path] = frozenset()
    titled: frozenset[Path] = frozenset()  # laid out as title lines: may wrap anywhere


def _summary(layout: str, category: str | None = None) -> Callable[[dict[str, Any]], None]:
    def prepare(doc: dict[str, Any]) -> None:
        doc["layout"] = layout
        doc["findings"] = doc["findings"][:3]  # all three within the period
        for finding in doc["findings"]:
            finding["category"] = category or finding["category"]
    return prepare


def _no_issue_no(doc: dict[str, Any]) -> None:
    doc.pop("issue_no", None)  # the register numbers each issue


def _closed(doc: dict[str, Any]) -> None:
    for hazard in doc["hazards"]:  # base() fills every 销号验收单位: its date goes with it
        hazard.setdefault("closed_on", doc["filled_on"])


CASE = ("cases", "*")
VARIANTS = [
    Variant("transfer-notice", "transfer-notice", uncleaned=frozenset({("code",)}),
            titled=frozenset({("campaign",)})),
    Variant("typical-case", "typical-case", suffix={("title",): "案"}),
    Variant("commitment-letter", "commitment-letter",
            titled=frozenset({("unit",), ("campaign",)})),
    Variant("bulletin", "bulletin", _no_issue_no, suffix={(*CASE, "title"): "案"}),
    Variant("summary", "summary-weekly", _summary("weekly"), frozenset(
        {("findings", "*", "plan"), ("findings", "*", "supervised_by")}),
        titled=frozenset({("campaign",)})),
    Variant("summary", "summary-report", _summary("report", "major_hazard"), frozenset(
        {("findings", "*", "checked_by"), ("findings", "*", "nature")}),
        titled=frozenset({("campaign",)})),
    Variant("summary", "summary-dispatch", _summary("dispatch"), frozenset(  # counts only
        ("findings", "*", f) for f in ("enterprise", "township", "industry", "detail",
                                       "checked_by", "nature", "supervised_by", "plan")),
        titled=frozenset({("campaign",)})),
    Variant("lead-ledger", "lead-ledger"),
    Variant("daily-lists", "daily-lists", _closed, titled=frozenset({("campaign",)})),
    Variant("contacts", "contacts", titled=frozenset({("campaign",)})),
]
LIST_ITEMS = 3  # values put into each list of texts


def text_paths(schema: dict[str, Any], node: dict[str, Any] | None = None,
               path: Path = ()) -> Iterator[Path]:
    """Every free-text field of a JSON schema (not enums, dates, months or hidden ids)."""
    node = schema if node is None else node
    if node.get("x-widget") == "hidden":  # an id the page carries (a lead's), not text
        return
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    for sub in node.get("anyOf", []):
        yield from text_paths(schema, sub, path)
    kind = node.get("type")
    if kind == "string" and "enum" not in node and node.get("format") not in ("date", "month"):
        yield path
    elif kind == "object":
        for name, sub in node.get("properties", {}).items():
            yield from text_paths(schema, sub, (*path, name))
    elif kind == "array":
        yield from text_paths(schema, node["items"], (*path, "*"))


def concrete(doc: Any, generic: Path, done: Path = ()) -> Iterator[Path]:
    """The places of `generic` in `doc`; a list of texts is set to LIST_ITEMS items."""
    if not generic:
        yield done
        return
    step, rest = generic[0], generic[1:]
    if step == "*":
        if not rest and len(doc) != LIST_ITEMS:
            doc[:] = ["占位"] * LIST_ITEMS
        for i in range(len(doc)):
            yield from concrete(doc[i], rest, (*done, i))
    else:
        if step not in doc:
            doc[step] = [] if rest[:1] == ("*",) else "占位"
        yield from concrete(doc[step], rest, (*done, step))


def put(doc: Any, path: Path, value: Any) -> None:
    """Set the value at `path`."""
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def generic_of(path: Path) -> Path:
    """`cases.1.title` → `cases.*.title`."""
    return tuple("*" if isinstance(p, int) else p for p in path)


def payload(doc: dict[str, Any]) -> str:
    """The JSON text a client sends (non-ASCII as escapes, as many clients do)."""
    return json.dumps(doc, ensure_ascii=True)


def base(variant: Variant) -> tuple[dict[str, Any], list[Path]]:
    """The variant's fixture with every text field present, and those fields' places."""
    doc = load_fixture(variant.fixture)
    variant.prepare(doc)
    schema = KINDS[variant.kind].model.model_json_schema()
    places = [p for g in dict.fromkeys(text_paths(schema)) for p in concrete(doc, g)]
    for n, place in enumerate(places):  # a distinct valid value in each (keywords differ)
        put(doc, place, f"占位{n}" + variant.suffix.get(generic_of(place), ""))
    return doc, places


def refusal(variant: Variant, doc: dict[str, Any], place: Path, value: str) -> ServiceError | None:
    """The error validating `doc` with `value` at `place` gives, or None if accepted."""
    trial = copy.deepcopy(doc)
    put(trial, place, value + variant.suffix.get(generic_of(place), ""))
    try:
        validate(KINDS[variant.kind], payload(trial))
    except ServiceError as err:
        return err
    return None


def printed(value: str) -> str:
    """What a value prints as: cleaned (controls removed, \\x0b → line break) and trimmed."""
    return clean(value).strip()


@dataclass
class Document:
    """A payload full of corpus values, and where each one went."""

    variant: Variant
    doc: dict[str, Any]
    values: list[tuple[Path, str, bool]]  # place, value as sent, printed by this layout


def documents(kind: str, corpus: list[str] = CORPUS) -> Iterator[Document]:
    """Documents of `kind` that print every value of `corpus` some printed field of the kind
    accepts, cycling through the corpus over every text field."""
    variants = [v for v in VARIANTS if v.kind == kind]
    bases = [base(v) for v in variants]
    accepted: dict[tuple[int, Path, int], bool] = {}

    def fits(vi: int, place: Path, i: int) -> bool:
        key = (vi, generic_of(place), i)
        if key not in accepted:
            accepted[key] = refusal(variants[vi], bases[vi][0], place, corpus[i]) is None and (
                key[1] not in variants[vi].uncleaned or corpus[i].isprintable())
        return accepted[key]

    candidates = [i for i, value in enumerate(corpus) if value not in REFUSED]
    pending = list(candidates)
    filler = [i for i in candidates if len(corpus[i]) <= 500]
    turn, n, idle = 0, 0, 0
    while pending and idle < len(variants):
        vi = n % len(variants)
        variant = variants[vi]
        doc, places = copy.deepcopy(bases[vi][0]), bases[vi][1]
        values, placed = [], False
        for place in places:
            shown = generic_of(place) not in variant.not_printed
            pick = next((i for i in pending if shown and fits(vi, place, i)), None)
            if pick is not None:
                pending.remove(pick)
                placed = True
            else:
                for _ in filler:
                    turn += 1
                    if fits(vi, place, filler[turn % len(filler)]):
                        pick = filler[turn % len(filler)]
                        break
            if pick is None:
                continue
            value = corpus[pick] + variant.suffix.get(generic_of(place), "")
            put(doc, place, value)
            values.append((place, value, shown))
        n += 1
        idle = 0 if placed else idle + 1
        if placed:
            yield Document(variant, doc, values)
