"""The steps of a case's registration on Firestore around its writes: the transaction's one read
(the case's document, its mail keys' and its counter slots'), whether the number is free or
already taken by this very registration, and, when the commit failed, what failed it. The
functions take the client (or the store's counted read) and leave counting operations to the
store, which runs the transaction."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.domain.cases import Case
from shared.domain.errors import CaseNumberTaken, MailAlreadyRecorded
from shared.domain.rate_limits import CounterSlot

from . import firestore_case_documents, firestore_inbound_mail, firestore_rate_limits, records
from .firestore_case_documents import CASES
from .firestore_inbound_mail import MAIL_INDEX


def read(client: firestore.Client, transaction, number: str, mail_keys: Sequence[str],
         slots: Sequence[tuple[CounterSlot, int]]):
    """((the case's snapshot, its mail keys' and its counter slots' in order), documents read),
    read in one round trip of the transaction."""
    case_document = firestore_case_documents.case_document(client, number)
    mail = [firestore_inbound_mail.key_document(client, key) for key in mail_keys]
    counters = [firestore_rate_limits.slot_document(client, slot) for slot, _ in slots]
    documents = [case_document, *mail, *counters]
    found = {s.reference.path: s for s in client.get_all(documents, transaction=transaction)}
    snapshots = (found[case_document.path], [found[d.path] for d in mail],
                 [found[d.path] for d in counters])
    return snapshots, len(documents)


def number_taken(stored, case: Case) -> bool:
    """True when the case is already stored by this very registration (`same_registration`);
    raises CaseNumberTaken when another case has its number."""
    if not stored.exists:
        return False
    if same_registration(stored.to_dict(), case):
        return True
    raise CaseNumberTaken(case.number)


def explain_failure(get: Callable[[str, str], dict | None], case: Case, mail_keys: Sequence[str],
                    error: gexc.GoogleAPICallError) -> None:
    """Return when the registration has in fact succeeded, else raise what failed it (`get`: the
    store's counted read of a document, by collection and key).

    The client retries a commit whose answer was lost; if that first commit landed, the
    retry fails, but the case is ours (same access-code hash). A create refused with
    ALREADY_EXISTS (or CONFLICT) means another writer took a document after our read:
    which one decides the answer, as the batch registration of the first version did."""
    existing = get(CASES, case.number)
    if existing is not None and same_registration(existing, case):
        return
    if not isinstance(error, (gexc.AlreadyExists, gexc.Conflict)):
        raise error
    for key in mail_keys:
        if get(MAIL_INDEX, key) is not None:
            raise MailAlreadyRecorded(key) from error
    if existing is not None:
        raise CaseNumberTaken(case.number) from error
    raise error


def same_registration(stored: dict, case: Case) -> bool:
    """Whether the stored case is this very registration (our commit landed, its answer was lost).
    The access-code hash alone does not tell: an email case's code is derived from its number, so
    another message that drew the same number has the same hash; the moment of receipt does."""
    return (stored.get("access_code_hash") == case.access_code_hash
            and stored.get("received_at") == records.time_text(case.received_at))
