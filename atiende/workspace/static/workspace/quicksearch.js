// The header search box: htmx fills #quick-search-results with suggestion links as the agent
// types; here the keyboard reaches them. Down arrow from the box to the first suggestion,
// up/down between them, Esc closes the list and returns to the box.
(function () {
  "use strict";

  function init() {
    var input = document.getElementById("quick-search");
    var results = document.getElementById("quick-search-results");
    if (!input || !results) return;

    function links() {
      return Array.prototype.slice.call(results.querySelectorAll("a"));
    }

    function close() {
      results.textContent = "";
    }

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && links().length) {
        event.preventDefault();
        links()[0].focus();
      } else if (event.key === "Escape" && results.childElementCount) {
        event.preventDefault();
        close();
      }
    });

    results.addEventListener("keydown", function (event) {
      var all = links();
      var index = all.indexOf(document.activeElement);
      if (index < 0) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var next = index + (event.key === "ArrowDown" ? 1 : -1);
        if (next < 0) input.focus();
        else all[Math.min(next, all.length - 1)].focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
        input.focus();
      }
    });

    // A click or focus elsewhere closes the list.
    document.addEventListener("focusin", function (event) {
      if (!input.form.contains(event.target)) close();
    });
    document.addEventListener("click", function (event) {
      if (!input.form.contains(event.target)) close();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
