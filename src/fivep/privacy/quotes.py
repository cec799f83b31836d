"""May this statement be quoted, and how: the gate every quote passes before an output shows it.

>>> from fivep.privacy.quotes import quote_status, quote_text
>>> allowed, reason = quote_status(study, "FG-PR-YP:41")        # doctest: +SKIP
>>> allowed, reason                                             # doctest: +SKIP
(False, 'quote by a minor awaits approval in quote-approvals.csv (flagged: a school, a news story)')
>>> quote_text(study, "Interpreters are a constant problem")     # doctest: +SKIP
'Interpreters are a constant problem'

A quote is allowed when

1. it is a respondent's statement and the respondent is in the roster;
2. the respondent's group has at least ``k`` members (``k`` from :func:`fivep.privacy.cells.min_cell`):
   a quote is printed with its group, and a smaller group narrows it down to fewer than ``k`` people;
3. for a respondent under 18 (:func:`fivep.privacy.cells.is_minor`): a researcher approved this very
   statement in the study's approvals file, ``STUDY/quote-approvals.csv``. fivep writes a row for each
   minor's statement a report wants to quote (:func:`request_approval`), with the reasons it was flagged
   (a school, a place, a news story, a family detail, an identifier the filter found); the researcher
   sets ``decision`` to ``approve`` or ``withhold``. An approval holds for the text it was given for: if
   the statement changes, it needs approving again.

:func:`quote_text` is the identifier filter for quotes that applies the researcher's decisions in the
de-identification review file (``.fivep/private/deid-review.csv``): a detection rejected there (not an
identifier) stays in the quote, an edited one takes its replacement, an added one is replaced.
Quotes are attributed by :func:`fivep.privacy.codes.public_code` (``R-07``), never by roster id.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fivep.cells import safe_writer, unescape_cell
from fivep.errors import InputError
from fivep.privacy.private import write_private

APPROVALS_NAME = "quote-approvals.csv"
APPROVAL_COLUMNS = ("segment_id", "code", "group", "flagged", "quote", "decision", "reviewer", "date", "note",
                    "checksum")
APPROVE = frozenset({"approve", "approved", "yes", "y", "ok", "อนุมัติ"})
WITHHOLD = frozenset({"withhold", "withheld", "reject", "no", "n", "ไม่อนุมัติ"})
PENDING = frozenset({"", "pending"})


@dataclass(frozen=True)
class QuoteStatus:
    """Whether a statement may be quoted. Unpacks as ``allowed, reason``.

    Attributes
    ----------
    allowed, reason:
        The decision and why (``""`` when allowed without conditions).
    code:
        The pseudonymous code to print with the quote (``R-07``).
    group:
        The respondent's roster group (print it with the quote only when ``allowed``).
    minor:
        Whether the respondent is under 18.
    flags:
        What in the statement could point at a minor (keys of ``privacy.flags`` in the messages).
    """

    allowed: bool
    reason: str
    code: str = ""
    group: str = ""
    minor: bool = False
    flags: tuple[str, ...] = ()

    def __iter__(self) -> Any:
        yield self.allowed
        yield self.reason


@dataclass(frozen=True)
class Approval:
    """One row of the approvals file."""

    segment_id: str
    decision: str = "pending"
    code: str = ""
    group: str = ""
    flagged: str = ""
    quote: str = ""
    reviewer: str = ""
    date: str = ""
    note: str = ""
    checksum: str = ""

    @property
    def approved(self) -> bool:
        return self.decision in APPROVE

    @property
    def withheld(self) -> bool:
        return self.decision in WITHHOLD


def approvals_path(root: str | Path) -> Path:
    return Path(root) / APPROVALS_NAME


def checksum(text: str) -> str:
    """What an approval is tied to: the statement's words (spacing aside)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def read_approvals(root: str | Path) -> dict[str, Approval]:
    """The approvals file of the study at ``root`` (empty when there is none), by segment id.

    Raises :class:`fivep.errors.InputError` naming the row of a decision fivep cannot read.
    """
    path = approvals_path(root)
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the approvals file is not UTF-8", path=path, hint="save it as CSV UTF-8") from None
    out: dict[str, Approval] = {}
    for number, raw in enumerate(csv.DictReader(io.StringIO(text)), 2):
        row = {k: unescape_cell(v) if isinstance(v, str) else v for k, v in raw.items()}   # see fivep.cells
        sid = (row.get("segment_id") or "").strip()
        if not sid:
            continue
        decision = (row.get("decision") or "").strip().casefold()
        if decision not in APPROVE | WITHHOLD | PENDING:
            raise InputError(f"unknown decision {decision!r}", path=path, line=number,
                             hint="write approve, withhold or leave it empty (pending)")
        values = {k: (row.get(k) or "").strip() for k in APPROVAL_COLUMNS if k not in ("segment_id", "decision")}
        out[sid] = Approval(sid, decision or "pending", **values)
    return out


