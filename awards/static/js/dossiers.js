// Dossier pages: show a "working" note while a large Excel file is checked and imported.
(function () {
  var form = document.getElementById("import-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var busy = document.getElementById("import-busy");
    if (busy) {
      busy.textContent = form.dataset.busy || "";
      busy.classList.remove("d-none");
    }
    var btn = form.querySelector("button[type=submit]");
    if (btn) { btn.disabled = true; }
  });
})();
