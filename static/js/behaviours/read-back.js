// "Read back" before leaving: the answers captured, the questions not yet
// asked and the notes tagged "next step". Built from the screen itself, so it
// holds what this phone saved too, and loaded on the first tap on it.
export function fillReadBack(dialog) {
  const list = (texts, empty) => {
    if (!texts.length) return Object.assign(document.createElement("p"), { textContent: empty });
    const ol = document.createElement("ul");
    for (const [text, extra] of texts) {
      const li = ol.appendChild(document.createElement("li"));
      li.appendChild(Object.assign(document.createElement("p"), { textContent: text, className: "read-back__text" }));
      for (const line of extra || []) li.appendChild(Object.assign(document.createElement("p"), { textContent: line }));
    }
    return ol;
  };
  const questions = Array.from(document.querySelectorAll("#questions li[data-question]"))
    .sort((a, b) => a.dataset.order - b.dataset.order);
  const text = (element) => element.firstChild ? element.firstChild.textContent.trim() : "";
  const answered = questions.map((item) => [item.querySelector(".question__text").textContent,
    Array.from(item.querySelectorAll(".answers li"), text)]).filter(([, answers]) => answers.length);
  const unasked = questions.filter((item) => !item.classList.contains("question--asked"))
    .map((item) => [item.querySelector(".question__text").textContent]);
  const label = document.querySelector("label[for=tag-next-step]");
  const steps = Array.from(document.querySelectorAll("#note-list li.note"))
    .filter((note) => label && Array.from(note.querySelectorAll(".tag"), (tag) => tag.textContent).includes(label.textContent))
    .map((note) => [note.querySelector(".note__text").textContent]);
  const parts = { answers: list(answered, "No answers written yet."),
    unasked: list(unasked, "Every question is asked."),
    "next-steps": list(steps, "No notes tagged “Next step” yet.") };
  for (const [name, content] of Object.entries(parts)) dialog.querySelector(`[data-read-back="${name}"]`).replaceChildren(content);
}