def write_approvals(root: str | Path, approvals: Iterable[Approval]) -> Path:
    """Write the approvals file (UTF-8 with BOM for Excel; readable by its owner only)."""
    buffer = io.StringIO()
    writer = safe_writer(buffer, lineterminator="\n")
    writer.writerow(APPROVAL_COLUMNS)
    for a in approvals:
        writer.writerow([a.segment_id, a.code, a.group, a.flagged, a.quote, "" if a.decision == "pending" else a.decision,
                         a.reviewer, a.date, a.note, a.checksum])
    return write_private(approvals_path(root), buffer.getvalue(), encoding="utf-8-sig")


# --- what may point at a minor ----------------------------------------------------------------------------

_FLAG_WORDS: dict[str, tuple[str, ...]] = {
    "school": ("โรงเรียน", "ร.ร.", "ครู", "เรียน", "ปวช", "ปวส", "วิทยาลัย", "กศน.", "นักเรียน", "ห้องเรียน", "เรียนอยู่", "ชั้น", "มัธยม", "ประถม", "กศน",
               "มหาวิทยาลัย", "school", "teacher", "classmate", "grade", "class", "student", "university"),
    "news": ("ข่าว", "นักข่าว", "ออกข่าว", "ทีวี", "โทรทัศน์", "ไวรัล", "โพสต์", "แชร์", "สื่อ", "news", "reporter",
             "journalist", "tv", "newspaper", "viral", "posted", "media"),
    "family": ("แม่", "พ่อ", "ยาย", "ปู่", "ย่า", "พี่สาว", "พี่ชาย", "น้องสาว", "น้องชาย", "ลูก", "สามี", "ภรรยา",
               "ลุง", "ป้า", "น้า", "ครอบครัว", "ญาติ", "mother", "father", "mum", "mom", "dad", "sister",
               "brother", "grandmother", "grandma", "grandfather", "grandpa", "aunt", "uncle", "family",
               "cousin", "husband", "son", "daughter", "baby"),
    "place": ("หมู่บ้าน", "บ้าน", "อำเภอ", "ตำบล", "หมู่", "วัด", "ตลาด", "ด่าน", "ชายแดน", "ร้าน", "คาราโอเกะ",
              "village", "district", "temple", "market", "border", "checkpoint", "shop", "karaoke", "bar"),
}
_GRADE = re.compile(r"(?<![\u0e00-\u0e7f])[มป]\.?\s?[1-6](?!\d)|\b(?:Mor|Mo|Por|Grade|M|P)\.?\s?[1-6]\b")


@cache
def _flag_index() -> dict[str, str]:
    return {w.casefold(): flag for flag, words in _FLAG_WORDS.items() for w in words}


@cache
def _provinces() -> frozenset[str]:
    from pythainlp.corpus import provinces

    rows: list[dict[str, str]] = provinces(details=True)  # type: ignore[assignment]
    return frozenset(str(r.get(k, "")).casefold() for r in rows for k in ("name_th", "name_en") if r.get(k))


def flags(text: str) -> tuple[str, ...]:
    """What in ``text`` could point at a child: ``school``, ``place``, ``news``, ``family``, ``identifier``."""
    from fivep.privacy.detect import detect
    from fivep.privacy.lexicon import thai_tokenizer

    found: set[str] = set()
    index = _flag_index()
    tokens = [t.casefold() for t in thai_tokenizer()(text) if t.strip()]
    latin = [w.casefold() for w in re.findall(r"[A-Za-z][A-Za-z.]*", text)]
    for token in tokens + latin:
        flag = index.get(token) or index.get(token.rstrip("."))
        if flag:
            found.add(flag)
    if _GRADE.search(text):
        found.add("school")
    provinces = _provinces()
    # เลย (Loei) and ตาก (Tak) are everyday words too: provinces only after จังหวัด / จ.
    named = [t for i, t in enumerate(tokens) if t in provinces and (t not in ("เลย", "ตาก") or i and tokens[i - 1]
                                                                     in ("จังหวัด", "จ."))]
    if named or any(
            re.search(rf"\b{re.escape(p)}\b", text, re.IGNORECASE) for p in provinces if p.isascii()):
        found.add("place")
    if detect(text):
        found.add("identifier")
    return tuple(f for f in ("school", "place", "news", "family", "identifier") if f in found)


