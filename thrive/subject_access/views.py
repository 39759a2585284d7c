"""Subject access requests, for system administrators: choose a child, confirm which records
are about them, and download everything held once it is built in the background."""

from django import forms
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from thrive import audit
from thrive.access import role_required
from thrive.models import Role, SubjectAccessRequest
from thrive.ui.govuk_forms import GovukDateField

from . import Child, sources


class ChildForm(forms.Form):
    first_name = forms.CharField(
        label="Child’s first name",
        max_length=100,
        error_messages={"required": "Enter the child’s first name"},
    )
    last_name = forms.CharField(
        label="Child’s last name",
        max_length=100,
        error_messages={"required": "Enter the child’s last name"},
    )
    date_of_birth = GovukDateField(label="Child’s date of birth", allow_future=False)

    def child(self) -> Child:
        data = self.cleaned_data
        return Child(data["first_name"], data["last_name"], data["date_of_birth"])


def candidates_for(child: Child) -> list[dict]:
    return [{"source": source, "candidates": list(source.find(child))} for source in sources()]


def _mine(request, pk) -> SubjectAccessRequest:
    """A request made by this administrator; anyone else's answers 404."""
    return get_object_or_404(SubjectAccessRequest, pk=pk, requested_by=request.user)


@role_required(Role.SYSTEM_ADMIN)
def subject_access(request):
    form = ChildForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        child = form.child()
        found = candidates_for(child)
        if request.POST.get("confirm") == "1":
            offered = {s["source"].kind: {c.pk for c in s["candidates"]} for s in found}
            selection = {
                kind: sorted(pk for pk in map(int, request.POST.getlist(kind)) if pk in pks)
                for kind, pks in offered.items()
            }
            selection = {kind: pks for kind, pks in selection.items() if pks}
            if selection:
                made = start_request(request, child=child, selection=selection)
                return redirect("subject_access_detail", made.pk)
            form.add_error(None, "Choose at least one record that is about this child")
    return render(
        request,
        "thrive/subject_access/start.html",
        {
            "form": form,
            "found": found,
            "requests": SubjectAccessRequest.objects.filter(requested_by=request.user)[:20],
        },
    )


@transaction.atomic
def start_request(request, *, child: Child, selection: dict) -> SubjectAccessRequest:
    """Record the request, audit it, and build it in the background once committed."""
    from thrive.tasks import build_subject_access_bundle

    made = SubjectAccessRequest.objects.create(
        requested_by=request.user,
        child_first_name=child.first_name,
        child_last_name=child.last_name,
        child_date_of_birth=child.date_of_birth,
        selection=selection,
        total=sum(len(pks) for pks in selection.values()),
    )
    audit.record(
        request,
        "subject_access_requested",
        made,
        note=f"{made.total} records",
    )
    transaction.on_commit(lambda: build_subject_access_bundle.delay(made.pk))
    return made


@role_required(Role.SYSTEM_ADMIN)
def subject_access_detail(request, pk):
    made = _mine(request, pk)
    return render(request, "thrive/subject_access/detail.html", {"made": made})


@role_required(Role.SYSTEM_ADMIN)
def subject_access_download(request, pk):
    made = _mine(request, pk)
    if not made.downloadable:
        raise Http404
    from django.core.files.storage import default_storage

    audit.record(request, "subject_access_downloaded", made)
    response = FileResponse(
        default_storage.open(made.file, "rb"),
        as_attachment=True,
        filename=f"subject-access-{made.pk}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
