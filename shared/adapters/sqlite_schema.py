"""The SQLite store's schema and its forward migrations.

`PRAGMA user_version` is the number of migrations a database file has had. At start every
missing one runs, in order, each in its own `BEGIN IMMEDIATE` transaction that also sets the
version: a migration is applied whole or not at all, and two processes starting on one file at
once apply it once (the second finds the version raised when it gets the write lock).
Migrations are never edited once released; a change of schema is a new one at the end.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from shared.domain.approvals import awaits_approval
from shared.domain.follow_up import task_opened_at
from shared.domain.misuse import hold_pending
from shared.domain.queues import reporter_email_hash, search_terms

from . import records

# 1: the first schema: one JSON document per record, the case's timeline inside its document.
_FIRST_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (number TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reporter_identities (number TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY, case_number TEXT NOT NULL, awaiting INTEGER NOT NULL,
    due_at TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (awaiting, due_at);
CREATE TABLE IF NOT EXISTS mail_index (key TEXT PRIMARY KEY, case_number TEXT NOT NULL,
    held_id TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS held_mail (id TEXT PRIMARY KEY, received_at TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS held_mail_received ON held_mail (received_at);
CREATE TABLE IF NOT EXISTS hit_counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL,
    expires_at TEXT NOT NULL);
"""

# 2: the columns queues filter and order on; events in a table of their own.
CASE_COLUMNS = ("status", "kind", "category", "severity", "channel", "assignee", "department",
                "received_at", "next_due_at", "reporter_email_hash")
_EVENTS = """
CREATE TABLE events (
    case_number TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL,
    actor TEXT NOT NULL, public INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (case_number, seq)) WITHOUT ROWID;
CREATE INDEX events_public ON events (case_number, public, seq);
CREATE INDEX cases_received ON cases (received_at, number);
CREATE INDEX cases_due ON cases (next_due_at, number);
"""


# The filters of migration 2, as they were then: a filter added later brings its column and
# indexes in a migration of its own.
_FIRST_FILTERS = ("status", "kind", "category", "severity", "channel", "assignee", "department",
                  "reporter_email_hash")


def _queue_indexes(filters: tuple[str, ...] = _FIRST_FILTERS) -> str:
    """One index per filter and order: a filtered page is a range scan of one index. (A second
    filter is checked on the rows of the first's index.)"""
    statements = []
    for field in filters:
        statements.append(f"CREATE INDEX cases_{field}_received ON cases "
                          f"({field}, received_at, number);")
        if field != "reporter_email_hash":  # a reporter's cases are listed newest first only
            statements.append(f"CREATE INDEX cases_{field}_due ON cases ({field}, next_due_at, number);")
    return "\n".join(statements)


def _first_schema(db: sqlite3.Connection) -> None:
    _script(db, _FIRST_SCHEMA)


def _events_out_of_cases(db: sqlite3.Connection) -> None:
    """Columns for queues, the events table, and every case's embedded timeline moved into it."""
    for column in CASE_COLUMNS:
        default = "" if column == "next_due_at" else " NOT NULL DEFAULT ''"
        db.execute(f"ALTER TABLE cases ADD COLUMN {column} TEXT{default}")
    _script(db, _EVENTS + _queue_indexes())
    emails = {number: json.loads(doc).get("email", "") for number, doc in
              db.execute("SELECT number, doc FROM reporter_identities")}
    for number, text in db.execute("SELECT number, doc FROM cases").fetchall():
        doc = json.loads(text)
        events = records.legacy_events(doc)
        del doc["timeline"]
        doc.update(event_count=len(events), public_event_count=sum(e.public for e in events),
                   assignee="", department="", next_due_at=doc["review_due_at"])
        db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [event_row(number, e) for e in events])
        case = records.case_from_record(doc)
        db.execute(f"UPDATE cases SET doc = ?, {', '.join(c + ' = ?' for c in CASE_COLUMNS)} "
                   "WHERE number = ?", (dump(doc), *case_columns(case, emails.get(number, "")),
                                        number))


# 3: staff, one per email address in any letter case.
_STAFF = """
CREATE TABLE staff (id TEXT PRIMARY KEY, email_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL DEFAULT '', doc TEXT NOT NULL);
"""


def _staff(db: sqlite3.Connection) -> None:
    _script(db, _STAFF)


# 4: staff sessions of the local sign-in, by the SHA-256 of their token.
_STAFF_SESSIONS = """
CREATE TABLE staff_sessions (token_hash TEXT PRIMARY KEY, staff_id TEXT NOT NULL,
    expires_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
"""


def _staff_sessions(db: sqlite3.Connection) -> None:
    _script(db, _STAFF_SESSIONS)


# 5: held mail leaves the staff queue once opened as a case, attached to one or dismissed.
_HELD_MAIL_OPEN = """
ALTER TABLE held_mail ADD COLUMN open INTEGER NOT NULL DEFAULT 1;
CREATE INDEX held_mail_open ON held_mail (open, received_at, id);
"""


def _held_mail_open(db: sqlite3.Connection) -> None:
    _script(db, _HELD_MAIL_OPEN)


