"""A form type's versions: changing a form type adds version N+1 and offers it for new tasks;
existing versions are never changed, so every task keeps (and renders with) the version it
was created on. Retiring offers no version; reactivating offers the latest again."""

from django.db import transaction
from django.db.models import Max

from thrive import audit

from ..models import FormDefinition


@transaction.atomic
def add_version(*, name: str, definition: dict, by, request=None) -> FormDefinition:
    """Add version N+1 of form type `name` (version 1 of a new one) and make it the version
    new tasks use. Existing versions are never changed, so tasks keep theirs. Audited."""
    versions = FormDefinition.objects.select_for_update().filter(name=name)
    latest = versions.aggregate(latest=Max("version"))["latest"] or 0
    versions.filter(active=True).update(active=False)
    form = FormDefinition.objects.create(
        name=name, version=latest + 1, definition=definition, active=True
    )
    audit.record(request, "form type version added", form, user=by, note=f"version {form.version}")
    return form


@transaction.atomic
def set_active(*, form: FormDefinition, active: bool, by, request=None) -> FormDefinition:
    """Retire a form type (no version is offered for new tasks) or reactivate it (its latest
    version is offered again). Tasks already created are unaffected. Audited."""
    versions = FormDefinition.objects.select_for_update().filter(name=form.name)
    versions.filter(active=True).update(active=False)
    latest = versions.order_by("-version").first()
    if active:
        versions.filter(pk=latest.pk).update(active=True)
    audit.record(
        request,
        "form type reactivated" if active else "form type retired",
        latest,
        user=by,
        note=f"version {latest.version}",
    )
    return latest
