from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fivep import Study
from fivep.cli import app
from fivep.report.build import write_study_report

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def study_dir(ingested_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy: a report writes translations.csv and quote-approvals.csv into its study, and the session's
    ingested sample is shared with other modules."""
    import shutil

    target = tmp_path_factory.mktemp("report-study") / "sample"
    shutil.copytree(ingested_sample, target)
    return target


@pytest.fixture(scope="module")
def reports(study_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    study = Study.open(study_dir)
    paths = {lang: write_study_report(study, out / f"report_{lang}.docx", lang=lang)[0] for lang in ("en", "th")}
    study.close()
    return paths


def _text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _planted(sample_dir: Path) -> list[str]:
    rows = []
    for path in sorted((Path(__file__).parent / "data" / "planted").glob("*.csv")):
        with open(path, encoding="utf-8") as handle:
            rows.extend(r["text"] for r in csv.DictReader(handle))
    return rows


@pytest.mark.parametrize("lang", ["en", "th"])
def test_no_planted_identifier_reaches_the_report(reports: dict[str, Path], sample_dir: Path, lang: str) -> None:
    text = _text(reports[lang])
    planted = _planted(sample_dir)
    assert len(planted) >= 40
    leaked = [p for p in planted if p in text]
    assert leaked == []


@pytest.mark.parametrize("lang", ["en", "th"])
def test_quotes_carry_pseudonymous_codes(reports: dict[str, Path], lang: str) -> None:
    """Quotes are attributed by the study's public codes (R-07), never by roster ids, which carry the
    group and province; minors' statements wait for a researcher's approval (fivep.privacy.quotes)."""
    text = _text(reports[lang])
    attributions = re.findall(r"— (R-\d+), ", text)
    assert len(attributions) >= 15
    assert not re.search(r"— (?:GOV|NGO|EXP|YP)-[A-Z0-9-]+, ", text)
    minors = "minor victims" if lang == "en" else "ผู้เสียหายที่เป็นเด็ก"
    assert not re.search(rf"— R-\d+, {minors}", text)          # none approved in the sample


@pytest.mark.parametrize("lang,headings", [
    ("en", ["Findings: Policy", "Findings: Prosecution", "Findings: Protection", "Findings: Prevention",
            "Findings: Partnership", "Executive summary", "Introduction", "Objectives", "Methods", "Recommendations",
            "Policy recommendations", "Operational recommendations", "Recommendations by agency", "Limitations",
            "Research ethics", "Conclusion", "Abbreviations", "Appendix"]),
    ("th", ["ผลการศึกษา: นโยบาย", "ผลการศึกษา: การดำเนินคดี", "ผลการศึกษา: การคุ้มครอง", "ผลการศึกษา: การป้องกัน",
            "ผลการศึกษา: ความร่วมมือ", "บทสรุปผู้บริหาร", "บทนำ", "วัตถุประสงค์", "วิธีการศึกษา", "ข้อเสนอแนะเชิงนโยบาย",
            "ข้อเสนอแนะเชิงปฏิบัติการ", "ข้อจำกัดของการศึกษา", "จริยธรรมการวิจัย", "คำย่อ", "ภาคผนวก"]),
])
def test_every_p_has_its_section_with_evidence(reports: dict[str, Path], lang: str, headings: list[str]) -> None:
    import docx

    document = docx.Document(str(reports[lang]))
    found = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for heading in headings:
        assert heading in found
    text = _text(reports[lang])
    evidence = r"\d+ of 32 government officials" if lang == "en" else r"เจ้าหน้าที่รัฐ \d+ จาก 32 คน"
    assert len(re.findall(evidence, text)) >= 10
    assert len(document.inline_shapes) == 5          # one chart per P


@pytest.mark.parametrize("lang,figures", [
    ("en", ["26\u00a0(59.09%)", "72.73%", "48–67", "15–18\u00a0(16.6)"]),
    ("th", ["ร้อยละ\u00a059.09", "26\u00a0(59.09%)", "15–18\u00a0(16.6)"]),
])
def test_demographics_show_the_study_figures(reports: dict[str, Path], lang: str, figures: list[str]) -> None:
    text = _text(reports[lang])
    for figure in figures:
        assert figure in text


def test_thai_is_a_complex_script_in_every_style(reports: dict[str, Path]) -> None:
    import docx

    document = docx.Document(str(reports["th"]))
    checked = 0
    for style in document.styles:
        rpr = style.element.find(f"{W}rPr")
        if rpr is None:
            continue
        fonts = rpr.find(f"{W}rFonts")
        assert fonts is not None and fonts.get(f"{W}cs"), style.name
        assert not any(k.endswith(("Theme", "theme")) for k in fonts.attrib), style.name
        lang = rpr.find(f"{W}lang")
        assert lang is not None and lang.get(f"{W}bidi") == "th-TH", style.name
        assert fonts.get(f"{W}cs") == "TH Sarabun New", style.name
        italic_cs = rpr.find(f"{W}iCs")
        assert italic_cs is not None and italic_cs.get(f"{W}val") == "0", style.name   # Thai never slanted
        if rpr.find(f"{W}sz") is not None:
            assert rpr.find(f"{W}szCs") is not None, style.name
        if rpr.find(f"{W}b") is not None:
            assert rpr.find(f"{W}bCs") is not None, style.name
        checked += 1
    assert checked >= 10
    bold_runs = [r for p in document.paragraphs for r in p.runs if r.bold]
    assert bold_runs and all(r._element.rPr.find(f"{W}bCs") is not None for r in bold_runs)


def test_thai_report_is_thai_throughout(reports: dict[str, Path]) -> None:
    import docx

    document = docx.Document(str(reports["th"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading") and p.text]
    assert headings and all(re.search("[\u0e00-\u0e7f]", h) for h in headings), headings


def test_report_cli_and_template(study_dir: Path, reports: dict[str, Path], tmp_path: Path) -> None:
    import docx
    from docx.shared import Pt

    template = docx.Document()
    template.styles["Normal"].font.name = "Angsana New"
    template.styles["Normal"].font.size = Pt(15)
    template.sections[0].header.paragraphs[0].text = "Foundation letterhead"
    template_path = tmp_path / "letterhead.docx"
    template.save(template_path)
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(app, ["report", str(study_dir), "--out", str(out), "--lang", "th",
                                      "--template", str(template_path)])
    assert result.exit_code == 0, result.output
    made = docx.Document(str(out))
    assert made.sections[0].header.paragraphs[0].text == "Foundation letterhead"
    assert made.styles["Normal"].font.name == "Angsana New"
    bad = CliRunner().invoke(app, ["report", str(study_dir), "--out", str(tmp_path / "r.pdf")])
    assert bad.exit_code == 1 and ".docx" in bad.stderr


def test_translated_transcripts_are_marked(reports: dict[str, Path]) -> None:
    assert "(the transcript's translation from Thai)" in _text(reports["en"])


def test_small_cell_suppression_is_visible(sample_copy: Path, tmp_path: Path) -> None:
    config = sample_copy / "study.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("min_cell = 0", "min_cell = 5"), encoding="utf-8")
    study = Study.open(sample_copy)
    study.ingest()
    path, _ = write_study_report(study, tmp_path / "r.docx", lang="en")
    study.close()
    text = _text(path)
    assert "Counts below 5 respondents are shown as <5" in text
    assert "<5 of 15 minor victims" in text or "minor victims <5/15" in text
    assert "3 from Phrae" not in text


def test_run_outputs_leak_no_planted_identifier(sample_copy: Path, sample_dir: Path, tmp_path: Path) -> None:
    """Every file `fivep run` writes (JSON, CSV, XLSX, DOCX) is scanned for the sample's planted identifiers."""
    import openpyxl

    from fivep.pipeline import run_study

    out = tmp_path / "out"
    result = run_study(sample_copy, out, topics=True)
    assert {"report.docx", "report_th.docx", "demographics.json", "codings.csv", "framework_matrix.xlsx",
            "topics.json"} <= set(result.outputs)
    texts = []
    for path in out.rglob("*"):
        if path.suffix in (".json", ".csv", ".svg"):
            texts.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".docx":
            texts.append(_text(path))
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            texts.extend(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    blob = "\n".join(texts)
    assert re.search(r"\bR-\d{2}\b", blob)          # the scan reads the outputs' real content (respondent codes)
    book = openpyxl.load_workbook(out / "framework_matrix.xlsx", read_only=True)
    framework = "\n".join(str(v) for row in book.active.iter_rows(values_only=True) for v in row if v is not None)
    for name, shared in (("codings.csv", (out / "codings.csv").read_text(encoding="utf-8")),
                         ("topics.json", (out / "topics.json").read_text(encoding="utf-8")),
                         ("framework_matrix.xlsx", framework)):
        # no respondent or transcript id that names a province (YP-PR-03, FG-PR-YP) in a shared table
        assert not re.search(r"\b(?:GOV|NGO|YP|FG|II)-(?:CM|CR|PR)\b", shared), name
        assert re.search(r"\b[RT]-\d{2}\b", shared), name
    leaked = [p for p in _planted(sample_dir) if p in blob]
    assert leaked == []
