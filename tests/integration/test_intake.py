"""Intake as a service: numbers that collide are redrawn; a failed registration leaves nothing."""
from __future__ import annotations

import pytest

from shared.domain.cases import Kind
from shared.services import registration as registration_module
from shared.services.attachments import UploadedFile
from shared.services.submissions import SubmitCase
from tests.integration.test_web_form import PNG


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
    assert registered.review_due_at - registered.received_at == app.settings.initial_review
    assert registered.received_at == clock.now()
