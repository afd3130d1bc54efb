/* Live updates on agent pages, over a websocket with a polling fallback.

   Ticket page (#ticket[data-ticket-id]): who else has the ticket open or is typing a reply, shown
   in #presence; new messages appended to #timeline; a notice when someone else wrote or changed
   the ticket. Inbox (#inbox-rows[data-refresh-url]): rows and #view-counts re-fetched when
   tickets change.

   No content travels on the socket: it only says what changed, and this script fetches it through
   the ordinary, permission-checked pages. When the socket is down (a proxy that drops upgrades,
   a restart) the page polls instead, and reconnects with a growing delay.

   Phrases come from data attributes on #presence, translated by the page, with English
   fallbacks: data-viewing-one, data-viewing-many, data-typing-one, data-typing-many (with
   "{name}" / "{names}"), data-new-message, data-ticket-updated.

   Events for other scripts (they bubble; htmx can use them in hx-trigger "... from:body"):
   live:message-created and live:ticket-updated on #ticket (detail.mine: the agent did it;
   calling preventDefault() on live:ticket-updated says the page refreshed itself, so no notice),
   live:inbox-refreshed on the new #inbox-rows, live:call-changed on body (a telephony system
   reported a call; detail.callId). */
(function () {
  "use strict";

  var HEARTBEAT_MS = 25000;      // the server forgets a silent socket after 60 s
  var TYPING_EVERY_MS = 2500;    // the server shows "typing" for 6 s after each report
  var TICKET_POLL_MS = 5000;
  var INBOX_POLL_MS = 20000;
  var INBOX_DEBOUNCE_MS = 800;
  var GREETING_WAIT_MS = 5000;   // a socket that says nothing this long counts as down
  var RETRY_FIRST_MS = 1000;
  var RETRY_MAX_MS = 30000;
  var REFUSED = [4401, 4403];    // not signed in / not allowed: retrying will not help

  var PHRASES = {
    viewingOne: "{name} is viewing this ticket.",
    viewingMany: "{names} are viewing this ticket.",
    typingOne: "{name} is typing a reply…",
    typingMany: "{names} are typing a reply…",
    newMessage: "A new message arrived.",
    ticketUpdated: "Someone else changed this ticket. Reload the page to see the changes."
  };

  // --- plumbing -------------------------------------------------------------------------------

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (error) { /* fall back to the cookie */ }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function socketUrl(path) {
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + path;
  }

  function randomId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function getText(url) {
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (response) {
      return response.ok ? response.text() : null;
    });
  }

  function parse(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;  // server-rendered, escaped fragments; scripts in them never run (CSP)
    return Array.prototype.slice.call(holder.content.children);
  }

  function activate(element) {
    if (window.htmx) window.htmx.process(element);
  }

  /* A websocket that reconnects with a growing delay. `up` is called on the first message after
     connecting (the server greets at once), `down` when it closes or stays silent, `refused`
     when the server says retrying is useless. */
  function liveSocket(path, handlers) {
    var socket = null;
    var attempts = 0;
    var up = false;
    var stopped = false;
    var silence = null;

    function connect() {
      if (stopped) return;
      try {
        socket = new WebSocket(socketUrl(path));
      } catch (error) {
        handlers.down();
        retry();
        return;
      }
      silence = window.setTimeout(function () { if (!up) handlers.down(); }, GREETING_WAIT_MS);
      socket.addEventListener("message", function (event) {
        var data;
        try { data = JSON.parse(event.data); } catch (error) { return; }
        if (!up) {
          up = true;
          attempts = 0;
          window.clearTimeout(silence);
          document.documentElement.setAttribute("data-live", "socket");  // joined (tests wait on it)
          handlers.up();
        }
        handlers.message(data);
      });
      socket.addEventListener("close", function (event) {
        window.clearTimeout(silence);
        socket = null;
        up = false;
        document.documentElement.setAttribute("data-live", "down");
        if (REFUSED.indexOf(event.code) !== -1) {
          stopped = true;
          handlers.refused();
          return;
        }
        handlers.down();
        retry();
      });
    }

    function retry() {
      var delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * Math.pow(2, attempts));
      attempts += 1;
      window.setTimeout(connect, delay * (0.75 + Math.random() * 0.5));
    }

    connect();
    return {
      send: function (data) {
        if (!up || !socket || socket.readyState !== WebSocket.OPEN) return false;
        socket.send(JSON.stringify(data));
        return true;
      }
    };
  }

  /* Runs `tick` now and every `ms` while started; start/stop are idempotent. */
  function poller(tick, ms) {
    var timer = null;
    return {
      start: function () {
        if (timer !== null) return;
        tick();
        timer = window.setInterval(tick, ms);
      },
      stop: function () {
        if (timer === null) return;
        window.clearInterval(timer);
        timer = null;
      },
      running: function () { return timer !== null; }
    };
  }

  // --- ticket page ----------------------------------------------------------------------------

  function phrase(box, key, names) {
    var many = names.length > 1;
    var attribute = key + (many ? "Many" : "One");
    var template = (box && box.dataset[attribute]) || PHRASES[attribute];
    var list;
    try {
      list = new Intl.ListFormat(document.documentElement.lang || undefined, { type: "conjunction" }).format(names);
    } catch (error) {
      list = names.join(", ");
    }
    return template.replace("{names}", list).replace("{name}", list);
  }

  function presencePart(box, name) {
    var part = box.querySelector("." + name);
    if (!part) {
      part = document.createElement("p");
      part.className = name;
      box.appendChild(part);
    }
    return part;
  }

  function showPresence(viewers, typing) {
    var box = document.getElementById("presence");
    if (!box) return;
    var watching = viewers.filter(function (name) { return typing.indexOf(name) === -1; });
    var sentences = [];
    if (watching.length) sentences.push(phrase(box, "viewing", watching));
    if (typing.length) sentences.push(phrase(box, "typing", typing));
    var text = sentences.join(" ");
    var part = presencePart(box, "presence-people");
    if (part.textContent !== text) part.textContent = text;  // textContent: names stay inert
    part.hidden = !text;
    box.classList.toggle("has-people", Boolean(text));
  }

  function showNotice(key, anchor) {
    var box = document.getElementById("presence");
    if (!box) return;
    var part = presencePart(box, "presence-notice");
    var text = box.dataset[key] || PHRASES[key];
    part.textContent = "";
    if (anchor) {
      var link = document.createElement("a");
      link.href = "#" + anchor;
      link.textContent = text;
      part.appendChild(link);
    } else {
      part.textContent = text;
    }
    part.hidden = false;
  }

  function timelineMessages() {
    var timeline = document.getElementById("timeline");
    return timeline ? timeline.querySelectorAll(":scope > li[data-message-id]") : [];
  }

  function lastMessageId() {
    var items = timelineMessages();
    return items.length ? items[items.length - 1].getAttribute("data-message-id") : null;
  }

  /* Appends the timeline items newer than the last message shown; returns the new messages. */
  function appendNewItems() {
    var timeline = document.getElementById("timeline");
    var last = lastMessageId();
    var url = timeline && timeline.getAttribute("data-since-url");
    if (!url || !last) return Promise.resolve([]);
    url += (url.indexOf("?") === -1 ? "?" : "&") + "despues=" + encodeURIComponent(last);
    return getText(url).then(function (html) {
      var current = document.getElementById("timeline");  // htmx may have replaced it meanwhile
      if (!html || !current) return [];
      var added = [];
      parse(html).forEach(function (item) {
        if (item.tagName !== "LI" || (item.id && document.getElementById(item.id))) return;
        current.appendChild(item);
        activate(item);
        if (item.hasAttribute("data-message-id")) added.push(item);
      });
      return added;
    });
  }

  function ticketPage(root) {
    var ticketId = root.getAttribute("data-ticket-id");
    var statePath = "/en-vivo/tickets/" + encodeURIComponent(ticketId) + "/";
    var tab = randomId();
    var lastTypingReport = 0;
    var polled = false;
    var queue = Promise.resolve();
    var socket;
    showPresence([], []);  // the people line comes before any notice

    function catchUp(notify) {
      queue = queue.then(appendNewItems).then(function (added) {
        if (!added.length) return;
        root.dispatchEvent(new CustomEvent("live:message-created", { bubbles: true, detail: { mine: !notify } }));
        if (notify) showNotice("newMessage", added[added.length - 1].id);
      }).catch(function () { /* the next event or poll tries again */ });
      return queue;
    }

    function post(state) {
      polled = true;
      var body = new FormData();
      body.append("state", state);
      body.append("tab", tab);
      return fetch(statePath, {
        method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() }
      }).then(function (response) {
        if (response.status === 404) polling.stop();  // no longer allowed: stop asking
        return response.ok ? response.json() : null;
      }).then(function (state) {
        if (!state) return;
        showPresence(state.viewers, state.typing);
        if (state.last_message_id !== null && String(state.last_message_id) !== lastMessageId()) catchUp(true);
      }).catch(function () { /* offline: the next tick tries again */ });
    }

    var polling = poller(function () { post("viewing"); }, TICKET_POLL_MS);

    function report(state) {
      if (socket.send({ type: state })) return;
      if (polling.running()) post(state);
    }

    socket = liveSocket("/ws/tickets/" + encodeURIComponent(ticketId) + "/", {
      up: function () {
        polling.stop();
        catchUp(true);  // whatever arrived while the socket was down
      },
      down: function () { polling.start(); },
      refused: function () {
        polling.stop();
        showPresence([], []);
      },
      message: function (data) {
        if (data.type === "presence") {
          showPresence(data.viewers || [], data.typing || []);
        } else if (data.type === "message.created") {
          catchUp(!data.mine);
        } else if (data.type === "ticket.updated") {
          var event = new CustomEvent("live:ticket-updated", { bubbles: true, cancelable: true, detail: { mine: Boolean(data.mine) } });
          if (root.dispatchEvent(event) && !data.mine) showNotice("ticketUpdated");
        }
      }
    });

    window.setInterval(function () { socket.send({ type: "viewing" }); }, HEARTBEAT_MS);

    // Delegated: htmx replaces the composer after each reply.
    document.addEventListener("input", function (event) {
      var target = event.target;
      if (!(target instanceof Element) || !target.matches("#composer textarea[name=body]")) return;
      if (!target.value.trim()) {
        if (lastTypingReport) report("idle");
        lastTypingReport = 0;
        return;
      }
      var now = Date.now();
      if (now - lastTypingReport < TYPING_EVERY_MS) return;
      lastTypingReport = now;
      report("typing");
    });
    document.addEventListener("submit", function (event) {
      if (!(event.target instanceof Element) || event.target.id !== "composer") return;
      lastTypingReport = 0;
      report("idle");
    });

    // A polling tab vanishes from the others' pages at once instead of after 15 s.
    window.addEventListener("pagehide", function () {
      if (!polled || !navigator.sendBeacon) return;
      var body = new FormData();
      body.append("state", "left");
      body.append("tab", tab);
      body.append("csrfmiddlewaretoken", csrfToken());
      navigator.sendBeacon(statePath, body);
    });
  }

  // --- inbox ----------------------------------------------------------------------------------

  /* Replaces the region with a fresh copy from its data-refresh-url, keeping the agent's ticked
     boxes, focus and current row (j/k); skipped if the agent switched view meanwhile. */
  function refreshRegion(id) {
    var region = document.getElementById(id);
    var url = region && region.getAttribute("data-refresh-url");
    if (!url) return Promise.resolve();
    return getText(url).then(function (html) {
      var current = document.getElementById(id);
      if (!html || !current || current.getAttribute("data-refresh-url") !== url) return;
      var fresh = parse(html).filter(function (element) { return element.id === id; })[0];
      if (!fresh) return;
      var ticked = Array.prototype.map.call(current.querySelectorAll("input[type=checkbox]:checked"), function (box) {
        return box.name + "=" + box.value;
      });
      var focused = current.contains(document.activeElement) ? document.activeElement : null;
      var focusKey = focused && (focused.id || focused.getAttribute("href") || (focused.name + "=" + focused.value));
      var currentRow = current.querySelector("tr.is-current[data-ticket-url]");  // where j/k stand
      var currentUrl = currentRow && currentRow.getAttribute("data-ticket-url");
      current.replaceWith(fresh);
      if (currentUrl) {
        var row = fresh.querySelector('tr[data-ticket-url="' + CSS.escape(currentUrl) + '"]');
        if (row) row.classList.add("is-current");
      }
      fresh.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (ticked.indexOf(box.name + "=" + box.value) !== -1) box.checked = true;
      });
      if (focusKey) {
        var again = Array.prototype.filter.call(fresh.querySelectorAll("a, button, input, select, textarea"), function (el) {
          return (el.id || el.getAttribute("href") || (el.name + "=" + el.value)) === focusKey;
        })[0];
        if (again) again.focus();
      }
      activate(fresh);
      fresh.dispatchEvent(new CustomEvent("live:inbox-refreshed", { bubbles: true }));
    }).catch(function () { /* the next event or poll tries again */ });
  }

  function inboxPage() {
    var pending = null;

    function refresh() {
      refreshRegion("inbox-rows");
      refreshRegion("view-counts");
    }

    function refreshSoon() {  // a burst of changes (an import, a bulk action) is one refresh
      window.clearTimeout(pending);
      pending = window.setTimeout(refresh, INBOX_DEBOUNCE_MS);
    }

    var inbox = document.querySelector(".inbox[data-poll-ms]");
    var pollMs = (inbox && parseInt(inbox.getAttribute("data-poll-ms"), 10)) || INBOX_POLL_MS;
    var polling = poller(refreshSoon, pollMs);
    liveSocket("/ws/inbox/", {
      up: function () {
        if (polling.running()) refreshSoon();  // catch up on what changed while down
        polling.stop();
      },
      down: function () { polling.start(); },
      refused: function () { polling.stop(); },
      message: function (data) {
        if (data.type === "ticket.changed") refreshSoon();
        if (data.type === "call.changed") {  // the calls script fetches the caller's notice
          document.body.dispatchEvent(new CustomEvent("live:call-changed", { bubbles: true, detail: { callId: data.call_id } }));
        }
      }
    });
  }

  function init() {
    var ticket = document.querySelector("#ticket[data-ticket-id]");
    if (ticket) ticketPage(ticket);
    if (document.querySelector("#inbox-rows[data-refresh-url]")) inboxPage();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
