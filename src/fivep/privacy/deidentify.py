"""De-identify a whole study: transcripts, turns, segments and codings, with consistent pseudonyms.

:func:`deidentify_study` writes, into the output folder (default ``STUDY/deidentified/``), a study
folder that fivep can open: ``transcripts/*.txt`` (the normalised text of every document, de-identified,
with front matter), ``respondents.csv``, ``study.toml`` and a store (``.fivep/fivep.sqlite``) holding the
de-identified corpus and every coding of the original study with its offsets remapped. Respondents
appear under their pseudonymous codes (:func:`fivep.privacy.codes.respondent_codes`), not their roster ids,
and transcripts under theirs (``T-04``, :func:`fivep.privacy.codes.document_codes`: file names, document
and statement ids, codings, a roster's or front matter's ``session_id``), not ids that name a province
and a group (``II-CM-YP-05``): the same codes the outputs of ``fivep run`` print.

The review file and the key file hold the identifiers in clear and go to ``STUDY/.fivep/private/``,
never into the output folder.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from fivep.cells import safe_writer
from fivep.errors import InputError
from fivep.model import Coding, Document, Evidence, Respondent, Segment, Turn
from fivep.outputs import child, claim_folder, file_names, record_folder
from fivep.privacy.codes import PublicIds, respondent_codes
from fivep.privacy.pseudonyms import KeyEntry, Pseudonymizer
from fivep.privacy.redact import Redaction, redact
from fivep.privacy.review import Detection, context, read_review, write_key, write_review
from fivep.privacy.spans import Span

PRIVATE_DIR = ".fivep/private"
KEY_NAME = "deid-key.csv"
REVIEW_NAME = "deid-review.csv"
DEFAULT_OUT = "deidentified"
ROSTER_ID = "roster-id"   # the rule of a span that is a roster id (replaced by its code, never reviewed)
_KNOWN_ATTRIBUTES = ("sector", "sex", "age", "age_band", "province", "years_experience", "method", "session_id")


@dataclass(frozen=True)
class DeidentifyResult:
    """What :func:`deidentify_study` wrote."""

    out: Path
    documents: int
    detections: int
    replaced: int
    codings: int
    review: Path
    key: Path
    files: tuple[Path, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())   # how the roster was generalised, for the user to read


def _label_regions(doc: Document) -> list[tuple[int, int]]:
    """Where each turn's speaker label stands in the text (``LABEL: `` just before the turn)."""
    regions = []
    for turn in doc.turns:
        end = turn.start - 2
        start = end - len(turn.speaker)
        if start >= 0 and doc.text[start:end] == turn.speaker:
            regions.append((start, end))
    return regions


def _detections(doc: Document, found: list[Span]) -> list[Detection]:
    out = []
    for span in found:
        before, after = context(doc.text, span.start, span.end)
        out.append(Detection(doc.id, span.start, span.end, span.type, span.text, before, after, span.rule))
    return out


def _add_rows(doc: Document, rows: list[Detection], taken: list[Detection]) -> list[Detection]:
    """Occurrences of the texts of ``add`` rows in ``doc`` that no other row covers."""
    extra: list[Detection] = []
    for row in rows:
        if row.doc_id not in ("*", doc.id):
            continue
        position = doc.text.find(row.text)
        while position >= 0:
            end = position + len(row.text)
            if not any(t.start < end and position < t.end for t in taken + extra):
                before, after = context(doc.text, position, end)
                extra.append(Detection(doc.id, position, end, row.type, row.text, before, after, "review.add",
                                       decision="edit" if row.replacement else "accept",
                                       replacement=row.replacement))
            position = doc.text.find(row.text, end)
    return extra


@lru_cache(maxsize=4)
def _roster_automaton(ids: tuple[str, ...]) -> Any:
    """An Aho-Corasick automaton of the roster and transcript ids of 3 characters or more with a digit, or
    5 or more with a hyphen (a corpus may have thousands of respondents: one scan of the text finds them
    all), or None."""
    usable = [i for i in ids if len(i) >= 3 and any(c.isdigit() for c in i) or len(i) >= 5 and "-" in i]
    if not usable:
        return None
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for rid in usable:
        automaton.add_word(rid, rid)
    automaton.make_automaton()
    return automaton


