"""Administration forms. Text input is stripped and NFC-normalised (``clean``); every length limit
matches its column; every message is Vietnamese and says what to fix."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, Length, NumberRange, Optional, Regexp, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, DateInput, DateTimeLocalInput, ListWidget, NumberInput, TextInput

from ..models import (
    RECIPIENT_KIND_LABELS,
    ROLE_LABELS,
    ROUND_KIND_LABELS,
    UNIT_KIND_LABELS,
    CalendarDayKind,
    RecipientKind,
    Role,
    RoundKind,
)
from ..models.movements import ROUND_STATUS_LABELS, RoundStatus

# -- filters and validators ------------------------------------------------------------------------


def clean(value):
    """Strip and NFC-normalise text input (Vietnamese typed with combining marks becomes precomposed)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    return value


def clean_or_none(value):
    value = clean(value)
    return value or None


def nfc(value: str | None) -> str | None:
    """For values coming from outside a form field (e.g. the quota table)."""
    return clean(value) if value is not None else None


class Required:
    """Like DataRequired, but keeps a parse error (bad date, bad number) as the only message."""

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.process_errors:
            raise StopValidation()
        if field.data is None or (isinstance(field.data, str) and not field.data) or field.data == []:
            field.errors[:] = []
            raise StopValidation(self.message)


def Max(n: int) -> Length:  # noqa: N802 - reads like a validator class
    return Length(max=n, message=_l("Tối đa %(max)s ký tự (hiện có %(length)s ký tự); vui lòng rút gọn."))


# -- fields with Vietnamese parse errors -----------------------------------------------------------


class DateVNField(Field):
    """A date typed as YYYY-MM-DD (the browser's date input) or DD/MM/YYYY. 31/02 is refused."""

    widget = DateInput()
    FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "") or ""
        text = text.strip()
        if not text:
            return
        for fmt in self.FORMATS:
            try:
                self.data = datetime.strptime(text, fmt).date()
                return
            except ValueError:
                continue
        raise ValueError(gettext("Ngày «%(text)s» không hợp lệ hoặc không tồn tại; nhập ngày có thật, "
                                 "dạng ngày/tháng/năm.", text=text))


class LocalDateTimeField(Field):
    """A local time in the office's time zone (Asia/Ho_Chi_Minh); ``data`` is an aware UTC datetime."""

    widget = DateTimeLocalInput()
    FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")

    @staticmethod
    def _zone() -> ZoneInfo:
        return ZoneInfo(current_app.config["TIMEZONE"])

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, datetime):
            return self.data.astimezone(self._zone()).strftime("%Y-%m-%dT%H:%M")
        return ""

    def process_formdata(self, valuelist):
        self.data = None
        text = ((valuelist[0] if valuelist else "") or "").strip()
        if not text:
            return
        for fmt in self.FORMATS:
            try:
                naive = datetime.strptime(text, fmt)
            except ValueError:
                continue
            self.data = naive.replace(tzinfo=self._zone()).astimezone(timezone.utc)
            return
        raise ValueError(gettext("Thời điểm «%(text)s» không hợp lệ; nhập ngày có thật và giờ:phút.", text=text))


