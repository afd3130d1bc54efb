/* Caller id on the inbox: #caller-notices re-fetches itself (htmx) when the inbox socket says a
   call changed (live:call-changed, from live.js), and every 20 s while the socket is down. */
(function () {
  "use strict";
  var POLL_MS = 20000;
  var box = document.getElementById("caller-notices");
  if (!box) return;
  window.setInterval(function () {
    if (document.documentElement.getAttribute("data-live") !== "socket" && window.htmx) {
      window.htmx.trigger(box, "calls:poll");
    }
  }, POLL_MS);
})();
