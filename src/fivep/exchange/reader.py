"""Read a REFI-QDA project (``.qdpx``) into plain objects, forgiving the variants tools write.

Tolerated: any namespace string (or none); ``plainTextPath`` as ``internal://x.txt``, ``x.txt`` or
``sources/x.txt``; a project inside a top folder of the archive; a ``sources/.root`` marker;
variables declared inside cases or referred to by name; text given inline (``PlainTextContent``);
a PDF source's plain-text ``Representation``; and ``\\r\\n`` line breaks counted as one character
or as two (decided per source by which reading puts the selections on word boundaries).
Everything that cannot be carried into a fivep study is listed in ``skipped`` (REFI-QDA 1.5, §7).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from fivep.coding.codebook import check_code_count
from fivep.errors import InputError
from fivep.exchange.refi import (
    PROJECT_NS,
    RefiCode,
    kid,
    kids,
    local,
    namespace,
    norm_guid,
    read_codes,
    text_of,
)
from fivep.exchange.safety import Limits, SafeArchive, parse_xml

_VALUES = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")
_NAMESPACE = re.compile(r"^urn:QDA-XML:project:1[.:]0$", re.IGNORECASE)


@dataclass
class RefiCoding:
    source: str          # normalised source GUID
    start: int
    end: int
    code: str            # normalised code GUID
    user: str | None     # normalised user GUID


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str
    description: str = ""
    path: str = ""
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass
class RefiCase:
    guid: str
    name: str
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass
class RefiProject:
    name: str
    origin: str = ""
    description: str = ""
    users: dict[str, str] = field(default_factory=dict)          # GUID -> user name
    codes: list[RefiCode] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)            # names, in declaration order
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    codings: list[RefiCoding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _value(element: Any) -> Any:
    for child in element:
        name = local(child.tag)
        if name not in _VALUES:
            continue
        text = (child.text or "").strip()
        if name == "BooleanValue":
            return text.lower() in ("true", "1")
        if name == "IntegerValue":
            try:
                return int(text)
            except ValueError:
                return text
        if name == "FloatValue":
            try:
                return float(text)
            except ValueError:
                return text
        return text
    return None


def _variables(element: Any, declared: dict[str, str]) -> dict[str, Any]:
    """Variable values of a case or source: by reference to a declaration, or named in place."""
    out: dict[str, Any] = {}
    for holder in kids(element, "VariableValue", "Variable"):
        ref = kid(holder, "VariableRef")
        name = declared.get(norm_guid(ref.get("targetGUID"))) if ref is not None else None
        name = name or holder.get("name") or (ref.get("name") if ref is not None else None)
        if name is None and local(holder.tag) == "Variable":
            name = declared.get(norm_guid(holder.get("guid")))
        value = _value(holder)
        if name and value is not None and value != "":
            out[name] = value
    return out


def _line_breaks(raw: str, text: str, spans: list[tuple[int, int]]) -> tuple[Any, str]:
    """How this source counts ``\\r\\n``: returns ``(offset mapper, "one" | "two")``."""
    pairs = [m.start() for m in re.finditer("\r\n", raw)]

    def two(p: int) -> int:
        return p - bisect_left(pairs, p)

    def one(p: int) -> int:
        return p

    def score(mapper: Any) -> int:
        total = 0
        for start, end in spans:
            for p in (mapper(start), mapper(end)):
                if not 0 <= p <= len(text):
                    total -= 10
                elif p in (0, len(text)) or not (text[p - 1].isalnum() and text[p].isalnum()):
                    total += 1
        return total

    if not pairs:
        return one, "one"
    return (two, "two") if score(two) >= score(one) else (one, "one")


class _Reader:
    def __init__(self, archive: SafeArchive, qde: str) -> None:
        self.archive = archive
        self.base = str(PurePosixPath(qde).parent) if "/" in qde else ""
        self.qde = qde
        self.where = f"{archive.path}!{qde}"
        self.skipped: Counter[str] = Counter()
        self.sources_seen: dict[str, str] = {}   # source GUID -> name

    def member(self, path: str) -> str | None:
        """The archive member a ``plainTextPath`` names, however the tool wrote it."""
        path = unquote(path.strip())
        for prefix in ("internal://", "relative://", "absolute://", "file://"):
            if path.casefold().startswith(prefix):
                path = path[len(prefix):]
                break
        path = path.replace("\\", "/").lstrip("/")
        name = PurePosixPath(path).name
        prefix = f"{self.base}/" if self.base else ""
        for candidate in (f"{prefix}sources/{path}", f"{prefix}{path}", path, f"{prefix}sources/{name}"):
            found = self.archive.find(candidate)
            if found:
                return found
        return None

    def text_source(self, element: Any, project: RefiProject, declared: dict[str, str],
                    fallback_user: str | None, name: str | None = None) -> None:
        from fivep.ingest.encoding import decode_bytes

        source_guid = norm_guid(element.get("guid"))
        name = name or element.get("name") or ""
        label = name or source_guid
        if not source_guid:   # its codings are inside it: a stand-in GUID keeps them together
            source_guid = f"no-guid-{len(project.sources) + 1}"
        first = self.sources_seen.get(source_guid)
        if first is not None:
            n = sum(1 for e in element.iter() if local(e.tag) == "Coding")
            project.skipped.append(f"source '{label}' and its {n} coding(s): its GUID {source_guid} is also that of "
                                   f"source '{first}', so their codings could not be told apart (not imported; "
                                   "export the project again, or ask the program's makers)")
            return
        self.sources_seen[source_guid] = label
        content = kid(element, "PlainTextContent")
        path = element.get("plainTextPath")
        if content is not None:
            raw = content.text or ""
        elif path:
            found = self.member(path)
            if found is None:
                project.skipped.append(f"source '{label}': its text '{path}' is not in the archive")
                return
            data = self.archive.read(found)
            try:
                raw, _ = decode_bytes(data, f"{self.archive.path}!{found}")
            except InputError as error:
                project.skipped.append(f"source '{label}': its text cannot be read ({error.message})")
                return
            raw = raw.lstrip("\ufeff")
        else:
            project.skipped.append(f"source '{label}': it has no plain text (plainTextPath or PlainTextContent)")
            return
        if element.get("richTextPath"):
            self.skipped["rich-text versions of sources (the plain text is imported)"] += 1
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        user = norm_guid(element.get("creatingUser")) or fallback_user
        found_codings: list[tuple[int, int, str, str | None]] = []
        for selection in kids(element, "PlainTextSelection"):
            codings = list(kids(selection, "Coding"))
            if not codings:
                self.skipped["selections without codes (quotations)"] += 1
            self.skipped["notes on selections"] += len(list(kids(selection, "NoteRef")))
            try:
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            except (TypeError, ValueError):
                self.skipped["selections without numeric positions"] += len(codings)
                continue
            selection_user = norm_guid(selection.get("creatingUser")) or user
            for coding in codings:
                ref = kid(coding, "CodeRef")
                if ref is None:
                    continue
                found_codings.append((start, end, norm_guid(ref.get("targetGUID")),
                                      norm_guid(coding.get("creatingUser")) or selection_user))
        mapper, counted = _line_breaks(raw, text, [(s, e) for s, e, _, _ in found_codings])
        if "\r\n" in raw and found_codings:
            project.notes.append(f"source '{label}': \\r\\n line breaks counted as {counted} character(s), "
                                 "the reading that puts the selections on word boundaries")
        for start, end, code, coding_user in found_codings:
            project.codings.append(RefiCoding(source_guid, mapper(start), mapper(end), code, coding_user))
        for coding in kids(element, "Coding"):       # a code on the whole source
            ref = kid(coding, "CodeRef")
            if ref is not None:
                project.codings.append(RefiCoding(source_guid, 0, len(text), norm_guid(ref.get("targetGUID")),
                                                  norm_guid(coding.get("creatingUser")) or user))
        self.skipped["notes on sources"] += len(list(kids(element, "NoteRef")))
        project.sources.append(RefiSource(source_guid, name, text, text_of(element, "Description").strip(),
                                          path or "", _variables(element, declared)))

    def project(self, root: Any) -> RefiProject:
        if local(root.tag) != "Project":
            raise InputError(f"not a REFI-QDA project (the root element is <{local(root.tag)}>, not <Project>)",
                             path=self.where, hint="a .qdpx holds project.qde with a <Project> element")
        project = RefiProject(name=root.get("name") or Path(self.archive.path).stem, origin=root.get("origin") or "",
                              description=text_of(root, "Description").strip())
        ns = namespace(root.tag)
        if ns and ns != PROJECT_NS and not _NAMESPACE.match(ns):
            project.notes.append(f"unusual namespace '{ns}': read as REFI-QDA anyway")
        users = kid(root, "Users")
        for user in kids(users, "User") if users is not None else []:
            key = norm_guid(user.get("guid"))
            project.users[key] = (user.get("name") or user.get("id") or f"user-{key[:8]}").strip()
        codebook = kid(root, "CodeBook")
        codes = kid(codebook, "Codes") if codebook is not None else None
        project.codes = read_codes(codes) if codes is not None else []
        check_code_count(len(project.codes), self.where)
        declared: dict[str, str] = {}
        for variable in root.iter():
            if local(variable.tag) == "Variable" and variable.get("guid") and variable.get("name"):
                if variable.get("name") not in declared.values():
                    project.variables.append(variable.get("name"))
                declared[norm_guid(variable.get("guid"))] = variable.get("name")
        cases = kid(root, "Cases")
        for case in kids(cases, "Case") if cases is not None else []:
            values = _variables(case, declared)
            for name in values:
                if name not in project.variables:
                    project.variables.append(name)
            project.cases.append(RefiCase(norm_guid(case.get("guid")), (case.get("name") or "").strip(), values))
            self.skipped["links from cases to codes and selections"] += len(list(kids(case, "CodeRef", "SelectionRef")))
        fallback_user = norm_guid(root.get("creatingUserGUID")) or None
        sources = kid(root, "Sources")
        for element in sources if sources is not None else []:
            kind = local(element.tag)
            if kind == "TextSource":
                self.text_source(element, project, declared, fallback_user)
            elif kind == "PDFSource" and kid(element, "Representation") is not None:
                self.text_source(kid(element, "Representation"), project, declared, fallback_user,
                                 name=element.get("name"))
                areas = sum(len(list(kids(s, "Coding"))) for s in kids(element, "PDFSelection"))
                self.skipped["codings on PDF page areas (the PDF's plain text is imported)"] += areas
            elif kind:
                self.skipped[f"{kind}(s) (fivep imports text only)"] += 1
        for section, what in (("Notes", "notes"), ("Links", "links"), ("Sets", "sets"), ("Graphs", "graphs")):
            found = kid(root, section)
            if found is not None and len(found):
                self.skipped[f"{what} (fivep has no place for them)"] += len(found)
        project.skipped.extend(f"{n} {what}" for what, n in self.skipped.items() if n > 0)
        return project


def read_qdpx(path: str | Path, limits: Limits | None = None) -> RefiProject:
    """Read a ``.qdpx`` safely (see :mod:`fivep.exchange.safety`) into a :class:`RefiProject`."""
    with SafeArchive(path, limits) as archive:
        qdes = [n for n in archive.names if n.casefold().endswith(".qde")]
        if not qdes:
            raise InputError("the archive holds no project.qde", path=path,
                             hint="a .qdpx is a zip with project.qde and sources/; export the project again")
        qde = min(qdes, key=lambda n: (PurePosixPath(n).name.casefold() != "project.qde", n.count("/"), n))
        reader = _Reader(archive, qde)
        xml_limit = (limits or Limits()).xml_bytes
        if archive.size(qde) > xml_limit:
            archive.refuse(f"the project XML '{qde}' unpacks to {archive.size(qde) // 2**20} MB, more than the limit "
                           f"of {xml_limit // 2**20} MB")
        root = parse_xml(archive.read(qde), reader.where)
        project = reader.project(root)
        if len(qdes) > 1:
            project.skipped.append(f"{len(qdes) - 1} more .qde file(s) in the archive (read {qde})")
    return project
