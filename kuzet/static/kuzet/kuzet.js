/* kuzet: small enhancements; every page works without them. Served from 'self' (strict CSP). */
(function () {
  "use strict";

  // After a failed submit, focus the error summary (autofocus does it in most browsers; this
  // covers the rest), and make its links move focus to the field, not only scroll to it.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (!summary) { return; }
    if (document.activeElement !== summary) { summary.focus(); }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      var closed = target.closest("details:not([open])");
      if (closed) { closed.open = true; }
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  }

  // The receipt's "copy the link" and "print" buttons exist only where they can work.
  function enableReceiptButtons() {
    document.querySelectorAll("[data-copy-text]").forEach(function (button) {
      if (!navigator.clipboard) { return; }
      var status = document.getElementById(button.getAttribute("data-status"));
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy-text")).then(function () {
          if (status) { status.textContent = button.getAttribute("data-copied"); }
        }, function () {
          if (status) { status.textContent = button.getAttribute("data-copy-failed"); }
        });
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    enableReceiptButtons();
  });
}());
