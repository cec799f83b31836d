"""Text anchors: where a quoted span is in a document's text, after the text was edited.

A coding keeps the text it was put on (``quote``), its offsets and a little context on each side
(``prefix``, ``suffix``): the W3C Web Annotation TextQuoteSelector with a TextPositionSelector, the
same information as REFI-QDA's PlainTextSelection. :func:`place` finds that span in a (possibly edited)
text and never guesses: the quote still at its offsets with its context (**exact**), else the one
occurrence with the same prefix and suffix (**context**), else the only occurrence in the text when
it is long enough or keeps one side of its context (**unique**).

Anything else (the quote is gone, or occurs several times with nothing to tell the places apart) is
**orphaned**, with the reason, for a person to place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fivep.model import ANCHOR_CONTEXT

MAX_OCCURRENCES = 1_000
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


def _sides(text: str, at: int, quote: str, prefix: str, suffix: str) -> tuple[bool, bool]:
    """Does the text before and after an occurrence match ``prefix`` and ``suffix``?

    A context shorter than :data:`ANCHOR_CONTEXT` was cut by a line break or the text's edge
    (:func:`anchor_of`), so it matches only where the line ends there too: an empty suffix means "at the
    end of the line", not "anything".
    """
    end = at + len(quote)
    before = at - len(prefix)
    after = end + len(suffix)
    prefix_ok = before >= 0 and text[before:at] == prefix and (
        len(prefix) >= ANCHOR_CONTEXT or before == 0 or text[before - 1] == "\n")
    suffix_ok = text[end:after] == suffix and (
        len(suffix) >= ANCHOR_CONTEXT or after == len(text) or text[after] == "\n")
    return prefix_ok, suffix_ok


def place(text: str, quote: str, prefix: str = "", suffix: str = "", start: int | None = None) -> Placement:
    """Find ``quote`` in ``text``: where it was with its context, else by its context, else as the only
    occurrence; never by guessing.

    1. at ``start`` with its prefix and suffix: exact;
    2. else the one occurrence with its prefix and suffix (several: orphaned);
    3. else at ``start`` with the prefix or the suffix that is not empty: exact;
    4. else the only occurrence in ``text``, if the quote is at least :data:`MIN_UNIQUE` characters long
       or a non-empty side of its context matches: unique.

    Returns a :class:`Placement`; when the quote cannot be placed, ``start`` and ``end`` are ``None``
    and ``how`` says why in a few words.

    Examples
    --------
    >>> place("I: hello\\nR1: shelters are full\\n", "shelters are full", "R1: ", "", start=13).how
    'exact'
    >>> place("I: hi\\nI: hello\\nR1: shelters are full\\n", "shelters are full", "R1: ", "", start=13)
    Placement(start=19, end=36, how='context')
    >>> place("I: hi\\nR2: shelters are full\\n", "shelters are full", "R1: ", "", start=13).placed
    False
    """
    if not quote:
        return Placement(None, None, "it has no quoted text")
    at_start = start is not None and 0 <= start and text[start:start + len(quote)] == quote
    if at_start and start is not None and all(_sides(text, start, quote, prefix, suffix)):
        return Placement(start, start + len(quote), "exact")
    found = _occurrences(text, quote)
    if not found:
        return Placement(None, None, "its text is no longer in the document")
    if len(found) > MAX_OCCURRENCES:
        return Placement(None, None, f"its text occurs more than {MAX_OCCURRENCES} times")
    fitting = [at for at in found if all(_sides(text, at, quote, prefix, suffix))]
    if len(fitting) == 1:
        return Placement(fitting[0], fitting[0] + len(quote), "context")
    if len(fitting) > 1:
        return Placement(None, None, f"its text occurs {len(fitting)} times with the same context")

    def one_side(at: int) -> bool:
        before, after = _sides(text, at, quote, prefix, suffix)
        return bool(prefix and before) or bool(suffix and after)

    if at_start and start is not None and one_side(start):
        return Placement(start, start + len(quote), "exact")
    if len(found) == 1:
        if len(quote) >= MIN_UNIQUE or one_side(found[0]):
            return Placement(found[0], found[0] + len(quote), "unique")
        return Placement(None, None, "its text is too short to find again without its context")
    return Placement(None, None, f"its text occurs {len(found)} times and its context does not tell which")


def closest(quote: str, candidates: Sequence[tuple[str, str]], *, at_least: float = 0.6) -> tuple[str, float] | None:
    """The candidate ``(id, text)`` most like ``quote`` (difflib's ratio, at least ``at_least``), as
    ``(id, ratio)``: a hint for placing an orphaned coding by hand, never used to place one."""
    from difflib import SequenceMatcher

    quote = quote[:2000]
    scored = []
    for key, text in candidates:
        matcher = SequenceMatcher(None, quote, text[:2000], autojunk=False)
        if matcher.real_quick_ratio() >= at_least and matcher.quick_ratio() >= at_least:
            scored.append((matcher.ratio(), key))
    best = max(scored, default=None)
    return (best[1], best[0]) if best is not None and best[0] >= at_least else None