class IntVNField(Field):
    widget = NumberInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return str(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = ((valuelist[0] if valuelist else "") or "").strip().replace(".", "").replace(" ", "")
        if not text:
            return
        try:
            self.data = int(text)
        except ValueError:
            raise ValueError(_l("Vui lòng nhập một số nguyên (chỉ gồm chữ số).")) from None


class DecimalVNField(Field):
    """A decimal number; a comma is accepted as the decimal mark (1,5)."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format(Decimal(self.data).normalize(), "f")

    def process_formdata(self, valuelist):
        self.data = None
        text = ((valuelist[0] if valuelist else "") or "").strip().replace(",", ".")
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(_l("Vui lòng nhập một số, ví dụ 1,5.")) from None
        if not value.is_finite():
            raise ValueError(_l("Vui lòng nhập một số, ví dụ 1,5."))
        self.data = value


def to_choices(pairs):
    """(value, label) pairs as WTForms SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    if pairs is None or callable(pairs):
        return pairs
    return [p if isinstance(p, SelectChoice) else SelectChoice(p[0], p[1]) for p in pairs]


class _ChoicesMixin:
    """Accept (value, label) tuples for ``choices``, in the constructor and when set later."""

    @property
    def choices(self):
        return SelectField.choices.fget(self)

    @choices.setter
    def choices(self, value):
        SelectField.choices.fset(self, to_choices(value))


def opt_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class SelectVNField(_ChoicesMixin, SelectField):
    def __init__(self, label=None, validators=None, coerce=opt_int, choices=None, **kwargs):
        super().__init__(label, validators, coerce=coerce, choices=to_choices(choices), **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = self.coerce(valuelist[0])
            except (ValueError, TypeError):
                self.data = None
                raise ValueError(_l("Lựa chọn không hợp lệ; vui lòng chọn trong danh sách.")) from None

    def pre_validate(self, form):
        if self.process_errors:
            return
        for _value, _label, selected, *_ in self.iter_choices():
            if selected:
                return
        raise ValidationError(_l("Lựa chọn không có trong danh sách (có thể đã bị xóa); vui lòng chọn lại."))


class MultiCheckboxField(_ChoicesMixin, SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, choices=None, **kwargs):
        super().__init__(label, validators, choices=to_choices(choices), **kwargs)

    def process_formdata(self, valuelist):
        try:
            self.data = [self.coerce(v) for v in valuelist]
        except (ValueError, TypeError):
            self.data = []
            raise ValueError(_l("Lựa chọn không hợp lệ; vui lòng chọn trong danh sách.")) from None

    def pre_validate(self, form):
        if self.process_errors or not self.data:
            return
        allowed = {self.coerce(v) for v, *_ in self.choices}
        unknown = [d for d in self.data if d not in allowed]
        if unknown:
            raise ValidationError(_l("Có lựa chọn không có trong danh sách; vui lòng chọn lại."))


# -- units ------------------------------------------------------------------------------------------

CODE_RE = Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                 message=_l("Mã chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch nối, gạch dưới; không có dấu cách."))


class UnitForm(FlaskForm):
    code = StringField(_l("Mã đơn vị"), filters=[clean], validators=[Required(_l("Vui lòng nhập mã đơn vị.")), Max(32), CODE_RE])
    name = StringField(_l("Tên đơn vị"), filters=[clean], validators=[Required(_l("Vui lòng nhập tên đơn vị.")), Max(255)])
    short_name = StringField(_l("Tên ngắn"), filters=[clean_or_none], validators=[Optional(), Max(120)])
    kind = SelectVNField(_l("Loại đơn vị"), coerce=str, choices=[(k.value, _l(UNIT_KIND_LABELS[k])) for k in UNIT_KIND_LABELS],
                       validators=[Required(_l("Vui lòng chọn loại đơn vị."))])
    parent_id = SelectVNField(_l("Đơn vị cấp trên"))
    address = StringField(_l("Địa chỉ"), filters=[clean_or_none], validators=[Optional(), Max(255)])
    head_title = StringField(_l("Chức danh người đứng đầu"), filters=[clean_or_none], validators=[Optional(), Max(120)])
    valid_from = DateVNField(_l("Hoạt động từ ngày"), validators=[Required(_l("Vui lòng nhập ngày bắt đầu hoạt động."))])


class UnitRetireForm(FlaskForm):
    valid_to = DateVNField(_l("Ngừng hoạt động từ ngày"), validators=[Required(_l("Vui lòng nhập ngày ngừng hoạt động."))])


class UnitMergeForm(FlaskForm):
    successor_id = SelectVNField(_l("Sáp nhập vào đơn vị"), validators=[Required(_l("Vui lòng chọn đơn vị kế thừa."))])
    valid_to = DateVNField(_l("Ngày ngừng hoạt động (ngày cuối cùng)"),
                           validators=[Required(_l("Vui lòng nhập ngày ngừng hoạt động."))])


# -- users ------------------------------------------------------------------------------------------

USERNAME_RE = Regexp(r"^[a-z0-9][a-z0-9._-]*$",
                     message=_l("Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số, dấu chấm, gạch nối, gạch dưới."))
EMAIL_RE = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Địa chỉ thư điện tử không hợp lệ (ví dụ ten@coquan.gov.vn)."))
ROLE_CHOICES = [(r.value, _l(ROLE_LABELS[r])) for r in Role]


def lower_clean(value):
    value = clean(value)
    return value.lower() if isinstance(value, str) else value


class UserEditForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), filters=[clean], validators=[Required(_l("Vui lòng nhập họ và tên.")), Max(120)])
    email = StringField(_l("Thư điện tử"), filters=[clean_or_none], validators=[Optional(), Max(254), EMAIL_RE])
    position = StringField(_l("Chức vụ"), filters=[clean_or_none], validators=[Optional(), Max(120)])
    unit_id = SelectVNField(_l("Đơn vị"), validators=[Required(_l("Vui lòng chọn đơn vị."))])
    active = BooleanField(_l("Đang hoạt động (được đăng nhập)"), default=True)


