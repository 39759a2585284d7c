from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from thrive import audit
from thrive.access import role_required
from thrive.models import AuditEvent, Role, User

from . import reports, services
from .forms import (
    AllocateForm,
    ArchiveForm,
    CaseEditForm,
    CloseForm,
    DecisionForm,
    ReferenceItemForm,
    ReferralForm,
    UnarchiveForm,
    changes_since,
)
from .models import Case, KeyReason, Outcome, Status, normalise_thrive_id
from .search import KNOWN_BY, possibly_known

CASE_ROLES = (Role.SERVICE_MANAGER, Role.SERVICE_WORKER, Role.EHPS_OFFICER)


CASE_PEOPLE = ("worker", "referred_by", "modified_by", "archived_by")


def get_case(request, thrive_id: str) -> Case:
    """The case by Thrive ID if this person may see it; 404 otherwise. The four people it
    names come in a second query: joined in, PostgreSQL spent 8-10 ms planning an 8-table
    join that ran in 0.5 ms (docs/performance.md)."""
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("service__provider", "outcome"),
        thrive_id=normalise_thrive_id(thrive_id),
    )
    named = {getattr(case, f"{role}_id") for role in CASE_PEOPLE} - {None}
    people = User.objects.in_bulk(named)
    for role in CASE_PEOPLE:
        person_id = getattr(case, f"{role}_id")
        if person_id is not None:
            setattr(case, role, people[person_id])
    return case


TIMELINE_LABELS = {
    "case_referred": "Referred",
    "case_decision_recorded": "Decision recorded",
    "case_worker_allocated": "Worker allocated",
    "case_updated": "Case information edited",
    "case_closed": "Case closed",
    "case_note_corrected": "Case note corrected",
    "case_archived": "Archived",
    "case_unarchived": "Archive undone",
    "exported": "Downloaded",
    "printed": "Printed",
}


def case_timeline(case: Case) -> list[dict]:
    """What happened on the case, newest first: its notes and contacts at the time the work
    was done, and the changes from the audit trail at the time they were made. Adding a note
    is not listed twice: the note itself stands for it."""
    events = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).exclude(
        action__in=["viewed", "case_note_added"]
    )
    items = [
        {"at": event.at, "event": event, "label": TIMELINE_LABELS.get(event.action, event.action)}
        for event in events
    ]
    items += [
        {"at": note.happened_at, "note": note}
        for note in case.notes.select_related("created_by", "modified_by")
    ]
    return sorted(items, key=lambda item: item["at"], reverse=True)


@role_required(*CASE_ROLES)
def case_detail(request, thrive_id):
    case = get_case(request, thrive_id)
    # The actions and the documents section (may_upload) both read this person's memberships.
    prefetch_related_objects([request.user], "memberships")
    printing = request.GET.get("print") == "1"
    audit.record(request, "printed" if printing else "viewed", case)
    timeline = case_timeline(case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "key_reasons": case.key_reasons.all(),
            "actions": services.available_actions(request.user, case),
            "timeline": timeline,
            "printing": printing,
        },
    )


@role_required(Role.EHPS_OFFICER)
def refer(request):
    """Refer a family. Before saving, the officer is shown the cases in their districts that
    may be the same child ("this family may already be known"), and goes on only once they
    have seen them."""
    form = ReferralForm(request.POST or None, officer=request.user)
    known = []
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "service"}
        if request.POST.get("known_checked") != "1":
            known = possibly_known(request.user, **{name: data[name] for name in KNOWN_BY})
        if not known:
            case = services.refer_case(
                by=request.user, service=form.cleaned_data["service"], request=request, **data
            )
            messages.success(request, f"Case {case.thrive_id} has been referred to {case.service}.")
            return redirect("cases:detail", case.thrive_id)
    return render(request, "cases/refer.html", {"form": form, "known": known})


ACTION_PAGES = {
    "cases/edit.html": ("Edit case information", "Save"),
    "cases/decide.html": ("Commissioned Services Information", "Save decision"),
    "cases/allocate.html": ("Allocate a worker", "Save worker"),
    "cases/close.html": ("Close the case", "Close case"),
    "cases/archive.html": ("Archive this case", "Archive case"),
    "cases/unarchive.html": ("Undo the archive", "Undo archive"),
}


# In read-only mode a change page's form is kept in the Downtime tracker instead: the Edit,
# note, Record decision and Allocate worker pages' values become a structured record (their
# forms have the "work" prefix a record's work form has); the others' become a free-text
# record, filled in for the person to check.
DOWNTIME_PREFIX = "work"
STRUCTURED_PAGES = {
    "cases/edit.html": "case_change",
    "cases/note_form.html": "note",
    "cases/decide.html": "decision",
    "cases/allocate.html": "decision",
}
CARRIED_PAGES = {
    "cases/close.html": "close",
    "cases/archive.html": "archive",
    "cases/unarchive.html": "unarchive",
}


