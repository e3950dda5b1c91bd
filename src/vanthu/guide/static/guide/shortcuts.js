/* Vanthu keyboard shortcuts (phím tắt). Loaded as a file: no inline script (CSP).
 *
 * The shortcuts are links in the page carrying data-shortcut="g d" (the list is rendered by
 * the server in the "?" dialog, guide/_topbar.html), so addresses and labels stay in Django.
 * Built in: "/" focuses the search box, "?" opens the list. Keys typed into a field, or with
 * Ctrl/Alt/Meta held, are left alone.
 */
(function () {
  "use strict";
  var PREFIX_TIMEOUT_MS = 1500;
  var pending = "";
  var timer = null;

  function typing(target) {
    if (!(target instanceof HTMLElement)) { return false; }
    if (target.isContentEditable) { return true; }
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function shortcuts() {
    var found = {};
    var links = document.querySelectorAll("[data-shortcut]");
    for (var i = 0; i < links.length; i++) {
      found[links[i].getAttribute("data-shortcut")] = links[i];
    }
    return found;
  }

  function reset() {
    pending = "";
    if (timer) { window.clearTimeout(timer); timer = null; }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) { return; }
    if (typing(event.target)) { return; }
    var dialog = document.getElementById("phim-tat");
    if (dialog && dialog.open) { return; }  // Esc and Tab work as usual inside the list.
    var key = event.key;
    if (pending === "" && key === "/") {
      var search = document.getElementById("top-search");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
      return;
    }
    if (pending === "" && key === "?") {
      if (dialog && typeof dialog.showModal === "function") {
        event.preventDefault();
        dialog.showModal();
      }
      return;
    }
    if (key.length !== 1) { return; }
    var keys = pending ? pending + " " + key : key;
    var table = shortcuts();
    if (table[keys]) {
      event.preventDefault();
      reset();
      var href = table[keys].getAttribute("href");
      if (href) { window.location.assign(href); }
      return;
    }
    var prefix = keys + " ";
    for (var k in table) {
      if (Object.prototype.hasOwnProperty.call(table, k) && k.indexOf(prefix) === 0) {
        event.preventDefault();
        pending = keys;
        if (timer) { window.clearTimeout(timer); }
        timer = window.setTimeout(reset, PREFIX_TIMEOUT_MS);
        return;
      }
    }
    reset();
  });
})();
