"""The workbench driven without a browser: the session and review models, and the widgets' handlers.

Every decision must reach the study's files (codings/CODER.csv, suggestions.csv, memos.csv) at once
and come back after the store is deleted and the study ingested again.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from fivep import Study
from fivep.errors import FivepError, InputError
from fivep.workbench import CodingSession, ReviewQueue
from fivep.workbench.review import suggest_from_rules

DOC = "FG-CM-NGO"


@pytest.fixture(scope="module")
def coded_template(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    """The sample, ingested and machine-coded once for this module (each test works on a copy of it).
    Its own copy: the session-wide ingested sample may hold suggestions other test modules stored."""
    target = tmp_path_factory.mktemp("workbench") / "sample"
    shutil.copytree(sample_dir, target, ignore=shutil.ignore_patterns(".fivep"))
    study = Study.open(target)
    study.ingest()
    study.code()
    study.close()
    return target


@pytest.fixture()
def study(coded_template: Path, tmp_path: Path) -> Study:
    target = tmp_path / "sample"
    shutil.copytree(coded_template, target)
    opened = Study.open(target)
    yield opened
    opened.close()


@pytest.fixture()
def session(study: Study) -> CodingSession:
    session = CodingSession(study, "ploy")
    session.open(DOC)
    return session


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def statement(session: CodingSession, n: int = 1):  # type: ignore[no-untyped-def]
    """The n-th respondent statement of the open document."""
    return session.document_segments()[n]


# --- reading -------------------------------------------------------------------------------------


def test_transcript_shows_turns_by_pseudonymous_code_and_group(session: CodingSession) -> None:
    html = session.transcript_html()
    document = session.documents[DOC]
    respondents = {t.respondent_id for t in document.turns if t.respondent_id}
    assert respondents and all(f"<b>{r}</b>" in html for r in respondents)
    assert all(session.groups[r] in html for r in respondents)
    assert html.count('class="fv-turn') == len(document.turns)
    # interviewer turns are shown but cannot be selected for coding
    interviewer = [t for t in document.turns if t.role == "interviewer"]
    assert interviewer and html.count("fv-interviewer") == len(interviewer)
    assert html.count("data-segment=") == len(session.document_segments())


def test_transcript_has_coding_stripes_and_marks_the_machines_evidence(session: CodingSession) -> None:
    frame = session.codings()
    machine = frame[(frame["doc_id"] == DOC) & (frame["source"] == "rule")].iloc[0]
    segment = session.segments[machine["segment_id"]]
    html = session.statement_html(segment)
    word = machine["evidence"].split(" … ")[0]
    assert f'title="{machine["code_id"]}: {word}">' in html and "fv-machine" in html
    assert f"{session.label(machine['code_id'])}" in html


def test_stripes_show_every_coder_people_or_mine(session: CodingSession) -> None:
    segment = statement(session)
    session.select(segment.id)
    session.code("partnership")
    machine = set(session.segment_codings(segment.id).query("source == 'rule'")["code_id"])
    assert machine, "the sample's first statement of FG-CM-NGO has machine codes"
    html = session.statement_html(segment)
    assert "fv-machine" in html and "· ploy" in html
    session.stripes = "people"
    html = session.statement_html(segment)
    assert "fv-machine" not in html and "rules@" not in html and "· ploy" in html
    session.stripes = "mine"
    others = set(session.segment_codings(segment.id)["coder"]) - {"ploy"}
    html = session.statement_html(segment)
    assert "· ploy" in html and not any(f"· {c}<" in html for c in others)


def test_codebook_tree_indents_children_and_filters(session: CodingSession) -> None:
    tree = session.codebook_tree()
    assert [code for _, code in tree].count("protection") == 1
    labels = {code: label for label, code in tree}
    assert labels["protection.interpreters"].startswith("\u2003") and not labels["protection"].startswith("\u2003")
    found = session.codebook_tree("interpreter")
    assert [code for _, code in found] == ["protection", "protection.interpreters"]


# --- coding by hand ------------------------------------------------------------------------------


def test_code_a_statement_by_hand_writes_the_coder_file_at_once(session: CodingSession, study: Study) -> None:
    segment = statement(session)
    session.select(segment.id)
    session.code("protection.interpreters")
    written = rows(study.root / "codings" / "ploy.csv")
    assert [(r["segment_id"], r["code_id"], r["quote"]) for r in written] == \
        [(segment.id, "protection.interpreters", segment.text)]
    assert session.my_codes(segment.id) == ["protection.interpreters"]
    assert "· ploy" in session.statement_html(segment)


def test_code_a_selected_span_keeps_its_text_and_marks_it(session: CodingSession, study: Study) -> None:
    segment = statement(session, 2)
    session.select(segment.id, 3, 15)
    assert session.selection is not None and not session.selection.whole
    session.code("protection.ngo_shelters")
    coded = study.codings("ploy").iloc[0]
    assert (coded["start"], coded["end"]) == (segment.start + 3, segment.start + 15)
    assert coded["quote"] == segment.text[3:15]
    assert f'<mark class="fv-span" title="protection.ngo_shelters · ploy">{segment.text[3:15]}</mark>' in \
        session.statement_html(segment)


def test_a_span_outside_the_statement_is_refused(session: CodingSession) -> None:
    segment = statement(session)
    with pytest.raises(InputError, match="outside statement"):
        session.select(segment.id, 0, len(segment.text) + 5)


def test_uncode_and_kind(session: CodingSession, study: Study) -> None:
    segment = statement(session)
    session.select(segment.id)
    session.code("protection.interpreters")
    session.code("partnership")
    session.uncode("protection.interpreters")
    session.set_kind("obstacle")
    assert session.my_codes(segment.id) == ["partnership"]
    assert session.kinds(segment.id)["ploy"] == "obstacle"
    assert 'title="ploy">obstacle</span>' in session.statement_html(segment)
    with pytest.raises(InputError, match="unknown kind"):
        session.set_kind("complaint")


def test_coding_needs_a_selection_and_a_known_code(session: CodingSession) -> None:
    with pytest.raises(InputError, match="select a statement"):
        session.code("partnership")
    session.select(statement(session).id)
    with pytest.raises(InputError, match="not a code"):
        session.code("partnership.nonexistent")


def test_memos_on_statement_document_and_code(session: CodingSession, study: Study) -> None:
    segment = statement(session)
    session.select(segment.id)
    session.memo("sounds like the shelter in CM", target="statement")
    session.memo("noisy recording", target="document")
    session.memo("merge with ngo_shelters?", target="code", code_id="protection.government_shelters")
    memos = study.memos()
    assert sorted(zip(memos["target_kind"], memos["target_id"], strict=True)) == sorted(
        [("statement", segment.id), ("document", DOC), ("code", "protection.government_shelters")])
    assert set(memos["author"]) == {"ploy"}
    assert (study.root / "memos.csv").exists()
    with pytest.raises(InputError, match="empty"):
        session.memo("   ")


def test_hand_decisions_survive_deleting_the_store(session: CodingSession, study: Study) -> None:
    segment = statement(session)
    session.select(segment.id)
    session.code("protection.interpreters", kind="recommendation")
    session.memo("keep", target="statement")
    study.close()
    shutil.rmtree(study.root / ".fivep")
    again = Study.open(study.root)
    again.ingest()
    back = CodingSession(again, "ploy")
    assert back.my_codes(segment.id) == ["protection.interpreters"]
    assert back.kinds(segment.id) == {"ploy": "recommendation"}
    assert list(back.memos("statement", segment.id)["text"]) == ["keep"]
    again.close()


# --- reviewing suggestions -------------------------------------------------------------------------


@pytest.fixture()
def queue(session: CodingSession, study: Study) -> ReviewQueue:
    suggest_from_rules(study)
    return ReviewQueue(session, documents=[DOC])


def test_suggestions_come_one_at_a_time_with_their_evidence(queue: ReviewQueue) -> None:
    first = queue.current
    assert first is not None and first.doc_id == DOC and first.evidence
    card = queue.card_html()
    assert f'data-suggestion="{first.id}"' in card
    assert f"«{first.evidence[0]}»" in card and 'class="fv-evidence"' in card
    total = queue.remaining
    assert queue.skip() == first and queue.current != first and queue.remaining == total


def test_accept_reject_change_and_undo(queue: ReviewQueue, study: Study) -> None:
    total = queue.remaining
    accepted = queue.accept()
    rejected = queue.reject()
    assert queue.current is not None
    # a code the machine did not also suggest for this statement (else coding it settles that suggestion too)
    suggested = {p.code_id for p in queue._queue if p.segment_id == queue.current.segment_id}
    other = next(c for c in ("partnership", "prevention", "policy", "prosecution", "protection") if c not in suggested)
    changed = queue.change(other)
    assert queue.remaining == total - 3
    mine = study.codings("ploy")
    assert sorted(zip(mine["segment_id"], mine["code_id"], strict=True)) == sorted(
        [(accepted.segment_id, accepted.code_id), (changed.segment_id, other)])
    decisions = {(r["segment_id"], r["code_id"]): r["status"] for r in rows(study.root / "suggestions.csv")}
    assert decisions[(accepted.segment_id, accepted.code_id)] == "accepted"
    assert decisions[(rejected.segment_id, rejected.code_id)] == "rejected"
    assert decisions[(changed.segment_id, changed.code_id)] == "rejected"
    # decided suggestions are not proposed again
    fresh = ReviewQueue(queue.session, documents=[DOC])
    assert fresh.remaining == total - 3
    assert {p.id for p in fresh._queue}.isdisjoint({accepted.id, rejected.id, changed.id})
    # undo takes back the change: the suggestion is next again and the changed code is gone
    assert queue.undo() == changed and queue.current == changed
    assert other not in queue.session.my_codes(changed.segment_id)
    with pytest.raises(InputError, match="not a code"):
        queue.change("no.such.code")


def test_review_order_by_uncertainty(session: CodingSession, study: Study) -> None:
    suggest_from_rules(study)
    scores = [p.score for p in ReviewQueue(session, order="uncertain")._queue]
    distance = [abs(s - 0.5) for s in scores]
    assert distance == sorted(distance)
    with pytest.raises(InputError, match="unknown order"):
        ReviewQueue(session, order="random")


def test_an_empty_queue_says_so(session: CodingSession) -> None:
    queue = ReviewQueue(session, models=["nobody"])
    assert queue.current is None and "Nothing left to review" in queue.card_html()
    with pytest.raises(InputError, match="nothing left"):
        queue.accept()


# --- retrieval and disagreements ------------------------------------------------------------------


def test_retrieve_coded_statements_from_a_group_with_context(session: CodingSession) -> None:
    from fivep.workbench.retrieval import retrieval_html, retrieve

    frame = retrieve(session, dimension="protection", group="ngo", coder="coder_a", context=1)
    assert len(frame) > 0 and set(frame["group"]) == {"ngo"} and set(frame["dimension"]) == {"protection"}
    html = retrieval_html(session, frame)
    first = frame.iloc[0]
    assert f"{len(frame)} statement(s)" in html and first["segment_id"] in html
    assert html.count('class="fv-context"') >= len(frame)


def test_disagreements_show_what_only_each_coder_gave(session: CodingSession, study: Study) -> None:
    from fivep.workbench.retrieval import disagreements_html

    frame = study.disagreements("coder_a", "coder_b")
    html = disagreements_html(session, frame, "coder_a", "coder_b")
    row = frame[frame["only_a"].map(len) > 0].iloc[0]
    assert f"{len(frame)} statement(s) coded differently" in html
    assert session.label(row["only_a"][0]) in html and row["segment_id"] in html


# --- codebook edits -----------------------------------------------------------------------------------


def test_create_rename_merge_codes_in_the_study_folder(session: CodingSession, study: Study) -> None:
    toml_before = (study.root / "study.toml").read_text(encoding="utf-8")
    session.create_code("protection.school_return", "protection", "Return to school", "การกลับไปเรียน",
                        parent="protection", keywords=["โรงเรียนภาคค่ำ", "night school"])
    assert (study.root / "codebook.yaml").exists()
    toml = (study.root / "study.toml").read_text(encoding="utf-8")
    assert 'codebook = "codebook.yaml"' in toml and "# A fictional sample study" in toml
    assert toml.replace('codebook = "codebook.yaml"', 'codebook = "5p"') == toml_before
    assert "protection.school_return" in [c for _, c in session.codebook_tree()]
    segment = statement(session)
    session.select(segment.id)
    session.code("protection.school_return")
    assert session.rename_code("protection.school_return", "protection.education") == 1
    assert session.my_codes(segment.id) == ["protection.education"]
    assert "protection.school_return" not in study.codebook()
    assert session.merge_codes("protection.education", into="protection.reintegration") == 1
    assert session.my_codes(segment.id) == ["protection.reintegration"]
    merged = study.codebook()["protection.reintegration"]
    assert "โรงเรียนภาคค่ำ" in merged.keywords_th and "night school" in merged.keywords_en
    assert "protection.education" not in study.codebook()


def test_a_bad_codebook_edit_is_refused_and_changes_nothing(study: Study) -> None:
    from fivep.coding.codebook_edit import create_code

    toml = (study.root / "study.toml").read_text(encoding="utf-8")
    with pytest.raises(FivepError, match="also a keyword"):   # a keyword another code owns
        create_code(study, "protection.school_again", "protection", "Again", parent="protection",
                    keywords_en=["back to school"])
    assert not (study.root / "codebook.yaml").exists()      # the built-in codebook was not copied
    assert (study.root / "study.toml").read_text(encoding="utf-8") == toml
    create_code(study, "protection.school_return", "protection", "Return to school", parent="protection",
                keywords_en=["night school"])
    before = (study.root / "codebook.yaml").read_text(encoding="utf-8")
    with pytest.raises(FivepError, match="also a keyword"):
        create_code(study, "protection.school_again", "protection", "Again", parent="protection",
                    keywords_en=["night school"])
    with pytest.raises(FivepError, match="dotted lower-case"):
        create_code(study, "Protection School", "protection", "x")
    assert (study.root / "codebook.yaml").read_text(encoding="utf-8") == before


# --- the widgets, without a browser -------------------------------------------------------------------


def button(widget, css: str):  # type: ignore[no-untyped-def]
    """The widget with DOM class ``css`` inside ``widget`` (what a browser test would click)."""
    if css in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = button(child, css)
        if found is not None:
            return found
    return None


def test_workbench_widgets_code_review_and_memo(study: Study) -> None:
    pytest.importorskip("anywidget")
    from fivep.workbench import Workbench

    bench = Workbench(study, "ploy", document=DOC)
    segment = bench.session.document_segments()[1]
    bench.view.selected = {"segment_id": segment.id, "start": None, "end": None}
    assert segment.id in bench.selection.value
    bench.tree.value = "protection.interpreters"
    button(bench.widget, "fv-code-button").click()
    assert bench.session.my_codes(segment.id) == ["protection.interpreters"]
    assert "· ploy" in bench.view.html and "coded protection.interpreters" in bench.status.value
    bench.memo_text.value = "check with the team"
    button(bench.widget, "fv-memo-button").click()
    assert list(study.memos("statement", segment.id)["text"]) == ["check with the team"]
    button(bench.widget, "fv-kind-obstacle").click()
    assert bench.session.kinds(segment.id)["ploy"] == "obstacle" and "kind: obstacle" in bench.status.value
    # a code created in the Codebook tab is in the tree at once
    bench.c_id.value, bench.c_label_en.value = "protection.night_school", "Night school"
    bench.c_dimension.value, bench.c_parent.value, bench.c_keywords.value = "protection", "protection", "night school"
    button(bench.widget, "fv-create").click()
    assert "created protection.night_school" in bench.status.value
    assert "protection.night_school" in [code for _, code in bench.tree.options]
    # an error is shown in the status line, not raised
    bench.tree.value = None
    button(bench.widget, "fv-code-button").click()
    assert "pick a code" in bench.status.value
    # review by key: the card sends the key, the decision is written
    suggest_from_rules(study)
    bench.tabs.selected_index = 1
    first = bench.queue.current
    bench.card.pressed = {"key": "a", "n": 1}
    assert (first.segment_id, first.code_id) in set(
        zip(study.codings("ploy")["segment_id"], study.codings("ploy")["code_id"], strict=True))
    bench._key("u")
    assert bench.queue.current == first


def test_a_widget_callback_on_another_thread_can_write(session: CodingSession, study: Study) -> None:
    """Jupyter runs widget callbacks on another thread than the cell that opened the study (the key
    press in the browser failed with SQLite's same-thread check before the store allowed it)."""
    import threading

    segment = statement(session)
    errors: list[BaseException] = []

    def press() -> None:
        try:
            session.select(segment.id)
            session.code("protection.interpreters")
        except BaseException as error:   # noqa: BLE001 - handed to the test thread
            errors.append(error)

    worker = threading.Thread(target=press)
    worker.start()
    worker.join()
    assert errors == [] and session.my_codes(segment.id) == ["protection.interpreters"]
