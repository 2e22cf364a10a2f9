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


def cautions():
    """Return the gentle notes on weaker reasons."""
    return _load("reasons.toml")["caution"]


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
