"""Putting what a family typed into our sentences, so they read well whatever was typed."""

import re

ENDS = ".!?…"
FINISHED = re.compile(r"[.!?…][\"'”’)]*$")  # a sentence's end, maybe inside quotes


def phrase(text):
    """Return `text` fit for the middle of a sentence: one line, no closing punctuation."""
    return re.sub(r"\s+", " ", text or "").strip().rstrip(ENDS + ",;:– -")


def sentence(text):
    """Return `text` as whole sentences: trimmed, ending with a full stop when it has none."""
    text = (text or "").strip().rstrip(",;:– -")
    return text if not text or FINISHED.search(text) else f"{text}."
