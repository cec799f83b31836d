"""Text anchors: where a quoted span is in a document's text, after the text was edited.

A coding keeps the text it was put on (``quote``), its offsets and a little context on each side
(``prefix``, ``suffix``): the W3C Web Annotation TextQuoteSelector with a TextPositionSelector, the
same information as REFI-QDA's PlainTextSelection. :func:`place` finds that span in a (possibly edited)
text in three steps, and never guesses:

1. the quote is still at its offsets, with its prefix or its suffix: **exact**;
2. the quote occurs once with the same prefix and suffix around it: **context**;
3. the quote occurs exactly once in the whole text (and is long enough, or one side of its context
   still matches): **unique**.

Anything else (the quote is gone, or occurs several times with nothing to tell the places apart) is
**orphaned**, with the reason, for a person to place.
"""

from __future__ import annotations

from dataclasses import dataclass

from fivep.model import ANCHOR_CONTEXT

MAX_OCCURRENCES = 10_000
"""Beyond this many occurrences a quote is too common to place by search (and searching stays linear)."""

PLACED = ("exact", "context", "unique")

MIN_UNIQUE = 20
"""A quote shorter than this (``ครับ``, ``yes``) is placed by its only occurrence only when some of its
context matches too: a short reply is not told from another speaker's same reply by its text alone."""


@dataclass(frozen=True)
class Anchor:
    """A quoted span of a text with its offsets and context (half-open code-point offsets)."""

    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Placement:
    """Where :func:`place` found a quote: ``how`` is one of :data:`PLACED`, or the reason it could not."""

    start: int | None
    end: int | None
    how: str

    @property
    def placed(self) -> bool:
        return self.how in PLACED


def anchor_of(text: str, start: int, end: int, context: int = ANCHOR_CONTEXT) -> Anchor:
    """The anchor of ``text[start:end]``: the quote and up to ``context`` characters each side, within
    its line (so a coder file keeps one line per row; a whole turn's prefix is its speaker label)."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}-{end} is outside a text of length {len(text)}")
    prefix = text[max(0, start - context):start]
    suffix = text[end:end + context]
    return Anchor(start, end, text[start:end], prefix[prefix.rfind("\n") + 1:], suffix.split("\n", 1)[0])


def _occurrences(text: str, quote: str) -> list[int]:
    found: list[int] = []
    at = text.find(quote)
    while at >= 0 and len(found) <= MAX_OCCURRENCES:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _has_context(text: str, at: int, quote: str, prefix: str, suffix: str) -> bool:
    end = at + len(quote)
    return text[max(0, at - len(prefix)):at] == prefix and text[end:end + len(suffix)] == suffix


def place(text: str, quote: str, prefix: str = "", suffix: str = "", start: int | None = None) -> Placement:
    """Find ``quote`` in ``text``: at ``start``, else by its context, else as the only occurrence.

    Returns a :class:`Placement`; when the quote cannot be placed exactly, ``start`` and ``end`` are
    ``None`` and ``how`` says why in a few words.

    Examples
    --------
    >>> place("I: hello\\nR1: shelters are full\\n", "shelters are full", start=13).how
    'exact'
    >>> place("I: hi\\nI: hello\\nR1: shelters are full\\n", "shelters are full", "R1: ", "", start=13)
    Placement(start=19, end=36, how='context')
    >>> place("I: hi\\nR2: shelters are full\\n", "shelters are full", "R1: ", "", start=13).placed
    False
    """
    if not quote:
        return Placement(None, None, "it has no quoted text")
    if start is not None and 0 <= start and text[start:start + len(quote)] == quote:
        end = start + len(quote)
        if (not prefix and not suffix) or text[max(0, start - len(prefix)):start] == prefix \
                or text[end:end + len(suffix)] == suffix:
            return Placement(start, end, "exact")
    found = _occurrences(text, quote)
    if not found:
        return Placement(None, None, "its text is no longer in the document")
    if len(found) > MAX_OCCURRENCES:
        return Placement(None, None, f"its text occurs more than {MAX_OCCURRENCES} times")
    if prefix or suffix:
        fitting = [at for at in found if _has_context(text, at, quote, prefix, suffix)]
        if len(fitting) == 1:
            return Placement(fitting[0], fitting[0] + len(quote), "context")
    if len(found) == 1:
        at = found[0]
        end = at + len(quote)
        one_side = (prefix and text[max(0, at - len(prefix)):at] == prefix) or (
            suffix and text[end:end + len(suffix)] == suffix)
        if len(quote) >= MIN_UNIQUE or one_side:
            return Placement(at, end, "unique")
        return Placement(None, None, "its text is too short to find again without its context")
    return Placement(None, None, f"its text occurs {len(found)} times and its context does not tell which")
