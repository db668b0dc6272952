"""Domain errors; entry points map them to HTTP codes."""


class DomainError(Exception):
    pass


class CaseNotFound(DomainError):
    """No such case, or the access code does not match: deliberately the same error."""


class CaseNumberTaken(DomainError):
    """The random case number already exists; the caller draws another."""


class MailAlreadyRecorded(DomainError):
    """This inbound message (same Message-ID or content) was recorded before."""


class ForgedNotification(DomainError):
    """A webhook call that is unsigned, badly signed, or not from our topic."""


class StaleNotification(ForgedNotification):
    """A signed webhook call published too long ago (a replay) or in the future."""


class TooManyAttempts(DomainError):
    """Rate limit reached; `retry_after` (a timedelta, when known) says when the window ends."""

    def __init__(self, retry_after=None):
        super().__init__("rate limit reached")
        self.retry_after = retry_after


class LimitReached(DomainError):
    """A counter slot with a limit was already at it: the write that would count one more was
    refused, and nothing of it was written."""

    def __init__(self, slot_id: str):
        super().__init__(slot_id)
        self.slot_id = slot_id


class InvalidSubmission(DomainError):
    """Input that cannot be registered; `errors` maps each field to an error code."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class InvalidCommand(DomainError):
    """A staff command with input that cannot be carried out; `errors` maps each field to an error
    code (the API answers 422 with them, in the person's language). Nothing was changed."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class TransitionNotAllowed(DomainError):
    """A lifecycle command that the case's current status does not allow (`lifecycle.TRANSITIONS`)."""

    def __init__(self, status: str, command: str):
        super().__init__(f"{command} is not allowed on a case that is {status}")
        self.status = status
        self.command = command


class CommandRefused(DomainError):
    """A command refused by a rule: an actor who may not give it, a missing reason, or a rule of
    the case (the drafter approving their own draft, a decider reviewing the appeal of their own
    decision, an appeal after its window). `code` names the rule for the API (409 with it)."""

    def __init__(self, reason: str, code: str = "command_refused"):
        super().__init__(reason)
        self.code = code


class DeliveryFailed(DomainError):
    """A mail transport could not hand the message over. `permanent` says whether retrying helps."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class NotSignedIn(DomainError):
    """A staff request without a valid identity (missing, forged, expired or for someone else's
    audience): 401."""


class NotStaff(DomainError):
    """A verified identity that is not an active staff member (no record, or deactivated): 403."""
