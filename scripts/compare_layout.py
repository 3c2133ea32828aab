"""Render every fixture as PDF and as DOCX, convert each DOCX with LibreOffice, and compare.

For each fixture: the PDF's pages, the pages LibreOffice makes of the DOCX, and (with
--pictures) page PNGs side by side, PDF on the left, LibreOffice's rendering of the DOCX on
the right, in OUT/<fixture>.png. `make layout` runs it. LibreOffice runs with the system's
fontconfig, i.e. the fonts and aliases `make run` installs (scripts/setup-system.sh).

Usage: python scripts/compare_layout.py [--out DIR] [--pictures] [FIXTURE ...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from service.issuing import validate  # noqa: E402
from service.kinds import KINDS  # noqa: E402
from service.render import render  # noqa: E402

FIXTURES = ROOT / "fixtures"


def kind_of(fixture: Path) -> str:
    """The kind a fixture file is for: the longest kind name its stem starts with."""
    return max((k for k in KINDS if fixture.stem.startswith(k)), key=len)


def render_both(data: dict, kind: str, out: Path, stem: str) -> tuple[Path, Path]:
    """Write <stem>.pdf and <stem>.docx of one payload into `out`."""
    spec = KINDS[kind]
    context = {**spec.build(validate(spec, data), 7), "draft": False}
    paths = []
    for fmt in ("pdf", "docx"):
        path = out / f"{stem}.{fmt}"
        path.write_bytes(render(kind, context, fmt))  # type: ignore[arg-type]
        paths.append(path)
    return paths[0], paths[1]


def libreoffice_pdf(docx: Path, out: Path) -> Path:
    """LibreOffice's PDF of a DOCX (a private profile, so a running instance does not
    interfere), in `out` as <stem>.lo.pdf."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", tmp, str(docx)],
            check=True, capture_output=True, timeout=180)
        target = out / f"{docx.stem}.lo.pdf"
        shutil.move(f"{tmp}/{docx.stem}.pdf", target)
    return target


def pages(pdf: Path) -> int:
    """The number of pages of a PDF."""
    return len(PdfReader(pdf).pages)


def picture(pdf: Path, lo_pdf: Path, target: Path) -> None:
    """One PNG: each PDF page beside the LibreOffice page of the same number."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        for source, prefix in ((pdf, "a"), (lo_pdf, "b")):
            subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), f"{tmp}/{prefix}"],
                           check=True)
        left = sorted(Path(tmp).glob("a*.png"))
        right = sorted(Path(tmp).glob("b*.png"))
        images = [Image.open(p) for p in left + right]
        w, h = max(i.width for i in images), max(i.height for i in images)
        rows = max(len(left), len(right))
        sheet = Image.new("RGB", (2 * w + 20, rows * (h + 10)), "#888")
        for column, files in enumerate((left, right)):
            for row, path in enumerate(files):
                sheet.paste(Image.open(path), (column * (w + 20), row * (h + 10)))
        sheet.save(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fixtures", nargs="*")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "layout")
    parser.add_argument("--pictures", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    chosen = [FIXTURES / f"{f}.json" for f in args.fixtures] or sorted(FIXTURES.glob("*.json"))
    differ = 0
    for fixture in chosen:
        pdf, docx = render_both(json.loads(fixture.read_text()), kind_of(fixture), args.out,
                                fixture.stem)
        lo = libreoffice_pdf(docx, args.out)
        a, b = pages(pdf), pages(lo)
        differ += a != b
        print(f"{fixture.stem:38} PDF {a:3} pages   DOCX in LibreOffice {b:3} pages"
              + ("" if a == b else "   DIFFERENT"))
        if args.pictures:
            picture(pdf, lo, args.out / f"{fixture.stem}.png")
    if args.pictures:
        print(f"pictures in {args.out}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
