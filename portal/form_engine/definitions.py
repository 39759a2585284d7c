"""Form definitions are data: numbered sections of fields, stored as JSON on FormDefinition.

    {"sections": [
        {"title": "Details of the child or young person", "intro": "…", "fields": [
            {"id": "full_name", "type": "text", "label": "Full name", "required": true,
             "prefill": "child_name"},
            {"id": "provision", "type": "table", "label": "Health provision",
             "columns": [{"id": "provision", "label": "Health provision"},
                         {"id": "who", "label": "Who will provide this"}]},
        ]},
    ]}

A section's number is its position (from 1). Field ids are unique in the whole form: answers
are stored keyed by them, table answers as a list of rows ({column id: text})."""

import re

from django.core.exceptions import ValidationError

FIELD_TYPES = {
    "text",
    "long_text",
    "date",
    "number",
    "yes_no",
    "choice",
    "multiple_choice",
    "table",
}
COLUMN_TYPES = {"text", "date"}
PREFILLS = {"child_name", "child_date_of_birth", "child_address"}
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def validate_definition(definition) -> None:
    """Raise ValidationError listing every problem with a form definition."""
    problems = []
    if not isinstance(definition, dict) or not isinstance(definition.get("sections"), list):
        raise ValidationError("A form definition needs a list of sections.")
    if not definition["sections"]:
        problems.append("A form definition needs at least one section.")
    seen = set()
    for number, section in enumerate(definition["sections"], start=1):
        where = f"Section {number}"
        if not isinstance(section, dict):
            problems.append(f"{where} is not an object.")
            continue
        if not str(section.get("title", "")).strip():
            problems.append(f"{where} needs a title.")
        fields = section.get("fields")
        if not isinstance(fields, list) or not fields:
            problems.append(f"{where} needs at least one field.")
            continue
        for field in fields:
            problems += _field_problems(field, where, seen)
    if problems:
        raise ValidationError(problems)


def _field_problems(field, where, seen) -> list[str]:
    if not isinstance(field, dict):
        return [f"{where}: a field is not an object."]
    fid = field.get("id")
    problems = []
    if not isinstance(fid, str) or not IDENTIFIER.match(fid):
        return [f"{where}: field id {fid!r} must be lower case letters, digits and _."]
    if fid in seen:
        problems.append(f"{where}: field id {fid!r} is used twice.")
    seen.add(fid)
    kind = field.get("type")
    if kind not in FIELD_TYPES:
        problems.append(f"{where}: field {fid!r} has unknown type {kind!r}.")
    if not str(field.get("label", "")).strip():
        problems.append(f"{where}: field {fid!r} needs a label.")
    if "required" in field and not isinstance(field["required"], bool):
        problems.append(f"{where}: field {fid!r}: required must be true or false.")
    if field.get("prefill") and field["prefill"] not in PREFILLS:
        problems.append(f"{where}: field {fid!r} has unknown prefill {field['prefill']!r}.")
    if kind in ("choice", "multiple_choice"):
        options = field.get("options")
        if (
            not isinstance(options, list)
            or not options
            or not all(isinstance(o, str) and o.strip() for o in options)
            or len(set(options)) != len(options)
        ):
            problems.append(f"{where}: field {fid!r} needs a list of different options.")
    if kind == "table":
        columns = field.get("columns")
        if not isinstance(columns, list) or not columns:
            problems.append(f"{where}: table {fid!r} needs columns.")
        else:
            ids = [c.get("id") for c in columns if isinstance(c, dict)]
            if len(ids) != len(columns) or len(set(ids)) != len(ids):
                problems.append(f"{where}: table {fid!r} has repeated or missing column ids.")
            for column in columns:
                if not isinstance(column, dict):
                    continue
                if not isinstance(column.get("id"), str) or not IDENTIFIER.match(column["id"]):
                    problems.append(f"{where}: table {fid!r} has a bad column id.")
                if not str(column.get("label", "")).strip():
                    problems.append(f"{where}: table {fid!r} has a column without a label.")
                if column.get("type", "text") not in COLUMN_TYPES:
                    problems.append(f"{where}: table {fid!r} has a column of unknown type.")
    return problems


def all_fields(definition) -> list[tuple[int, dict]]:
    """(section number, field) for every field of the form, in order."""
    return [
        (number, field)
        for number, section in enumerate(definition["sections"], start=1)
        for field in section["fields"]
    ]


def is_blank(field: dict, value) -> bool:
    if field["type"] == "table":
        return not any(any(str(v).strip() for v in row.values()) for row in value or [])
    if isinstance(value, list):
        return not value
    return value is None or str(value).strip() == ""


def missing_required(definition, answers: dict) -> list[tuple[int, dict]]:
    """The required fields without an answer: checked on Submit Contribution only."""
    return [
        (number, field)
        for number, field in all_fields(definition)
        if field.get("required") and is_blank(field, answers.get(field["id"]))
    ]
