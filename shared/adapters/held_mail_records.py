"""How a held entry becomes a store record and back, for both stores: the message as intake
kept it (`records.held_to_record`), whether it is open, its queue key and, once settled, its
resolution.

The queue key `received_key` is `<received_at>|<id>`: unique, sorting as text, newest last, so the
open queue pages newest first by a `<` filter on it (the cursor is the last entry's key).
"""
from __future__ import annotations

from shared.domain.cases import HeldMail
from shared.domain.held_mail import HeldEntry, HeldMailAction, Resolution

from . import records


def held_key(mail: HeldMail) -> str:
    """The entry's position in the queue, and the cursor of a page that ends with it."""
    return f"{records.time_text(mail.received_at)}|{mail.id}"


def cursor_position(cursor: str) -> tuple[str, str]:
    """(received_at text, id) of a held-mail cursor. ValueError when it is not one."""
    return records.cursor_position(cursor)


def entry_to_record(entry: HeldEntry) -> dict:
    record = {**records.held_to_record(entry.mail), "open": entry.open,
              "received_key": held_key(entry.mail)}
    if entry.resolution is not None:
        record["resolution"] = resolution_to_record(entry.resolution)
    return record


def entry_from_record(record: dict) -> HeldEntry:
    """The entry of a record; one written before held mail could be settled is open."""
    resolution = record.get("resolution")
    return HeldEntry(records.held_from_record(record),
                     resolution_from_record(resolution) if resolution else None)


def resolution_to_record(resolution: Resolution) -> dict:
    return {"action": resolution.action.value, "staff_id": resolution.staff_id,
            "at": records.time_text(resolution.at), "reason": resolution.reason,
            "case_number": resolution.case_number, "client": resolution.client}


def resolution_from_record(record: dict) -> Resolution:
    return Resolution(HeldMailAction(record["action"]), record["staff_id"],
                      records.parse_time(record["at"]), record.get("reason", ""),
                      record.get("case_number", ""), record.get("client", ""))
