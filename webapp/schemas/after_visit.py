"""Input schemas after the visits: opinions, comparison rows, values, decisions, letters.

Built from webapp/schemas' fields, so text is checked the same way everywhere
(no NUL byte, no lone surrogate, trimmed, with a plain message when too long).
"""

from marshmallow import fields, validate

from webapp.schemas import InputSchema, Text, one_of, record_id, text
from webapp.services import decisions, library, opinions

TOPIC_TEXT = 4000
SOURCE = validate.Regexp(r"^(note|answer):[0-9a-f-]{36}$",
                         error="That note or answer is not from this visit.")


def _sources():
    return fields.List(Text(validate=SOURCE), load_default=list,
                       validate=validate.Length(max=200, error="Please pick fewer notes."))


# One text and one list of sources per topic: field names are the form's
# (`diagnosis`, `diagnosis-sources`), so htmx.form_data sees the lists.
OpinionSchema = type("OpinionSchema", (InputSchema,), {
    "clinician_id": record_id("Choose whose opinion this is.", load_default=None),
    "visit_id": record_id("Choose one of this case's visits.", load_default=None),
    **{topic["key"]: text(max_length=TOPIC_TEXT) for topic in opinions.topics()},
    **{f"{topic['key']}-sources": _sources() for topic in opinions.topics()},
})


def opinion_fields(data):
    """Split a loaded OpinionSchema into the service's keywords."""
    keys = [topic["key"] for topic in opinions.topics()]
    return {"topics": {key: data[key] for key in keys},
            "sources": {key: data[f"{key}-sources"] for key in keys}}


class DoctorsSchema(InputSchema):
    """Who is who: the current doctor and the one who gave the second opinion."""

    current_clinician_id = record_id("Choose one of your doctors.", load_default=None)
    second_clinician_id = record_id("Choose one of your doctors.", load_default=None)


class ComparisonRowSchema(InputSchema):
    verdict = one_of(opinions.VERDICTS, "Choose agree, differ or not covered.", required=True,
                     error_messages={"required": "Choose agree, differ or not covered."})
    why = one_of(["", *(why["key"] for why in library.after_visit()["why"])],
                 "Choose from the reasons shown.", load_default="")
    note = text(max_length=TOPIC_TEXT)
    question = text(max_length=TOPIC_TEXT)


ValuesSchema = type("ValuesSchema", (InputSchema,), {
    "member_id": record_id("Choose one of the parents.", required=True),
    **{value["key"]: text(max_length=TOPIC_TEXT) for value in library.after_visit()["value"]},
})


class DecisionSchema(InputSchema):
    option = one_of((option["key"] for option in decisions.options()), "Choose what you decided.",
                    required=True, error_messages={"required": "Choose what you decided."})
    reasons = text("Write your reasons, in a few words.", max_length=TOPIC_TEXT)
    decided_on = fields.Date(required=True, error_messages={
        "required": "Enter the date you decided.",
        "invalid": "Enter the date as a date, for example 2026-12-01."})
    took_part = text(max_length=1000)
    revisit_when = text(max_length=1000)


class ReopenSchema(InputSchema):
    reason = text("Write what changed, in a few words.", max_length=1000)


class LetterSchema(InputSchema):
    text = text("A letter cannot be empty. Write it, or start again from our draft.",
                max_length=20_000)
