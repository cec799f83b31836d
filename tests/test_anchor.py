"""Text anchors under random edits of a transcript: a coding is placed on its own text or orphaned, never moved."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivep.ingest.anchor import anchor_of, place

SPEAKERS = ["I", "R1", "R2"]
WORDS = ["ครับ", "ค่ะ", "บ้านพักเต็ม", "ไม่มีล่าม", "ตำรวจ", "ควรอบรม", "yes", "the shelter", "งบประมาณ", "เด็ก"]
line = st.tuples(st.sampled_from(SPEAKERS), st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
edit = st.tuples(st.sampled_from(["insert", "delete", "change"]), st.integers(0, 30), line)


def render(lines: list[tuple[str, list[str]]]) -> tuple[str, list[int]]:
    """The transcript text and the offset where each line's statement starts."""
    text, starts = "", []
    for speaker, words in lines:
        text += f"{speaker}: "
        starts.append(len(text))
        text += " ".join(words) + "\n"
    return text, starts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(line, min_size=1, max_size=12), edits=st.lists(edit, max_size=4),
       coded=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 4), st.integers(1, 5)), min_size=1, max_size=6))
def test_codings_follow_their_text_or_are_orphaned(lines: list[tuple[str, list[str]]],
                                                   edits: list[tuple[str, int, tuple[str, list[str]]]],
                                                   coded: list[tuple[int, int, int]]) -> None:
    text, starts = render(lines)
    ids = list(range(len(lines)))            # which original line each current line is (-1: new or changed)
    anchors = []
    for at, first, length in coded:          # a span of whole words inside one statement
        n = at % len(lines)
        words = lines[n][1]
        first = first % len(words)
        start = starts[n] + len(" ".join(words[:first])) + (1 if first else 0)
        end = start + len(" ".join(words[first:first + length]))
        anchors.append((n, anchor_of(text, start, end), start - starts[n]))
    current = list(lines)
    for op, at, new in edits:
        at = at % (len(current) + 1)
        if op == "insert":
            current.insert(at, new)
            ids.insert(at, -1)
        elif current and at < len(current):
            if op == "delete":
                del current[at], ids[at]
            else:
                current[at] = new
                ids[at] = -1
    edited, new_starts = render(current)
    for n, anchor, offset in anchors:
        found = place(edited, anchor.quote, anchor.prefix, anchor.suffix, anchor.start)
        if not found.placed:
            continue                             # orphaned: kept for a person, never lost
        assert found.start is not None and found.end is not None
        assert edited[found.start:found.end] == anchor.quote          # on its own text
        survivors = [i for i, orig in enumerate(ids) if orig == n]
        same = [i for i, ln in enumerate(current) if ln == lines[n]]
        if survivors and len(same) == 1:     # its statement is still there, and only once: it is placed there
            assert found.start == new_starts[survivors[0]] + offset
        else:            # else only with evidence: the same speaker, a long quote, or its words around it
            landed = max(i for i, s in enumerate(new_starts) if s <= found.start)
            assert (current[landed][0] == lines[n][0] or len(anchor.quote) >= 20
                    or (anchor.suffix and edited[found.end:].startswith(anchor.suffix))
                    or (anchor.prefix and edited[:found.start].endswith(anchor.prefix)))


def test_closest_is_a_hint_above_a_threshold() -> None:
    from fivep.ingest.anchor import closest

    statements = [("D#1", "ไม่มีล่ามภาษากะเหรี่ยงตอนสอบปากคำ"), ("D#2", "ครับ")]
    assert closest("ไม่มีล่ามภาษาพม่าตอนสอบปากคำ ต้องรอล่ามสองวัน", statements)[0] == "D#1"  # type: ignore[index]
    assert closest("ตำรวจควรได้รับการอบรม", statements) is None
