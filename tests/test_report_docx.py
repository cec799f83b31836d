"""The report's Word XML: language by script, fields, captions, alt text, dates, structure, figures that
match the data, quotes and their translations, recommendations by actor, templates."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fivep import Study
from fivep.cli import app
from fivep.report.build import write_study_report

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THAI = re.compile(r"[\u0e00-\u0e7f]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def study_dir(tmp_path_factory: pytest.TempPathFactory, ingested_sample: Path) -> Path:
    target = tmp_path_factory.mktemp("docx") / "sample"
    shutil.copytree(ingested_sample, target)
    return target


@pytest.fixture(scope="module")
def reports(study_dir: Path) -> dict[str, Path]:
    study = Study.open(study_dir)
    paths = {lang: write_study_report(study, study_dir.parent / f"report_{lang}.docx", lang=lang)[0]
             for lang in ("en", "th")}
    study.close()
    return paths


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Write a study's CSV back as a researcher's spreadsheet would (header, then the rows)."""
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _xml(path: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def _runs(path: Path) -> list[tuple[str, dict[str, str], object]]:
    from lxml import etree

    root = etree.fromstring(_xml(path).encode("utf-8"))
    out = []
    for run in root.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if not text.strip():
            continue
        rpr = run.find(f"{W}rPr")
        lang = rpr.find(f"{W}lang") if rpr is not None else None
        out.append((text, dict(lang.attrib) if lang is not None else {}, rpr))
    return out


def _body_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["en", "th"])
def test_language_follows_the_script_of_each_run(reports: dict[str, Path], lang: str) -> None:
    runs = _runs(reports[lang])
    thai = [r for r in runs if THAI.search(r[0])]
    latin = [r for r in runs if LATIN.search(r[0]) and not THAI.search(r[0])]
    assert len(thai) > 30 and len(latin) > 30
    mixed = [r[0] for r in runs if THAI.search(r[0]) and LATIN.search(r[0])]
    assert mixed == []                                   # runs are split where the script changes
    for text, attrs, rpr in thai:
        assert attrs.get(f"{W}val") == "th-TH" and attrs.get(f"{W}bidi") == "th-TH", text
        assert rpr.find(f"{W}cs") is not None, text      # every character of a Thai run set as Thai
        italic = rpr.find(f"{W}iCs")
        assert italic is not None and italic.get(f"{W}val") == "0", text   # upright
        assert rpr.find(f"{W}i") is None or rpr.find(f"{W}i").get(f"{W}val") in ("0", "false"), text
    for text, attrs, _ in latin:
        assert attrs.get(f"{W}val") == "en-US", text


def test_thai_paragraphs_use_thai_distribution_and_codes_do_not_break(reports: dict[str, Path]) -> None:
    th, en = _xml(reports["th"]), _xml(reports["en"])
    assert th.count('w:jc w:val="thaiDistribute"') >= 10 and 'w:jc w:val="both"' not in th
    assert en.count('w:jc w:val="both"') >= 10 and "thaiDistribute" not in en
    # pseudonymous codes keep their hyphens (w:noBreakHyphen), in both reports
    for xml in (th, en):
        assert re.search(r"R</w:t><w:noBreakHyphen/><w:t[^>]*>\d+", xml)
        assert not re.search(r"<w:t[^>]*>[^<]*\bR-\d", xml)
    assert "ร้อยละ\u00a059.09" in _body_text(reports["th"])


@pytest.mark.parametrize("lang", ["en", "th"])
def test_fields_captions_alt_text_and_properties(reports: dict[str, Path], lang: str) -> None:
    import docx

    xml = _xml(reports[lang])
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-2"', xml)
    assert len(re.findall(r"<w:instrText[^>]*> SEQ Figure ", xml)) == 5
    assert len(re.findall(r"<w:instrText[^>]*> SEQ Table ", xml)) >= 8
    footers = [n for n in zipfile.ZipFile(reports[lang]).namelist() if n.startswith("word/footer")]
    assert any("> PAGE <" in _xml(reports[lang], f) for f in footers)
    assert '<w:updateFields w:val="true"/>' in _xml(reports[lang], "word/settings.xml")
    descriptions = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)
    assert len(descriptions) == 5 and all(len(d) > 60 for d in descriptions)
    document = docx.Document(str(reports[lang]))
    captions = [p for p in document.paragraphs if p.style.name == "Caption"]
    assert len(captions) >= 13 and not any(s.font.italic for s in (captions[0].style,))
    quotes = [p for p in document.paragraphs if p.style.name == "Quote" and p.text.startswith("“")]
    assert len(quotes) >= 20
    props = document.core_properties
    assert props.author == "Fictional research team (sample)" and props.author != "python-docx"
    assert props.title.startswith("กลไก" if lang == "th" else "Assistance")
    assert abs((dt.datetime.now(dt.UTC) - props.created).total_seconds()) < 3600 * 24


