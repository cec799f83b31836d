"""Import a REFI-QDA project (``.qdpx``) into a study folder: an existing one, or a new one.

- Sources become transcripts (``transcripts/<id>.txt`` with front matter) and store documents.
  A source fivep exported comes back with its speaker turns; another tool's text is kept exactly
  as written (only ``\\r\\n`` becomes ``\\n``), since the selections' offsets point into it.
- Codes become the study's codebook YAML (a new study), or are matched to the study's codebook by
  GUID, fivep id or name (an existing study). Codes of the "Segment kind" group become kinds.
- Codings go into the store, per coder; a human coder's also into ``codings/<coder>.csv``, so that
  ``fivep ingest`` loads them again. A coder's codings on the imported documents replace what the
  coder had there; their codings elsewhere are kept.
- Cases and their variables become the roster (a new study); an existing roster is left alone.

Whatever could not be carried is listed in the report (REFI-QDA 1.5, section 7).
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from fivep.cells import safe_writer
from fivep.errors import FivepError, InputError
from fivep.exchange.carry import place_codings, store_codings
from fivep.exchange.qdc import (
    code_guids,
    codebook_extras,
    codes_to_yaml,
    parse_description,
    write_codebook_yaml,
)
from fivep.exchange.qdpx import KIND_ROOT, kind_guid
from fivep.exchange.reader import RefiProject, RefiSource, read_qdpx
from fivep.exchange.refi import ImportReport, RefiCode, guid, norm_guid
from fivep.exchange.safety import Limits
from fivep.model import KINDS, Document, Respondent
from fivep.outputs import child, file_name
from fivep.study import Study

CODEBOOK_FILE = "codebook.yaml"
_GROUP_NAMES = ("group", "กลุ่ม", "respondent_group")
_TEXT_SUFFIX = re.compile(r"\.(txt|text|md|docx?|odt|rtf|pdf|html?)$", re.IGNORECASE)
_LABELLED = re.compile(r"^(?P<label>Title \(th\)|Codebook|Codebook version|Privacy min_cell): ?(?P<value>.*)$",
                       re.MULTILINE)


def _is_study(root: Path) -> bool:
    return any((root / name).exists() for name in ("study.toml", "transcripts", "respondents.csv",
                                                   "respondents.xlsx", ".fivep"))


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def project_labels(description: str) -> dict[str, str]:
    """The labelled lines fivep writes into a project's description (title in Thai, codebook name, version)."""
    return {m.group("label"): m.group("value").strip() for m in _LABELLED.finditer(description)}


def split_kinds(codes: list[RefiCode]) -> tuple[list[RefiCode], dict[str, str]]:
    """``(codes, code GUID -> kind)``: the "Segment kind" group fivep exports is not part of a codebook.

    Kind codes are known by their GUID, by their description (``fivep kind: obstacle``), or, when
    another tool gave them new GUIDs and dropped descriptions, by their names under the group.
    """
    kinds = {kind_guid(k): k for k in KINDS}
    roots = {kind_guid("root")} | {norm_guid(c.guid) for c in codes if c.name == KIND_ROOT}
    for code in codes:
        text = code.description
        if text.startswith("fivep kind:") and text[len("fivep kind:"):].strip() in KINDS:
            kinds[norm_guid(code.guid)] = text[len("fivep kind:"):].strip()
        elif norm_guid(code.parent) in roots and code.name in KINDS:
            kinds[norm_guid(code.guid)] = code.name
    return [c for c in codes if norm_guid(c.guid) not in kinds and norm_guid(c.guid) not in roots], kinds


def _source_meta(source: RefiSource) -> dict[str, Any]:
    """A source's front matter, when fivep wrote its description; else just its title."""
    if source.description:
        import yaml

        from fivep import safe_yaml

        try:
            data = safe_yaml.load(source.description)
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict) and "id" in data:
            return {str(k): v for k, v in data.items()}
    meta: dict[str, Any] = {str(k): v for k, v in source.variables.items()}
    if source.name:
        meta["title"] = source.name
    return meta


