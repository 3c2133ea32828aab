"""Generate the Word templates in templates/docx/ (docxtpl markup, GB/T 9704 styles).

The generator is the source of truth: each kind's template is built by
scripts/docx_kinds/<kind>.py (`fill(doc)`, `LANDSCAPE`) on the shared page set-up and named
styles of scripts/docx_base.py, and templates/docx/<kind>.docx is only its output, committed
so the service runs without building anything. To change a template, change its builder and
run `make templates` (all kinds) or `python scripts/build_docx_templates.py KIND …`, which
regenerate templates/docx; never edit the committed .docx by hand. Building twice gives the
same files.

`python scripts/build_docx_templates.py --check` generates into a temporary folder and
compares each template with the committed one part by part (canonical XML; the raw bytes of
other parts; not the zip bytes), printing each kind and part that differs and exiting 1;
tests/test_docx_sources.py fails the same way, so templates/docx cannot drift from the
generator. `--out DIR` writes (or, with --check, compares with) another folder.

A clerk may open a template in Word and restyle it (fonts, spacing) through its named styles
(公文标题, 正文, 版记 …). Restyled templates live in the clerk's own folder, the one the
service reads from through GONGWEN_TEMPLATES (e.g. /srv/gongwen-templates/docx/<kind>.docx,
next to a copy of html/), never in the repository: `make templates` only writes
templates/docx, and the generator refuses an --out inside the GONGWEN_TEMPLATES folder when
that is not the repository's templates/. `--check --out /srv/gongwen-templates/docx` shows
what a clerk changed. Tests check that every variable a template uses comes from its context.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from docx_base import build  # noqa: E402
from lxml import etree  # noqa: E402

REPO_TEMPLATES = HERE.parent / "templates"
DEFAULT_OUT = REPO_TEMPLATES / "docx"

# Parts that change without the template changing: the document's own dates and revision
# count in docProps/core.xml (python-docx 1.2 copies fixed ones from its default document,
# generating twice gives identical parts, but Word and other python-docx versions stamp them).
VOLATILE: dict[str, tuple[str, ...]] = {
    "docProps/core.xml": (
        "{http://purl.org/dc/terms/}created",
        "{http://purl.org/dc/terms/}modified",
        "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}revision",
    ),
}
XML_SUFFIXES = (".xml", ".rels")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def kinds() -> list[str]:
    """The kinds that have a builder in docx_kinds/."""
    return sorted(p.stem.replace("_", "-") for p in (HERE / "docx_kinds").glob("[a-z]*.py"))


def generate(out: Path, selected: list[str] | None = None) -> list[Path]:
    """Build the templates of `selected` kinds (all by default) into the folder `out`."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in selected or kinds():
        module = importlib.import_module("docx_kinds." + kind.replace("-", "_"))
        paths.append(build(kind, module.fill, module.LANDSCAPE, out=out))
    return paths


def canonical(part: str, data: bytes) -> bytes:
    """A part as compared: canonical XML (C14N) without its volatile elements, or raw bytes."""
    if not part.endswith(XML_SUFFIXES):
        return data
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return data
    for tag in VOLATILE.get(part, ()):
        for element in root.iter(tag):
            element.getparent().remove(element)
    return etree.tostring(root, method="c14n")


