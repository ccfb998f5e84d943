// Appraisal page: a PDF preview is fetched only when the reader opens it. Each fetch of a file is
// audited, so the page itself loads none: opening a <details data-pdf-src> adds its frame once.
// (A static file: the CSP forbids inline script.)
(function () {
  function open(box) {
    var slot = box.querySelector(".pdf-preview-frame");
    if (!slot || slot.querySelector("iframe")) { return; }
    var frame = document.createElement("iframe");
    frame.title = box.dataset.pdfTitle || "";
    frame.src = box.dataset.pdfSrc;
    slot.appendChild(frame);
    slot.classList.remove("d-none");
  }
  // "toggle" does not bubble: listen in the capture phase, for every preview on the page.
  document.addEventListener("toggle", function (ev) {
    var box = ev.target;
    if (box.open && box.matches && box.matches("details[data-pdf-src]")) { open(box); }
  }, true);
})();
