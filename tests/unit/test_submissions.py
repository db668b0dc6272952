import pytest

from shared.domain.cases import Kind
from shared.domain.errors import InvalidSubmission
from shared.services.attachments import UploadedFile, attachment_name, safe_filename, sniff_type
from shared.services.submissions import SubmissionRules, SubmitCase, clean

RULES = SubmissionRules(frozenset({"report"}), False, 5, 1024)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def complaint(**overrides) -> SubmitCase:
    fields = dict(kind="complaint", category="service", subject="订单 123",
                  description="客服三天没有回复", email="alice@example.com")
    fields.update(overrides)
    return SubmitCase(**fields)


def errors_of(command) -> dict:
    with pytest.raises(InvalidSubmission) as caught:
        clean(command, RULES)
    return caught.value.errors


def test_a_good_complaint_is_cleaned_and_normalised():
    result = clean(complaint(phone="138 0013 8000", subject="  订单 123 "), RULES)
    assert result.kind == Kind.COMPLAINT
    assert result.subject == "订单 123"
    assert result.phone == "+8613800138000"


def test_international_phone_numbers_are_accepted():
    assert clean(complaint(phone="+44 20 7946 0958"), RULES).phone == "+442079460958"


def test_every_bad_field_is_named_at_once():
    errors = errors_of(complaint(category="fraud", subject="", description="", email="not-an-email",
                                 phone="12345"))
    assert errors == {"category": "invalid_choice", "subject": "required",
                      "description": "required", "email": "invalid_email",
                      "phone": "invalid_phone"}


def test_a_complaint_needs_a_way_to_reach_the_person():
    assert errors_of(complaint(email="")) == {"email": "contact_required"}


def test_complaints_cannot_be_anonymous_by_default_but_reports_can():
    assert errors_of(complaint(anonymous=True, email="")) == {"anonymous": "not_allowed"}
    report = SubmitCase(kind="report", category="fraud", subject="https://x.example/1",
                        description="冒充客服诈骗", anonymous=True, good_faith=True,
                        name="张三", phone="13800138000")
    result = clean(report, RULES)
    assert result.anonymous and result.name == "" and result.phone == ""


def test_a_report_needs_the_good_faith_statement():
    report = SubmitCase(kind="report", category="harmful_rumours", subject="帖子",
                        description="散布谣言的帖子", email="a@example.com")
    assert errors_of(report) == {"good_faith": "required"}


def test_length_limits():
    assert errors_of(complaint(subject="x" * 501)) == {"subject": "too_long"}
    assert errors_of(complaint(description="太短")) == {"description": "too_short"}


def test_files_are_judged_by_content_not_name():
    assert sniff_type(PNG) == "image/png"
    assert sniff_type(PDF) == "application/pdf"
    assert sniff_type("纯文本证据".encode()) == "text/plain"
    assert sniff_type(b"MZ\x90\x00" + b"\x00" * 60) is None  # a Windows executable
    fake = UploadedFile("photo.png", b"MZ\x90\x00" + b"\x00" * 60)
    assert errors_of(complaint(files=[fake])) == {"files": "file_type_not_allowed"}


def test_file_count_and_size_limits():
    assert errors_of(complaint(files=[UploadedFile("a.png", PNG)] * 6)) == {
        "files": "too_many_files"}
    big = UploadedFile("a.png", PNG + b"\x00" * 2048)
    assert errors_of(complaint(files=[big])) == {"files": "file_too_large"}


def test_file_names_are_sanitised():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\me\\证据 1.png") == "证据 1.png"
    assert safe_filename('a<b>:"c|?*.pdf') == "a_b_c_.pdf"
    assert safe_filename("\x00\x01") == "attachment"
    assert len(safe_filename("长" * 300 + ".jpeg").encode()) <= 100
    assert safe_filename("长" * 300 + ".jpeg").endswith(".jpeg")


def test_text_made_only_of_invisible_characters_is_missing():
    for invisible in ["\u200b\u200c\u200d", "\x00\x00", "\u202e\u2066 ", "\u3000\t\n", "\u3164"]:
        assert errors_of(complaint(subject=invisible)) == {"subject": "required"}, repr(invisible)
    assert clean(complaint(subject="a\x00b"), RULES).subject == "ab"


def test_names_keep_no_direction_controls():
    assert clean(complaint(name="\u202eAlice\u2066"), RULES).name == "Alice"
    # A file name keeps them, written out visibly: staff see that the name was made to mislead.
    assert attachment_name("invoice\u202egnp.exe") == "invoice\\u202egnp.exe"


def test_typed_text_loses_control_characters_and_direction_overrides_but_keeps_lines():
    typed = "发票\u202eexe.txt\x07\x1b[31m\x85\u2066x\u2069\u200e\t1\r\n2"
    result = clean(complaint(subject=typed, description=typed, desired_outcome=typed), RULES)
    assert {result.subject, result.description, result.desired_outcome} == {
        "发票exe.txt[31mx\u200e\t1\n2"}  # the direction marks U+200E/F stay


def test_a_long_name_is_kept_as_data_and_bounded_in_bytes_as_a_key():
    name = "投诉证据截图" * 14 + ".png"  # 84 characters, 256 bytes
    assert attachment_name(name) == name
    key_name = safe_filename(name)
    assert len(key_name.encode()) <= 100 and key_name.endswith(".png")
    assert len(attachment_name("长" * 300 + ".jpeg")) == 255
