"""The section forms built from a form definition (see portal.form_engine.definitions):
one Django form per section, table questions with added rows, and every answer as text for
read-only pages and the PDF."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms

from thrive.ui.govuk_forms import GovukDateField
from thrive.ui.templatetags.govuk import error_anchor

from .definitions import missing_required

MAX_ROWS = 50


YES_NO = [("yes", "Yes"), ("no", "No")]


def _form_field(field: dict) -> forms.Field:
    common = {
        "label": field["label"],
        "required": bool(field.get("required")),
        "help_text": field.get("hint", ""),
    }
    label = field["label"]
    kind = field["type"]
    if kind == "text":
        return forms.CharField(max_length=2000, **common)
    if kind == "long_text":
        return forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 6}), **common)
    if kind == "date":
        return GovukDateField(**common)
    if kind == "number":
        return forms.DecimalField(
            max_digits=12,
            decimal_places=2,
            error_messages={"invalid": f"{label} must be a number"},
            **common,
        )
    if kind == "yes_no":
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == "choice":
        options = [(o, o) for o in field["options"]]
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if kind == "multiple_choice":
        options = [(o, o) for o in field["options"]]
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    raise ValueError(kind)


def _to_answer(field: dict, value):
    if value is None:
        return [] if field["type"] == "multiple_choice" else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    return value


def _from_answer(field: dict, value):
    if field["type"] == "date" and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return value


DATE_CELL = re.compile(r"^\s*(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{4})\s*$")


def parse_cell_date(text: str) -> str | None:
    """`20/07/2021`, `20-07-2021` or `2021-07-20` as ISO; None if not a real date."""
    text = text.strip()
    match = DATE_CELL.match(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day).isoformat()
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def show_cell_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return value or ""


class SectionForm:
    """One numbered section of a task's form: ordinary fields as a Django form, repeatable
    tables parsed from `<table>-rows` and `<table>-<row>-<column>` inputs. Save validates
    only what was typed (a draft may be incomplete); required answers are checked on Submit."""

    def __init__(self, task, number: int, data=None, answers=None):
        self.task = task
        self.number = number
        self.section = task.form.sections[number - 1]
        self.answers = answers if answers is not None else task.answers_with_prefill()
        self.fields = self.section["fields"]
        plain = {f["id"]: _form_field(f) for f in self.fields if f["type"] != "table"}
        initial = {
            f["id"]: _from_answer(f, self.answers.get(f["id"]))
            for f in self.fields
            if f["type"] != "table"
        }
        self.form = type("PlainFields", (forms.Form,), dict(plain))(
            data, initial=initial, auto_id="answer-%s"
        )
        self.data = data
        self.table_rows = {
            f["id"]: self._rows_from(f, data) for f in self.fields if f["type"] == "table"
        }
        self.table_errors: dict[str, list[str]] = {f: [] for f in self.table_rows}
        self.summary: list[dict] = []

    # Tables ------------------------------------------------------------------------------------

    def _rows_from(self, field, data) -> list[dict]:
        columns = [c["id"] for c in field["columns"]]
        if data is None:
            rows = self.answers.get(field["id"]) or []
            return [{c: str(row.get(c, "")) for c in columns} for row in rows]
        try:
            count = min(max(int(data.get(f"{field['id']}-rows", 0)), 0), MAX_ROWS)
        except ValueError:
            count = 0
        return [
            {c: data.get(f"{field['id']}-{i}-{c}", "").strip()[:2000] for c in columns}
            for i in range(count)
        ]

    def add_row(self, table: str) -> None:
        if table in self.table_rows and len(self.table_rows[table]) < MAX_ROWS:
            field = self._field(table)
            self.table_rows[table].append({c["id"]: "" for c in field["columns"]})

    def remove_row(self, table: str, index: int) -> None:
        rows = self.table_rows.get(table)
        if rows is not None and 0 <= index < len(rows):
            del rows[index]

    def _field(self, fid):
        return next(f for f in self.fields if f["id"] == fid)

    # Validation --------------------------------------------------------------------------------

    def is_valid(self) -> bool:
        """True if what was typed is well formed. Required answers are not checked here."""
        fields = self.form.fields
        required = {name: field.required for name, field in fields.items()}
        for field in fields.values():
            field.required = False
        valid = self.form.is_valid()
        for name, field in fields.items():
            field.required = required[name]
        for fid, rows in self.table_rows.items():
            field = self._field(fid)
            for index, row in enumerate(rows, start=1):
                for column in field["columns"]:
                    value = row[column["id"]]
                    if column.get("type") == "date" and value:
                        parsed = parse_cell_date(value)
                        if parsed is None:
                            valid = False
                            self.table_errors[fid].append(
                                f"{column['label']} in row {index} of {field['label']} must be "
                                "a real date, like 20/07/2021"
                            )
        return valid

    def cleaned_answers(self) -> dict:
        """This section's answers, ready to store (call after is_valid)."""
        answers = {}
        for field in self.fields:
            fid = field["id"]
            if field["type"] == "table":
                answers[fid] = [
                    {
                        c["id"]: (
                            parse_cell_date(row[c["id"]]) or row[c["id"]]
                            if c.get("type") == "date" and row[c["id"]]
                            else row[c["id"]]
                        )
                        for c in field["columns"]
                    }
                    for row in self.table_rows[fid]
                ]
            else:
                answers[fid] = _to_answer(field, self.form.cleaned_data.get(fid))
        return answers

    def check_required(self, all_answers: dict, section_url) -> None:
        """Mark every required field left empty, in this section (next to the field) and in
        the others (in the error summary, linking to their section)."""
        for number, field in missing_required(self.task.form.definition, all_answers):
            text = f"Enter {field['label'][:1].lower()}{field['label'][1:]}"
            if field["type"] in ("yes_no", "choice", "multiple_choice"):
                text = f"Answer “{field['label']}”"
            if field["type"] == "table":
                text = f"Add at least one row to {field['label']}"
            anchor = f"answer-{field['id']}" + ("-day" if field["type"] == "date" else "")
            if number == self.number:
                if field["type"] == "table":
                    self.table_errors[field["id"]].append(text)
                else:
                    self.form.add_error(field["id"], text)
                href = f"#{anchor}"
            else:
                href = f"{section_url(number)}#{anchor}"
                text = f"{text} (section {number})"
            self.summary.append({"text": text, "href": href})

    def error_items(self) -> list[dict]:
        if self.summary:
            return self.summary
        items = []
        for bound in self.form:
            items += [{"text": e, "href": f"#{error_anchor(bound)}"} for e in bound.errors]
        for fid, errors in self.table_errors.items():
            items += [{"text": e, "href": f"#answer-{fid}"} for e in errors]
        return items

    # Rendering ---------------------------------------------------------------------------------

    def items(self) -> list[dict]:
        """The section's fields in order, each a bound field or a table ready to render."""
        rendered = []
        for field in self.fields:
            if field["type"] != "table":
                rendered.append({"kind": "field", "bound": self.form[field["id"]]})
                continue
            fid = field["id"]
            rows = self.table_rows[fid] or [{c["id"]: "" for c in field["columns"]}]
            rendered.append(
                {
                    "kind": "table",
                    "id": fid,
                    "label": field["label"],
                    "hint": field.get("hint", ""),
                    "optional": not field.get("required"),
                    "errors": self.table_errors[fid],
                    "columns": field["columns"],
                    "row_count": len(rows),
                    "rows": [
                        {
                            "number": index + 1,
                            "remove": f"{fid}-{index}",
                            "cells": [
                                {
                                    "name": f"{fid}-{index}-{c['id']}",
                                    "label": f"{c['label']}, row {index + 1}",
                                    "value": show_cell_date(row[c["id"]])
                                    if c.get("type") == "date"
                                    else row[c["id"]],
                                    "is_date": c.get("type") == "date",
                                }
                                for c in field["columns"]
                            ],
                        }
                        for index, row in enumerate(rows)
                    ],
                }
            )
        return rendered


def readable_answers(task) -> list[dict]:
    """Every section with its questions and answers as text, for read-only pages."""
    answers = task.answers_with_prefill()
    sections = []
    for number, section in enumerate(task.form.sections, start=1):
        rows = []
        for field in section["fields"]:
            value = answers.get(field["id"])
            if field["type"] == "table":
                rows.append(
                    {
                        "label": field["label"],
                        "table": True,
                        "columns": [c["label"] for c in field["columns"]],
                        "rows": [
                            [
                                show_cell_date(row.get(c["id"], ""))
                                if c.get("type") == "date"
                                else row.get(c["id"], "")
                                for c in field["columns"]
                            ]
                            for row in value or []
                            if any(str(v).strip() for v in row.values())
                        ],
                    }
                )
                continue
            if field["type"] == "date" and value:
                value = show_cell_date(value)
            elif field["type"] == "yes_no":
                value = dict(YES_NO).get(value, "")
            elif isinstance(value, list):
                value = ", ".join(value)
            rows.append({"label": field["label"], "value": value or ""})
        sections.append({"number": number, "title": section["title"], "rows": rows})
    return sections
