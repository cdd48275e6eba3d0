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
})();
