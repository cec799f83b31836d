"""The workbench's widgets (ipywidgets, with two anywidgets where ipywidgets cannot: selecting a span of
text, and deciding with a key). Every button calls :class:`CodingSession`, :class:`ReviewQueue` or
the codebook functions; nothing here touches the study's files or store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

import anywidget
import ipywidgets as w
import traitlets

from fivep.errors import FivepError
from fivep.model import DIMENSIONS, KINDS
from fivep.workbench import render
from fivep.workbench.retrieval import disagreements_html, retrieval_html, retrieve
from fivep.workbench.review import ORDERS, ReviewQueue
from fivep.workbench.session import MEMO_TARGETS, CodingSession

if TYPE_CHECKING:
    from fivep.study import Study

KEYS = {"a": "accept", "x": "reject", "s": "skip", "u": "undo", "1": "obstacle", "2": "recommendation",
        "3": "other"}


def _static(name: str) -> str:
    return resources.files("fivep.workbench").joinpath("static", name).read_text(encoding="utf-8")


class TranscriptView(anywidget.AnyWidget):  # type: ignore[misc]
    """A transcript as HTML; ``selected`` is the clicked statement and the selected span in it."""

    _esm = _static("transcript.js")
    _css = render.CSS
    html = traitlets.Unicode("").tag(sync=True)
    selected = traitlets.Dict({}).tag(sync=True)


class DecisionCard(anywidget.AnyWidget):  # type: ignore[misc]
    """One proposal as HTML; a key pressed while it has the focus arrives as ``pressed``."""

    _esm = _static("keys.js")
    _css = render.CSS
    html = traitlets.Unicode("").tag(sync=True)
    shortcuts = traitlets.List(list(KEYS)).tag(sync=True)
    pressed = traitlets.Dict({}).tag(sync=True)


def _button(description: str, css: str, handler: Callable[[], Any], style: str = "") -> w.Button:
    button = w.Button(description=description, button_style=style)
    button.add_class(css)
    button.on_click(lambda _: handler())
    return button


class Workbench:
    """The researcher's workbench for ``study`` as ``coder``: display it in a notebook cell.

    Tabs: *Transcript* (read, select a statement or span, code it from the codebook tree, set its
    kind, write memos), *Review* (the machine's proposals one at a time: keys ``a`` accept, ``x``
    reject, ``s`` skip, ``u`` undo), *Retrieve*, *Disagreements*, *Codebook* (create, rename, merge)
    and *Memos*. Everything is written at once to the study folder through :class:`fivep.Study`.
    """

    def __init__(self, study: Study, coder: str, *, lang: str = "en", document: str | None = None) -> None:
        self.session = CodingSession(study, coder, lang=lang)
        if document:
            self.session.open(document)
        self.queue: ReviewQueue | None = None
        self.status = w.HTML()
        self.status.add_class("fv-status")
        tabs = [("Transcript", self._transcript_tab()), ("Review", self._review_tab()),
                ("Retrieve", self._retrieve_tab()), ("Disagreements", self._disagreement_tab()),
                ("Codebook", self._codebook_tab()), ("Memos", self._memo_tab())]
        self.tabs = w.Tab(children=[t for _, t in tabs], titles=[n for n, _ in tabs])
        self.tabs.observe(self._tab_changed, names="selected_index")
        self.widget = w.VBox([w.HTML(f"<b>{study.root.name}</b> · coding as <b>{coder}</b>"), self.tabs,
                              self.status])
        self.widget.add_class("fv-workbench")
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _run(self, action: Callable[[], Any], done: str = "") -> Any:
        """Run a user action; its error is shown in the status line (a widget callback's traceback would
        go nowhere a researcher looks), an unexpected one with its type, and logged in full."""
        try:
            result = action()
        except FivepError as error:
            self.status.value = f'<span style="color:#b00">{render.esc(error)}</span>'
            return None
        except Exception as error:
            logging.getLogger(__name__).exception("workbench action failed")
            self.status.value = (f'<span style="color:#b00">unexpected error (logged in full): '
                                 f"{render.esc(type(error).__name__)}: {render.esc(error)}</span>")
            return None
        self.status.value = render.esc(done)
        return result

    # --- transcript ---------------------------------------------------------------------------

    def _transcript_tab(self) -> w.Widget:
        s = self.session
        self.document = w.Dropdown(options=list(s.documents), value=s.doc_id, description="Transcript")
        self.document.observe(lambda change: self._open(change["new"]), names="value")
        self.stripes = w.Dropdown(options=[("every coder", "all"), ("people only", "people"), ("mine", "mine")],
                                  value=s.stripes, description="Codes of")
        self.stripes.observe(lambda change: self._stripes(change["new"]), names="value")
        self.view = TranscriptView(layout=w.Layout(width="62%"))
        self.view.observe(self._selected, names="selected")
        self.selection = w.HTML('<span class="fv-muted">click a statement, or select words in it</span>')
        self.search = w.Text(placeholder="find a code", layout=w.Layout(width="100%"))
        self.search.observe(lambda _: self._fill_tree(), names="value")
        self.tree = w.Select(rows=14, layout=w.Layout(width="100%"))
        self.tree.add_class("fv-tree")
        kinds = [_button(k, f"fv-kind-{k}", self._kind_setter(k)) for k in KINDS]
        self.memo_target = w.Dropdown(options=list(MEMO_TARGETS), value="statement", layout=w.Layout(width="9em"))
        self.memo_text = w.Textarea(placeholder="memo", layout=w.Layout(width="100%"))
        self.memo_list = w.HTML()
        side = w.VBox([
            self.selection, self.search, self.tree,
            w.HBox([_button("Code", "fv-code-button", self._code, "primary"),
                    _button("Remove code", "fv-uncode-button", self._uncode)]),
            w.HBox(kinds), w.HBox([self.memo_target, _button("Add memo", "fv-memo-button", self._memo)]),
            self.memo_text, self.memo_list], layout=w.Layout(width="38%"))
        self._fill_tree()
        return w.VBox([w.HBox([self.document, self.stripes]), w.HBox([self.view, side])])

    def _stripes(self, value: str) -> None:
        self.session.stripes = value
        self.refresh()

    def _fill_tree(self) -> None:
        rows = self.session.codebook_tree(self.search.value)
        keep = self.tree.value
        self.tree.options = rows
        if keep in {code for _, code in rows}:
            self.tree.value = keep

    def _open(self, doc_id: str) -> None:
        self._run(lambda: self.session.open(doc_id))
        self.refresh()

    def _selected(self, change: dict[str, Any]) -> None:
        chosen = change["new"]
        if not chosen.get("segment_id"):
            return
        self._run(lambda: self.session.select(chosen["segment_id"], chosen.get("start"), chosen.get("end")))
        self._show_selection()

    def _show_selection(self) -> None:
        sel = self.session.selection
        if sel is None:
            return
        what = "statement" if sel.whole else f"span {sel.start}-{sel.end}"
        mine = ", ".join(self.session.my_codes(sel.segment_id)) or "none yet"
        self.selection.value = (f"<b>{render.esc(sel.segment_id)}</b> ({what})<br>"
                                f"<i>{render.esc(sel.text[:200])}</i><br>your codes: {render.esc(mine)}")
        self._show_memos()

    def _show_memos(self) -> None:
        s = self.session
        frames = []
        if s.selection is not None:
            frames.append(s.memos("statement", s.selection.segment_id))
        frames.append(s.memos("document", s.doc_id))
        rows = [[render.esc(r.get("target_kind", "")), render.esc(r.get("author", "")), render.esc(r.get("text", ""))]
                for f in frames for r in f.to_dict("records")]
        self.memo_list.value = render.page(render.table(["on", "by", "memo"], rows, empty="no memos here"))

    def _code(self) -> None:
        code = self.tree.value
        if self._run(lambda: self.session.code(code) if code else self._need("pick a code in the tree"),
                     f"coded {code}") is not None:
            self.refresh()

    def _uncode(self) -> None:
        code = self.tree.value
        self._run(lambda: self.session.uncode(code) if code else self._need("pick a code in the tree"),
                  f"removed {code}")
        self.refresh()

    def _kind_setter(self, kind: str) -> Callable[[], None]:
        return lambda: self._run(lambda: self._kind(kind), f"kind: {kind}")

    def _kind(self, kind: str) -> None:
        self.session.set_kind(kind)
        self.refresh()

    def _memo(self) -> None:
        text, target = self.memo_text.value, self.memo_target.value
        if self._run(lambda: self.session.memo(text, target=target, code_id=self.tree.value), "memo saved"):
            self.memo_text.value = ""
            self._show_memos()

    @staticmethod
    def _need(message: str) -> None:
        raise FivepError(message)

    def refresh(self) -> None:
        """Redraw the transcript and the selection from the study."""
        self.view.html = self.session.transcript_html()
        self._show_selection()

    # --- review -------------------------------------------------------------------------------

    def _review_tab(self) -> w.Widget:
        self.card = DecisionCard()
        self.card.observe(lambda change: self._key(change["new"].get("key", "")), names="pressed")
        self.order = w.Dropdown(options=list(ORDERS), value="document", description="Order")
        self.order.observe(lambda _: self._start_review(), names="value")
        self.change_to = w.Dropdown(options=[], layout=w.Layout(width="24em"))
        buttons = w.HBox([_button("Accept (a)", "fv-accept", lambda: self._key("a"), "success"),
                          _button("Reject (x)", "fv-reject", lambda: self._key("x"), "danger"),
                          _button("Skip (s)", "fv-skip", lambda: self._key("s")),
                          _button("Undo (u)", "fv-undo", lambda: self._key("u"))])
        change = w.HBox([self.change_to, _button("Change to this code", "fv-change", self._change)])
        return w.VBox([self.order, self.card, buttons, change,
                       w.HTML('<span class="fv-muted">Click the card, then: a accept · x reject · s skip · '
                              "u undo · 1 obstacle · 2 recommendation · 3 other</span>")])

    def _start_review(self) -> None:
        self.queue = self._run(lambda: ReviewQueue(self.session, order=self.order.value))
        self.change_to.options = self.session.codebook_tree()
        self._show_card()

    def _show_card(self) -> None:
        self.card.html = self.queue.card_html() if self.queue else ""

    def _key(self, key: str) -> None:
        queue = self.queue
        if queue is None:
            return
        action = KEYS.get(key)
        if action in KINDS:
            current = queue.current
            if current is not None:
                self._run(lambda: self.session.study.set_kind(current.segment_id, action, self.session.coder),
                          f"{current.segment_id}: {action}")
                self.session.changed()
        elif action:
            done = self._run(getattr(queue, action))
            if done is not None:
                self.status.value = f"{action}: {render.esc(done.code_id)} on {render.esc(done.segment_id)}"
        self._show_card()

    def _change(self) -> None:
        queue, code = self.queue, self.change_to.value
        if queue is not None and code:
            self._run(lambda: queue.change(code), f"changed to {code}")
            self._show_card()

    def _tab_changed(self, change: dict[str, Any]) -> None:
        if change["new"] == 1 and self.queue is None:
            self._start_review()
        elif change["new"] == 0:
            self.refresh()
        elif change["new"] == 5:
            self._all_memos()

    # --- retrieval, disagreements ---------------------------------------------------------------

    def _retrieve_tab(self) -> w.Widget:
        s = self.session
        coders = sorted(set(s.codings()["coder"]))
        self.r_code = w.Dropdown(options=[("any", "")] + s.codebook_tree(), description="Code")
        self.r_dimension = w.Dropdown(options=["", *DIMENSIONS], description="or a P")
        self.r_group = w.Dropdown(options=["", *sorted(set(s.groups.values()))], description="Group")
        self.r_coder = w.Dropdown(options=["", *coders], description="Coder")
        self.r_context = w.BoundedIntText(value=1, min=0, max=5, description="Context")
        self.r_out = w.HTML()
        go = _button("Retrieve", "fv-retrieve", self._retrieve, "primary")
        return w.VBox([w.HBox([self.r_code, self.r_dimension]), w.HBox([self.r_group, self.r_coder]),
                       w.HBox([self.r_context, go]), self.r_out])

    def _retrieve(self) -> None:
        frame = self._run(lambda: retrieve(self.session, code=self.r_code.value, dimension=self.r_dimension.value,
                                           group=self.r_group.value, coder=self.r_coder.value,
                                           context=self.r_context.value))
        if frame is not None:
            self.r_out.value = retrieval_html(self.session, frame)

    def _disagreement_tab(self) -> w.Widget:
        coders = sorted(set(self.session.codings()["coder"]))
        self.d_a = w.Dropdown(options=coders, value=coders[0] if coders else None, description="Coder A")
        self.d_b = w.Dropdown(options=coders, value=coders[1] if len(coders) > 1 else None, description="Coder B")
        self.d_out = w.HTML()
        return w.VBox([w.HBox([self.d_a, self.d_b, _button("Compare", "fv-compare", self._compare, "primary")]),
                       self.d_out])

    def _compare(self) -> None:
        a, b = self.d_a.value, self.d_b.value
        frame = self._run(lambda: self.session.study.disagreements(a, b))
        if frame is not None:
            self.d_out.value = disagreements_html(self.session, frame, a, b)

    # --- codebook, memos ------------------------------------------------------------------------

    def _codebook_tab(self) -> w.Widget:
        self.c_id = w.Text(description="New id", placeholder="protection.school_return")
        self.c_dimension = w.Dropdown(options=[*DIMENSIONS, "actor"], description="Dimension")
        self.c_parent = w.Dropdown(options=[("(none)", "")] + self.session.codebook_tree(), description="Parent")
        self.c_label_en = w.Text(description="Label (en)")
        self.c_label_th = w.Text(description="Label (th)")
        self.c_keywords = w.Text(description="Keywords", placeholder="comma separated, Thai or English")
        self.c_old = w.Dropdown(options=self.session.codebook_tree(), description="Code")
        self.c_new = w.Text(description="Rename to")
        self.c_into = w.Dropdown(options=self.session.codebook_tree(), description="Merge into")
        return w.VBox([
            w.HTML("<b>Create a code</b>"), w.HBox([self.c_id, self.c_dimension, self.c_parent]),
            w.HBox([self.c_label_en, self.c_label_th]), self.c_keywords,
            _button("Create", "fv-create", self._create, "primary"),
            w.HTML("<b>Rename or merge</b> (codings move with the code)"), self.c_old,
            w.HBox([self.c_new, _button("Rename", "fv-rename", self._rename)]),
            w.HBox([self.c_into, _button("Merge", "fv-merge", self._merge)])])

    def _codebook_changed(self, done: str) -> None:
        self.session.changed()
        tree = self.session.codebook_tree()
        for dropdown in (self.c_old, self.c_into, self.r_code, self.change_to):
            dropdown.options = ([("any", "")] if dropdown is self.r_code else []) + tree
        self.c_parent.options = [("(none)", "")] + tree
        self._fill_tree()
        self.refresh()
        self.status.value = render.esc(done)

    def _create(self) -> None:
        new = self.c_id.value.strip()
        def create() -> bool:
            self.session.create_code(new, self.c_dimension.value, self.c_label_en.value, self.c_label_th.value,
                                     parent=self.c_parent.value or None, keywords=self.c_keywords.value.split(","))
            return True

        if self._run(create):
            self._codebook_changed(f"created {new}")

    def _rename(self) -> None:
        old, new = self.c_old.value, self.c_new.value.strip()
        moved = self._run(lambda: self.session.rename_code(old, new))
        if moved is not None:
            self._codebook_changed(f"renamed {old} to {new}; {moved} coding(s) moved")

    def _merge(self) -> None:
        old, into = self.c_old.value, self.c_into.value
        moved = self._run(lambda: self.session.merge_codes(old, into))
        if moved is not None:
            self._codebook_changed(f"merged {old} into {into}; {moved} coding(s) moved")

    def _memo_tab(self) -> w.Widget:
        self.all_memos = w.HTML()
        return w.VBox([_button("Refresh", "fv-memos-refresh", self._all_memos), self.all_memos])

    def _all_memos(self) -> None:
        frame = self._run(lambda: self.session.memos())
        if frame is not None:
            rows = [[render.esc(r.get(c, "")) for c in ("target_kind", "target_id", "author", "text")]
                    for r in frame.to_dict("records")]
            self.all_memos.value = render.page(render.table(["on", "id", "by", "memo"], rows, empty="no memos yet"))
