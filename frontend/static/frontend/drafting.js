// Progressive enhancement only: every drafting page works without this file.
// 1. The clause form shows every kind's spec fieldset and reads only the chosen kind's; here,
//    show only the chosen kind's.
// 2. htmx swaps a whole article (the clause page's or the workspace's) or a proposal form after
//    an action. The button pressed is gone with the old content, so move focus to what the
//    user needs next: a refusal or the first invalid field, the new form's text, or the
//    message saying what was done.
(function () {
  "use strict";
  var REGIONS = ["clause-drafting", "framework-workspace", "amendment-form", "alternative-form",
    "amendment-form-slot", "alternative-form-slot"];

  function sync(select) {
    var form = select.form;
    form.querySelectorAll("fieldset[data-spec-kind]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.getAttribute("data-spec-kind") !== select.value;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".clause-form select[name='kind']").forEach(function (select) {
      sync(select);
      select.addEventListener("change", function () { sync(select); });
    });
  });

  function focusOn(element) {
    if (!/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(element.tagName)) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || REGIONS.indexOf(target.id) < 0) {
      return;
    }
    // An outerHTML swap replaced the target: find its successor by id.
    var region = document.getElementById(target.id) || target;
    var next = region.querySelector(".field-invalid input, .field-invalid textarea, .field-invalid select") ||
      region.querySelector("[role='alert']") ||
      region.querySelector(".proposal-inline textarea") ||
      region.querySelector("#drafting-done");
    if (next) {
      focusOn(next);
    }
  });
})();
