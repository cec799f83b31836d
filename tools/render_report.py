"""Render fivep reports the way a reader sees them: DOCX -> PDF (LibreOffice) -> PNG pages and PDF text.

    python tools/render_report.py report.docx [report_th.docx ...] --out DIR [--dpi 60] [--pages 1-5]

For each report, DIR/<name>.pdf, DIR/<name>-<page>.png (pdftoppm) and DIR/<name>.txt (pdftotext, with
the layout's line breaks) are written. Office PCs in Thailand have TH Sarabun New; here it is rendered
with Sarabun (the ``fontpkg-sarabun`` package) through a private fontconfig file that aliases one to the
other, so no system font setting is touched. Needs ``libreoffice`` (Debian ``libreoffice-writer``) and
``pdftoppm``/``pdftotext`` (Debian ``poppler-utils``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ALIASES = {"TH Sarabun New": "Sarabun", "TH SarabunPSK": "Sarabun", "Calibri": "Carlito", "Arial": "Liberation Sans"}


@dataclass(frozen=True)
class Rendered:
    pdf: Path
    text: Path
    pages: list[Path]


def missing_tools() -> list[str]:
    """Programs this tool needs that are not installed (empty when rendering can run)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    return ([] if office else ["libreoffice"]) + [t for t in ("pdftoppm", "pdftotext") if not shutil.which(t)]


def _fontconfig(folder: Path) -> Path:
    """A fontconfig file: the system's fonts, Sarabun's files, and the aliases above."""
    from fontpkg_sarabun import ROOT

    aliases = "\n".join(
        f'  <alias binding="same"><family>{name}</family><prefer><family>{to}</family></prefer></alias>'
        for name, to in ALIASES.items())
    path = folder / "fonts.conf"
    path.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{Path(ROOT) / "files"}</dir>
  <cachedir>{folder / "cache"}</cachedir>
{aliases}
</fontconfig>
""", encoding="utf-8")
    return path


def render(reports: list[Path], out: Path, *, dpi: int = 60, pages: tuple[int, int] | None = None,
           png: bool = True) -> list[Rendered]:
    """Convert each DOCX to PDF, PNG pages and layout text in ``out``."""
    problems = missing_tools()
    if problems:
        raise RuntimeError(f"not installed: {', '.join(problems)} (Debian: libreoffice-writer, poppler-utils)")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    out.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="fivep-render-") as tmp:
        folder = Path(tmp)
        env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(folder)), HOME=str(folder),
                   SAL_USE_VCLPLUGIN="svp")
        # One LibreOffice profile per run: a user's running LibreOffice is never disturbed.
        profile = (folder / "profile").as_uri()
        subprocess.run([str(office), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out), *[str(r) for r in reports]], env=env, check=True,
                       capture_output=True, timeout=600)
        for report in reports:
            pdf = out / (report.stem + ".pdf")
            if not pdf.exists():
                raise RuntimeError(f"{report}: LibreOffice wrote no PDF")
            text = out / (report.stem + ".txt")
            # reading order, one line of text per line of the page (what a reader sees break)
            subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), str(text)], check=True)
            written: list[Path] = []
            if png:
                first_last = ["-f", str(pages[0]), "-l", str(pages[1])] if pages else []
                for old in out.glob(f"{report.stem}-*.png"):
                    old.unlink()
                subprocess.run(["pdftoppm", "-png", "-r", str(dpi), *first_last, str(pdf),
                                str(out / report.stem)], check=True, env=env)
                written = sorted(out.glob(f"{report.stem}-*.png"))
            results.append(Rendered(pdf, text, written))
    return results


def split_words(text: str, source: str) -> list[str]:
    """Latin words, codes and numbers of ``source`` (the document's text) that the PDF ``text`` breaks
    across a line: ``"vict|ims"``, ``"YP-C|R-05"``, ``"59|.09"``. A break between two words that happen to
    make a word together ("in|to") is not counted."""
    import re

    words = {w.casefold() for w in re.findall(r"[A-Za-z]+", source)}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found = []
    for before, after in itertools.pairwise(lines):
        code = re.search(r"\b([A-Z]{2,}(?:-[A-Z0-9]+)*-)$", before) or re.search(r"\b([A-Z]{2,}-[A-Z0-9]*)$", before)
        rest = re.match(r"([A-Z0-9]+(?:-[A-Z0-9]+)*)", after)
        if code and rest:
            if re.search(re.escape(code.group(1)) + ("" if code.group(1).endswith("-") else "-?")
                         + re.escape(rest.group(1)), source):
                found.append(f"{code.group(1)}|{rest.group(1)}")
            continue
        end = re.search(r"([A-Za-z]+)$", before)
        start = re.match(r"([A-Za-z]+)", after)
        if end and start:
            a, b = end.group(1), start.group(1)
            if (a + b).casefold() in words and not (a.casefold() in words and b.casefold() in words):
                found.append(f"{a}|{b}")
        number = re.search(r"(\d+)$", before)
        decimals = re.match(r"([.,]\d+)", after)
        if number and decimals and number.group(1) + decimals.group(1) in source:
            found.append(f"{number.group(1)}|{decimals.group(1)}")
    return found


def page_count(pdf: Path) -> int:
    result = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    for line in result.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--pages", help="first-last, e.g. 1-6")
    args = parser.parse_args(argv)
    for report in args.reports:
        if report.suffix.lower() != ".docx" or not report.is_file():
            print(f"{report}: not a .docx file", file=sys.stderr)
            return 1
    pages = tuple(int(x) for x in args.pages.split("-")) if args.pages else None
    try:
        results = render(args.reports, args.out, dpi=args.dpi, pages=pages)  # type: ignore[arg-type]
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"render_report: {error}", file=sys.stderr)
        return 1
    for result in results:
        print(f"{result.pdf}: {page_count(result.pdf)} pages, {len(result.pages)} PNG, text {result.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
