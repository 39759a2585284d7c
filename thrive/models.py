"""Thrive's core: organisations and services (the tenants), people, roles, the Acceptable Use
Policy, the audit trail and the email outbox."""

from datetime import date

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone


class District(models.TextChoices):
    ASHFORD = "ashford", "Ashford"
    CANTERBURY = "canterbury", "Canterbury"
    DARTFORD = "dartford", "Dartford"
    DOVER = "dover", "Dover"
    FOLKESTONE_HYTHE = "folkestone-hythe", "Folkestone and Hythe"
    GRAVESHAM = "gravesham", "Gravesham"
    MAIDSTONE = "maidstone", "Maidstone"
    SEVENOAKS = "sevenoaks", "Sevenoaks"
    SWALE = "swale", "Swale"
    THANET = "thanet", "Thanet"
    TONBRIDGE_MALLING = "tonbridge-malling", "Tonbridge and Malling"
    TUNBRIDGE_WELLS = "tunbridge-wells", "Tunbridge Wells"


class Role(models.TextChoices):
    EHPS_OFFICER = "ehps_officer", "Early Help officer"
    SERVICE_MANAGER = "service_manager", "Commissioned service manager"
    SERVICE_WORKER = "service_worker", "Commissioned service worker"
    SEND_OFFICER = "send_officer", "SEND officer"
    TRAY_ADMIN = "tray_admin", "Work tray admin"
    CLINICIAN = "clinician", "Clinician"
    SYSTEM_ADMIN = "system_admin", "System administrator"


SERVICE_ROLES = {Role.SERVICE_MANAGER, Role.SERVICE_WORKER}
WORK_GROUP_ROLES = {Role.TRAY_ADMIN, Role.CLINICIAN}
COUNCIL_ROLES = {Role.EHPS_OFFICER, Role.SEND_OFFICER, Role.SYSTEM_ADMIN}


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        PROVIDER = "provider", "Commissioned service provider"
        HEALTH_PARTNER = "health_partner", "Health partner"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The services a person may see: their own; EHPS officers see the services of their
        districts (they refer to them); system administrators see all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.SYSTEM_ADMIN):
            return self.all()
        return self.filter(
            Q(memberships__user=user, memberships__role__in=SERVICE_ROLES)
            | Q(district__in=user.districts())
        ).distinct()


class Service(models.Model):
    """A commissioned service: the tenant of the Early Help case work."""

    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="services",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
    )
    name = models.CharField(max_length=200, unique=True)
    district = models.CharField(max_length=30, choices=District.choices)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Work groups a person belongs to or manages; SEND officers (who delegate to them)
        and system administrators see all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.SYSTEM_ADMIN, Role.SEND_OFFICER):
            return self.all()
        return self.filter(Q(memberships__user=user) | Q(manager=user)).distinct()


