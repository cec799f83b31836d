"""Where fivep writes: only inside the folder the user named, and never over files fivep did not write.

- Ids that become file names (document ids from front matter, coder names) are made safe
  (:func:`file_names`: no ``/``, ``..`` or drive letters; two ids that would give one file name
  get distinct ones), and every path is checked to be a direct child of its target folder
  (:func:`child`).
- An output folder (``fivep deidentify --out``) is claimed with :func:`claim_folder`: a new or
  empty folder, or one fivep wrote before (it holds a list of what it wrote); anything else, such as
  another study or a folder of your own files, is refused unless ``force``. Even then fivep only
  replaces the files it writes and deletes nothing it did not write itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from fivep.errors import InputError

MARKER = ".fivep-output.json"
_UNSAFE = re.compile(r"[^\w.@-]+")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)   # Windows device names


def file_name(text: str) -> str:
    """``text`` made safe as a file name: letters, digits, ``_ . @ -``; never ``..`` or empty."""
    name = _UNSAFE.sub("_", text).strip("._") or "unnamed"
    return f"_{name}" if _RESERVED.match(name) else name


def file_names(ids: Iterable[str]) -> dict[str, str]:
    """A distinct safe file name (without suffix) for each id: ``a/b`` and ``a_b`` get ``a_b`` and ``a_b-2``.

    Names are kept distinct ignoring case, for file systems that ignore it (macOS, Windows).
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for key in ids:
        if key in out:
            continue
        base = name = file_name(key)
        n = 2
        while name.casefold() in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name.casefold())
        out[key] = name
    return out


def child(folder: Path, name: str) -> Path:
    """``folder / name``, refused unless it is a file directly inside ``folder`` (no ``..``, no absolute path)."""
    path = folder / name
    if Path(name).name != name or name in ("", ".", "..") or path.resolve().parent != folder.resolve():
        raise InputError(f"refused to write '{name}': it would land outside {folder}", path=folder,
                         hint="ids used as file names may not hold '/', '\\' or '..'")
    return path


def claim_folder(out: Path, *, what: str, force: bool = False) -> list[Path]:
    """Make sure fivep may write its ``what`` into ``out``; returns the files fivep wrote there before.

    Raises :class:`InputError` when ``out`` is a file, or a folder that is not empty and was not
    written by fivep (unless ``force``).
    """
    if out.exists() and not out.is_dir():
        raise InputError(f"the output of {what} is a folder, and this is a file", path=out)
    if not out.exists() or not any(out.iterdir()):
        return []
    marker = out / MARKER
    if marker.is_file():
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
            files = [out / f for f in data.get("files", []) if isinstance(f, str)]
        except (ValueError, OSError, AttributeError):
            files = []
        return [f for f in files if f.resolve().is_relative_to(out.resolve())]
    if force:
        return []
    kind = "another study" if (out / "study.toml").exists() else "a folder that is not empty"
    raise InputError(f"refused to write {what} here: it is {kind}, not written by fivep", path=out,
                     hint="choose a new or empty folder, or pass --force to write into it (fivep then replaces "
                          "only the files it writes and deletes nothing)")


def record_folder(out: Path, *, what: str, files: Iterable[Path]) -> None:
    """Write the list of files fivep wrote into ``out`` (so that a later run may replace them)."""
    names = sorted(str(f.relative_to(out)) for f in files)
    (out / MARKER).write_text(json.dumps({"written_by": f"fivep {what}", "files": names}, ensure_ascii=False,
                                         indent=1), encoding="utf-8")
