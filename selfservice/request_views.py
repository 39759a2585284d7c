"""Account requests (the "Thrive User Registration and User Changes Form") for managers and
work tray admins, and the administrators' queue and self-service reports."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from thrive import audit
from thrive.access import role_required
from thrive.models import Role, Service, User
from thrive.ui.lists import paginate

from . import account_requests, selectors, services
from .models import AccountRequest, managed_services, managed_work_groups
from .request_forms import DecisionForm, RequestStartForm, request_form

REQUESTERS = (Role.SERVICE_MANAGER, Role.TRAY_ADMIN)


def _scopes(user) -> list:
    return [*managed_services(user), *managed_work_groups(user)]


@role_required(*REQUESTERS)
def requests_list(request):
    user = request.user
    requests = AccountRequest.objects.visible_to(user).select_related(
        "service", "work_group", "person"
    )
    return render(
        request,
        "selfservice/requests/list.html",
        {
            "page": paginate(request, requests),
            "without_self_service": selectors.people_without_self_service(user),
            "overdue_since": selectors.setup_overdue_since(),
        },
    )


@role_required(*REQUESTERS)
def request_start(request):
    form = RequestStartForm(request.POST or None, scopes=_scopes(request.user))
    if request.method == "POST" and form.is_valid():
        scope = form.scopes[form.cleaned_data["scope"]]
        slug = account_requests.SLUG_FOR_KIND[form.cleaned_data["kind"]]
        if isinstance(scope, Service):
            return redirect("selfservice:request_new_service", service_pk=scope.pk, kind=slug)
        return redirect("selfservice:request_new_work_group", work_group_pk=scope.pk, kind=slug)
    return render(request, "selfservice/requests/start.html", {"form": form})


def _new_request(request, scope, kind_slug):
    kind = account_requests.KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    form = request_form(kind, request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        account_request = account_requests.submit_request(
            by=request.user, kind=kind, scope=scope, request=request, **fields
        )
        return redirect("selfservice:request_submitted", pk=account_request.pk)
    return render(
        request,
        "selfservice/requests/form.html",
        {
            "form": form,
            "scope": scope,
            "kind": kind,
            "kind_label": AccountRequest.Kind(kind).label,
        },
    )


@role_required(Role.SERVICE_MANAGER)
def request_new_service(request, service_pk, kind):
    service = get_object_or_404(managed_services(request.user), pk=service_pk)
    return _new_request(request, service, kind)


@role_required(Role.TRAY_ADMIN)
def request_new_work_group(request, work_group_pk, kind):
    group = get_object_or_404(managed_work_groups(request.user), pk=work_group_pk)
    return _new_request(request, group, kind)


def _visible_request(request, pk):
    return get_object_or_404(
        AccountRequest.objects.visible_to(request.user).select_related(
            "service", "work_group", "requested_by", "person", "decided_by"
        ),
        pk=pk,
    )


@role_required(*REQUESTERS, Role.SYSTEM_ADMIN)
def request_submitted(request, pk):
    account_request = _visible_request(request, pk)
    return render(
        request, "selfservice/requests/submitted.html", {"account_request": account_request}
    )


@role_required(*REQUESTERS, Role.SYSTEM_ADMIN)
def request_detail(request, pk):
    account_request = _visible_request(request, pk)
    audit.record(request, "viewed", account_request)
    return render(
        request,
        "selfservice/requests/detail.html",
        {
            "account_request": account_request,
            "user_is_admin": request.user.has_role(Role.SYSTEM_ADMIN),
        },
    )


# --- Administrators -------------------------------------------------------------------------


@role_required(Role.SYSTEM_ADMIN)
def administration(request):
    today = timezone.localdate()
    return render(
        request,
        "selfservice/admin/index.html",
        {
            "open_count": AccountRequest.objects.open().count(),
            "overdue_count": AccountRequest.objects.overdue(today).count(),
            "without_count": selectors.people_without_self_service(request.user).count(),
            "expiring_count": selectors.passwords_expiring().count(),
            "locked_count": selectors.locked_accounts().count(),
            "dbs_lapsed_count": User.objects.dbs_lapsed().count(),
        },
    )


QUEUE_VIEWS = {"open": "Waiting for a decision", "decided": "Decided", "all": "All requests"}


@role_required(Role.SYSTEM_ADMIN)
def queue(request):
    status = request.GET.get("status", "open")
    if status not in QUEUE_VIEWS:
        status = "open"
    return render(
        request,
        "selfservice/admin/queue.html",
        {
            "page": paginate(request, selectors.request_queue(status)),
            "status": status,
            "views": QUEUE_VIEWS,
            "overdue_count": AccountRequest.objects.overdue().count(),
        },
    )


@role_required(Role.SYSTEM_ADMIN)
def request_decide(request, pk):
    account_request = _visible_request(request, pk)
    if not account_request.is_open:
        return redirect("selfservice:request_detail", pk=account_request.pk)
    form = DecisionForm(request.POST or None, account_request=account_request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                account_requests.approve_request(
                    account_request,
                    by=request.user,
                    request=request,
                    username=data.get("username", ""),
                    move_to=data.get("move_to"),
                    reason=data.get("reason", ""),
                )
            else:
                account_requests.reject_request(
                    account_request, by=request.user, reason=data["reason"], request=request
                )
        except account_requests.AlreadyDecided:
            messages.info(request, f"{account_request.reference} was already decided")
        except account_requests.RequestCannotBeApproved:
            form.add_error(
                "decision", "This request cannot be approved: the account no longer exists"
            )
        else:
            verb = "approved" if data["decision"] == "approve" else "rejected"
            messages.success(request, f"{account_request.reference} {verb}")
            return redirect("selfservice:queue")
    return render(
        request,
        "selfservice/admin/decide.html",
        {"account_request": account_request, "form": form},
    )


@role_required(Role.SYSTEM_ADMIN)
def report_without_self_service(request):
    return render(
        request,
        "selfservice/admin/without_self_service.html",
        {
            "page": paginate(request, selectors.people_without_self_service(request.user)),
            "overdue_since": selectors.setup_overdue_since(),
            "setup_days": settings.SELFSERVICE_SETUP_DAYS,
        },
    )


@role_required(Role.SYSTEM_ADMIN)
def report_expiring(request):
    page = paginate(request, selectors.passwords_expiring())
    for person in page:
        person.expires_at = services.password_expires_at(person)
    return render(request, "selfservice/admin/expiring.html", {"page": page})


@role_required(Role.SYSTEM_ADMIN)
def report_locked(request):
    return render(
        request,
        "selfservice/admin/locked.html",
        {
            "page": paginate(request, selectors.locked_accounts()),
            "lockout_minutes": settings.SELFSERVICE_LOCKOUT_MINUTES,
        },
    )


@role_required(Role.SYSTEM_ADMIN)
@require_POST
def unlock(request, user_pk):
    person = get_object_or_404(User.objects.visible_to(request.user), pk=user_pk)
    services.unlock(person, by=request.user, request=request)
    messages.success(request, f"Self-service unlocked for {person.full_name}")
    return redirect("selfservice:report_locked")
