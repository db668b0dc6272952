"""The load generator's clients: a person filling in the form in a browser (GET the form, keep its
hidden fields — the form token among them — post it back as multipart, as a browser does) and a
person's mail program sending to the report address over SMTP, in UTF-8, in GBK, and labelled
gb2312 while holding GBK-only characters (what Foxmail and old webmail send).

Every submission carries a marker (`LOAD-<run>-F0001`, `…-E0001`) in its subject, so the check
after the run (`bench.load_check`) finds the case each one became. Each client call returns a
`Sent`: what was sent, how long the person waited, and whether the system said yes."""
from __future__ import annotations

import base64
import http.client
import smtplib
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.utils import formataddr, make_msgid
from html.parser import HTMLParser

# Characters outside GB2312 but in GBK: mail labelled gb2312 that holds them is mislabelled.
GBK_ONLY = "朱镕基路店的王喆和李堃"
FORM_TEXT = "我在 11 月 20 日被重复扣费两次，共 199 元，客服答应退款但一直没有到账。"
MAIL_TEXT = f"有人冒充贵平台客服（{GBK_ONLY}），要求转账 3000 元。"
MAIL_FLAVOURS = ("utf-8", "gbk", "gb2312-mislabelled")
MTA_ID = "mx.example.com"  # the operator's MTA, whose verdicts the stack is told to trust


@dataclass(frozen=True)
class Sent:
    channel: str  # form | email
    marker: str
    flavour: str  # the form's kind, or the mail's charset flavour
    expected_text: str  # a phrase the case's description must hold, decoded
    seconds: float  # how long the person waited: the POST, or the SMTP transaction
    accepted: bool
    answer: str  # the HTTP status or the SMTP reply / error, for the report


class _FormFields(HTMLParser):
    """The hidden fields of the form (its token among them) and the first category offered."""

    def __init__(self):
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.category = ""
        self._in_category = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.hidden[attributes["name"]] = attributes.get("value") or ""
        elif tag == "select":
            self._in_category = attributes.get("name") == "category"
        elif tag == "option" and self._in_category and attributes.get("value") and not self.category:
            self.category = attributes["value"]


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser builds it (the form declares that enctype)."""
    boundary = f"----LoadBoundary{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n")
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def post_form(host: str, port: int, marker: str, number: int, timeout: float = 60) -> Sent:
    """GET the form, fill it in, POST it: one complaint. The time is the POST's (the click)."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", "/submit_form?kind=complaint")
        response = connection.getresponse()
        page = response.read().decode()
        if response.status != 200:
            return Sent("form", marker, "complaint", FORM_TEXT, 0.0, False, f"GET {response.status}")
        found = _FormFields()
        found.feed(page)
        fields = {**found.hidden, "category": found.category,
                  "subject": f"重复扣费 {marker}", "description": FORM_TEXT * 2,
                  "desired_outcome": "退款 199 元", "name": "李雷",
                  "email": f"form{number}.{marker.lower()}@example.com", "phone": "13800138000",
                  "good_faith": "yes"}
        body, content_type = multipart(fields)
        started = time.perf_counter()
        connection.request("POST", "/submit_form?kind=complaint&lang=zh-CN", body,
                           {"Content-Type": content_type})
        response = connection.getresponse()
        response.read()
        seconds = time.perf_counter() - started
        return Sent("form", marker, "complaint", FORM_TEXT, seconds, response.status == 303,
                    str(response.status))
    except OSError as failed:
        return Sent("form", marker, "complaint", FORM_TEXT, 0.0, False, repr(failed))
    finally:
        connection.close()


def report_mail(marker: str, number: int, flavour: str, report_address: str) -> tuple[bytes, str]:
    """A report by mail in one of MAIL_FLAVOURS, verified by the operator's MTA; (raw, sender)."""
    sender = f"{number}.{marker.lower()}@qq.com"
    subject = f"举报：{GBK_ONLY} {marker}"
    if flavour == "utf-8":
        message = EmailMessage()
        message.set_content(MAIL_TEXT)
        message["Subject"] = subject
    else:  # GBK bytes, labelled gbk, or labelled gb2312 though GB2312 lacks some characters
        label = "gbk" if flavour == "gbk" else "gb2312"
        message = Message()
        message["MIME-Version"] = "1.0"
        message["Content-Type"] = f'text/plain; charset="{label}"'
        message["Content-Transfer-Encoding"] = "base64"
        message.set_payload(base64.encodebytes(MAIL_TEXT.encode("gbk")).decode())
        message["Subject"] = _encoded_word(subject, label)
    message["From"] = formataddr(("小王", sender), "utf-8" if flavour == "utf-8" else "gbk")
    message["To"] = report_address
    message["Message-ID"] = make_msgid(domain="qq.com")
    message["Authentication-Results"] = (f"{MTA_ID}; spf=pass smtp.mailfrom=qq.com; "
                                         "dkim=pass header.d=qq.com; dmarc=pass")
    return message.as_bytes(), sender


def _encoded_word(text: str, label: str) -> str:
    """An RFC 2047 word of GBK bytes under `label` (gb2312: Foxmail's old, lying habit)."""
    return f"=?{label}?B?{base64.b64encode(text.encode('gbk')).decode()}?="


def send_mail(host: str, port: int, marker: str, number: int, flavour: str,
              report_address: str, timeout: float = 60) -> Sent:
    """One report by mail over SMTP; the time is the whole SMTP transaction (what the sender's
    server waits: the report address answers 250 once the case is stored)."""
    raw, sender = report_mail(marker, number, flavour, report_address)
    started = time.perf_counter()
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            smtp.sendmail(sender, [report_address], raw)
        return Sent("email", marker, flavour, MAIL_TEXT, time.perf_counter() - started, True, "250")
    except (OSError, smtplib.SMTPException) as failed:
        return Sent("email", marker, flavour, MAIL_TEXT, time.perf_counter() - started, False,
                    repr(failed)[:200])
