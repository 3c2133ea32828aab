"""The last pass over /openapi.json: what validators and client generators need (issue 18).

- Tags and operation ids are ASCII, one style: snake_case verbs (`list_kinds`,
  `preview_transfer_notice_pdf`); a tag names its area (`kinds`, `documents` …) and carries
  its Chinese name in `x-displayName` and a Chinese description.
- Generators name classes after a schema's `title`: a Chinese title on a schema that becomes
  a class (an enum, an object, a member of a union) moves to `x-title-zh`, so the class is
  named after the field (`TransferNoticeRecipientKind`, not `TransferNotice主送单位类别`).
- A `pattern` carries no invisible character: control and format characters (U+007F–U+009F,
  U+200B …) are written as `\\uXXXX` escapes, which mean the same in ECMA-262 and Python
  regular expressions; YAML-based tools refuse the raw characters. Only the published text
  changes: the server validates with the models' own patterns.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

TAGS = [
    {"name": "kinds", "x-displayName": "文书种类",
     "description": "文书种类：有哪些文书，各自的数据格式（JSON Schema）。"},
    {"name": "documents", "x-displayName": "签发与登记簿",
     "description": "签发与登记簿：签发（编号、生成DOCX和PDF、登记），查询登记簿，下载，"
                    "作废与更正。"},
    {"name": "previews", "x-displayName": "预览",
     "description": "预览：生成草稿，不占用文号，不保存任何内容。"},
    {"name": "batches", "x-displayName": "批量任务",
     "description": "批量任务：一次提交多份文书，异步生成，完成后下载zip。"},
    {"name": "imports", "x-displayName": "导入",
     "description": "导入：由Excel或CSV文件读出文书数据中的记录。"},
    {"name": "leads", "x-displayName": "线索与反馈",
     "description": "线索与反馈：线索登记、交办、反馈、销号、退回、提级核查和线索清单（一闭环）。"},
    {"name": "bulletins", "x-displayName": "通报",
     "description": "通报：编发通报用的本单位已签发典型案例。"},
    {"name": "units", "x-displayName": "本单位",
     "description": "本单位：调用方所属单位的资料、联络人表、API令牌和用户（多为管理员）。"},
    {"name": "audit", "x-displayName": "操作记录",
     "description": "操作记录：本单位的操作记录（管理员）。"},
]
# Tags still written by their Chinese names where a module outside service.openapi* builds
# its own paths (service.contacts_views).
LEGACY_TAGS = {tag["x-displayName"]: tag["name"] for tag in TAGS}
# Operation ids of such modules that do not begin with a verb, after snake_case.
VERBS = {"unit_contacts_": "download_unit_contacts_"}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def snake(name: str) -> str:
    """`transfer-notice` → `transfer_notice`, `unitContactsPdf` → `unit_contacts_pdf`."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.replace("-", "_"))
    return name.lower()


def operation_id(name: str) -> str:
    out = snake(name)
    for old, new in VERBS.items():
        if out.startswith(old):
            out = new + out[len(old):]
    return out


def kind_schema(kinds: list[str]) -> dict[str, Any]:
    """The one enum of the kinds (components/schemas/Kind) that parameters refer to."""
    return {"type": "string", "enum": kinds, "title": "Kind", "x-title-zh": "文书种类",
            "description": "文书种类：" + "、".join(f"`{k}`" for k in kinds)}


def invisible(ch: str) -> bool:
    """A character that is invisible or a control in a regular expression's text (in the
    BMP: beyond it no `\\u` escape means the same in ECMA-262 and Python; YAML takes those)."""
    return ord(ch) <= 0xFFFF and (not ch.isprintable() or unicodedata.category(ch) in (
        "Cf", "Mn", "Me"))


def escape_pattern(pattern: str) -> str:
    """`pattern` with every invisible character as a `\\uXXXX` escape (an escaped one too:
    `\\` before such a character meant the character itself)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(f"\\u{ord(nxt):04x}" if invisible(nxt) else ch + nxt)
            i += 2
            continue
        out.append(f"\\u{ord(ch):04x}" if invisible(ch) else ch)
        i += 1
    return "".join(out)


def _makes_class(schema: dict[str, Any]) -> bool:
    return ("enum" in schema or "properties" in schema or "additionalProperties" in schema
            or schema.get("type") == "object")


# Keys whose values are data (payloads, values), not schemas: left as they are.
DATA = {"example", "examples", "default", "const", "enum"}


def _schema_pass(node: Any, member: bool = False) -> None:
    if isinstance(node, list):
        for item in node:
            _schema_pass(item)
        return
    if not isinstance(node, dict):
        return
    title = node.get("title")
    if isinstance(title, str) and not title.isascii() and (member or _makes_class(node)):
        node["x-title-zh"] = node.pop("title")
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        node["pattern"] = escape_pattern(pattern)
    for key, value in node.items():
        if key in DATA or key.startswith("x-"):
            continue
        if key in ("anyOf", "oneOf") and isinstance(value, list):
            for item in value:
                _schema_pass(item, member=True)
        elif key in ("properties", "patternProperties", "$defs") and isinstance(value, dict):
            for sub in value.values():
                _schema_pass(sub)
        else:
            _schema_pass(value)


def finish(doc: dict[str, Any]) -> dict[str, Any]:
    """Apply the conventions above to the whole document, in place; returns it."""
    for operations in doc["paths"].values():
        for op in operations.values():
            op["operationId"] = operation_id(op["operationId"])
            op["tags"] = [LEGACY_TAGS.get(tag, tag) for tag in op.get("tags", [])]
    for name, schema in doc["components"]["schemas"].items():
        title = schema.get("title")
        if isinstance(title, str) and not title.isascii():
            schema["x-title-zh"], schema["title"] = title, name
    _schema_pass(doc["paths"])
    _schema_pass(doc["components"]["schemas"])
    return doc
