"""Jinja as the templates use it: the environment (autoescape on) and Jinja's error messages
told to office staff in Vietnamese, for rendering and for the check of an uploaded template.

Offices upload their own Word templates, so a template is untrusted code: it runs in Jinja's
immutable sandbox, where ``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` and its like
(underscore attributes, unsafe callables, mutating the context) are refused instead of run."""

from __future__ import annotations

import re

from jinja2.sandbox import ImmutableSandboxedEnvironment

from workflows.messages import Msg


def _jinja_env() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(autoescape=True)


def N_(text: str) -> str:
    """Marks a message id for the catalogue; Msg(text, ...) formats it where the values are known."""
    return text


# Placeholders %(g0)s, %(g1)s are the pattern's groups.
_JINJA_MESSAGES = [
    (re.compile(r"unexpected '\}'"), N_("thừa dấu “}” hoặc thiếu dấu “}” của cặp {{ … }}")),
    (re.compile(r"unexpected end of template", re.I),
     N_("thẻ mở chưa được đóng (thiếu {%%p endfor %%} hoặc {%%p endif %%})")),
    (re.compile(r"Encountered unknown tag '([^']*)'"), N_("thẻ không xác định “%(g0)s”")),
    (re.compile(r"No filter named '([^']*)'"), N_("không có bộ lọc “%(g0)s”")),
    (re.compile(r"No test named '([^']*)'"), N_("không có phép thử “%(g0)s”")),
    (re.compile(r"expected token '([^']*)', got '([^']*)'"), N_("cần “%(g0)s” nhưng gặp “%(g1)s”")),
]


def _jinja_message(message: str | None) -> str:
    """A Jinja error in Vietnamese where we know it, with the original in brackets."""
    message = (message or "").strip().splitlines()[0].strip().rstrip(".") if message else ""
    for pattern, text in _JINJA_MESSAGES:
        m = pattern.search(message)
        if m:
            explanation = Msg(text, **{f"g{i}": group for i, group in enumerate(m.groups())})
            return Msg("%(explanation)s [%(original)s]", explanation=explanation, original=message)
    return Msg("lỗi Jinja [%(original)s]", original=message)
