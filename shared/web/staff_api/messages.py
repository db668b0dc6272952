"""What the staff API says when it refuses, in Simplified Chinese (the default) and English. An
answer carries the machine-readable code and the message in the person's language; a field code
without a message here is shown as a general refusal naming the code, never as a 500."""
from __future__ import annotations

ERRORS = {
    "zh-CN": {
        "not_signed_in": "请先登录。",
        "sign_in_failed": "邮箱或密码不正确。",
        "not_staff": "您没有本系统的工作人员账号，或账号已停用。",
        "forbidden": "您的角色无权执行此操作。",
        "not_found": "没有找到。",
        "staff_not_found": "没有这位工作人员。",
        "case_not_found": "没有这个案件。",
        "held_mail_not_found": "没有这封暂存邮件。",
        "held_mail_settled": "这封暂存邮件已经处理过了。",
        "method_not_allowed": "此地址不支持该请求方法。",
        "unsupported_media_type": "请求正文必须是 JSON（Content-Type: application/json，UTF-8）。",
        "body_too_large": "请求正文过大。",
        "malformed_json": "请求正文不是有效的 JSON。",
        "not_an_object": "请求正文必须是一个 JSON 对象。",
        "client_gone": "请求没有完整送达。",
        "invalid_command": "请检查标出的字段。",
        "transition_not_allowed": "案件当前的状态不允许此操作。",
        "command_refused": "此操作被拒绝。",
        "conflict": "此操作与现有记录冲突。",
        "staff_id_taken": "已有工作人员使用这个编号。",
        "email_taken": "已有工作人员使用这个邮箱。",
        "last_admin": "不能停用最后一位管理员，也不能取消其管理员角色。",
        "too_many_attempts": "尝试次数过多，请稍后再试。",
        "identity_unavailable": "暂时无法核实身份，请稍后再试。",
        "internal_error": "服务器出错，请稍后再试。",
    },
    "en": {
        "not_signed_in": "Please sign in.",
        "sign_in_failed": "The email address or password is not correct.",
        "not_staff": "You have no staff account here, or it was deactivated.",
        "forbidden": "Your roles do not allow this.",
        "not_found": "Not found.",
        "staff_not_found": "There is no such staff member.",
        "case_not_found": "There is no such case.",
        "held_mail_not_found": "There is no such held message.",
        "held_mail_settled": "This held message was dealt with already.",
        "method_not_allowed": "This address does not accept that request method.",
        "unsupported_media_type": "The request body must be JSON (Content-Type: application/json, "
                                  "UTF-8).",
        "body_too_large": "The request body is too large.",
        "malformed_json": "The request body is not valid JSON.",
        "not_an_object": "The request body must be a JSON object.",
        "client_gone": "The request did not arrive whole.",
        "invalid_command": "Please check the fields marked.",
        "transition_not_allowed": "The case's current status does not allow this.",
        "command_refused": "This was refused.",
        "conflict": "This conflicts with what is recorded.",
        "staff_id_taken": "Another staff member has this id.",
        "email_taken": "Another staff member has this email address.",
        "last_admin": "The last admin can be neither deactivated nor lose the admin role.",
        "too_many_attempts": "Too many attempts. Please try again later.",
        "identity_unavailable": "Your identity cannot be checked just now. Please try again later.",
        "internal_error": "Something went wrong on our side. Please try again later.",
    },
}

FIELDS = {
    "zh-CN": {
        "required": "必填。",
        "wrong_type": "类型不对（例如应为文字、数字、真假值或列表）。",
        "unknown_field": "不认识这个字段。",
        "too_long": "太长了。",
        "too_short": "太短了。",
        "too_many": "条目太多。",
        "invalid": "含有不允许的字符或格式。",
        "invalid_choice": "请从允许的选项中选择。",
        "invalid_email": "邮箱地址无效。",
        "invalid_phone": "电话号码无效。",
        "invalid_staff_id": "编号只能包含字母、数字、点、下划线和连字符（最多 64 个字符）。",
        "unknown_role": "有不存在的角色。",
        "not_allowed": "此处不允许。",
        "unknown": "没有找到。",
        "_other": "该值不被接受（{code}）。",
    },
    "en": {
        "required": "This field is required.",
        "wrong_type": "Wrong type (text, a number, true/false or a list was expected).",
        "unknown_field": "This field is not known.",
        "too_long": "This is too long.",
        "too_short": "This is too short.",
        "too_many": "Too many entries.",
        "invalid": "This holds characters or a form that are not allowed.",
        "invalid_choice": "Choose one of the allowed values.",
        "invalid_email": "This email address is not valid.",
        "invalid_phone": "This phone number is not valid.",
        "invalid_staff_id": "An id holds letters, digits, dots, underscores and hyphens only (at "
                            "most 64).",
        "unknown_role": "A role that does not exist.",
        "not_allowed": "Not allowed here.",
        "unknown": "Not found.",
        "_other": "This value is not accepted ({code}).",
    },
}


def error_message(code: str, lang: str) -> str:
    catalog = ERRORS.get(lang, ERRORS["zh-CN"])
    return catalog.get(code, catalog["command_refused"])


def field_message(code: str, lang: str) -> str:
    catalog = FIELDS.get(lang, FIELDS["zh-CN"])
    return catalog[code] if code in catalog else catalog["_other"].format(code=code)
