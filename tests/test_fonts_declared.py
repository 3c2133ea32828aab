"""The fonts the documents name, and the faces they come out in.

Word templates: the font table declares each East Asian face the styles use with what Word,
WPS and LibreOffice need to substitute it (altName, charset 86 = GB2312, family, pitch); no
Japanese faces from python-docx's template; Times New Roman for digits and letters.
PDF: digits in the Latin face (Liberation Serif here), Chinese in the CJK face, the line grid
unchanged. deploy/fontconfig/gongwen-fonts.conf: LibreOffice's mapping of the Word names."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from service.issuing import preview
from service.render import fonts
from tests.conftest import load_fixture

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates" / "docx").glob("*.docx"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GB2312_FACES = {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"}
ALT_NAMES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体",
             "黑体": "SimHei"}
JAPANESE = re.compile("ＭＳ|MS Mincho|MS Gothic|MS PMincho|MS PGothic|Meiryo|Yu Gothic|Yu Mincho"
                      "|明朝|ゴシック")
CONF = ROOT / "deploy" / "fontconfig" / "gongwen-fonts.conf"


def _part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def _east_asian_faces(path: Path) -> set[str]:
    """Every w:eastAsia face named in the package's styles, document, headers and footers."""
    with zipfile.ZipFile(path) as package:
        names = [n for n in package.namelist() if n.startswith("word/") and n.endswith(".xml")
                 and n != "word/fontTable.xml"]
        found = set()
        for name in names:
            for rfonts in etree.fromstring(package.read(name)).iter(f"{W}rFonts"):
                if rfonts.get(f"{W}eastAsia"):
                    found.add(rfonts.get(f"{W}eastAsia"))
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_the_font_table_declares_each_east_asian_face(path: Path) -> None:
    used = _east_asian_faces(path)
    assert used == GB2312_FACES
    table = {font.get(f"{W}name"): font for font in _part(path, "word/fontTable.xml")}
    for face in used:
        font = table.get(face)
        assert font is not None, f"{face} not in word/fontTable.xml"
        values = {child.tag[len(W):]: child.get(f"{W}val") for child in font}
        assert values["altName"] == ALT_NAMES[face]
        assert values["charset"] == "86"
        assert values["family"] in {"roman", "swiss", "modern"}
        assert values["pitch"] in {"fixed", "variable"}
        assert "panose1" in values and "sig" in values
        # the schema's order: altName, panose1, charset, family, (notTrueType), pitch, sig
        order = [child.tag[len(W):] for child in font]
        assert order == ["altName", "panose1", "charset", "family", "pitch", "sig"]
    assert "Times New Roman" in table


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_no_japanese_faces_anywhere_in_the_package(path: Path) -> None:
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                text = package.read(name).decode("utf-8")
                assert not JAPANESE.search(text), f"{name}: {JAPANESE.search(text)}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_styles_set_digits_in_times_new_roman_and_chinese_in_the_gb2312_faces(
        path: Path) -> None:
    styles = _part(path, "word/styles.xml")
    named = 0
    for rfonts in styles.iter(f"{W}rFonts"):
        east = rfonts.get(f"{W}eastAsia")
        if east is None:
            continue
        named += 1
        assert east in GB2312_FACES
        assert rfonts.get(f"{W}ascii") == rfonts.get(f"{W}hAnsi") == "Times New Roman"
        assert rfonts.get(f"{W}hint") == "eastAsia"  # “” — … in the Chinese face
    assert named >= 10
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(f"{W}ascii") == "Times New Roman"
    assert defaults.get(f"{W}eastAsia") == "仿宋_GB2312"
    # runs in the document take their fonts from the styles: none names other faces
    for rfonts in _part(path, "word/document.xml").iter(f"{W}rFonts"):
        assert rfonts.get(f"{W}ascii") in (None, "Times New Roman")
        assert rfonts.get(f"{W}eastAsia") in (None, *GB2312_FACES)
    theme = _part(path, "word/theme/theme1.xml")
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    assert {el.get("typeface") for el in theme.iter(f"{a}latin")} == {"Times New Roman"}
    assert {el.get("typeface") for el in theme.iter(f"{a}ea")} == {"黑体", "仿宋_GB2312"}


