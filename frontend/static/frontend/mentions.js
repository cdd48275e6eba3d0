// @mention suggestions in comment boxes: type "@" and a few letters, and the convening's
// members whose handle or name starts with them are offered as buttons below the box. Arrow
// Down moves into them, Enter or a click inserts the handle, Escape closes. Without this file,
// the help text links to the members' handles.
(function () {
  "use strict";
  var TRIGGER = /(^|[^\w@\/.])@([a-z0-9_-]{1,40})$/i;
  var pending = null;
  var sequence = 0;

  function section(box) {
    return box.closest("[data-mentions-url]");
  }

  function listFor(box) {
    var id = box.id + "-mentions";
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("div");
      list.id = id;
      list.className = "mention-suggestions";
      list.setAttribute("role", "group");
      list.setAttribute("aria-label", "Members to mention");
      list.hidden = true;
      box.insertAdjacentElement("afterend", list);
      var status = document.createElement("p");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.id = id + "-status";
      list.insertAdjacentElement("afterend", status);
    }
    return list;
  }

  function close(box) {
    var list = document.getElementById(box.id + "-mentions");
    if (list) {
      list.hidden = true;
      list.replaceChildren();
    }
  }

  function insert(box, handle) {
    var caret = box.selectionStart;
    var before = box.value.slice(0, caret).replace(/@[a-z0-9_-]*$/i, "@" + handle + " ");
    box.value = before + box.value.slice(caret);
    box.focus();
    box.setSelectionRange(before.length, before.length);
    close(box);
  }

  function show(box, results) {
    var list = listFor(box);
    list.replaceChildren();
    results.forEach(function (member) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small mention-option";
      button.textContent = "@" + member.handle + (member.name ? " — " + member.name : "");
      button.addEventListener("click", function () { insert(box, member.handle); });
      button.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { close(box); box.focus(); }
      });
      list.appendChild(button);
    });
    list.hidden = results.length === 0;
    var status = document.getElementById(list.id + "-status");
    status.textContent = results.length
      ? results.length + " member" + (results.length === 1 ? "" : "s") + " to mention; press Down to choose."
      : "";
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || box.name !== "body" || !section(box)) {
      return;
    }
    var match = TRIGGER.exec(box.value.slice(0, box.selectionStart));
    if (!match) {
      close(box);
      return;
    }
    // Wait for a pause in typing, and keep only the newest answer: no request is cancelled.
    clearTimeout(pending);
    var asked = ++sequence;
    pending = setTimeout(function () {
      var url = section(box).dataset.mentionsUrl + "?q=" + encodeURIComponent(match[2]);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (asked === sequence) { show(box, data.results || []); } })
        .catch(function () {});
    }, 150);
  });

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLTextAreaElement)) { return; }
    var list = document.getElementById(box.id + "-mentions");
    if (!list || list.hidden) { return; }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      list.querySelector("button").focus();
    } else if (event.key === "Escape") {
      close(box);
    }
  });
})();