class _Import:
    def __init__(self, study: Study, project: RefiProject, report: ImportReport, new: bool) -> None:
        self.study = study
        self.project = project
        self.report = report
        self.new = new
        self.skip = report.skipped.append

    # --- codes ----------------------------------------------------------------------------------

    def codes(self) -> tuple[dict[str, str], dict[str, str]]:
        """``(code GUID -> code id, code GUID -> kind)``; writes the codebook of a new study."""
        ours, kinds = split_kinds(self.project.codes)
        if self.new:
            if not ours:
                return {}, kinds
            entries, ids, notes = codes_to_yaml(ours)
            labels = project_labels(self.project.description)
            self.report.codebook_problems = write_codebook_yaml(
                entries, self.study.root / CODEBOOK_FILE, name=labels.get("Codebook") or self.project.name,
                version=labels.get("Codebook version") or "1",
                description=f"Imported from {Path(self.report.source).name}"
                            + (f" ({self.project.origin})" if self.project.origin else ""))
            self.report.notes.extend(notes)
            self.report.codes = len(entries)
            return ids, kinds
        codebook = self.study.codebook()
        from fivep.coding.codebook import resolve_codebook_path

        known = {norm_guid(g): i for i, g in code_guids(codebook, codebook_extras(
            resolve_codebook_path(self.study.config.codebook, self.study.root))).items()}
        names: dict[str, list[str]] = defaultdict(list)
        for c in codebook.codes:
            for name in {c.id, c.label_en.casefold(), c.label_th.casefold()} - {""}:
                names[name].append(c.id)
        matched: dict[str, str] = {}
        unmatched = []
        for code in ours:
            fields, _ = parse_description(code.description)
            key = norm_guid(code.guid)
            by_name = names.get(code.name.casefold(), [])
            if key in known:
                matched[key] = known[key]
            elif fields.get("id") in codebook:
                matched[key] = fields["id"]
            elif len(by_name) == 1:
                matched[key] = by_name[0]
            else:
                unmatched.append(code)
        self.report.codes = len(matched)
        if unmatched:
            target = self.study.root / f"codebook-imported-{file_name(Path(self.report.source).stem)}.yaml"
            entries, _, _ = codes_to_yaml(unmatched)
            write_codebook_yaml(entries, target, name=f"Codes from {Path(self.report.source).name}", version="1")
            self.skip(f"{len(unmatched)} code(s) not in the study's codebook (written to {target.name}; add them "
                      f"to the codebook and import again to carry their codings): "
                      + ", ".join(c.name for c in unmatched[:8]) + (" ..." if len(unmatched) > 8 else ""))
        return matched, kinds

    # --- roster ---------------------------------------------------------------------------------

    def roster(self) -> list[Respondent]:
        cases = [c for c in self.project.cases if c.name or c.guid]
        if not self.new:
            try:
                roster = self.study.read_roster() if self.study.roster_path.exists() else self.study.store.respondents()
            except FivepError:
                roster = self.study.store.respondents()
            ids = {r.id for r in roster}
            extra = [c.name for c in cases if c.name not in ids]
            if extra:
                self.skip(f"{len(extra)} case(s) not in the study's roster (the roster is left as it is; add them "
                          f"to {self.study.roster_path.name} if they belong): {', '.join(extra[:8])}")
            return roster
        if not cases:
            if self.project.sources:
                self.report.notes.append("the project has no cases: no roster was written")
            return []
        group_var = next((v for v in self.project.variables if v.casefold() in _GROUP_NAMES), None)
        others = [v for v in self.project.variables if v != group_var]
        path = self.study.root / "respondents.csv"
        buffer = io.StringIO()
        writer = safe_writer(buffer, lineterminator="\n")
        writer.writerow(["respondent_id", "group", *others])
        raw: list[Respondent] = []
        ungrouped = 0
        for case in cases:
            rid = case.name or case.guid
            group = str(case.variables.get(group_var, "")) if group_var else ""
            if not group:
                group, ungrouped = "unknown", ungrouped + 1
            values = [_cell(case.variables.get(v)) for v in others]
            writer.writerow([rid, group, *values])
            raw.append(Respondent(rid, group, {v: case.variables.get(v) for v in others}))
        path.write_text(buffer.getvalue(), encoding="utf-8")
        self.report.cases = len(cases)
        if ungrouped:
            self.report.notes.append(f"{ungrouped} case(s) have no 'group' variable: their group is 'unknown' "
                                     f"in {path.name}")
        try:
            return self.study.read_roster()
        except FivepError as error:
            self.skip(f"the roster written from the cases cannot be read by fivep yet: {error}")
            return raw

    # --- documents ------------------------------------------------------------------------------

    def documents(self, roster: list[Respondent], existing: list[Document]) -> dict[str, Document]:
        """Source GUID -> document (new or matched); writes the transcripts of new ones."""
        import yaml

        from fivep.ingest.readers import read_transcript
        from fivep.ingest.turns import INTERVIEWER_LABELS, SpeakerResolver, build_document

        resolver = SpeakerResolver([r.id for r in roster], self.study.config.speakers,
                                   (*INTERVIEWER_LABELS, *self.study.config.interviewer_labels))
        by_id = {d.id: d for d in existing}
        by_guid = {guid("source", d.id): d for d in existing}
        folder = self.study.transcripts_dir
        out: dict[str, Document] = {}
        taken = {i.casefold() for i in by_id}
        on_disk = {p.stem.casefold() for p in folder.iterdir()} if folder.is_dir() else set()
        renamed: list[str] = []
        no_turns = []
        for source in self.project.sources:
            meta = _source_meta(source)
            stem = _TEXT_SUFFIX.sub("", source.name)
            doc_id = file_name(str(meta.get("id") or stem or Path(source.path).stem or source.guid[:8]))
            match = by_guid.get(source.guid) or by_id.get(doc_id)
            if match is not None:
                if match.text == source.text:
                    out[source.guid] = match
                    self.report.documents_reused += 1
                else:
                    self.skip(f"source '{source.name or doc_id}': a document '{match.id}' is already in the study "
                              "with a different text; the source and its codings were not imported")
                continue
            base, n = doc_id, 2
            while doc_id.casefold() in taken | on_disk:   # never over a transcript, ingested or not
                doc_id, n = f"{base}-{n}", n + 1
            if doc_id != base and base.casefold() in on_disk - taken:
                renamed.append(f"{base} as {doc_id}")
            taken.add(doc_id.casefold())
            meta["id"] = doc_id
            folder.mkdir(parents=True, exist_ok=True)
            path = child(folder, f"{doc_id}.txt")
            header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=110)
            with open(path, "x", encoding="utf-8") as handle:   # "x": fails rather than overwrite
                handle.write(f"---\n{header}---\n{source.text}")
            try:
                doc = build_document(read_transcript(path), resolver, doc_id=doc_id).document
            except FivepError:
                doc = None
            if doc is None or doc.text != source.text:
                meta.pop("speakers", None)
                doc = Document(doc_id, source.text, (), meta, str(path))
                no_turns.append(doc_id)
            out[source.guid] = doc
        self.report.documents = len(out) - self.report.documents_reused
        if renamed:
            self.report.notes.append(f"{len(renamed)} source(s) imported under a new id, since transcripts/ already "
                                     f"holds a file of that name that is not ingested (renamed, or new; it was left "
                                     f"as it is): {', '.join(renamed[:5])}{' ...' if len(renamed) > 5 else ''}")
        if no_turns:
            self.report.notes.append(f"{len(no_turns)} source(s) kept as written, without speaker turns (so without "
                                     f"segments), since fivep found no turns in them that keep the text unchanged: "
                                     f"{', '.join(no_turns[:5])}{' ...' if len(no_turns) > 5 else ''}; "
                                     "'fivep ingest' will ask for speaker labels in these transcripts")
        return out

    # --- all ------------------------------------------------------------------------------------

    def run(self) -> ImportReport:
        from fivep.ingest.segments import segment_documents

        study = self.study
        code_ids, kinds = self.codes()
        roster = self.roster()
        existing = [] if self.new else study.documents()
        existing_segments = [] if self.new else study.segments()
        docs = self.documents(roster, existing)
        added = [d for d in dict.fromkeys(docs.values()) if d.id not in {e.id for e in existing}]
        unit = "sentence" if any("." in s.id.rsplit("#", 1)[-1] for s in existing_segments) else "turn"
        segments = existing_segments + segment_documents(added, unit=unit)
        respondents = roster if self.new else (study.store.respondents() or roster)
        study.store.replace_corpus(respondents, existing + added, segments)
        codings, kind_table = place_codings(self.project, self.report, docs, segments, code_ids, kinds)
        touched = {d.id for d in docs.values()}
        store_codings(study, self.report, codings, kind_table, touched, {s.id: s for s in segments})
        return self.report