class WorkGroup(models.Model):
    """A health partner team with a shared work tray."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="work_groups",
        limit_choices_to={"kind": Organisation.Kind.HEALTH_PARTNER},
    )
    name = models.CharField(max_length=200)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_work_groups",
        help_text="The clinicians' manager, who counter-signs.",
    )

    objects = WorkGroupQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_work_group")
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People a person may see: colleagues who share a service or work group with them;
        system administrators see everyone."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.SYSTEM_ADMIN):
            return self.all()
        return self.filter(
            Q(pk=user.pk)
            | Q(memberships__service__in=Service.objects.filter(memberships__user=user))
            | Q(memberships__work_group__in=WorkGroup.objects.visible_to(user))
        ).distinct()

    def dbs_lapsed(self, today=None):
        """Active people whose DBS check is missing or older than the renewal period."""
        today = today or timezone.localdate()
        cutoff = add_years(today, -settings.DBS_RENEWAL_YEARS)
        return self.filter(is_active=True).filter(
            Q(dbs_check_date__isnull=True) | Q(dbs_check_date__lte=cutoff)
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, username, password=None, **fields):
        user = self.model(username=normalise_username(username), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(username, password, **fields)


def normalise_username(value: str) -> str:
    """`KLZ\\bloggj01`, `bloggj01@klz.org.uk` and ` BloggJ01 ` all mean `bloggj01`."""
    value = (value or "").strip()
    if value.lower().startswith("klz\\"):
        value = value[4:]
    if value.lower().endswith("@klz.org.uk"):
        value = value[: -len("@klz.org.uk")]
    return value.strip().lower()


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        max_length=150, unique=True, help_text="System username, for example bloggj01."
    )
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    dbs_check_date = models.DateField("DBS check date", null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    is_demo = models.BooleanField(
        default=False, help_text="Created by the demo data; second factor not enforced in DEBUG."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name", "email"]

    class Meta:
        ordering = ["full_name", "username"]

    def __str__(self):
        return f"{self.full_name} ({self.username})"

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def _get_session_auth_hash(self, secret=None):
        # Django's hash of the password, checked against the session's on every request; the
        # HMAC key derived once per process (thrive/signatures.py), the digest the same.
        from .signatures import salted_hmac

        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(key_salt, self.password, secret, algorithm="sha256").hex()

    # Roles, services and districts are read many times a request: one query loads every
    # membership's scope, and the lists' querysets get the ids as values (`service_id IN (5)`
    # plans and walks an index in order; a subquery made PostgreSQL count every row).
    @property
    def scopes(self) -> tuple[tuple[str, int | None, int | None, str], ...]:
        """(role, service id, work group id, district) of each of the person's memberships."""
        if not hasattr(self, "_scopes"):
            self._scopes = tuple(
                self.memberships.values_list("role", "service_id", "work_group_id", "district")
            )
        return self._scopes

    @property
    def role_set(self) -> frozenset:
        return frozenset(role for role, *_ in self.scopes)

    def has_role(self, *roles) -> bool:
        return bool(self.role_set.intersection(roles))

    def service_ids(self, *roles) -> list[int]:
        """The services where the person holds one of `roles`, as a list of ids."""
        return sorted({service for role, service, *_ in self.scopes if role in roles and service})

    def districts(self) -> list[str]:
        return [district for role, _, _, district in self.scopes if role == Role.EHPS_OFFICER]

    @property
    def dbs_renewal_due(self) -> date | None:
        if self.dbs_check_date is None:
            return None
        return add_years(self.dbs_check_date, settings.DBS_RENEWAL_YEARS)

    @property
    def dbs_lapsed(self) -> bool:
        due = self.dbs_renewal_due
        return due is None or due <= timezone.localdate()


class Membership(models.Model):
    """Ties a person to a service, a work group or a district with a role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    work_group = models.ForeignKey(
        WorkGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    district = models.CharField(max_length=30, choices=District.choices, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_scope_fits_role",
                condition=(
                    Q(
                        role__in=sorted(SERVICE_ROLES),
                        service__isnull=False,
                        work_group__isnull=True,
                        district="",
                    )
                    | Q(
                        role__in=sorted(WORK_GROUP_ROLES),
                        work_group__isnull=False,
                        service__isnull=True,
                        district="",
                    )
                    | Q(
                        role=Role.EHPS_OFFICER,
                        service__isnull=True,
                        work_group__isnull=True,
                    )
                    & ~Q(district="")
                    | Q(
                        role__in=[Role.SEND_OFFICER, Role.SYSTEM_ADMIN],
                        service__isnull=True,
                        work_group__isnull=True,
                        district="",
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "service"],
                condition=Q(service__isnull=False),
                name="unique_service_membership",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "work_group"],
                condition=Q(work_group__isnull=False),
                name="unique_work_group_membership",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=Q(service__isnull=True, work_group__isnull=True),
                name="unique_council_membership",
            ),
        ]

    def __str__(self):
        scope = self.service or self.work_group or self.get_district_display() or "council"
        return f"{self.user.username}: {self.get_role_display()} – {scope}"


class AcceptableUsePolicy(models.Model):
    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200, default="Thrive Acceptable Use Policy")
    body = models.TextField(
        help_text="Paragraphs separated by blank lines; lines starting '- ' are list items."
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "acceptable use policies"

    def __str__(self):
        return f"{self.title} v{self.version}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from django.core.cache import cache

        cache.delete("thrive:current-aup")  # see thrive.middleware.current_policy_id

    def blocks(self) -> list[dict]:
        """The body as headings, paragraphs and bullet lists, for the template. A line on its
        own ending without a full stop and under 60 characters is a heading. The list key is
        "bullets", not "items": in a template `block.items` is the dictionary's own method."""
        blocks: list[dict] = []
        for chunk in self.body.strip().split("\n\n"):
            lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
            if not lines:
                continue
            if all(line.startswith("- ") for line in lines):
                blocks.append({"bullets": [line[2:] for line in lines]})
            elif len(lines) == 1 and len(lines[0]) < 60 and lines[0][-1] not in ".:;,":
                blocks.append({"heading": lines[0]})
            else:
                blocks.append({"text": " ".join(lines)})
        return blocks

    @classmethod
    def current(cls):
        return cls.objects.filter(published_at__lte=timezone.now()).first()


