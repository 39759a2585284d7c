"""Portal pages for Automatic Replies and the manager's take-over of a task."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from thrive.access import role_required
from thrive.models import Role

from . import locks, replies, services
from .views import HEALTH_ROLES, PORTAL_SIGN_IN, get_task


@role_required(*HEALTH_ROLES, login_url=PORTAL_SIGN_IN)
def automatic_replies(request):
    """Set, change or turn off the person's out-of-office message."""
    reply = replies.reply_of(request.user)
    initial = {}
    if reply:
        initial = {
            "message": reply.message,
            "starts": reply.starts,
            "ends": reply.ends,
            "redirect_to": reply.redirect_to_id,
        }
    form = replies.AutomaticReplyForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "off":
        replies.turn_off_automatic_reply(by=request.user, request=request)
        messages.success(request, "Your automatic reply is off.")
        return redirect("portal:automatic_replies")
    if request.method == "POST" and form.is_valid():
        try:
            replies.set_automatic_reply(by=request.user, request=request, **form.cleaned_data)
        except services.TaskActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Your automatic reply has been saved.")
            return redirect("portal:automatic_replies")
    return render(
        request,
        "portal/automatic_replies.html",
        {"form": form, "reply": replies.reply_of(request.user)},
    )


@role_required(Role.CLINICIAN, login_url=PORTAL_SIGN_IN)
def take_over(request, pk):
    """The work group's manager takes a task over, whoever has it open (audited). POST only:
    the button is on the task's page."""
    task = get_task(request, pk)
    if not locks.may_take_over(request.user, task):
        raise Http404
    if request.method != "POST":
        return redirect("portal:task", task.pk)
    locks.take_over(task, by=request.user, request=request)
    messages.success(request, "You have taken over the task. It is yours to edit.")
    return redirect("portal:task", task.pk)
