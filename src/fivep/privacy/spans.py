"""Detected identifiers: :class:`Span` and how overlapping detections are resolved."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

ENTITY_TYPES: tuple[str, ...] = (
    "PERSON", "PHONE", "ID_NUMBER", "EMAIL", "LINE_ID", "SOCIAL", "URL", "ADDRESS", "DATE_OF_BIRTH", "PLATE",
    "BANK_ACCOUNT", "CASE_NUMBER",
)

# When two detections overlap, the more specific one wins (a phone number inside an address is a
# phone number; an e-mail address beats the name in its local part).
PRIORITY: dict[str, int] = {
    "EMAIL": 10, "URL": 9, "BANK_ACCOUNT": 8, "SOCIAL": 7, "ID_NUMBER": 6, "PHONE": 5, "LINE_ID": 4, "DATE_OF_BIRTH": 3,
    "PLATE": 3, "CASE_NUMBER": 3, "ADDRESS": 2, "PERSON": 1,
}


@dataclass(frozen=True)
class Span:
    """One identifier found in a text.

    Attributes
    ----------
    start, end:
        Half-open ``[start, end)`` code-point offsets into the text that was searched.
    type:
        One of :data:`ENTITY_TYPES`.
    text:
        ``text[start:end]``, kept so the span can be shown without the text.
    rule:
        Which rule found it (``"th.title"``, ``"phone"`` ...), for review and debugging.
    """

    start: int
    end: int
    type: str
    text: str
    rule: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"a span needs 0 <= start < end, got [{self.start}, {self.end})")
        if self.type not in PRIORITY:
            raise ValueError(f"unknown identifier type {self.type!r}; use one of {', '.join(ENTITY_TYPES)}")

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def make_span(text: str, start: int, end: int, type: str, rule: str) -> Span | None:
    """A :class:`Span` over ``text[start:end]`` trimmed of surrounding spaces and punctuation."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if end <= start:
        return None
    return Span(start, end, type, text[start:end], rule)


_TRIM = frozenset(" \t\n,.;:!?\"'“”‘’()[]{}<>—–-…")


def resolve(text: str, spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans, sorted by start.

    Of two overlapping spans the one of higher :data:`PRIORITY` (then the longer) wins and is
    widened to cover both, so that nothing a rule found is left in the clear.
    """
    ranked = sorted(spans, key=lambda s: (-PRIORITY[s.type], -(s.end - s.start), s.start))
    kept: list[Span] = []
    for span in ranked:
        clashing = [k for k in kept if k.overlaps(span)]
        if not clashing:
            kept.append(span)
            continue
        winner = clashing[0]
        start, end = min(winner.start, span.start), max(winner.end, span.end)
        for other in clashing[1:]:
            start, end = min(start, other.start), max(end, other.end)
            kept.remove(other)
        kept.remove(winner)
        kept.append(Span(start, end, winner.type, text[start:end], winner.rule))
    return sorted(kept, key=lambda s: s.start)
