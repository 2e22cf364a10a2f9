"""Putting what a family typed into our sentences, so they read well whatever was typed."""

import re

TRAILING = re.compile(r"[\s.!?…,;:–-]+$")  # what closes a phrase or a sentence
FINISHED = re.compile(r"[.!?…][\"'”’)]+$")  # a sentence closed inside quotes or brackets


def phrase(text):
    """Return `text` fit for the middle of a sentence: one line, no closing punctuation."""
    return TRAILING.sub("", re.sub(r"\s+", " ", text or "").strip())


# Words that take a capital only to begin a sentence, as a condition's name often starts:
# lowered in the middle of ours. Any other first word may be a name (Ewing, Crohn's) or an
# abbreviation (ALL), so it keeps its capitals.
ORDINARY = frozenset("""
    a an the our his her their my possible possibly probable probably suspected likely query
    acute chronic juvenile congenital severe mild moderate early late benign malignant
    recurrent relapsed refractory rare unexplained unknown primary secondary metastatic
    childhood infantile neonatal persistent idiopathic inherited genetic autoimmune atypical
    bilateral left right high low stage type grade small large
""".split())


def in_sentence(text):
    """Return `text` fit for the middle of a sentence, as `phrase` does, without a capital
    that only began it ("Possible juvenile arthritis" reads "possible juvenile arthritis")."""
    text = phrase(text)
    first = text.split(" ", 1)[0]
    if first.istitle() and first.lower() in ORDINARY:
        return first.lower() + text[len(first):]
    return text


def sentence(text):
    """Return `text` as whole sentences: trimmed, ending with one full stop (or the
    question or exclamation mark it ended with)."""
    text = (text or "").strip()
    body = TRAILING.sub("", text)
    if not body or FINISHED.search(body):  # it ends inside quotes, as typed
        return body
    return body + next((mark for mark in "?!" if mark in text[len(body):]), ".")
