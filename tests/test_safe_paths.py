"""fivep writes only inside the folder the user named, and never over files it did not write."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivep import Study
from fivep.errors import FivepError
from fivep.outputs import child, file_names

STATEMENT = "R1: เด็กต้องการที่พักพิงและการคุ้มครองจากเจ้าหน้าที่ พม. ทันที\n"


def tiny_study(root: Path, ids: dict[str, str]) -> Path:
    """A study of a few short transcripts: file stem -> front-matter id."""
    (root / "transcripts").mkdir(parents=True)
    (root / "study.toml").write_text('title = "tiny"\nroster = "respondents.csv"\ntranscripts = "transcripts"\n'
                                     'codebook = "5p"\n', encoding="utf-8")
    (root / "respondents.csv").write_text("respondent_id,group\nR1,ngo\n", encoding="utf-8")
    for stem, doc_id in ids.items():
        (root / "transcripts" / f"{stem}.txt").write_text(
            f"---\nid: '{doc_id}'\n---\nI: เล่าให้ฟังหน่อยครับ\n{STATEMENT}", encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and ".fivep" not in p.parts}


# --- file names from ids ---------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(st.text(alphabet=st.sampled_from(["a", "B", "b", ".", "/", "\\", ":", " ", "ก", "_", "-", "\0"]),
                            max_size=10), max_size=8))
def test_any_ids_give_distinct_names_inside_the_folder(tmp_path: Path, ids: list[str]) -> None:
    names = file_names(ids)
    assert set(names) == set(ids)
    assert len({n.casefold() for n in names.values()}) == len(names)
    for name in names.values():
        path = child(tmp_path, f"{name}.txt")
        assert path.parent == tmp_path and ".." not in path.parts


@pytest.mark.parametrize("name", ["../x.txt", "/etc/passwd", "a/b.txt", "..", ""])
def test_child_refuses_a_path_outside(tmp_path: Path, name: str) -> None:
    with pytest.raises(FivepError, match="outside"):
        child(tmp_path, name)


# --- deidentify ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("doc_id", ["../../transcripts/A", "../../../X", "/tmp/abs", "..", "con"])
def test_deidentify_never_writes_where_an_id_points(tmp_path: Path, doc_id: str) -> None:
    from fivep.privacy.deidentify import deidentify_study

    study = tiny_study(tmp_path / "study", {"A": "A", "B": doc_id})
    before = snapshot(tmp_path)
    result = deidentify_study(study)
    after = snapshot(tmp_path)
    new = {k for k in after if k not in before}
    assert all(k.startswith("study/deidentified/") for k in new), new
    assert {k: after[k] for k in before} == before            # nothing that was there changed
    written = sorted(p.name for p in (result.out / "transcripts").iterdir())
    # the copy names transcripts by their codes (T-01), never by an id
    assert len(written) == 2 and all(re.fullmatch(r"T-\d+\.txt", name) for name in written)
    reopened = Study.open(result.out)
    report = reopened.ingest()
    assert report.documents == 2 and {d.id for d in reopened.documents()} == {name[:-4] for name in written}
    reopened.close()


def test_deidentify_out_into_another_study_is_refused(tmp_path: Path) -> None:
    from fivep.privacy.deidentify import deidentify_study

    source = tiny_study(tmp_path / "a", {"A": "A"})
    other = tiny_study(tmp_path / "b", {"B1": "B1", "B2": "B2"})
    kept = snapshot(other)
    with pytest.raises(FivepError, match="another study"):
        deidentify_study(source, other)
    assert snapshot(other) == kept
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("my notes", encoding="utf-8")
    with pytest.raises(FivepError, match="not empty"):
        deidentify_study(source, tmp_path / "mine")
    result = deidentify_study(source, other, force=True)      # asked for: B's transcripts are still there
    assert {"B1.txt", "B2.txt", "T-01.txt"} <= {p.name for p in (other / "transcripts").iterdir()}
    assert (other / "transcripts" / "B1.txt").read_bytes() == kept["transcripts/B1.txt"]
    assert result.documents == 1


def test_deidentify_may_write_again_where_it_wrote_and_removes_only_its_own_files(tmp_path: Path) -> None:
    from fivep.privacy.deidentify import deidentify_study

    source = tiny_study(tmp_path / "a", {"A": "A", "C": "C"})
    out = tmp_path / "out"
    deidentify_study(source, out)
    (out / "transcripts" / "mine.txt").write_text("a file of my own", encoding="utf-8")
    (source / "transcripts" / "C.txt").unlink()
    study = Study.open(source)
    study.ingest()
    deidentify_study(study, out)
    from fivep.privacy.codes import document_codes

    code = document_codes(study)["A"]    # the copy names A by its code; C's file, its own, is gone
    study.close()
    assert sorted(p.name for p in (out / "transcripts").iterdir()) == sorted([f"{code}.txt", "mine.txt"])


def test_cli_deidentify_refuses_without_force(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from fivep.cli import app

    source = tiny_study(tmp_path / "a", {"A": "A"})
    other = tiny_study(tmp_path / "b", {"B1": "B1"})
    result = CliRunner().invoke(app, ["deidentify", str(source), "--out", str(other)])
    assert result.exit_code == 1 and "--force" in result.output and "Traceback" not in result.output


# --- import ----------------------------------------------------------------------------------------------------

G = "{:08x}-0000-4000-8000-000000000000".format


def qdpx(path: Path, sources: list[tuple[int, str, str, list[tuple[int, int, int]]]],
         users: dict[int, str]) -> Path:
    """A project: sources (GUID number, name, text, codings as (start, end, user)); one code, 'Shelter'."""
    xml_sources = []
    members = {}
    for number, name, text, codings in sources:
        selections = "".join(
            f'<PlainTextSelection guid="{G(1000 + i + 100 * number)}" startPosition="{s}" endPosition="{e}" '
            f'creatingUser="{G(u)}"><Coding guid="{G(5000 + i + 100 * number)}" creatingUser="{G(u)}">'
            f'<CodeRef targetGUID="{G(900)}"/></Coding></PlainTextSelection>' for i, (s, e, u) in enumerate(codings))
        member = f"{name}-{len(members)}.txt"
        members[f"sources/{member}"] = text
        xml_sources.append(f'<TextSource guid="{G(number)}" name="{name}" plainTextPath="internal://{member}">'
                           f"{selections}</TextSource>")
    xml_users = "".join(f'<User guid="{G(k)}" name="{v}"/>' for k, v in users.items())
    project = (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="p" '
               f'origin="test"><Users>{xml_users}</Users><CodeBook><Codes><Code guid="{G(900)}" name="Shelter" '
               f'isCodable="true"/></Codes></CodeBook><Sources>{"".join(xml_sources)}</Sources></Project>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project)
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def test_import_never_overwrites_a_transcript_it_has_not_ingested(tmp_path: Path) -> None:
    from fivep.exchange import import_qdpx

    study = tiny_study(tmp_path / "s", {"X": "X"})
    Study.open(study).ingest()
    (study / "transcripts" / "X.txt").rename(study / "transcripts" / "A.txt")   # renamed, not ingested again
    (study / "transcripts" / "New.txt").write_text("---\nid: New\n---\n" + STATEMENT, encoding="utf-8")  # not yet
    kept = snapshot(study / "transcripts")
    report = import_qdpx(qdpx(tmp_path / "p.qdpx", [(1, "A", STATEMENT, [(4, 10, 1)]),
                                                   (2, "New", STATEMENT, [])], {1: "ann"}), study)
    after = snapshot(study / "transcripts")
    assert {k: after[k] for k in kept} == kept
    assert {"A-2.txt", "New-2.txt"} <= set(after)
    assert any("new id" in note and "A as A-2" in note for note in report.notes)


def test_duplicate_source_guids_are_refused_not_mixed(tmp_path: Path) -> None:
    from fivep.exchange import import_qdpx

    text_b = "I: อีกเรื่องหนึ่ง\n" + STATEMENT
    report = import_qdpx(qdpx(tmp_path / "p.qdpx", [(1, "A", STATEMENT, [(4, 10, 1)]),
                                                   (1, "B", text_b, [(0, 2, 1), (3, 8, 1)])], {1: "ann"}),
                         tmp_path / "new")
    assert any("'B' and its 2 coding(s)" in s and "also that of source 'A'" in s for s in report.skipped)
    study = Study.open(tmp_path / "new")
    codings = study.store.codings("ann")
    assert [(c.doc_id, c.start, c.end) for c in codings] == [("A", 4, 10)]
    assert [d.id for d in study.documents()] == ["A"]
    study.close()


def test_users_whose_names_give_one_file_name_are_both_kept(tmp_path: Path) -> None:
    from fivep.exchange import import_qdpx

    report = import_qdpx(qdpx(tmp_path / "p.qdpx", [(1, "A", STATEMENT, [(4, 10, 1), (11, 20, 2)])],
                              {1: "Ann Lee", 2: "Ann/Lee"}), tmp_path / "new")
    assert report.coders == {"Ann Lee": 1, "Ann/Lee (2)": 1}
    files = sorted(p.name for p in (tmp_path / "new" / "codings").glob("*.csv"))
    assert files == ["Ann_Lee.csv", "Ann_Lee_2.csv"]
    assert any("new coder name" in n for n in report.notes)
