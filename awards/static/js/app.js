// Confirmation for buttons that carry data-confirm (no inline script: the CSP forbids it).
document.addEventListener("submit", function (ev) {
  var btn = ev.submitter;
  var msg = (btn && btn.dataset.confirm) || ev.target.dataset.confirm;
  if (msg && !window.confirm(msg)) { ev.preventDefault(); }
});
