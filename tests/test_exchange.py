"""REFI-QDA exchange: valid exports, faithful round trips, forgiving imports, hostile files refused."""

from __future__ import annotations

import dataclasses
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fivep import Study
from fivep.cli import app
from fivep.coding.codebook import load_codebook, resolve_codebook_path
from fivep.errors import FivepError
from fivep.exchange import export_codebook, export_study, import_qdc, import_qdpx
from fivep.exchange.qdc import describe_code, parse_description, write_qdc
from fivep.exchange.refi import guid
from fivep.exchange.safety import UnsafeArchiveError


def _refi_dir() -> Path:
    """The REFI-QDA schemas and samples: $FIVEP_REFI_DIR, ../shared/refi next to the repo, or /work/shared/refi."""
    candidates = [Path(os.environ["FIVEP_REFI_DIR"])] if os.environ.get("FIVEP_REFI_DIR") else []
    candidates += [Path(__file__).resolve().parents[2] / "shared" / "refi", Path("/work/shared/refi")]
    return next((c for c in candidates if c.is_dir()), candidates[0])


REFI = _refi_dir()
SAMPLES = REFI / "samples"
runner = CliRunner()


def validate(xml: bytes, schema_name: str) -> None:
    """Validate ``xml`` with the official REFI-QDA schema (lxml)."""
    if not (REFI / schema_name).exists():
        pytest.skip(f"the REFI-QDA schemas are not at {REFI} (they live in ../shared/refi next to the repo)")
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(REFI / schema_name)))
    document = etree.fromstring(xml)
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)


def project_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def codings_key(study: Study, coder: str | None = None) -> list[tuple[Any, ...]]:
    return sorted((c.doc_id, c.segment_id, c.start, c.end, c.code_id, c.coder, c.source)
                  for c in study.store.codings(coder))


def turns_key(document: Any) -> list[Any]:
    return [dataclasses.replace(t, line=None) for t in document.turns]


