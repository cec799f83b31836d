"""Export a study as a REFI-QDA project (``.qdpx``), valid against Project-mrt2019.xsd.

The archive holds ``project.qde`` and one UTF-8 plain-text file per document in ``sources/``,
named by the document's GUID. In the project:

- ``Users`` are the study's coders (human and machine);
- the ``CodeBook`` is the study's codebook (see :mod:`fivep.exchange.qdc`), plus a "Segment kind"
  group whose codes (obstacle, recommendation, other) carry each coder's segment kinds;
- ``Variables`` and ``Cases`` are the roster: one case per respondent, linked to the documents
  they speak in;
- each ``TextSource`` has its document's front matter (id, title, language, speaker labels) as
  its description, one ``PlainTextSelection`` per coded span (half-open code-point offsets into
  the normalised text, as fivep stores them) and one ``Coding`` per code and coder on it.

Every GUID is derived from a stable id (:func:`fivep.exchange.refi.guid`), so exporting the same
study twice gives the same GUIDs, and the archive itself is byte-for-byte the same.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fivep.exchange.qdc import add_codes, code_guids, codebook_extras, load_any_codebook
from fivep.exchange.refi import PROJECT_NS, guid, xml_safe
from fivep.model import KINDS, Coding, Document, Respondent

if TYPE_CHECKING:
    from fivep.study import Study

KIND_ROOT = "Segment kind"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass
class ExportReport:
    path: str
    sources: int = 0
    codes: int = 0
    users: int = 0
    cases: int = 0
    variables: int = 0
    selections: int = 0
    codings: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def kind_guid(kind: str) -> str:
    return guid("kind", kind)


def variable_type(values: list[Any]) -> str:
    """The REFI ``typeOfVariable`` that holds every value."""
    if values and all(isinstance(v, bool) for v in values):
        return "Boolean"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "Integer" if all(float(v).is_integer() for v in values) else "Float"
    return "Text"


_VALUE_ELEMENT = {"Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue", "Text": "TextValue"}


def _value_text(value: Any, kind: str) -> str:
    if kind == "Boolean":
        return "true" if value else "false"
    if kind == "Integer":
        return str(int(value))
    if kind == "Float":
        return repr(float(value))
    return xml_safe(str(value))


def front_matter(doc: Document) -> str:
    """The document's front matter as YAML: id, its metadata and the speaker labels of its turns."""
    import yaml

    speakers = {t.speaker: t.respondent_id or t.role for t in doc.turns}
    data = {"id": doc.id, **{k: v for k, v in doc.meta.items() if k != "id"}}
    if speakers:
        data["speakers"] = speakers
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110).strip()


def _respondents(study: Study) -> list[Respondent]:
    stored = study.store.respondents()
    if stored:
        return stored
    from fivep.errors import RosterError

    try:
        return study.read_roster()
    except RosterError:
        return []


