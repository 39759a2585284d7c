"""What a subject access request gathers from the Delegation Portal: every task about the
child, with its answers, its history, its supporting documents and its PDF."""

from django.core.files.storage import default_storage

from thrive.subject_access import Candidate, Child, Held, Source, labelled, sounds_like

from ..form_engine.pdf import pdf_filename, render_task_pdf
from ..models import Task


def find(child: Child):
    tasks = Task.objects.filter(child_date_of_birth=child.date_of_birth).filter(sounds_like(child))
    for task in tasks.select_related("form", "work_group").order_by("requested_on", "pk"):
        yield Candidate(
            pk=task.pk,
            title=f"{task.form.name} task {task.pk}: {task.child_name}",
            summary=f"{task.work_group}, {task.get_status_display()}, "
            f"requested {task.requested_on:%d/%m/%Y}",
        )


def _reader(name: str):
    def read() -> bytes:
        with default_storage.open(name, "rb") as stored:
            return stored.read()

    return read


def collect(pk: int) -> Held | None:
    task = Task.objects.select_related("form", "work_group", "sent_by", "clinician").filter(pk=pk)
    task = task.first()
    if task is None:
        return None
    data = labelled(
        task,
        [
            "form",
            "status",
            "child_name",
            "child_date_of_birth",
            "child_address",
            "comments",
            "requested_on",
            "required_by",
            "sent_by",
            "work_group",
            "clinician",
            "submitted_at",
            "retracted_at",
            "retraction_reason",
            "declined_at",
            "decline_reason",
        ],
    )
    data["Answers"] = task.answers_with_prefill()
    data["History"] = [
        f"{event.at:%d/%m/%Y %H:%M} {event.get_kind_display()} by {event.by.full_name}"
        for event in task.events.select_related("by").order_by("at", "pk")
    ]
    documents = list(task.documents.order_by("pk"))
    return Held(
        kind="portal-task",
        reference=str(task.pk),
        title=f"{task.form.name} task {task.pk}",
        data=data,
        files=[
            (pdf_filename(task), lambda: render_task_pdf(task)),
            *((f"{d.pk}-{d.name}", _reader(d.stored_name)) for d in documents),
        ],
        audit_of=[("portal.task", str(task.pk))],
    )


SOURCE = Source(kind="tasks", title="Portal tasks", find=find, collect=collect, order=30)
