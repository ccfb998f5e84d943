"""Sentences people read, written in Vietnamese and translated where they are shown.

The convention for every message built outside a web request (this engine, and the application's
services and rules, which also run under the CLI and the scheduler)::

    raise SomeError(Msg("Đơn vị «%(name)s» đã ngừng hoạt động.", name=unit.name))

* The first argument is a string literal: it is the catalogue's message id (the Vietnamese text)
  and ``make translations`` extracts it (``pybabel extract -k Msg``). Never build it with an
  f-string or by concatenation; put the variable parts in ``%(name)s`` placeholders. The text is
  always %-formatted, like Flask-Babel's Jinja ``_()``: a literal per cent sign is written ``%%``.
* A :class:`Msg` *is* the formatted Vietnamese ``str``: comparisons, logs, the CLI, the database
  and e-mail see exactly the Vietnamese text, so nothing changes for code that only wants text.
* The web layer translates at the edge, in the request's language (``awards.i18n.tr``). A
  parameter that should be translated too (a label, another sentence) is passed as a ``Msg``;
  a workflow's labels, which are message ids themselves, are wrapped as ``Msg(label)``.
* Several sentences shown as one are :meth:`Msg.joined`, so each is translated on its own; a
  label inside a sentence is ``Msg(label).lower()`` (a small first letter, once translated too).

This module is pure standard library, like the rest of the package. It also holds the Babel
extractor for the TOML definitions, whose labels are message ids (see babel.cfg).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from typing import IO, Any

__all__ = ["Msg", "extract_toml", "message_of"]


class Msg(str):
    """A Vietnamese sentence (this ``str``) with the message id and parameters to translate it.

    ``msgid`` is None for a :meth:`joined` message, whose ``parts`` are translated one by one;
    ``lowered`` says the translation gets a small first letter too (see :meth:`lower`).
    """

    msgid: str | None
    params: dict[str, Any]
    parts: tuple[str, ...] | None
    sep: str
    lowered: bool

    def __new__(cls, msgid: str, /, **params: Any) -> Msg:
        return _make(msgid % params, msgid, params, None, "", False)

    @classmethod
    def joined(cls, parts: Iterable[str], sep: str = " ") -> Msg:
        """``sep.join(parts)`` that stays translatable part by part."""
        items = tuple(parts)
        return _make(sep.join(items), None, {}, items, sep, False)

    def lower(self) -> Msg:  # type: ignore[override]
        """The label with a small first letter, to stand inside a sentence ("Biên bản họp Hội đồng
        TĐKT đơn vị" -> "biên bản họp Hội đồng TĐKT đơn vị": names and acronyms keep their
        capitals); its translation likewise once translated."""
        return _make(_first_lower(self), self.msgid, self.params, self.parts, self.sep, True)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle and copy keep the translation data (str's own reduction would keep the text only).
        return (_make, (str(self), self.msgid, self.params, self.parts, self.sep, self.lowered))


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _make(text: str, msgid: str | None, params: dict[str, Any], parts: tuple[str, ...] | None, sep: str,
          lowered: bool) -> Msg:
    self = str.__new__(Msg, text)
    self.msgid, self.params, self.parts, self.sep, self.lowered = msgid, params, parts, sep, lowered
    return self


def message_of(exc: BaseException) -> str:
    """The message an exception carries (a :class:`Msg` when it was raised with one)."""
    if len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc)


# --------------------------------------------------------------------------------------------------
# Babel extractor for workflow definitions

_LABEL_KEY = re.compile(r"^\s*(label|description)\s*=")


def extract_toml(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, None, str, list[str]]]:
    """Yield ``(line, funcname, message, comments)`` for every ``label`` and ``description`` of a
    workflow definition: the workflow's, its states' and its transitions' (babel.cfg maps
    ``workflows/definitions/*.toml`` to this function)."""
    lines = fileobj.read().decode("utf-8").splitlines()
    index = 0
    while index < len(lines):
        match = _LABEL_KEY.match(lines[index])
        if not match:
            index += 1
            continue
        # A value may span several lines (a multi-line string): read until it parses.
        end = index + 1
        value = None
        while end <= len(lines):
            try:
                value = tomllib.loads("\n".join(lines[index:end]))[match.group(1)]
                break
            except tomllib.TOMLDecodeError:
                end += 1
        if isinstance(value, str) and value.strip():
            kind = "description" if match.group(1) == "description" else "label"
            yield index + 1, None, value.strip(), [f"workflow {kind}"]
        index = max(end, index + 1)
