"""Schemas: what comes in (one input schema per command, loaded by the HTML views
and by sync alike) and what goes out to phones.

Shape and type rules live here once; business rules live in the services.
Unknown fields are rejected (marshmallow's default, RAISE). This module holds
the fields and the loader; `forms` the commands, `sync` the wire.
"""

import re
from functools import cache

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from webapp.errors import ValidationFailed
from webapp.models._types import MAX_INT

LONG_TEXT = 10_000
SHORT_TEXT = 200
UNSTORABLE = "This has a character we cannot store. Please type it again."

class Text(fields.String):
    """A string both databases can store: valid UTF-8 (no lone surrogate), no NUL byte.

    A NUL is refused by PostgreSQL and a lone surrogate by both drivers; refused
    here, each becomes a plain message at either door instead of a database fault.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text or not storable(text):
            raise ValidationError(UNSTORABLE)
        return text


def storable(text):
    """Tell whether `text` encodes as UTF-8 (JSON may carry lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class WholeNumber(fields.Integer):
    """An integer; as text, ASCII digits only (int() also reads "٣", "+3", " 3" and "3_0",
    and takes thousands of digits slowly before a range check could refuse them)."""

    def _validated(self, value):
        if isinstance(value, str) and not re.fullmatch(r"-?[0-9]{1,18}", value):
            raise self.make_error("invalid")
        return super()._validated(value)


def record_id(message="Choose from the list.", strict=False, **kwargs):
    """An integer id within the databases' range; `strict` refuses strings (JSON)."""
    return WholeNumber(
        strict=strict, validate=validate.Range(min=1, max=MAX_INT, error=message),
        error_messages=dict.fromkeys(("required", "invalid", "null"), message), **kwargs)


class Trimmed(Text):
    """A string with the surrounding white space removed; blank counts as missing."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and self.required:
            raise self.make_error("required")
        return text


def text(required_message=None, max_length=SHORT_TEXT, too_long=None):
    """Build a trimmed text field with plain-language messages."""
    too_long = too_long or f"Please keep this under {max_length:,} characters."
    if required_message:
        return Trimmed(
            required=True,
            validate=validate.Length(max=max_length, error=too_long),
            error_messages={"required": required_message, "null": required_message},
        )
    return Trimmed(load_default="", validate=validate.Length(max=max_length, error=too_long))


def one_of(keys, message, **kwargs):
    """Build a string field limited to `keys`."""
    return Text(validate=validate.OneOf(list(keys), error=message), **kwargs)


class InputSchema(Schema):
    @pre_load
    def drop_blank_values(self, data, **kwargs):
        """Treat an empty form value of a non-text field as not given."""
        if not isinstance(data, dict):
            return data  # not an object at all: marshmallow says so, as a validation error
        return {
            key: value
            for key, value in data.items()
            if not (value == "" and not isinstance(self.fields.get(key), fields.String))
        }

@cache
def instance(schema_class):
    """One instance per schema class: loading keeps no state on it, and making one is slow."""
    return schema_class()


def load(schema_class, data):
    """Load `data` with a fresh `schema_class`, raising ValidationFailed.

    Raises:
        ValidationFailed: with one list of plain messages per field.
    """
    try:
        return instance(schema_class).load(data)
    except ValidationError as error:
        raise ValidationFailed(_flatten(error.messages)) from error


def _flatten(messages):
    """Turn marshmallow's nested messages (lists index their items) into lists."""
    flat = {}
    for field, value in messages.items():
        if isinstance(value, dict):
            value = [m for nested in _flatten(value).values() for m in nested]
        if field == "_schema" or value == ["Unknown field."]:
            field = "_form"
            value = ["This form had something we did not expect. Please try again."]
        flat.setdefault(field, [])
        flat[field].extend(m for m in value if m not in flat[field])
    return flat
