// After a swap, put focus where the family's eyes should go: an element the
// server marked with data-focus, else the first field with an error.
export function focusAfterSwap(root) {
  const scope = root.isConnected ? root : document.body;
  const target = scope.querySelector("[data-focus]") || scope.querySelector("[aria-invalid='true']");
  if (target) target.focus({ preventScroll: false });
}
