"""The Downtime tracker, downtime records and the re-entry queue. Adding and changing a
record stay open in read-only mode (that is what they are for); marking one as entered does
not, because re-entry happens once Thrive is back."""

from html import escape

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from cases.models import Case
from cases.reports import case_link
from thrive import audit
from thrive.access import role_required
from thrive.models import SERVICE_ROLES, AuditEvent, Role, Service
from thrive.ui.tables import Column, Table, display, render_table, row_url

from . import records
from .models import DowntimeRecord
from .readonly import allowed_in_read_only
from .record_forms import ChangeRecordForm, DowntimeRecordForm, changes_since

RECORDING_ROLES = records.RECORDING_ROLES


def get_record(request, pk: int) -> DowntimeRecord:
    """The record if this person may see it; 404 otherwise."""
    return get_object_or_404(
        DowntimeRecord.objects.visible_to(request.user).select_related(
            "created_by__organisation", "service", "sent_to", "entered_by", "downtime"
        ),
        pk=pk,
    )


def team_name(user) -> str:
    """The tracker's "Team Name": the person's services, or else their organisation."""
    names = list(
        Service.objects.filter(memberships__user=user, memberships__role__in=SERVICE_ROLES)
        .distinct()
        .values_list("name", flat=True)
    )
    if names:
        return ", ".join(names)
    return user.organisation.name if user.organisation_id else ""


def author_team(record: DowntimeRecord) -> str:
    if record.service_id:
        return record.service.name
    organisation = record.created_by.organisation
    return organisation.name if organisation else record.created_by.full_name


# --- Columns ------------------------------------------------------------------------------


def record_link(record: DowntimeRecord) -> str:
    return row_url("continuity:record", record.pk)


def surname_and_dob(record: DowntimeRecord) -> str:
    return f"{record.child_surname} {display(record.child_date_of_birth)}".strip()


def _thrive_id_linked_to_case(record: DowntimeRecord) -> str:
    if record.case_id is None:
        return escape(record.thrive_id)
    href = escape(case_link(record.case))
    return f'<a class="govuk-link" href="{href}">{escape(record.thrive_id)}</a>'


def _surname_linked_to_record(record: DowntimeRecord) -> str:
    return (
        f'<a class="govuk-link" href="{escape(record_link(record))}">'
        f"{escape(surname_and_dob(record))}"
        '<span class="govuk-visually-hidden"> – open the downtime record</span></a>'
    )


THRIVE_ID = Column(
    "thrive_id",
    "Thrive ID or NEW",
    lambda r: r.thrive_id,
    "thrive_id",
    related="case",
    html=_thrive_id_linked_to_case,
)
THRIVE_ID_PLAIN = Column("thrive_id", "Thrive ID or NEW", lambda r: r.thrive_id, "thrive_id")
CHILD = Column(
    "child",
    "Child Surname and DOB",
    surname_and_dob,
    "child_surname",
    html=_surname_linked_to_record,
)
RESTRICTED = Column("restricted", "Restricted Record?", lambda r: r.restricted, "restricted")
RECORDED = Column(
    "recorded", "Date & Time Information Recorded", lambda r: r.recorded_at, "recorded_at"
)
NATURE = Column(
    "nature",
    "Nature of Work Undertaken",
    lambda r: r.get_nature_of_work_display(),
    "nature_of_work",
)
SENT_TO = Column(
    "sent_to",
    "TEMPLATE REFERRAL to",
    lambda r: r.sent_to.name if r.sent_to_id else "",
    "sent_to__name",
    related="sent_to",
)
ENTERED = Column("entered", "Date Entered into Thrive", lambda r: r.entered_at, "entered_at")
RECORDED_BY = Column(
    "recorded_by",
    "Recorded by",
    lambda r: r.created_by.full_name,
    "created_by__full_name",
    related="created_by__organisation",
)


def referral_column(viewer_services: set[int]) -> Column:
    """TEMPLATE REFERRALS in the words of the email subject they replace: "from" the author's
    team when sent to one of the viewer's services, "to" the receiving one otherwise."""

    def value(record):
        if not record.sent_to_id:
            return ""
        if record.sent_to_id in viewer_services:
            return f"TEMPLATE REFERRAL from {author_team(record)}"
        return f"TEMPLATE REFERRAL to {record.sent_to.name}"

    return Column("referral", "TEMPLATE REFERRAL", value, "sent_to__name", related="sent_to")


# --- Pages --------------------------------------------------------------------------------