class PolicyAcceptance(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="policy_acceptances")
    policy = models.ForeignKey(AcceptableUsePolicy, on_delete=models.PROTECT)
    name_given = models.CharField("name (print name)", max_length=200)
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "policy"], name="accept_policy_once")
        ]

    def __str__(self):
        return f"{self.user.username} accepted v{self.policy.version}"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly

    def delete(self):
        raise AuditTrailIsAppendOnly


class AuditTrailIsAppendOnly(Exception):
    """Audit events are written once and never changed or removed."""


class AuditEvent(models.Model):
    """Who did what, when and from where. Never the record's contents."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    note = models.CharField(
        max_length=200, blank=True, help_text="A short description; never personal data."
    )
    # Set on events recorded while the database primary was down (thrive/spool.py), so that
    # writing the spool to the trail twice still records each event once.
    event_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # DO_NOTHING without a database constraint: deleting a person or organisation keeps their
    # audit rows (with the username written at the time) untouched.
    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditTrailIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly


class OutboxEmail(models.Model):
    """An email written in the same transaction as the change it reports. A task sends it;
    a rolled-back change leaves no row, so nothing is sent, and a broker outage only delays."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    created_at = models.DateTimeField(default=timezone.now)
    to = models.JSONField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    secret = models.BooleanField(
        default=False, help_text="Holds a one-time code: the body is blanked once sent."
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"


class FailedSignIn(models.Model):
    """One wrong password or code for an account, kept in the database so that restarting or
    flushing the cache unlocks nobody (thrive/lockout.py counts them). `key` is the normalised
    username: the same count whichever page, address or Host header the guess came from."""

    key = models.CharField(max_length=254)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]

    def __str__(self):
        return f"{self.key} at {self.at:%Y-%m-%d %H:%M:%S}"


class ScheduledJobRun(models.Model):
    """The last run of one scheduled (Celery beat) task, for the Operations page: one row per
    task, overwritten by each run (thrive.operations records it from Celery's signals)."""

    task = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(null=True)
    error = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"{self.task} at {self.started_at:%Y-%m-%d %H:%M}"


class ExportJob(models.Model):
    """A download too large to build while the person waits (thrive/exports.py): a Celery task
    builds the file from the list's own view, counting rows as it goes; the person follows its
    progress and downloads it (audited) when it is ready. Only its owner can see it; the file
    is deleted EXPORT_KEEP_HOURS after it was made."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        BUILDING = "building", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="export_jobs")
    title = models.CharField(max_length=200)
    path = models.CharField(max_length=500)
    query = models.CharField(max_length=2000)
    format = models.CharField(max_length=4)
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField()
    rows_done = models.PositiveIntegerField(default=0)
    file = models.CharField("storage name", max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int:
        return min(100, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0


class UserSession(AbstractBaseSession):
    """A session, with whose it is (thrive/sessions): set when the session is saved."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )

    @classmethod
    def get_session_store_class(cls):
        from django.conf import settings as django_settings
        from django.utils.module_loading import import_string

        return import_string(f"{django_settings.SESSION_ENGINE}.SessionStore")


class SubjectAccessRequest(models.Model):
    """Everything held about one child, gathered into one download for a subject access
    request: built in the background by `thrive.subject_access.build`, downloadable by the
    administrator who asked for a limited time, and audited throughout."""

    class Status(models.TextChoices):
        BUILDING = "building", "Being built"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be built"
        EXPIRED = "expired", "Expired"

    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    child_first_name = models.CharField("Child’s first name", max_length=100)
    child_last_name = models.CharField("Child’s last name", max_length=100)
    child_date_of_birth = models.DateField("Child’s date of birth")
    # What the administrator confirmed is about this child: {"cases": [pk, ...], ...}.
    selection = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BUILDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.CharField("storage name", max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Subject access request {self.pk}"

    @property
    def child_name(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}"

    @property
    def downloadable(self) -> bool:
        return (
            self.status == self.Status.READY
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


class SearchWord(models.Model):
    """A word some record's name holds (its `search_names`), kept on PostgreSQL by the
    database itself: a trigger on each table that stores search names adds the words of every
    name written, however it is written (thrive/search/words.py). The search box looks a
    name's start, or a word close to it by trigrams, up here (a few thousand words, however
    many records), then finds the records holding one of those words through each table's
    index of its words. A word is not linked to any record: one no record holds any more (a
    name corrected) stays and finds nothing. Unused on SQLite, which scans."""

    word = models.CharField(max_length=700, primary_key=True)

    def __str__(self):
        return self.word
