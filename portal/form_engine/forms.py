"""Forms for the administrators' form types pages (portal.form_engine.views)."""

import json

from django import forms
from django.core.exceptions import ValidationError

from ..models import FormDefinition
from .definitions import validate_definition


class FormTypeForm(forms.Form):
    """A form type's name and its definition as JSON, checked with the same validation as
    FormDefinition.save. On change the name is fixed: a change adds a version."""

    name = forms.CharField(label="Name", max_length=200)
    definition = forms.CharField(
        label="Definition (JSON)",
        widget=forms.Textarea(attrs={"rows": 25, "spellcheck": "false"}),
        help_text="Numbered sections of fields. Field ids are lower case letters, digits and _.",
    )

    def __init__(self, *args, form_type: FormDefinition | None = None, **kwargs):
        self.form_type = form_type
        if form_type is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": form_type.name,
                    "definition": json.dumps(form_type.definition, indent=2, ensure_ascii=False),
                },
            )
        super().__init__(*args, **kwargs)
        if form_type is not None:
            self.fields["name"].disabled = True

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if self.form_type is None and FormDefinition.objects.filter(name__iexact=name).exists():
            raise ValidationError("There is already a form type with this name.")
        return name

    def clean_definition(self):
        text = self.cleaned_data["definition"]
        try:
            definition = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"Enter valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
            ) from None
        validate_definition(definition)
        return definition