# 6: the subject's search terms, each with the case's receipt time: a word search walks one
# term's rows newest first (the key's order) and joins the cases. Filled for every case here; the
# store keeps it in step in the transaction of each case write. A change to how subjects are cut
# (`search_terms`) needs a migration that fills the table again.
_CASE_TERMS = """
CREATE TABLE case_terms (term TEXT NOT NULL, received_at TEXT NOT NULL, number TEXT NOT NULL,
    PRIMARY KEY (term, received_at, number)) WITHOUT ROWID;
"""
INSERT_TERMS = "INSERT INTO case_terms (term, received_at, number) VALUES (?, ?, ?)"


def _case_terms(db: sqlite3.Connection) -> None:
    _script(db, _CASE_TERMS)
    cases = db.execute("SELECT number, received_at, json_extract(doc, '$.subject') FROM cases")
    for number, received_at, subject in cases:  # a cursor: 100 000 documents need not fit in memory
        db.executemany(INSERT_TERMS, term_rows(number, received_at, subject or ""))


# 7: report marks and rewards (R21): a tally per keyed hash of a reporter's contact (never the
# contact), and the reward ledger, paged newest first by its one text key.
_REPORTER_MARKS = """
CREATE TABLE reporter_marks (key TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE reward_ledger (id TEXT PRIMARY KEY, ledger_key TEXT NOT NULL,
    amount_fen INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX reward_ledger_order ON reward_ledger (ledger_key, amount_fen);
"""


def _reporter_marks(db: sqlite3.Connection) -> None:
    _script(db, _REPORTER_MARKS)


# 8: the follow-up queue (R17): when a case's open follow-up task opened, NULL without one; a
# partial index holds the open tasks only, so the queue costs what it lists.
_FOLLOW_UP = """
ALTER TABLE cases ADD COLUMN follow_up_at TEXT;
CREATE INDEX cases_follow_up ON cases (follow_up_at, number) WHERE follow_up_at IS NOT NULL;
"""


def _follow_up(db: sqlite3.Connection) -> None:
    _script(db, _FOLLOW_UP)
    rows = db.execute("SELECT doc FROM cases "
                      "WHERE json_extract(doc, '$.follow_up.task_open') = 1").fetchall()
    for (text,) in rows:
        case = records.case_from_record(json.loads(text))
        db.execute("UPDATE cases SET follow_up_at = ? WHERE number = ?",
                   (follow_up_column(case), case.number))


# 9: the overdue queue: the deadline the sweep found a case past (`records.overdue_since`), NULL
# when it is not overdue; a partial index holds the overdue cases only. Every write of a case sets
# it from the case, so a command that moves or ends the deadline takes the case out.
_OVERDUE = """
ALTER TABLE cases ADD COLUMN overdue_since TEXT;
CREATE INDEX cases_overdue ON cases (overdue_since, number) WHERE overdue_since IS NOT NULL;
"""


def _overdue(db: sqlite3.Connection) -> None:
    _script(db, _OVERDUE)
    rows = db.execute("SELECT doc FROM cases "
                      "WHERE json_extract(doc, '$.sweep_claims') LIKE '%\"overdue:%'").fetchall()
    for (text,) in rows:
        case = records.case_from_record(json.loads(text))
        db.execute("UPDATE cases SET overdue_since = ? WHERE number = ?",
                   (records.overdue_since(case), case.number))


# 10: the failed-mail list: `failed_key` (`records.failed_key`) on the entries given up on, NULL
# on the others; a partial index holds those only.
_FAILED_MAIL = """
ALTER TABLE outbox ADD COLUMN failed_key TEXT;
CREATE INDEX outbox_failed ON outbox (failed_key) WHERE failed_key IS NOT NULL;
"""


def _failed_mail(db: sqlite3.Connection) -> None:
    _script(db, _FAILED_MAIL)
    rows = db.execute("SELECT doc FROM outbox WHERE awaiting = 0 "
                      "AND json_extract(doc, '$.status') = 'failed'").fetchall()
    for (text,) in rows:
        message = records.outbox_from_record(json.loads(text))
        db.execute("UPDATE outbox SET failed_key = ? WHERE id = ?",
                   (records.failed_key(message), message.id))


# 11: the matter a case is about (R8's count rule, `count_rules.py`): a queue filter, and the
# rule's "cases of this matter received in these 30 days", a range scan of its index.
MATTER_COLUMN = "ALTER TABLE cases ADD COLUMN matter TEXT NOT NULL DEFAULT ''"


def _matters(db: sqlite3.Connection) -> None:
    db.execute(MATTER_COLUMN)
    _script(db, _queue_indexes(("matter",)))
    db.execute("UPDATE cases SET matter = json_extract(doc, '$.matter') "
               "WHERE json_extract(doc, '$.matter') IS NOT NULL")