def _roster_ids_in(text: str, codes: dict[str, str]) -> list[tuple[int, int]]:
    """Where roster ids (see :func:`_roster_automaton`) stand in ``text`` as tokens of their own."""
    automaton = _roster_automaton(tuple(sorted(codes)))
    if automaton is None:
        return []

    def joined(char: str) -> bool:   # a Latin letter, digit, _ or - would make it part of a longer id
        return (char.isascii() and char.isalnum()) or char in "_-"   # Thai runs into ids: "น้องYP-CM-05"

    found = []
    for end, rid in automaton.iter_long(text):
        start, stop = end + 1 - len(rid), end + 1
        if (start == 0 or not joined(text[start - 1])) and (stop == len(text) or not joined(text[stop])):
            found.append((start, stop))
    return found


def _recode(text: str, codes: dict[str, str]) -> str:
    """``text`` with the roster ids :func:`_roster_ids_in` finds replaced by their codes."""
    parts, last = [], 0
    for start, stop in _roster_ids_in(text, codes):
        parts += [text[last:start], codes[text[start:stop]]]
        last = stop
    return "".join(parts) + text[last:]


def _redact_document(doc: Document, rows: list[Detection], pseudonymizer: Pseudonymizer,
                     edits: list[KeyEntry], codes: dict[str, str],
                     in_text: dict[str, str]) -> tuple[Redaction, list[Detection]]:
    """``codes``: roster id -> code (speaker labels); ``in_text``: the roster and transcript ids replaced
    wherever they stand in the text as tokens of their own."""
    rows = sorted(rows, key=lambda d: d.start)
    labels = _label_regions(doc)
    spans = [Span(r.start, r.end, r.type, r.text, r.rule) for r in rows]
    # a roster id becomes the respondent's code: as a speaker label ("GOV-CM-07: ..." -> "R-67: ..."), and
    # wherever else it stands as a token of its own, if it holds a digit and 3 characters or more (a
    # title line "(YP-CM-05)"; a short id such as "A" is only replaced as a label)
    found = [(a, b) for a, b in labels if doc.text[a:b] in codes]
    for start, stop in _roster_ids_in(doc.text, in_text):
        if not any(a < stop and start < b for a, b in found):
            found.append((start, stop))
    spans += [Span(a, b, "PERSON", doc.text[a:b], ROSTER_ID) for a, b in sorted(found)
              if not any(r.start < b and a < r.end for r in rows)]
    decisions = {(r.start, r.end): r for r in rows}
    lang = doc.language if doc.language in ("th", "en") else None
    proposed: dict[tuple[int, int], str] = {}

    def replace(span: Span) -> str | None:
        if span.rule == ROSTER_ID:
            return codes.get(span.text) or in_text[span.text]
        row = decisions[(span.start, span.end)]
        if row.decision == "reject":
            return None
        if row.decision == "edit":
            edits.append(KeyEntry(span.type, span.text, row.replacement))
            new = row.replacement
        else:
            local = "th" if lang is None and any("\u0e00" <= c <= "\u0e7f" for c in span.text) else lang
            new = pseudonymizer.pseudonym(span, lang=local, before=doc.text[max(0, span.start - 30) : span.start])
        if any(s < span.end and span.start < e for s, e in labels):
            new = new.strip("[]")  # a speaker label must stay a label: "NAME-1: ..."
        proposed[(span.start, span.end)] = new
        return new

    redaction = redact(doc.text, spans, pseudonymizer=pseudonymizer, replace=replace)
    reviewed = [Detection(r.doc_id, r.start, r.end, r.type, r.text, r.before, r.after, r.rule,
                          proposed.get((r.start, r.end), ""), r.decision, r.replacement) for r in rows]
    return redaction, reviewed


def _remap_document(doc: Document, redaction: Redaction, meta: dict[str, Any], source: str,
                    codes: dict[str, str], doc_id: str) -> Document:
    turns = []
    for t in doc.turns:
        start = redaction.map_start(t.start)
        label_start = t.start - 2 - len(t.speaker)
        changed = any(s.start < t.start - 2 and label_start < s.end for s in redaction.spans)
        speaker = _label_at(redaction.text, start) if changed else t.speaker
        turns.append(Turn(t.index, speaker, t.role, codes.get(t.respondent_id or "", t.respondent_id), start, redaction.map_end(t.end), t.time, t.line))
    return Document(doc_id, redaction.text, tuple(turns), meta, source)