@pytest.fixture(scope="module")
def coded_sample(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample study, ingested (coder_a, coder_b) and machine-coded (rules@VERSION)."""
    target = tmp_path_factory.mktemp("exchange") / "sample"
    shutil.copytree(sample_dir, target, ignore=shutil.ignore_patterns(".fivep"))
    study = Study.open(target)
    study.ingest()
    study.code()
    study.close()
    return target


@pytest.fixture(scope="module")
def exported(coded_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qdpx") / "sample.qdpx"
    study = Study.open(coded_sample)
    export_study(study, out)
    study.close()
    return out


# --- export -------------------------------------------------------------------------------------


def test_sample_export_is_valid_and_complete(coded_sample: Path, exported: Path) -> None:
    xml = project_xml(exported)
    validate(xml, "Project-mrt2019.xsd")
    study = Study.open(coded_sample)
    with zipfile.ZipFile(exported) as archive:
        sources = [n for n in archive.namelist() if n.startswith("sources/")]
        assert len(sources) == len(study.documents()) == 20
        first = study.documents()[0]
        assert archive.read(f"sources/{guid('source', first.id)}.txt").decode("utf-8") == first.text
    text = xml.decode("utf-8")
    assert text.count("<User ") == 3 and 'name="rules@1.0"' in text
    assert text.count("<Case ") == 68 and "<IntegerValue>34</IntegerValue>" in text
    assert "Label (th): การคุ้มครอง" in text and 'color="#2CA02C"' in text
    study.close()


def test_exports_are_byte_for_byte_stable(coded_sample: Path, exported: Path, tmp_path: Path) -> None:
    study = Study.open(coded_sample)
    again = export_study(study, tmp_path / "again.qdpx")
    study.close()
    assert Path(again.path).read_bytes() == exported.read_bytes()


@pytest.mark.parametrize("lang", ["en", "th"])
def test_codebook_export_is_valid_and_round_trips(tmp_path: Path, lang: str) -> None:
    path, problems = export_codebook("5p", tmp_path / "5p.qdc", lang=lang)
    assert problems == []
    validate(path.read_bytes(), "Codebook-mrt2019.xsd")
    report = import_qdc(path, tmp_path / "back.yaml")
    assert report.codebook_problems == [] and report.codes == 60
    original, back = load_codebook("5p"), load_codebook(tmp_path / "back.yaml")
    assert back.codes == original.codes
    assert (back.name, back.version) == (original.name, original.version)


def test_code_description_carries_every_field() -> None:
    code = load_codebook("5p")["policy.case_indicators"]
    fields, free = parse_description(describe_code(code))
    assert free == ""
    assert fields["keywords_th"] == list(code.keywords_th) and fields["examples"] == list(code.examples)
    assert parse_description("Safe houses for children.\nsecond line")[0] == {}


@pytest.mark.parametrize("format,check", [("csv", "doc_id,segment_id"), ("xlsx", "PK")])
def test_cli_exports_tables(coded_sample: Path, tmp_path: Path, format: str, check: str) -> None:
    out = tmp_path / f"codings.{format}"
    result = runner.invoke(app, ["export", str(coded_sample), "--format", format, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(check.encode())


# --- round trip ---------------------------------------------------------------------------------


def test_round_trip_into_an_empty_study(coded_sample: Path, exported: Path, tmp_path: Path) -> None:
    target = tmp_path / "back"
    result = runner.invoke(app, ["import", str(exported), "--into", str(target)])
    assert result.exit_code == 0, result.output
    a, b = Study.open(coded_sample), Study.open(target)
    docs_a, docs_b = {d.id: d for d in a.documents()}, {d.id: d for d in b.documents()}
    assert docs_a.keys() == docs_b.keys()
    for doc_id, doc in docs_a.items():
        assert docs_b[doc_id].text == doc.text and turns_key(docs_b[doc_id]) == turns_key(doc)
    assert b.codebook().codes == a.codebook().codes
    assert b.store.coders() == a.store.coders() == ["coder_a", "coder_b", "rules@1.0"]
    assert b.store.coder_sources() == a.store.coder_sources()
    assert codings_key(b) == codings_key(a) and len(codings_key(b)) > 3000
    for coder in a.store.coders():
        assert b.store.segment_kinds(coder) == a.store.segment_kinds(coder)
    assert [(r.id, r.group, r.attributes) for r in b.store.respondents()] == \
           [(r.id, r.group, r.attributes) for r in a.store.respondents()]
    # the folder is a study in its own right: ingesting it again gives the same human codings
    b.close()
    b = Study.open(target)
    assert b.ingest().human_codings == {"coder_a": 886, "coder_b": 899}
    for coder in ("coder_a", "coder_b"):
        assert codings_key(b, coder) == codings_key(a, coder)
    a.close()
    b.close()


def test_import_into_the_same_study_changes_nothing(coded_sample: Path, exported: Path, tmp_path: Path) -> None:
    target = tmp_path / "sample"
    shutil.copytree(coded_sample, target)
    before = codings_key(Study.open(coded_sample))
    report = import_qdpx(exported, target)
    assert report.documents == 0 and report.documents_reused == 20
    study = Study.open(target)
    assert codings_key(study) == before
    assert (target / "codings" / "before-import" / "coder_a.csv").exists()
    study.close()


def _as_another_tool_writes_it(exported: Path, out: Path) -> Path:
    """The export as a tool might hand it back: new code GUIDs, no descriptions, coder_b renamed
    coder_c, and one code the coder added."""
    import uuid

    from lxml import etree

    root = etree.fromstring(project_xml(exported))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    fresh = {}
    for code in root.iterfind(".//q:Code", ns):
        fresh[code.get("guid")] = str(uuid.uuid4()).upper()
        code.set("guid", fresh[code.get("guid")])
        for description in code.iterfind("q:Description", ns):
            code.remove(description)
    for ref in root.iterfind(".//q:CodeRef", ns):
        ref.set("targetGUID", fresh[ref.get("targetGUID")])
    for user in root.iterfind(".//q:User", ns):
        if user.get("name") == "coder_b":
            user.set("name", "coder_c")
    added = etree.SubElement(root.find(".//q:Codes/q:Code", ns), "{urn:QDA-XML:project:1.0}Code", guid=str(uuid.uuid4()), name="Added in NVivo",
                             isCodable="true")
    selection = root.find(".//q:PlainTextSelection", ns)
    coding = etree.SubElement(selection, "{urn:QDA-XML:project:1.0}Coding", guid=str(uuid.uuid4()),
                              creatingUser=root.find(".//q:User", ns).get("guid"))
    etree.SubElement(coding, "{urn:QDA-XML:project:1.0}CodeRef", targetGUID=added.get("guid"))
    with zipfile.ZipFile(exported) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, etree.tostring(root) if name == "project.qde" else source.read(name))
    return out


def test_codings_from_another_tool_come_back_by_code_name(coded_sample: Path, exported: Path, tmp_path: Path) -> None:
    target = tmp_path / "sample"
    shutil.copytree(coded_sample, target)
    report = import_qdpx(_as_another_tool_writes_it(exported, tmp_path / "nvivo.qdpx"), target)
    study = Study.open(target)
    coder_b = [(k[0], k[1], k[2], k[3], k[4]) for k in codings_key(study, "coder_b")]
    coder_c = [(k[0], k[1], k[2], k[3], k[4]) for k in codings_key(study, "coder_c")]
    assert coder_c == coder_b and len(coder_c) == 899
    assert study.store.segment_kinds("coder_c") == study.store.segment_kinds("coder_b")
    assert (target / "codings" / "coder_c.csv").exists()
    assert any("1 code(s) not in the study's codebook" in s and "Added in NVivo" in s for s in report.skipped)
    assert any("1 codings of codes that were not imported" in s for s in report.skipped)
    assert list(target.glob("codebook-imported-*.yaml"))
    study.close()


# --- samples from other tools ---------------------------------------------------------------------


@pytest.mark.parametrize("name,codes,codings,sources", [
    ("blank-atlas-project", 0, 0, 0),
    ("target-atlas-project", 3, 0, 0),
    ("nvivo_project", 262, 0, 2),
    ("qualitative-coding_demo", 262, 205, 2),
])
def test_samples_import_with_their_codes(tmp_path: Path, name: str, codes: int, codings: int, sources: int) -> None:
    path = SAMPLES / f"{name}.qdpx"
    if not path.exists():
        pytest.skip(f"REFI-QDA samples not found at {SAMPLES}")
    report = import_qdpx(path, tmp_path / name)
    assert (report.codes, report.codings, report.documents) == (codes, codings, sources)
    study = Study.open(tmp_path / name)
    assert len(study.store.codings()) == codings
    if codes:
        out = export_study(study, tmp_path / "again.qdpx")
        xml = project_xml(Path(out.path))
        validate(xml, "Project-mrt2019.xsd")
        kept = set(_code_guids(xml.decode("utf-8")))
        assert set(_code_guids(project_xml(path).decode("utf-8"))) <= kept, "codes keep the GUIDs they came with"
    study.close()


def _code_guids(xml: str) -> list[str]:
    import re

    return [g.strip("{}").lower() for g in re.findall(r'<Code [^>]*guid="([^"]+)"', xml)]


def test_qc_demo_codings_point_at_the_same_text(tmp_path: Path) -> None:
    path = SAMPLES / "qualitative-coding_demo.qdpx"
    if not path.exists():
        pytest.skip(f"REFI-QDA samples not found at {SAMPLES}")
    import_qdpx(path, tmp_path / "qc")
    study = Study.open(tmp_path / "qc")
    with zipfile.ZipFile(path) as archive:
        board = archive.read("sources/board_2017.txt").decode("utf-8")
    doc = next(d for d in study.documents() if d.id == "board_2017")
    assert doc.text == board
    first = min((c for c in study.store.codings() if c.doc_id == "board_2017"), key=lambda c: c.start)
    assert (first.start, first.end) == (320, 400)
    assert doc.text[first.start:first.end].startswith("This district goal")
    study.close()


# --- variants other tools write -------------------------------------------------------------------

S1 = "Interviewer: what is missing?\r\nR01: we need a shelter now\r\nR02: the police came late"
S2 = "Interviewer: and then?\r\nR02: the police came late\r\nR01: a shelter helps"
VARIANT = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1:0" name="variants" origin="some tool">
  <Users><User guid="{{AAAAAAAA-0000-0000-0000-000000000001}}" name="Nok"/></Users>
  <CodeBook><Codes>
    <Code guid="C0000000-0000-0000-0000-000000000001" name="Protection" isCodable="true">
      <Code guid="C0000000-0000-0000-0000-000000000002" name="Shelter" isCodable="true" color="#123456">
        <Description>Safe houses and shelters.</Description></Code>
      <Code guid="C0000000-0000-0000-0000-000000000003" name="Police" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Cases>
    <Case guid="CA000000-0000-0000-0000-000000000001" name="R01">
      <Variables><Variable guid="VB000000-0000-0000-0000-000000000001" name="age" typeOfVariable="Integer"/></Variables>
      <Variable guid="VA000000-0000-0000-0000-000000000001" name="group" typeOfVariable="Text"><TextValue>ngo</TextValue></Variable>
      <VariableValue><VariableRef targetGUID="VB000000-0000-0000-0000-000000000001"/><IntegerValue>34</IntegerValue></VariableValue>
    </Case>
    <Case guid="CA000000-0000-0000-0000-000000000002" name="R02">
      <VariableValue name="group"><TextValue>government</TextValue></VariableValue>
      <VariableValue name="sex"><TextValue>F</TextValue></VariableValue>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="5A000000-0000-0000-0000-000000000001" name="s1.txt" plainTextPath="internal://s1.txt">
      {s1}
    </TextSource>
    <TextSource guid="5A000000-0000-0000-0000-000000000002" name="s2" plainTextPath="s2.txt">{s2}</TextSource>
    <TextSource guid="5A000000-0000-0000-0000-000000000003" name="memo">
      <PlainTextContent>R01: nothing else to add</PlainTextContent>
      <Coding guid="C1000000-0000-0000-0000-000000000009" creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
        <CodeRef targetGUID="C0000000-0000-0000-0000-000000000003"/></Coding>
    </TextSource>
    <PictureSource guid="5A000000-0000-0000-0000-000000000004" name="map.png" path="internal://map.png"/>
  </Sources>
  <Notes><Note guid="AE000000-0000-0000-0000-000000000001" name="memo"><PlainTextContent>a</PlainTextContent></Note></Notes>
</Project>"""


def _selection(n: int, start: int, end: int, code: int) -> str:
    return (f'<PlainTextSelection guid="5E000000-0000-0000-0000-00000000000{n}" startPosition="{start}" '
            f'endPosition="{end}"><Coding guid="C1000000-0000-0000-0000-00000000000{n}" '
            f'creatingUser="AAAAAAAA-0000-0000-0000-000000000001"><CodeRef '
            f'targetGUID="C0000000-0000-0000-0000-00000000000{code}"/></Coding></PlainTextSelection>')


def _variant(tmp_path: Path) -> Path:
    # s1 counts \r\n as two characters (positions into the file as written), s2 as one
    def two(text: str, word: str) -> tuple[int, int]:
        start = text.index(word)
        return start, start + len(word)

    def one(text: str, word: str) -> tuple[int, int]:
        return two(text.replace("\r\n", "\n"), word)

    s1 = _selection(1, *two(S1, "shelter"), 2) + _selection(2, *two(S1, "police came late"), 3)
    s2 = _selection(3, *one(S2, "police came late"), 3) + _selection(4, *one(S2, "shelter"), 2)
    path = tmp_path / "variants.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", VARIANT.format(s1=s1, s2=s2))
        archive.writestr("sources/.root", "")
        archive.writestr("sources/s1.txt", S1.encode("utf-8"))
        archive.writestr("sources/s2.txt", "\ufeff" + S2)
    return path


