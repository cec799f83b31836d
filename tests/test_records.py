"""Files of human work: cells kept as they are, atomic writes, writers in two processes, kill -9 mid-run."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.test_human_work import make_study

from fivep import Study
from fivep.records import Table

SRC = str(Path(__file__).resolve().parents[1] / "src")
CODE = "protection.interpreters"


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run(script: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-c", script, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_a_table_keeps_cells_it_did_not_write(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("\ufeffDocument,Code,Extra\r\nT1,a,keep me\r\nT1,b,x,stray cell\r\n\r\n".encode())
    table = Table.read(path, {"document": "doc_id", "code": "code_id"})
    table.set(table.rows[0], "code_id", "=HYPERLINK(1)")
    table.append({"doc_id": "T2", "memo": "new"})
    table.write()
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffDocument,Code,Extra,memo\r\n")
    assert "T1,'=HYPERLINK(1),keep me\r\nT1,b,x,stray cell\r\n\r\nT2,,,new\r\n" in text
    again = Table.read(path, {"document": "doc_id", "code": "code_id"})
    assert again.get(again.rows[0], "code_id") == "=HYPERLINK(1)"
    assert not list(tmp_path.glob(".*tmp"))


WRITER = """
import sys
from fivep import Study
study = Study.open(sys.argv[1])
for sid in sys.argv[2:]:
    study.add_coding(sid, "protection.interpreters", "ann", memo="from " + sys.argv[2])
"""


def test_two_processes_coding_at_once_lose_nothing(tmp_path: Path) -> None:
    root = make_study(tmp_path / "study", [f"R{1 + n % 2}: ข้อความที่ {n} เรื่องล่ามภาษาพม่า" for n in range(16)])
    study = Study.open(root)
    study.ingest()
    ids = [s.id for s in study.segments()]
    study.close()
    procs = [run(WRITER, str(root), *ids[0::2]), run(WRITER, str(root), *ids[1::2])]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    rows = read_rows(root / "codings" / "ann.csv")
    assert sorted(r["segment_id"] for r in rows) == sorted(ids)
    study = Study.open(root)
    assert sorted(study.codings("ann")["segment_id"]) == sorted(ids)
    study.close()


LOOP = """
import sys
from fivep import Study
study = Study.open(sys.argv[1])
ids = [s.id for s in study.segments()]
print("ready", flush=True)
n = 0
while True:
    sid = ids[n % len(ids)]
    if n // len(ids) % 2 == 0:
        study.add_coding(sid, "protection.interpreters", "ann")
    else:
        study.remove_coding(sid, "protection.interpreters", "ann")
    n += 1
"""


def test_kill_9_while_coding_leaves_whole_files_and_a_store_that_rebuilds(tmp_path: Path) -> None:
    root = make_study(tmp_path / "study", [f"R1: ข้อความที่ {n} เรื่องล่าม" for n in range(12)])
    study = Study.open(root)
    study.ingest()
    study.close()
    path = root / "codings" / "ann.csv"
    proc = run(LOOP, str(root))
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    while not path.exists() or len(read_rows(path)) < 5:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    rows = read_rows(path)
    assert rows and all(r["quote"] and r["code_id"] == CODE for r in rows)
    study = Study.open(root)
    report = study.ingest()
    assert report.orphans == []
    assert sorted(study.codings("ann")["quote"]) == sorted(r["quote"] for r in rows)
    study.close()


def test_a_coding_on_a_very_long_statement_reads_back(tmp_path: Path) -> None:
    long = "ข้อความยาวมาก " * 20_000                       # 280,000 characters: over csv's 128 KB cell limit
    root = make_study(tmp_path / "study", [f"R1: {long.strip()}", "R2: ครับ"])
    study = Study.open(root)
    study.ingest()
    sid = study.segments()[0].id
    study.add_coding(sid, CODE, "ann")
    study.close()
    again = Study.open(root)
    again.ingest()
    assert len(again.codings("ann").loc[0, "quote"]) == len(long.strip())
    again.close()



def test_a_file_held_by_another_program_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from fivep.errors import InputError

    root = make_study(tmp_path / "study", ["R1: บ้านพักเต็มตลอด เด็กต้องรอหลายวัน"])
    study = Study.open(root)
    study.ingest()
    sid = study.segments()[0].id
    study.add_coding(sid, CODE, "ann")
    before = (root / "codings" / "ann.csv").read_bytes()

    def locked_by_excel(src: str, dst: str) -> None:
        raise PermissionError(13, "The process cannot access the file", dst)

    monkeypatch.setattr(os, "replace", locked_by_excel)
    with pytest.raises(InputError, match="open in another program"):
        study.add_coding(sid, "protection.government_shelters", "ann")
    assert (root / "codings" / "ann.csv").read_bytes() == before
    assert not list((root / "codings").glob(".*.tmp"))
    assert list(study.codings("ann")["code_id"]) == [CODE]         # the store did not move ahead of the file
    study.close()
