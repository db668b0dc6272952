"""CloudEvent function `deliver_mail`: triggered by the creation of an outbox document (Eventarc
Firestore trigger); delivers that one message. Until the message is settled — a transient failure
waiting for its retry time, or another worker's lease not yet run out — it raises, so that
Eventarc's retry policy calls again; a sent or given-up message returns normally."""
import functions_framework

from shared.bootstrap import services
from shared.services.mail_delivery import Outcome


class DeliveryRetry(Exception):
    """Raised so the trigger's retry policy runs the delivery again."""


def outbox_id(event) -> str | None:
    """The document id from the event subject, e.g. `documents/outbox/<id>`."""
    parts = (event.get("subject") or "").split("/")
    if len(parts) >= 3 and parts[-2] == "outbox":
        return parts[-1]
    return None


@functions_framework.cloud_event
def deliver_mail(event):
    message_id = outbox_id(event)
    if message_id is None:
        return  # not an outbox document: nothing to do, and no retry
    result = services().delivery.deliver(message_id)
    if result.outcome in (Outcome.RETRYING, Outcome.BUSY):
        raise DeliveryRetry(result.error or result.outcome.value)