def _where(expected: bytes, actual: bytes) -> str:
    """A short excerpt of both sides around the first difference."""
    at = next((i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
              min(len(expected), len(actual)))
    start = max(0, at - 40)

    def excerpt(data: bytes) -> str:
        return data[start:at + 60].decode("utf-8", "replace").replace("\n", "⏎")

    return (f"\n    自第 {at} 字节起（from byte {at}）："
            f"\n    生成器：{excerpt(expected)}\n    现有：  {excerpt(actual)}")


def compare_docx(kind: str, generated: Path, committed: Path) -> list[str]:
    """What differs between a generated template and an existing (committed) one, part by
    part; zip directory entries are not parts."""
    if not committed.is_file():
        return [f"模板 {kind}：缺少文件 {committed}（missing file）"]
    try:
        with zipfile.ZipFile(generated) as g, zipfile.ZipFile(committed) as c:
            ours = {n: g.read(n) for n in g.namelist() if not n.endswith("/")}
            theirs = {n: c.read(n) for n in c.namelist() if not n.endswith("/")}
    except zipfile.BadZipFile as err:
        return [f"模板 {kind}：{committed} 不是有效的 .docx 文件（{err}）"]
    problems = []
    for part in sorted(ours.keys() | theirs.keys()):
        if part not in theirs:
            problems.append(f"模板 {kind}：现有模板缺少部件 {part}（part missing）")
        elif part not in ours:
            problems.append(f"模板 {kind}：部件 {part} 只在现有模板中，生成器不生成它"
                            "（extra part）")
        else:
            expected, actual = canonical(part, ours[part]), canonical(part, theirs[part])
            if expected != actual:
                what = " XML " if part.endswith(XML_SUFFIXES) else "内容"
                problems.append(f"模板 {kind}：部件 {part} 的{what}与生成器输出不同"
                                f"（part differs）{_where(expected, actual)}")
    return problems


def compare_folders(generated: Path, committed: Path, selected: list[str] | None = None,
                    ) -> list[str]:
    """What differs between a folder of generated templates and a committed one; with all
    kinds, a committed template that no builder makes is reported too."""
    problems = []
    for kind in selected or kinds():
        problems += compare_docx(kind, generated / f"{kind}.docx", committed / f"{kind}.docx")
    if not selected:
        for path in sorted(committed.glob("*.docx")):
            if path.stem not in kinds():
                module = path.stem.replace("-", "_")
                problems.append(f"模板 {path.stem}：{path} 没有生成器 scripts/docx_kinds/"
                                f"{module}.py（no builder）")
    return problems


def clerks_folder(out: Path) -> Path | None:
    """The GONGWEN_TEMPLATES folder when `out` lies in it and it is not the repository's
    templates/ (a clerk's restyled templates, which the generator must not overwrite)."""
    configured = os.environ.get("GONGWEN_TEMPLATES")
    if not configured:
        return None
    folder, repo, out = Path(configured).resolve(), REPO_TEMPLATES.resolve(), out.resolve()
    if folder == repo or not out.is_relative_to(folder):
        return None
    if out.is_relative_to(repo) and not folder.is_relative_to(repo):
        return None  # the clerk's folder encloses the repository: templates/ stays writable
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="生成 Word 模板（templates/docx），"
                    "或用 --check 检查已提交的模板是否与生成器一致。")
    parser.add_argument("kinds", nargs="*", metavar="KIND",
                        help=f"只处理这些文种（默认全部：{', '.join(kinds())}）")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="写入的文件夹；与 --check 合用时为比较的文件夹（默认 templates/docx）")
    parser.add_argument("--check", action="store_true",
                        help="生成到临时文件夹并逐部件比较，不一致时退出码为 1，不写任何文件")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.kinds) - set(kinds()))
    if unknown:
        parser.error(f"没有这些文种的生成器：{', '.join(unknown)}（可选：{', '.join(kinds())}）")

    if args.check:
        with tempfile.TemporaryDirectory(prefix="gongwen-docx-") as tmp:
            generate(Path(tmp), args.kinds)
            problems = compare_folders(Path(tmp), args.out, args.kinds)
        for problem in problems:
            print(problem)
        if problems:
            print(f"{args.out} 与生成器输出不一致（{len(problems)} 处）。")
            if args.out.resolve() == DEFAULT_OUT:
                print("模板以 scripts/docx_kinds/ 为准：改生成器后运行 make templates 重新生成，"
                      "不要直接改 templates/docx 里的 .docx。")
            return 1
        print(f"{args.out} 与生成器输出一致（{len(args.kinds or kinds())} 个模板）。")
        return 0

    folder = clerks_folder(args.out)
    if folder is not None:
        print(f"拒绝写入 {args.out}：它在 GONGWEN_TEMPLATES 指定的文件夹 {folder} 中，"
              "那里是文书人员自行调整过样式的模板，生成器不会覆盖。"
              f"生成器只写仓库的 {DEFAULT_OUT}，或另选一个 --out 文件夹。", file=sys.stderr)
        return 2
    for path in generate(args.out, args.kinds):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
