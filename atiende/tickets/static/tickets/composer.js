/* The ticket page: composer mode (public reply / internal note), attachments by drag and drop,
   and htmx answers that carry a form's errors (4xx) swapped in like any other.
   Everything is delegated from the document: htmx replaces these elements after each save. */
(function () {
  "use strict";

  var ERROR_SWAPS = [400, 403, 404, 409, 413];

  function composer() { return document.getElementById("composer"); }

  function setMode(form, mode) {
    var radio = form.querySelector('input[name="kind"][value="' + mode + '"]');
    if (radio) { radio.checked = true; }
    var checked = form.querySelector('input[name="kind"]:checked');
    var internal = checked ? checked.value === "internal" : true;
    form.classList.toggle("mode-internal", internal);
    var send = form.querySelector("#composer-send");
    if (send) { send.textContent = internal ? send.dataset.labelInternal : send.dataset.labelPublic; }
  }

  function humanSize(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1) + " MB"; }
    if (bytes >= 1024) { return Math.round(bytes / 1024) + " KB"; }
    return bytes + " B";
  }

  function listFiles(form) {
    var input = form.querySelector('input[type="file"][name="attachments"]');
    var list = form.querySelector("#composer-files");
    if (!input || !list) { return; }
    var max = parseInt(form.dataset.maxBytes || "0", 10);
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + humanSize(file.size) + ")";  // textContent: names stay inert
      if (max && file.size > max) {
        item.classList.add("too-large");
        var warning = document.createElement("strong");
        warning.textContent = " " + (list.dataset.tooLarge || "✗");
        item.appendChild(warning);
      }
      list.appendChild(item);
    });
  }

  function addFiles(form, files) {
    var input = form.querySelector('input[type="file"][name="attachments"]');
    if (!input || !files || !files.length) { return; }
    var all = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file) { all.items.add(file); });
    Array.prototype.forEach.call(files, function (file) { all.items.add(file); });
    input.files = all.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function carriesFiles(event) {
    return event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types || [], "Files") !== -1;
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("#composer");
    if (!form) { return; }
    if (event.target.name === "kind") { setMode(form); }
    if (event.target.name === "attachments") { listFiles(form); }
  });

  // "Reply" and "Internal note" (keys r and n): pick the mode and go to the message box.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-composer-mode]");
    var form = composer();
    if (!link || !form) { return; }
    event.preventDefault();
    setMode(form, link.dataset.composerMode);
    var body = form.querySelector("#composer-body");
    if (body) { body.focus(); }
  });

  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = event.target.closest && event.target.closest("#composer");
      if (!form || !carriesFiles(event)) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      form.classList.add("dragging");
    });
  });
  document.addEventListener("dragleave", function (event) {
    var form = event.target.closest && event.target.closest("#composer");
    if (form && !form.contains(event.relatedTarget)) { form.classList.remove("dragging"); }
  });
  document.addEventListener("drop", function (event) {
    var form = event.target.closest && event.target.closest("#composer");
    if (!form || !carriesFiles(event)) { return; }
    event.preventDefault();
    form.classList.remove("dragging");
    addFiles(form, event.dataTransfer.files);
  });

  // Ctrl+Enter (Cmd+Enter on a Mac) in the message box sends it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.target.id !== "composer-body") { return; }
    event.preventDefault();
    var form = composer();
    if (form) { form.requestSubmit(form.querySelector("#composer-send")); }
  });

  // Our forms answer errors with 4xx and the re-rendered form: show it, as htmx would a 200.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (elt && elt.closest && elt.closest("#ticket") && ERROR_SWAPS.indexOf(event.detail.xhr.status) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a reply is sent the composer is new: keep the agent's place in it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var form = composer();
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!form || !elt || elt.id !== "composer" || event.detail.xhr.status !== 200) { return; }
    setMode(form);
    var body = form.querySelector("#composer-body");
    if (body) { body.focus(); }
  });

  // Someone else changed the ticket (live.js tells): refresh the page's parts in place instead
  // of asking for a reload. A part the agent is working in (focus, or edits not yet sent) stays.
  var REFRESHED = ["ticket-header", "timeline", "properties", "actions"];

  function edited(region) {
    return Array.prototype.some.call(region.querySelectorAll("input, textarea, select"), function (el) {
      if (el.type === "hidden" || el.type === "file" || el.type === "submit") { return false; }
      if (el.tagName === "SELECT") {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
      return el.value !== el.defaultValue;
    });
  }

  document.addEventListener("live:ticket-updated", function (event) {
    if (!window.fetch || !window.DOMParser || (event.detail && event.detail.mine)) { return; }
    event.preventDefault();  // no "reload the page" notice: the parts are refreshed here
    fetch(window.location.pathname, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      REFRESHED.forEach(function (id) {
        var current = document.getElementById(id);
        var next = fresh.getElementById(id);
        if (!current || !next || current.contains(document.activeElement) || edited(current)) { return; }
        var adopted = document.importNode(next, true);
        current.replaceWith(adopted);
        if (window.htmx) { window.htmx.process(adopted); }
      });
    }).catch(function () { /* the next change tries again; the page stays usable */ });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var form = composer();
    if (form) { setMode(form); }
  });
}());
