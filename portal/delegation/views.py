"""Delegation Portal pages. Each view finds the task through Task.objects.visible_to (404
otherwise), calls one service function for any change, and renders."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from thrive import audit
from thrive.access import role_required
from thrive.database import primary_available
from thrive.models import Role, WorkGroup
from thrive.ui.tables import Table, render_table, table_context

from ..form_engine.section_forms import SectionForm, readable_answers
from ..models import OPEN_STATES, Status, Task
from ..people.views import portal_person_required
from . import countersign, locks, replies, services, tables
from .forms import (
    ChoosePersonForm,
    ReasonForm,
    SupportingDocumentForm,
    TaskFilter,
    TaskForm,
)
from .search import earlier_tasks

HEALTH_ROLES = (Role.CLINICIAN, Role.TRAY_ADMIN)
PORTAL_SIGN_IN = "portal:sign_in"


def get_task(request, pk: int) -> Task:
    """The task if this person may see it; 404 otherwise."""
    return get_object_or_404(
        Task.objects.visible_to(request.user).select_related(
            "form", "sent_by", "work_group__organisation", "work_group__manager", "clinician"
        ),
        pk=pk,
    )


def _export(request, tables_):
    """The download of the table the request asks for (?export=slug), if any."""
    for table in tables_:
        if request.GET.get("export") == table.slug:
            return render_table(request, table)
    return None


def _tables_page(request, template, tables_, **context):
    if export := _export(request, tables_):
        return export
    sections = [table_context(request, t, prefix=f"{t.slug}-") for t in tables_]
    return render(request, template, {"sections": sections, **context})


# --- Clinicians ----------------------------------------------------------------------------------


@portal_person_required
def landing(request):
    tasks = Task.objects.visible_to(request.user)
    mine = tasks.filter(clinician=request.user)
    columns = [tables.form_type("portal:task"), tables.NAME, tables.DUE, tables.COMMENTS]
    tabs = [
        Table(
            title="Currently Assigned Tasks",
            slug="assigned",
            columns=[*columns, tables.REASSIGN],
            queryset=mine.filter(status__in=OPEN_STATES),
            default_sort="due",
            empty="No tasks are assigned to you.",
        ),
        Table(
            title="Recently Retracted Tasks",
            slug="retracted",
            description="Tasks the SEND team retracted in the last 30 days. They are read-only.",
            columns=[*columns, tables.RETRACTED],
            queryset=mine.filter(status=Status.RETRACTED).recent("retracted_at"),
            default_sort="-retracted",
            empty="No tasks were retracted in the last 30 days.",
        ),
        Table(
            title="Recently Submitted Tasks",
            slug="submitted",
            description="Tasks you submitted in the last 30 days.",
            columns=[*columns, tables.SUBMITTED],
            queryset=tasks.filter(status=Status.SUBMITTED, submitted_by=request.user).recent(
                "submitted_at"
            ),
            default_sort="-submitted",
            empty="You have not submitted any tasks in the last 30 days.",
        ),
    ]
    below = []
    managed = WorkGroup.objects.filter(manager=request.user)
    if managed.exists():
        below.append(
            Table(
                title="Tasks in the Work Groups you Manage",
                slug="managed",
                columns=[*columns, tables.CLINICIAN, tables.STATUS],
                queryset=tasks.filter(work_group__in=managed, status__in=OPEN_STATES),
                default_sort="due",
                empty="Your work groups have no open tasks.",
            )
        )
    if export := _export(request, tabs + below):
        return export
    # One tab at a time, chosen in the URL (?tab=), so its sort and page links keep it.
    chosen = next((t for t in tabs if t.slug == request.GET.get("tab")), tabs[0])
    shown = table_context(request, chosen, prefix=f"{chosen.slug}-")
    tab_links = [
        {
            "table": table,
            "active": table is chosen,
            "count": shown["page"].paginator.count if table is chosen else table.queryset.count(),
        }
        for table in tabs
    ]
    return render(
        request,
        "portal/landing.html",
        {
            "tabs": tab_links,
            "shown": shown,
            "sections": [table_context(request, t, prefix=f"{t.slug}-") for t in below],
            "in_no_work_group": not request.user.has_role(Role.CLINICIAN, Role.TRAY_ADMIN),
        },
    )


def _section_url(task, number):
    return f"{reverse('portal:task', args=[task.pk])}?section={number}"


@role_required(*HEALTH_ROLES, login_url=PORTAL_SIGN_IN)
@require_http_methods(["GET", "POST"])
def task_page(request, pk):
    task = get_task(request, pk)
    if not services.may_edit(request.user, task):
        if request.method == "POST":
            raise Http404
        audit.record(request, "viewed", task)
        return render(request, "portal/task_detail.html", _detail_context(request, task))
    count = len(task.form.sections)
    try:
        number = min(max(int(request.GET.get("section", 1)), 1), count)
    except ValueError:
        number = 1
    action = request.POST.get("action", "save")
    if request.method == "GET" and not primary_available():
        # The database cannot take writes (automatic read-only mode): show the task as it
        # is, without taking the edit lock, which is itself a write.
        audit.record(request, "viewed", task, note="read-only: Thrive cannot save changes")
        return render(request, "portal/task_detail.html", _detail_context(request, task))
    if request.method == "POST" and action == "close":
        locks.release(task, by=request.user)
        return redirect("portal:landing")
    if not locks.acquire(task, by=request.user):
        # Someone else has the form open: read-only, and nothing of this request is saved.
        audit.record(request, "viewed", task, note="read-only: being edited")
        context = _detail_context(request, task)
        context["not_saved"] = request.method == "POST"
        return render(request, "portal/task_detail.html", context)
    if request.method == "GET":
        audit.record(request, "viewed", task, note=f"section {number}")
        return _render_section(request, task, SectionForm(task, number))

    section = SectionForm(task, number, data=request.POST)
    if action.startswith("add:"):
        section.add_row(action[4:])
    elif action.startswith("remove:"):
        table, _, index = action[7:].rpartition("-")
        section.remove_row(table, int(index) if index.isdigit() else -1)
    if not section.is_valid():
        return _render_section(request, task, section)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.save_answers(
            task,
            by=request.user,
            answers=section.cleaned_answers(),
            expected_version=version,
            request=request,
        )
    except services.StaleTask:
        task.refresh_from_db()
        section.summary = [
            {
                "text": "This task was saved in another window since you opened this page. "
                "Your answers to this section are shown: check them and save again.",
                "href": None,
            }
        ]
        return _render_section(request, task, section)

    if action == "countersign":
        countersign.countersign_task(task, by=request.user, request=request)
        messages.success(request, "You counter-signed the form. Submit it when you are ready.")
    if action == "submit":
        answers = task.answers_with_prefill()
        section = SectionForm(task, number, data=request.POST, answers=answers)
        section.is_valid()
        section.check_required(answers, lambda n: _section_url(task, n))
        if countersign.needs_countersignature(task):
            section.summary = [
                *(section.summary or []),
                {"text": "Counter-sign the form before you submit it", "href": "#countersign"},
            ]
        if section.summary:
            return _render_section(request, task, section)
        services.submit_task(task, by=request.user, request=request)
        locks.release(task, by=request.user)
        messages.success(request, f"You submitted your contribution: {task.form.name}.")
        return redirect("portal:landing")
    if action == "previous":
        number -= 1
    elif action == "next":
        number += 1
    elif action == "save":
        messages.success(request, "Your answers have been saved as a draft.")
    anchor = ""
    if action.startswith("add:"):
        anchor = f"#answer-{action[4:]}"
    elif action.startswith("remove:"):
        anchor = f"#answer-{action[7:].rpartition('-')[0]}"
    return redirect(_section_url(task, min(max(number, 1), count)) + anchor)


def _render_section(request, task, section):
    count = len(task.form.sections)
    errors = section.error_items()
    return render(
        request,
        "portal/task_form.html",
        {
            "task": task,
            "section": section.section,
            "number": section.number,
            "count": count,
            "items": section.items(),
            "errors": errors,
            "may_countersign": countersign.may_countersign(request.user, task),
            "contents": [
                {"number": n, "title": s["title"], "href": _section_url(task, n)}
                for n, s in enumerate(task.form.sections, start=1)
            ],
        },
    )


def _detail_context(request, task):
    user = request.user
    return {
        "task": task,
        "answers": readable_answers(task),
        "history": task.events.select_related("by", "to_user", "to_work_group"),
        "may_delegate": services.may_delegate(user, task),
        "may_decline": services.may_delegate(user, task),
        "may_retract": services.may_retract(user, task),
        "being_edited": locks.editing_by_other(task, user),
        "lock_minutes": locks.lock_minutes(),
        "may_take_over": locks.may_take_over(user, task),
    }


@role_required(Role.CLINICIAN, login_url=PORTAL_SIGN_IN)
def reassign(request, pk):
    task = get_task(request, pk)
    if not services.may_edit(request.user, task):
        raise Http404
    people = services.reassign_candidates(request.user, task)
    form = ChoosePersonForm(
        request.POST or None,
        people=people,
        label="Users within the Work Groups you Manage",
        managed_group=task.work_group,
    )
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["person"]
        services.reassign_task(task, by=request.user, to=to, request=request)
        messages.success(request, f"The task has been re-assigned to {to.full_name}.")
        return redirect("portal:landing")
    return render(
        request,
        "portal/choose_person.html",
        {
            "task": task,
            "form": form,
            "automatic_replies": replies.active_replies(people),
            "title": "Re-Assign",
            "intro": "Choose who the task goes to. Choose your manager as the Counter "
            "Signatory if they should review the form and submit it.",
            "button": "Select user",
            "back": reverse("portal:task", args=[task.pk]),
        },
    )


@role_required(*HEALTH_ROLES, login_url=PORTAL_SIGN_IN)
def decline(request, pk):
    task = get_task(request, pk)
    if not (services.may_edit(request.user, task) or services.may_delegate(request.user, task)):
        raise Http404
    form = ReasonForm(
        request.POST or None,
        label="Why is the child not known to this service?",
        hint="The SEND officer who sent the task reads this.",
    )
    if request.method == "POST" and form.is_valid():
        services.decline_task(
            task, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, "The task has been declined. The SEND team have been told.")
        if request.user.has_role(Role.TRAY_ADMIN):
            return redirect("portal:work_tray")
        return redirect("portal:landing")
    return render(
        request,
        "portal/reason.html",
        {
            "task": task,
            "form": form,
            "title": "Decline: child not known to this service",
            "button": "Decline task",
            "back": reverse("portal:task", args=[task.pk]),
        },
    )


# --- Work tray admins ----------------------------------------------------------------------------


@role_required(Role.TRAY_ADMIN, login_url=PORTAL_SIGN_IN)
def work_tray(request):
    tasks = Task.objects.visible_to(request.user).filter(
        work_group__memberships__user=request.user,
        work_group__memberships__role=Role.TRAY_ADMIN,
    )
    columns = [tables.form_type("portal:task"), tables.NAME, tables.DUE, tables.COMMENTS]
    tables_ = [
        Table(
            title="Work tray",
            slug="tray",
            description="Tasks sent to your team that no clinician has yet. Delegate each one.",
            columns=[*columns, tables.WORK_TRAY, tables.DELEGATE],
            queryset=tasks.filter(clinician=None, status__in=OPEN_STATES),
            default_sort="due",
            empty="The work tray is empty.",
        ),
        Table(
            title="All tasks of your work groups",
            slug="group-tasks",
            columns=[*columns, tables.CLINICIAN, tables.STATUS],
            queryset=tasks,
            default_sort="due",
            empty="Your work groups have no tasks.",
        ),
    ]
    return _tables_page(request, "portal/work_tray.html", tables_)


@role_required(Role.TRAY_ADMIN, login_url=PORTAL_SIGN_IN)
def delegate(request, pk):
    task = get_task(request, pk)
    if not services.may_delegate(request.user, task):
        raise Http404
    form = ChoosePersonForm(
        request.POST or None,
        people=services.delegation_candidates(task),
        label="Choose the clinician",
    )
    attach_form = SupportingDocumentForm(request.POST or None, request.FILES or None, optional=True)
    if request.method == "POST" and form.is_valid() and attach_form.is_valid():
        clinician = form.cleaned_data["person"]
        if attach_form.cleaned_data["file"]:
            try:
                services.attach_document(
                    task, by=request.user, checked=attach_form.cleaned_data["file"], request=request
                )
            except services.TaskActionRefused as refusal:
                attach_form.add_error("file", str(refusal))
        if not attach_form.errors:
            services.delegate_task(task, by=request.user, clinician=clinician, request=request)
            messages.success(request, f"The task has been delegated to {clinician.full_name}.")
            return redirect("portal:work_tray")
    return render(
        request,
        "portal/choose_person.html",
        {
            "task": task,
            "form": form,
            "automatic_replies": replies.active_replies(services.delegation_candidates(task)),
            "attach_form": attach_form,
            "title": "Delegate to a clinician",
            "intro": f"Clinicians of {task.work_group.name}.",
            "button": "Delegate task",
            "back": reverse("portal:work_tray"),
        },
    )


# --- SEND officers -------------------------------------------------------------------------------


@role_required(Role.SEND_OFFICER)
def send_tasks(request):
    tasks = Task.objects.visible_to(request.user)
    filters = TaskFilter(request.GET or None)
    table = Table(
        title="Portal tasks",
        slug="portal-tasks",
        description="Every task you or the SEND team sent to health partners.",
        columns=[
            tables.form_type("portal:send_task"),
            tables.NAME,
            tables.WORK_TRAY,
            tables.CLINICIAN,
            tables.SENT_ON,
            tables.DUE,
            tables.STATUS,
            tables.SENT_BY,
        ],
        queryset=filters.apply(tasks),
        default_sort="due",
        filter_form=filters,
        empty="There are no tasks to show.",
    )
    return render_table(request, table, template="portal/send_tasks.html")


@role_required(Role.SEND_OFFICER)
def send_create(request):
    """Create a task. Before it is sent, the SEND officer is shown earlier tasks they can see
    that may be about the same child, and goes on only once they have seen them."""
    form = TaskForm(request.POST or None)
    earlier = []
    if request.method == "POST" and form.is_valid():
        if request.POST.get("earlier_checked") != "1":
            earlier = earlier_tasks(
                request.user,
                child_name=form.cleaned_data["child_name"],
                child_date_of_birth=form.cleaned_data["child_date_of_birth"],
            )
        if not earlier:
            task = services.create_task(by=request.user, request=request, **form.cleaned_data)
            messages.success(request, f"The task has been sent to {task.work_group.name}.")
            return redirect("portal:send_task", task.pk)
    return render(
        request,
        "portal/send_create.html",
        {
            "form": form,
            "earlier": earlier,
            "automatic_replies": replies.active_replies(form.fields["clinician"].queryset),
        },
    )


@role_required(Role.SEND_OFFICER)
def send_task(request, pk):
    task = get_task(request, pk)
    audit.record(request, "viewed", task)
    return render(request, "portal/task_detail.html", _detail_context(request, task))


@role_required(Role.SEND_OFFICER)
def retract(request, pk):
    task = get_task(request, pk)
    if not services.may_retract(request.user, task):
        raise Http404
    form = ReasonForm(
        request.POST or None,
        label="Why are you retracting this task?",
        hint="The clinician or work tray admin reads this.",
    )
    if request.method == "POST" and form.is_valid():
        services.retract_task(
            task, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, "The task has been retracted.")
        return redirect("portal:send_task", task.pk)
    return render(
        request,
        "portal/reason.html",
        {
            "task": task,
            "form": form,
            "title": "Retract the task",
            "button": "Retract task",
            "back": reverse("portal:send_task", args=[task.pk]),
        },
    )
