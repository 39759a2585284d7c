"""Password self-service: password history, security questions, the reset lockout, one-time
codes, invitations, expiry notices and the "Thrive User Registration and User Changes Form"
(account requests).

Nothing here stores a secret in the clear: answers, codes, invitation tokens and old passwords
are kept only as hashes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from thrive.models import Role, Service, WorkGroup


class PasswordHistory(models.Model):
    """One password a person has had, hashed for the "not one of your last 24" rule.

    Every entry of one person shares one salt, so checking a candidate password (and its
    variants, see validators.py) costs one hash per candidate, not one per entry. The hash is
    of the case-folded password: "PASSWORD01" and "password01" count as the same password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    digest = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        verbose_name_plural = "password history"

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class SecurityQuestion(models.Model):
    """One of a person's three security questions. The answer is a password hash: it is
    checked, never shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_questions"
    )
    position = models.PositiveSmallIntegerField()
    question = models.CharField(max_length=200)
    answer = models.CharField(max_length=200)
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user", "position"]
        constraints = [
            models.UniqueConstraint(fields=["user", "position"], name="one_question_per_position")
        ]

    def __str__(self):
        return f"{self.user_id} question {self.position}"


class SelfServiceLock(models.Model):
    """Wrong answers, codes and current passwords count here. After SELFSERVICE_LOCKOUT_ATTEMPTS
    the account is locked for SELFSERVICE_LOCKOUT_MINUTES; after SELFSERVICE_TEMPORARY_LOCKOUTS
    such locks it stays locked until an administrator unlocks it (the manager asks for a
    password reset)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="selfservice_lock"
    )
    failures = models.PositiveSmallIntegerField(default=0)
    lockouts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    needs_administrator = models.BooleanField(default=False)
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["needs_administrator", "locked_until"])]

    def __str__(self):
        return f"{self.user_id} lock"

    def is_locked(self, now=None) -> bool:
        now = now or timezone.now()
        return self.needs_administrator or (
            self.locked_until is not None and self.locked_until > now
        )


class ResetCode(models.Model):
    """A one-time code emailed during a forgotten-password reset (a keyed hash is kept)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reset_codes"
    )
    digest = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} code {self.created_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """A single-use link to set a password and security questions: for a new account, or a
    password reset an administrator approved. Only a hash of the token is kept."""

    class Purpose(models.TextChoices):
        NEW_ACCOUNT = "new_account", "New account"
        PASSWORD_RESET = "password_reset", "Password reset"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} {self.purpose}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.expires_at > now and self.user.is_active


class ExpiryNotice(models.Model):
    """A password expiry email sent: one per password (its change time) and notice day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expiry_notices"
    )
    password_changed_at = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "password_changed_at", "days_before"], name="one_notice_each"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.days_before} days"


class SetupReminder(models.Model):
    """The manager was told (once) that this person had not set up self-service in time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="setup_reminder"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.user_id} reminded {self.sent_at:%Y-%m-%d}"


class AccountRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests a person may see: administrators see all; a service manager sees their
        services' requests and a work tray admin their work groups'; nobody else any."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.SYSTEM_ADMIN):
            return self.all()
        return self.filter(
            Q(service__in=managed_services(user)) | Q(work_group__in=managed_work_groups(user))
        )

    def open(self):
        return self.filter(status=AccountRequest.Status.SUBMITTED)

    def overdue(self, today=None):
        """Open requests past their due date (5 working days from submission)."""
        return self.open().filter(due_on__lt=today or timezone.localdate())


def managed_services(user):
    """The services a person may request accounts for: those they manage."""
    return Service.objects.filter(
        memberships__user=user, memberships__role=Role.SERVICE_MANAGER
    ).distinct()


def managed_work_groups(user):
    """The work groups a person may request accounts for: those whose tray they administer."""
    return WorkGroup.objects.filter(
        memberships__user=user, memberships__role=Role.TRAY_ADMIN
    ).distinct()


class AccountRequest(models.Model):
    """A "Thrive User Registration and User Changes Form": made by a service manager or work
    tray admin for their own service or work group, decided by a system administrator."""

    class Kind(models.TextChoices):
        NEW_ACCOUNT = "new_account", "Access to Thrive for a new worker"
        CHANGE = "change", "A change to a Thrive user account"
        SUSPENSION = "suspension", "Suspend a user account"
        DELETION = "deletion", "Delete a user account"
        PASSWORD_RESET = "password_reset", "Password reset"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="account_requests"
    )
    work_group = models.ForeignKey(
        WorkGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="account_requests_made",
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # Stored, not computed: the promise made on submission stands even if the bank holiday
    # calendar is later updated.
    due_on = models.DateField()
    # The person the request is about (for a new account: the account created on approval).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_requests_about",
    )
    full_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    dbs_check_date = models.DateField("DBS check date", null=True, blank=True)
    new_organisation = models.CharField(max_length=200, blank=True)
    details = models.CharField(max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_requests_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=1000, blank=True)

    objects = AccountRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                name="account_request_has_one_scope",
                condition=Q(service__isnull=False, work_group__isnull=True)
                | Q(service__isnull=True, work_group__isnull=False),
            )
        ]

    def __str__(self):
        return self.reference or f"request {self.pk}"

    @property
    def scope(self):
        return self.service or self.work_group

    @property
    def organisation(self):
        """The tenant organisation, for the audit trail."""
        return self.service.provider if self.service_id else self.work_group.organisation

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def subject_name(self) -> str:
        if self.kind == self.Kind.NEW_ACCOUNT or self.person is None:
            return self.full_name
        return self.person.full_name
