"""Translating, at the edge, the messages built outside the request.

Texts written in a view or a form are translated where they are written: ``gettext`` for a flash
message (with ``%(name)s`` placeholders, never an f-string, so the message id is stable),
``lazy_gettext`` for form labels, validators' messages and choices, ``_()`` in templates.

Messages built by the workflow engine, the services and the rules (which also run under the CLI
and the scheduler) are ``workflows.messages.Msg``: the Vietnamese text, carrying its message id
and parameters (see that module for the convention). :func:`tr` translates one into the request's
language where it reaches a person: ``flash(tr(exc), "danger")``, ``{{ reason|tr }}``. Outside a
request (CLI, scheduler, e-mail) it stays Vietnamese, the default locale.

A workflow's labels (states, transitions, the workflow's name and description in
``workflows/definitions/*.toml``) are message ids themselves, extracted by the TOML extractor
named in babel.cfg; they are translated where they are shown with ``_(label)`` / :func:`label`.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext

from workflows.messages import Msg

__all__ = ["Msg", "label", "tr"]


def tr(value: Any) -> str:
    """``value`` as text in the request's language: a :class:`Msg` is translated (its parameters
    too, when they are messages), an exception gives its message, anything else its ``str``."""
    if isinstance(value, Msg):
        if value.parts is not None:
            text = value.sep.join(tr(p) for p in value.parts)
        else:
            assert value.msgid is not None
            template = gettext(value.msgid)
            text = template % {k: tr(v) if isinstance(v, (Msg, BaseException)) else v
                               for k, v in value.params.items()}
        if value.lowered:
            # Only the first letter, in Vietnamese as in a translation, so that names and
            # acronyms inside the label keep their capitals ("Hội đồng TĐKT", "the Standing Committee").
            text = text[:1].lower() + text[1:]
        return text
    if isinstance(value, BaseException):
        if len(value.args) == 1 and isinstance(value.args[0], Msg):
            return tr(value.args[0])
        return str(value)
    return "" if value is None else str(value)


def label(text: str | None) -> str:
    """A label that is a message id itself (a workflow's state or transition label)."""
    if not text:
        return ""
    if isinstance(text, Msg):
        return tr(text)
    return gettext(text)


def init_i18n(app: Flask) -> None:
    # {{ message|tr }}: a Msg (or an exception) from a service; plain text (user data) is left as is.
    # {{ state.label|label }}: a label that is a message id (workflow and model labels); "" stays "".
    app.jinja_env.filters["tr"] = tr
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["tr"] = tr
