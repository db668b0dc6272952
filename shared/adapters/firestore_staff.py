"""Staff in the Firestore store: `staff/{id}` (the member's document and password hash) and
`staff_emails/{SHA-256 of the lower-cased address}` pointing at the member's id, written in the
same transaction. The pointer makes an address unique (a create-or-check in the transaction) and
finds a member by address with two document reads: no query, so no index. Its id is a hash
because an address may hold characters a document id may not ("/"). Mixed into
`FirestoreCaseStore`, whose client and operation count it uses."""
from __future__ import annotations

import hashlib

from google.cloud import firestore

from shared.domain.staff import StaffEmailTaken, StaffMember, email_key

from .staff_records import staff_from_record, staff_to_record

STAFF = "staff"
STAFF_EMAILS = "staff_emails"
_ATTEMPTS = 30


def _email_id(email: str) -> str:
    return hashlib.sha256(email_key(email).encode()).hexdigest()


class FirestoreStaff:
    """The StaffStore port's methods of FirestoreCaseStore."""

    def put_staff(self, member: StaffMember, password_hash: str = "") -> None:
        staff = self.client.collection(STAFF).document(member.id)
        pointer = self.client.collection(STAFF_EMAILS).document(_email_id(member.email))

        @firestore.transactional
        def run(transaction) -> None:
            self.operations += 2
            stored, owner = (snapshot.to_dict() if snapshot.exists else None for snapshot in
                             (staff.get(transaction=transaction), pointer.get(transaction=transaction)))
            if owner is not None and owner["staff_id"] != member.id:
                raise StaffEmailTaken(member.email)
            record = staff_to_record(member)
            record["password_hash"] = password_hash or (stored or {}).get("password_hash", "")
            if stored and stored["email_key"] != member.email_key:  # the old address is free
                transaction.delete(self.client.collection(STAFF_EMAILS)
                                   .document(_email_id(stored["email_key"])))
                self.operations += 1
            transaction.set(staff, record)
            transaction.set(pointer, {"staff_id": member.id})
            self.operations += 2

        run(self.client.transaction(max_attempts=_ATTEMPTS))

    def get_staff(self, staff_id: str) -> StaffMember | None:
        record = self._staff_record(staff_id)
        return staff_from_record(record) if record else None

    def staff_by_email(self, email: str) -> StaffMember | None:
        self.operations += 1
        pointer = self.client.collection(STAFF_EMAILS).document(_email_id(email)).get()
        return self.get_staff(pointer.get("staff_id")) if pointer.exists else None

    def list_staff(self) -> list[StaffMember]:
        found = [staff_from_record(s.to_dict()) for s in self.client.collection(STAFF).stream()]
        self.operations += max(1, len(found))
        return sorted(found, key=lambda member: member.id)

    def staff_password_hash(self, staff_id: str) -> str:
        record = self._staff_record(staff_id)
        return record.get("password_hash", "") if record else ""

    def _staff_record(self, staff_id: str) -> dict | None:
        self.operations += 1
        snapshot = self.client.collection(STAFF).document(staff_id).get()
        return snapshot.to_dict() if snapshot.exists else None