def test_dates_are_buddhist_era_in_thai(reports: dict[str, Path]) -> None:
    from pythainlp.util import thai_strftime

    today = dt.date.today()
    th, en = _body_text(reports["th"]), _body_text(reports["en"])
    expected = thai_strftime(dt.datetime(today.year, today.month, today.day), "%-d %B พ.ศ.\u00a0%Y")
    assert expected in th                               # the year stays with พ.ศ. (no-break space)
    assert f"พ.ศ.\u00a0{today.year + 543}" in th and today.isoformat() not in th
    assert f"{today.day} {today.strftime('%B')} {today.year}" in en


@pytest.mark.parametrize("lang", ["en", "th"])
def test_no_raw_code_ids_in_the_body(reports: dict[str, Path], lang: str) -> None:
    text = _body_text(reports[lang])
    ids = re.findall(r"\b(?:policy|prosecution|protection|prevention|partnership|actor)\.[a-z_]+\b", text)
    assert ids == []
    assert "rules@" not in text.split("Appendix" if lang == "en" else "ภาคผนวก")[-2]   # tool names only in the annex


def test_figures_match_the_roster_and_say_which_coder(reports: dict[str, Path]) -> None:
    en, th = _body_text(reports["en"]), _body_text(reports["th"])
    assert "7 in-depth interviews and 13 focus group discussions with 68 respondents" in en
    assert "สัมภาษณ์เชิงลึก 7 ครั้ง และจัดสนทนากลุ่ม 13 ครั้ง" in th
    assert "1180" not in en and "Counts in" not in en
    assert "computer program's sorting of every statement" in en
    shared = re.search(r"on (\d+) statements both coded", en)
    assert shared and int(shared.group(1)) < 500


def test_sessions_count_a_two_person_focus_group_as_a_focus_group() -> None:
    from fivep.model import Respondent
    from fivep.report.build import sessions

    roster = [Respondent("A", "g", {"method": "focus_group", "session_id": "FG-1"}),
              Respondent("B", "g", {"method": "focus_group", "session_id": "FG-1"}),
              Respondent("C", "g", {"method": "interview", "session_id": "II-1"})]
    assert sessions(roster, []) == (1, 1)


def test_each_quote_once_with_its_confirmation(reports: dict[str, Path]) -> None:
    import docx

    for lang in ("en", "th"):
        document = docx.Document(str(reports[lang]))
        quotes = [p.text for p in document.paragraphs if p.style.name == "Quote" and p.text.startswith("“")]
        bodies = [q.split("” —")[0] for q in quotes]
        assert len(bodies) == len(set(bodies))
        confirmed = "confirmed by a human coder" if lang == "en" else "ยืนยันประเด็นแล้ว"
        machine = "not yet checked by a human coder" if lang == "en" else "ยังไม่ได้ตรวจสอบ"
        assert all(confirmed in q or machine in q for q in quotes)
        assert any(confirmed in q for q in quotes)


def test_untranslated_quotes_are_marked_and_translations_are_used(study_dir: Path, reports: dict[str, Path],
                                                                  tmp_path: Path) -> None:
    import csv

    import docx

    path = study_dir / "translations.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    to_en = [r for r in rows if r["target"] == "en"]
    assert len(to_en) >= 10 and all(THAI.search(r["original"]) and not r["translation"] for r in to_en)
    gists = [p.text for p in docx.Document(str(reports["en"])).paragraphs if p.text.startswith("Not yet translated.")]
    assert len(gists) == len({r["segment_id"] for r in to_en})
    # a researcher fills one row; the next report shows it, and the file keeps every row
    rows[rows.index(to_en[0])]["translation"] = "We never had enough interpreters for the children."
    _write_rows(path, rows)
    study = Study.open(study_dir)
    out, _ = write_study_report(study, tmp_path / "again.docx", lang="en")
    study.close()
    text = _body_text(out)
    assert "“We never had enough interpreters for the children.”" in text
    assert "translated from Thai by the research team" in text
    again = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert again[: len(rows)] == rows


