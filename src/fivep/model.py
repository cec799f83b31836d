"""The data model: plain frozen dataclasses, standard library only.

Offsets everywhere are half-open ``[start, end)`` indices of Unicode code points into a
document's normalised text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

DIMENSIONS: tuple[str, ...] = ("policy", "prosecution", "protection", "prevention", "partnership")
KINDS: tuple[str, ...] = ("obstacle", "recommendation", "other")
ROLES: tuple[str, ...] = ("respondent", "interviewer", "interpreter", "unknown")

Role = Literal["respondent", "interviewer", "interpreter", "unknown"]
Source = Literal["human", "rule", "model"]


@dataclass(frozen=True)
class Respondent:
    """One row of the roster."""

    id: str
    group: str
    attributes: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def get(self, name: str, default: Any = None) -> Any:
        return self.attributes.get(name, default)


@dataclass(frozen=True)
class Turn:
    """One speaker turn; ``start``/``end`` index the document text."""

    index: int
    speaker: str
    role: Role
    respondent_id: str | None
    start: int
    end: int
    time: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Document:
    """One transcript, its normalised text and its turns."""

    id: str
    text: str
    turns: tuple[Turn, ...]
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    source: str = ""

    @property
    def language(self) -> str | None:
        lang = self.meta.get("language")
        return str(lang) if lang else None

    def turn_text(self, turn: Turn) -> str:
        return self.text[turn.start : turn.end]


@dataclass(frozen=True)
class Segment:
    """The unit that gets coded: a respondent turn, or a sentence of one."""

    id: str
    doc_id: str
    turn_index: int
    start: int
    end: int
    text: str
    respondent_id: str | None = None


@dataclass(frozen=True)
class Code:
    """One code of a codebook. ``dimension`` is one of :data:`DIMENSIONS`, or ``"actor"``."""

    id: str
    dimension: str
    label_en: str
    label_th: str
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    keywords_th: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()
    parent: str | None = None
    definition_th: str = ""
    weak_keywords: tuple[str, ...] = ()

    @property
    def is_root(self) -> bool:
        return self.parent is None or self.parent in ("", None)

    def label(self, lang: str) -> str:
        return self.label_th if lang == "th" and self.label_th else self.label_en


@dataclass(frozen=True)
class Codebook:
    name: str
    version: str
    codes: tuple[Code, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {c.id: c for c in self.codes})

    def __getitem__(self, code_id: str) -> Code:
        return self._by_id[code_id]  # type: ignore[attr-defined,no-any-return]

    def __contains__(self, code_id: object) -> bool:
        return code_id in self._by_id  # type: ignore[attr-defined]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    text: str


ANCHOR_CONTEXT = 32
"""Characters of context kept before and after a coding's quote (its ``prefix`` and ``suffix``)."""


@dataclass(frozen=True)
class Coding:
    """A code applied to a span of a document by a coder.

    A human coding is anchored to its **text**: ``quote`` is ``text[start:end]`` of the document when it
    was coded, ``prefix`` and ``suffix`` the text just before and after it (REFI-QDA's
    PlainTextSelection, the W3C text-quote selector). When a transcript is edited, the coding follows
    its quote; one that cannot be placed again is kept as ``status == "orphaned"``.
    """

    doc_id: str
    segment_id: str | None
    start: int
    end: int
    code_id: str
    coder: str
    source: Source = "human"
    score: float | None = None
    evidence: tuple[Evidence, ...] = ()
    quote: str = field(default="", compare=False)
    prefix: str = field(default="", compare=False)
    suffix: str = field(default="", compare=False)
    memo: str = field(default="", compare=False)
    updated: str = field(default="", compare=False)


@dataclass(frozen=True)
class Orphan:
    """A human coding or segment kind whose text could not be found again after a transcript changed.

    It is kept as recorded (``coding`` holds the old offsets, the quote and the code; ``code_id`` is
    empty for a segment kind alone) until a person places it; ``file`` and ``row`` say where it is
    written and ``reason`` why it could not be placed.
    """

    coding: Coding
    kind: str
    file: str
    row: int
    reason: str
