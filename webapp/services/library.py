"""Content the app ships as data: the question library and the stage-0 reasons."""

import tomllib
from functools import cache
from pathlib import Path

CONTENT = Path(__file__).resolve().parent.parent / "content"


@cache
def _load(name):
    with (CONTENT / name).open("rb") as handle:
        return tomllib.load(handle)


def categories():
    """Return the question categories in order, each with its `question` list."""
    return _load("questions.toml")["category"]


@cache
def questions_by_key():
    """Return every library question by key, with its category key added."""
    return {
        question["key"]: {**question, "category": category["key"]}
        for category in categories()
        for question in category["question"]
    }


def category_titles():
    """Map each category key to its heading."""
    return {category["key"]: category["title"] for category in categories()}


def reasons():
    """Return the good reasons for a second opinion, in order."""
    return _load("reasons.toml")["reason"]


def suggestions(case, leave_out=()):
    """Return library questions that fit the case, each once, with why: [(question, because)].

    From its reasons and the words of its proposed treatment (suggestions.toml);
    keys in `leave_out` (already on the list) are skipped.
    """
    treatment = _words(case.proposed_treatment)
    found = {}
    for rule in _load("suggestions.toml")["rule"]:
        if _applies(rule, case, treatment):
            for key in rule["questions"]:
                if key not in leave_out:
                    found.setdefault(key, (questions_by_key()[key], rule["because"]))
    return list(found.values())


def _words(text):
    return [word.strip("(),.;:'\"") for word in (text or "").lower().split()]


def _applies(rule, case, treatment):
    return (rule.get("always", False)
            or (rule.get("any_treatment", False) and bool(treatment))
            or bool(set(rule.get("reasons", ())) & set(case.reasons or ()))
            or any(word.startswith(stem) for word in treatment for stem in rule.get("words", ())))


def cautions():
    """Return the gentle notes on weaker reasons."""
    return _load("reasons.toml")["caution"]


def checklist():
    """Return the before-the-visit checklist items, in order."""
    return _load("checklist.toml")["check"]


def letters():
    """Return the scripts and letter drafts for talking to the current doctor, in order."""
    return _load("letters.toml")["text"]


def record_states():
    """Map each state of a record (needed … confirmed received) to its words, in order."""
    return {state["key"]: state["label"] for state in _load("records.toml")["state"]}


def record_items():
    """Return the records a second opinion usually needs, in order."""
    return _load("records.toml")["item"]


def safe_to_wait():
    """Return the "is it safe to wait?" question and its options."""
    return _load("reasons.toml")["safe_to_wait"]


NOTE_TAGS = {
    "diagnosis": "Diagnosis",
    "treatment": "Treatment",
    "risk": "Risk",
    "next-step": "Next step",
    "look-up": "Word to look up",
}

CONSENT_KINDS = {
    "agreed": "agreed to recording",
    "declined": "said no to recording",
    "withdrawn": "withdrew permission",
}


def after_visit():
    """Return the opinion topics, reasons opinions differ, values, options and letters."""
    return _load("after_visit.toml")
