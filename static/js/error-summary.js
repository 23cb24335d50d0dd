// Moves the focus to the error summary when a form comes back with errors, so keyboard and
// screen-reader users land on the list of what to fix (its links lead to the fields).
// A static file: the CSP forbids inline scripts.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) { return; }
  if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
  summary.focus();
  if (summary.scrollIntoView) { summary.scrollIntoView({ block: "start" }); }
})();
