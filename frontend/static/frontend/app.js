// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // After htmx swaps in a member row that carries an error, move focus to it so keyboard and
  // screen-reader users learn what went wrong.
  document.addEventListener("htmx:afterSwap", function () {
    var invalid = document.querySelector(".member-row [aria-invalid='true'], .member-row .errorlist");
    if (!invalid) {
      return;
    }
    if (!/^(INPUT|SELECT|TEXTAREA)$/.test(invalid.tagName)) {
      invalid.setAttribute("tabindex", "-1");
    }
    invalid.focus();
  });
  // A swapped-in element may say what just happened (the text of [data-announce]): the page's
  // polite live region (base.html) says it, emptied first so words said twice are said twice.
  document.addEventListener("htmx:afterSettle", function () {
    var said = document.querySelector("[data-announce]");
    var region = document.getElementById("live-region");
    if (!said || !region) {
      return;
    }
    var text = said.textContent.trim();
    said.removeAttribute("data-announce");
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  });
  // A swap that removed the control just pressed (an inbox item marked read, a follow button)
  // names what should take focus instead: [data-focus-after-swap].
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    var scope = target && target.isConnected ? target : document;
    var next = scope.querySelector ? scope.querySelector("[data-focus-after-swap]") : null;
    if (!next && document.activeElement === document.body) {
      next = document.querySelector("[data-focus-after-swap]");
    }
    if (next) {
      next.focus();
      next.removeAttribute("data-focus-after-swap");
    }
  });
})();
