// The transcript view: click a statement to select it, or select words inside it to select a span.
// Offsets sent back are code points into the statement's text (Python's str indices).
function codePoints(text) { return Array.from(text).length; }

function offsetIn(container, node, offset) {
  const range = document.createRange();
  range.selectNodeContents(container);
  range.setEnd(node, offset);
  return codePoints(range.toString());
}

function render({ model, el }) {
  el.classList.add("fv-transcript");
  const draw = () => {
    const scroll = el.querySelector(".fv-doc")?.scrollTop ?? 0;
    el.innerHTML = model.get("html");
    const doc = el.querySelector(".fv-doc");
    if (doc) doc.scrollTop = scroll;
  };
  draw();
  model.on("change:html", draw);
  el.addEventListener("mouseup", (event) => {
    const seg = event.target.closest(".fv-seg[data-segment]");
    if (!seg) return;
    const text = seg.querySelector(".fv-text");
    const sel = window.getSelection();
    let start = null, end = null;
    if (sel && !sel.isCollapsed && text.contains(sel.anchorNode) && text.contains(sel.focusNode)) {
      const a = offsetIn(text, sel.anchorNode, sel.anchorOffset);
      const b = offsetIn(text, sel.focusNode, sel.focusOffset);
      [start, end] = a < b ? [a, b] : [b, a];
    }
    el.querySelectorAll(".fv-seg.fv-selected").forEach((x) => x.classList.remove("fv-selected"));
    seg.classList.add("fv-selected");
    model.set("selected", { segment_id: seg.dataset.segment, start, end, n: (model.get("selected").n || 0) + 1 });
    model.save_changes();
  });
}
export default { render };
