// Progressive enhancement only: the clause form works without this file (every kind's spec
// fieldset is shown and only the chosen kind's is read). Here, show only the chosen kind's.
(function () {
  "use strict";
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
})();
