// Articles in the composer: "Insert link" / "Insert text" put the article into the reply box
// (after a blank line when the agent had written something) and make the message a public reply.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-kb-insert]") : null;
    var body = document.getElementById("composer-body");
    if (!button || !body) { return; }
    var publicKind = document.getElementById("composer-kind-public");
    if (publicKind && !publicKind.checked) { publicKind.click(); }
    var text = button.getAttribute("data-kb-insert");
    body.value = body.value.trim() ? body.value.replace(/\s+$/, "") + "\n\n" + text : text;
    body.dispatchEvent(new Event("input", { bubbles: true }));
    body.focus();
  });
})();
