"""The store's part of an identity purge on Firestore (`identity_purge.IdentityPurge`), in the
commit that writes the purged case: `reporter_identities/{number}` deleted and the events it
scrubbed set again at their sequence numbers (same chain links), and the held mail filed in the
case set again without its sender. The case document's
`reporter_email_hash` is written empty by `case_record` once the case is purged."""
from __future__ import annotations

from google.cloud import firestore

from shared.domain.cases import Case

from .firestore_case_documents import IDENTITIES, set_events
from .firestore_inbound_mail import HELD_MAIL
from .held_mail_records import entry_to_record


def purge(writer, client: firestore.Client, case: Case) -> int:
    """Carry out `case.purge` in `writer` (a transaction or batch); returns the writes."""
    writer.delete(client.collection(IDENTITIES).document(case.number))
    written = 1 + set_events(writer, client, case.number, case.purge.redacted)
    for entry in case.purge.held:
        writer.set(client.collection(HELD_MAIL).document(entry.mail.id), entry_to_record(entry))
        written += 1
    case.purge = None
    return written
