// Keyboard shortcuts on every agent page.
//
// Convention: an element with data-shortcut="<key>" and data-shortcut-label="<what it does>" is
// activated by that key: fields get the focus, links and buttons are clicked. Built in: j/k
// (next/previous ticket: the inbox keeps the ordered ticket URLs of its current page in
// sessionStorage), x (select the current inbox row) and ? (this help, an accessible dialog that
// Esc closes). Nothing fires while the user types in a field or holds Ctrl, Alt or Meta.
(function () {
  "use strict";

  var LIST_KEY = "atiende:ticket-list";
  var lastFocus = null;

  function isTyping(target) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    return Boolean(target.closest("input, textarea, select, [contenteditable]"));
  }

  function isShown(element) {
    return !element.closest("[hidden]") && element.getClientRects().length > 0;
  }

  function shortcutElements() {
    var seen = {};
    return Array.prototype.filter.call(document.querySelectorAll("[data-shortcut]"), function (element) {
      var key = element.getAttribute("data-shortcut");
      if (!key || seen[key] || !isShown(element) || element.closest("template, dialog")) return false;
      seen[key] = true;
      return true;
    });
  }

  function activate(element) {
    if (element.matches("input, textarea, select")) {
      element.focus();
      if (typeof element.select === "function" && element.type !== "checkbox" && element.type !== "radio") element.select();
    } else {
      element.click();
    }
  }

  // --- j/k: the ticket list ------------------------------------------------------------------

  function storedList() {
    try {
      var stored = JSON.parse(window.sessionStorage.getItem(LIST_KEY) || "null");
      return stored && Array.isArray(stored.urls) ? stored : null;
    } catch (error) {
      return null;
    }
  }

  function inboxLinks() {
    var rows = document.getElementById("inbox-rows");
    return rows ? Array.prototype.slice.call(rows.querySelectorAll("a.ticket-link")) : null;
  }

  function moveInInbox(links, step) {
    if (!links.length) return;
    var current = links.findIndex(function (link) { return link.closest("tr").classList.contains("is-current"); });
    var next = current < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(Math.max(current + step, 0), links.length - 1);
    links.forEach(function (link) { link.closest("tr").classList.remove("is-current"); });
    links[next].closest("tr").classList.add("is-current");
    links[next].focus();
  }

  function moveInStoredList(step) {
    var stored = storedList();
    if (!stored) return;
    var index = stored.urls.indexOf(window.location.pathname);
    if (index < 0) return;
    var target = stored.urls[index + step];
    if (target) window.location.assign(target);
  }

  function move(step) {
    var links = inboxLinks();
    if (links) moveInInbox(links, step);
    else moveInStoredList(step);
  }

  function toggleCurrentRow() {
    var row = document.querySelector("#inbox-rows tr.is-current");
    var box = row && row.querySelector("input[type=checkbox]");
    if (!box) return;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function inList() {
    if (inboxLinks()) return true;
    var stored = storedList();
    return Boolean(stored && stored.urls.indexOf(window.location.pathname) >= 0);
  }

  // --- the help overlay ----------------------------------------------------------------------

  function helpDialog() {
    var dialog = document.querySelector("dialog.shortcut-help");
    if (dialog) return dialog;
    var template = document.getElementById("shortcut-help-template");
    if (!template) return null;
    document.body.appendChild(template.content.cloneNode(true));
    dialog = document.querySelector("dialog.shortcut-help");
    dialog.addEventListener("close", function () {
      if (lastFocus && document.contains(lastFocus)) lastFocus.focus();
    });
    return dialog;
  }

  function entry(key, label) {
    var wrapper = document.createElement("div");
    wrapper.setAttribute("data-page-shortcut", "");
    var term = document.createElement("dt");
    var kbd = document.createElement("kbd");
    kbd.textContent = key;
    term.appendChild(kbd);
    var description = document.createElement("dd");
    description.textContent = label;
    wrapper.appendChild(term);
    wrapper.appendChild(description);
    return wrapper;
  }

  function openHelp() {
    var dialog = helpDialog();
    if (!dialog || dialog.open) return;
    var list = dialog.querySelector(".shortcut-list");
    list.querySelectorAll("[data-page-shortcut]").forEach(function (old) { old.remove(); });
    list.querySelectorAll("[data-builtin=list]").forEach(function (item) { item.hidden = !inList(); });
    list.querySelectorAll("[data-builtin=inbox]").forEach(function (item) { item.hidden = !inboxLinks(); });
    var first = list.firstElementChild;
    shortcutElements().forEach(function (element) {
      var label = element.getAttribute("data-shortcut-label") || element.textContent.trim();
      list.insertBefore(entry(element.getAttribute("data-shortcut"), label), first);
    });
    lastFocus = document.activeElement;
    dialog.showModal();
  }

  // --- dispatch ------------------------------------------------------------------------------

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTyping(event.target)) return;
    if (document.querySelector("dialog[open]")) return; // a dialog has the keyboard (Esc closes it)
    var key = event.key;
    if (key === "?") {
      event.preventDefault();
      openHelp();
      return;
    }
    if (key === "j" || key === "k") {
      event.preventDefault();
      move(key === "j" ? 1 : -1);
      return;
    }
    if (key === "x" && inboxLinks()) {
      event.preventDefault();
      toggleCurrentRow();
      return;
    }
    var match = shortcutElements().find(function (element) { return element.getAttribute("data-shortcut") === key; });
    if (match) {
      event.preventDefault();
      activate(match);
    }
  });

  // Buttons that ask before doing something that cannot be undone (merge, delete a view).
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  });
})();
