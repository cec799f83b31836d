"""Find identifiers in Thai and English text.

>>> from fivep.privacy import detect
>>> [(s.type, s.text) for s in detect("เบอร์พี่ 089 771 0456 นะคะ")]   # doctest: +SKIP
[('PHONE', '089 771 0456')]

:func:`detect` runs every recognizer, then resolves overlaps (:func:`fivep.privacy.spans.resolve`).
It never changes its input; the spans index it, half-open, in code points.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from fivep.privacy.address import find_addresses
from fivep.privacy.learned import RULE as LEARNED_RULE
from fivep.privacy.learned import find_learned_names
from fivep.privacy.names import (
    find_addressed,
    find_clan_names,
    find_english_names,
    find_names_before_roles,
    find_social_names,
    find_thai_names,
)
from fivep.privacy.patterns import (
    find_bank_accounts,
    find_birth_dates,
    find_case_numbers,
    find_emails,
    find_handles,
    find_id_numbers,
    find_phones,
    find_plates,
    find_urls,
)
from fivep.privacy.schools import find_schools
from fivep.privacy.spans import ENTITY_TYPES, Span, resolve

Recognizer = Callable[[str], Iterator[Span]]

# Name -> recognizer, in the order they run. Users may pass their own (``recognizers=``).
RECOGNIZERS: dict[str, Recognizer] = {
    "email": find_emails,
    "url": find_urls,
    "id_number": find_id_numbers,
    "phone": find_phones,
    "handle": find_handles,
    "birth_date": find_birth_dates,
    "plate": find_plates,
    "bank_account": find_bank_accounts,
    "case_number": find_case_numbers,
    "address": find_addresses,
    "school": find_schools,
    "social_name": find_social_names,
    "thai_name": find_thai_names,
    "clan_name": find_clan_names,
    "english_name": find_english_names,
    "name_before_role": find_names_before_roles,
    "addressed": find_addressed,
    # the learned name labeller: its spans are kept only where no rule found anything (see below)
    "learned_name": find_learned_names,
}

# Far longer than any line of speech: a recognizer sees the text in pieces of about this size, cut
# at line ends, so that a single huge line cannot make one regex or the segmenter run away.
CHUNK = 20_000


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


def _again(text: str, learned: list[Span], found: list[Span]) -> Iterator[Span]:
    """A name the labeller found stands for the same person wherever it stands again as a word of its
    own ("ดาวเป็นคนพาหนูหนี ... ดาวอายุมากกว่าหนู")."""
    import re

    from fivep.privacy.vocabulary import on_word_boundaries

    taken = [(s.start, s.end) for s in found]
    for name in dict.fromkeys(s.text for s in learned if len(s.text) >= 2):
        for match in re.finditer(re.escape(name), text):
            start, end = match.span()
            if any(a < end and start < b for a, b in taken):
                continue
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line = text[line_start : len(text) if line_end < 0 else line_end]
            if name.isascii():
                if re.match(r"\w", text[end : end + 1]) or start and re.match(r"\w", text[start - 1]):
                    continue
            elif not on_word_boundaries(line, start - line_start, end - line_start):
                continue
            taken.append((start, end))
            yield Span(start, end, "PERSON", name, LEARNED_RULE + ".again")


def _joined(text: str, found: list[Span]) -> Iterator[Span]:
    """A capitalised word joined to a name found in Latin script is a name too: "Joy and Bee were", "Bird, Mint
    and ...": before or after it, across ``and`` / ``or`` / ``&`` / a comma (see
    :func:`fivep.privacy.names.joined_names`)."""
    from fivep.privacy.names import joined_names

    taken = [(s.start, s.end) for s in found]
    for span in joined_names(text, [s for s in found if s.type == "PERSON" and s.text.isascii()]):
        if not any(a < span.end and span.start < b for a, b in taken):
            taken.append((span.start, span.end))
            yield span


def detect(text: str, *, types: Iterable[str] | None = None,
           recognizers: dict[str, Recognizer] | None = None) -> list[Span]:
    """Identifiers in ``text``: non-overlapping :class:`Span` objects sorted by start.

    Parameters
    ----------
    text:
        Thai, English or mixed text (a line, a turn, a whole transcript).
    types:
        Keep only these types (see :data:`ENTITY_TYPES`); all by default.
    recognizers:
        Recognizers to run instead of :data:`RECOGNIZERS` (a dict name -> callable returning spans).

    Returns
    -------
    list of Span
        Offsets index ``text`` (half-open, code points); ``span.text == text[span.start:span.end]``.
    """
    if not isinstance(text, str):
        raise TypeError(f"detect() needs a str, not {type(text).__name__}")
    wanted = set(ENTITY_TYPES if types is None else types)
    unknown = wanted - set(ENTITY_TYPES)
    if unknown:
        raise ValueError(f"unknown identifier type(s) {', '.join(sorted(unknown))}; use {', '.join(ENTITY_TYPES)}")
    found: list[Span] = []
    learned: list[Span] = []
    for offset, piece in _chunks(text):
        for recognizer in (recognizers or RECOGNIZERS).values():
            for span in recognizer(piece):
                moved = Span(span.start + offset, span.end + offset, span.type, span.text, span.rule) if offset else span
                (learned if span.rule == LEARNED_RULE else found).append(moved)
    # The rules decide the extent of what they find; a learned span adds a name only where they found
    # nothing (union of detections, recall first).
    learned = [s for s in learned if not any(s.overlaps(f) for f in found)]
    found.extend(learned)
    found.extend(_again(text, learned, found))
    found.extend(_joined(text, found))
    return [s for s in resolve(text, found) if s.type in wanted]