def test_recommendations_once_each_with_lead_support_and_priority(reports: dict[str, Path]) -> None:
    import docx

    document = docx.Document(str(reports["en"]))
    heads = [p.text for p in document.paragraphs if re.match(r"R\d+\. ", p.text) and p.style.name == "Normal"]
    assert len(heads) == 17 and len({h.split(". ", 1)[1] for h in heads}) == 17
    text = _body_text(reports["en"])
    assert len(re.findall(r"Lead: [^·]+ · Supporting: ", text)) == 17
    assert len(re.findall(r"Priority: (?:high|medium|low)", text)) >= 17
    for actor in ("Department of Special Investigation (DSI)", "Courts of Justice",
                  "Office of the Attorney General (public prosecutors)", "Ministry of Labour", "Immigration Bureau",
                  "Ministry of Public Health", "Ministry of Education and schools"):
        assert actor in text
    th = _body_text(reports["th"])
    assert "ข้อเสนอแนะเชิงนโยบาย" in th and "หน่วยงานหลัก" in th


def test_priority_comes_from_the_evidence() -> None:
    from fivep.report.actors import priority

    assert priority(20, 3, 2, 68, humans_coded=True) == "high"
    assert priority(20, 3, 0, 68, humans_coded=True) == "medium"     # nothing a human confirmed
    assert priority(20, 3, 0, 68, humans_coded=False) == "high"
    assert priority(7, 1, 0, 68, humans_coded=True) == "medium"
    assert priority(3, 1, 1, 68, humans_coded=True) == "low"
    assert priority(0, 0, 0, 68, humans_coded=True) == "low"


def test_negated_mentions_do_not_count_as_raising() -> None:
    import pandas as pd

    from fivep.analysis.frequencies import FRAME_COLUMNS
    from fivep.coding.codebook import load_codebook
    from fivep.coding.rules import negated_at
    from fivep.model import Respondent
    from fivep.report.evidence import Evidence, Support

    said = "We don't need more shelters, we need interpreters."
    assert negated_at(said, said.index("more shelters") + 5) and not negated_at(said, said.index("interpreters"))
    assert negated_at("ไม่มีล่ามเลย", 3)
    roster = [Respondent("A", "ngo"), Respondent("B", "ngo")]
    rows = [["d", "d:1", "A", "ngo", None, None, None, "protection.government_shelters", "protection",
             "recommendation", said],
            ["d", "d:2", "B", "ngo", None, None, None, "protection.government_shelters", "protection",
             "recommendation", "More government shelters are needed in every province."]]
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    support = Support(negated={("d:1", "protection.government_shelters")})
    evidence = Evidence(frame, roster, load_codebook("5p"), support=support)
    assert evidence.respondents(codes=["protection.government_shelters"]) == {"A", "B"}
    assert evidence.respondents(codes=["protection.government_shelters"], affirmed=True) == {"B"}
    quotes = evidence.quotes(codes=["protection.government_shelters"], kind="recommendation", limit=2)
    assert [q.respondent_id for q in quotes] == ["B"]


def test_unknown_actor_is_refused_with_its_recommendation(tmp_path: Path) -> None:
    from fivep.coding.codebook import load_codebook
    from fivep.errors import InputError
    from fivep.report.actors import load_recommendations

    path = tmp_path / "recommendations.yaml"
    path.write_text("recommendations:\n  - id: x\n    lead: ministry-of-magic\n    codes: [policy.volunteers]\n"
                    "    en: Do it.\n", encoding="utf-8")
    with pytest.raises(InputError, match="recommendation 'x' names unknown actor 'ministry-of-magic'"):
        load_recommendations(path, load_codebook("5p"))
    path.write_text("recommendations:\n  - id: y\n    actors: [actor.justice, court, dsi]\n"
                    "    codes: [prosecution.restitution]\n    en: Do it.\n", encoding="utf-8")
    [rec] = load_recommendations(path, load_codebook("5p"))
    assert (rec.lead, rec.support, rec.type) == ("justice", ("court", "dsi"), "operational")


