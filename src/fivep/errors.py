"""The one exception family of fivep.

Every error a user can cause is a :class:`FivepError`; its message says what went wrong, where
(file, line, row, column) and how to fix it. The CLI prints the message and exits with status 1.
"""

from __future__ import annotations

from pathlib import Path


class FivepError(Exception):
    """Base of every error fivep raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.row = row
        self.column = column
        self.hint = hint
        self.problems: list[FivepError] = []  # every problem, when one error reports several
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(FivepError, ValueError):
    """A file or value the user gave cannot be read."""


class RosterError(InputError):
    """The respondent roster has a value fivep cannot read."""


class TranscriptError(InputError):
    """A transcript cannot be read or its speakers cannot be resolved."""


class CodebookError(InputError):
    """The codebook is malformed."""


class ConfigError(InputError):
    """study.toml is malformed."""


class MissingDependencyError(FivepError, ImportError):
    """An optional dependency is not installed."""


class NotFittedError(FivepError, AttributeError):
    """An estimator was used before ``fit``."""
