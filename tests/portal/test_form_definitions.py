"""Form types are data: versioned definitions validated on save, shipped by a migration."""

import importlib

import pytest
from django.core.exceptions import ValidationError

from portal.form_engine.definitions import missing_required, validate_definition
from portal.models import FormDefinition

SHIPPED = importlib.import_module("portal.migrations.0002_form_definitions").DEFINITIONS


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_shipped_form_type_is_a_valid_definition(name):
    validate_definition(SHIPPED[name])


def test_the_migration_ships_the_four_form_types_as_version_1(ehcna):
    assert set(FormDefinition.objects.values_list("name", flat=True)) == set(SHIPPED)
    assert ehcna.version == 1


def test_ehcna_has_the_health_provision_and_reports_tables(ehcna):
    tables = {
        field["id"]: [c["label"] for c in field["columns"]]
        for section in ehcna.sections
        for field in section["fields"]
        if field["type"] == "table"
    }

    assert tables["health_provision"] == ["Health provision", "Who will provide this"]
    assert tables["reports"] == ["Reports", "Date"]


def section(*fields):
    return {"sections": [{"title": "One", "fields": list(fields)}]}


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        ({}, "list of sections"),
        ({"sections": []}, "at least one section"),
        (section({"id": "a", "type": "colour", "label": "A"}), "unknown type"),
        (section({"id": "Bad id", "type": "text", "label": "A"}), "lower case"),
        (
            section(
                {"id": "a", "type": "text", "label": "A"}, {"id": "a", "type": "text", "label": "B"}
            ),
            "used twice",
        ),
        (section({"id": "a", "type": "choice", "label": "A", "options": []}), "options"),
        (section({"id": "a", "type": "table", "label": "A", "columns": []}), "needs columns"),
        (section({"id": "a", "type": "text", "label": ""}), "needs a label"),
    ],
)
def test_a_bad_definition_is_refused_on_save(db, definition, problem):
    with pytest.raises(ValidationError, match=problem):
        FormDefinition.objects.create(name="Broken", definition=definition)
    assert not FormDefinition.objects.filter(name="Broken").exists()


def test_a_new_version_of_a_form_type_leaves_the_old_one_for_its_tasks(ehcna, task):
    ehcna.active = False
    ehcna.save()
    FormDefinition.objects.create(name=ehcna.name, version=2, definition=ehcna.definition)

    task.refresh_from_db()
    assert task.form.version == 1


def test_required_answers_are_missing_until_given():
    definition = section(
        {"id": "a", "type": "text", "label": "A", "required": True},
        {
            "id": "t",
            "type": "table",
            "label": "T",
            "required": True,
            "columns": [{"id": "x", "label": "X"}],
        },
        {"id": "b", "type": "text", "label": "B"},
    )

    assert [f["id"] for _, f in missing_required(definition, {"t": [{"x": " "}]})] == ["a", "t"]
    assert missing_required(definition, {"a": "yes", "t": [{"x": "row"}]}) == []