def export_qdpx(study: Study, out: str | Path, *, lang: str = "en", coders: list[str] | None = None) -> ExportReport:
    """Write ``study`` (ingesting it first if its store is empty) to the ``.qdpx`` file ``out``."""
    from lxml import etree

    out = Path(out)
    if not study.documents() and study.transcript_paths():
        study.ingest()
    documents = study.documents()
    segments = {s.id: s for s in study.segments()}
    codebook, codebook_path, problems = load_any_codebook(study.config.codebook, study.root)
    extras = codebook_extras(codebook_path)
    all_coders = study.store.coders()
    coders = [c for c in all_coders if coders is None or c in coders]
    codings = [c for c in study.store.codings() if c.coder in coders]
    kinds = {c: study.store.segment_kinds(c) for c in coders}
    report = ExportReport(str(out))
    orphans = [o for o in study.store.orphans() if o.coding.coder in coders]
    if orphans:
        report.notes.append(f"{len(orphans)} orphaned human coding(s) (their text changed in an edited transcript) "
                            f"are not exported until placed: see 'fivep orphans'")
    if problems:
        report.notes.append(f"the codebook fails {len(problems)} of fivep's checks; it is exported as it is "
                            f"(run 'fivep codebook check'): {problems[0]}")
    ns = PROJECT_NS

    def sub(parent: Any, tag: str, **attrs: str) -> Any:
        return etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items() if v is not None})

    project = etree.Element(f"{{{ns}}}Project", nsmap={None: ns}, name=xml_safe(study.config.title))
    from fivep import __version__

    project.set("origin", f"fivep {__version__}")
    users = sub(project, "Users") if coders else None
    user_guid = {c: guid("user", c) for c in coders}
    for coder in coders:
        sub(users, "User", guid=user_guid[coder], name=xml_safe(coder), id=xml_safe(coder))
    report.users = len(coders)

    # codebook, with codes that codings use but the codebook lacks, and the segment-kind group
    codes_element = sub(sub(project, "CodeBook"), "Codes")
    missing = sorted({c.code_id for c in codings if c.code_id not in codebook})
    add_codes(codes_element, codebook, ns, lang=lang, extras=extras, extra_ids=missing)
    guids = {**code_guids(codebook, extras), **{m: guid("code", m) for m in missing}}
    if missing:
        report.skipped.append(f"{len(missing)} code(s) used by codings but not in the codebook, exported at the "
                              f"top level: {', '.join(missing[:5])}")
    used_kinds = [k for k in KINDS if any(k in v.values() for v in kinds.values())]
    if used_kinds:
        root = sub(codes_element, "Code", guid=kind_guid("root"), name=KIND_ROOT, isCodable="false", color="#BCBD22")
        sub(root, "Description").text = "fivep segment kinds: what blocks the protection mechanism (obstacle), " \
                                        "what should be done (recommendation), or other."
        for kind in used_kinds:
            node = sub(root, "Code", guid=kind_guid(kind), name=kind, isCodable="true", color="#BCBD22")
            sub(node, "Description").text = f"fivep kind: {kind}"
    report.codes = len(codebook) + len(missing) + (len(used_kinds) + 1 if used_kinds else 0)

    # roster: variables and cases
    respondents = _respondents(study)
    names: list[str] = ["group"]
    for r in respondents:
        names.extend(k for k in r.attributes if k not in names)
    values = {n: [r.group if n == "group" else r.attributes.get(n) for r in respondents] for n in names}
    types = {n: variable_type([v for v in values[n] if v is not None]) for n in names}
    names = [n for n in names if any(v is not None for v in values[n])]
    if respondents:
        variables = sub(project, "Variables")
        for n in names:
            sub(variables, "Variable", guid=guid("variable", n), name=xml_safe(n), typeOfVariable=types[n])
        report.variables = len(names)
        speaks: dict[str, list[str]] = defaultdict(list)
        for doc in documents:
            for rid in dict.fromkeys(t.respondent_id for t in doc.turns if t.respondent_id):
                speaks[rid].append(doc.id)
        cases = sub(project, "Cases")
        for r in respondents:
            case = sub(cases, "Case", guid=guid("case", r.id), name=xml_safe(r.id))
            for n in names:
                value = r.group if n == "group" else r.attributes.get(n)
                if value is None:
                    continue
                holder = sub(case, "VariableValue")
                sub(holder, "VariableRef", targetGUID=guid("variable", n))
                sub(holder, _VALUE_ELEMENT[types[n]]).text = _value_text(value, types[n])
            for doc_id in speaks.get(r.id, []):
                sub(case, "SourceRef", targetGUID=guid("source", doc_id))
        report.cases = len(respondents)

    # sources, selections, codings
    by_doc: dict[str, dict[tuple[int, int], list[tuple[str, str, str]]]] = defaultdict(lambda: defaultdict(list))
    names_of: dict[tuple[str, int, int], str] = {}
    for c in codings:
        by_doc[c.doc_id][(c.start, c.end)].append((c.coder, c.code_id, guids[c.code_id]))
        if c.segment_id:
            names_of.setdefault((c.doc_id, c.start, c.end), c.segment_id)
    for coder, table in kinds.items():
        for segment_id, kind in table.items():
            segment = segments.get(segment_id)
            if segment is not None:
                by_doc[segment.doc_id][(segment.start, segment.end)].append((coder, f"kind:{kind}", kind_guid(kind)))
                names_of.setdefault((segment.doc_id, segment.start, segment.end), segment.id)
    files: dict[str, str] = {}
    outside = 0
    if documents:
        sources = sub(project, "Sources")
    for doc in documents:
        source_guid = guid("source", doc.id)
        files[f"sources/{source_guid}.txt"] = doc.text
        element = sub(sources, "TextSource", guid=source_guid, name=xml_safe(doc.id),
                      plainTextPath=f"internal://{source_guid}.txt")
        sub(element, "Description").text = xml_safe(front_matter(doc))
        for (start, end), items in sorted(by_doc.get(doc.id, {}).items()):
            if not 0 <= start < end <= len(doc.text):
                outside += len(items)
                continue
            key = f"{doc.id}:{start}:{end}"
            selection = sub(element, "PlainTextSelection", guid=guid("selection", key),
                            name=xml_safe(names_of.get((doc.id, start, end), f"{start}-{end}")),
                            startPosition=str(start), endPosition=str(end))
            report.selections += 1
            for coder, code_id, target in sorted(set(items)):
                coding = sub(selection, "Coding", guid=guid("coding", f"{coder}|{key}|{code_id}"),
                             creatingUser=user_guid[coder])
                sub(coding, "CodeRef", targetGUID=target)
                report.codings += 1
    report.sources = len(documents)
    description = [f"Title (th): {study.config.title_th}"] if study.config.title_th else []
    description += [f"Codebook: {codebook.name}", f"Codebook version: {codebook.version}"]
    from fivep.privacy.cells import min_cell

    # the small-cell threshold travels with the project (fivep reads it back on import)
    description.append(f"Privacy min_cell: {min_cell(study)}")
    sub(project, "Description").text = xml_safe("\n".join(description))
    if outside:
        report.skipped.append(f"{outside} coding(s) outside their document's text")
    report.skipped.extend(_not_carried(codings))
    xml = etree.tostring(project, xml_declaration=True, encoding="utf-8", pretty_print=True)
    _write_zip(out, {"project.qde": xml, **{k: v.encode("utf-8") for k, v in files.items()}})
    report.path = str(out)
    return report


def _not_carried(codings: list[Coding]) -> list[str]:
    scored = sum(1 for c in codings if c.score is not None)
    evidence = sum(1 for c in codings if c.evidence)
    out = []
    if scored or evidence:
        out.append(f"scores ({scored}) and evidence spans ({evidence}) of machine codings: REFI-QDA codings "
                   "have neither")
    return out


def _write_zip(out: Path, members: dict[str, bytes]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    partial.replace(out)
