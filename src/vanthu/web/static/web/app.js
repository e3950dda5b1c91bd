/* Vanthu web UI behaviour. Loaded as a file (no inline scripts: CSP-friendly). */
(function () {
  "use strict";
  // Enter in an organisation lookup box searches; it must not submit the surrounding form.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof HTMLElement && target.hasAttribute("data-lookup-input")) {
      event.preventDefault();
      if (window.htmx) { window.htmx.trigger(target, "search"); }
    }
  });
  // A form with data-confirm asks first (ký số của cơ quan, sao y: each makes a new signed file).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")
        && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // A fragment that fails to load says so in place, instead of leaving "Đang tải…" forever.
  document.addEventListener("htmx:responseError", function (event) {
    var detail = event.detail || {};
    var box = detail.target;
    if (box instanceof HTMLElement) {
      box.textContent = document.documentElement.lang === "en"
        ? "Could not load. Please try again."
        : "Không tải được dữ liệu. Vui lòng thử lại.";
    }
  });
})();
