"""Speaker turns: find labels, map them to roster respondents, build the document text.

The document text is rebuilt from the paragraphs a reader returned, each normalised with
:func:`fivep.ingest.thai.normalize_text`; turn offsets index that text, half-open, in code points.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivep.errors import TranscriptError
from fivep.ingest.labels import looks_like_speaker
from fivep.ingest.readers import RawTranscript
from fivep.ingest.thai import normalize_id, normalize_text, thai_share
from fivep.model import Document, Role, Turn

INTERVIEWER_LABELS = (
    "ผู้สัมภาษณ์", "ผู้ดำเนินการ", "ผู้ดำเนินรายการ", "ผู้ดำเนินการสนทนา", "ผู้วิจัย", "นักวิจัย",
    "ผู้ช่วยนักวิจัย", "ผู้ถาม", "interviewer", "moderator", "facilitator", "researcher", "int", "mod",
    "i", "q",
)
INTERPRETER_LABELS = ("ล่าม", "ผู้แปล", "interpreter", "translator")

_LINE = re.compile(
    r"^(?:[\[(](?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)[\])]\s*|(?P<bare>\d{1,2}:\d{2}:\d{2})\s+)?"
    r"(?P<label>[^:：\[\]()\n]{1,40}?)\s*[:：]\s?(?P<body>.*)$",
    re.DOTALL,
)
_ID_SHAPED = re.compile(r"^[A-Za-z]{2,6}(?:-[A-Za-z0-9]{1,6}){1,3}$")


def label_key(label: str) -> str:
    """Comparison key for speaker labels and ids: case, spaces, dashes, dots and invisible characters
    (zero-width spaces, direction marks) do not matter."""
    return re.sub(r"[\s_\-–.]+", "", normalize_id(label)).casefold()


@dataclass
class SpeakerResolver:
    """Maps speaker labels to roles and roster ids.

    Parameters
    ----------
    roster_ids:
        The ids of the roster (empty when there is no roster).
    mapping:
        Label -> respondent id, or ``"interviewer"`` / ``"interpreter"`` / ``"unknown"``; from the
        transcript's front matter and the study's ``[speakers]`` table.
    interviewer_labels, interpreter_labels:
        Labels known to be the research team or an interpreter; a label that starts with one of
        them and continues with a number or a letter (``"ผู้สัมภาษณ์ 2"``) counts too.
    """

    roster_ids: Iterable[str] = ()
    mapping: Mapping[str, str] = field(default_factory=dict)
    interviewer_labels: Iterable[str] = INTERVIEWER_LABELS
    interpreter_labels: Iterable[str] = INTERPRETER_LABELS

    def __post_init__(self) -> None:
        self._roster = {label_key(r): r for r in self.roster_ids}
        self._mapping = {label_key(k): str(v).strip() for k, v in self.mapping.items()}
        self._interviewers = {label_key(x) for x in self.interviewer_labels}
        self._interpreters = {label_key(x) for x in self.interpreter_labels}

    def with_mapping(self, extra: Mapping[str, Any]) -> SpeakerResolver:
        """This resolver with more label mappings (a transcript's front matter). The roster is keyed once
        for the study, not again for every transcript: ingest stays linear in the corpus."""
        clone = copy.copy(self)
        clone.mapping = {**self.mapping, **{str(k): str(v) for k, v in extra.items()}}
        clone._mapping = {**self._mapping, **{label_key(str(k)): str(v).strip() for k, v in extra.items()}}
        return clone

    def _team_role(self, key: str) -> Role | None:
        for role, labels in (("interviewer", self._interviewers), ("interpreter", self._interpreters)):
            if key in labels:
                return role  # type: ignore[return-value]
            for known in labels:
                if len(known) > 2 and key.startswith(known) and len(key) - len(known) <= 3:
                    return role  # type: ignore[return-value]
        return None

    def resolve(self, label: str) -> tuple[Role, str | None, bool] | None:
        """``(role, respondent_id, in_roster)`` for a label, or None when it is not a speaker label."""
        key = label_key(label)
        if not key:
            return None
        target = self._mapping.get(key)
        if target is not None:
            role = self._team_role(label_key(target))
            if target.casefold() in ("interviewer", "interpreter", "unknown"):
                return target.casefold(), None, True  # type: ignore[return-value]
            if role is not None:
                return role, None, True
            rid = self._roster.get(label_key(target), target)
            return "respondent", rid, label_key(rid) in self._roster
        if key in self._roster:
            return "respondent", self._roster[key], True
        role = self._team_role(key)
        if role is not None:
            return role, None, True
        if _ID_SHAPED.match(label.strip()):
            return "respondent", label.strip(), False
        return None

    @staticmethod
    def looks_like_speaker(label: str) -> bool:
        return looks_like_speaker(label)


@dataclass
class ParsedTranscript:
    document: Document
    warnings: list[str]


def _where(fmt: str, lines: list[int]) -> str:
    """``line 4`` / ``lines 4, 9`` in the words of the format (a PDF has pages, a .docx paragraphs)."""
    unit = {"pdf": "page", "docx": "paragraph", "odt": "paragraph"}.get(fmt, "line")
    shown = ", ".join(str(n) for n in dict.fromkeys(lines[:8]))
    more = f" and {len(lines) - 8} more" if len(lines) > 8 else ""
    return f"{unit}{'s' if len(set(lines)) > 1 else ''} {shown}{more}"


def build_document(raw: RawTranscript, resolver: SpeakerResolver, doc_id: str | None = None,
                   extra_meta: Mapping[str, Any] | None = None) -> ParsedTranscript:
    """Find the speaker turns of ``raw`` and build its :class:`Document`."""
    path = raw.path
    meta = {**(extra_meta or {}), **raw.meta}
    doc_id = str(meta.get("id") or doc_id or Path(path).stem)
    local = meta.get("speakers") or {}
    if not isinstance(local, Mapping):
        raise TranscriptError("'speakers' in the front matter must map labels to respondent ids",
                              path=path, hint="e.g.  speakers: {P1: GOV-CM-01, ผู้สัมภาษณ์: interviewer}")
    if local:
        resolver = resolver.with_mapping(local)
    warnings: list[str] = list(raw.warnings)
    # elements: ("text", str) or ("turn", label, role, rid, time, [bodies], line)
    elements: list[list[Any]] = []
    current: list[Any] | None = None
    unknown_warned: set[str] = set()
    unknown_lines: dict[str, list[int]] = {}
    for para in raw.paragraphs:
        text = normalize_text(para.text, extracted=raw.extracted)
        if not text.strip():
            continue
        label = time = None
        body = text
        if para.speaker is not None:
            label, time = normalize_id(para.speaker), para.time
            match = _LINE.match(text)
            if match and label_key(match.group("label")) == label_key(label):
                body = match.group("body")
        else:
            match = _LINE.match(text)
            if match:
                candidate = match.group("label").strip()
                if resolver.resolve(candidate) is not None or looks_like_speaker(candidate):
                    label, body = candidate, match.group("body")
                    time = match.group("time") or match.group("bare") or para.time
            if label is None and para.time is not None and current is None:
                time = para.time
        if label is not None:
            resolved = resolver.resolve(label)
            if resolved is None:
                # Never merged into the previous speaker's turn: a turn of its own, of an unknown speaker.
                unknown_lines.setdefault(label, []).append(para.line)
            role, rid, in_roster = resolved or ("unknown", None, False)
            if role == "respondent" and not in_roster and rid not in unknown_warned:
                unknown_warned.add(str(rid))
                near = difflib.get_close_matches(str(rid), list(resolver._roster.values()), n=1, cutoff=0.75)
                warnings.append(f"{path}, {_where(raw.format, [para.line])}: speaker '{label}' ({rid}) is not in the "
                                "roster" + (f" (did you mean '{near[0]}'?)" if near else ""))
            same = (raw.format in ("vtt", "srt") and current is not None and current[1] == label)
            if same:
                assert current is not None
                current[5].append(body.strip())
                continue
            current = ["turn", label, role, rid, time, [body.strip()], para.line]
            elements.append(current)
        elif current is not None:
            current[5].append(text.strip())
        else:
            elements.append(["text", text.strip()])
    for label, lines in unknown_lines.items():
        near = difflib.get_close_matches(label, [*resolver._roster.values(), *resolver.mapping], n=1, cutoff=0.75)
        fix = f"did you mean '{near[0]}'? " if near else ""
        warnings.append(
            f"{path}, {_where(raw.format, lines)}: unknown speaker '{label}': kept as turns of an unknown speaker, "
            f"attributed to nobody and not coded ({fix}map the label in the front matter 'speakers: {{{label}: "
            f"GOV-CM-01}}' or in study.toml [speakers], or to 'unknown' to confirm)")
    parts: list[str] = []
    turns: list[Turn] = []
    length = 0
    for element in elements:
        if length:
            parts.append("\n")
            length += 1
        if element[0] == "text":
            parts.append(element[1])
            length += len(element[1])
            continue
        _, label, role, rid, time, bodies, line = element
        prefix = (f"[{time}] " if time else "") + f"{label}: "
        body = raw.joiner.join(b for b in bodies if b)
        parts.append(prefix + body)
        start = length + len(prefix)
        length += len(prefix) + len(body)
        turns.append(Turn(len(turns), label, role, rid, start, length, time, line))
    text = "".join(parts)
    if not turns:
        raise TranscriptError(
            "no speaker turns found", path=path,
            hint="each turn must start with 'LABEL: ' where LABEL is a roster id, an interviewer label "
                 "or a label mapped in the front matter 'speakers:'")
    meta = {k: v for k, v in meta.items() if k != "speakers"}
    meta.setdefault("format", raw.format)
    if not meta.get("language"):
        spoken = " ".join(text[t.start : t.end] for t in turns)
        meta["language"] = "th" if thai_share(spoken) >= 0.3 else "en"
    if raw.encoding:
        meta.setdefault("encoding", raw.encoding)
    return ParsedTranscript(Document(doc_id, text, tuple(turns), meta, path), warnings)
