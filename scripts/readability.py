"""Print the Flesch-Kincaid grade of Ask Twice's user-facing copy.

Reads the content files (webapp/content/*.toml: questions, reasons, letters,
checklist, suggestions) and the words in the templates (templates/**/*.html,
with Jinja and HTML left out), then prints the grade of each file, of all of
it together, and the hardest sentences. The goal is 8 or lower: a stressed
parent reads at a glance. Run: .venv/bin/python scripts/readability.py [--worst N]

The grade: 0.39 x words per sentence + 11.8 x syllables per word - 15.59.
Syllables are counted by vowel groups (a common approximation). A label or
button without a full stop counts as a sentence of its own.
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 8.0
COPY_KEYS = {"label", "text", "hint", "note", "title", "question", "because", "body"}
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*-)")
WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def syllables(word):
    """Count a word's syllables by its vowel groups, with a silent final e."""
    word = word.lower()
    groups = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    return max(groups, 1)


def sentences(text):
    """Split a piece of copy into sentences that have words."""
    return [s.strip() for s in SENTENCE_END.split(text) if WORD.search(s)]


def grade(all_sentences):
    """Return the Flesch-Kincaid grade of a list of sentences (0 for none)."""
    words = [w for s in all_sentences for w in WORD.findall(s)]
    if not words:
        return 0.0
    return (0.39 * len(words) / len(all_sentences)
            + 11.8 * sum(map(syllables, words)) / len(words) - 15.59)


def toml_copy(value):
    """Yield the user-facing strings of a content file."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in COPY_KEYS and isinstance(item, str):
                yield re.sub(r"\{\w+\}", "Ada", item)  # a placeholder reads as a short name
            else:
                yield from toml_copy(item)
    elif isinstance(value, list):
        for item in value:
            yield from toml_copy(item)


def template_copy(html):
    """Yield the text nodes of a template: what a person reads on the page."""
    text = TAGS.sub("\n", JINJA.sub(" ", html))
    for chunk in text.split("\n"):
        chunk = " ".join(chunk.replace("&nbsp;", " ").split())
        if WORD.search(chunk) and '="' not in chunk:  # not a macro's attribute text
            yield chunk


def collect():
    """Return {file: [sentences]} for every file of copy."""
    found = {}
    for path in sorted((ROOT / "webapp" / "content").glob("*.toml")):
        pieces = toml_copy(tomllib.loads(path.read_text()))
        found[path.relative_to(ROOT)] = [s for piece in pieces for s in sentences(piece)]
    for path in sorted((ROOT / "templates").rglob("*.html")):
        pieces = template_copy(path.read_text())
        found[path.relative_to(ROOT)] = [s for piece in pieces for s in sentences(piece)]
    return {path: found[path] for path in found if found[path]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=10, help="how many hard sentences to list")
    args = parser.parse_args(argv)
    found = collect()
    for path, file_sentences in found.items():
        print(f"{grade(file_sentences):5.1f}  {path}  ({len(file_sentences)} sentences)")
    everything = [s for file_sentences in found.values() for s in file_sentences]
    prose = [s for path, found_here in found.items() if path.suffix == ".toml" for s in found_here]
    print(f"\nContent files alone (questions, reasons, letters, checklist): {grade(prose):.1f}")
    print(f"Flesch-Kincaid grade of all user-facing copy: {grade(everything):.1f} "
          f"({len(everything)} sentences; goal {GOAL:g} or lower)")
    print(f"\nThe {args.worst} hardest sentences:")
    for sentence in sorted(set(everything), key=lambda s: -grade([s]))[:args.worst]:
        print(f"{grade([sentence]):5.1f}  {sentence[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
