// The inbox, enhanced: filters apply as they change (htmx swaps #inbox-rows), a select-all box,
// a live count of the selection, the merge list limited to the selected tickets, and the
// ordered ticket URLs of the page kept in sessionStorage for j/k on ticket pages.
// Everything here also works without it: the forms submit normally.
(function () {
  "use strict";

  var LIST_KEY = "atiende:ticket-list";

  function rows() {
    return document.getElementById("inbox-rows");
  }

  function boxes() {
    var body = rows();
    return body ? Array.prototype.slice.call(body.querySelectorAll("input[type=checkbox][name=ticket]")) : [];
  }

  function storeList() {
    var body = rows();
    if (!body) return;
    var urls = Array.prototype.map.call(body.querySelectorAll("tr[data-ticket-url]"), function (row) {
      return row.getAttribute("data-ticket-url");
    });
    try {
      window.sessionStorage.setItem(LIST_KEY, JSON.stringify({ urls: urls, inbox: window.location.pathname + window.location.search }));
    } catch (error) {
      // Storage full or disabled: j/k on ticket pages simply do nothing.
    }
  }

  function syncPagerAndForms() {
    var body = rows();
    if (!body) return;
    [["a.pager-next", "data-next-url"], ["a.pager-previous", "data-previous-url"]].forEach(function (pair) {
      var link = document.querySelector(pair[0]);
      if (!link) return;
      var url = body.getAttribute(pair[1]) || "";
      link.hidden = !url;
      if (url) link.setAttribute("href", url);
    });
    document.querySelectorAll("input[data-inbox-query]").forEach(function (input) {
      input.value = body.getAttribute("data-query") || "";
    });
  }

  function updateSelection() {
    var all = boxes();
    var chosen = all.filter(function (box) { return box.checked; });
    all.forEach(function (box) { box.closest("tr").classList.toggle("is-selected", box.checked); });
    var selectAll = document.getElementById("select-all");
    if (selectAll) {
      selectAll.checked = all.length > 0 && chosen.length === all.length;
      selectAll.indeterminate = chosen.length > 0 && chosen.length < all.length;
    }
    var count = document.getElementById("bulk-count");
    if (count) {
      var text = chosen.length === 0 ? count.getAttribute("data-none")
        : chosen.length === 1 ? count.getAttribute("data-one")
        : (count.getAttribute("data-many") || "").replace("%(count)s", String(chosen.length));
      count.textContent = text || "";
    }
    var bulk = document.getElementById("bulk");
    if (bulk) bulk.classList.toggle("is-idle", chosen.length === 0);
    rebuildMergeChoices(chosen.length ? chosen : all);
  }

  function rebuildMergeChoices(source) {
    var select = document.getElementById("bulk-merge");
    if (!select) return;
    var keep = select.value;
    select.textContent = "";
    source.forEach(function (box) {
      var option = document.createElement("option");
      option.value = box.value;
      option.textContent = "#" + box.getAttribute("data-number") + " " + (box.getAttribute("data-subject") || "");
      select.appendChild(option);
    });
    if (keep) select.value = keep;
  }

  function refresh() {
    storeList();
    syncPagerAndForms();
    updateSelection();
  }

  function init() {
    if (!rows()) return;
    var selectAll = document.getElementById("select-all");
    if (selectAll) {
      selectAll.hidden = false;
      selectAll.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = selectAll.checked; });
        updateSelection();
      });
    }
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (!(target instanceof Element)) return;
      if (target.matches("#inbox-rows input[type=checkbox]")) updateSelection();
      if (target.matches("[data-autosubmit]") && target.form) target.form.requestSubmit();
    });
    var bulk = document.getElementById("bulk");
    if (bulk) {
      bulk.addEventListener("submit", function (event) {
        if (boxes().some(function (box) { return box.checked; })) return;
        event.preventDefault(); // nothing selected: say so instead of asking the server
        var count = document.getElementById("bulk-count");
        if (count) count.textContent = count.getAttribute("data-empty") || "";
      });
    }
    // The rows are replaced by htmx (filters) and by live updates: follow whichever did it.
    var table = rows().closest("table");
    new MutationObserver(refresh).observe(table, { childList: true });
    refresh();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
