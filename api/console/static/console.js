// The few behaviours the pages need without inline script (the CSP allows scripts from this server only).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // Filing: show the fields of the chosen way of applying (all stay in the page without script).
  var form = document.getElementById("file-form");
  if (form) {
    var sync = function () {
      var committee = form.querySelector("#filed-committee").checked;
      form.querySelectorAll(".committee-only").forEach(function (el) { el.hidden = !committee; });
      form.querySelectorAll(".applicant-only").forEach(function (el) { el.hidden = committee; });
    };
    form.querySelectorAll("input[name=filed_by]").forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }
});
