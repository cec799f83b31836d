"""REFI-QDA codebooks (``.qdc``): a fivep codebook to XML and back.

A REFI code has a name, a colour and one free-text description. fivep writes the code's name in
one language (English by default) and puts everything else a coder needs into the description as
labelled lines, readable in ATLAS.ti, NVivo or MAXQDA and parsed back on import::

    Definition: Government and ministry-level policy ...
    Definition (th): นโยบายระดับรัฐบาลและกระทรวง ...
    Include: ...
    Example: ...                 (one line per example)
    Keywords (th): ตัวชี้วัดคดี; เป้าคดี
    Label (th): นโยบาย
    fivep id: policy

A description without such lines (another tool's) becomes the code's definition. Colours follow
the 5P dimension unless the codebook YAML gives a ``color``; a code imported from another tool
keeps its colour and GUID in the YAML (``color``, ``guid``), so it goes back with the same identity.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fivep.errors import CodebookError, InputError
from fivep.exchange.refi import (
    CODEBOOK_NS,
    ImportReport,
    RefiCode,
    guid,
    is_guid,
    kid,
    local,
    read_codes,
    xml_safe,
)
from fivep.model import DIMENSIONS, Code, Codebook

DIMENSION_COLOURS = {"policy": "#1F77B4", "prosecution": "#D62728", "protection": "#2CA02C",
                     "prevention": "#FF7F0E", "partnership": "#9467BD", "actor": "#7F7F7F"}
OTHER_COLOUR = "#8C564B"
MAX_QDC_BYTES = 64 * 2**20
_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_COLOUR = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_ORIGIN = re.compile(r'codebook "(?P<name>.*)", version (?P<version>[^)]*)\)')

# (field, label) in the order a reader wants them; lists are written one item per line (examples)
# or joined with "; " (keywords).
_FIELDS: tuple[tuple[str, str], ...] = (
    ("definition", "Definition"), ("definition_th", "Definition (th)"), ("include", "Include"),
    ("exclude", "Exclude"), ("examples", "Example"), ("keywords_th", "Keywords (th)"),
    ("keywords_en", "Keywords (en)"), ("weak_keywords", "Weak keywords"), ("label_en", "Label (en)"),
    ("label_th", "Label (th)"), ("dimension", "Dimension"), ("id", "fivep id"),
)
_BY_LABEL = {label.casefold(): name for name, label in _FIELDS}
_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]*(?: \((?:th|en)\))?): ?(?P<value>.*)$")
_KEYWORD_LISTS = ("keywords_th", "keywords_en", "weak_keywords")


def describe_code(code: Code) -> str:
    """The description fivep writes for ``code`` (see the module docstring)."""
    lines: list[str] = []
    for name, label in _FIELDS:
        value = getattr(code, name)
        if name == "examples":
            lines.extend(f"{label}: {example}" for example in value)
        elif name in _KEYWORD_LISTS:
            if value:
                lines.append(f"{label}: {'; '.join(value)}")
        elif value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


def parse_description(text: str) -> tuple[dict[str, Any], str]:
    """``(fields, free_text)`` from a code description; unlabelled lines are free text."""
    fields: dict[str, Any] = {}
    free: list[str] = []
    last: str | None = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _LINE.match(line)
        name = _BY_LABEL.get(match.group("label").casefold()) if match else None
        if match and name:
            value = match.group("value").strip()
            if name == "examples":
                fields.setdefault(name, []).append(value)
            elif name in _KEYWORD_LISTS:
                fields.setdefault(name, []).extend(v.strip() for v in value.split(";") if v.strip())
            else:
                fields[name] = value
            last = name
        elif last is not None and last not in _KEYWORD_LISTS:
            if last == "examples":
                fields[last][-1] += "\n" + line
            else:
                fields[last] += "\n" + line
        else:
            free.append(line)
    return fields, "\n".join(free).strip()


# --- export -------------------------------------------------------------------------------------


def codebook_extras(path: Path | None) -> dict[str, dict[str, Any]]:
    """Per-code fields fivep's loader ignores but exchange keeps (``color``, ``guid``, ``codable``)."""
    if path is None or not path.exists():
        return {}
    import yaml

    from fivep import safe_yaml

    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8-sig")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return {}
    out: dict[str, dict[str, Any]] = {}
    items = data.get("codes") if isinstance(data, dict) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("id"):
            out[str(item["id"])] = {k: item[k] for k in ("color", "guid", "codable") if k in item}
    return out


def load_any_codebook(spec: str | Path, base: Path | None = None) -> tuple[Codebook, Path | None, list[str]]:
    """A codebook for exchange: ``(codebook, its file, errors)``.

    Unlike :func:`fivep.coding.codebook.load_codebook` this does not refuse a codebook that fails
    fivep's checks (a codebook imported from another tool has no 5P dimensions or keywords): exchange
    carries it as it is, and the caller reports the errors.
    """
    from fivep.coding.codebook import parse_codebook, resolve_codebook_path

    path = resolve_codebook_path(spec, base)
    codebook, problems, _ = parse_codebook(path)
    return codebook, path, [p.render(path.name) for p in problems if p.severity == "error"]


