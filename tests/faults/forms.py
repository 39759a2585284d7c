"""Reading a page's forms the way a browser would: every field with the value it would send."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    buttons: dict[str, str] = field(default_factory=dict)

    def data(self, **overrides: str) -> dict[str, str]:
        return {**self.fields, **overrides}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    @property
    def form(self) -> Form | None:
        return self.forms[-1] if self.forms else None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        form = self.form
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
            elif kind == "file":
                form.files.append(name)
            elif kind == "submit":
                form.buttons[name] = a.get("value", "")
            else:
                form.fields[name] = a.get("value", "")
        elif tag == "button" and name:
            form.buttons[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            form.choices[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.choices[self._select].append(value)
            if "selected" in a or self._select_first is None:
                if "selected" in a or self._select not in form.fields:
                    form.fields[self._select] = value
                self._select_first = value
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.form is not None:
            if not self.form.fields[self._textarea]:  # a browser drops the first newline
                data = data.removeprefix("\r\n").removeprefix("\n")
            self.form.fields[self._textarea] += data


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def post_form(html: str, *, having: str) -> Form | None:
    """The first POST form with a field (or button) named `having`."""
    for form in forms(html):
        if form.method == "post" and (
            having in form.fields
            or having in form.choices
            or having in form.files
            or having in form.buttons
        ):
            return form
    return None