def _libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_libreoffice() is None, reason="LibreOffice is not installed (Debian libreoffice-writer)")
def test_a_libreoffice_template_and_a_word_template_both_work(study_dir: Path, tmp_path: Path) -> None:
    import docx

    source = tmp_path / "letterhead.txt"
    source.write_text("Foundation letterhead\n", encoding="utf-8")
    subprocess.run([str(_libreoffice()), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True,
                   timeout=300)
    made_by_libreoffice = tmp_path / "letterhead.docx"
    assert "Title" not in {s.name for s in docx.Document(str(made_by_libreoffice)).styles if s.name}  # crashed before
    word = docx.Document()
    word.sections[0].header.paragraphs[0].text = "Word letterhead"
    word_path = tmp_path / "word.docx"
    word.save(str(word_path))
    for template in (made_by_libreoffice, word_path):
        out = tmp_path / f"from_{template.stem}.docx"
        result = CliRunner().invoke(app, ["report", str(study_dir), "--out", str(out), "--lang", "th",
                                          "--template", str(template)])
        assert result.exit_code == 0, result.output
        made = docx.Document(str(out))
        assert {"Title", "Caption", "Quote", "Heading 1"} <= {s.name for s in made.styles if s.name}
        assert any(p.style is not None and p.style.name == "Title" for p in made.paragraphs)
    assert docx.Document(str(tmp_path / "from_word.docx")).sections[0].header.paragraphs[0].text == "Word letterhead"


@pytest.mark.parametrize("name,content", [("notes.txt", b"hello"), ("fake.docx", b"not a zip at all")])
def test_a_template_that_is_not_a_word_document_is_one_clear_line(study_dir: Path, tmp_path: Path, name: str,
                                                                  content: bytes) -> None:
    template = tmp_path / name
    template.write_bytes(content)
    result = CliRunner().invoke(app, ["report", str(study_dir), "--out", str(tmp_path / "r.docx"),
                                      "--template", str(template)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.output + result.stderr
    assert name in lines[0] and ("Word document" in lines[0])


@pytest.mark.skipif(_libreoffice() is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice and poppler-utils (Debian libreoffice-writer poppler-utils)")
def test_rendered_reports_break_no_latin_word_code_or_number(reports: dict[str, Path], tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("render_report", Path(__file__).parents[1] / "tools" / "render_report.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    sys.modules["render_report"] = tool
    spec.loader.exec_module(tool)
    assert tool.split_words("the vict\nims were\nYP-C\nR-05 at 59\n.09", "the victims were YP-CR-05 at 59.09") == \
        ["vict|ims", "YP-C|R-05", "59|.09"]
    rendered = tool.render([reports["en"], reports["th"]], tmp_path, dpi=30, pages=(1, 2))
    for result, lang in zip(rendered, ("en", "th"), strict=True):
        assert len(result.pages) == 2 and result.pages[0].stat().st_size > 1000
        assert tool.page_count(result.pdf) > 20
        text = result.text.read_text(encoding="utf-8")
        source = _body_text(reports[lang])
        assert len(text) > 20000
        assert tool.split_words(text, source) == []


def test_minors_quotes_wait_for_approval_then_appear(study_dir: Path, reports: dict[str, Path], tmp_path: Path) -> None:
    import csv

    path = study_dir / "quote-approvals.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows and all(r["decision"] in ("", "pending") and r["group"] == "victim" for r in rows)
    assert "minor victims" not in re.sub(r"\(.*?\)", "", " ".join(re.findall(r"— R-\d+, [a-z ]+", _body_text(reports["en"]))))
    rows[0]["decision"] = "approve"
    rows[0]["reviewer"] = "researcher"
    _write_rows(path, rows)
    study = Study.open(study_dir)
    out, _ = write_study_report(study, tmp_path / "approved.docx", lang="en")
    study.close()
    assert re.search(r"— R-\d+, minor victims", _body_text(out))