class UserCreateForm(UserEditForm):
    username = StringField(_l("Tên đăng nhập"), filters=[lower_clean],
                           validators=[Required(_l("Vui lòng nhập tên đăng nhập.")), Max(64), USERNAME_RE])
    password = PasswordField(_l("Mật khẩu"), validators=[Required(_l("Vui lòng nhập mật khẩu."))])
    confirm = PasswordField(_l("Nhập lại mật khẩu"), validators=[
        Required(_l("Vui lòng nhập lại mật khẩu.")), EqualTo("password", _l("Hai mật khẩu không khớp nhau."))])
    role = SelectVNField(_l("Vai trò ban đầu (không bắt buộc)"), coerce=str, choices=[("", _l("— chưa gán —"))] + ROLE_CHOICES)
    scope_unit_id = SelectVNField(_l("Phạm vi của vai trò (mặc định: đơn vị của người dùng)"))


class RoleAssignForm(FlaskForm):
    role = SelectVNField(_l("Vai trò"), coerce=str, choices=ROLE_CHOICES, validators=[Required(_l("Vui lòng chọn vai trò."))])
    scope_unit_id = SelectVNField(_l("Phạm vi (đơn vị và các đơn vị trực thuộc)"),
                                  validators=[Required(_l("Vui lòng chọn đơn vị phạm vi."))])


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[Required(_l("Vui lòng nhập mật khẩu mới."))])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        Required(_l("Vui lòng nhập lại mật khẩu mới.")), EqualTo("password", _l("Hai mật khẩu không khớp nhau."))])


class ConfirmForm(FlaskForm):
    """An empty form: a POST button protected by CSRF."""


# -- authorities and signers ------------------------------------------------------------------------

SYMBOL_RE = Regexp(r"^[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$",
                   message=_l("Ký hiệu viết hoa, các nhóm nối bằng gạch nối, không có dấu cách (ví dụ QĐ-UBND)."))


class AuthorityForm(FlaskForm):
    code = StringField(_l("Mã"), filters=[clean], validators=[Required(_l("Vui lòng nhập mã cơ quan.")), Max(32), CODE_RE])
    name = StringField(_l("Tên thẩm quyền"), filters=[clean],
                       validators=[Required(_l("Vui lòng nhập tên, ví dụ Chủ tịch Ủy ban nhân dân tỉnh.")), Max(255)])
    unit_id = SelectVNField(_l("Đơn vị"), validators=[Required(_l("Vui lòng chọn đơn vị của cơ quan."))])
    header_parent = StringField(_l("Cơ quan chủ quản (dòng trên, nếu có)"), filters=[clean_or_none],
                                validators=[Optional(), Max(255)])
    header_name = TextAreaField(_l("Tên cơ quan ban hành (mỗi dòng một dòng in)"), filters=[clean],
                                validators=[Required(_l("Vui lòng nhập tên cơ quan ban hành."))])
    place_name = StringField(_l("Địa danh"), filters=[clean], validators=[Required(_l("Vui lòng nhập địa danh.")), Max(120)])
    doc_symbol = StringField(_l("Ký hiệu quyết định"), filters=[clean],
                             validators=[Required(_l("Vui lòng nhập ký hiệu, ví dụ QĐ-UBND.")), Max(40), SYMBOL_RE])
    proposal_symbol = StringField(_l("Ký hiệu tờ trình"), filters=[clean],
                                  validators=[Required(_l("Vui lòng nhập ký hiệu tờ trình, ví dụ TTr-SNV.")), Max(40)])
    authority_title = StringField(_l("Dòng thẩm quyền (trên căn cứ)"), filters=[clean],
                                  validators=[Required(_l("Vui lòng nhập dòng thẩm quyền.")), Max(255)])
    head_title = StringField(_l("Chức danh người đứng đầu (khối chữ ký)"), filters=[clean],
                             validators=[Required(_l("Vui lòng nhập chức danh, ví dụ CHỦ TỊCH.")), Max(120)])
    extra_legal_basis = TextAreaField(_l("Căn cứ bổ sung của cơ quan (mỗi dòng một căn cứ)"), filters=[clean_or_none])
    proposer_title = StringField(_l("Người đề nghị (Theo đề nghị của …)"), filters=[clean_or_none],
                                 validators=[Optional(), Max(255)])
    executors = TextAreaField(_l("Cơ quan, người thi hành"), filters=[clean_or_none])
    copy_recipients = TextAreaField(_l("Nơi nhận (mỗi dòng một nơi)"), filters=[clean_or_none])
    archive_code = StringField(_l("Mã lưu (Lưu: VT, …)"), filters=[clean],
                               validators=[Required(_l("Vui lòng nhập mã lưu, ví dụ TĐKT.")), Max(40)])
    fund_source = StringField(_l("Nguồn chi tiền thưởng"), filters=[clean_or_none], validators=[Optional(), Max(255)])
    active = BooleanField(_l("Đang hoạt động"), default=True)


class SignerForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), filters=[clean], validators=[Required(_l("Vui lòng nhập họ và tên.")), Max(120)])
    position_title = StringField(_l("Chức vụ (in trong khối chữ ký)"), filters=[clean],
                                 validators=[Required(_l("Vui lòng nhập chức vụ, ví dụ PHÓ CHỦ TỊCH.")), Max(120)])
    is_head = BooleanField(_l("Là người đứng đầu (ký không có «KT.»)"))
    position_order = IntVNField(_l("Thứ tự"), default=0, validators=[
        Optional(), NumberRange(0, 999, _l("Thứ tự là số từ 0 đến 999."))])
    user_id = SelectVNField(_l("Tài khoản người dùng (không bắt buộc)"))
    active = BooleanField(_l("Đang hoạt động"), default=True)


# -- award forms ------------------------------------------------------------------------------------

KIND_CHOICES = [(k.value, _l(RECIPIENT_KIND_LABELS[k])) for k in RecipientKind]


class AwardFormForm(FlaskForm):
    code = StringField(_l("Mã"), filters=[clean], validators=[Required(_l("Vui lòng nhập mã hình thức.")), Max(40), CODE_RE])
    name = StringField(_l("Tên hình thức khen thưởng"), filters=[clean],
                       validators=[Required(_l("Vui lòng nhập tên hình thức.")), Max(255)])
    certificate_title = StringField(_l("Tiêu đề in trên bằng (BẰNG KHEN, GIẤY KHEN…)"), filters=[clean],
                                    validators=[Required(_l("Vui lòng nhập tiêu đề in trên bằng.")), Max(80)])
    authority_id = SelectVNField(_l("Cơ quan quyết định"))
    proposed_upward = BooleanField(_l("Đề nghị cấp trên quyết định (Thủ tướng, Chủ tịch nước…)"))
    upward_authority_name = StringField(_l("Cấp trên quyết định"), filters=[clean_or_none], validators=[Optional(), Max(255)])
    workflow = SelectVNField(_l("Quy trình xử lý"), coerce=str, validators=[Required(_l("Vui lòng chọn quy trình."))])
    kinds = MultiCheckboxField(_l("Đối tượng được đề nghị"), choices=KIND_CHOICES, coerce=str,
                               validators=[Required(_l("Chọn ít nhất một đối tượng (tập thể, cá nhân hoặc hộ gia đình)."))])
    rank = IntVNField(_l("Thứ bậc (cao hơn = hình thức cao hơn)"), default=0,
                      validators=[Optional(), NumberRange(0, 1000, _l("Thứ bậc là số từ 0 đến 1000."))])
    criteria = TextAreaField(_l("Tiêu chuẩn"), filters=[clean_or_none])
    active = BooleanField(_l("Đang sử dụng"), default=True)

    def validate_authority_id(self, field):
        if not self.proposed_upward.data and field.data is None:
            raise ValidationError(_l("Chọn cơ quan quyết định, hoặc đánh dấu «Đề nghị cấp trên quyết định»."))

    def validate_upward_authority_name(self, field):
        if self.proposed_upward.data and not field.data:
            raise ValidationError(_l("Nhập tên cấp trên quyết định (ví dụ Thủ tướng Chính phủ)."))


# -- rule sets --------------------------------------------------------------------------------------