def in_read_only(request) -> bool:
    return getattr(request, "downtime", None) is not None


def _prefix(request) -> str | None:
    """In read-only mode a page's form posts into a downtime record, whose fields have the
    record's prefix."""
    return DOWNTIME_PREFIX if in_read_only(request) else None


def carry_to_tracker(request, case: Case, page: str) -> dict | None:
    """Where the page's form goes while Thrive is read-only, and what it carries with it."""
    if not in_read_only(request):
        return None
    if page in STRUCTURED_PAGES:
        url = reverse("continuity:record_add_kind", args=[STRUCTURED_PAGES[page]])
        return {"url": f"{url}?case={case.thrive_id}", "fields": {"carried": "1"}}
    return {
        "url": reverse("continuity:record_carried"),
        "fields": {"page": CARRIED_PAGES[page], "case": case.thrive_id},
    }


def _versioned_action(request, case, form, template, perform, *, success):
    """The shared shape of every case action: validate, perform, and on a stale version
    show what the other person changed, keeping this person's input."""
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            perform(form)
        except services.StaleCase as conflict:
            stale = {
                "by": conflict.current.modified_by,
                "at": conflict.current.modified_at,
                "changes": changes_since(form.opened_snapshot(), conflict.current),
            }
            form = form.refreshed_for(conflict.current)
            case = conflict.current
        except services.CaseActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, success)
            return redirect("cases:detail", case.thrive_id)
    title, button = ACTION_PAGES[template]
    return render(
        request,
        template,
        {
            "case": case,
            "form": form,
            "stale": stale,
            "action_title": title,
            "button_text": button,
            "carry": carry_to_tracker(request, case, template),
        },
    )


def _require(request, action, case):
    if not services.may(request.user, action, case):
        raise Http404  # the link is not offered; a typed URL reveals nothing


@role_required(*CASE_ROLES)
def edit_case(request, thrive_id):
    case = get_case(request, thrive_id)
    _require(request, "edit", case)
    roles = services.roles_on_case(request.user, case)
    include_work = bool(roles & {Role.SERVICE_MANAGER, Role.SERVICE_WORKER}) and case.status in (
        Status.OPEN,
        Status.CLOSED,
    )
    form = CaseEditForm(
        request.POST or None,
        case=case,
        include_work=include_work,
        prefix=_prefix(request),
    )

    def perform(form):
        services.update_case(
            case,
            by=request.user,
            version=form.cleaned_data["version"],
            fields=form.changed_fields(),
            key_reasons=form.cleaned_data.get("key_reasons") if include_work else None,
            request=request,
        )

    return _versioned_action(
        request, case, form, "cases/edit.html", perform, success="The case has been saved."
    )


def _already_decided(request, case):
    """The answer to a manager who lost the race to record the decision (or opened a link to
    a case decided since): who decided and when, not "Page not found"."""
    decision = (
        AuditEvent.objects.filter(
            object_type="cases.case", object_id=str(case.pk), action="case_decision_recorded"
        )
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )
    return render(
        request,
        "cases/already_decided.html",
        {
            "case": case,
            "by": decision.user if decision else case.modified_by,
            "at": decision.at if decision else case.modified_at,
        },
        status=409 if request.method == "POST" else 200,
    )


@role_required(Role.SERVICE_MANAGER)
def decide(request, thrive_id):
    case = get_case(request, thrive_id)
    if (
        case.response_date
        and not services.may(request.user, "decide", case)
        and Role.SERVICE_MANAGER in services.roles_on_case(request.user, case)
    ):
        return _already_decided(request, case)
    _require(request, "decide", case)
    form = DecisionForm(request.POST or None, case=case, prefix=_prefix(request))

    def perform(form):
        data = form.cleaned_data
        try:
            services.record_decision(
                case,
                by=request.user,
                version=data["version"],
                response_date=data["response_date"],
                progressing=data["progressing"],
                decline_reason=data.get("decline_reason", ""),
                waiting_list=data.get("waiting_list"),
                predicted_start_date=data.get("predicted_start_date"),
                request=request,
            )
        except services.StaleCase as conflict:
            # Someone decided between this request reading the case and writing it.
            if not services.may(request.user, "decide", conflict.current):
                raise _DecidedMeanwhile(conflict.current) from conflict
            raise

    try:
        return _versioned_action(
            request,
            case,
            form,
            "cases/decide.html",
            perform,
            success="The decision has been saved.",
        )
    except _DecidedMeanwhile as lost:
        return _already_decided(request, lost.case)


class _DecidedMeanwhile(Exception):
    def __init__(self, case):
        self.case = case


