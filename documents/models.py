"""The case document library: documents linked to a case (or, until a manager fixes the link,
to no case: "Documents with No Thrive ID"), every version kept, and a bin that keeps deleted
documents restorable for 30 days."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Case
from thrive.models import Role, Service

BIN_DAYS = 30
KIND_LABELS = {
    "word": "Word document",
    "pdf": "PDF",
    "excel": "Excel spreadsheet",
    "image": "Picture",
}


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The documents of every case the person may see (Case.visible_to decides), and for
        a service's managers also their services' documents with no Thrive ID. Includes
        documents in the bin; views pick `.live()` or `.in_bin()`."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        condition = Q(case__in=Case.objects.visible_to(user).values("pk"))
        if user.has_role(Role.SERVICE_MANAGER):
            managed = user.service_ids(Role.SERVICE_MANAGER)
            condition |= Q(case__isnull=True, service__in=managed)
        return self.filter(condition)

    def live(self):
        return self.filter(deleted_at__isnull=True)

    def in_bin(self):
        return self.filter(deleted_at__isnull=False)

    def unlinked(self):
        return self.filter(case__isnull=True)


class Document(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="documents")
    case = models.ForeignKey(
        Case,
        verbose_name="Thrive ID",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(max_length=200, blank=True)
    # The display name, ThriveID-DDMMYY-Filename.ext; made by Thrive, never typed.
    name = models.CharField(max_length=255)
    # Of the current version, copied here so that lists need no join.
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    current_version = models.ForeignKey(
        "DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    modified_at = models.DateTimeField(default=timezone.now)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-modified_at"]
        indexes = [
            # The case page: a case's documents, last modified first.
            models.Index(
                fields=["case", "-modified_at"],
                condition=Q(deleted_at__isnull=True),
                name="document_by_case",
            ),
            # Latest Documents Uploaded.
            models.Index(
                fields=["service", "-created_at"],
                condition=Q(deleted_at__isnull=True),
                name="document_latest",
            ),
            # Documents with No Thrive ID.
            models.Index(
                fields=["service", "-created_at"],
                condition=Q(deleted_at__isnull=True, case__isnull=True),
                name="document_no_thrive_id",
            ),
            # Documents by case: each case's count and latest upload, read from the index
            # alone (an index-only scan of the service's entries, grouped by case).
            models.Index(
                fields=["service", "case"],
                include=["created_at"],
                condition=Q(deleted_at__isnull=True, case__isnull=False),
                name="document_case_counts",
            ),
            # Possible duplicate documents: the fingerprints on more than one case of a
            # service, counted from the index alone.
            models.Index(
                fields=["service", "sha256"],
                include=["case"],
                condition=Q(deleted_at__isnull=True, case__isnull=False),
                name="document_fingerprints",
            ),
            # Duplicate detection, on a case and across a service.
            models.Index(fields=["service", "sha256"], name="document_fingerprint"),
            models.Index(
                fields=["deleted_at"], condition=Q(deleted_at__isnull=False), name="document_bin"
            ),
        ]
        constraints = [
            # The same file is on a case once: a second upload is refused (DuplicateDocument),
            # even when two people upload it at the same moment.
            models.UniqueConstraint(
                fields=["case", "sha256"],
                condition=Q(deleted_at__isnull=True, case__isnull=False),
                name="document_once_per_case",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def in_bin(self) -> bool:
        return self.deleted_at is not None

    @property
    def purge_due(self):
        return self.deleted_at + timedelta(days=BIN_DAYS) if self.deleted_at else None

    @property
    def previewable(self) -> bool:
        return self.kind in ("pdf", "image")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def thrive_id(self) -> str:
        return self.case.thrive_id if self.case_id else ""


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.CharField("storage name", max_length=255)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number")
        ]

    def __str__(self):
        return f"{self.document} version {self.number}"


class DocumentLockQuerySet(models.QuerySet):
    def active(self, now=None):
        """Locks not yet expired: a lock an editor left behind is ignored once it expires."""
        return self.filter(expires_at__gt=now or timezone.now())


class DocumentLock(models.Model):
    """A document open in the browser editor (WOPI): one editor at a time. The editor names
    the lock (WOPI's lock id) and refreshes it while the document is open; an editor that
    stops refreshing leaves a lock that expires after LOCK_MINUTES and is then ignored."""

    LOCK_MINUTES = 30

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="lock")
    # WOPI lock ids are opaque strings of at most 1024 ASCII characters.
    lock_id = models.CharField(max_length=1024)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    locked_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = DocumentLockQuerySet.as_manager()

    def __str__(self):
        return f"{self.document} open for editing by {self.held_by}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


# --- Counts kept with every change (documents/counts.py) --------------------------------------


class CaseDocumentCount(models.Model):
    """A case's live documents: how many and the latest upload (Documents by case). Only
    cases with at least one live document have a row."""

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="document_count"
    )
    # Indexed by the indexes below, which lead with it.
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The case's district (an EHPS officer's reports read by it): set at referral from the
    # service's and never changed, so a row's district is its case's.
    district = models.CharField(max_length=30, blank=True)
    documents = models.PositiveIntegerField()
    latest_upload = models.DateTimeField()

    class Meta:
        indexes = [
            # Documents by case, a page at a time in either order of either column, read from
            # the index alone.
            models.Index(
                fields=["service", "documents", "case"],
                include=["latest_upload"],
                name="case_count_by_documents",
            ),
            models.Index(
                fields=["service", "latest_upload", "case"],
                include=["documents"],
                name="case_count_by_latest",
            ),
            # The same for an EHPS officer's district.
            models.Index(
                fields=["district", "documents", "case"],
                include=["latest_upload"],
                name="case_count_district_documents",
            ),
            models.Index(
                fields=["district", "latest_upload", "case"],
                include=["documents"],
                name="case_count_district_latest",
            ),
        ]

    def __str__(self):
        return f"case {self.case_id}: {self.documents} document(s)"


class PossibleDuplicate(models.Model):
    """A fingerprint (SHA-256) on more than one case of a service, with how many cases hold
    it: the live documents on those cases are Possible duplicate documents. A fingerprint on
    one case, or none, has no row."""

    # Indexed by the unique constraint, which leads with it.
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+", db_index=False)
    sha256 = models.CharField(max_length=64)
    cases = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "sha256"], name="possible_duplicate_once")
        ]

    def __str__(self):
        return f"{self.sha256[:10]} on {self.cases} cases"


class DistrictDuplicate(models.Model):
    """A PossibleDuplicate's live documents on one district's cases: an EHPS officer's
    Possible duplicate documents walks these in fingerprint order for a page, instead of every
    repeated fingerprint of every service with a case in the district. A fingerprint with no
    document in the district has no row there."""

    district = models.CharField(max_length=30)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+", db_index=False)
    sha256 = models.CharField(max_length=64)
    documents = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Also the walk: a district's fingerprints in order, with their documents.
            models.UniqueConstraint(
                fields=["district", "sha256", "service"], name="district_duplicate_once"
            )
        ]
        indexes = [
            # A service's rows, recounted with its fingerprints.
            models.Index(fields=["service", "sha256"], name="district_duplicate_service")
        ]

    def __str__(self):
        return f"{self.sha256[:10]} in {self.district}: {self.documents} document(s)"


class ServiceDocumentCount(models.Model):
    """A service's totals, for the reports' page counts: its live documents (Latest Documents
    Uploaded), its cases with live documents (Documents by case) and its live documents whose
    file is on more than one of its cases (Possible duplicate documents)."""

    service = models.OneToOneField(
        Service, primary_key=True, on_delete=models.CASCADE, related_name="document_count"
    )
    documents = models.PositiveIntegerField(default=0)
    cases = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"service {self.service_id}: {self.documents} document(s)"


class DistrictDocumentCount(models.Model):
    """A district's totals, for an EHPS officer's reports' page counts: the live documents on
    its cases (Latest Documents Uploaded), its cases with live documents (Documents by case)
    and the live documents on its cases whose file is on more than one case of their service
    (Possible duplicate documents). Moved with the cases' and fingerprints' rows by
    documents/counts.py."""

    district = models.CharField(max_length=30, primary_key=True)
    documents = models.PositiveIntegerField(default=0)
    cases = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.district}: {self.documents} document(s)"
