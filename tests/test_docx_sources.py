"""templates/docx is the generator's output: scripts/docx_kinds/<kind>.py builds each template
(scripts/build_docx_templates.py), and the committed .docx must equal what it builds, part by
part (canonical XML). After changing a builder, run `make templates`."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "templates" / "docx"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_docx_templates", ROOT / "scripts" / "build_docx_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every kind's template, freshly generated (well under a second)."""
    out = tmp_path_factory.mktemp("generated")
    gen.generate(out)
    return out


def _rewrite(path: Path, part: str, old: bytes, new: bytes) -> None:
    """Replace `old` by `new` in one part of a .docx."""
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info)) for info in z.infolist()]
    assert any(info.filename == part and old in data for info, data in items), (part, old)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            z.writestr(info, data.replace(old, new) if info.filename == part else data)


def test_every_builder_has_a_committed_template_and_vice_versa() -> None:
    committed = sorted(p.stem for p in COMMITTED.glob("*.docx"))
    assert gen.kinds() == committed, (
        "scripts/docx_kinds/ and templates/docx/ must list the same kinds")


def test_committed_templates_equal_the_generator_output(generated: Path) -> None:
    problems = gen.compare_folders(generated, COMMITTED)
    assert not problems, (
        "templates/docx differs from what scripts/build_docx_templates.py generates; change "
        "the builder in scripts/docx_kinds/ and run `make templates`:\n" + "\n".join(problems))


def test_a_changed_text_is_reported(generated: Path, tmp_path: Path) -> None:
    copy = tmp_path / "docx"
    shutil.copytree(generated, copy)
    assert gen.compare_folders(generated, copy) == []
    _rewrite(copy / "transfer-notice.docx", "word/document.xml",
             b"{{ recipient }}</w:t>", "{{ recipient }}：</w:t>".encode())
    problems = gen.compare_folders(generated, copy)
    assert len(problems) == 1
    assert "transfer-notice" in problems[0] and "word/document.xml" in problems[0]
    assert "与生成器输出不同" in problems[0] and "{{ recipient }}：" in problems[0]


def test_the_check_command_fails_on_a_difference(generated: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "docx"
    shutil.copytree(generated, copy)
    assert gen.main(["--check", "--out", str(copy), "summary"]) == 0
    _rewrite(copy / "summary.docx", "word/styles.xml", "黑体".encode(), "宋体".encode())
    assert gen.main(["--check", "--out", str(copy), "summary"]) == 1
    out = capsys.readouterr().out
    assert "模板 summary：部件 word/styles.xml 的 XML 与生成器输出不同" in out


def test_zip_bytes_and_volatile_metadata_are_not_compared(generated: Path,
                                                          tmp_path: Path) -> None:
    copy = tmp_path / "transfer-notice.docx"
    with zipfile.ZipFile(generated / "transfer-notice.docx") as z:
        items = [(info.filename, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as z:  # other compression, dates, order
        for name, data in reversed(items):
            z.writestr(name, data)
    _rewrite(copy, "docProps/core.xml", b"2013-12-23T23:15:00Z</dcterms:modified>",
             b"2030-01-02T03:04:05Z</dcterms:modified>")
    _rewrite(copy, "docProps/core.xml", b"<cp:revision>1<", b"<cp:revision>7<")
    assert gen.compare_docx("transfer-notice", generated / "transfer-notice.docx", copy) == []


def test_generating_twice_gives_the_same_bytes(generated: Path, tmp_path: Path) -> None:
    again = gen.generate(tmp_path, ["commitment-letter"])[0]
    assert again.read_bytes() == (generated / "commitment-letter.docx").read_bytes()


def test_the_generator_refuses_the_clerks_folder(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    clerks = tmp_path / "gongwen-templates"
    monkeypatch.setenv("GONGWEN_TEMPLATES", str(clerks))
    for out in (clerks, clerks / "docx"):
        assert gen.main(["--out", str(out)]) == 2
        assert "拒绝写入" in capsys.readouterr().err
    assert not clerks.exists()
    # The repository's own folder stays writable whatever GONGWEN_TEMPLATES says; so does
    # the clerk's folder when it is the repository's templates/.
    assert gen.clerks_folder(gen.DEFAULT_OUT) is None
    monkeypatch.setenv("GONGWEN_TEMPLATES", str(gen.REPO_TEMPLATES))
    assert gen.clerks_folder(gen.DEFAULT_OUT) is None


@pytest.mark.parametrize("clerks,out,refused", [
    ("templates/clerk", "templates/clerk/docx", True),  # a clerk's folder inside templates/
    ("templates/clerk", "templates/docx", False),
    (".", "docx", True),  # a clerk's folder enclosing the repository
    (".", "templates/docx", False),
    ("templates", "templates/docx", False),
])
def test_which_folders_are_the_clerks(clerks: str, out: str, refused: bool,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGWEN_TEMPLATES", str(ROOT / clerks))
    assert (gen.clerks_folder(ROOT / out) is not None) is refused
