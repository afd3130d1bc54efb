/* atiende's chat widget: one <script> on the company's site.
 *
 *   <script src="https://soporte.example.com/static/chat/widget.js" data-site="SITE-KEY" async></script>
 *
 * Signed-in visitors: add data-email and data-proof (hex HMAC-SHA256 of the lowercased email with
 * the site's secret, computed on the site's server) and optionally data-name.
 *
 * Until the visitor opens it, the widget draws only its launcher button and asks our server for
 * the site's words and colours: no cookie (requests omit credentials), no websocket. Opened, it
 * starts a conversation from the pre-chat form, keeps its token in sessionStorage, and talks over
 * a websocket; if the socket cannot open (blocked by a proxy, no WebSocket), it polls over HTTP.
 * No framework, no inline script, no eval: the company's Content-Security-Policy only has to
 * allow our origin for scripts, styles and connections. Text is always set as text, never HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__atiendeChat) return;
  window.__atiendeChat = true;
  var base = new URL(script.src).origin;
  var key = script.getAttribute("data-site") || "";
  var lang = (document.documentElement.lang || navigator.language || "es").toLowerCase().indexOf("en") === 0 ? "en" : "es-MX";
  var storeKey = "atiende-chat:" + key;
  var MAX_CHARS = 5000, POLL_MS = 3000, TYPING_MS = 3000;
  var config = null, words = {}, session = null, socket = null, mode = "", pollTimer = 0, lastId = 0;
  var shown = {}, agentName = "", typingSent = 0, readSent = 0, opened = false;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    if (text) node.textContent = text;
    return node;
  }
  function say(name, values) {
    var text = words[name] || name;
    for (var v in values || {}) text = text.split("%(" + v + ")s").join(values[v]);
    return text;
  }
  function api(path, options) {
    options = options || {};
    var headers = {"X-Chat-Language": lang};
    if (session) headers.Authorization = "Bearer " + session.token;
    if (options.body) headers["Content-Type"] = "application/json";
    return fetch(base + path + (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + lang, {
      method: options.method || "GET", headers: headers, credentials: "omit", mode: "cors",
      body: options.body ? JSON.stringify(options.body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { var error = new Error((data.error && data.error.message) || say("error")); error.data = data; throw error; }
        return data;
      });
    });
  }

  // --- the shell: a launcher in a shadow root, styled by our stylesheet and the site's colours ---
  var host = el("div", {id: "atiende-chat"});
  var root = host.attachShadow ? host.attachShadow({mode: "open"}) : host;
  var style = el("link", {rel: "stylesheet", href: base + "/static/chat/widget.css"});
  var launcher = el("button", {type: "button", "class": "launcher", "aria-expanded": "false", "aria-controls": "panel", hidden: ""});
  root.appendChild(style);
  root.appendChild(launcher);
  (document.body || document.documentElement).appendChild(host);

  api("/chat/api/sites/" + encodeURIComponent(key) + "/").then(function (data) {
    config = data;
    words = data.phrases || {};
    host.style.setProperty("--atiende-primary", data.colour || "#0f766e");
    host.style.setProperty("--atiende-ink", data.ink || "#ffffff");
    launcher.textContent = say("open");
    launcher.removeAttribute("hidden");
    try { session = JSON.parse(sessionStorage.getItem(storeKey) || "null"); } catch (e) { session = null; }
    if (session && session.open) {  // the visitor moved to another page with the chat open
      open();
      api("/chat/api/sessions/" + session.id + "/page/", {method: "POST", body: {page_url: location.href, page_title: document.title}})
        .catch(function () {});
    }
  }).catch(function () { host.remove(); });

  launcher.addEventListener("click", function () { opened ? close() : open(); });

  // --- the panel, built when first opened ---
  var panel, log, list, status, form, composer, input, notice;
  function build() {
    panel = el("section", {id: "panel", "class": "panel", role: "dialog", "aria-label": config.name || say("title")});
    var header = el("header", {"class": "header"});
    header.appendChild(el("h2", {}, config.name || say("title")));
    var closer = el("button", {type: "button", "class": "close", "aria-label": say("close")}, "×");
    closer.addEventListener("click", close);
    header.appendChild(closer);
    panel.appendChild(header);
    notice = el("p", {"class": "notice", role: "status"});
    panel.appendChild(notice);
    log = el("div", {"class": "log", role: "log", "aria-live": "polite", "aria-label": say("title")});
    list = el("ol");
    log.appendChild(list);
    panel.appendChild(log);
    status = el("p", {"class": "status", "aria-live": "polite"});
    panel.appendChild(status);
    panel.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
    root.appendChild(panel);
  }

  function open() {
    if (!config) return;
    if (!panel) build();
    opened = true;
    remember();
    panel.removeAttribute("hidden");
    launcher.setAttribute("aria-expanded", "true");
    launcher.textContent = say("close");
    if (session) { showConversation(); } else if (!form) { showForm(); }
    var first = panel.querySelector("input, textarea");
    if (first) first.focus();
  }
  function close() {
    opened = false;
    remember();
    if (panel) panel.setAttribute("hidden", "");
    launcher.setAttribute("aria-expanded", "false");
    launcher.textContent = say("open");
    launcher.focus();
  }

  function remember() {
    if (!session) return;
    session.open = opened;
    sessionStorage.setItem(storeKey, JSON.stringify(session));
  }

  function field(name, label, type, required, value) {
    var id = "f-" + name, wrap = el("p", {"class": "field"});
    wrap.appendChild(el("label", {"for": id}, label));
    var input = el(type === "textarea" ? "textarea" : "input", {id: id, name: name});
    if (type !== "textarea") input.setAttribute("type", type);
    if (required) input.setAttribute("required", "");
    if (value) input.value = value;
    wrap.appendChild(input);
    return wrap;
  }

  function showForm() {
    if (!config.available) notice.textContent = config.notice;
    form = el("form", {"class": "prechat"});
    form.appendChild(field("name", say("name"), "text", false, script.getAttribute("data-name")));
    form.appendChild(field("email", config.available ? say("email_optional") : say("email"), "email", !config.available,
                           script.getAttribute("data-email")));
    form.appendChild(field("question", say("question"), "textarea", true));
    form.appendChild(el("button", {type: "submit", "class": "primary"}, say("start")));
    var error = el("p", {"class": "error", role: "alert"});
    form.appendChild(error);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = {name: form.elements.name.value, email: form.elements.email.value, question: form.elements.question.value,
                  page_url: location.href, page_title: document.title, proof: script.getAttribute("data-proof") || ""};
      form.querySelector("button").disabled = true;
      api("/chat/api/sites/" + encodeURIComponent(key) + "/sessions/", {method: "POST", body: data}).then(function (started) {
        session = {id: started.id, token: started.token, socket: started.socket, open: true};
        sessionStorage.setItem(storeKey, JSON.stringify(session));
        if (started.notice) notice.textContent = started.notice;
        form.remove();
        showConversation(started);
      }).catch(function (failure) {
        error.textContent = failure.message;
        form.querySelector("button").disabled = false;
      });
    });
    panel.appendChild(form);
  }

  function showConversation(state) {
    if (composer) return;
    composer = el("form", {"class": "composer"});
    var label = el("label", {"for": "f-message", "class": "visually-hidden"}, say("message"));
    input = el("textarea", {id: "f-message", name: "message", rows: "2", placeholder: say("message")});
    composer.appendChild(label);
    composer.appendChild(input);
    composer.appendChild(el("button", {type: "submit", "class": "primary"}, say("send")));
    var tools = el("p", {"class": "tools"});
    var attach = el("button", {type: "button", "class": "link"}, say("attach"));
    var picker = el("input", {type: "file", "class": "visually-hidden", tabindex: "-1", "aria-hidden": "true"});
    var transcript = el("button", {type: "button", "class": "link"}, say("transcript"));
    var end = el("button", {type: "button", "class": "link"}, say("end"));
    tools.appendChild(attach);
    tools.appendChild(picker);
    tools.appendChild(transcript);
    tools.appendChild(end);
    composer.appendChild(tools);
    composer.appendChild(el("p", {"class": "error", role: "alert"}));
    panel.appendChild(composer);
    composer.addEventListener("submit", function (event) { event.preventDefault(); send(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send(); }
    });
    input.addEventListener("input", typing);
    attach.addEventListener("click", function () { picker.click(); });
    picker.addEventListener("change", function () {
      if (!picker.files.length) return;
      var data = new FormData();
      data.append("file", picker.files[0]);
      data.append("id", "f" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8));
      picker.value = "";
      upload(data).then(function (sent) { render(sent.message); }, fail);
    });
    transcript.addEventListener("click", function () {
      api("/chat/api/sessions/" + session.id + "/transcript/", {method: "POST", body: {}})
        .then(function () { status.textContent = say("transcript_sent"); }, fail);
    });
    end.addEventListener("click", function () {
      api("/chat/api/sessions/" + session.id + "/end/", {method: "POST", body: {}}).then(applyState, fail);
    });
    if (state) { applyState(state); (state.messages || []).forEach(render); }
    input.focus();
    connect();
  }

  function upload(data) {
    return fetch(base + "/chat/api/sessions/" + session.id + "/files/?lang=" + lang, {
      method: "POST", body: data, credentials: "omit", mode: "cors",
      headers: {"Authorization": "Bearer " + session.token, "X-Chat-Language": lang}
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) throw new Error((body.error && body.error.message) || say("error"));
        return body;
      });
    });
  }
  function download(file) {  // the token goes in a header, never in a link
    fetch(base + "/chat/api/sessions/" + session.id + "/files/" + file.id + "/", {
      headers: {"Authorization": "Bearer " + session.token}, credentials: "omit", mode: "cors"
    }).then(function (response) {
      if (!response.ok) throw new Error(say("error"));
      return response.blob();
    }).then(function (blob) {
      var link = el("a", {href: URL.createObjectURL(blob), download: file.name});
      root.appendChild(link);
      link.click();
      link.remove();
    }).catch(fail);
  }
  function fail(failure) { composer.querySelector(".error").textContent = failure.message; }

  // --- messages ---
  function render(message) {
    if (shown[message.id]) return;
    shown[message.id] = true;
    lastId = Math.max(lastId, message.id);
    var item = el("li", {"class": message.mine ? "mine" : "theirs", "data-id": String(message.id)});
    item.appendChild(el("span", {"class": "author"}, message.mine ? say("you") : (message.author || say("agent"))));
    item.appendChild(el("span", {"class": "text"}, message.text));
    (message.files || []).forEach(function (file) {
      var button = el("button", {type: "button", "class": "link file"}, file.name);
      button.addEventListener("click", function () { download(file); });
      item.appendChild(button);
    });
    list.appendChild(item);
    log.scrollTop = log.scrollHeight;
    if (!message.mine) markRead();
  }
  function markRead() {
    if (!opened || lastId <= readSent) return;
    readSent = lastId;
    transmit({type: "read", id: lastId}, "/read/", {id: lastId});
  }
  function applyState(state) {
    if (!state) return;
    if (state.state === "queued") status.textContent = say("waiting");
    if (state.state === "active" && state.agent && state.agent !== agentName) {
      agentName = state.agent;
      status.textContent = say("joined", {name: state.agent});
    }
    if (state.state === "ended") { status.textContent = say("ended"); stop(); }
    if (state.agent_typing !== undefined || state.typing !== undefined) {
      var typing = state.typing !== undefined ? state.typing : state.agent_typing;
      panel.classList.toggle("agent-typing", !!typing);
      if (typing) status.textContent = say("typing", {name: agentName || say("agent")});
      else if (status.textContent === say("typing", {name: agentName || say("agent")})) status.textContent = "";
    }
    var read = state.read_id || state.agent_read_id;
    if (read) {
      var items = log.querySelectorAll("li.mine");
      for (var i = 0; i < items.length; i++) {
        if (Number(items[i].getAttribute("data-id")) <= read && !items[i].querySelector(".read")) {
          items[i].appendChild(el("span", {"class": "read"}, say("read")));
        }
      }
    }
  }

  function send() {
    var text = input.value;
    var error = composer.querySelector(".error");
    error.textContent = "";
    if (!text.trim()) return;
    if (text.length > MAX_CHARS) { error.textContent = say("too_long"); return; }
    var id = "w" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    input.value = "";
    typingSent = 0;
    if (mode === "ws") {
      socket.send(JSON.stringify({type: "message", id: id, text: text}));
    } else {
      api("/chat/api/sessions/" + session.id + "/messages/", {method: "POST", body: {id: id, text: text}})
        .then(function (data) { render(data.message); }, function (failure) { error.textContent = failure.message; input.value = text; });
    }
  }
  function typing() {
    var now = Date.now();
    if (now - typingSent < TYPING_MS) return;
    typingSent = now;
    transmit({type: "typing", typing: true}, "/typing/", {typing: true});
  }
  function transmit(frame, path, body) {
    if (mode === "ws") socket.send(JSON.stringify(frame));
    else api("/chat/api/sessions/" + session.id + path, {method: "POST", body: body}).catch(function () {});
  }

  // --- transport: a websocket, else polling ---
  function connect() {
    var blocked = !window.WebSocket || script.getAttribute("data-transport") === "poll";
    if (blocked) { poll(); return; }
    var ready = false;
    try {
      socket = new WebSocket(session.socket + "?token=" + encodeURIComponent(session.token));
    } catch (e) { poll(); return; }
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "ready") { ready = true; mode = "ws"; applyState(frame); catchUp(); heartbeat(); }
      else if (frame.type === "message" || frame.type === "sent") render(frame.message);
      else if (frame.type === "typing" || frame.type === "state") applyState(frame);
      else if (frame.type === "error") composer.querySelector(".error").textContent = frame.message;
    };
    socket.onclose = function () {
      socket = null;
      if (mode === "ws") { mode = ""; setTimeout(connect, 2000); return; }  // it worked once: try again
      if (!ready) poll();  // never opened (blocked, refused): HTTP from here on
    };
  }
  function heartbeat() {  // "still here": replies keep coming to the chat, not by email
    var current = socket;
    setTimeout(function () {
      if (socket !== current || mode !== "ws") return;
      socket.send(JSON.stringify({type: "ping"}));
      heartbeat();
    }, 25000);
  }
  function catchUp() {
    return api("/chat/api/sessions/" + session.id + "/messages/?after=" + lastId).then(function (data) {
      (data.messages || []).forEach(render);
      applyState(data);
      return data;
    });
  }
  function poll() {
    mode = "poll";
    catchUp().catch(function () {}).then(function (data) {
      if (data && data.state === "ended") return;
      pollTimer = setTimeout(poll, POLL_MS);
    });
  }
  function stop() {
    clearTimeout(pollTimer);
    if (socket) { mode = "closed"; socket.close(); }
    sessionStorage.removeItem(storeKey);
  }
})();
