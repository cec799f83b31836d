"""The study's private folder: files that hold identifiers in clear or link codes to people.

``STUDY/.fivep/private/`` (mode 0700) holds the de-identification review and key files and the map
from respondent ids to the pseudonymous codes outputs use. Every file there is written mode 0600
(readable by its owner only) and never into an output folder meant for sharing:
:func:`check_shareable` refuses such a folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from fivep.errors import InputError

PRIVATE_DIR = ".fivep/private"


def private_dir(root: str | Path) -> Path:
    """``root/.fivep/private``, created mode 0700 (the mode is set again if it was loosened)."""
    path = Path(root) / PRIVATE_DIR
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    _chmod(path, 0o700)
    return path


def _chmod(path: Path, mode: int) -> None:
    try:
        os.chmod(path, mode)
    except OSError:  # a file system without modes (a FAT stick): nothing more can be done
        pass


def write_private(path: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` readable by its owner only (0600), also when the file existed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.parent.name == Path(PRIVATE_DIR).name:
        _chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    _chmod(path, 0o600)
    with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
        handle.write(text)
    return path


def check_shareable(out: str | Path, root: str | Path) -> None:
    """Refuse an output folder that is, or holds, the study's private folder."""
    private = (Path(root) / PRIVATE_DIR).resolve()
    target = Path(out).resolve()
    if target == private or target.is_relative_to(private) or private.is_relative_to(target) and target != private:
        raise InputError("this output folder would hold the study's private files (review and key files)",
                         path=out, hint=f"choose a folder outside {Path(root) / PRIVATE_DIR} that does not contain it")
