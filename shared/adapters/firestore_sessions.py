"""Staff sessions in the Firestore store: `staff_sessions/{SHA-256 of the token}`, read and
deleted by id (no query, no index). `expires_at` is a timestamp under a TTL policy
(infra/firestore.tf), so Firestore deletes expired sessions; until it does, the sign-in service
refuses them by their time. Mixed into `FirestoreCaseStore`, whose client and operation count it
uses."""
from __future__ import annotations

from shared.domain.sessions import Session

from . import records
from .session_records import session_from_record, session_to_record

STAFF_SESSIONS = "staff_sessions"


class FirestoreSessions:
    """The SessionStore port's methods of FirestoreCaseStore."""

    def put_session(self, session: Session) -> None:
        self.operations += 1
        # `expires_at` as a timestamp, not text: the TTL policy acts on timestamps only.
        record = {**session_to_record(session), "expires_at": session.expires_at}
        self.client.collection(STAFF_SESSIONS).document(session.token_hash).set(record)

    def session(self, token_hash: str) -> Session | None:
        self.operations += 1
        snapshot = self.client.collection(STAFF_SESSIONS).document(token_hash).get()
        if not snapshot.exists:
            return None
        record = snapshot.to_dict()
        record["expires_at"] = records.time_text(record["expires_at"])
        return session_from_record(record)

    def delete_session(self, token_hash: str) -> None:
        self.operations += 1
        self.client.collection(STAFF_SESSIONS).document(token_hash).delete()
