"""Staff sessions as stored documents, the same shape in both stores (never the token)."""
from __future__ import annotations

from shared.domain.sessions import Session

from . import records


def session_to_record(session: Session) -> dict:
    return {"token_hash": session.token_hash, "staff_id": session.staff_id,
            "created_at": records.time_text(session.created_at),
            "expires_at": records.time_text(session.expires_at), "client": session.client}


def session_from_record(record: dict) -> Session:
    return Session(token_hash=record["token_hash"], staff_id=record["staff_id"],
                   created_at=records.parse_time(record["created_at"]),
                   expires_at=records.parse_time(record["expires_at"]), client=record["client"])
