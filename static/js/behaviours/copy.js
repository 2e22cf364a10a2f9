// "Copy": put a field's words on the clipboard and say so. Hidden where the
// browser offers no clipboard (then the text can still be selected by hand).
import { say } from "./status.js";

export function copyButtons(root) {
  for (const button of root.querySelectorAll("[data-copy]")) {
    button.hidden = !navigator.clipboard;
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(field.value);
        say("Copied. You can paste it into an email or a message.");
      } catch {
        say("Could not copy here. Select the text and copy it by hand.");
      }
    });
  }
}
