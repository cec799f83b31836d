"""Edit a study's codebook: create, rename and merge codes, saved into the study folder.

A study that uses a built-in codebook (``codebook = "5p"``) gets its own copy at the first edit,
``STUDY/codebook.yaml``, and ``study.toml`` is pointed at it (comments and layout of study.toml are
kept). Every edit is checked with :func:`fivep.coding.codebook.parse_codebook` before it is saved: an
edit that would break the codebook is refused and the file is left as it was. Renaming and merging
also move the codings, through :meth:`fivep.Study.recode`, so no coding is left on a code that no
longer exists.

>>> create_code(study, "protection.school_return", "protection", "Return to school",
...             "การกลับไปเรียน", parent="protection", keywords_th=["กลับไปเรียน"])   # doctest: +SKIP
>>> rename_code(study, "protection.school_return", "protection.education")          # doctest: +SKIP
>>> merge_codes(study, "protection.education", into="prevention.education")         # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fivep.coding.codebook import _ID, VALID_DIMENSIONS, parse_codebook, resolve_codebook_path
from fivep.errors import CodebookError

if TYPE_CHECKING:
    from fivep.study import Study

STUDY_CODEBOOK = "codebook.yaml"
_NOTE = "# last edited in fivep:"
_LISTS = ("examples", "keywords_th", "keywords_en", "weak_keywords_th", "weak_keywords_en")


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    """The codebook's data and the comment block at its top (kept; earlier edit notes dropped)."""
    import yaml

    text = path.read_text(encoding="utf-8-sig")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith(_NOTE):
            header.append(line + "\n")
    return "".join(header), yaml.safe_load(text)


def _files(study: Study) -> tuple[Path, Path]:
    """``(read from, write to)``: the study's own codebook file, or a built-in one and its new copy."""
    source = resolve_codebook_path(study.config.codebook, study.root)
    try:
        source.resolve().relative_to(study.root.resolve())
        return source, source
    except ValueError:
        pass
    target = study.root / STUDY_CODEBOOK
    if target.exists():
        raise CodebookError(f"study.toml uses codebook '{study.config.codebook}' but {STUDY_CODEBOOK} exists "
                            "in the study folder", path=target,
                            hint=f'set codebook = "{STUDY_CODEBOOK}" in study.toml to edit that one, or rename it')
    return source, target


def _point_config_at(study: Study, name: str) -> Callable[[], None]:
    """Set ``codebook = name`` in study.toml (its comments and layout kept); returns how to undo it."""
    import tomlkit

    path = study.root / "study.toml"
    before = path.read_text(encoding="utf-8-sig") if path.exists() else None
    document = tomlkit.parse(before) if before is not None else tomlkit.document()
    document["codebook"] = name
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    old, study.config.codebook = study.config.codebook, name

    def undo() -> None:
        if before is None:
            path.unlink()
        else:
            path.write_text(before, encoding="utf-8")
        study.config.codebook = old

    return undo


def _save(study: Study, files: tuple[Path, Path], header: str, data: dict[str, Any], what: str
          ) -> Callable[[], None]:
    """Write ``data`` if it parses as a codebook without errors (otherwise change nothing and raise).
    Returns how to undo the save."""
    import yaml

    source, target = files
    before = target.read_text(encoding="utf-8") if target == source else None
    target.write_text(header + f"{_NOTE} {what}\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                                                    width=100), encoding="utf-8")
    unpoint: Callable[[], None] = lambda: None

    def undo() -> None:
        if before is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(before, encoding="utf-8")
        unpoint()
        study.reload_codebook()

    _, problems, _ = parse_codebook(target)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        undo()
        raise CodebookError(f"not saved: {errors[0].message}", path=target)
    if before is None:
        unpoint = _point_config_at(study, target.name)
    study.reload_codebook()
    return undo


def _codes(data: dict[str, Any]) -> list[dict[str, Any]]:
    codes = data.get("codes")
    if not isinstance(codes, list):
        raise CodebookError("the codebook has no list of codes")
    return codes


def _find(codes: list[dict[str, Any]], code_id: str) -> dict[str, Any]:
    for code in codes:
        if str(code.get("id")) == code_id:
            return code
    raise CodebookError(f"no code '{code_id}' in the codebook")


def create_code(study: Study, code_id: str, dimension: str, label_en: str, label_th: str = "", *,
                parent: str | None = None, definition: str = "", keywords_th: Iterable[str] = (),
                keywords_en: Iterable[str] = ()) -> Path:
    """Add a code to the study's codebook. Returns the codebook file.

    A sub-code needs a keyword (Thai or English) so the rule tagger can find it too; the words of a
    statement that made you create the code are a good start.
    """
    if not _ID.match(code_id):
        raise CodebookError(f"code id '{code_id}' must be dotted lower-case words (protection.school_return)")
    if dimension not in VALID_DIMENSIONS:
        raise CodebookError(f"unknown dimension '{dimension}'", hint=f"use one of {', '.join(VALID_DIMENSIONS)}")
    if not label_en.strip():
        raise CodebookError("give the code an English label")
    files = _files(study)
    header, data = _read(files[0])
    codes = _codes(data)
    if any(str(c.get("id")) == code_id for c in codes):
        raise CodebookError(f"the codebook already has a code '{code_id}'", path=files[0])
    entry: dict[str, Any] = {"id": code_id}
    if parent:
        entry["parent"] = parent
    entry.update({"dimension": dimension, "label_en": label_en.strip(), "label_th": label_th.strip() or label_en.strip()})
    if definition.strip():
        entry["definition"] = definition.strip()
    for name, words in (("keywords_th", keywords_th), ("keywords_en", keywords_en)):
        kept = [w.strip() for w in words if w.strip()]
        if kept:
            entry[name] = kept
    codes.append(entry)
    _save(study, files, header, data, f"created {code_id}")
    return files[1]


def rename_code(study: Study, old: str, new: str) -> int:
    """Give code ``old`` the id ``new`` (its children follow) and move every coding. Returns the
    number of codings moved."""
    if not _ID.match(new):
        raise CodebookError(f"code id '{new}' must be dotted lower-case words (protection.school_return)")
    files = _files(study)
    header, data = _read(files[0])
    codes = _codes(data)
    if any(str(c.get("id")) == new for c in codes):
        raise CodebookError(f"the codebook already has a code '{new}'; merge into it instead", path=files[0])
    _find(codes, old)["id"] = new
    for code in codes:
        if code.get("parent") == old:
            code["parent"] = new
    return _apply(study, files, header, data, old, new, f"renamed {old} to {new}")


def merge_codes(study: Study, old: str, *, into: str) -> int:
    """Merge code ``old`` into ``into``: its codings, keywords and examples move there, its children
    hang under ``into``, and ``old`` leaves the codebook. Returns the number of codings moved."""
    if old == into:
        raise CodebookError("a code cannot be merged into itself")
    files = _files(study)
    header, data = _read(files[0])
    codes = _codes(data)
    source, target = _find(codes, old), _find(codes, into)
    for name in _LISTS:
        merged = list(dict.fromkeys([*(target.get(name) or []), *(source.get(name) or [])]))
        if merged:
            target[name] = merged
    codes.remove(source)
    for code in codes:
        if code.get("parent") == old:
            code["parent"] = into
    return _apply(study, files, header, data, old, into, f"merged {old} into {into}")


def _apply(study: Study, files: tuple[Path, Path], header: str, data: dict[str, Any], old: str, new: str,
           what: str) -> int:
    undo = _save(study, files, header, data, what)
    try:
        return sum(study.recode(old, new).values())
    except BaseException:
        undo()
        raise
