"""Staff in the SQLite store: the `staff` table (migration 3), one row per member with its
lower-cased email under a UNIQUE constraint, its password hash and its JSON document. Mixed into
`SqliteCaseStore`, whose transactions and operation count it uses."""
from __future__ import annotations

import json

from shared.domain.staff import StaffEmailTaken, StaffMember, email_key

from .sqlite_schema import dump
from .staff_records import staff_from_record, staff_to_record

# An empty hash keeps the stored one, so a change of roles does not sign anyone out of a password.
_UPSERT = """
INSERT INTO staff (id, email_key, password_hash, doc) VALUES (?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET email_key = excluded.email_key, doc = excluded.doc,
    password_hash = CASE WHEN excluded.password_hash = '' THEN staff.password_hash
                         ELSE excluded.password_hash END
"""


class SqliteStaff:
    """The StaffStore port's methods of SqliteCaseStore."""

    def put_staff(self, member: StaffMember, password_hash: str = "") -> None:
        with self._transaction() as db:
            self.operations += 2
            other = db.execute("SELECT id FROM staff WHERE email_key = ? AND id <> ?",
                               (member.email_key, member.id)).fetchone()
            if other:
                raise StaffEmailTaken(member.email)
            db.execute(_UPSERT, (member.id, member.email_key, password_hash,
                                 dump(staff_to_record(member))))

    def get_staff(self, staff_id: str) -> StaffMember | None:
        return self._staff_where("id", staff_id)

    def staff_by_email(self, email: str) -> StaffMember | None:
        return self._staff_where("email_key", email_key(email))

    def list_staff(self) -> list[StaffMember]:
        self.operations += 1
        rows = self._connection().execute("SELECT doc FROM staff ORDER BY id").fetchall()
        return [staff_from_record(json.loads(doc)) for (doc,) in rows]

    def staff_password_hash(self, staff_id: str) -> str:
        self.operations += 1
        row = self._connection().execute("SELECT password_hash FROM staff WHERE id = ?",
                                         (staff_id,)).fetchone()
        return row[0] if row else ""

    def _staff_where(self, column: str, value: str) -> StaffMember | None:
        record = self._read("staff", column, value)
        return staff_from_record(record) if record else None
