/* One key to accept the suggestions of an incoming document: "g" presses the panel's button.
   Loaded as a file (CSP: no inline scripts). Keys typed into a field are left alone. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "g" && event.key !== "G") { return; }
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) { return; }
    var target = event.target;
    if (target instanceof HTMLElement &&
        (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    var button = document.querySelector("[data-suggest-accept]");
    if (button instanceof HTMLButtonElement && !button.disabled) {
      event.preventDefault();
      button.disabled = true;
      button.form.requestSubmit();
    }
  });
})();