class RuleSetFormBase(FlaskForm):
    name = StringField(_l("Tên giai đoạn"), filters=[clean], validators=[Required(_l("Vui lòng đặt tên giai đoạn.")), Max(255)])
    valid_from = DateVNField(_l("Áp dụng từ ngày"), validators=[Required(_l("Vui lòng nhập ngày bắt đầu áp dụng."))])
    base_salary = IntVNField(_l("Mức lương cơ sở (đồng)"), validators=[
        Required(_l("Vui lòng nhập mức lương cơ sở.")),
        NumberRange(1, 1_000_000_000, _l("Mức lương cơ sở phải là số dương (đồng), ví dụ 2530000."))])
    base_salary_source = StringField(_l("Nguồn (lương cơ sở)"), filters=[clean],
                                     validators=[Required(_l("Vui lòng ghi nguồn của mức lương cơ sở.")), Max(255)])
    household_multiplier = DecimalVNField(_l("Hệ số hộ gia đình (× mức cá nhân)"), validators=[
        Required(_l("Vui lòng nhập hệ số hộ gia đình.")),
        NumberRange(Decimal("0.01"), Decimal("999.99"), _l("Hệ số hộ gia đình phải lớn hơn 0 và nhỏ hơn 1000."))])
    household_source = StringField(_l("Nguồn (hộ gia đình)"), filters=[clean],
                                   validators=[Required(_l("Vui lòng ghi nguồn của hệ số hộ gia đình.")), Max(255)])
    rounding_unit = IntVNField(_l("Làm tròn lên đến (đồng)"), validators=[
        Required(_l("Vui lòng nhập đơn vị làm tròn.")),
        NumberRange(1, 1_000_000, _l("Đơn vị làm tròn là số dương, ví dụ 10000."))])
    rounding_source = StringField(_l("Nguồn (làm tròn)"), filters=[clean],
                                  validators=[Required(_l("Vui lòng ghi nguồn của quy tắc làm tròn.")), Max(255)])
    legal_basis = TextAreaField(_l("Căn cứ (mỗi dòng một căn cứ)"), filters=[clean],
                                validators=[Required(_l("Vui lòng nhập ít nhất một dòng căn cứ."))])
    needs_check = TextAreaField(_l("Cần kiểm tra (điểm chưa xác nhận)"), filters=[clean_or_none])
    min_household_contribution = IntVNField(_l("Mức đóng góp tối thiểu của hộ gia đình (đồng, nếu có)"), validators=[
        Optional(), NumberRange(0, 10**15, _l("Mức đóng góp không được âm."))])


COEF_RANGE = NumberRange(Decimal("0"), Decimal("999.999"), _l("Hệ số từ 0 đến 999,999."))
COEF_KINDS = (RecipientKind.individual.value, RecipientKind.collective.value)


def rule_set_form(award_forms, *, with_dates: bool = True, **kwargs) -> RuleSetFormBase:
    """A rule set form with one coefficient and one source field per award form and kind."""

    class RuleSetForm(RuleSetFormBase):
        pass

    for f in award_forms:
        for kind in COEF_KINDS:
            kind_label = _l(RECIPIENT_KIND_LABELS[RecipientKind(kind)])
            setattr(RuleSetForm, f"coef_{f.id}_{kind}",
                    DecimalVNField(_l("Hệ số: %(form)s — %(kind)s", form=f.name, kind=kind_label),
                                   validators=[Optional(), COEF_RANGE]))
            setattr(RuleSetForm, f"src_{f.id}_{kind}",
                    StringField(_l("Nguồn: %(form)s — %(kind)s", form=f.name, kind=kind_label),
                                filters=[clean_or_none], validators=[Optional(), Max(255)]))
    if not with_dates:
        RuleSetForm.valid_from = None  # type: ignore[assignment]
    form = RuleSetForm(**kwargs)
    form.coefficient_fields = [
        (f, kind, form[f"coef_{f.id}_{kind}"], form[f"src_{f.id}_{kind}"]) for f in award_forms for kind in COEF_KINDS
    ]
    return form


def coefficient_errors(form) -> bool:
    """A coefficient needs its source. Adds messages to the source fields; True when all is well."""
    ok = True
    for _f, _kind, coef, src in form.coefficient_fields:
        if coef.data is not None and not src.data:
            src.errors = list(src.errors) + [_l("Vui lòng ghi nguồn (văn bản, điều khoản) cho hệ số này.")]
            ok = False
    return ok


# -- movements, rounds, quotas, extensions ----------------------------------------------------------