def code_guids(codebook: Codebook, extras: dict[str, dict[str, Any]] | None = None) -> dict[str, str]:
    """Each code's GUID: the one it came with from another tool, else derived from its id."""
    extras = extras or {}
    out = {}
    for code in codebook.codes:
        kept = str(extras.get(code.id, {}).get("guid") or "")
        out[code.id] = kept if is_guid(kept) else guid("code", code.id)
    return out


def add_codes(parent: Any, codebook: Codebook, ns: str, *, lang: str = "en",
              extras: dict[str, dict[str, Any]] | None = None, extra_ids: Iterable[str] = ()) -> None:
    """Append ``Code`` elements (the hierarchy, colours, descriptions) to ``parent`` (a ``Codes``)."""
    from lxml import etree

    extras = extras or {}
    guids = code_guids(codebook, extras)
    children: dict[str | None, list[Code]] = {}
    for code in codebook.codes:
        key = code.parent if code.parent in codebook else None
        children.setdefault(key, []).append(code)

    def element(into: Any, code: Code) -> None:
        colour = str(extras.get(code.id, {}).get("color") or "")
        if not _COLOUR.match(colour):
            colour = DIMENSION_COLOURS.get(code.dimension, OTHER_COLOUR)
        codable = extras.get(code.id, {}).get("codable", True) is not False
        node = etree.SubElement(into, f"{{{ns}}}Code", guid=guids[code.id],
                                name=xml_safe(code.label(lang) or code.id), isCodable="true" if codable else "false",
                                color=colour)
        description = describe_code(code)
        if description:
            etree.SubElement(node, f"{{{ns}}}Description").text = xml_safe(description)
        for child in children.get(code.id, []):
            element(node, child)

    for code in children.get(None, []):
        element(parent, code)
    for code_id in extra_ids:          # codes used by codings but missing from the codebook
        etree.SubElement(parent, f"{{{ns}}}Code", guid=guid("code", code_id), name=xml_safe(code_id),
                         isCodable="true", color=OTHER_COLOUR)


def origin(codebook: Codebook) -> str:
    from fivep import __version__

    return f'fivep {__version__} (codebook "{codebook.name}", version {codebook.version})'


def write_qdc(codebook: Codebook, out: str | Path, *, lang: str = "en", source: Path | None = None) -> Path:
    """Write ``codebook`` as a REFI-QDA ``.qdc`` (valid against Codebook-mrt2019.xsd).

    ``source`` is the codebook's YAML file, read again for colours and kept GUIDs.
    """
    from lxml import etree

    out = Path(out)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=xml_safe(origin(codebook)))
    codes = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    if not codebook.codes:
        raise CodebookError("the codebook has no codes; a .qdc needs at least one", path=source)
    add_codes(codes, codebook, CODEBOOK_NS, lang=lang, extras=codebook_extras(source))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))
    return out


# --- import -------------------------------------------------------------------------------------


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if text and not text[0].isalpha():
        text = "c_" + text
    return text


def _dimension_names() -> dict[str, str]:
    """Names of the 5P dimensions in both languages (from the built-in codebook) -> dimension."""
    from fivep.coding.codebook import load_codebook

    names = {d: d for d in (*DIMENSIONS, "actor")}
    try:
        for code in load_codebook("5p").codes:
            if code.is_root:
                for label in (code.label_en, code.label_th):
                    names[label.casefold().strip()] = code.dimension
    except CodebookError:
        pass
    return names


