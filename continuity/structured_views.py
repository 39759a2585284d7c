"""Structured downtime records: choosing what to record, then the kind's own form (the live
form's fields and checks) with when it was recorded and whether it is restricted. Open in
read-only mode, which is what they are for."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from cases.forms import ArchiveForm, CloseForm, UnarchiveForm
from cases.models import Case, normalise_thrive_id
from thrive.access import role_required
from thrive.ui.tables import display

from . import kinds, records
from .models import DowntimeRecord, NatureOfWork, RecordKind
from .readonly import allowed_in_read_only
from .record_forms import (
    DETAILS_MAX,
    LONDON,
    CaseChoiceForm,
    DowntimeRecordForm,
    KindChoiceForm,
    StructuredRecordForm,
)
from .record_views import RECORDING_ROLES, get_record

TITLES = {
    RecordKind.NOTE: "Record a case note or contact",
    RecordKind.CASE_CHANGE: "Record a change to case information",
    RecordKind.DECISION: "Record a decision or a worker allocated",
    RecordKind.NEW_FAMILY: "Record a new family (NEW)",
    RecordKind.ATTACHMENT: "Keep a document or photo to attach",
}
STALE = (
    "This record was changed since you opened it (in another window, or by a manager marking "
    "it entered). Check it below and save again."
)


@allowed_in_read_only
@role_required(*RECORDING_ROLES)
def start_record(request):
    form = KindChoiceForm(request.GET if "kind" in request.GET else None)
    if form.is_bound and form.is_valid():
        kind = form.cleaned_data["kind"]
        if kind == RecordKind.FREE_TEXT:
            return redirect("continuity:record_add")
        return redirect("continuity:record_add_kind", kind)
    return render(request, "continuity/records/start.html", {"form": form})


def _case_for(request, kind):
    """The case a case kind's record belongs to (from ?case=), or the page that asks."""
    # The case by ?case=, or, from the library's Upload Document page in read-only mode, as
    # typed on it (posted with the file).
    if "case" in request.GET:
        chosen = request.GET
    elif request.method == "POST" and request.POST.get("carried") == "1" and "case" in request.POST:
        chosen = request.POST
    else:
        chosen = None
    chooser = CaseChoiceForm(chosen, user=request.user, kind=kind)
    if chooser.is_bound and chooser.is_valid():
        return chooser.found, None
    page = render(
        request,
        "continuity/records/choose_case.html",
        {"form": chooser, "title": TITLES[kind]},
    )
    return None, page


def _render(request, kind, *, case, common, work, record=None, version=None, button="Save record"):
    return render(
        request,
        "continuity/records/kind_form.html",
        {
            "kind": kind,
            "title": TITLES[kind] if record is None else f"Change downtime record {record.pk}",
            "case": case,
            "common": common,
            "work": work,
            "record": record,
            "version": version,
            "button_text": button,
            "errors": [form for form in (common, work) if form.errors],
        },
    )


@allowed_in_read_only
@role_required(*RECORDING_ROLES)
def add_structured_record(request, kind):
    if kind not in kinds.STRUCTURED_KINDS:
        raise Http404
    case = None
    if kind in kinds.CASE_KINDS:
        case, page = _case_for(request, kind)
        if page is not None:
            return page
    posted = request.method == "POST"
    # From the case's Edit page in read-only mode: only the case's fields were typed, so the
    # record is kept as of now, not restricted, unless the person changes that here.
    carried = posted and request.POST.get("carried") == "1"
    common = StructuredRecordForm(
        request.POST if posted and not carried else None, user=request.user
    )
    work = kinds.work_form(
        kind,
        request.POST if posted else None,
        request.FILES if posted else None,
        user=request.user,
        case=case,
    )
    if posted and work.is_valid() and (carried or common.is_valid()):
        own = common.record_fields() if not carried else _as_of_now()
        fields = {**own, **kinds.record_fields(kind, work.record_values(), case=case)}
        try:
            record = records.add_record(
                by=request.user,
                request=request,
                attachment=work.cleaned_data.get("file"),
                **fields,
            )
        except records.RecordRefused as refusal:
            work.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                f"Downtime record {record.pk} has been saved in your Downtime tracker. Apply it "
                "to Thrive once Thrive is back.",
            )
            return redirect("continuity:record", record.pk)
    return _render(request, kind, case=case, common=common, work=work)


def _as_of_now() -> dict:
    now = timezone.localtime(timezone.now(), LONDON).replace(second=0, microsecond=0)
    return {"restricted": False, "recorded_at": now}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