def flag_labels(keys: Iterable[str], lang: str = "en") -> str:
    from fivep.messages import message

    return ", ".join(message(lang, f"privacy.flags.{k}") for k in keys)


# --- the gate ---------------------------------------------------------------------------------------------

class QuoteGate:
    """Everything :func:`quote_status` needs for one study, read once (roster, statements, codes,
    approvals, ``k``). Make one per report; the module functions keep one per open study."""

    def __init__(self, study: Any) -> None:
        from fivep.privacy.cells import is_minor, min_cell
        from fivep.privacy.codes import respondent_codes

        self.study = study
        self.roster = {r.id: r for r in study.read_roster()}
        self.k = min_cell(study, list(self.roster.values()))
        self.codes = respondent_codes(study, list(self.roster.values()))
        self.segments = {s.id: s for s in study.segments()}
        self.minors = {rid for rid, r in self.roster.items() if is_minor(r)}
        self.group_sizes: dict[str, int] = {}
        for r in self.roster.values():
            self.group_sizes[r.group] = self.group_sizes.get(r.group, 0) + 1
        self._approvals: tuple[float, dict[str, Approval]] | None = None
        self._filter: Callable[[str], str] | None = None

    def approvals(self) -> dict[str, Approval]:
        path = approvals_path(self.study.root)
        stamp = path.stat().st_mtime if path.exists() else -1.0
        if self._approvals is None or self._approvals[0] != stamp:
            self._approvals = (stamp, read_approvals(self.study.root))
        return self._approvals[1]

    def status(self, segment_id: str, *, explain: bool = True) -> QuoteStatus:
        """The decision for one statement. ``explain=False`` skips what could point at the child
        (:func:`flags`: the whole identifier detector on the statement), which only words the reason:
        the decision is the same (the analysis step of a 30 MB study spent 82 of its 93 s there)."""
        segment = self.segments.get(segment_id)
        if segment is None:
            return QuoteStatus(False, f"no statement {segment_id} in the study")
        rid = segment.respondent_id
        if not rid:
            return QuoteStatus(False, "not a respondent's statement")
        person = self.roster.get(rid)
        if person is None:
            return QuoteStatus(False, "the speaker is not in the roster")
        code, group = self.codes.get(rid, rid), person.group
        if self.k > 1 and self.group_sizes.get(group, 0) < self.k:
            return QuoteStatus(False, f"the group has fewer than {self.k} respondents: a quote would narrow "
                                      "it down to one of them", code, group)
        if rid not in self.minors:
            return QuoteStatus(True, "", code, group)
        found = flags(segment.text) if explain else ()
        approval = self.approvals().get(segment_id)
        if approval is not None and approval.withheld:
            return QuoteStatus(False, "withheld by the researcher", code, group, True, found)
        if approval is not None and approval.approved:
            if approval.checksum and approval.checksum != checksum(segment.text):
                return QuoteStatus(False, "the statement changed after it was approved: approve it again in "
                                          f"{APPROVALS_NAME}", code, group, True, found)
            return QuoteStatus(True, f"approved by {approval.reviewer or 'the researcher'}", code, group, True, found)
        why = f" (flagged: {flag_labels(found)})" if found else ""
        return QuoteStatus(False, f"quote by a minor awaits approval in {APPROVALS_NAME}{why}", code, group, True,
                           found)

    def request(self, segment_ids: Iterable[str]) -> list[str]:
        """Add a pending row to the approvals file for each minor's statement not in it yet; returns the
        ids added. Rows already there (and their decisions) are kept."""
        approvals = dict(self.approvals())
        added = []
        for sid in segment_ids:
            segment = self.segments.get(sid)
            if segment is None or sid in approvals or segment.respondent_id not in self.minors:
                continue
            person = self.roster[segment.respondent_id or ""]
            approvals[sid] = Approval(sid, "pending", self.codes.get(person.id, ""), person.group,
                                      flag_labels(flags(segment.text)), self.text(segment.text),
                                      checksum=checksum(segment.text))
            added.append(sid)
        if added:
            write_approvals(self.study.root, approvals.values())
        return added

    def text(self, text: str) -> str:
        """``text`` through the identifier filter, with the de-identification review's decisions applied."""
        if self._filter is None:
            self._filter = review_filter(self.study.root)
        return self._filter(text)


