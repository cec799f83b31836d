"""Reviewing the machine's suggestions one decision at a time (the shape of Prodigy's review): accept,
reject, change to another code, skip, undo.

A suggestion is a code the machine proposes for a statement, waiting in the study's suggestions:
learned ones (:func:`fivep.coding.suggest.suggest_for_study`) and the rule tagger's codings
(:func:`suggest_from_rules`, with the words that triggered them as evidence). Each decision goes
through :meth:`fivep.Study.decide_suggestions` (and :meth:`~fivep.Study.add_coding` for a changed
code), which writes it at once to ``suggestions.csv`` and ``codings/REVIEWER.csv``. A decided
suggestion is not proposed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from fivep.errors import InputError
from fivep.workbench import render
from fivep.workbench.session import evidence_spans, is_blank

if TYPE_CHECKING:
    from fivep.study import Study
    from fivep.workbench.session import CodingSession

Decision = Literal["accepted", "rejected", "changed"]
ORDERS = ("document", "score", "uncertain")


def suggest_from_rules(study: Study) -> tuple[str, int]:
    """Offer the rule tagger's codings for review as suggestions (model ``rules@<version>``).

    Codes the study first if it has no machine codings. Suggestions already decided stay decided.
    Returns ``(model, new suggestions stored)``.
    """
    coder = study.machine_coder()
    if coder is None:
        raise InputError("the study has no machine codings", hint="run study.code() first")
    return coder, study.store.add_suggestions(study.store.codings(coder), coder)


@dataclass(frozen=True)
class Proposal:
    """A pending suggestion with what it rests on: the words the rule tagger found for its code in the
    statement (``evidence``) and the kind the tagger gave the statement."""

    id: int
    segment_id: str
    doc_id: str
    code_id: str
    model: str
    score: float | None
    evidence: tuple[str, ...] = ()
    kind: str | None = None


@dataclass
class _Done:
    proposal: Proposal
    decision: Decision
    new_code: str | None = None


@dataclass
class _Evidence:
    words: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


class ReviewQueue:
    """The pending suggestions the session's coder has not decided, one at a time.

    Parameters
    ----------
    session:
        The coding session; its ``coder`` is the reviewer.
    models:
        Only suggestions of these models (default: every model's).
    order:
        ``"document"`` (reading order), ``"score"`` (most confident first) or ``"uncertain"``
        (scores nearest 0.5 first, where a decision teaches the model most).
    documents:
        Only suggestions in these documents (default: all).
    """

    def __init__(self, session: CodingSession, *, models: list[str] | None = None, order: str = "document",
                 documents: list[str] | None = None) -> None:
        if order not in ORDERS:
            raise InputError(f"unknown order {order!r}", hint=f"use one of {', '.join(ORDERS)}")
        self.session = session
        self.models = models
        self.order = order
        self.documents = documents
        self.history: list[_Done] = []
        self._queue: list[Proposal] = []
        self.reload()

    @property
    def study(self) -> Study:
        return self.session.study

    @property
    def reviewer(self) -> str:
        return self.session.coder

    def __repr__(self) -> str:
        return f"<ReviewQueue {self.remaining} to review, {len(self.history)} decided by {self.reviewer!r}>"

    # --- the queue ------------------------------------------------------------------------------

    def _evidence(self) -> _Evidence:
        frame = self.session.codings()
        machine = frame[frame["source"].isin(("rule", "model"))]
        out = _Evidence()
        for row in machine.itertuples(index=False):
            if not is_blank(row.code_id):
                out.words[(row.segment_id, row.code_id)] = tuple(evidence_spans(row.evidence))
            if not is_blank(row.kind):
                out.kinds.setdefault(row.segment_id, row.kind)
        return out

    def reload(self) -> None:
        """Rebuild the queue from the study's pending suggestions (after new ones, or others' decisions)."""
        pending = [s for s in self.study.store.suggestions(status="pending")
                   if (self.models is None or s.model in self.models)
                   and (self.documents is None or s.doc_id in self.documents)]
        evidence = self._evidence()
        frame = self.session.codings()
        mine = frame[frame["coder"] == self.reviewer]
        coded = set(zip(mine["segment_id"], mine["code_id"], strict=True))
        best: dict[tuple[str, str], Proposal] = {}
        for s in pending:
            key = (s.segment_id, s.code_id)
            if key in coded or s.segment_id not in self.session.segments:
                continue
            p = Proposal(s.id, s.segment_id, s.doc_id, s.code_id, s.model, s.score, evidence.words.get(key, ()),
                         evidence.kinds.get(s.segment_id))
            if key not in best or (p.score or 0.0) > (best[key].score or 0.0):
                best[key] = p            # the rule tagger and a model may propose the same code
        position = {s.id: (s.doc_id, s.start) for s in self.session.segments.values()}
        queue = list(best.values())
        if self.order == "document":
            queue.sort(key=lambda p: (position[p.segment_id], -(p.score or 0.0), p.code_id))
        elif self.order == "score":
            queue.sort(key=lambda p: (-(p.score or 0.0), position[p.segment_id]))
        else:
            queue.sort(key=lambda p: (abs((p.score if p.score is not None else 1.0) - 0.5), position[p.segment_id]))
        self._queue = queue

    @property
    def current(self) -> Proposal | None:
        return self._queue[0] if self._queue else None

    @property
    def remaining(self) -> int:
        return len(self._queue)

    def progress(self) -> str:
        counts = {d: sum(1 for h in self.history if h.decision == d) for d in ("accepted", "rejected", "changed")}
        return (f"{self.remaining} to review · {counts['accepted']} accepted · {counts['rejected']} rejected · "
                f"{counts['changed']} changed")

    # --- decisions ------------------------------------------------------------------------------

    def _take(self) -> Proposal:
        if not self._queue:
            raise InputError("nothing left to review", hint="suggest more: suggest_from_rules(study) or "
                                                            "fivep.coding.suggest.suggest_for_study(study)")
        return self._queue[0]

    def _decided(self, p: Proposal, decision: Decision, new_code: str | None = None) -> Proposal:
        self._queue.remove(p)
        self.history.append(_Done(p, decision, new_code))
        self.session.changed()
        return p

    def accept(self) -> Proposal:
        """The suggested code is right: it becomes a coding of the reviewer (whole statement)."""
        p = self._take()
        self.study.decide_suggestions([p.id], "accepted", self.reviewer)
        return self._decided(p, "accepted")

    def reject(self) -> Proposal:
        """The suggested code is wrong: the rejection is recorded and it is not suggested again."""
        p = self._take()
        self.study.decide_suggestions([p.id], "rejected", self.reviewer)
        return self._decided(p, "rejected")

    def change(self, code_id: str) -> Proposal:
        """The statement is about something else: reject the suggestion and code ``code_id`` instead."""
        if code_id not in self.session.codebook:
            raise InputError(f"'{code_id}' is not a code of the codebook")
        p = self._take()
        if code_id == p.code_id:
            return self.accept()
        self.study.decide_suggestions([p.id], "rejected", self.reviewer)
        self.study.add_coding(p.segment_id, code_id, self.reviewer)
        return self._decided(p, "changed", code_id)

    def skip(self) -> Proposal:
        """Decide later: the suggestion goes to the end of the queue."""
        p = self._take()
        self._queue.append(self._queue.pop(0))
        return p

    def undo(self) -> Proposal:
        """Take back the last decision (the suggestion pending again, a changed code removed); it is next."""
        if not self.history:
            raise InputError("no decision to undo")
        done = self.history.pop()
        self.study.decide_suggestions([done.proposal.id], "pending", self.reviewer)
        if done.new_code:
            self.study.remove_coding(done.proposal.segment_id, done.new_code, self.reviewer)
        self._queue.insert(0, done.proposal)
        self.session.changed()
        return done.proposal

    # --- view -----------------------------------------------------------------------------------

    def card_html(self, *, context: int = 1) -> str:
        """The current suggestion: the statement with its evidence marked, its neighbours, the code."""
        p = self.current
        if p is None:
            return render.page(f'<div class="fv-card"><p>Nothing left to review.</p>'
                               f'<div class="fv-muted">{render.esc(self.progress())}</div></div>')
        s = self.session
        segments = s.document_segments(p.doc_id)
        index = next(i for i, x in enumerate(segments) if x.id == p.segment_id)
        segment = segments[index]
        around = [render.esc(x.text) for x in segments[max(0, index - context):index]], \
            [render.esc(x.text) for x in segments[index + 1:index + 1 + context]]
        who, group = s.speaker_label(segment.respondent_id, "")
        evidence = ", ".join(f"«{render.esc(t)}»" for t in p.evidence) or \
            '<span class="fv-muted">no keyword: learned from similar statements</span>'
        mine = s.my_codes(p.segment_id)
        parts: dict[str, Any] = {
            "head": f"{render.esc(p.segment_id)} · <b>{render.esc(who)}</b> · {render.esc(group)}",
            "before": "".join(f'<div class="fv-context">{t}</div>' for t in around[0]),
            "text": render.highlight(segment.text, s.evidence_marks(segment, p.evidence, p.code_id)),
            "after": "".join(f'<div class="fv-context">{t}</div>' for t in around[1]),
            "code": render.chip(s.label(p.code_id), s.dimension(p.code_id), p.model, machine=True),
            "score": "" if p.score is None else f" · score {p.score:.2f}",
        }
        coded = f'<div class="fv-muted">you coded: {render.esc(", ".join(mine))}</div>' if mine else ""
        return render.page(
            f'<div class="fv-card" data-suggestion="{p.id}" data-segment="{render.esc(p.segment_id)}">'
            f'<div class="fv-muted">{parts["head"]}</div>{parts["before"]}'
            f'<div class="fv-text">{parts["text"]}</div>{parts["after"]}'
            f'<div class="fv-proposal">{parts["code"]} {render.kind_badge(p.kind, p.model)}</div>'
            f'<div>evidence: {evidence}<span class="fv-muted">{render.esc(parts["score"])}</span></div>'
            f'{coded}<div class="fv-muted">{render.esc(self.progress())}</div></div>')
