// The reply checker in the composer: as the agent writes a public reply (debounced), the panel
// under the message box shows the checker's findings, with buttons that apply a suggestion. Before
// a public reply is sent it is checked once more; it is never held back, except that findings an
// administrator chose ask for one confirmation ("Send as it is"). Internal notes are not checked,
// and when the check cannot be done the reply is sent as usual.
(function () {
  "use strict";

  var DELAY = 600;
  var timer = null;
  var sequence = 0;

  function panel() { return document.getElementById("reply-check"); }
  function composer() { return document.getElementById("composer"); }

  function isPublic(form) {
    var kind = form.querySelector('input[name="kind"]:checked');
    return kind ? kind.value === "public" : false;
  }

  function check() {
    var form = composer();
    var box = panel();
    if (!form || !box) { return Promise.resolve(null); }
    var body = form.querySelector("#composer-body");
    var files = form.querySelector('input[name="attachments"]');
    var data = new FormData();
    data.append("body", body ? body.value : "");
    data.append("kind", isPublic(form) ? "public" : "internal");
    data.append("attachments", String(files && files.files ? files.files.length : 0));
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var mine = ++sequence;
    return fetch(box.dataset.url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "HX-Request": "true" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      if (mine !== sequence) { return null; }
      box.innerHTML = html;  // rendered and escaped by the server
      return box;
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(function () { check().catch(function () { /* the next keystroke tries again */ }); }, DELAY);
  }

  document.addEventListener("input", function (event) {
    if (event.target.id === "composer-body") { later(); }
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("#composer") &&
        (event.target.name === "kind" || event.target.name === "attachments")) { later(); }
  });

  // A suggestion: replace the words it points at (when they are still there), or put a greeting
  // first, or a closing at the end.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".finding-fix") : null;
    var body = document.getElementById("composer-body");
    if (!button || !body) { return; }
    var text = body.value;
    var fix = button.dataset.fix;
    if (button.dataset.apply === "prepend") {
      body.value = fix + "\n\n" + text.replace(/^\s+/, "");
    } else if (button.dataset.apply === "append") {
      body.value = text.replace(/\s+$/, "") + "\n\n" + fix;
    } else {
      var start = parseInt(button.dataset.start, 10);
      var end = parseInt(button.dataset.end, 10);
      var quote = button.dataset.quote || "";
      if (text.slice(start, end) !== quote) {
        start = text.indexOf(quote);
        end = start + quote.length;
      }
      if (!quote || start < 0) { return; }
      body.value = text.slice(0, start) + fix + text.slice(end);
    }
    body.dispatchEvent(new Event("input", { bubbles: true }));
    body.focus();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".reply-check-send") : null;
    var form = composer();
    if (!button || !form) { return; }
    form.dataset.confirmedText = form.querySelector("#composer-body").value;
    form.requestSubmit(form.querySelector("#composer-send"));
  });

  // Before sending a public reply: check it; ask once when a finding needs a confirmation.
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "composer" || !panel() || !isPublic(form)) { return; }
    var body = form.querySelector("#composer-body");
    if (form.dataset.confirmedText !== undefined && form.dataset.confirmedText === body.value) { return; }
    event.preventDefault();
    clearTimeout(timer);
    check().then(function (box) {
      var needs = box && box.querySelector("[data-needs-confirmation]");
      if (!needs) { event.detail.issueRequest(true); return; }
      var ask = box.querySelector(".reply-check-confirm");
      ask.hidden = false;
      ask.querySelector("button").focus();
    }).catch(function () { event.detail.issueRequest(true); });
  });
})();