def codes_to_yaml(codes: list[RefiCode]) -> tuple[list[dict[str, Any]], dict[str, str], list[str]]:
    """fivep codebook entries for REFI codes. Returns ``(entries, guid -> id, notes)``."""
    from fivep.exchange.refi import norm_guid

    dimensions = _dimension_names()
    by_guid: dict[str, dict[str, Any]] = {}
    ids: dict[str, str] = {}
    used: set[str] = set()
    suffixes: dict[str, int] = {}   # the next number to try after a taken id (linear, however many repeat)
    entries: list[dict[str, Any]] = []
    notes: list[str] = []
    outside: list[str] = []
    for code in codes:
        fields, free = parse_description(code.description)
        parent = by_guid.get(norm_guid(code.parent)) if code.parent else None
        thai = any("\u0e00" <= ch <= "\u0e7f" for ch in code.name)
        dimension = fields.get("dimension") or (parent["dimension"] if parent else None)
        if not dimension:
            dimension = dimensions.get(code.name.casefold().strip(), "")
        wanted = str(fields.get("id") or "")
        if not (_ID.match(wanted) and wanted not in used):
            if parent is None and dimension and dimension not in used and not wanted:
                wanted = dimension
            else:
                slug = _slug(code.name) or f"code_{norm_guid(code.guid)[:8] or len(entries)}"
                wanted = f"{parent['id']}.{slug}" if parent else slug
                base, n = wanted, suffixes.get(wanted, 2)
                while wanted in used:
                    wanted, n = f"{base}_{n}", n + 1
                suffixes[base] = n
        used.add(wanted)
        if not dimension:
            dimension = wanted.split(".")[0]
            if parent is None:
                outside.append(code.name)
        entry: dict[str, Any] = {"id": wanted}
        if parent:
            entry["parent"] = parent["id"]
        entry["dimension"] = dimension
        entry["label_en"] = fields.get("label_en") or ("" if thai else code.name)
        entry["label_th"] = fields.get("label_th") or (code.name if thai else "")
        definition = fields.get("definition") or ""
        if free:
            definition = f"{definition}\n{free}".strip() if definition else free
        for name, value in (("definition", definition), ("definition_th", fields.get("definition_th")),
                            ("include", fields.get("include")), ("exclude", fields.get("exclude")),
                            ("examples", fields.get("examples")), ("keywords_th", fields.get("keywords_th")),
                            ("keywords_en", fields.get("keywords_en"))):
            if value:
                entry[name] = value
        weak = fields.get("weak_keywords") or []
        weak_th = [w for w in weak if any("\u0e00" <= ch <= "\u0e7f" for ch in w)]
        if weak_th:
            entry["weak_keywords_th"] = weak_th
        if len(weak_th) < len(weak):
            entry["weak_keywords_en"] = [w for w in weak if w not in weak_th]
        if code.color and _COLOUR.match(code.color) and code.color.upper() != DIMENSION_COLOURS.get(dimension):
            entry["color"] = code.color.upper()
        if is_guid(code.guid) and norm_guid(code.guid) != guid("code", wanted):
            entry["guid"] = code.guid
        if not code.codable:
            entry["codable"] = False
        entries.append(entry)
        by_guid[norm_guid(code.guid)] = entry
        ids[norm_guid(code.guid)] = wanted
    if outside:
        notes.append(f"{len(outside)} top-level code(s) are not 5P dimensions ({', '.join(outside[:5])}"
                     f"{' ...' if len(outside) > 5 else ''}): each became its own dimension, which fivep's tagger "
                     "and reports do not know")
    return entries, ids, notes


def write_codebook_yaml(entries: list[dict[str, Any]], path: Path, *, name: str, version: str,
                        description: str = "") -> list[str]:
    """Write a codebook YAML; returns the problems ``fivep codebook check`` finds in it."""
    import yaml

    from fivep.coding.codebook import parse_codebook

    data: dict[str, Any] = {"name": name, "version": str(version)}
    if description:
        data["description"] = description
    data["codes"] = entries
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Imported from REFI-QDA by fivep. Check it with: fivep codebook check " + path.name + "\n"
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    try:
        _, problems, _ = parse_codebook(path)
    except CodebookError as error:
        return [str(error)]
    return [p.render(path.name) for p in problems if p.severity == "error"]


def parse_origin(text: str | None) -> tuple[str | None, str | None]:
    """The codebook name and version fivep put in ``origin``, if it did."""
    match = _ORIGIN.search(text or "")
    return (match.group("name"), match.group("version")) if match else (None, None)


def read_qdc(path: str | Path) -> tuple[list[RefiCode], str | None, list[str]]:
    """The codes of a ``.qdc`` file (any namespace). Returns ``(codes, origin, skipped)``."""
    from fivep.coding.codebook import check_code_count
    from fivep.exchange.safety import parse_xml

    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    if size > MAX_QDC_BYTES:
        raise InputError(f"the codebook file is {size // 2**20} MB, more than the limit of "
                         f"{MAX_QDC_BYTES // 2**20} MB", path=path)
    root = parse_xml(path.read_bytes(), path)
    if local(root.tag) == "Project":
        found = kid(root, "CodeBook")
        if found is None:
            raise InputError("the project has no codebook", path=path)
        root = found
    if local(root.tag) != "CodeBook":
        raise InputError(f"not a REFI-QDA codebook (the root element is <{local(root.tag)}>, not <CodeBook>)",
                         path=path, hint="export the codebook again as .qdc")
    codes_element = kid(root, "Codes")
    codes = read_codes(codes_element) if codes_element is not None else []
    check_code_count(len(codes), path)
    skipped = []
    sets = kid(root, "Sets")
    if sets is not None and len(sets):
        skipped.append(f"{len(sets)} code set(s): fivep codebooks have no sets")
    return codes, root.get("origin"), skipped


def import_qdc(path: str | Path, out: str | Path | None = None) -> ImportReport:
    """Turn a ``.qdc`` into a fivep codebook YAML (``out``, default: next to it with ``.yaml``)."""
    path = Path(path)
    target = Path(out) if out is not None else path.with_suffix(".yaml")
    codes, source_origin, skipped = read_qdc(path)
    if not codes:
        raise InputError("the codebook has no codes", path=path)
    entries, _, notes = codes_to_yaml(codes)
    name, version = parse_origin(source_origin)
    problems = write_codebook_yaml(entries, target, name=name or path.stem, version=version or "1",
                                   description=f"Imported from {path.name}"
                                               + (f" ({source_origin})" if source_origin else ""))
    return ImportReport(str(path), str(target), codes=len(entries), skipped=skipped, notes=notes,
                        codebook_problems=problems)
