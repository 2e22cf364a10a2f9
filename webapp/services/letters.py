"""Scripts and letters for the current doctor: drafts filled from the case, and the
family's own wording once they change one."""

from sqlalchemy import select

from webapp.errors import NotFound
from webapp.extensions import db
from webapp.models import CaseWording
from webapp.services import library
from webapp.wording import in_sentence, phrase

UNNAMED = "[the condition]"  # a case from before the name was asked, until it is added


def texts(case, member, today, from_date=None, to_date=None, send_to=""):
    """Return every script and letter for the case: the saved wording, else the draft."""
    saved = {letter.key: letter for letter in db.session.scalars(
        select(CaseWording).where(CaseWording.case_id == case.id))}
    blanks = {
        "child": case.child.name, "birth_date": f"{case.child.birth_date:%-d %B %Y}",
        "condition": in_sentence(case.condition) or UNNAMED,
        "second_doctor": case.second_clinician.name if case.second_clinician
        else "the second doctor",
        "parent": member.name, "sender": sender(member), "today": f"{today:%-d %B %Y}",
        "from_date": f"{from_date:%-d %B %Y}" if from_date else "[the first date]",
        "to_date": f"{(to_date or today):%-d %B %Y}",
        "send_to": phrase(send_to) or "[the doctor or the records office]",
    }
    return [{**item, "saved": item["key"] in saved,
             "text": saved[item["key"]].text if item["key"] in saved
             else item["body"].format_map(blanks)}
            for item in library.letters()]


def known(key):
    """Return the script or letter `key`. Raises NotFound otherwise."""
    for item in library.letters():
        if item["key"] == key:
            return item
    raise NotFound()


def save(case, key, text):
    """Keep the family's wording of a script or letter for the case."""
    known(key)
    letter = db.session.scalar(select(CaseWording).where(CaseWording.case_id == case.id,
                                                    CaseWording.key == key))
    if letter is None:
        letter = CaseWording(case_id=case.id, key=key, text=text)
        db.session.add(letter)
    letter.text = text
    db.session.flush()
    return letter


def back_to_draft(case, key):
    """Forget the family's wording, so the draft filled from the case shows again."""
    known(key)
    letter = db.session.scalar(select(CaseWording).where(CaseWording.case_id == case.id,
                                                    CaseWording.key == key))
    if letter is not None:
        db.session.delete(letter)
        db.session.flush()


def sender(member):
    """Return the top of a letter: the signed-in parent's name, then the family's address."""
    return "\n".join([member.name, *member.household.address.splitlines()])


def set_address(household, address):
    """Keep the family's address for their letters, one line each, without empty lines."""
    household.address = "\n".join(line.strip() for line in address.splitlines() if line.strip())
    db.session.flush()