@role_required(*RECORDING_ROLES)
def tracker(request):
    printing = request.GET.get("print") == "1"
    if printing:
        audit.record(request, "printed", object_type="report", object_id="downtime-tracker")
    table = Table(
        title="Downtime tracker",
        slug="downtime-tracker",
        columns=[THRIVE_ID, CHILD, RESTRICTED, RECORDED, NATURE, SENT_TO, ENTERED],
        queryset=DowntimeRecord.objects.visible_to(request.user).filter(created_by=request.user),
        default_sort="-recorded",
        empty="You have no downtime records.",
        per_page=500 if printing else 50,
    )
    return render_table(
        request,
        table,
        "continuity/records/tracker.html",
        team_name=team_name(request.user),
        printing=printing,
    )


@role_required(*RECORDING_ROLES)
def re_entry(request):
    viewer_services = set(
        Service.objects.filter(
            memberships__user=request.user, memberships__role__in=SERVICE_ROLES
        ).values_list("pk", flat=True)
    )
    table = Table(
        title="Re-entry queue",
        slug="re-entry",
        description="Downtime records waiting to be entered into Thrive, oldest first: your "
        "own and, if you manage a service, your team’s and the TEMPLATE REFERRALS sent to it. "
        "Open one, enter the work into Thrive, then mark it as entered.",
        columns=[
            THRIVE_ID_PLAIN,
            CHILD,
            NATURE,
            RECORDED_BY,
            RECORDED,
            referral_column(viewer_services),
        ],
        # The author's service names the team a TEMPLATE REFERRAL came from.
        queryset=DowntimeRecord.objects.visible_to(request.user)
        .waiting()
        .select_related("service"),
        default_sort="recorded",
        empty="Nothing is waiting to be entered into Thrive.",
    )
    return render_table(request, table, "continuity/records/re_entry.html")


@allowed_in_read_only
@role_required(*RECORDING_ROLES)
def add_record(request):
    form = DowntimeRecordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            records.add_record(by=request.user, request=request, **form.record_fields())
        except records.RecordRefused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, "Your downtime record has been saved.")
            return redirect("continuity:tracker")
    return render(
        request,
        "continuity/records/record_form.html",
        {"form": form, "title": "Add a downtime record", "button_text": "Save record"},
    )


def _last_change(record: DowntimeRecord):
    """Who saved the record last, and when, from the audit trail."""
    return (
        AuditEvent.objects.filter(object_type="continuity.downtimerecord", object_id=str(record.pk))
        .exclude(action__in=["viewed", "printed"])
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )


@allowed_in_read_only
@role_required(*RECORDING_ROLES)
def change_record(request, pk):
    record = get_record(request, pk)
    if record.created_by_id != request.user.pk:
        raise Http404  # a manager sees a colleague's record but never changes it
    if record.entered_at is not None:
        messages.info(request, records.ALREADY_ENTERED)
        return redirect("continuity:record", record.pk)
    form = ChangeRecordForm(request.POST or None, user=request.user, record=record)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            records.change_record(
                record,
                by=request.user,
                version=form.cleaned_data["version"],
                request=request,
                **form.record_fields(),
            )
        except records.StaleRecord as conflict:
            last = _last_change(conflict.current)
            stale = {
                "by": last.user if last else None,
                "at": last.at if last else None,
                "changes": changes_since(form.opened_snapshot(), conflict.current),
            }
            form = form.refreshed_for(conflict.current)
        except records.RecordRefused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, "Your downtime record has been saved.")
            return redirect("continuity:record", record.pk)
    return render(
        request,
        "continuity/records/record_form.html",
        {
            "form": form,
            "record": record,
            "stale": stale,
            "title": "Change a downtime record",
            "button_text": "Save changes",
        },
    )


@role_required(*RECORDING_ROLES)
def record_detail(request, pk):
    record = get_record(request, pk)
    audit.record(request, "viewed", record)
    case_visible = (
        record.case_id is not None
        and Case.objects.visible_to(request.user).filter(pk=record.case_id).exists()
    )
    return render(
        request,
        "continuity/records/record_detail.html",
        {
            "record": record,
            "author_team": author_team(record),
            "may_change": record.created_by_id == request.user.pk and record.entered_at is None,
            "case_visible": case_visible,
            "may_refer": record.thrive_id == records.NEW
            and request.user.has_role(Role.EHPS_OFFICER),
        },
    )


def _mark(request, pk, action, success):
    record = get_record(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        action(record, by=request.user, request=request)
    except records.RecordRefused as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(request, success)
    return redirect("continuity:record", record.pk)


@role_required(*RECORDING_ROLES)
def mark_entered(request, pk):
    return _mark(
        request, pk, records.mark_entered, "The record has been marked as entered into Thrive."
    )


@role_required(*RECORDING_ROLES)
def mark_not_entered(request, pk):
    return _mark(
        request,
        pk,
        records.mark_not_entered,
        "The record is back in the re-entry queue: it has not been entered into Thrive.",
    )
