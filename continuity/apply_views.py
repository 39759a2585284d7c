"""Applying downtime records to Thrive: the check-your-answers page and its one button, and
the re-entry queue's "Apply the selected records". Closed in read-only mode (the middleware
refuses the POST; the service says so too)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from cases.services import CaseActionRefused, StaleCase
from thrive.access import role_required
from thrive.models import Service

from . import applying, records
from .models import DowntimeRecord
from .record_views import RECORDING_ROLES, get_record

MANY_AT_ONCE = 50


def _int_or_none(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


@role_required(*RECORDING_ROLES)
def apply_record(request, pk):
    record = get_record(request, pk)
    plan = applying.preview(record, by=request.user)
    error = ""
    choices = {}
    if request.method == "POST" and not plan.refusal:
        choices = {name: request.POST.get(f"choice-{name}", "") for name in plan.conflicts}
        service = None
        if plan.services:
            service = Service.objects.filter(
                pk=_int_or_none(request.POST.get("service")),
                pk__in=[s.pk for s in plan.services],
            ).first()
            if service is None:
                error = "Choose the commissioned service to refer the family to"
        if not error:
            try:
                applied = applying.apply_record(
                    record,
                    by=request.user,
                    choices=choices,
                    case_version=_int_or_none(request.POST.get("case_version")),
                    service=service,
                    request=request,
                )
            except applying.NeedsChoice:
                error = "Choose which value to keep for each change marked ‘changed since’"
            except StaleCase:
                error = (
                    "The case was saved by someone else while you were checking. Check what "
                    "it holds now, then apply again."
                )
                plan = applying.preview(record, by=request.user)
            except (records.RecordRefused, CaseActionRefused) as refusal:
                error = str(refusal)
            else:
                messages.success(request, applied.message)
                return redirect("continuity:record", record.pk)
    return render(
        request,
        "continuity/records/apply.html",
        {
            "record": record,
            "plan": plan,
            "error": error,
            "choices": choices,
            "chosen_service": _int_or_none(request.POST.get("service"))
            or record.values.get("service")
            or record.service_id,
        },
    )


@role_required(*RECORDING_ROLES)
def apply_many(request):
    if request.method != "POST":
        raise Http404
    ids = [_int_or_none(pk) for pk in request.POST.getlist("record")][:MANY_AT_ONCE]
    chosen = list(
        DowntimeRecord.objects.visible_to(request.user)
        .waiting()
        .filter(pk__in=[pk for pk in ids if pk])
        .order_by("recorded_at", "pk")
    )
    if not chosen:
        messages.info(request, "Select the records to apply.")
        return redirect("continuity:re_entry")
    results = applying.apply_many(chosen, by=request.user, request=request)
    return render(request, "continuity/records/applied_many.html", {"results": results})
