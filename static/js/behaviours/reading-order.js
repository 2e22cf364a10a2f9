// Keys and screen readers follow what the eye sees. With very large text the
// appointment screen puts the next question first and the consent step, the
// notes and the sync bar after it (CSS `order`, see app.css "Large text on the
// appointment screen"); order moves boxes, not the document, so Tab would
// still jump from the title to the consent buttons below the questions. Here
// the document itself is put in the order on screen whenever the layout
// changes (a text size set on the phone, a turn), and back again at 100%.
// `reading-flow` would do this in CSS, but Chromium 156 then skips every
// section with tabindex="-1" (the parts the bottom bar focuses).
const places = new WeakMap(); // container -> (child's key -> its place in the page as written)

const keyOf = (child) => child.id || child.className || child.tagName;

function arrange(container) {
  if (!container || !container.isConnected) return;
  if (!places.has(container)) places.set(container, new Map());
  const place = places.get(container);
  const children = Array.from(container.children);
  children.forEach((child, index) => { if (!place.has(keyOf(child))) place.set(keyOf(child), index); });
  const wanted = children
    .map((child) => ({ child, order: Number(getComputedStyle(child).order) || 0, at: place.get(keyOf(child)) }))
    .sort((a, b) => a.order - b.order || a.at - b.at)
    .map((item) => item.child);
  if (wanted.every((child, index) => child === children[index])) return;
  // moveBefore keeps focus and an open <details> where they are; older browsers insert.
  const move = container.moveBefore ? container.moveBefore.bind(container) : container.insertBefore.bind(container);
  wanted.forEach((child) => move(child, null));
}

function arrangeScreen() {
  const screen = document.querySelector("[data-visit-screen]");
  if (!screen) return;
  arrange(screen);
  arrange(document.body);
}

let watching = false;

// Run for each whole appointment screen that arrives; the observer stays for the page's life.
export function followScreenOrder() {
  arrangeScreen();
  if (watching || !("ResizeObserver" in window)) return;
  watching = true;
  new ResizeObserver(() => arrangeScreen()).observe(document.documentElement);
}