class IndicatorForm(Form):
    id = HiddenField(filters=[clean_or_none])
    code = StringField(_l("Mã"), filters=[clean_or_none], validators=[Optional(), Max(40), CODE_RE])
    label = StringField(_l("Chỉ tiêu"), filters=[clean_or_none], validators=[Optional(), Max(255)])
    unit_label = StringField(_l("Đơn vị tính"), filters=[clean_or_none], validators=[Optional(), Max(40)])
    remove = BooleanField(_l("Xóa"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.remove.data or not (self.code.data or self.label.data or self.unit_label.data):
            return ok
        for f, msg in ((self.code, _l("Nhập mã chỉ tiêu.")), (self.label, _l("Nhập tên chỉ tiêu.")),
                       (self.unit_label, _l("Nhập đơn vị tính (ví dụ đồng, căn, hộ)."))):
            if not f.data:
                f.errors = list(f.errors) + [msg]
                ok = False
        return ok


YEAR = NumberRange(1945, 2200, _l("Năm không hợp lệ (từ 1945 đến 2200)."))


class MovementForm(FlaskForm):
    name = StringField(_l("Tên phong trào"), filters=[clean], validators=[Required(_l("Vui lòng nhập tên phong trào.")), Max(255)])
    period_label = StringField(_l("Giai đoạn (ví dụ: giai đoạn 2021 - 2025)"), filters=[clean_or_none],
                               validators=[Optional(), Max(80)])
    start_year = IntVNField(_l("Từ năm"), validators=[Required(_l("Vui lòng nhập năm bắt đầu.")), YEAR])
    end_year = IntVNField(_l("Đến năm"), validators=[Required(_l("Vui lòng nhập năm kết thúc.")), YEAR])
    plan_number = StringField(_l("Số kế hoạch (ví dụ 132/KH-UBND)"), filters=[clean_or_none], validators=[Optional(), Max(40)])
    plan_date = DateVNField(_l("Ngày kế hoạch"), validators=[Optional()])
    authority_id = SelectVNField(_l("Cơ quan phát động"), validators=[Required(_l("Vui lòng chọn cơ quan phát động."))])
    description = TextAreaField(_l("Mô tả"), filters=[clean_or_none])
    active = BooleanField(_l("Đang diễn ra"), default=True)
    indicators = FieldList(FormField(IndicatorForm), min_entries=0)

    def validate_end_year(self, field):
        if field.data is not None and self.start_year.data is not None and field.data < self.start_year.data:
            raise ValidationError(_l("Năm kết thúc không được trước năm bắt đầu."))


REMINDER_RE = re.compile(r"^\d{1,3}(,\d{1,3})*$")


def normalise_reminders(value):
    if not isinstance(value, str):
        return value
    return clean(value).replace(" ", "").strip(",")


class RoundFormForm(FlaskForm):
    name = StringField(_l("Tên đợt"), filters=[clean], validators=[Required(_l("Vui lòng nhập tên đợt.")), Max(255)])
    kind = SelectVNField(_l("Loại đợt"), coerce=str, choices=[(k.value, _l(ROUND_KIND_LABELS[k])) for k in RoundKind])
    opens_dt = LocalDateTimeField(_l("Mở nhận hồ sơ (giờ Việt Nam)"), validators=[Required(_l("Vui lòng nhập thời điểm mở."))])
    closes_dt = LocalDateTimeField(_l("Hạn nộp (giờ Việt Nam)"), validators=[Required(_l("Vui lòng nhập hạn nộp."))])
    status = SelectVNField(_l("Trạng thái"), coerce=str, choices=[(s.value, _l(ROUND_STATUS_LABELS[s])) for s in RoundStatus])
    reminder_days = StringField(_l("Nhắc trước hạn (số ngày, cách nhau bởi dấu phẩy)"), default="7,3,1",
                                filters=[normalise_reminders], validators=[Optional(), Max(40)])
    forms = MultiCheckboxField(_l("Hình thức được đề nghị trong đợt"), coerce=int,
                               validators=[Required(_l("Chọn ít nhất một hình thức khen thưởng cho đợt."))])
    criteria = TextAreaField(_l("Tiêu chuẩn, yêu cầu của đợt"), filters=[clean_or_none])

    def validate_closes_dt(self, field):
        if field.data is not None and self.opens_dt.data is not None and field.data <= self.opens_dt.data:
            raise ValidationError(_l("Hạn nộp phải sau thời điểm mở nhận hồ sơ."))

    def validate_reminder_days(self, field):
        if not field.data:
            field.data = ""
            return
        if not REMINDER_RE.match(field.data) or not all(1 <= int(x) <= 365 for x in field.data.split(",")):
            raise ValidationError(_l("Nhập các số ngày trước hạn, cách nhau bởi dấu phẩy, ví dụ 7,3,1 "
                                  "(mỗi số từ 1 đến 365)."))
        field.data = ",".join(str(n) for n in sorted({int(x) for x in field.data.split(",")}, reverse=True))


class ExtensionForm(FlaskForm):
    unit_id = SelectVNField(_l("Đơn vị"), validators=[Required(_l("Vui lòng chọn đơn vị được gia hạn."))])
    closes_dt = LocalDateTimeField(_l("Hạn nộp mới (giờ Việt Nam)"), validators=[Required(_l("Vui lòng nhập hạn nộp mới."))])
    reason = TextAreaField(_l("Lý do gia hạn"), filters=[clean],
                           validators=[Required(_l("Vui lòng ghi lý do gia hạn.")), Max(500)])


class CalendarDayForm(FlaskForm):
    day = DateVNField(_l("Ngày"), validators=[Required(_l("Vui lòng nhập ngày."))])
    kind = SelectVNField(_l("Loại"), coerce=str, choices=[(CalendarDayKind.day_off.value, _l("Ngày nghỉ")),
                                        (CalendarDayKind.working_day.value, _l("Ngày làm việc bù"))])
    note = StringField(_l("Ghi chú (ví dụ: Nghỉ bù Quốc khánh)"), filters=[clean],
                       validators=[Required(_l("Vui lòng ghi chú lý do.")), Max(255)])


# -- eligibility rules ------------------------------------------------------------------------------

MIN_CONTRIBUTION_RANGE = NumberRange(
    0, 10**15, _l("Mức đóng góp tối thiểu là số nguyên không âm, tính bằng đồng (ví dụ 20000000)."))


class EligibilityRuleForm(FlaskForm):
    award_form_id = SelectVNField(_l("Hình thức khen thưởng"),
                                  validators=[Required(_l("Vui lòng chọn hình thức khen thưởng."))])
    round_id = SelectVNField(_l("Áp dụng cho đợt (để trống: mọi đợt)"))
    valid_from = DateVNField(_l("Áp dụng từ ngày"), validators=[Required(_l("Vui lòng nhập ngày bắt đầu áp dụng."))])
    valid_to = DateVNField(_l("Đến hết ngày (để trống: chưa có ngày kết thúc)"), validators=[Optional()])
    allow_posthumous = BooleanField(_l("Được xét truy tặng"), default=True)
    no_repeat_in_round = BooleanField(_l("Không đề nghị một người hai lần cùng hình thức trong một đợt"), default=True)
    require_report = BooleanField(_l("Bắt buộc có báo cáo thành tích cho mỗi đối tượng"), default=False)
    min_household_contribution = IntVNField(
        _l("Mức đóng góp tối thiểu của hộ gia đình (đồng; để trống: theo quy định của giai đoạn)"),
        validators=[Optional(), MIN_CONTRIBUTION_RANGE])
    source = StringField(_l("Căn cứ (văn bản, điều khoản)"), filters=[clean_or_none], validators=[Optional(), Max(255)])

    def validate_valid_to(self, field):
        if field.data is not None and self.valid_from.data is not None and field.data < self.valid_from.data:
            raise ValidationError(gettext("Ngày kết thúc không được trước ngày bắt đầu áp dụng (%(date)s).",
                                          date=f"{self.valid_from.data:%d/%m/%Y}"))


class EligibilityRuleEndForm(FlaskForm):
    valid_to = DateVNField(_l("Áp dụng đến hết ngày"), validators=[Required(_l("Vui lòng nhập ngày kết thúc."))])


# -- Word templates of an authority (issue #6) ------------------------------------------------------

from flask_wtf.file import FileField, FileRequired  # noqa: E402


class DocTemplateUploadForm(FlaskForm):
    """Upload an edited Word template (.docx) of one kind; the content is checked by services.templates."""

    file = FileField(_l("Tệp mẫu Word (.docx, tối đa 5 MB)"),
                     validators=[FileRequired(_l("Vui lòng chọn tệp mẫu Word (.docx)."))])