_GATES: weakref.WeakKeyDictionary[Any, QuoteGate] = weakref.WeakKeyDictionary()


def gate(study: Any) -> QuoteGate:
    """The :class:`QuoteGate` of an open study (made on first use)."""
    if study not in _GATES:
        _GATES[study] = QuoteGate(study)
    return _GATES[study]


def quote_status(study: Any, segment_id: str) -> QuoteStatus:
    """Whether the statement ``segment_id`` may be quoted in an output: ``allowed, reason = ...``.

    See the module docstring for the rules; ``status.code`` is the code to print with the quote.
    """
    return gate(study).status(segment_id)


def request_approval(study: Any, segment_ids: Iterable[str]) -> list[str]:
    """Write pending rows for minors' statements a report would like to quote (see :class:`QuoteGate`)."""
    return gate(study).request(segment_ids)


def quote_text(study: Any, text: str) -> str:
    """``text`` de-identified for a quote, honouring the de-identification review file."""
    return gate(study).text(text)


# --- the identifier filter, with the researcher's review ---------------------------------------------------

def _review_rows(root: Path) -> list[dict[str, str]]:
    from fivep.privacy.deidentify import PRIVATE_DIR, REVIEW_NAME

    path = root / PRIVATE_DIR / REVIEW_NAME
    if not path.exists():
        return []
    return [{k: unescape_cell(v or "") for k, v in row.items() if k} for row in
            csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))]


@dataclass(frozen=True)
class ReviewDecisions:
    """What a study's review file decided, as plain data (it travels to worker processes and clusters).

    ``rejected``: (type, text) pairs the review rejected everywhere they were found; ``replacement``:
    edited pairs and their new text; ``added``: pairs the reviewer added, replaced wherever they stand.
    """

    rejected: frozenset[tuple[str, str]] = frozenset()
    replacement: tuple[tuple[tuple[str, str], str], ...] = ()
    added: tuple[tuple[str, str], ...] = ()


def review_decisions(root: str | Path) -> ReviewDecisions:
    """Read the study's review file once into :class:`ReviewDecisions` (empty without a review file)."""
    decided: dict[tuple[str, str], set[str]] = {}
    replacement: dict[tuple[str, str], str] = {}
    added: list[tuple[str, str]] = []
    for row in _review_rows(Path(root)):
        key = (row.get("type", ""), row.get("text", ""))
        decision = row.get("decision", "accept").strip().casefold() or "accept"
        if decision == "add" and key[1]:
            added.append(key)
            continue
        decided.setdefault(key, set()).add(decision)
        if decision == "edit" and row.get("replacement"):
            replacement[key] = row["replacement"]
    rejected = frozenset(key for key, seen in decided.items() if seen == {"reject"})
    return ReviewDecisions(rejected, tuple(replacement.items()), tuple(added))


def review_filter(root: str | Path, *, style: str = "tags") -> Callable[[str], str]:
    """A text filter: :func:`fivep.privacy.redact.redact_text` corrected by the study's review file.

    A text the review rejected everywhere it was found (``ประสาน`` is no name) is kept; an edited one
    takes its ``replacement``; an added one is replaced wherever it stands. Without a review file this
    is the plain filter. Results are remembered (the filter runs once per distinct text).
    """
    return decisions_filter(review_decisions(root), style=style)


def decisions_filter(decisions: ReviewDecisions, *, style: str = "tags") -> Callable[[str], str]:
    """The identifier filter corrected by review decisions already read (see :func:`review_filter`)."""
    from fivep.privacy.detect import detect
    from fivep.privacy.pseudonyms import Pseudonymizer
    from fivep.privacy.redact import redact
    from fivep.privacy.spans import Span

    rejected, replacement, added = decisions.rejected, dict(decisions.replacement), decisions.added

    @cache
    def apply(text: str) -> str:
        spans = [s for s in detect(text) if (s.type, s.text) not in rejected]
        for kind, value in added:
            start = text.find(value)
            while start >= 0:
                end = start + len(value)
                if not any(s.start < end and start < s.end for s in spans):
                    spans.append(Span(start, end, kind if kind else "PERSON", value, "review.add"))
                start = text.find(value, end)
        spans.sort(key=lambda s: s.start)
        pseudonymizer = Pseudonymizer(style)
        return redact(text, spans, pseudonymizer=pseudonymizer,
                      replace=lambda s: replacement.get((s.type, s.text)) or
                      pseudonymizer.pseudonym(s, before=text[max(0, s.start - 30) : s.start])).text

    return apply