def test_variants_are_read(tmp_path: Path) -> None:
    report = import_qdpx(_variant(tmp_path), tmp_path / "study")
    study = Study.open(tmp_path / "study")
    texts = {d.id: d.text for d in study.documents()}
    assert sorted(texts) == ["memo", "s1", "s2"]
    coded = sorted((c.doc_id, texts[c.doc_id][c.start:c.end], c.code_id, c.coder) for c in study.store.codings())
    assert coded == [("memo", "R01: nothing else to add", "protection.police", "Nok"),
                     ("s1", "police came late", "protection.police", "Nok"),
                     ("s1", "shelter", "protection.shelter", "Nok"),
                     ("s2", "police came late", "protection.police", "Nok"),
                     ("s2", "shelter", "protection.shelter", "Nok")]
    assert any("'s1.txt'" in n and "two" in n for n in report.notes)
    assert any("'s2'" in n and "one" in n for n in report.notes)
    roster = {r.id: r for r in study.store.respondents()}
    assert roster["R01"].group == "ngo" and roster["R01"].attributes["age"] == 34
    assert roster["R02"].group == "government" and roster["R02"].attributes["sex"] == "female"
    assert any("PictureSource" in s for s in report.skipped) and any("notes" in s for s in report.skipped)
    s1 = next(d for d in study.documents() if d.id == "s1")
    assert [t.respondent_id for t in s1.turns] == [None, "R01", "R02"], "speaker turns found in another tool's text"
    assert load_codebook_loose(tmp_path / "study" / "codebook.yaml")["protection.shelter"].definition == \
        "Safe houses and shelters."
    study.close()


