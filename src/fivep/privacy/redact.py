"""Replace identifiers in text, keeping a map from old offsets to new ones.

:func:`redact_text` is the one call report and export code needs for a quote. :func:`redact` returns
a :class:`Redaction` whose :meth:`~Redaction.map_start` / :meth:`~Redaction.map_end` carry offsets
(codings, turns, segments) from the original text to the redacted one.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from fivep.privacy.pseudonyms import Pseudonymizer
from fivep.privacy.spans import Span

Replace = Callable[[Span], "str | None"]


@dataclass(frozen=True)
class Redaction:
    """A redacted text and how it was made.

    Attributes
    ----------
    original, text:
        The text before and after.
    spans:
        The identifiers that were replaced (offsets into ``original``), sorted and non-overlapping.
    replacements:
        What each span became, in the same order.
    """

    original: str
    text: str
    spans: tuple[Span, ...]
    replacements: tuple[str, ...]

    @cached_property
    def _index(self) -> tuple[list[int], list[int]]:
        """Span starts, and the shift accumulated before each span."""
        starts, shifts, shift = [], [], 0
        for span, new in zip(self.spans, self.replacements, strict=True):
            starts.append(span.start)
            shifts.append(shift)
            shift += len(new) - (span.end - span.start)
        return starts, shifts

    def _locate(self, position: int) -> tuple[int, int]:
        """``(index of the last span starting before position, shift accumulated before it)``."""
        starts, shifts = self._index
        index = bisect.bisect_left(starts, position) - 1
        return index, (shifts[index] if index >= 0 else 0)

    def map_start(self, position: int) -> int:
        """Where a span that started at ``position`` in the original starts now."""
        return self._map(position, start=True)

    def map_end(self, position: int) -> int:
        """Where a span that ended at ``position`` in the original ends now."""
        return self._map(position, start=False)

    def _map(self, position: int, *, start: bool) -> int:
        if not 0 <= position <= len(self.original):
            raise ValueError(f"offset {position} is outside the text (length {len(self.original)})")
        index, shift = self._locate(position)
        if index < 0:
            return position
        span, new = self.spans[index], self.replacements[index]
        new_start = span.start + shift
        if position < span.end:  # inside the replaced span: snap to its edge
            return new_start if start else new_start + len(new)
        return position + shift + len(new) - (span.end - span.start)


def redact(text: str, spans: Sequence[Span] | None = None, *, pseudonymizer: Pseudonymizer | None = None,
           replace: Replace | None = None, lang: str | None = None) -> Redaction:
    """Replace identifiers in ``text``.

    Parameters
    ----------
    text:
        The original; it is not changed.
    spans:
        The identifiers to replace; found with :func:`fivep.privacy.detect` when None. They must not
        overlap.
    pseudonymizer:
        Hands out replacements (a new tag-style one when None). Share one across texts to keep
        pseudonyms consistent.
    replace:
        Overrides the pseudonymizer for some spans: return the replacement, or None to keep the
        original text (a rejected detection).
    lang:
        ``"th"`` or ``"en"`` for tag labels; guessed from the text around each span when None.
    """
    from fivep.privacy.detect import detect

    spans = sorted(detect(text) if spans is None else spans, key=lambda s: s.start)
    pseudonymizer = pseudonymizer or Pseudonymizer()
    parts: list[str] = []
    kept: list[Span] = []
    replacements: list[str] = []
    cursor = 0
    for span in spans:
        if span.start < cursor:
            raise ValueError(f"spans overlap at offset {span.start}")
        new = replace(span) if replace is not None else None
        if replace is not None and new is None:
            continue
        if new is None:
            new = pseudonymizer.pseudonym(span, lang=lang, before=text[max(0, span.start - 30) : span.start])
        parts.append(text[cursor : span.start])
        parts.append(new)
        kept.append(span)
        replacements.append(new)
        cursor = span.end
    parts.append(text[cursor:])
    return Redaction(text, "".join(parts), tuple(kept), tuple(replacements))


def redact_text(text: str, *, style: str = "tags", pseudonymizer: Pseudonymizer | None = None) -> str:
    """``text`` with every identifier replaced by a pseudonym: the filter for quotes in reports and exports.

    >>> redact_text("โทรหาพี่ที่ 081-345-2290 นะคะ")          # doctest: +SKIP
    'โทรหาพี่ที่ [เบอร์โทร-1] นะคะ'
    """
    return redact(text, pseudonymizer=pseudonymizer or Pseudonymizer(style)).text


def redact_lines(lines: Iterable[str], *, style: str = "tags") -> Iterator[str]:
    """Redact each line on its own, with pseudonyms consistent across lines (for ``fivep redact``)."""
    pseudonymizer = Pseudonymizer(style)
    for line in lines:
        yield redact(line, pseudonymizer=pseudonymizer).text
