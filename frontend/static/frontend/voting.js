// Progressive enhancement of the voting pages; every page works without this file.
// 1. A countdown to the round's closing time, updated in place (the <time> stays as it is).
// 2. "Copy receipt" with the Clipboard API (the receipt is selectable text without it).
// 3. A ballot's reason field shows when Object is chosen (or when it holds text or an error).
// 4. Ranked ballots: the rank selects become a list ordered by drag and drop or by buttons
//    (Add, Move up, Move down, Remove), each change announced; the selects, hidden, still carry
//    the ranks to the server.
// 5. After htmx swaps the ballot in, focus moves to the error or to the confirmation, and the
//    message is announced in the page's live region.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("ballot-announcer");
    if (!region) {
      return;
    }
    // Cleared first, so that the same message said twice is announced twice.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function focusOn(element) {
    if (!/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(element.tagName) && !element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  // --- 1. countdown ---------------------------------------------------------------------------
  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function remaining(ms) {
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    if (days > 0) {
      return plural(days, "day") + (hours ? ", " + plural(hours, "hour") : "");
    }
    if (hours > 0) {
      return plural(hours, "hour") + (minutes % 60 ? ", " + plural(minutes % 60, "minute") : "");
    }
    return minutes > 0 ? plural(minutes, "minute") : "less than a minute";
  }

  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (element) {
      var closes = Date.parse(element.getAttribute("data-countdown"));
      if (isNaN(closes)) {
        return;
      }
      var left = closes - Date.now();
      element.textContent = left > 0 ? "(in " + remaining(left) + ")" :
        "(the closing time has passed: the round closes shortly)";
    });
  }

  // --- 2. copy the receipt ----------------------------------------------------------------------
  function setUpCopy(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          announce("Receipt copied.");
          button.textContent = "Copied";
          window.setTimeout(function () { button.textContent = "Copy receipt"; }, 2000);
        }, function () {
          var range = document.createRange();
          range.selectNodeContents(source);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          announce("The receipt is selected: copy it with your keyboard.");
        });
      });
    });
  }

  // --- 3. the reason field goes with Object -------------------------------------------------------
  function setUpReasons(root) {
    root.querySelectorAll("fieldset.motion-ballot").forEach(function (fieldset) {
      var reason = fieldset.querySelector("[data-reason]");
      if (!reason) {
        return;
      }
      var textarea = reason.querySelector("textarea");
      function sync() {
        var object = fieldset.querySelector("input[type='radio'][value='object']");
        reason.hidden = !(object && object.checked) && !textarea.value.trim() &&
          !reason.querySelector(".field-invalid");
      }
      fieldset.querySelectorAll("input[type='radio']").forEach(function (radio) {
        radio.addEventListener("change", sync);
      });
      sync();
    });
  }

  // --- 4. ranking -------------------------------------------------------------------------------
  function button(text, hidden) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button button-small button-secondary";
    b.textContent = text;
    var extra = document.createElement("span");
    extra.className = "visually-hidden";
    extra.textContent = " " + hidden;
    b.appendChild(extra);
    return b;
  }

  function Ranking(container) {
    this.container = container;
    this.selects = container.querySelector(".rank-selects");
    this.options = Array.prototype.map.call(this.selects.querySelectorAll("[data-alternative]"), function (li) {
      return { id: li.getAttribute("data-alternative"), label: li.getAttribute("data-label"),
        select: li.querySelector("select"), text: (li.querySelector(".option-text") || {}).textContent || "" };
    });
    var ranked = this.options.filter(function (o) { return o.select.value; });
    ranked.sort(function (a, b) { return Number(a.select.value) - Number(b.select.value); });
    this.order = ranked.map(function (o) { return o.id; });
    this.build();
  }

  Ranking.prototype.byId = function (id) {
    return this.options.filter(function (o) { return o.id === id; })[0];
  };

  Ranking.prototype.build = function () {
    var motion = this.container.getAttribute("data-motion");
    var widget = document.createElement("div");
    widget.className = "rank-widget";
    var rankedHeading = document.createElement("h4");
    rankedHeading.id = "ranked-" + motion;
    rankedHeading.textContent = "Your ranking (first choice at the top)";
    this.ranked = document.createElement("ol");
    this.ranked.className = "ranked";
    this.ranked.setAttribute("aria-labelledby", rankedHeading.id);
    var unrankedHeading = document.createElement("h4");
    unrankedHeading.id = "unranked-" + motion;
    unrankedHeading.textContent = "Not ranked";
    this.unranked = document.createElement("ul");
    this.unranked.className = "unranked";
    this.unranked.setAttribute("aria-labelledby", unrankedHeading.id);
    var help = document.createElement("p");
    help.className = "help";
    help.textContent = "Add options to your ranking and order them with the buttons, or by dragging them.";
    widget.append(help, rankedHeading, this.ranked, unrankedHeading, this.unranked);
    this.selects.hidden = true;
    var selectsHelp = this.container.querySelector(".rank-help");
    if (selectsHelp) {
      selectsHelp.hidden = true;
    }
    this.selects.parentNode.insertBefore(widget, this.selects);
    this.setUpDrops();
    this.render(null);
  };

  Ranking.prototype.item = function (option, index) {
    var self = this;
    var li = document.createElement("li");
    li.className = "rank-item";
    li.setAttribute("data-id", option.id);
    var name = document.createElement("span");
    name.className = "rank-name";
    name.textContent = option.label + (option.text ? ": " + option.text : "");
    var buttons = document.createElement("span");
    buttons.className = "rank-buttons";
    if (index === null) {
      var add = button("Add", option.label + " to your ranking");
      add.setAttribute("data-action", "add");
      add.addEventListener("click", function () { self.add(option.id); });
      buttons.append(add);
      li.append(name, buttons);
    } else {
      var position = document.createElement("span");
      position.className = "rank-pos";
      position.textContent = (index + 1) + ".";
      var up = button("Move up", option.label);
      up.setAttribute("data-action", "up");
      up.disabled = index === 0;
      up.addEventListener("click", function () { self.move(option.id, -1, "up"); });
      var down = button("Move down", option.label);
      down.setAttribute("data-action", "down");
      down.disabled = index === this.order.length - 1;
      down.addEventListener("click", function () { self.move(option.id, 1, "down"); });
      var remove = button("Remove", option.label + " from your ranking");
      remove.setAttribute("data-action", "remove");
      remove.addEventListener("click", function () { self.remove(option.id); });
      buttons.append(up, down, remove);
      li.append(position, name, buttons);
    }
    li.draggable = true;
    li.addEventListener("dragstart", function (event) {
      event.dataTransfer.setData("text/plain", option.id);
      event.dataTransfer.effectAllowed = "move";
      li.classList.add("dragging");
    });
    li.addEventListener("dragend", function () { li.classList.remove("dragging"); });
    return li;
  };

  // Redraw both lists from this.order, write the ranks into the selects, and put focus on
  // ``focus`` ({id, action}) so a keyboard user stays where they were.
  Ranking.prototype.render = function (focus) {
    var self = this;
    this.ranked.textContent = "";
    this.unranked.textContent = "";
    this.order.forEach(function (id, index) {
      self.ranked.appendChild(self.item(self.byId(id), index));
    });
    this.options.forEach(function (option) {
      var index = self.order.indexOf(option.id);
      option.select.value = index < 0 ? "" : String(index + 1);
      if (index < 0) {
        self.unranked.appendChild(self.item(option, null));
      }
    });
    if (focus) {
      var item = this.container.querySelector(".rank-item[data-id='" + focus.id + "']");
      var target = item && (item.querySelector("[data-action='" + focus.action + "']:not([disabled])") ||
        item.querySelector("button:not([disabled])"));
      if (target) {
        target.focus();
      }
    }
  };

  Ranking.prototype.say = function (id) {
    var option = this.byId(id);
    var index = this.order.indexOf(id);
    if (index < 0) {
      announce(option.label + " is not ranked.");
    } else {
      announce(option.label + ": rank " + (index + 1) + " of " + this.order.length + ".");
    }
  };

  Ranking.prototype.add = function (id) {
    this.order.push(id);
    this.render({ id: id, action: "up" });
    this.say(id);
  };

  Ranking.prototype.remove = function (id) {
    this.order.splice(this.order.indexOf(id), 1);
    this.render({ id: id, action: "add" });
    this.say(id);
  };

  Ranking.prototype.move = function (id, step, action) {
    var from = this.order.indexOf(id);
    var to = from + step;
    if (to < 0 || to >= this.order.length) {
      return;
    }
    this.order.splice(from, 1);
    this.order.splice(to, 0, id);
    this.render({ id: id, action: action });
    this.say(id);
  };

  Ranking.prototype.dropAt = function (id, beforeId) {
    var from = this.order.indexOf(id);
    if (from >= 0) {
      this.order.splice(from, 1);
    }
    var at = beforeId ? this.order.indexOf(beforeId) : -1;
    if (at < 0) {
      this.order.push(id);
    } else {
      this.order.splice(at, 0, id);
    }
    this.render(null);
    this.say(id);
  };

  Ranking.prototype.setUpDrops = function () {
    var self = this;
    function clear() {
      self.ranked.querySelectorAll(".drop-before").forEach(function (el) { el.classList.remove("drop-before"); });
    }
    function target(event) {
      var item = event.target.closest && event.target.closest(".rank-item");
      if (!item || !self.ranked.contains(item)) {
        return null;
      }
      var box = item.getBoundingClientRect();
      if (event.clientY > box.top + box.height / 2) {
        item = item.nextElementSibling;
      }
      return item;
    }
    this.ranked.addEventListener("dragover", function (event) {
      event.preventDefault();
      clear();
      var before = target(event);
      if (before) {
        before.classList.add("drop-before");
      }
    });
    this.ranked.addEventListener("dragleave", clear);
    this.ranked.addEventListener("drop", function (event) {
      event.preventDefault();
      clear();
      var id = event.dataTransfer.getData("text/plain");
      if (self.byId(id)) {
        var before = target(event);
        self.dropAt(id, before ? before.getAttribute("data-id") : null);
      }
    });
    this.unranked.addEventListener("dragover", function (event) { event.preventDefault(); });
    this.unranked.addEventListener("drop", function (event) {
      event.preventDefault();
      var id = event.dataTransfer.getData("text/plain");
      if (self.order.indexOf(id) >= 0) {
        self.remove(id);
      }
    });
  };

  function setUpRankings(root) {
    root.querySelectorAll("[data-ranking]").forEach(function (container) {
      if (!container.querySelector(".rank-widget")) {
        new Ranking(container);
      }
    });
  }

  // --- wiring -----------------------------------------------------------------------------------
  function setUp(root) {
    setUpCopy(root);
    setUpReasons(root);
    setUpRankings(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
    tick();
    window.setInterval(tick, 30000);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "ballot") {
      return;
    }
    var ballot = document.getElementById("ballot") || target;
    setUp(ballot);
    var problem = ballot.querySelector("#ballot-error");
    if (problem) {
      focusOn(problem);
      announce(problem.textContent.replace(/\s+/g, " ").trim());
      return;
    }
    var done = ballot.querySelector("#ballot-done");
    if (done) {
      focusOn(done);
      var leaf = ballot.querySelector("#receipt-leaf");
      announce(done.textContent.trim() + (leaf ? " Your receipt begins " + leaf.textContent.trim().slice(0, 8) + "." : ""));
    }
  });
})();