def test_taguette_codebook_namespace(tmp_path: Path) -> None:
    qdc = tmp_path / "taguette.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1:0"><Codes>'
                   '<Code guid="c0000000-0000-0000-0000-000000000001" name="ที่พักพิง" isCodable="true">'
                   '<Description>shelters</Description></Code></Codes></CodeBook>', encoding="utf-8")
    report = import_qdc(qdc)
    assert report.codes == 1 and Path(report.target).exists()
    data = Path(report.target).read_text(encoding="utf-8")
    assert "label_th: ที่พักพิง" in data and "definition: shelters" in data
    codebook, = [load_codebook_loose(Path(report.target))]
    out = write_qdc(codebook, tmp_path / "again.qdc", source=Path(report.target))
    validate(out.read_bytes(), "Codebook-mrt2019.xsd")
    assert "c0000000-0000-0000-0000-000000000001" in out.read_text(encoding="utf-8")


def load_codebook_loose(path: Path) -> Any:
    from fivep.exchange.qdc import load_any_codebook

    return load_any_codebook(path)[0]


def test_cli_codebook_export_and_import(tmp_path: Path) -> None:
    qdc = tmp_path / "5p.qdc"
    exported = runner.invoke(app, ["codebook", "export", str(resolve_codebook_path("5p")), "--format", "qdc",
                                   "--out", str(qdc)])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(app, ["codebook", "import", str(qdc), "--out", str(tmp_path / "5p.yaml")])
    assert imported.exit_code == 0, imported.output
    assert "60 codes" in imported.stdout
    assert runner.invoke(app, ["codebook", "check", str(tmp_path / "5p.yaml")]).exit_code == 0


