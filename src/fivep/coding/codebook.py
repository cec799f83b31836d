"""Codebooks: load from YAML (with line numbers for every error) and check.

A codebook file holds ``name``, ``version`` and a list of ``codes``; each code has an ``id``
(dotted, ``protection.shelter``), a ``dimension`` (one of the 5P, or ``actor`` for the
cross-cutting actor codes), labels in Thai and English, a definition, inclusion and exclusion
criteria, examples, and Thai and English keywords. Weak keywords (``weak_keywords_th``,
``weak_keywords_en``) are words that point to a code only with corroboration (a place name such as
"ลาว" for partnership with neighbouring countries): the tagger codes them only together with another
keyword of the code. ``load_codebook("5p")`` loads the codebook that ships with fivep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fivep.errors import CodebookError
from fivep.model import DIMENSIONS, Code, Codebook

ACTOR = "actor"
VALID_DIMENSIONS = (*DIMENSIONS, ACTOR)
_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_LIST_FIELDS = ("examples", "keywords_th", "keywords_en", "weak_keywords_th", "weak_keywords_en")
_KEYWORD_FIELDS = ("keywords_th", "keywords_en", "weak_keywords_th", "weak_keywords_en")
_TEXT_FIELDS = ("label_en", "label_th", "definition", "definition_th", "include", "exclude")
MAX_CODES = 10_000                # a codebook (YAML, .qdc or a project's) holds at most this many codes
MAX_CODEBOOK_BYTES = 16 * 2**20   # the built-in 5P codebook is 160 KB


def keyword_key(keyword: str) -> str:
    """How keywords are compared for collisions: case-folded, spaces collapsed."""
    return " ".join(keyword.casefold().split())


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    severity: str = "error"   # error | warning

    def render(self, path: str) -> str:
        return f"{path}, line {self.line}: {self.severity}: {self.message}"


def _builtin_path(name: str) -> Path:
    candidates = [Path(__file__).resolve().parents[3] / "codebooks" / f"{name}.yaml"]
    packaged = resources.files("fivep").joinpath("data", "codebooks", f"{name}.yaml")
    candidates.append(Path(str(packaged)))
    for candidate in candidates:
        if candidate.exists():
            return candidate
    builtin = sorted({p.stem for c in candidates for p in c.parent.glob("*.yaml")} if candidates else set())
    raise CodebookError(f"no built-in codebook named '{name}'",
                        hint=f"built-in: {', '.join(builtin) or 'none'}; or pass the path of a codebook .yaml file")


def resolve_codebook_path(spec: str | Path, base: Path | None = None) -> Path:
    """A codebook given by path (absolute, or relative to ``base``) or by built-in name (``"5p"``)."""
    path = Path(spec)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_absolute() and base is not None and (base / path).exists():
            return base / path
        return path
    return _builtin_path(str(spec))


def _compose(path: Path) -> Any:
    import yaml

    from fivep import safe_yaml

    try:
        size = path.stat().st_size
        if size > MAX_CODEBOOK_BYTES:
            raise CodebookError(f"the codebook file is {size // 2**20} MB, more than the limit of "
                                f"{MAX_CODEBOOK_BYTES // 2**20} MB", path=path, hint="is this really a codebook?")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError("codebook not found", path=path) from None
    except UnicodeDecodeError:
        raise CodebookError("the codebook is not UTF-8 text", path=path) from None
    try:
        return safe_yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise CodebookError(f"not valid YAML: {getattr(error, 'problem', None) or error}", path=path,
                            line=mark.line + 1 if mark else None) from None


@cache
def _constructor() -> Any:
    import yaml

    return yaml.constructor.SafeConstructor()


def _scalar(node: Any) -> Any:
    """The Python value of a node (one constructor for every node: building a loader each time cost
    half of reading the codebook)."""
    if node is None:
        return None
    constructor = _constructor()
    try:
        return constructor.construct_object(node, deep=True)
    finally:
        constructor.constructed_objects.clear()


def check_code_count(count: int, path: str | Path) -> None:
    """Refuse a codebook of more than :data:`MAX_CODES` codes (a hostile file, or not a codebook)."""
    if count > MAX_CODES:
        raise CodebookError(f"the codebook holds {count} codes, more than the limit of {MAX_CODES}", path=path,
                            hint="a codebook this large is not one a team codes with; check the file")


def parse_codebook(path: str | Path) -> tuple[Codebook, list[Problem], dict[str, int]]:
    """Parse a codebook file, collecting every problem with its line.

    Returns ``(codebook, problems, lines)`` where ``lines`` maps code ids to their line.
    """
    import yaml

    path = Path(path)
    root = _compose(path)
    problems: list[Problem] = []
    if not isinstance(root, yaml.MappingNode):
        raise CodebookError("a codebook is a mapping with name, version and codes", path=path, line=1)
    top = {k.value: v for k, v in root.value}
    codes_node = top.get("codes")
    if not isinstance(codes_node, yaml.SequenceNode):
        raise CodebookError("'codes' must be a list of codes", path=path,
                            line=(codes_node.start_mark.line + 1) if codes_node is not None else 1)
    check_code_count(len(codes_node.value), path)
    codes: list[Code] = []
    lines: dict[str, int] = {}
    keyword_owner: dict[tuple[str, bool], tuple[str, int]] = {}
    for item in codes_node.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(line, "each code must be a mapping (id: ..., label_en: ...)"))
            continue
        fields = {k.value: v for k, v in item.value}
        raw = {k: _scalar(v) for k, v in fields.items()}
        code_id = str(raw.get("id") or "")
        if not code_id:
            problems.append(Problem(line, "a code has no id"))
            continue
        if not _ID.match(code_id):
            from fivep.ingest.thai import invisible_characters

            hidden = invisible_characters(code_id)
            problems.append(Problem(line, f"id '{code_id}' must be dotted lower-case words (policy.case_indicators)"
                                    + (f"; it holds invisible character(s) {', '.join(hidden)}: delete them"
                                       if hidden else "")))
        if code_id in lines:
            problems.append(Problem(line, f"duplicate id '{code_id}' (first on line {lines[code_id]})"))
            continue
        lines[code_id] = line
        dimension = str(raw.get("dimension") or code_id.split(".")[0])
        if dimension not in VALID_DIMENSIONS:
            problems.append(Problem(line, f"code '{code_id}' has unknown dimension '{dimension}' "
                                          f"(use one of {', '.join(VALID_DIMENSIONS)})"))
        lists: dict[str, tuple[str, ...]] = {}
        for name in _LIST_FIELDS:
            value = raw.get(name) or []
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                problems.append(Problem(fields[name].start_mark.line + 1, f"'{name}' of '{code_id}' must be a list"))
                value = []
            lists[name] = tuple(str(v).strip() for v in value if str(v).strip())
        for name in _KEYWORD_FIELDS:
            node = fields.get(name)
            if isinstance(node, yaml.SequenceNode):
                for kw_node in node.value:
                    kw = str(_scalar(kw_node)).strip()
                    if not kw:
                        continue
                    key = (keyword_key(kw), dimension == ACTOR)
                    kw_line = kw_node.start_mark.line + 1
                    owner = keyword_owner.get(key)
                    if owner and owner[0] != code_id:
                        problems.append(Problem(kw_line, f"keyword '{kw}' of '{code_id}' is also a keyword of "
                                                         f"'{owner[0]}' (line {owner[1]})"))
                    elif owner:
                        problems.append(Problem(kw_line, f"keyword '{kw}' is listed twice in '{code_id}'",
                                                "warning"))
                    else:
                        keyword_owner[key] = (code_id, kw_line)
        texts = {name: str(raw.get(name) or "").strip() for name in _TEXT_FIELDS}
        for name in ("label_en", "label_th"):
            if not texts[name]:
                problems.append(Problem(line, f"code '{code_id}' has no {name}"))
        parent = raw.get("parent")
        codes.append(Code(code_id, dimension, texts["label_en"], texts["label_th"], texts["definition"],
                          texts["include"], texts["exclude"], lists["examples"], lists["keywords_th"],
                          lists["keywords_en"], str(parent) if parent else None, texts["definition_th"],
                          lists["weak_keywords_th"] + lists["weak_keywords_en"]))
    known = set(lines)
    parents = {c.parent for c in codes if c.parent}
    for code in codes:
        line = lines[code.id]
        if code.parent and code.parent not in known:
            problems.append(Problem(line, f"code '{code.id}' has unknown parent '{code.parent}'"))
        has_children = code.id in parents
        if code.parent and not has_children and not (code.keywords_th or code.keywords_en):
            problems.append(Problem(line, f"code '{code.id}' has no keywords (keywords_th and keywords_en are empty)"))
        elif code.parent and not has_children and not (code.keywords_th and code.keywords_en):
            missing = "keywords_th" if not code.keywords_th else "keywords_en"
            problems.append(Problem(line, f"code '{code.id}' has an empty {missing}", "warning"))
    name = _scalar(top.get("name")) or path.stem
    version = _scalar(top.get("version"))
    if version is None:
        problems.append(Problem(1, "the codebook has no version", "warning"))
    problems.sort(key=lambda p: p.line)
    return Codebook(str(name), str(version or "0"), tuple(codes)), problems, lines


def check_codebook(path: str | Path) -> list[Problem]:
    """Every problem of a codebook file, errors and warnings, in line order."""
    return parse_codebook(path)[1]


def load_codebook(spec: str | Path = "5p", base: Path | None = None) -> Codebook:
    """Load a codebook by built-in name or path; raises :class:`CodebookError` on the first error."""
    path = resolve_codebook_path(spec, base)
    codebook, problems, _ = parse_codebook(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more; run 'fivep codebook check {path}')" if len(errors) > 1 else ""
        raise CodebookError(first.message + more, path=path, line=first.line)
    return codebook


def codebook_rows(codebook: Codebook, lang: str = "en") -> list[dict[str, str | int]]:
    """One row per code, in codebook order (``fivep codebook list``): id, dimension, parent, label, keywords."""
    return [{"id": c.id, "dimension": c.dimension, "parent": c.parent or "", "label": c.label(lang),
             "keywords": len(c.keywords_th) + len(c.keywords_en)} for c in codebook.codes]
