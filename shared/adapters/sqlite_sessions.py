"""Staff sessions in the SQLite store: the `staff_sessions` table (migration 4), one row per
session keyed by the SHA-256 of its token. Mixed into `SqliteCaseStore`, whose transactions and
operation count it uses."""
from __future__ import annotations

from shared.domain.sessions import Session

from . import records
from .session_records import session_from_record, session_to_record
from .sqlite_schema import dump


class SqliteSessions:
    """The SessionStore port's methods of SqliteCaseStore."""

    def put_session(self, session: Session) -> None:
        with self._transaction() as db:
            self.operations += 2
            db.execute("INSERT INTO staff_sessions (token_hash, staff_id, expires_at, doc) "
                       "VALUES (?, ?, ?, ?)", (session.token_hash, session.staff_id,
                                               records.time_text(session.expires_at),
                                               dump(session_to_record(session))))
            # Expired sessions identify nobody: each sign-in sweeps them away, so the table holds
            # the live ones only (Firestore's TTL policy does this in the cloud).
            db.execute("DELETE FROM staff_sessions WHERE expires_at <= ?",
                       (records.time_text(session.created_at),))

    def session(self, token_hash: str) -> Session | None:
        record = self._read("staff_sessions", "token_hash", token_hash)
        return session_from_record(record) if record else None

    def delete_session(self, token_hash: str) -> None:
        with self._transaction() as db:
            self.operations += 1
            db.execute("DELETE FROM staff_sessions WHERE token_hash = ?", (token_hash,))