def _label_at(text: str, turn_start: int) -> str:
    """The speaker label in front of a turn that starts at ``turn_start`` (after ``[time] LABEL: ``)."""
    line = text[text.rfind("\n", 0, turn_start) + 1 : turn_start - 2]
    return line.split("] ", 1)[1] if line.startswith("[") and "] " in line else line


def _remap_coding(coding: Coding, redaction: Redaction, ids: PublicIds) -> Coding:
    start, end = redaction.map_start(coding.start), redaction.map_end(coding.end)
    evidence = []
    for e in coding.evidence:
        s, t = redaction.map_start(e.start), redaction.map_end(e.end)
        evidence.append(Evidence(s, t, redaction.text[s:t]))
    segment_id = ids.segment(coding.segment_id) if coding.segment_id else coding.segment_id
    return Coding(ids.document(coding.doc_id), segment_id, start, max(end, start),
                  coding.code_id, coding.coder, coding.source, coding.score, tuple(evidence))


def _front_matter(doc: Document, meta: dict[str, Any]) -> str:
    speakers: dict[str, str] = {}
    for turn in doc.turns:
        speakers.setdefault(turn.speaker, turn.respondent_id or turn.role)
    head = {k: v for k, v in meta.items() if k not in ("speakers", "encoding")}
    head["id"] = doc.id
    head["speakers"] = speakers
    return "---\n" + yaml.safe_dump(head, allow_unicode=True, sort_keys=False, default_flow_style=False) + "---\n"


# What the copy's roster keeps besides the group: its quasi-identifiers generalised (fivep.privacy.codes),
# and, as written, the sector, the interview method and the session that links a respondent to a transcript.
_GENERALISED = {"sex": "sex", "province": "province", "age_band": "age"}   # copy's column -> roster's column
_KEPT_AS_WRITTEN = ("sector", "method", "session_id")


def _generalised_roster(respondents: list[Respondent], k: int) -> tuple[list[Respondent], list[str]]:
    """The roster as the de-identified copy shares it, and what was done to it, said in sentences.

    A roster holding age, sex, province and a free-text role singles people out even without names (the
    only woman police inspector of a province, aged 51). So: age becomes an age band; sex, province and
    age band are left empty for a respondent whom fewer than ``k`` respondents share them with (the
    attribution rule report quotes follow: age band first, then province, then sex); free-text columns
    (role, notes, anything fivep does not read) and years of experience are left out."""
    from collections import Counter

    from fivep.privacy.codes import attributions, quasi_identifiers

    dropped = sorted({key for r in respondents for key in r.attributes}
                     - {*_GENERALISED.values(), *_KEPT_AS_WRITTEN})
    kept = attributions(respondents, k)
    emptied: Counter[str] = Counter()
    out: list[Respondent] = []
    for r in respondents:
        known, shown = quasi_identifiers(r), kept[r.id] or ("group",)
        attributes: dict[str, Any] = {}
        for column, source in _GENERALISED.items():
            if source in r.attributes:
                attributes[column] = (known[column] or None) if column in shown else None
                emptied[column] += column not in shown and bool(known[column])
        attributes.update({key: r.attributes[key] for key in _KEPT_AS_WRITTEN if key in r.attributes})
        out.append(Respondent(r.id, r.group, attributes))
    notes = ["roster: ages written as age bands (age_band)"] if any("age" in r.attributes for r in respondents) else []
    for column, said in (("age_band", "age band"), ("province", "province"), ("sex", "sex")):
        if emptied[column]:
            notes.append(f"roster: {said} left empty for {emptied[column]} respondent(s) whom fewer than {k} "
                         f"respondents share it with")
    if dropped:
        notes.append(f"roster: columns left out (free text or exact figures that can single a person out): "
                     f"{', '.join(dropped)}")
    return out, notes


