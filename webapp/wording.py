"""Putting what a family typed into our sentences, so they read well whatever was typed."""

import re

TRAILING = re.compile(r"[\s.!?…,;:–-]+$")  # what closes a phrase or a sentence
FINISHED = re.compile(r"[.!?…][\"'”’)]+$")  # a sentence closed inside quotes or brackets


def phrase(text):
    """Return `text` fit for the middle of a sentence: one line, no closing punctuation."""
    return TRAILING.sub("", re.sub(r"\s+", " ", text or "").strip())


def sentence(text):
    """Return `text` as whole sentences: trimmed, ending with one full stop (or the
    question or exclamation mark it ended with)."""
    text = (text or "").strip()
    body = TRAILING.sub("", text)
    if not body or FINISHED.search(body):  # it ends inside quotes, as typed
        return body
    return body + next((mark for mark in "?!" if mark in text[len(body):]), ".")
