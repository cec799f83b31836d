// The review card: shows one proposal; keys decide it (a accept, x reject, s skip, u undo,
// 1-3 kind). Keys are kept from JupyterLab's own shortcuts while the card has the focus.
function render({ model, el }) {
  el.tabIndex = 0;
  el.classList.add("fv-keys");
  const draw = () => { el.innerHTML = model.get("html"); };
  draw();
  model.on("change:html", draw);
  el.addEventListener("click", () => el.focus());
  el.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    if (!model.get("shortcuts").includes(key)) return;
    event.preventDefault();
    event.stopPropagation();
    // a synced value, not a custom message: each press counts, even the same key twice
    model.set("pressed", { key, n: (model.get("pressed").n || 0) + 1 });
    model.save_changes();
  });
}
export default { render };
