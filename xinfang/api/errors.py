"""Maps validation errors to one message per field, in the user's language."""

from __future__ import annotations

FIELD_NAMES = {
    "content_type": "内容类别",
    "title": "标题",
    "body": "内容",
    "category": "内容分类",
    "division_code": "发生地",
    "address": "详细地址",
    "petitioner": "信访人",
    "name": "姓名",
    "phone": "联系电话",
    "id_number": "身份证号码",
    "public_consent": "同意公开",
    "rating": "评价",
    "comment": "评价意见",
    "reasons": "理由",
}

MESSAGES = {
    "missing": "此项为必填项",
    "literal_error": "取值无效，请从给定选项中选择",
    "enum": "取值无效，请从给定选项中选择",
    "string_type": "应为文本",
    "bool_type": "应为是或否",
    "bool_parsing": "应为是或否",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "date_from_datetime_parsing": "日期格式应为YYYY-MM-DD",
    "date_parsing": "日期格式应为YYYY-MM-DD",
    "date_type": "日期格式应为YYYY-MM-DD",
    "string_too_long": "内容过长",
    "json_invalid": "请求内容不是有效的JSON",
    "model_attributes_type": "格式不正确",
    "dict_type": "格式不正确",
}


def field_errors(errors: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        # ("body", "payload", "title") → "title": drop where the value came from.
        if loc and loc[0] in ("body", "query", "header", "path", "cookie", "form"):
            loc = loc[1:]
        if loc and loc[0] in ("payload", "filters"):
            loc = loc[1:]
        name = ".".join(loc) or "request"
        out.setdefault(name, []).append(MESSAGES.get(err.get("type", ""), "填写有误"))
    return out
