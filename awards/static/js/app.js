// Confirmation for buttons that carry data-confirm (no inline script: the CSP forbids it).
document.addEventListener("submit", function (ev) {
  var btn = ev.submitter;
  var msg = (btn && btn.dataset.confirm) || ev.target.dataset.confirm;
  if (msg && !window.confirm(msg)) { ev.preventDefault(); }
});

// A select carrying data-autosubmit submits its (GET) form on change; the form keeps a button for
// browsers without script.
document.addEventListener("change", function (ev) {
  var el = ev.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
});