# 12: the statistics counters (R19, `statistics_counters.py`), one row per day and name, counted
# with an upsert in the transaction that writes the events they come from (`sqlite_statistics`).
def _statistics(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE statistics_counts (day TEXT NOT NULL, name TEXT NOT NULL, "
               "count INTEGER NOT NULL, PRIMARY KEY (day, name)) WITHOUT ROWID")


# 13: major cases disclosed to the public (R22, `disclosures.py`): one row per published
# disclosure, its public record only, paged by the period it was published in.
_DISCLOSURES = """
CREATE TABLE disclosures (number TEXT PRIMARY KEY, published_key TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX disclosures_published ON disclosures (published_key);
"""


def _disclosures(db: sqlite3.Connection) -> None:
    _script(db, _DISCLOSURES)


# 14: the claims of mail sent once per period (the statistics bulletin to leaders): a row per mail
# and period, written in the transaction of the outbox entries it queues.
_MAIL_CLAIMS = """
CREATE TABLE mail_claims (key TEXT PRIMARY KEY, claimed_at TEXT NOT NULL,
    entries INTEGER NOT NULL) WITHOUT ROWID;
"""


def _mail_claims(db: sqlite3.Connection) -> None:
    _script(db, _MAIL_CLAIMS)


# 15: the approvals inbox (R12, R13): when the case was received if an approval waits on it
# (`approvals.awaits_approval`), NULL otherwise; a partial index holds those cases only, so the
# inbox costs what it lists. Every write of a case sets it from the case.
_APPROVALS = """
ALTER TABLE cases ADD COLUMN approval_at TEXT;
CREATE INDEX cases_approval ON cases (approval_at, number) WHERE approval_at IS NOT NULL;
"""


def _approvals(db: sqlite3.Connection) -> None:
    _script(db, _APPROVALS)
    rows = db.execute("SELECT doc FROM cases WHERE status = 'decision_drafted' "
                      "OR json_array_length(json_extract(doc, '$.replies')) > 0 "
                      "OR json_extract(doc, '$.extension.state') = 'requested'").fetchall()
    for (text,) in rows:
        case = records.case_from_record(json.loads(text))
        db.execute("UPDATE cases SET approval_at = ? WHERE number = ?",
                   (approval_column(case), case.number))


# 16: a case's outbox entries (its status page says when a notice to the reporter is delayed).
def _outbox_case(db: sqlite3.Connection) -> None:
    db.execute("CREATE INDEX outbox_case ON outbox (case_number, awaiting)")


# 17: the held queue (R21, `misuse.py`): the end of a hold not released, NULL otherwise; a
# partial index holds those cases only. Every write of a case sets it from the case; no case
# stored before holds existed was held.
_MISUSE_HOLDS = """
ALTER TABLE cases ADD COLUMN held_until TEXT;
CREATE INDEX cases_held ON cases (held_until, number) WHERE held_until IS NOT NULL;
"""


def _misuse_holds(db: sqlite3.Connection) -> None:
    _script(db, _MISUSE_HOLDS)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _first_schema,
    _events_out_of_cases,
    _staff,
    _staff_sessions,
    _held_mail_open,
    _case_terms,
    _reporter_marks,
    _follow_up,
    _overdue,
    _failed_mail,
    _matters,
    _statistics,
    _disclosures,
    _mail_claims,
    _approvals,
    _outbox_case,
    _misuse_holds,
)


def migrate(db: sqlite3.Connection) -> int:
    """Bring the database up to the current schema; return its version."""
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version >= len(MIGRATIONS):
                db.execute("COMMIT")
                return version
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def _script(db: sqlite3.Connection, script: str) -> None:
    """Run each statement on its own (executescript would commit the open transaction)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def case_columns(case, reporter_email: str) -> tuple:
    """The values of CASE_COLUMNS for a case."""
    return (case.status.value, case.kind.value, case.category, case.severity.value,
            case.channel.value, case.assignee, case.department, records.time_text(case.received_at),
            records.time_text(case.next_due_at),
            reporter_email_hash(reporter_email) if reporter_email else "")


def follow_up_column(case) -> str | None:
    """The `follow_up_at` of a case: when its open follow-up task opened; None without one."""
    return records.time_text(task_opened_at(case))


# Columns a case write sets from the case beside CASE_COLUMNS, each for a queue of its own.
DERIVED_COLUMNS = ("follow_up_at", "overdue_since", "matter", "approval_at", "held_until")


def derived_columns(case) -> tuple:
    """The values of DERIVED_COLUMNS for a case."""
    return follow_up_column(case), records.overdue_since(case), case.matter, \
        approval_column(case), records.time_text(hold_pending(case))


def approval_column(case) -> str | None:
    """The `approval_at` of a case: its receipt time while an approval waits on it, else None."""
    return records.time_text(case.received_at) if awaits_approval(case) else None


def term_rows(number: str, received_at: str, subject: str) -> list[tuple[str, str, str]]:
    """The `case_terms` rows of a case: one per search term of its subject."""
    return [(term, received_at, number) for term in search_terms(subject)]


def event_row(number: str, event) -> tuple:
    record = records.event_to_record(event)
    return (number, event.seq, record["type"], record["at"], event.actor, int(event.public),
            dump(record))


def dump(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
