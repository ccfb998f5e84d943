"""Built-in templates, placeholder catalogue and validation of uploaded templates."""

from __future__ import annotations

import io
import zipfile

import pytest

from awards.documents import build_templates
from awards.documents.certificates import render_certificates, sample_certificates
from awards.documents.decision import render_decision, sample_decision_data
from awards.documents.docx_render import (
    TEMPLATE_PLACEHOLDERS,
    TEMPLATE_SPECS,
    TemplateError,
    load_template,
    validate_template,
)

from . import find_paragraph, open_docx, xml_part

KINDS = ["decision", "proposal", "minutes", "certificate", "certificate_overlay"]


def patched(name: str, old: str, new: str) -> bytes:
    source = load_template(name)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text, old
                data = text.replace(old, new, 1).encode("utf-8")
            zout.writestr(info, data)
    return out.getvalue()


def test_placeholder_catalogue():
    assert set(TEMPLATE_PLACEHOLDERS) == set(KINDS)
    decision = TEMPLATE_PLACEHOLDERS["decision"]
    assert any(line.startswith("{{ doc_number }} — ") for line in decision)
    assert any(line.startswith("{{ row.name }} — ") for line in decision)
    for lines in TEMPLATE_PLACEHOLDERS.values():
        assert all(" — " in line and line.split(" — ", 1)[1] for line in lines)


@pytest.mark.parametrize("name", KINDS)
def test_builtin_templates_are_valid(name):
    assert validate_template(name, load_template(name)) == []


@pytest.mark.parametrize("name", KINDS)
def test_committed_templates_are_up_to_date(name, tmp_path):
    build_templates.main([str(tmp_path)])
    fresh = (tmp_path / f"{name}.docx").read_bytes()
    committed = load_template(name)
    for part in ("word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels"):
        assert xml_part(fresh, part) == xml_part(committed, part), part


@pytest.mark.parametrize("name", KINDS)
def test_builtin_placeholders_are_declared(name):
    spec = TEMPLATE_SPECS[name]
    xml = xml_part(load_template(name))
    for var, fields in spec.row_fields.items():
        for field in fields:
            if f"{{{{ {var}.{field} }}}}" in xml:
                break
        else:
            pytest.fail(f"no {var}.* row in {name}")


def test_unknown_placeholder():
    errors = validate_template("decision", patched("decision", "{{ doc_number }}", "{{ so_hieu }}"))
    assert errors == ["Trường {{ so_hieu }} không có trong mẫu “Quyết định khen thưởng”."]


def test_broken_tag_names_the_paragraph():
    errors = validate_template("decision", patched("decision", "{{ doc_number }}", "{{ doc_number }"))
    assert len(errors) == 1
    assert errors[0].startswith("Thẻ mẫu bị lỗi cú pháp trong phần nội dung ở đoạn “Số: {{ doc_number }")
    assert "thừa dấu “}”" in errors[0]


def test_unclosed_loop():
    errors = validate_template("decision", patched("decision", "{%p endfor %}", ""))
    assert len(errors) == 1 and "thẻ mở chưa được đóng" in errors[0]


def test_unknown_tag_and_filter():
    errors = validate_template("decision", patched("decision", "{%p endfor %}", "{%p endfr %}"))
    assert "thẻ không xác định “endfr”" in errors[0]
    errors = validate_template("decision", patched("decision", "{{ title_line }}", "{{ title_line|nofilter }}"))
    assert "không có bộ lọc “nofilter”" in errors[0]


def test_row_template_errors():
    errors = validate_template("decision", patched("decision", "{{ row.name }}", "{{ row.ten }}"))
    assert errors == ["Trường {{ row.ten }} không có trong mẫu “Quyết định khen thưởng”."]
    errors = validate_template("decision", patched("decision", "{{ row.name }}", "{{ row.name }} {{ year }}"))
    assert errors and "chỉ được chứa các trường {{ row.… }}" in errors[0]
    errors = validate_template("decision", patched("decision", "{{ title_line }}", "{{ row.name }}"))
    assert "Trường {{ row.name }} phải nằm trong một dòng của bảng." in errors


def test_missing_row_template():
    source = patched("decision", "{{ row.stt }}", "1")
    source_io = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(source_io, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ row.name }}", b"x").replace(b"{{ row.detail }}", b"y")
            zout.writestr(info, data)
    errors = validate_template("decision", source_io.getvalue())
    assert errors == ["Mẫu thiếu dòng mẫu của bảng (một dòng có các trường như {{ row.stt }})."]
    with pytest.raises(TemplateError):
        render_decision(sample_decision_data(1, 1, 1), template_bytes=source_io.getvalue())


def test_wrong_kind_and_garbage():
    errors = validate_template("minutes", load_template("decision"))
    assert "Trường {{ money_each }} không có trong mẫu “Biên bản họp Hội đồng Thi đua - Khen thưởng”." in errors
    assert validate_template("decision", b"not a docx") == [
        "Tệp tải lên không phải là tài liệu Word (.docx) hợp lệ."
    ]
    with pytest.raises(ValueError):
        validate_template("poster", load_template("decision"))
    with pytest.raises(TemplateError):
        render_decision(sample_decision_data(1, 1, 1), template_bytes=b"PK\x03\x04 broken")


def test_runtime_error_is_reported():
    errors = validate_template("decision", patched("decision", "{{ title_line }}", "{{ title_line.foo.bar }}"))
    assert errors and errors[0].startswith("Lỗi khi điền dữ liệu vào mẫu")


def test_restyled_template_renders():
    """An office may change the template's wording and layout; the fast rows follow."""
    source = patched("decision", "Tên tập thể, họ và tên", "Họ và tên / Tên tập thể")
    assert validate_template("decision", source) == []
    document = open_docx(render_decision(sample_decision_data(2, 2, 2), template_bytes=source))
    assert document.tables[-1]._tbl.tr_lst[0].tc_lst[1].xpath("string(.)") == "Họ và tên / Tên tập thể"
    cert = patched("certificate", "Số vào sổ: ", "Số hiệu: ")
    assert validate_template("certificate", cert) == []
    assert find_paragraph(open_docx(render_certificates(sample_certificates(2), template_bytes=cert)), "Số hiệu: ")
