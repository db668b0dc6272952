"""Firestore registration that loses a mail key to another writer between its read and its
commit: the caller learns `MailAlreadyRecorded` (a duplicate), never a bare API error, and
nothing of the case is written."""
from __future__ import annotations

import pytest
from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.transaction import Transaction

from shared.adapters import firestore_inbound_mail, records
from shared.domain.errors import CaseNumberTaken, MailAlreadyRecorded
from tests.conftest import START
from tests.support.builders import a_case, an_identity, an_outbox_message, unique_number


def rival(store) -> firestore.Client:
    """Another instance's client: its writes are no part of the registration's transaction."""
    return firestore.Client(project=store.client.project)


def take_key(store, key: str) -> None:
    """Another instance holds the same message meanwhile."""
    rival(store).collection("mail_index").document(key).create(
        firestore_inbound_mail.entry(held_id="h1"))


def register(store, number: str, key: str) -> None:
    store.register(a_case(number, START), an_identity(number), [an_outbox_message(number, START)],
                   mail_keys=[key])


def assert_nothing_written(store, number: str, key: str) -> None:
    assert store.get_case(number) is None and store.get_identity(number) is None
    assert store.find_mail(key).held_id == "h1"


def test_a_key_taken_after_the_read_aborts_and_the_retry_finds_it(firestore_store, monkeypatch):
    number, key = unique_number(), f"mid:<{unique_number()}@qq.com>"
    checked = firestore_inbound_mail.ensure_free

    def taken_after_the_check(keys, snapshots):
        checked(keys, snapshots)
        if not snapshots[0].exists:
            take_key(firestore_store, key)

    monkeypatch.setattr(firestore_inbound_mail, "ensure_free", taken_after_the_check)
    with pytest.raises(MailAlreadyRecorded):
        register(firestore_store, number, key)
    assert_nothing_written(firestore_store, number, key)


@pytest.fixture
def commit_answers_already_exists(monkeypatch):
    """Firestore answers a create whose document appeared meanwhile with ALREADY_EXISTS; the
    emulator aborts the transaction instead (its retry then sees the key), so that answer is
    injected: `before` runs, then the first commit fails as Firestore would."""
    def install(before):
        real_commit = Transaction._commit
        calls = []

        def commit(transaction):
            if not calls:
                calls.append(1)
                before()
                raise gexc.AlreadyExists("Document already exists")
            return real_commit(transaction)

        monkeypatch.setattr(Transaction, "_commit", commit)
    return install


def test_an_already_exists_answer_for_a_mail_key_is_mail_already_recorded(
        firestore_store, commit_answers_already_exists):
    number, key = unique_number(), f"mid:<{unique_number()}@qq.com>"
    commit_answers_already_exists(lambda: take_key(firestore_store, key))
    with pytest.raises(MailAlreadyRecorded) as refused:
        register(firestore_store, number, key)
    assert refused.value.args[0] == key
    assert_nothing_written(firestore_store, number, key)


def test_an_already_exists_answer_for_the_number_is_case_number_taken(
        firestore_store, commit_answers_already_exists):
    number, key = unique_number(), f"mid:<{unique_number()}@qq.com>"
    other = records.case_to_record(a_case(number, START, access_code_hash="f" * 64))
    commit_answers_already_exists(
        lambda: rival(firestore_store).collection("cases").document(number).create(other))
    with pytest.raises(CaseNumberTaken):
        register(firestore_store, number, key)
    assert firestore_store.find_mail(key) is None