@pytest.fixture(scope="module")
def notice_chars() -> list[dict]:
    content = preview("transfer-notice", load_fixture("transfer-notice"), "pdf").content
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [c for page in pdf.pages for c in page.chars]


def _face(char: dict) -> str:
    return str(char["fontname"]).split("+", 1)[-1]


def test_digits_come_out_in_the_latin_face_and_chinese_in_the_cjk_face(
        notice_chars: list[dict]) -> None:
    text = "".join(c["text"] for c in notice_chars)
    at = text.index("2022年1月5日")
    year = notice_chars[at:at + 4]
    assert "".join(c["text"] for c in year) == "2022"
    assert {_face(c) for c in year} == {"Liberation-Serif"}
    assert _face(notice_chars[at + 4]) == "FandolFang"  # 年
    digits = {_face(c) for c in notice_chars if c["text"].isdigit()}
    assert digits == {"Liberation-Serif"}
    chinese = {_face(c) for c in notice_chars if "\u4e00" <= c["text"] <= "\u9fff"}
    assert chinese <= {"FandolFang", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"}
    # the punctuation Chinese shares with Latin stays in the Chinese face
    quotes = {_face(c) for c in notice_chars if c["text"] in "“”—…·"}
    assert quotes and not any("Liberation" in f for f in quotes)


def test_lines_with_digits_keep_the_grid(notice_chars: list[dict]) -> None:
    """A line holding digits is as tall as one without: the body's baselines are evenly
    spaced at one of the grid's pitches (28.95 pt, or closed up: service.render.pdf)."""
    body = sorted({round(c["bottom"], 2) for c in notice_chars
                   if _face(c) == "FandolFang" and 250 < c["bottom"] < 600})
    steps = [b - a for a, b in zip(body, body[1:], strict=False) if 20 < b - a < 30]
    assert len(steps) >= 8
    assert min(abs(steps[0] - pitch) for pitch in (28.95, 26.5, 25.0)) < 0.05, steps
    assert max(steps) - min(steps) < 0.02, steps


def test_each_stack_gets_a_latin_copy_with_its_cjk_face_s_metrics() -> None:
    config = fonts.compact_config().read_text(encoding="utf-8")
    for family, _ in fonts.LATIN_FAMILIES:
        assert f"<family>{family}</family>" in config
    css = (ROOT / "service" / "static" / "gongwen.css").read_text(encoding="utf-8")
    stacks = re.findall(r"font-family:\s*([^;]+);", css)
    assert stacks and all(s.split(",")[0].strip('" ').startswith("Gongwen Latin")
                          for s in stacks)


needs_fc = pytest.mark.skipif(shutil.which("fc-match") is None, reason="no fc-match")


@needs_fc
@pytest.mark.parametrize("name,face", [("仿宋_GB2312", "FandolFang"),
                                       ("楷体_GB2312", "FandolKai"),
                                       ("方正小标宋简体", "Noto Serif CJK SC"),
                                       ("黑体", "Noto Sans CJK SC"),
                                       ("Times New Roman", "Liberation Serif")])
def test_the_fontconfig_alias_file_maps_the_word_names(tmp_path: Path, name: str,
                                                       face: str) -> None:
    if not list(ROOT.glob("var/fonts/**/FandolFang-Regular.otf")) and "Fandol" in face:
        pytest.skip("Fandol fonts not unpacked (make)")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n"
        f"  <include>{CONF}</include>\n</fontconfig>\n", encoding="utf-8")
    env = {"FONTCONFIG_FILE": str(config), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    found = subprocess.run(["fc-match", "--format", "%{family}\t%{style}", f"{name}:lang=zh-cn"],
                           capture_output=True, text=True, env=env, timeout=60, check=True)
    assert not found.stderr, found.stderr  # the file parses
    family, style = found.stdout.split("\t")
    assert face in family.split(",")
    if name == "方正小标宋简体":
        assert "Bold" in style  # the title is set in the bold stand-in
