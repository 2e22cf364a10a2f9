"""Putting what a family typed into our sentences, so they read well whatever was typed."""

import re
from textwrap import shorten

TRAILING = re.compile(r"[\s.!?…,;:–-]+$")  # what closes a phrase or a sentence
FINISHED = re.compile(r"[.!?…][\"'”’)]+$")  # a sentence closed inside quotes or brackets


def phrase(text):
    """Return `text` fit for the middle of a sentence: one line, no closing punctuation."""
    return TRAILING.sub("", re.sub(r"\s+", " ", text or "").strip())


# Names that keep their capital in the middle of our sentences: people and places that
# conditions are named after. A word written all in capitals (ALL, HIV), with a capital
# inside (McCune, T-cell, Non-Hodgkin) or an apostrophe (Crohn's) keeps its capitals too.
NAMES = frozenset("""
    addison alport angelman asperger batten becker behcet bell blackfan blount burkitt
    chiari crohn cushing dandy diamond down dravet duchenne ehlers ewing fabry fanconi
    gaucher graves guillain hashimoto henoch hirschsprung hodgkin huntington hunter hurler
    kawasaki klinefelter krabbe legg lennox lyme marfan meniere morquio niemann noonan
    osgood paget perthes pompe prader raynaud rett sanfilippo scheuermann sever sjogren
    stevens still tay tourette turner willebrand williams wilms wilson
""".split())


def _lowered(word, first):
    """Return `word` without a capital that only began the sentence: a capital then small
    letters (a closing comma aside), not a name; a lone "A" only as the first word."""
    core = word.rstrip(",;:)")
    if core == "A":
        return "a" if first else word
    if len(core) > 1 and core[0].isupper() and core[1:].isalpha() and core[1:].islower() \
            and core.lower() not in NAMES:
        return word[0].lower() + word[1:]
    return word


def in_sentence(text):
    """Return `text` fit for the middle of a sentence, as `phrase` does, without the
    capitals that only began it ("Possible Juvenile Arthritis" reads "possible juvenile
    arthritis", "Scoliosis" reads "scoliosis"; "Crohn's disease" and "ADHD" stay)."""
    words = phrase(text).split(" ")
    return " ".join(_lowered(word, index == 0) for index, word in enumerate(words))


def condition_name(case):
    """Return the case's condition for the middle of a sentence or a breadcrumb; on a case
    from before the name was asked, the start of its diagnosis."""
    return in_sentence(case.condition) or shorten(in_sentence(case.diagnosis), 40, placeholder="…")


def sentence(text):
    """Return `text` as whole sentences: trimmed, ending with one full stop (or the
    question or exclamation mark it ended with)."""
    text = (text or "").strip()
    body = TRAILING.sub("", text)
    if not body or FINISHED.search(body):  # it ends inside quotes, as typed
        return body
    return body + next((mark for mark in "?!" if mark in text[len(body):]), ".")