def import_qdpx(path: str | Path, into: str | Path, *, limits: Limits | None = None) -> ImportReport:
    """Import the ``.qdpx`` at ``path`` into the study folder ``into`` (created when missing or empty)."""
    path, root = Path(path), Path(into)
    if path.suffix.lower() == ".qdc":
        raise InputError("this is a REFI-QDA codebook, not a project", path=path,
                         hint="use 'fivep codebook import FILE.qdc'")
    project = read_qdpx(path, limits)
    if root.exists() and not root.is_dir():
        raise InputError("a study is a folder, not a file", path=root)
    new = not root.exists() or not any(root.iterdir())
    if not new and not _is_study(root):
        raise InputError("the folder is not empty and is not a study (no study.toml, transcripts/ or roster)",
                         path=root, hint="import into an existing study, or into a new or empty folder")
    report = ImportReport(str(path), str(root), skipped=list(project.skipped), notes=list(project.notes))
    if new:
        root.mkdir(parents=True, exist_ok=True)
        labels = project_labels(project.description)
        lines = [f"# Imported from {path.name} ({project.origin or 'unknown program'}) by fivep",
                 f"title = {_toml_string(project.name)}"]
        if labels.get("Title (th)"):
            lines.append(f"title_th = {_toml_string(labels['Title (th)'])}")
        lines.append('roster = "respondents.csv"')
        lines.append('transcripts = "transcripts"')
        has_codes = bool(split_kinds(project.codes)[0])
        lines.append(f"codebook = {_toml_string(CODEBOOK_FILE if has_codes else '5p')}")
        threshold = labels.get("Privacy min_cell", "").strip()
        if threshold.isdigit():
            lines += ["", "[privacy]", f"min_cell = {int(threshold)}"]
        (root / "study.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    study = Study.open(root)
    try:
        if not new and not study.documents() and study.transcript_paths():
            study.ingest()
        return _Import(study, project, report, new).run()
    finally:
        study.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def project_report_lines(report: ImportReport) -> list[str]:
    """The report as lines a person reads (the CLI prints these)."""
    lines = [f"{report.documents} new document(s)" + (f", {report.documents_reused} already in the study"
                                                      if report.documents_reused else "")
             + f", {report.codes} code(s), {report.codings} coding(s) by {len(report.coders)} coder(s)"
             + (f", {report.cases} case(s)" if report.cases else "")]
    lines += [f"  {coder}: {n} codings" for coder, n in report.coders.items()]
    lines += [f"note: {n}" for n in report.notes]
    lines += [f"not carried: {s}" for s in report.skipped]
    problems = report.codebook_problems
    if problems:
        lines.append(f"codebook: the imported codebook fails {len(problems)} of fivep's checks (codings are imported; "
                     "'fivep code' needs 5P dimensions, Thai and English labels and keywords); first:")
        lines += [f"codebook:   {p}" for p in problems[:3]]
    return lines
