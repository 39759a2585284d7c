"""Automatic Replies: a health partner person's out-of-office message, with its dates and who
should receive tasks instead (a member of the same work group). SEND officers and work tray
admins see the replies active today next to the choice of person, before they delegate."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from thrive import audit
from thrive.models import User, WorkGroup
from thrive.ui.govuk_forms import GovukDateField

from ..models import AutomaticReply
from .services import TaskActionRefused


def redirect_candidates(user: User):
    """Active members (and managers) of the work groups the person belongs to or manages."""
    groups = WorkGroup.objects.filter(Q(memberships__user=user) | Q(manager=user)).values("pk")
    return (
        User.objects.filter(
            Q(memberships__work_group__in=groups) | Q(managed_work_groups__in=groups),
            is_active=True,
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("full_name")
    )


def active_replies(people, today: date | None = None):
    """The automatic replies of `people` (a queryset of users) that are on today."""
    return (
        AutomaticReply.objects.active(today)
        .filter(user__in=people)
        .select_related("user", "redirect_to")
        .order_by("user__full_name")
    )


def reply_of(user: User) -> AutomaticReply | None:
    return AutomaticReply.objects.filter(user=user).select_related("redirect_to").first()


@transaction.atomic
def set_automatic_reply(
    *,
    by: User,
    message: str,
    starts: date,
    ends: date,
    redirect_to: User | None = None,
    request=None,
) -> AutomaticReply:
    """Turn on (or change) the person's automatic reply for the dates given."""
    if not message.strip():
        raise TaskActionRefused("Enter the message.")
    if ends < starts:
        raise TaskActionRefused("The end date must be the same as or after the start date.")
    if redirect_to is not None and not redirect_candidates(by).filter(pk=redirect_to.pk).exists():
        raise TaskActionRefused("Choose a member of your work group.")
    reply, _ = AutomaticReply.objects.update_or_create(
        user=by,
        defaults={
            "message": message,
            "starts": starts,
            "ends": ends,
            "redirect_to": redirect_to,
            "modified_at": timezone.now(),
        },
    )
    audit.record(request, "portal_automatic_reply_set", reply, user=by)
    return reply


@transaction.atomic
def turn_off_automatic_reply(*, by: User, request=None) -> None:
    """Remove the person's automatic reply."""
    deleted, _ = AutomaticReply.objects.filter(user=by).delete()
    if deleted:
        audit.record(
            request, "portal_automatic_reply_removed", user=by, object_type="portal.automaticreply"
        )


class AutomaticReplyForm(forms.Form):
    message = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, I am on leave until 4 December. Please send new tasks to …",
        error_messages={"required": "Enter the message"},
    )
    starts = GovukDateField(label="Start date")
    ends = GovukDateField(label="End date")
    redirect_to = forms.ModelChoiceField(
        label="Who should receive tasks instead",
        required=False,
        queryset=User.objects.none(),
        empty_label="Nobody named",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["redirect_to"].queryset = redirect_candidates(user)
        self.fields["redirect_to"].label_from_instance = lambda u: u.full_name

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", "The end date must be the same as or after the start date")
        return data