@allowed_in_read_only
@role_required(*RECORDING_ROLES)
def change_structured_record(request, pk):
    """The author corrects a structured record while it waits to be applied."""
    record: DowntimeRecord = get_record(request, pk)
    if record.created_by_id != request.user.pk or record.kind not in kinds.STRUCTURED_KINDS:
        raise Http404
    if record.entered_at is not None:
        messages.info(request, records.ALREADY_ENTERED)
        return redirect("continuity:record", record.pk)
    case = record.case
    posted = request.method == "POST"
    recorded = timezone.localtime(record.recorded_at, LONDON)
    common = StructuredRecordForm(
        request.POST if posted else None,
        user=request.user,
        initial={
            "restricted": "yes" if record.restricted else "no",
            "recorded_date": recorded.date(),
            "recorded_time": f"{recorded:%H:%M}",
        },
    )
    work = kinds.work_form(
        record.kind,
        request.POST if posted else None,
        request.FILES if posted else None,
        user=request.user,
        case=case,
        initial=kinds.initial_from(record),
        values=record.values,
    )
    if record.kind == RecordKind.ATTACHMENT:
        work.fields["file"].required = False
        work.fields["file"].help_text = "The file kept with the record stays as it is."
    version = VersionForm(request.POST if posted else None, initial={"version": record.version})
    if posted and common.is_valid() and work.is_valid() and version.is_valid():
        values = work.record_values()
        if record.kind in (RecordKind.CASE_CHANGE, RecordKind.DECISION):
            values["base"], values["version"] = record.values["base"], record.values["version"]
        if record.kind == RecordKind.CASE_CHANGE:
            values["base_key_reasons"] = record.values.get("base_key_reasons")
        fields = {**common.record_fields(), **kinds.record_fields(record.kind, values, case=case)}
        del fields["kind"]
        try:
            records.change_record(
                record,
                by=request.user,
                version=version.cleaned_data["version"],
                request=request,
                **fields,
            )
        except records.StaleRecord as conflict:
            common.add_error(None, STALE)
            version = VersionForm(initial={"version": conflict.current.version})
        except records.RecordRefused as refusal:
            common.add_error(None, str(refusal))
        else:
            messages.success(request, "Your downtime record has been saved.")
            return redirect("continuity:record", record.pk)
    return _render(
        request,
        record.kind,
        case=case,
        common=common,
        work=work,
        record=record,
        version=version,
        button="Save changes",
    )


# The case pages whose changes have no structured kind: what they carry becomes a free-text
# record, filled in for the person to check and save.
CARRIED_FORMS = {
    "close": (CloseForm, NatureOfWork.CLOSURE, "Close the case"),
    "archive": (ArchiveForm, NatureOfWork.OTHER, "Archive this case"),
    "unarchive": (UnarchiveForm, NatureOfWork.OTHER, "Undo the archive"),
}
HIDDEN = frozenset({"version", "snapshot"})


def _typed_lines(form) -> list[str]:
    """What was typed on a case form, one "Label: value" line a field, in the form's order."""
    form.is_valid()
    lines = []
    for name, field in form.fields.items():
        if name in HIDDEN:
            continue
        value = form.cleaned_data.get(name) if name in form.cleaned_data else None
        if value is None:
            value = form[name].value()
        if isinstance(field, forms.ChoiceField) and not isinstance(value, (list, tuple)):
            value = dict(field.choices).get(value, value) if value not in (None, "") else ""
        shown = display(value)
        if shown:
            lines.append(f"{field.label}: {shown}")
    return lines


@allowed_in_read_only
@role_required(*RECORDING_ROLES)
def record_carried(request):
    """A case change page's form, posted while Thrive is read-only, as a free-text record."""
    if request.method != "POST" or request.POST.get("page") not in CARRIED_FORMS:
        raise Http404
    case = get_object_or_404(
        Case.objects.visible_to(request.user),
        thrive_id=normalise_thrive_id(request.POST.get("case", "")),
    )
    form_class, nature, title = CARRIED_FORMS[request.POST["page"]]
    typed = form_class(request.POST, case=case)
    now = timezone.localtime(timezone.now(), LONDON)
    details = "\n".join([f"{title} on case {case.thrive_id}:", *_typed_lines(typed)])
    form = DowntimeRecordForm(
        user=request.user,
        initial={
            "thrive_id": case.thrive_id,
            "child_surname": case.child_last_name,
            "child_date_of_birth": case.child_date_of_birth,
            "restricted": "no",
            "nature_of_work": nature,
            "details": details[:DETAILS_MAX],
            "recorded_date": now.date(),
            "recorded_time": f"{now:%H:%M}",
        },
    )
    return render(
        request,
        "continuity/records/record_form.html",
        {
            "form": form,
            "title": "Add a downtime record",
            "button_text": "Save record",
            "action": reverse("continuity:record_add"),
            "carried": True,
        },
    )
