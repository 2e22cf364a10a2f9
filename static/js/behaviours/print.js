// A "Print" button: the print stylesheet does the rest.
export function printButtons(root) {
  for (const button of root.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
}
