"""Intake and the one registration path as services: numbers that collide are redrawn, limits and
unique keys hold on both stores, and a failed registration leaves nothing, not even a file."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.access_codes import access_code_matches
from shared.domain.cases import Channel, EventType, Kind
from shared.domain.errors import MailAlreadyRecorded, TooManyAttempts
from shared.services import registration as registration_module
from shared.services.attachments import UploadedFile
from shared.services.registration import Acknowledgment, NewCase
from shared.services.submissions import SubmitCase
from tests.integration.test_web_form import PNG
from tests.support.timeline import types_of


def complaint(**overrides):
    fields = dict(kind="complaint", category="service", subject="订单 1",
                  description="客服态度很差，挂断电话。", email="a@example.com")
    fields.update(overrides)
    return SubmitCase(**fields)


def test_a_colliding_case_number_is_redrawn_and_the_old_case_untouched(app, monkeypatch):
    first = app.intake.submit(complaint(subject="the first case"))
    draws = iter([first.number, first.number, "TS-20261128-ZZZZZZ-0"])
    monkeypatch.setattr(registration_module, "new_case_number", lambda kind, day: next(draws))
    second = app.intake.submit(complaint(subject="the second case"))
    assert second.number == "TS-20261128-ZZZZZZ-0"
    assert app.store.get_case(first.number).subject == "the first case"
    assert app.store.get_identity(first.number).email == "a@example.com"
    assert app.store.get_case(second.number).subject == "the second case"


def test_a_store_failure_removes_the_files_already_put(app, monkeypatch, settings):
    def broken_register(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(app.store, "register", broken_register)
    with pytest.raises(OSError):
        app.intake.submit(complaint(files=[UploadedFile("a.png", PNG)]))
    folder = settings.attachment_folder
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_the_receipt_carries_the_review_deadline(app, clock):
    registered = app.intake.submit(complaint())
    assert registered.kind == Kind.COMPLAINT
    assert registered.received_at == clock.now()  # Saturday 20:30 in Beijing
    # Its 24 hours start on Monday 09:00 (R6): due Tuesday 09:00 Beijing, as the receipt says.
    assert registered.review_due_at == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert app.store.get_case(registered.number).review_due_at == registered.review_due_at


# -- the one registration path, on both stores ---------------------------------------------------


@pytest.fixture
def registration(store, tmp_path, clock):
    from shared.adapters.folder_attachments import FolderAttachmentStore
    from shared.services.registration import Registration, RegistrationLimits

    files = FolderAttachmentStore(tmp_path / "registered-files")
    return Registration(store, files, clock, RegistrationLimits(3, 2), timedelta(hours=24),
                        "Asia/Shanghai")


def new_case(**overrides) -> NewCase:
    fields = dict(kind=Kind.REPORT, channel=Channel.EMAIL, category="other", subject="诈骗网站",
                  description="冒充客服的网站", email="victim@example.com")
    fields.update(overrides)
    return NewCase(**fields)


def files_left(tmp_path) -> list:
    return [p for p in (tmp_path / "registered-files").rglob("*") if p.is_file()]


def test_an_address_gets_its_share_of_acknowledgments_and_then_the_case_says_why_not(
        registration, store):
    outcomes = [registration.register(new_case()).acknowledgment for _ in range(3)]
    assert outcomes == [Acknowledgment.QUEUED, Acknowledgment.QUEUED, Acknowledgment.ADDRESS_LIMIT]
    numbers = [r.number for r in (registration.register(new_case(email="")),)]
    assert EventType.ACKNOWLEDGMENT_NOT_POSSIBLE in types_of(store, numbers[0])


def test_a_client_over_its_cases_is_refused_with_the_time_to_wait(registration, store):
    for _ in range(3):
        registration.register(new_case(client="198.51.100.1", email=""))
    with pytest.raises(TooManyAttempts) as refused:
        registration.register(new_case(client="198.51.100.1", email=""))
    assert timedelta(0) < refused.value.retry_after <= timedelta(hours=1)
    registration.register(new_case(client="198.51.100.2", email=""))  # others are not affected


def test_a_forgeable_sender_is_registered_but_not_answered(registration, store):
    registered = registration.register(new_case(sender_verified=False))
    assert registered.acknowledgment == Acknowledgment.UNVERIFIED_SENDER
    assert EventType.ACKNOWLEDGMENT_SKIPPED in types_of(store, registered.number)


def test_a_unique_key_registers_once_and_the_second_leaves_no_file(registration, store, tmp_path):
    first = registration.register(new_case(unique_keys=["<m1@example.com>"],
                                           files=[UploadedFile("a.png", PNG)]))
    with pytest.raises(MailAlreadyRecorded):
        registration.register(new_case(unique_keys=["<m1@example.com>"],
                                       files=[UploadedFile("b.png", PNG)]))
    assert store.find_mail("<m1@example.com>").case_number == first.number
    assert len(files_left(tmp_path)) == 1


def test_the_access_code_may_be_derived_from_the_number(registration, store):
    registered = registration.register(new_case(access_code=lambda number: number[-4:] * 4))
    assert registered.access_code == registered.number[-4:] * 4
    assert access_code_matches(registered.number, registered.access_code,
                               store.get_case(registered.number).access_code_hash)


def test_a_file_that_cannot_be_stored_takes_the_ones_before_it_away(registration, tmp_path,
                                                                     monkeypatch):
    from shared.adapters.folder_attachments import FolderAttachmentStore

    real_put = FolderAttachmentStore.put

    def put(self, key, data, content_type):
        if data == b"second":
            raise OSError("File name too long")
        real_put(self, key, data, content_type)

    monkeypatch.setattr(FolderAttachmentStore, "put", put)
    with pytest.raises(OSError):
        registration.register(new_case(files=[UploadedFile("a.png", PNG),
                                              UploadedFile("b.txt", b"second")]))
    assert files_left(tmp_path) == []
