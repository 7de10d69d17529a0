// The "Imprimer" button of the planning (no inline handler: the Content-Security-Policy forbids them).
document.querySelectorAll("[data-print-page]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
