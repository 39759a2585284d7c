from django import forms
from django.core.exceptions import ValidationError

from cases.models import Case, normalise_thrive_id

from .fields import SafeFileField
from .uploads import ALLOWED_EXTENSIONS, UploadRefused, check_upload

FILE_HINT = (
    "Word (.doc, .docx), PDF, Excel (.xlsx), JPG or PNG. Thrive names each file "
    "ThriveID-date-filename for you."
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class SafeFilesField(SafeFileField):
    """Several files at once; each is checked (check_upload) and every refusal is reported
    on the field, naming the file. The cleaned value is a list of CheckedUploads."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": ",".join(sorted(ALLOWED_EXTENSIONS)), "multiple": True}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        checked, problems = [], []
        for upload in files:
            refusal = getattr(upload, "refusal", None)
            try:
                if refusal:
                    raise UploadRefused(refusal, code=upload.refusal_code)
                checked.append(check_upload(upload))
            except UploadRefused as refused:
                problems.append(
                    ValidationError(
                        "%(name)s: %(reason)s",
                        params={"name": upload.name, "reason": refused.message},
                        code=refused.code,
                    )
                )
        if problems:
            if len(files) > 1:
                problems.append(
                    ValidationError(
                        "No files were uploaded. Remove or fix these files and try again"
                    )
                )
            raise ValidationError(problems)
        return checked


class ThriveIdField(forms.CharField):
    """The Thrive ID of a case the person may use, however it was typed (`kt 12`, `KT000012`).
    An unknown ID is refused here, so a document is never stored with no Thrive ID."""

    def __init__(self, *, cases=None, **kwargs):
        kwargs.setdefault("label", "Thrive ID")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "For example KT000123. Spaces and small letters are fine.")
        super().__init__(**kwargs)
        self.cases = cases if cases is not None else Case.objects.none()
        self.error_messages["required"] = "Enter the Thrive ID of the case"

    def clean(self, value):
        value = super().clean(value)
        thrive_id = normalise_thrive_id(value)
        case = self.cases.filter(thrive_id=thrive_id).select_related("service").first()
        if case is None:
            raise ValidationError(
                "There is no case with the Thrive ID %(id)s that you can add documents to. "
                "Check the Thrive ID, or find the case by family name",
                params={"id": value.strip()},
                code="unknown",
            )
        return case


class TitleMixin(forms.Form):
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=200,
        help_text="What the document is, for example Family plan. Leave blank to use the "
        "file's name.",
    )


class CaseUploadForm(TitleMixin):
    files = SafeFilesField(label="Choose files", help_text=FILE_HINT)

    field_order = ["files", "title"]


class LibraryUploadForm(CaseUploadForm):
    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thrive_id"] = ThriveIdField(cases=cases)
        self.order_fields(["thrive_id", "files", "title"])


class NewVersionForm(forms.Form):
    file = SafeFileField(label="Choose the new version", help_text=FILE_HINT)


class CarriedUploadForm(forms.Form):
    """An upload page's fields while Thrive is read-only: they post into a downtime record
    (whose form has the "work" prefix), which keeps the file, checked as every upload is,
    until the record is applied to the case's library."""

    file = SafeFileField(label="Choose the file", help_text=FILE_HINT)
    title = TitleMixin.base_fields["title"]
    document = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, document=None, **kwargs):
        kwargs.setdefault("prefix", "work")
        super().__init__(*args, **kwargs)
        if document is not None:  # a new version of it: its title is the document's
            self.initial["document"] = document.pk
            del self.fields["title"]


class CarriedLibraryUploadForm(CarriedUploadForm):
    """The library's Upload Document page while Thrive is read-only: the Thrive ID is the
    record's case, checked by the tracker among the cases the person can see."""

    case = forms.CharField(label="Thrive ID", max_length=20, help_text="For example KT000123")

    field_order = ["case", "file", "title"]

    def add_prefix(self, field_name):
        return field_name if field_name == "case" else super().add_prefix(field_name)


class EditPropertiesForm(forms.Form):
    title = forms.CharField(label="Title", required=False, max_length=200)
    # When the form was opened, to detect someone else's change in the meantime.
    opened = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thrive_id"] = ThriveIdField(
            cases=cases,
            help_text="The case this document belongs to. Thrive renames the document to match it.",
        )
        self.order_fields(["thrive_id", "title"])


class CaseSearchForm(forms.Form):
    mark_optional = False

    q = forms.CharField(
        label="Find a case by Thrive ID or family name", required=False, max_length=100
    )
