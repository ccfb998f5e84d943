"""The kinds of template an authority may replace: what each may contain (placeholders,
template-row fields, loop variables, described in Vietnamese for the admin page) and the check of
an uploaded template against its kind."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Mapping

from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaTemplateError, TemplateSyntaxError, meta

from workflows.messages import Msg, message_of

from .docx_jinja import _jinja_env, _jinja_message
from .docx_xml import TemplateError, _extract_rows, _is_docx


# --------------------------------------------------------------------------- specs, validation


@dataclass(frozen=True)
class TemplateSpec:
    """What a template kind may contain: placeholders and row-template fields."""

    name: str
    label: str
    placeholders: Mapping[str, str]
    row_fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    required_rows: tuple[str, ...] = ()
    loop_variables: Mapping[str, str] = field(default_factory=dict)


_DECISION_LIKE = {
    "authority_parent": Msg("Tên cơ quan chủ quản (nếu có, chữ in hoa, không đậm), kèm xuống dòng"),
    "authority_name": Msg("Tên cơ quan ban hành, chữ in hoa (nhiều dòng), ví dụ ỦY BAN NHÂN DÂN / TỈNH NINH BÌNH"),
    "doc_number": Msg("Số và ký hiệu văn bản, ví dụ 05/QĐ-UBND (để trống số khi là dự thảo)"),
    "place_date": Msg("Địa danh và ngày tháng, ví dụ Ninh Bình, ngày 05 tháng 02 năm 2027"),
    "date_text": Msg("Ngày ban hành, ví dụ ngày 05 tháng 02 năm 2027"),
    "year": Msg("Năm ban hành"),
    "title_line": Msg("Trích yếu, ví dụ Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
    "signer_title": Msg("Quyền hạn, chức vụ người ký (CHỦ TỊCH, hoặc KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)"),
    "signer_name": Msg("Họ và tên người ký"),
    "copy_to": Msg("Danh sách nơi nhận, mỗi dòng một nơi; dùng %(tags)s",
                   tags="{%p for line in copy_to %}- {{ line }}{%p endfor %}"),
    "recipients_phrase": Msg("Số lượng theo loại, ví dụ 05 tập thể, 12 cá nhân và 03 hộ gia đình"),
    "award_name": Msg("Hình thức khen thưởng, ví dụ Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
    "n_collectives": Msg("Số tập thể (hai chữ số, ví dụ 05)"),
    "n_individuals": Msg("Số cá nhân (hai chữ số, ví dụ 12)"),
    "n_households": Msg("Số hộ gia đình (hai chữ số, ví dụ 03)"),
    "annex_title": Msg("Tiêu đề danh sách kèm theo, ví dụ DANH SÁCH"),
    "annex_subtitle": Msg("Dòng mô tả danh sách, ví dụ tập thể, cá nhân, hộ gia đình được tặng Bằng khen …"),
    "annex_reference": Msg("Dòng (Kèm theo … số … ngày …) dưới tiêu đề danh sách"),
}

_ANNEX_ROWS = {
    "group": {"title": Msg("Tên nhóm, ví dụ I. TẬP THỂ (05)")},
    "row": {
        "stt": Msg("Số thứ tự trong nhóm"),
        "name": Msg("Tên tập thể, họ và tên cá nhân (Ông/Bà …), hộ gia đình (Hộ ông/bà …)"),
        "detail": Msg("Chức vụ, đơn vị công tác hoặc địa chỉ"),
        "kind": Msg("Loại: Tập thể, Cá nhân, Hộ gia đình"),
    },
}

TEMPLATE_SPECS: dict[str, TemplateSpec] = {
    "decision": TemplateSpec(
        name="decision",
        label=Msg("Quyết định khen thưởng"),
        placeholders={
            **_DECISION_LIKE,
            "issuer_title": Msg("Thẩm quyền ban hành, ví dụ CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"),
            "legal_basis": Msg("Các dòng căn cứ; dùng %(tags)s",
                               tags="{%p for line in legal_basis %}{{ line }}{%p endfor %}"),
            "proposal_line": Msg("Dòng đề nghị, ví dụ Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số …"),
            "achievement": Msg("Thành tích, ví dụ đã có thành tích xuất sắc trong …"),
            "money_each": Msg("Mức tiền thưởng theo loại, ví dụ mỗi tập thể 7.590.000 đồng, mỗi cá nhân …"),
            "total_amount": Msg("Tổng số tiền thưởng (số), ví dụ 114.240.000"),
            "total_in_words": Msg("Tổng số tiền bằng chữ, ví dụ Một trăm mười bốn triệu … đồng"),
            "fund_source": Msg("Nguồn chi, ví dụ Quỹ thi đua, khen thưởng tỉnh năm 2027"),
            "executors": Msg("Các cơ quan, cá nhân chịu trách nhiệm thi hành (Điều 3)"),
        },
        row_fields=_ANNEX_ROWS,
        required_rows=("row",),
        loop_variables={"line": Msg("Một dòng trong danh sách (căn cứ hoặc nơi nhận)")},
    ),
    "proposal": TemplateSpec(
        name="proposal",
        label=Msg("Tờ trình đề nghị khen thưởng"),
        placeholders={
            **_DECISION_LIKE,
            "addressee": Msg("Nơi gửi, ví dụ Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình"),
            "paragraphs": Msg("Các đoạn nội dung; dùng %(tags)s",
                              tags="{%p for line in paragraphs %}{{ line }}{%p endfor %}"),
        },
        row_fields=_ANNEX_ROWS,
        required_rows=("row",),
        loop_variables={"line": Msg("Một dòng hoặc một đoạn")},
    ),
    "minutes": TemplateSpec(
        name="minutes",
        label=Msg("Biên bản họp Hội đồng Thi đua - Khen thưởng"),
        placeholders={
            "authority_parent": _DECISION_LIKE["authority_parent"],
            "authority_name": Msg("Tên Hội đồng, chữ in hoa, ví dụ HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG / TỈNH NINH BÌNH"),
            "doc_number": Msg("Số và ký hiệu biên bản, ví dụ 03/BB-HĐTĐKT"),
            "place_date": _DECISION_LIKE["place_date"],
            "title_line": Msg("Trích yếu biên bản"),
            "meeting_time": Msg("Thời gian họp"),
            "meeting_place": Msg("Địa điểm họp"),
            "chair": Msg("Người chủ trì"),
            "secretary": Msg("Thư ký"),
            "attendance": Msg("Các dòng thành phần tham dự; dùng %(tags)s", tags="{%p for line in attendance %}"),
            "quorum_text": Msg("Kết luận về số thành viên có mặt (đủ/không đủ điều kiện)"),
            "paragraphs": Msg("Các đoạn nội dung; dùng %(tags)s", tags="{%p for line in paragraphs %}"),
            "vote_rule": Msg("Quy tắc biểu quyết, ví dụ tỷ lệ đồng ý tối thiểu"),
            "conclusion": Msg("Kết luận"),
            "closing": Msg("Dòng kết thúc cuộc họp"),
            "chair_title": Msg("Chức danh chủ trì ký biên bản"),
            "chair_name": Msg("Họ tên chủ trì"),
            "secretary_title": Msg("Chức danh thư ký ký biên bản"),
            "secretary_name": Msg("Họ tên thư ký"),
        },
        row_fields={
            "vote": {
                "stt": Msg("Số thứ tự"),
                "name": Msg("Tên tập thể, cá nhân, hộ gia đình được đề nghị"),
                "form": Msg("Hình thức đề nghị"),
                "agree": Msg("Số phiếu đồng ý"),
                "disagree": Msg("Số phiếu không đồng ý"),
                "percent": Msg("Tỷ lệ đồng ý (%%)"),
                "result": Msg("Kết quả (Đạt/Không đạt)"),
            }
        },
        required_rows=("vote",),
        loop_variables={"line": Msg("Một dòng hoặc một đoạn")},
    ),
}

_CERT_FIELDS = {
    "issuer": Msg("Người/cơ quan tặng, ví dụ CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"),
    "form_title": Msg("Hình thức, ví dụ BẰNG KHEN"),
    "recipient": Msg("Người/tập thể được tặng, ví dụ Ông Nguyễn Văn An"),
    "recipient_detail": Msg("Chức vụ, đơn vị hoặc địa chỉ"),
    "achievement": Msg("Thành tích"),
    "decision_line": Msg("Quyết định số … ngày …"),
    "place_date": Msg("Địa danh, ngày tháng"),
    "signer_title": Msg("Quyền hạn, chức vụ người ký"),
    "signer_name": Msg("Họ tên người ký"),
    "serial": Msg("Số vào sổ (số hiệu bằng)"),
    "verification_code": Msg("Mã xác minh"),
    "verify_url": Msg("Địa chỉ tra cứu xác minh"),
    "qr": Msg("Mã QR dẫn tới địa chỉ xác minh (ảnh)"),
}
TEMPLATE_SPECS["certificate"] = TemplateSpec(
    name="certificate", label=Msg("Bằng khen / Giấy khen (in đầy đủ)"), placeholders=_CERT_FIELDS
)
TEMPLATE_SPECS["certificate_overlay"] = TemplateSpec(
    name="certificate_overlay", label=Msg("Bằng khen / Giấy khen (in lên phôi)"), placeholders=_CERT_FIELDS
)


def _placeholder_list(spec: TemplateSpec) -> list[str]:
    # Each line is a Msg: the Vietnamese "{{ name }} — description" that tr() translates part by
    # part (the field's name stays as it is, the description is a message id).
    row, loop = Msg("(dòng mẫu trong bảng)"), Msg("(biến vòng lặp)")
    out = [Msg.joined([f"{{{{ {k} }}}}", v], " — ") for k, v in spec.placeholders.items()]
    for var, fields in spec.row_fields.items():
        out += [Msg.joined([f"{{{{ {var}.{k} }}}}", Msg.joined([v, row])], " — ") for k, v in fields.items()]
    out += [Msg.joined([f"{{{{ {k} }}}}", Msg.joined([v, loop])], " — ") for k, v in spec.loop_variables.items()]
    return out


#: Template name -> its placeholders, each "{{ name }} — Vietnamese description" (a Msg: show it with tr()).
TEMPLATE_PLACEHOLDERS: dict[str, list[str]] = {
    name: _placeholder_list(spec) for name, spec in TEMPLATE_SPECS.items()
}


def _template_parts(data: bytes) -> list[tuple[str, str]]:
    """(label, xml) of the body, headers and footers, as docxtpl sees them."""
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.init_docx()
    parts = [(Msg("nội dung"), tpl.patch_xml(tpl.get_xml()))]
    for uri, label in ((tpl.HEADER_URI, Msg("đầu trang")), (tpl.FOOTER_URI, Msg("chân trang"))):
        for _rel, part in tpl.get_headers_footers(uri):
            parts.append((label, tpl.patch_xml(tpl.get_part_xml(part))))
    return parts


def _snippet(xml: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    source_lines = xml.splitlines()
    if 0 < lineno <= len(source_lines):
        text = re.sub(r"<[^>]+>", "", source_lines[lineno - 1]).strip()
        return text[:80]
    return ""


def validate_template(name: str, docx_bytes: bytes) -> list[str]:
    """Check an uploaded template of kind ``name``; return Vietnamese error messages.

    Reports: a file that is not a .docx; broken Jinja tags (with the paragraph they
    are in); unknown placeholders and unknown row fields; a missing template row;
    and anything that breaks a trial render with sample data. [] means usable.
    """
    spec = TEMPLATE_SPECS.get(name)
    if spec is None:
        raise ValueError(f"unknown template kind: {name}")
    if not _is_docx(docx_bytes):
        return [Msg("Tệp tải lên không phải là tài liệu Word (.docx) hợp lệ.")]
    errors: list[str] = []
    try:
        parts = _template_parts(docx_bytes)
    except Exception:  # noqa: BLE001 - any parse failure means an unusable file
        return [Msg("Không đọc được tài liệu Word này (tệp hỏng hoặc không đúng định dạng .docx).")]
    env = _jinja_env()
    allowed = set(spec.placeholders) | set(spec.loop_variables) | {"loop"}
    found_rows: set[str] = set()
    for label, xml in parts:
        if label == "nội dung" and spec.row_fields:
            xml, templates, _marker = _extract_rows(xml, spec.row_fields, errors)
            for var, template in templates.items():
                found_rows.add(var)
                for field_name in template.fields:
                    if field_name not in spec.row_fields[var]:
                        errors.append(Msg("Trường {{ %(field)s }} không có trong mẫu “%(template)s”.",
                                          field=f"{var}.{field_name}", template=spec.label))
        numbered = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        try:
            ast = env.parse(numbered)
        except TemplateSyntaxError as exc:
            where = _snippet(numbered, exc.lineno)
            if where:
                errors.append(Msg("Thẻ mẫu bị lỗi cú pháp trong phần %(part)s ở đoạn “%(text)s”: %(error)s.",
                                  part=label, text=where, error=_jinja_message(exc.message)))
            else:
                errors.append(Msg("Thẻ mẫu bị lỗi cú pháp trong phần %(part)s: %(error)s.",
                                  part=label, error=_jinja_message(exc.message)))
            continue
        try:
            undeclared = meta.find_undeclared_variables(ast)
            env.from_string(numbered)
        except JinjaTemplateError as exc:
            errors.append(Msg("Thẻ mẫu không hợp lệ trong phần %(part)s: %(error)s.", part=label,
                              error=_jinja_message(str(exc))))
            continue
        for unknown in sorted(undeclared - allowed):
            if unknown in spec.row_fields:
                errors.append(Msg(
                    "Trường {{ %(var)s.… }} chỉ dùng được trong dòng mẫu của bảng, không dùng trong phần %(part)s.",
                    var=unknown, part=label,
                ))
            else:
                errors.append(Msg("Trường {{ %(field)s }} không có trong mẫu “%(template)s”.",
                                  field=unknown, template=spec.label))
    for var in spec.required_rows:
        if var not in found_rows:
            example = next(iter(spec.row_fields[var]))
            errors.append(Msg("Mẫu thiếu dòng mẫu của bảng (một dòng có các trường như {{ %(field)s }}).",
                              field=f"{var}.{example}"))
    if errors:
        return errors
    try:
        from .samples import sample_render

        output = sample_render(name, docx_bytes)
        from docx import Document

        Document(io.BytesIO(output))
    except TemplateError as exc:
        errors.append(message_of(exc))
    except Exception as exc:  # noqa: BLE001 - report any failure of the trial render
        errors.append(Msg("Không tạo được tài liệu thử từ mẫu: %(error)s", error=str(exc)))
    return errors