def _roster_csv(respondents: list[Respondent], clean: Callable[[str], str]) -> str:
    columns: list[str] = []
    for r in respondents:
        for key in r.attributes:
            if key not in columns:
                columns.append(key)
    buffer = io.StringIO()
    writer = safe_writer(buffer, lineterminator="\n")
    writer.writerow(["respondent_id", "group", *columns])
    for r in respondents:
        values = []
        for key in columns:
            value = r.attributes.get(key)
            if value is None:
                values.append("")
            elif key in _KNOWN_ATTRIBUTES:
                values.append(str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
            else:
                values.append(clean(str(value)))  # free text may name people
        writer.writerow([r.id, r.group, *values])
    return buffer.getvalue()


def deidentify_study(study: Any, out: str | Path | None = None, *, style: str = "tags",
                     review: str | Path | None = None, progress: Callable[[str], None] | None = None,
                     force: bool = False) -> DeidentifyResult:
    """Write a de-identified copy of ``study`` (a path or a :class:`fivep.study.Study`).

    Parameters
    ----------
    study:
        The study; it is ingested first if its store holds no documents. It is not changed, except
        for the review and key files under ``.fivep/private/``.
    out:
        The output folder (default ``STUDY/deidentified``). It becomes a study folder of its own.
    style:
        ``"tags"`` (``[ชื่อ-1]``, ``[PHONE-2]``) or ``"names"`` (replacement names).
    review:
        A review file whose decisions to apply (accept / reject / edit / add); without it every
        detection is accepted and a new review file is written.
    progress:
        Called with each document id as it is done.
    force:
        Write into ``out`` even when it is another study or a folder that is not empty (by default
        only a new or empty folder, or one a previous ``deidentify`` wrote, is used). fivep then
        replaces only the files it writes and deletes nothing it did not write.
    """
    from fivep.store import Store
    from fivep.study import STORE_NAME, Study

    source = study if isinstance(study, Study) else Study.open(study)
    root = source.root
    out_dir = Path(out) if out is not None else root / DEFAULT_OUT
    private = root / PRIVATE_DIR
    key_path, review_path = private / KEY_NAME, private / REVIEW_NAME
    if out_dir.resolve() == private.resolve() or private.resolve().is_relative_to(out_dir.resolve()):
        raise InputError("the output folder would contain the key file", path=out_dir,
                         hint=f"choose an output folder outside {root}, or the default {root / DEFAULT_OUT}")
    written_before = claim_folder(out_dir, what="the de-identified study", force=force)
    documents = source.store.documents()
    if not documents:
        source.ingest()
        documents = source.store.documents()
    texts = {d.id: d.text for d in documents}
    # respondents appear under the codes the reports print: roster ids often carry initials, a
    # group and a province (YP-PR-03); the map stays in the study's private folder
    respondents = source.store.respondents() or source.read_roster()
    codes = respondent_codes(source, respondents, others=sorted(
        {t.respondent_id for d in documents for t in d.turns if t.respondent_id}
        | {s.respondent_id for s in source.store.segments() if s.respondent_id}))
    ids = PublicIds(source)   # and transcripts under theirs (T-04)
    in_text = {**ids.documents, **codes}   # ids written in the text ("this is interview II-CR-GOV-12")
    pseudonymizer = Pseudonymizer(style)
    if review is not None:
        rows = read_review(Path(review), texts)
    else:
        from fivep.privacy.detect import detect

        rows = [row for d in documents for row in _detections(d, detect(d.text))]
    added = [r for r in rows if r.decision == "add"]
    edits: list[KeyEntry] = []
    redactions: dict[str, Redaction] = {}
    names = file_names(ids.document(d.id) for d in documents)
    new_docs: list[Document] = []
    reviewed: list[Detection] = []
    for doc in documents:
        own = [r for r in rows if r.doc_id == doc.id and r.decision != "add"]
        own += _add_rows(doc, added, own)
        redaction, done = _redact_document(doc, own, pseudonymizer, edits, codes, in_text)
        redactions[doc.id] = redaction
        reviewed.extend(done)
        meta = dict(doc.meta)
        for key in ("title", "title_th", "notes", "note", "description"):
            if isinstance(meta.get(key), str):
                meta[key] = _recode(redact(meta[key], pseudonymizer=pseudonymizer).text, in_text)
        if isinstance(meta.get("session_id"), str):
            meta["session_id"] = ids.document(meta["session_id"])
        meta["deidentified"] = True
        code = ids.document(doc.id)
        new_docs.append(_remap_document(doc, redaction, meta, f"transcripts/{names[code]}.txt", codes, code))
        if progress is not None:
            progress(doc.id)

    segments = [Segment(ids.segment(s.id), ids.document(s.doc_id), s.turn_index,
                        redactions[s.doc_id].map_start(s.start), redactions[s.doc_id].map_end(s.end), "",
                        codes.get(s.respondent_id or "", s.respondent_id))
                for s in source.store.segments() if s.doc_id in redactions]
    by_id = {d.id: d for d in new_docs}
    segments = [Segment(s.id, s.doc_id, s.turn_index, s.start, s.end, by_id[s.doc_id].text[s.start : s.end],
                        s.respondent_id) for s in segments]
    coders = source.store.coders()
    codings = {c: [_remap_coding(x, redactions[x.doc_id], ids) if x.doc_id in redactions else x
                   for x in source.store.codings(c)] for c in coders}
    kinds = {c: {ids.segment(sid): kind for sid, kind in source.store.segment_kinds(c).items()} for c in coders}
    respondents = [Respondent(codes.get(r.id, r.id), r.group, _session_recoded(r.attributes, ids))
                   for r in respondents]
    from fivep.privacy.cells import min_cell

    respondents, notes = _generalised_roster(respondents, max(min_cell(source), 1))

    # --- write ---------------------------------------------------------------------------------------
    transcripts = out_dir / "transcripts"
    transcripts.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for doc in new_docs:
        path = child(transcripts, f"{names[doc.id]}.txt")   # an id such as '../../x' never becomes a path
        path.write_text(_front_matter(doc, doc.meta) + doc.text + "\n", encoding="utf-8")
        files.append(path)
    for stale in set(written_before) - set(files):   # transcripts a previous run wrote, of documents now gone
        if stale.parent == transcripts and stale.suffix == ".txt":
            stale.unlink(missing_ok=True)
    (out_dir / "respondents.csv").write_text(
        _roster_csv(respondents, lambda v: redact(v, pseudonymizer=pseudonymizer).text), encoding="utf-8")
    config = dict(source.config.raw)
    config.update({"roster": "respondents.csv", "transcripts": "transcripts", "store": STORE_NAME})
    evaluation = config.get("evaluation")
    if isinstance(evaluation, dict) and isinstance(evaluation.get("holdout"), list):   # transcript ids
        config["evaluation"] = {**evaluation, "holdout": [ids.document(str(d)) for d in evaluation["holdout"]]}
    (out_dir / "study.toml").write_text(_toml(config), encoding="utf-8")
    store_path = out_dir / STORE_NAME
    with Store(store_path) as store:
        store.replace_corpus(respondents, new_docs, segments)
        with store.transaction() as db:
            db.execute("DELETE FROM codings")
        for coder in coders:
            store.replace_codings(coder, codings[coder], kinds[coder])
    from fivep.human.rebuild import store_to_files
    from fivep.study import Study

    target = Study.open(out_dir)
    coder_files = store_to_files(target)     # human codings as files too, quoting the de-identified text
    target.close()
    record_folder(out_dir, what="deidentify",
                  files=[*files, *coder_files, out_dir / "respondents.csv", out_dir / "study.toml"])
    if review is None:
        write_review(review_path, reviewed)
    write_key(key_path, [*pseudonymizer.entries(), *edits])
    replaced = sum(len(r.spans) for r in redactions.values())
    return DeidentifyResult(out_dir, len(new_docs), len(reviewed), replaced,
                            sum(len(v) for v in codings.values()),
                            Path(review) if review is not None else review_path, key_path, tuple(files),
                            tuple(notes))


def _session_recoded(attributes: dict[str, Any], ids: PublicIds) -> dict[str, Any]:
    """A roster row's ``session_id`` naming a transcript, as that transcript's code (the copy's roster and
    transcripts still link up)."""
    session = attributes.get("session_id")
    if not isinstance(session, str) or session not in ids.documents:
        return attributes
    return {**attributes, "session_id": ids.documents[session]}


def _toml(data: dict[str, Any]) -> str:
    """A small TOML writer for study.toml: scalars and lists first, then one table per mapping."""
    lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"\n[{_toml_key(key)}]")
            lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)
