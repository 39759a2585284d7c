"""Form types for system administrators: list, view a version, add a form type, change one
(which adds a new version: tasks keep the version they were created on), retire/reactivate."""

import json

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thrive.access import role_required
from thrive.models import Role
from thrive.ui.tables import Column, Table, render_table

from ..models import FormDefinition
from .forms import FormTypeForm
from .versions import add_version, set_active


def _url(name):
    return reverse(name, args=[0])


def _link(name):
    return lambda form: _url(name).replace("/0/", f"/{form.pk}/")


COLUMNS = [
    Column("name", "Form type", lambda f: f.name, "name", _link("portal:form_type")),
    Column("version", "Version", lambda f: f.version, "version", numeric=True),
    Column("active", "Offered for new tasks", lambda f: f.active, "active"),
    Column("tasks", "Tasks using this version", lambda f: f.task_count, "task_count", numeric=True),
    Column("created", "Added", lambda f: f.created_at, "created_at"),
]


@role_required(Role.SYSTEM_ADMIN)
def form_types(request):
    """Every version of every form type, with how many tasks use each."""
    table = Table(
        title="Form types",
        slug="form-types",
        columns=COLUMNS,
        queryset=FormDefinition.objects.annotate(task_count=Count("tasks")).order_by(
            "name", "-version"
        ),
        empty="There are no form types.",
        description="Changing a form type adds a new version; tasks keep the version they "
        "were created on. Only the version marked as offered is used for new tasks.",
    )
    return render_table(request, table, "portal/form_types/list.html")


@role_required(Role.SYSTEM_ADMIN)
def form_type(request, pk):
    """One version, read-only: its sections and fields, and its JSON."""
    form = get_object_or_404(FormDefinition, pk=pk)
    versions = FormDefinition.objects.filter(name=form.name).annotate(task_count=Count("tasks"))
    return render(
        request,
        "portal/form_types/detail.html",
        {
            "form_type": form,
            "versions": versions.order_by("-version"),
            "is_latest": not versions.filter(version__gt=form.version).exists(),
            "retired": not versions.filter(active=True).exists(),
            "task_count": form.tasks.count(),
            "definition_json": json.dumps(form.definition, indent=2, ensure_ascii=False),
        },
    )


def _edit(request, form_type):
    form = FormTypeForm(request.POST or None, form_type=form_type)
    if request.method == "POST" and form.is_valid():
        saved = add_version(
            name=form.cleaned_data["name"],
            definition=form.cleaned_data["definition"],
            by=request.user,
            request=request,
        )
        messages.success(request, f"{saved} saved. New tasks use this version.")
        return redirect("portal:form_type", saved.pk)
    return render(request, "portal/form_types/edit.html", {"form": form, "form_type": form_type})


@role_required(Role.SYSTEM_ADMIN)
def form_type_add(request):
    """Add a form type: its version 1."""
    return _edit(request, None)


@role_required(Role.SYSTEM_ADMIN)
def form_type_change(request, pk):
    """Change a form type: a new version, pre-filled with the latest version's JSON."""
    form = get_object_or_404(FormDefinition, pk=pk)
    latest = FormDefinition.objects.filter(name=form.name).order_by("-version").first()
    return _edit(request, latest)


@role_required(Role.SYSTEM_ADMIN)
@require_POST
def form_type_active(request, pk):
    """Retire (action=retire) or reactivate (action=reactivate) a form type."""
    form = get_object_or_404(FormDefinition, pk=pk)
    active = request.POST.get("action") == "reactivate"
    latest = set_active(form=form, active=active, by=request.user, request=request)
    if active:
        messages.success(request, f"{latest.name} is offered for new tasks again.")
    else:
        messages.success(request, f"{latest.name} is retired: it is not offered for new tasks.")
    return redirect("portal:form_type", latest.pk)