# --- hostile files ------------------------------------------------------------------------------

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "lol">'
          + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
          + ']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&j;"/>')
EXTERNAL = ('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&xxe;</Description></Project>')
PLAIN = '<?xml version="1.0"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("members,message", [
    ({"project.qde": LAUGHS}, "entity-expansion bomb"),
    ({"project.qde": EXTERNAL}, "external entity"),
    ({"project.qde": PLAIN, "../evil.txt": "x"}, "outside the archive"),
    ({"project.qde": PLAIN, "/etc/cron.d/evil": "x"}, "absolute path"),
    ({"project.qde": PLAIN, "sources/bomb.txt": b"\0" * (32 * 2**20)}, "zip bomb"),
])
def test_hostile_projects_are_refused(tmp_path: Path, members: dict[str, Any], message: str) -> None:
    path = _zip(tmp_path / "hostile.qdpx", members)
    with pytest.raises(UnsafeArchiveError, match=message):
        import_qdpx(path, tmp_path / "study")
    assert not (tmp_path / "study").exists(), "nothing is written for a refused file"
    result = runner.invoke(app, ["import", str(path), "--into", str(tmp_path / "study")])
    assert result.exit_code == 1 and "refused" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_hostile_codebook_is_refused(tmp_path: Path) -> None:
    qdc = tmp_path / "laughs.qdc"
    qdc.write_text(LAUGHS.replace("Project", "CodeBook"), encoding="utf-8")
    with pytest.raises(UnsafeArchiveError, match="entity-expansion"):
        import_qdc(qdc)


@pytest.mark.parametrize("data,message", [(b"not a zip", "not a readable zip"), (None, "no project.qde")])
def test_broken_projects_give_clear_errors(tmp_path: Path, data: bytes | None, message: str) -> None:
    path = tmp_path / "broken.qdpx"
    if data is None:
        _zip(path, {"readme.txt": "hello"})
    else:
        path.write_bytes(data)
    with pytest.raises(FivepError, match=message):
        import_qdpx(path, tmp_path / "study")


def test_import_refuses_a_folder_that_is_not_a_study(exported: Path, tmp_path: Path) -> None:
    (tmp_path / "holiday-photos").mkdir()
    (tmp_path / "holiday-photos" / "beach.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(FivepError, match="not a study"):
        import_qdpx(exported, tmp_path / "holiday-photos")


def test_importing_the_package_stays_light() -> None:
    import subprocess
    import sys

    code = "import sys, fivep, fivep.exchange; print([m for m in ('lxml', 'openpyxl', 'pandas') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
