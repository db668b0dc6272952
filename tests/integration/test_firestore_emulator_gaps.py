"""The local Firestore emulator (tools/firestore-emulator) closes the gaps of
@firestore-emulator/server 0.3.15 that the app depends on: transactions that
really isolate, create()/update() preconditions, and the outbox-style query."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from tests.support.firestore_emulator import running_firestore_emulator

pytestmark = [pytest.mark.firestore]


@pytest.fixture(scope="module")
def db():
    with running_firestore_emulator() as host_port, pytest.MonkeyPatch.context() as mp:
        mp.setenv("FIRESTORE_EMULATOR_HOST", host_port)
        client = firestore.Client(project="demo-emulator-gaps")
        yield client
        client.close()


@pytest.fixture
def col(db):
    """A fresh collection per test (the emulator is shared by the module)."""
    return db.collection(f"t-{uuid.uuid4().hex[:10]}")


def test_concurrent_transactional_increments_do_not_lose_updates(db, col):
    ref = col.document("counter")
    ref.set({"n": 0})
    attempts = []
    errors = []

    def worker():
        for _ in range(50):
            tries = 0

            @firestore.transactional
            def increment(tx):
                nonlocal tries
                tries += 1
                snap = ref.get(transaction=tx)
                tx.update(ref, {"n": snap.get("n") + 1})

            try:
                increment(db.transaction())
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            attempts.append(tries)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert ref.get().get("n") == 100
    assert len(attempts) == 100  # retries (ABORTED) happen, but every one commits


def test_transaction_aborts_when_a_read_document_changes_outside(db, col):
    ref = col.document("d")
    ref.set({"n": 1})

    @firestore.transactional
    def bump(tx):
        snap = ref.get(transaction=tx)
        ref.set({"n": 100})  # a concurrent, non-transactional write
        tx.update(ref, {"n": snap.get("n") + 1})

    with pytest.raises(ValueError) as info:  # "failed after 1 attempt(s)"
        bump(db.transaction(max_attempts=1))
    assert isinstance(info.value.__cause__, gexc.Aborted)
    assert ref.get().get("n") == 100


def test_rollback_discards_writes_and_releases_the_document(db, col):
    ref = col.document("d")
    ref.set({"n": 1})

    @firestore.transactional
    def failing(tx):
        ref.get(transaction=tx)
        tx.update(ref, {"n": -1})
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing(db.transaction())

    @firestore.transactional
    def bump(tx):
        tx.update(ref, {"n": ref.get(transaction=tx).get("n") + 1})

    bump(db.transaction(max_attempts=1))
    assert ref.get().get("n") == 2


def test_create_on_existing_document_conflicts(db, col):
    ref = col.document("d")
    ref.create({"n": 1})
    with pytest.raises(gexc.Conflict):  # AlreadyExists is a subclass of Conflict
        ref.create({"n": 2})
    assert ref.get().get("n") == 1


def test_transactional_create_on_existing_document_conflicts(db, col):
    ref = col.document("d")
    ref.set({"n": 1})

    @firestore.transactional
    def create(tx):
        tx.create(ref, {"n": 2})

    with pytest.raises(gexc.Conflict):
        create(db.transaction())
    assert ref.get().get("n") == 1


def test_update_on_missing_document_is_not_found(db, col):
    with pytest.raises(gexc.NotFound):
        col.document("missing").update({"n": 1})
    assert not col.document("missing").get().exists


def test_batch_is_all_or_nothing(db, col):
    batch = db.batch()
    batch.set(col.document("a"), {"n": 1})
    batch.update(col.document("missing"), {"n": 2})
    with pytest.raises(gexc.NotFound):
        batch.commit()
    assert not col.document("a").get().exists


def test_due_pending_query_filters_orders_and_limits(db, col):
    base = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    rows = {
        "a": ("pending", 5),
        "b": ("pending", 1),
        "c": ("sent", 0),
        "d": ("pending", 3),
        "e": ("pending", 20),  # not due yet
        "f": ("failed", 2),
        "g": ("pending", 2),
    }
    for doc_id, (status, minutes) in rows.items():
        col.document(doc_id).set(
            {"status": status, "next_attempt_at": base + datetime.timedelta(minutes=minutes)}
        )
    now = base + datetime.timedelta(minutes=10)

    def due(limit):
        query = (
            col.where(filter=FieldFilter("status", "==", "pending"))
            .where(filter=FieldFilter("next_attempt_at", "<=", now))
            .order_by("next_attempt_at")
            .limit(limit)
        )
        return [snap.id for snap in query.stream()]

    assert due(3) == ["b", "g", "d"]
    assert due(10) == ["b", "g", "d", "a"]


def test_several_transforms_in_one_write_are_all_applied(db, col):
    ref = col.document("d")
    ref.set({"n": 1})
    ref.update(
        {
            "at": firestore.SERVER_TIMESTAMP,
            "n": firestore.Increment(1),
            "tags": firestore.ArrayUnion(["x"]),
        }
    )
    data = ref.get().to_dict()
    assert isinstance(data["at"], datetime.datetime)
    assert data["n"] == 2
    assert data["tags"] == ["x"]


# -- Document size: Firestore refuses a document over 1 MiB; so does the launcher -----------------

MAX_DOCUMENT = 1_048_576


def text_filling(col, document_id: str, field: str = "s", extra: int = 0) -> str:
    """A string that makes {field: it} in col/document_id exactly MAX_DOCUMENT + extra bytes:
    the name (each id's UTF-8 bytes + 1, plus 16), the field name (+1), the value (+1), plus 32."""
    name = len(col.id) + 1 + len(document_id) + 1 + 16
    return "x" * (MAX_DOCUMENT + extra - name - (len(field) + 1) - 1 - 32)


def test_a_document_of_exactly_one_mib_is_written(col):
    ref = col.document("big")
    ref.set({"s": text_filling(col, "big")})
    assert len(ref.get().get("s")) > 1_048_000


@pytest.mark.parametrize("write", ["set", "create", "batch", "transaction"])
def test_a_document_over_one_mib_is_refused_and_nothing_is_written(db, col, write):
    ref, other = col.document("big"), col.document("other")
    too_big = {"s": text_filling(col, "big", extra=1)}
    with pytest.raises(gexc.InvalidArgument, match="maximum of 1048576 bytes"):
        if write in ("set", "create"):
            getattr(ref, write)(too_big)
        elif write == "batch":
            batch = db.batch()
            batch.set(other, {"n": 1})
            batch.set(ref, too_big)
            batch.commit()
        else:
            @firestore.transactional
            def put(tx):
                other.get(transaction=tx)
                tx.set(other, {"n": 1})
                tx.set(ref, too_big)
            put(db.transaction())
    assert not ref.get().exists and not other.get().exists


def test_an_update_that_grows_a_document_past_one_mib_is_refused(col):
    ref = col.document("grows")
    half = "y" * 600_000
    ref.set({"a": half})
    with pytest.raises(gexc.InvalidArgument):
        ref.update({"b": half})
    with pytest.raises(gexc.InvalidArgument):
        ref.set({"b": half}, merge=True)
    assert ref.get().to_dict() == {"a": half}


def test_sizes_count_utf8_bytes_nested_values_and_every_id_in_the_path(col):
    nested = col.document("case").collection("events").document("00000001")
    # a CJK character is 3 bytes: 350 000 of them (1 050 000 bytes) in a map in an array
    with pytest.raises(gexc.InvalidArgument):
        nested.set({"list": [{"text": "王" * 350_000}]})
    nested.set({"list": [{"text": "王" * 349_000}]})


def test_a_set_without_merge_replaces_the_document_and_with_merge_keeps_it(db, col):
    ref = col.document("doc")
    ref.set({"a": 1, "b": 2})
    ref.set({"a": 3})
    assert ref.get().to_dict() == {"a": 3}
    ref.set({"c": 4}, merge=True)
    assert ref.get().to_dict() == {"a": 3, "c": 4}

    @firestore.transactional
    def rewrite(tx):
        ref.get(transaction=tx)
        tx.set(ref, {"d": 5})
    rewrite(db.transaction())
    assert ref.get().to_dict() == {"d": 5}


def test_a_commit_of_more_than_500_writes_is_refused_and_writes_nothing(db, col):
    # Firestore refuses a batch or transaction of more than 500 writes; the test emulator must too,
    # or a change that would fail in production passes the tests.
    full = db.batch()
    for i in range(500):
        full.set(col.document(f"ok-{i:03d}"), {"i": i})
    full.commit()
    over = db.batch()
    for i in range(501):
        over.set(col.document(f"over-{i:03d}"), {"i": i})
    with pytest.raises(gexc.InvalidArgument):
        over.commit()
    assert not col.document("over-000").get().exists
    assert col.document("ok-499").get().exists
