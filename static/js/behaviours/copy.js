// "Copy" buttons (data-copy names the field by CSS selector) for letters and
// scripts, and a letter's printed copy kept in step with what is typed, saved
// or not. Loaded on first use (a page with such a button); it imports nothing
// the first-load bundle has: `say` comes from the caller.
export function copyButtons(root, say) {
  for (const button of root.querySelectorAll("[data-copy]")) {
    const field = document.querySelector(button.dataset.copy);
    if (!field) continue;
    button.addEventListener("click", () => copy(field, say));
  }
  for (const printed of root.querySelectorAll("[data-printed-copy-of]")) {
    const field = document.querySelector(printed.dataset.printedCopyOf);
    if (field) field.addEventListener("input", () => { printed.textContent = field.value; });
  }
}

async function copy(field, say) {
  try {
    await navigator.clipboard.writeText(field.value);
    say("Copied. Paste it into your email or message.");
  } catch {
    // No clipboard access (an older browser, or plain http): select it to copy by hand.
    field.focus();
    field.select();
    say("Selected. Copy it with your device's Copy command.");
  }
}
