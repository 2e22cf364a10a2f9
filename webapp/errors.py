"""Domain errors raised by services and translated by the two front doors."""


def envelope(code, message, errors=None):
    """The one shape of every JSON error: `{code, message, errors}`."""
    return {"code": code, "message": message, "errors": errors or {}}


class DomainError(Exception):
    """Base class: something the family asked for cannot be done as asked."""

    status = 400
    code = "domain_error"

    def __init__(self, message="That could not be done.", errors=None, **details):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.details = details  # what a client resumes from, e.g. where an upload stands

    def as_json(self):
        """Return the error's JSON: the envelope, with its details beside it."""
        return {**envelope(self.code, self.message, self.errors), **self.details}


class ValidationFailed(DomainError):
    """Input broke a rule; `errors` maps each field to its messages."""

    status = 422
    code = "validation_failed"

    def __init__(self, errors, message="Please check what you entered."):
        super().__init__(message, errors)


class NotFound(DomainError):
    """No such thing, or not this household's: the same answer either way."""

    status = 404
    code = "not_found"

    def __init__(self, message="We could not find that."):
        super().__init__(message)


class Unauthorized(DomainError):
    """No valid device token: the phone must pair (or sign in) again."""

    status = 401
    code = "unauthorized"

    def __init__(self, message="This phone is not paired with Ask Twice. Please sign in again."):
        super().__init__(message)


class PhoneRemoved(Unauthorized):
    """The family removed this phone at home: it forgets their things and asks to pair again."""

    code = "phone_removed"

    def __init__(self, message="This phone was removed from Ask Twice on the home computer. "
                               "Pair it again to send what it keeps."):
        super().__init__(message)


class Conflict(DomainError):
    """The request clashes with what is already stored."""

    status = 409
    code = "conflict"


class NotAllowed(DomainError):
    """The person may see this but not change it (a companion, someone else's note)."""

    status = 403
    code = "not_allowed"
