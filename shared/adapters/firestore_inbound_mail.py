"""Inbound mail on Firestore: `mail_index/{key}` (every inbound message's and every sent
message's key → its case or held entry: duplicates and threading) and `held_mail/{id}` (mail that
belongs to no case; `open` until staff settle it). The functions take the client and leave
counting operations to the store; `FirestoreHeldMail` is the staff's held-mail queue, mixed into
`FirestoreCaseStore`.

The open queue is `open == true AND received_key < cursor ORDER BY received_key DESC` (its index
is in infra/firestore.tf): `received_key` (`<received_at>|<id>`) is unique, so a range filter on it
pages without cursors or offsets (the emulator ignores those) and ties on the time never repeat
or skip an entry. Held documents written before the queue existed carry neither field and are
found by no query until `upgrade_held_mail` adds them (idempotent)."""
from __future__ import annotations

from collections.abc import Sequence

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.domain.cases import HeldMail, MailRecord
from shared.domain.errors import MailAlreadyRecorded
from shared.domain.held_mail import (
    HeldEntry,
    HeldMailNotFound,
    HeldMailPage,
    Resolution,
    is_held_id,
)
from shared.domain.queues import checked_page_size

from . import records
from .held_mail_records import cursor_position, entry_from_record, entry_to_record, held_key

MAIL_INDEX = "mail_index"
HELD_MAIL = "held_mail"


def key_document(client: firestore.Client, key: str):
    return client.collection(MAIL_INDEX).document(key)


def entry(case_number: str = "", held_id: str = "", sent: bool = False) -> dict:
    """A mail_index document: the case or the held entry the key points at."""
    return {"case_number": case_number, "held_id": held_id, "sent": sent}


def find(client: firestore.Client, key: str) -> MailRecord | None:
    snapshot = key_document(client, key).get()
    if not snapshot.exists:
        return None
    record = snapshot.to_dict()
    return MailRecord(record["case_number"], record["held_id"], record.get("sent", False))


def ensure_free(keys: Sequence[str], snapshots: Sequence) -> None:
    """Raise MailAlreadyRecorded for the first key whose document exists (`snapshots`: the keys'
    documents, in order, read in the caller's transaction)."""
    for key, snapshot in zip(keys, snapshots):
        if snapshot.exists:
            raise MailAlreadyRecorded(key)


def create_keys(writer, client: firestore.Client, keys: Sequence[str], **target) -> None:
    """Create each key's document pointing at `target` (create: a key taken meanwhile fails)."""
    for key in keys:
        writer.create(key_document(client, key), entry(**target))


def mark_sent(writer, client: firestore.Client, keys: Sequence[str], case_number: str) -> int:
    """Point each of our sent messages' keys at its case; returns the number written."""
    for key in keys:
        writer.set(key_document(client, key), entry(case_number=case_number, sent=True))
    return len(keys)


def hold(client: firestore.Client, held: HeldMail, keys: Sequence[str]) -> None:
    batch = client.batch()
    create_keys(batch, client, keys, held_id=held.id)
    batch.create(client.collection(HELD_MAIL).document(held.id), entry_to_record(HeldEntry(held)))
    try:
        batch.commit()
    except (gexc.AlreadyExists, gexc.Conflict) as exc:
        raise MailAlreadyRecorded(held.id) from exc


def held(client: firestore.Client, limit: int) -> list[HeldMail]:
    query = (client.collection(HELD_MAIL)
             .order_by("received_at", direction=firestore.Query.DESCENDING).limit(limit))
    return [records.held_from_record(s.to_dict()) for s in query.stream()]


def open_page(client: firestore.Client, limit: int, after: str | None) -> tuple[HeldMailPage, int]:
    """The open entries after the cursor, newest first, and the documents read."""
    before = "\uffff" if after is None else "|".join(cursor_position(after))
    query = (client.collection(HELD_MAIL)
             .where(filter=firestore.FieldFilter("open", "==", True))
             .where(filter=firestore.FieldFilter("received_key", "<", before))
             .order_by("received_key", direction=firestore.Query.DESCENDING).limit(limit + 1))
    entries = [entry_from_record(s.to_dict()) for s in query.stream()]
    more = len(entries) > limit
    page = HeldMailPage(entries[:limit], held_key(entries[limit - 1].mail) if more else None)
    return page, max(1, len(entries))


def upgrade_held_mail(client: firestore.Client, page: int = 100) -> int:
    """Give every held document written before the queue existed its `open` flag and queue key,
    paging by a range filter on `id`; returns how many it changed (none on a second run)."""
    changed, last = 0, ""
    while True:
        query = (client.collection(HELD_MAIL).where(filter=firestore.FieldFilter("id", ">", last))
                 .order_by("id").limit(page))
        found = [s for s in query.stream()]
        batch = client.batch()
        for snapshot in found:
            record = snapshot.to_dict()
            if "received_key" not in record:
                batch.set(snapshot.reference, entry_to_record(entry_from_record(record)))
                changed += 1
        batch.commit()
        if len(found) < page:
            return changed
        last = found[-1].to_dict()["id"]


class FirestoreHeldMail:
    """The held-mail queue methods of FirestoreCaseStore (its client and operation count)."""

    def open_held_mail(self, limit: int = 50, after: str | None = None) -> HeldMailPage:
        page, reads = open_page(self.client, checked_page_size(limit), after)
        self.operations += reads
        return page

    def get_held_mail(self, held_id: str) -> HeldEntry | None:
        if not is_held_id(held_id):
            return None  # no document could have it (a `/` would even name another path)
        self.operations += 1
        snapshot = self.client.collection(HELD_MAIL).document(held_id).get()
        return entry_from_record(snapshot.to_dict()) if snapshot.exists else None

    def settle_held_mail(self, held_id: str, resolution: Resolution) -> HeldEntry:
        if not is_held_id(held_id):
            raise HeldMailNotFound(held_id)
        document = self.client.collection(HELD_MAIL).document(held_id)

        @firestore.transactional
        def run(transaction) -> HeldEntry:
            snapshot = document.get(transaction=transaction)
            if not snapshot.exists:
                raise HeldMailNotFound(held_id)
            settled = entry_from_record(snapshot.to_dict()).settled(resolution)
            transaction.set(document, entry_to_record(settled))
            return settled

        self.operations += 2
        return run(self.client.transaction())
