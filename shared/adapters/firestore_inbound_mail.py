"""Inbound mail on Firestore: `mail_index/{key}` (every inbound message's and every sent
message's key → its case or held entry: duplicates and threading) and `held_mail/{id}` (mail that
belongs to no case). The functions take the client and leave counting operations to the store."""
from __future__ import annotations

from collections.abc import Sequence

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.domain.cases import HeldMail, MailRecord
from shared.domain.errors import MailAlreadyRecorded

from . import records

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
    batch.create(client.collection(HELD_MAIL).document(held.id), records.held_to_record(held))
    try:
        batch.commit()
    except (gexc.AlreadyExists, gexc.Conflict) as exc:
        raise MailAlreadyRecorded(held.id) from exc


def held(client: firestore.Client, limit: int) -> list[HeldMail]:
    query = (client.collection(HELD_MAIL)
             .order_by("received_at", direction=firestore.Query.DESCENDING).limit(limit))
    return [records.held_from_record(s.to_dict()) for s in query.stream()]
