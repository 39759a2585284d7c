"""Children and Families Online Services: registering, signing in with an emailed code,
forgotten passwords and Update account, for health partner people."""

from __future__ import annotations

from dataclasses import asdict
from functools import wraps

from allauth.account.adapter import get_adapter
from allauth.account.signals import user_logged_in as allauth_user_logged_in
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from selfservice import services as selfservice
from selfservice.forms import ChangePasswordForm
from selfservice.views import rules_context
from thrive import audit
from thrive.models import Membership, Role, User, WorkGroup
from thrive.services import verify_second_factor

from . import accounts, codes
from .accounts import Registration
from .forms import (
    AddPersonForm,
    CodeForm,
    CredentialsForm,
    DetailsForm,
    EmailForm,
    NewEmailForm,
    ResetPasswordForm,
    SignInForm,
)


def _next(request, default="portal:landing") -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def portal_person_required(view):
    """Signed in, and a health partner person (or holding a health partner role)."""

    @wraps(view)
    @login_required(login_url="portal:sign_in")
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (
            user.has_role(Role.CLINICIAN, Role.TRAY_ADMIN)
            or accounts.session_is_portal_person(request)
        ):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


# --- Signing in ------------------------------------------------------------------------------


def sign_in(request):
    """Secure login – step 1: email and password."""
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_next(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        person = accounts.find_by_email(email)
        try:
            # allauth's adapter counts failures per address and per account (the same count
            # as the staff sign-in page, as the key is the username).
            user = get_adapter(request).authenticate(
                request,
                username=person.username if person else email.lower(),
                password=password,
            )
        except ValidationError:
            form.add_error(None, "Too many failed attempts. Wait 15 minutes and try again")
        else:
            if user is None or person is None or user.pk != person.pk:
                form.add_error(None, "Enter the email address and password of your account")
            else:
                login(request, user, backend=accounts.MODEL_BACKEND)
                allauth_user_logged_in.send(sender=User, request=request, response=None, user=user)
                accounts.remember_portal_person(request, user)
                query = urlencode({"next": _next(request)})
                if not accounts.has_authenticator(user):
                    accounts.send_sign_in_code(user, request=request)
                return redirect(f"{reverse('portal:sign_in_code')}?{query}")
    return render(
        request, "portal/account/sign_in.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_required(login_url="portal:sign_in")
def sign_in_code(request):
    """Secure login – step 2: the emailed code, or the code from an authenticator app."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not accounts.session_is_portal_person(request):
        raise Http404
    device = codes.device_for(user)
    use_app = accounts.has_authenticator(user) and request.GET.get("method") != "email"
    form = CodeForm(request.POST if request.POST.get("action") != "resend" else None)
    if use_app:
        form.fields["code"].help_text = "The 6-digit code your authenticator app shows now."
    if request.method == "POST":
        if request.POST.get("action") == "resend":
            if accounts.send_sign_in_code(user, request=request):
                messages.success(request, "We have sent you a new code.")
            else:
                wait = codes.seconds_until_resend(device)
                messages.info(request, f"Please wait {wait} seconds before asking again.")
            query = urlencode({"next": _next(request), "method": "email"})
            return redirect(f"{reverse('portal:sign_in_code')}?{query}")
        if form.is_valid():
            code = form.cleaned_data["code"]
            if use_app:
                if verify_second_factor(user, token=code, request=request):
                    return redirect(_next(request))
                form.add_error("code", "That code is not right. Enter the code your app shows now")
            elif accounts.verify_email_code(user, code=code, request=request):
                return redirect(_next(request))
            else:
                device.refresh_from_db()
                form.add_error("code", codes.refusal(device))
    return render(
        request,
        "portal/account/sign_in_code.html",
        {
            "form": form,
            "use_app": use_app,
            "code_sent": device.sent_at is not None and not use_app,
            "next": _next(request),
        },
    )


# --- Registering -----------------------------------------------------------------------------

SESSION_DETAILS = "portal_registration_details"


def register(request):
    """Register a new account – step 1: name, professional capacity and address."""
    if request.user.is_authenticated:
        return redirect("portal:landing")
    stored = request.session.get(SESSION_DETAILS)
    form = DetailsForm(request.POST or None, initial=stored or {"professional": True})
    if request.method == "POST" and form.is_valid():
        details = dict(form.cleaned_data)
        organisation = details.pop("organisation")
        details["organisation"] = organisation.pk if organisation else None
        request.session[SESSION_DETAILS] = details
        return redirect("portal:register_credentials")
    return render(request, "portal/account/register_details.html", {"form": form})


def _stored_details(request) -> dict | None:
    stored = request.session.get(SESSION_DETAILS)
    if not stored:
        return None
    form = DetailsForm(stored | {"organisation": stored.get("organisation") or ""})
    return form.cleaned_data if form.is_valid() else None


def register_credentials(request):
    """Register a new account – step 2: email address and password."""
    details = _stored_details(request)
    if details is None:
        return redirect("portal:register")
    form = CredentialsForm(request.POST or None, details=details)
    if request.method == "POST" and form.is_valid():
        registration = accounts.register(
            details=details,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            request=request,
        )
        request.session.pop(SESSION_DETAILS, None)
        request.session[accounts.SESSION_REGISTRATION] = asdict(registration)
        return redirect("portal:register_code")
    return render(
        request, "portal/account/register_credentials.html", {"form": form, **rules_context()}
    )


def register_code(request):
    """Register a new account – step 3: the code emailed to confirm the address."""
    data = request.session.get(accounts.SESSION_REGISTRATION)
    if not data:
        return redirect("portal:register")
    registration = Registration(**data)
    form = CodeForm(request.POST if request.POST.get("action") != "resend" else None)
    if request.method == "POST":
        if request.POST.get("action") == "resend":
            if accounts.resend_registration_code(registration):
                messages.success(request, "We have sent you a new code.")
            else:
                messages.info(request, "Please wait a few seconds before asking again.")
            return redirect("portal:register_code")
        if form.is_valid():
            user = accounts.pending_user(registration)
            if user is not None and accounts.confirm_registration(
                user, code=form.cleaned_data["code"], request=request
            ):
                request.session.pop(accounts.SESSION_REGISTRATION, None)
                return redirect("portal:register_complete")
            if user is not None:
                form.add_error("code", codes.refusal(codes.device_for(user)))
            else:
                registration.tries += 1
                request.session[accounts.SESSION_REGISTRATION] = asdict(registration)
                form.add_error("code", _made_up_refusal(registration.tries))
    return render(
        request,
        "portal/account/register_code.html",
        {"form": form, "email": registration.email},
    )


def _made_up_refusal(tries: int) -> str:
    """For an address that already had an account: the same words a real journey shows."""
    if tries >= settings.PORTAL_CODE_TRIES:
        return "Too many wrong codes. Select “please send me a new code”"
    left = settings.PORTAL_CODE_TRIES - tries
    return f"That code is not right. Check the email and try again ({left} tries left)"


@login_required(login_url="portal:sign_in")
def register_complete(request):
    return render(request, "portal/account/register_complete.html")


# --- Forgotten password ----------------------------------------------------------------------

SESSION_RESET = "portal_reset"


def forgotten(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_id = accounts.start_reset(form.cleaned_data["email"], request=request)
        request.session[SESSION_RESET] = {
            "email": form.cleaned_data["email"],
            "user_id": user_id,
            "tries": 0,
            "checked": False,
        }
        return redirect("portal:forgotten_code")
    return render(request, "portal/account/forgotten.html", {"form": form})


def _reset_user(state) -> User | None:
    if not state or state.get("user_id") is None:
        return None
    return accounts.portal_people().filter(pk=state["user_id"], is_active=True).first()


def forgotten_code(request):
    state = request.session.get(SESSION_RESET)
    if not state:
        return redirect("portal:forgotten")
    user = _reset_user(state)
    form = CodeForm(request.POST if request.POST.get("action") != "resend" else None)
    if request.method == "POST":
        if request.POST.get("action") == "resend":
            if user is not None and codes.send_code(codes.device_for(user), purpose="reset"):
                messages.success(request, "We have sent you a new code.")
            elif user is not None:
                messages.info(request, "Please wait a few seconds before asking again.")
            else:
                messages.success(request, "We have sent you a new code.")
            return redirect("portal:forgotten_code")
        if form.is_valid():
            if user is not None and accounts.check_reset_code(user, form.cleaned_data["code"]):
                state["checked"] = True
                request.session[SESSION_RESET] = state
                return redirect("portal:forgotten_password")
            if user is not None:
                form.add_error("code", codes.refusal(codes.device_for(user)))
            else:
                state["tries"] += 1
                request.session[SESSION_RESET] = state
                form.add_error("code", _made_up_refusal(state["tries"]))
    return render(
        request, "portal/account/forgotten_code.html", {"form": form, "email": state["email"]}
    )


def forgotten_password(request):
    state = request.session.get(SESSION_RESET)
    user = _reset_user(state)
    if user is None or not state.get("checked"):
        return redirect("portal:forgotten")
    form = ResetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        accounts.reset_password(user, raw_password=form.cleaned_data["new_password"], request=None)
        request.session.pop(SESSION_RESET, None)
        messages.success(request, "Your password has been changed. Sign in with it now.")
        return redirect("portal:sign_in")
    return render(
        request, "portal/account/forgotten_password.html", {"form": form, **rules_context()}
    )


# --- Update account ----------------------------------------------------------------------------


@portal_person_required
def account(request):
    user = request.user
    fixed = not accounts.may_change_organisation(user)
    form = DetailsForm(
        request.POST or None, initial=DetailsForm.initial_for(user), organisation_fixed=fixed
    )
    if request.method == "POST" and form.is_valid():
        accounts.update_details(user, details=form.cleaned_data, request=request)
        messages.success(request, "Your details have been updated.")
        return redirect("portal:account")
    return render(
        request,
        "portal/account/account.html",
        {
            "form": form,
            "has_authenticator": accounts.has_authenticator(user),
            "memberships": user.memberships.filter(work_group__isnull=False).select_related(
                "work_group__organisation"
            ),
        },
    )


@portal_person_required
def change_email(request):
    form = NewEmailForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if accounts.start_email_change(
            request.user, new_email=form.cleaned_data["email"], request=request
        ):
            return redirect("portal:change_email_code")
        form.add_error("email", "We sent a code a moment ago: wait a few seconds and try again")
    return render(request, "portal/account/change_email.html", {"form": form})


@portal_person_required
def change_email_code(request):
    device = codes.device_for(request.user)
    if not device.send_to:
        return redirect("portal:change_email")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if accounts.confirm_email_change(
            request.user, code=form.cleaned_data["code"], request=request
        ):
            messages.success(request, "Your email address has been changed.")
            return redirect("portal:account")
        device.refresh_from_db()
        form.add_error("code", codes.refusal(device))
    return render(
        request, "portal/account/change_email_code.html", {"form": form, "email": device.send_to}
    )


@portal_person_required
def change_password(request):
    """Self-service's change of password (same rules, same lock), in the portal's look."""
    user = request.user
    lock = selfservice.user_lock_status(user)
    form = ChangePasswordForm(request.POST or None, user=user)
    if request.method == "POST" and not lock.locked:
        if form.is_valid():
            selfservice.set_password(
                user,
                raw_password=form.cleaned_data["new_password"],
                request=request,
                action="password_changed",
            )
            messages.success(request, "Your password has been changed.")
            return redirect(_next(request, "portal:account"))
        if form.wrong_current_password:
            lock = selfservice.register_failure(user, request=request, what="current_password")
    return render(
        request,
        "portal/account/change_password.html",
        {
            "form": form,
            "lock": lock,
            "expired": request.session.get(selfservice.SESSION_PASSWORD_EXPIRED, False),
            "next": request.POST.get("next") or request.GET.get("next", ""),
            **rules_context(),
        },
    )


@require_POST
@portal_person_required
def remove_authenticator(request):
    TOTPDevice.objects.filter(user=request.user).delete()
    audit.record(request, "second_factor_removed", request.user)
    messages.success(request, "Your authenticator app was removed. We will email you codes.")
    return redirect("portal:account")


# --- Work groups: who is in them ----------------------------------------------------------------


@login_required(login_url="portal:sign_in")
def work_groups(request):
    user = request.user
    if user.has_role(Role.SEND_OFFICER):
        groups = WorkGroup.objects.all()
    else:
        groups = WorkGroup.objects.filter(
            memberships__user=user, memberships__role=Role.TRAY_ADMIN
        ).distinct()
    groups = groups.select_related("organisation", "manager")
    if not groups.exists() and not user.has_role(Role.SEND_OFFICER):
        raise Http404
    rows = [(group, accounts.waiting_to_join(group).count()) for group in groups]
    return render(request, "portal/account/work_groups.html", {"rows": rows})


def _managed_group(request, pk) -> WorkGroup:
    group = get_object_or_404(
        WorkGroup.objects.visible_to(request.user).select_related("organisation", "manager"),
        pk=pk,
    )
    if not accounts.may_manage_people(request.user, group):
        raise Http404
    return group


@login_required(login_url="portal:sign_in")
def work_group_people(request, pk):
    group = _managed_group(request, pk)
    waiting = accounts.waiting_to_join(group)
    people = accounts.addable_people(group)
    form = AddPersonForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            accounts.add_to_work_group(
                person, group, role=form.cleaned_data["role"], by=request.user, request=request
            )
        except accounts.MembershipRefused as refusal:
            form.add_error("person", str(refusal))
        else:
            messages.success(request, f"{person.full_name} was added to {group.name}.")
            return redirect("portal:work_group_people", pk=group.pk)
    members = (
        Membership.objects.filter(work_group=group)
        .select_related("user")
        .order_by("user__full_name", "role")
    )
    return render(
        request,
        "portal/account/work_group_people.html",
        {"group": group, "members": members, "waiting": waiting, "form": form},
    )


@login_required(login_url="portal:sign_in")
def remove_member(request, pk, membership_pk):
    group = _managed_group(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, work_group=group)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        accounts.remove_from_work_group(membership, by=request.user, request=request)
    except accounts.MembershipRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{membership.user.full_name} was removed from {group.name}.")
    return redirect("portal:work_group_people", pk=group.pk)
