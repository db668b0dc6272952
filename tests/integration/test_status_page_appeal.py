"""The appeal on the status page (R16), through the real `case_status` function, in Chinese and
English: the form only while the person may appeal; lodged, the page says so and shows their
words; refused, it says why and the day the window closed, and nothing changes; a refused text
stays in the box."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared import bootstrap
from shared.domain.cases import Status
from tests.integration.test_status_page import file_case, look_up
from tests.support.closed_cases import close

REASONS = "商家至今没有退款，处理结果与事实不符。"
WORDS = {
    "zh-CN": {"form": "申请复核", "lodged": "您的复核申请已登记", "ended": "申请复核的期限已于",
              "again": "您的复核申请已经登记", "required": "此项必填。"},
    "en": {"form": "Ask for a review", "lodged": "Your appeal was registered",
           "ended": "The time to ask for a review ended on",
           "again": "Your appeal is registered and being reviewed already",
           "required": "This field is required."},
}


def closed_case(client, window: timedelta) -> tuple[str, str, str]:
    """A case filed on the form and closed; (number, code, the window's last day, local)."""
    number, code = file_case(client)
    app = bootstrap.services()
    now = app.clock.now()
    close(app.store, number, now - timedelta(days=1), now + window)
    day = app.renderer.local_time(app.store.get_case(number).appeal_until)[:10]
    return number, code, day


def appeal(client, number, code, text, lang):
    return client.post(f"/?lang={lang}", data={"action": "appeal", "number": number,
                                               "code": code, "text": text},
                       headers={"X-Forwarded-For": "203.0.113.7"})


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_person_appeals_on_the_status_page(function_client, lang):
    number, code, day = closed_case(function_client, timedelta(days=30))
    page = function_client("case_status")
    shown = look_up(page, number, code, lang=lang).get_data(as_text=True)
    assert 'id="appeal-text"' in shown and WORDS[lang]["form"] in shown and day in shown
    lodged = appeal(page, number, code, REASONS, lang)
    html = lodged.get_data(as_text=True)
    assert lodged.status_code == 200 and WORDS[lang]["lodged"] in html
    assert REASONS in html and 'id="appeal-text"' not in html  # on the timeline, no form
    assert bootstrap.services().store.get_case(number).status == Status.APPEALED
    again = appeal(page, number, code, "再申请一次", lang)
    assert again.status_code == 409 and WORDS[lang]["again"] in again.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_after_the_window_the_page_says_when_it_closed_and_refuses(function_client, lang):
    number, code, day = closed_case(function_client, -timedelta(seconds=1))
    page = function_client("case_status")
    shown = look_up(page, number, code, lang=lang).get_data(as_text=True)
    assert 'id="appeal-text"' not in shown
    assert WORDS[lang]["ended"] in shown and day in shown
    store = bootstrap.services().store
    before = store.get_case(number)
    refused = appeal(page, number, code, REASONS, lang)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and 'id="appeal-refused"' in html
    assert WORDS[lang]["ended"] in html and day in html
    after = store.get_case(number)
    assert (after.status, after.event_count) == (Status.CLOSED, before.event_count)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_refused_text_stays_in_the_box(function_client, lang):
    number, code, _ = closed_case(function_client, timedelta(days=30))
    page = function_client("case_status")
    typed = "商家不退款。" * 2000  # 12 000 characters: over the limit
    refused = appeal(page, number, code, typed, lang)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and typed in html and 'aria-invalid="true"' in html
    empty = appeal(page, number, code, "  ", lang)
    assert empty.status_code == 422 and WORDS[lang]["required"] in empty.get_data(as_text=True)
    assert bootstrap.services().store.get_case(number).status == Status.CLOSED


def test_a_wrong_code_or_another_case_appeals_nothing(function_client):
    number, code, _ = closed_case(function_client, timedelta(days=30))
    other, other_code, _ = closed_case(function_client, timedelta(days=30))
    page = function_client("case_status")
    for target, given in ((number, "AAAA-BBBB-CCCC-DDDD"), (number, other_code), (other, code)):
        refused = appeal(page, target, given, REASONS, "zh-CN")
        assert refused.status_code == 404 and REASONS not in refused.get_data(as_text=True)
    store = bootstrap.services().store
    assert {store.get_case(n).status for n in (number, other)} == {Status.CLOSED}
