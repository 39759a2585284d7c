"""The portal's lists, each a thrive.ui.tables Table over tasks the person may see."""

import functools

from django.urls import reverse

from thrive.ui.tables import Column


@functools.cache
def _url(name: str) -> str:
    return reverse(name, args=[0])


def link_to(name: str):
    # reverse() once, not once per row.
    return lambda task: _url(name).replace("/0/", f"/{task.pk}/")


def form_type(link_name: str) -> Column:
    return Column(
        "form", "Form Type", lambda t: t.form.name, "form__name", link_to(link_name), related="form"
    )


NAME = Column("name", "Name", lambda t: t.child_name, "child_name")
DUE = Column(
    "due",
    "Due Date",
    lambda t: f"{t.required_by:%d-%b-%Y} (overdue)" if t.is_overdue else t.required_by,
    "required_by",
)
COMMENTS = Column("comments", "Comments", lambda t: t.comments)
STATUS = Column("status", "Status", lambda t: t.status_label, "status")
WORK_TRAY = Column(
    "tray", "Work tray", lambda t: t.work_group.name, "work_group__name", related="work_group"
)
CLINICIAN = Column(
    "clinician",
    "Clinician",
    lambda t: t.clinician.full_name if t.clinician else "",
    "clinician__full_name",
    related="clinician",
)
SENT_BY = Column(
    "sent_by", "Sent By", lambda t: t.sent_by.full_name, "sent_by__full_name", related="sent_by"
)
SENT_ON = Column("sent_on", "Requested", lambda t: t.requested_on, "requested_on")
SUBMITTED = Column("submitted", "Submitted", lambda t: t.submitted_at, "submitted_at")
RETRACTED = Column("retracted", "Retracted", lambda t: t.retracted_at, "retracted_at")
REASSIGN = Column("reassign", "Action", lambda t: "Re-Assign", link=link_to("portal:reassign"))
DELEGATE = Column("delegate", "Action", lambda t: "Delegate", link=link_to("portal:delegate"))
