// The page of a phone removed at home (static/removed.html): what it still holds,
// read from IndexedDB. Wiping is "This phone"'s (phone.js), with no sign-out to do.
const DB = self.AskTwiceDB;

const WHAT = {
  note: (c) => `Note: ${c.text}`,
  note_edit: (c) => `Note changed: ${c.text}`,
  note_delete: () => "A note deleted",
  answer: (c) => `Answer: ${c.text}`,
  asked: (c) => (c.asked ? "A question marked asked" : "A question marked not asked"),
  consent: (c) => `Recording consent: ${c.who}`,
  debrief: () => "Notes after the visit",
  recording: () => "A recording",
};

const describe = (capture) => (WHAT[capture.kind] || (() => "An item"))(capture)
  + (capture.state === "rejected" ? " (the home computer could not take it)" : "");

// Whether Ask Twice keeps a database here at all: opening one would make it again.
async function anythingKept() {
  if (!indexedDB.databases) return true;
  return (await indexedDB.databases()).some((database) => database.name === DB.NAME);
}

export function showWiped(focus) {
  document.querySelector("[data-removed]").hidden = true;
  const wiped = document.querySelector("[data-wiped]");
  wiped.hidden = false;
  document.title = "Wiped · Ask Twice";
  if (focus) wiped.querySelector("h1").focus();
}

export async function showKept(root) {
  if (!(await anythingKept())) { showWiped(false); return; }
  const all = (name) => DB.transact([name], "readonly", (s) => DB.req(s[name].getAll()));
  const [pending, captures, drafts, lock] = await Promise.all([DB.pendingCount(), all("captures"),
    all("drafts"), DB.getMeta("lock")]);
  const summary = root.querySelector("[data-removed-summary]");
  summary.textContent = pending
    ? `${pending} item${pending === 1 ? "" : "s"} not yet sent ${pending === 1 ? "is" : "are"} kept on this phone.`
    : "Nothing is waiting to be sent from this phone.";
  // Locked, the phone shows none of its words: the lock is there to hide them.
  if (lock && lock.locked) { summary.textContent += " The phone is locked, so they are not shown."; return; }
  const lines = [...captures.filter((capture) => capture.state !== "synced").map(describe),
    ...drafts.map((draft) => `Not saved yet: ${draft.value.text}`)];
  root.querySelector("[data-removed-items]").replaceChildren(
    ...lines.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
}
