/* The proposal editor's autosave: progressive enhancement only. Without JavaScript the
   buttons save everything.

   - A couple of seconds after the person stops typing, and when a field loses focus, the form
     is posted to its own address with "X-Requested-With: fetch"; the server answers
     {saved_at} or {error}, which the polite status line reads out.
   - Meanwhile a copy of the fields is kept in localStorage (per proposal and step). On load,
     a copy newer than the server's draft is offered back with a notice; it never silently
     replaces what the server has.
   - Character counters under the long texts say how many characters are used of the limit.
   Nothing is fetched from elsewhere. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector(".autosave-status");
  var key = form.getAttribute("data-storage-key");
  var serverSavedAt = Date.parse(form.getAttribute("data-saved-at")) || 0;
  var DELAY = 2000;
  var timer = null;
  var dirty = false;
  var inFlight = false;

  function text(name) { return (status && status.getAttribute(name)) || ""; }
  function say(message, isError) {
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("autosave-error", !!isError);
  }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "hidden" && el.type !== "submit" && el.type !== "button" && el.type !== "file";
    });
  }
  function snapshot() {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) values[el.name] = el.value;
        else if (!(el.name in values)) values[el.name] = null;
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }
  function restore(values) {
    fields().forEach(function (el) {
      if (!(el.name in values)) return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = values[el.name] === el.value;
      else el.value = values[el.name] === null ? "" : values[el.name];
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // --- The local copy -------------------------------------------------------------------
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function keepLocally() {
    var store = storage();
    if (!store || !key) return;
    try { store.setItem(key, JSON.stringify({ saved: Date.now(), values: snapshot() })); } catch (e) { /* full or blocked */ }
  }
  function forgetLocally() {
    var store = storage();
    if (store && key) store.removeItem(key);
  }
  function offerLocalCopy() {
    var store = storage();
    if (!store || !key) return;
    var kept;
    try { kept = JSON.parse(store.getItem(key) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.values || !(kept.saved > serverSavedAt)) return;
    var current = snapshot();
    var differs = Object.keys(kept.values).some(function (name) {
      return name in current && (current[name] || "") !== (kept.values[name] || "");
    });
    if (!differs) { forgetLocally(); return; }
    var notice = document.createElement("div");
    notice.className = "notice restore-notice";
    notice.setAttribute("role", "note");
    var p = document.createElement("p");
    p.textContent = text("data-restore-text");
    var restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.textContent = text("data-restore-button");
    var discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.className = "button-secondary";
    discardButton.textContent = text("data-discard-button");
    var buttons = document.createElement("p");
    buttons.className = "form-buttons";
    buttons.appendChild(restoreButton);
    buttons.appendChild(discardButton);
    notice.appendChild(p);
    notice.appendChild(buttons);
    form.prepend(notice);
    restoreButton.addEventListener("click", function () {
      restore(kept.values);
      notice.remove();
      dirty = true;
      save();
    });
    discardButton.addEventListener("click", function () {
      forgetLocally();
      notice.remove();
    });
  }

  // --- Saving to the server ---------------------------------------------------------------
  function save() {
    if (!dirty || inFlight || submitting) return;
    dirty = false;
    inFlight = true;
    say(text("data-saving-text"));
    var data = new FormData(form);
    data.set("action", "save");
    data.set("autosave", "1");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return { error: response.statusText }; });
    }).then(function (answer) {
      if (answer.saved_at) {
        say(format(text("data-saved-text"), { time: answer.saved_at }));
        serverSavedAt = Date.parse(answer.saved_at_iso) || Date.now();
        if (!dirty) forgetLocally();
      } else {
        say(answer.error || "", true);
      }
    }).catch(function () {
      dirty = true; // offline: the local copy keeps it; the buttons still work
    }).then(function () {
      inFlight = false;
    });
  }
  function changed() {
    dirty = true;
    keepLocally();
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  var submitting = false;
  form.addEventListener("focusout", function (event) {
    // Leaving a field for one of the form's buttons: the button saves everything itself.
    var next = event.relatedTarget;
    if (next && next.form === form && next.type === "submit") return;
    if (dirty) { clearTimeout(timer); save(); }
  });
  form.addEventListener("submit", function () { submitting = true; clearTimeout(timer); });

  // --- Character counters -----------------------------------------------------------------
  Array.prototype.forEach.call(form.querySelectorAll("textarea[data-max-length]"), function (area) {
    var max = parseInt(area.getAttribute("data-max-length"), 10);
    var counter = document.createElement("p");
    counter.className = "char-counter";
    counter.id = area.id + "_counter";
    area.parentNode.insertBefore(counter, area.nextSibling);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      var count = area.value.length;
      var over = count > max;
      counter.textContent = format(text(over ? "data-over-text" : "data-counter-text"), {
        count: count.toLocaleString(),
        max: max.toLocaleString(),
      });
      counter.classList.toggle("char-counter-over", over);
    }
    area.addEventListener("input", update);
    update();
  });

  offerLocalCopy();
})();
