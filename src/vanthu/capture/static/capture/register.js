// Scan queue registration table: Enter in a field registers that row (its own button), not
// the first button of the form. Shift+Enter keeps a new line in the summary.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
  var field = event.target;
  if (!(field instanceof HTMLElement) || !field.closest("#scan-register")) return;
  var row = field.closest("tr[data-row]");
  if (!row || field.tagName === "BUTTON") return;
  var button = row.querySelector("button.row-register");
  if (!button) return;
  event.preventDefault();
  button.click();
});
