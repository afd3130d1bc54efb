// Macros in the composer: the preview's rendered reply fills the message box (appended after a
// blank line when the agent had written something), the picker's filter narrows the list, and
// the picker's filter field gets the focus when it opens (key m).
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target;
    if (!panel || panel.id !== "macro-panel") { return; }
    var filter = panel.querySelector(".macro-filter");
    if (filter) { filter.focus(); }
    var reply = panel.querySelector("[data-macro-reply]");
    var body = document.getElementById("composer-body");
    if (reply && body) {
      var publicKind = document.getElementById("composer-kind-public");
      if (publicKind && !publicKind.checked) { publicKind.click(); }
      body.value = body.value.trim() ? body.value.replace(/\s+$/, "") + "\n\n" + reply.value : reply.value;
      body.dispatchEvent(new Event("input", { bubbles: true }));
      var apply = panel.querySelector("#macro-apply");
      if (apply) { apply.focus(); }
    }
  });

  document.addEventListener("input", function (event) {
    if (!event.target.classList || !event.target.classList.contains("macro-filter")) { return; }
    var wanted = event.target.value.trim().toLowerCase();
    var panel = event.target.closest(".macro-picker");
    panel.querySelectorAll("[data-macro-name]").forEach(function (button) {
      button.closest("li").hidden = wanted !== "" && button.getAttribute("data-macro-name").indexOf(wanted) === -1;
    });
  });

  // Enter in the filter must not send the composer: it opens the first macro still shown.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.classList || !event.target.classList.contains("macro-filter")) { return; }
    event.preventDefault();
    var first = Array.prototype.find.call(event.target.closest(".macro-picker").querySelectorAll("[data-macro-name]"),
      function (button) { return !button.closest("li").hidden; });
    if (first) { first.click(); }
  });
})();