@role_required(Role.SERVICE_MANAGER)
def allocate(request, thrive_id):
    case = get_case(request, thrive_id)
    _require(request, "allocate", case)
    form = AllocateForm(request.POST or None, case=case, prefix=_prefix(request))

    def perform(form):
        services.allocate_worker(
            case,
            by=request.user,
            version=form.cleaned_data["version"],
            worker=form.cleaned_data["worker"],
            date_appointed=form.cleaned_data["date_appointed"],
            request=request,
        )

    return _versioned_action(
        request,
        case,
        form,
        "cases/allocate.html",
        perform,
        success="The worker has been allocated.",
    )


@role_required(Role.SERVICE_MANAGER, Role.SERVICE_WORKER)
def close(request, thrive_id):
    case = get_case(request, thrive_id)
    _require(request, "close", case)
    form = CloseForm(request.POST or None, case=case)

    def perform(form):
        data = form.cleaned_data
        services.close_case(
            case,
            by=request.user,
            version=data["version"],
            closure_date=data["closure_date"],
            outcome=data["outcome"],
            closure_summary=data["closure_summary"],
            request=request,
        )

    return _versioned_action(
        request, case, form, "cases/close.html", perform, success="The case has been closed."
    )


@role_required(Role.SERVICE_MANAGER, Role.EHPS_OFFICER)
def archive(request, thrive_id):
    case = get_case(request, thrive_id)
    if not (
        services.may(request.user, "archive", case)
        or services.may(request.user, "archive_declined", case)
    ):
        raise Http404
    form = ArchiveForm(request.POST or None, case=case)

    def perform(form):
        services.archive_case(
            case, by=request.user, version=form.cleaned_data["version"], request=request
        )

    return _versioned_action(
        request, case, form, "cases/archive.html", perform, success="The case has been archived."
    )


@role_required(Role.SERVICE_MANAGER)
def unarchive(request, thrive_id):
    case = get_case(request, thrive_id)
    _require(request, "unarchive", case)
    form = UnarchiveForm(request.POST or None, case=case)

    def perform(form):
        services.unarchive_case(
            case,
            by=request.user,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            request=request,
        )

    return _versioned_action(
        request, case, form, "cases/unarchive.html", perform, success="The archive has been undone."
    )


@role_required(*CASE_ROLES)
def find_case(request):
    """Go straight to a case by its Thrive ID, however it was typed."""
    thrive_id = normalise_thrive_id(request.GET.get("thrive_id", ""))
    if thrive_id and Case.objects.visible_to(request.user).filter(thrive_id=thrive_id).exists():
        return redirect("cases:detail", thrive_id)
    messages.info(
        request, f"No case you can see has the Thrive ID “{request.GET.get('thrive_id', '')}”."
    )
    back = request.GET.get("back", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    return redirect(back if back and safe else reverse("home"))


# Lists and reports live in cases/reports.py; these views only pick the table.
@role_required(Role.SERVICE_WORKER)
def my_cases(request):
    return reports.my_cases(request)


@role_required(Role.SERVICE_MANAGER)
def managers_area(request):
    return reports.managers_area(request)


@role_required(Role.SERVICE_MANAGER)
def requiring_action(request):
    return reports.requiring_action(request)


@role_required(Role.SERVICE_MANAGER, Role.EHPS_OFFICER)
def archive_list(request):
    return reports.archive_list(request)


@role_required(Role.EHPS_OFFICER)
def ehps_area(request):
    return reports.ehps_area(request)


@role_required(Role.SERVICE_MANAGER, Role.EHPS_OFFICER)
def report_index(request):
    return render(request, "cases/report_index.html", {"reports": reports.REPORTS})


@role_required(Role.SERVICE_MANAGER, Role.EHPS_OFFICER)
def report(request, slug):
    if slug not in reports.REPORTS:
        raise Http404
    return reports.REPORTS[slug]["view"](request)


REFERENCE_LISTS = {
    "key-reasons": ("Key Reasons for Support", KeyReason),
    "outcomes": ("Outcome of Involvement", Outcome),
}


@role_required(Role.SYSTEM_ADMIN)
def reference_list(request, kind, pk=None):
    """The administrators' lists: add an entry, rename, reorder or retire one."""
    if kind not in REFERENCE_LISTS:
        raise Http404
    title, model = REFERENCE_LISTS[kind]
    item = get_object_or_404(model, pk=pk) if pk else None
    form = ReferenceItemForm(request.POST or None, model=model, instance=item)
    if request.method == "POST" and form.is_valid():
        services.save_reference_item(
            model, by=request.user, item=item, request=request, **form.cleaned_data
        )
        messages.success(request, f"{title} saved.")
        return redirect("cases:reference_list", kind)
    return render(
        request,
        "cases/reference_list.html",
        {
            "title": title,
            "kind": kind,
            "items": model.objects.all(),
            "form": form,
            "item": item,
            "lists": REFERENCE_LISTS,
        },
    )
