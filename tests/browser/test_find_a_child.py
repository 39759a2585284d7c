"""Find a child, in a browser: the referral that may already be known, a case found by a
misspelt name and by part of a postcode, and a subject access download."""

import io
import zipfile
from datetime import date
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import expect

from .test_case_journey import fill_date, sign_in, sign_out


def given_a_child_known_to_thrive():
    """An archived case for Amelia Hartley with a document and a portal task about her, and a
    case of wkr01's for Jonathan Smith."""
    from cases.models import Case, Status
    from documents.models import Document, DocumentVersion
    from portal.delegation import services as portal_services
    from portal.models import FormDefinition
    from thrive import audit
    from thrive.models import Service, User, WorkGroup

    ashford = Service.objects.get(name="Family Matters Ashford")
    officer, manager = User.objects.get(username="ehps01"), User.objects.get(username="mgr01")
    common = {
        "service": ashford,
        "district": ashford.district,
        "referred_by": officer,
        "modified_by": officer,
        "family_names": "Hartley",
        "address": "4 Mill Lane, Ashford",
        "notifier": "School",
        "reason_for_referral": "Attendance",
        "date_referred": date(2025, 9, 1),
    }
    amelia = Case.objects.create(
        **common,
        child_first_name="Amelia",
        child_last_name="Hartley",
        child_date_of_birth=date(2016, 4, 4),
        postcode="TN24 8AB",
        status=Status.CLOSED,
        archived_at=timezone.now(),
    )
    amelia.thrive_id = f"KT{amelia.pk:06d}"
    amelia.save()
    audit.record(None, "viewed", amelia, user=manager)
    jonathan = Case.objects.create(
        **{**common, "family_names": "Smith"},
        child_first_name="Jonathan",
        child_last_name="Smith",
        child_date_of_birth=date(2015, 3, 1),
        postcode="ME14 1XQ",
        status=Status.OPEN,
        progressing="yes",
        worker=User.objects.get(username="wkr01"),
    )
    jonathan.thrive_id = f"KT{jonathan.pk:06d}"
    jonathan.save()
    content = b"%PDF-1.4 plan for Amelia"
    stored = default_storage.save("tests/find-a-child/plan.pdf", ContentFile(content))
    document = Document.objects.create(
        service=ashford,
        case=amelia,
        name=f"{amelia.thrive_id}-010925-Plan.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256="0" * 64,
        created_by=manager,
        modified_by=manager,
    )
    version = DocumentVersion.objects.create(
        document=document,
        number=1,
        file=stored,
        original_name="Plan.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256="0" * 64,
        uploaded_by=manager,
    )
    document.current_version = version
    document.save()
    portal_services.create_task(
        by=User.objects.get(username="send01"),
        form=FormDefinition.objects.filter(active=True).first(),
        child_name="Amelia Hartley",
        child_date_of_birth=date(2016, 4, 4),
        child_address="4 Mill Lane, Ashford, TN24 8AB",
        work_group=WorkGroup.objects.filter(portal_tasks__isnull=False).first()
        or WorkGroup.objects.first(),
    )
    return amelia, jonathan


def search_from_the_header(page, text):
    page.get_by_role("search").first.get_by_label("Search for a child").fill(text)
    page.get_by_role("search").first.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search for a child")


def sign_in_with_authenticator(page, site, username):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from thrive.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.create(user=user, name="browser test", confirmed=True)
    page.goto(f"{site.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    from django.conf import settings

    page.get_by_label("Password", exact=True).fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Continue").click()
    if page.get_by_role("heading", name="Thrive Acceptable Use Policy").count():
        page.get_by_label("I have read, understood and will comply").check()
        page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_find_a_child(demo_site, page, axe, console_errors, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    page.set_default_timeout(30_000)
    amelia, jonathan = given_a_child_known_to_thrive()

    # The EHPS officer starts a referral for Amelia, who has an archived case: it is shown.
    sign_in(page, demo_site, "ehps01")
    page.get_by_role("link", name="Refer a family").first.click()
    page.get_by_label("Commissioned service").select_option(
        label="Family Matters Ashford (Ashford)"
    )
    page.get_by_label("Family second name(s)").fill("Hartley")
    page.get_by_label("Main child first name").fill("Amelia")
    page.get_by_label("Main child second name").fill("Hartly")
    fill_date(page, "Main child date of birth", 4, 4, 2016)
    page.get_by_label("Address").fill("4 Mill Lane, Ashford")
    page.get_by_label("Postcode").fill("TN24 8AB")
    page.get_by_label("Notifier").fill("Health visitor")
    page.get_by_label("Reason for referral").fill("Worries about attendance")
    page.get_by_role("button", name="Refer the family").click()
    known = page.get_by_test_id("may-already-be-known")
    expect(known.get_by_role("heading")).to_have_text("This family may already be known")
    expect(known.get_by_role("link", name=amelia.thrive_id)).to_be_visible()
    expect(known).to_contain_text("Archived")
    axe(page)
    sign_out(page)

    # The worker finds Jonathan's case by a misspelt name, then by part of the postcode.
    sign_in(page, demo_site, "wkr01")
    search_from_the_header(page, "Jon Smyth")
    expect(page.get_by_role("link", name="Jonathan Smith")).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    axe(page)
    search_from_the_header(page, "ME14")
    page.get_by_role("link", name="Jonathan Smith").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(jonathan.thrive_id)
    assert "Smyth" not in page.url and "ME14" not in page.url
    sign_out(page)

    # The administrator downloads everything held about Amelia.
    sign_in_with_authenticator(page, demo_site, "admin01")
    page.get_by_role("link", name="Subject access").click()
    page.get_by_label("Child’s first name").fill("Amelia")
    page.get_by_label("Child’s last name").fill("Hartley")
    fill_date(page, "Child’s date of birth", 4, 4, 2016)
    page.get_by_role("button", name="Find records").click()
    axe(page)
    page.get_by_role("button", name="Build the download").click()
    expect(page.get_by_test_id("status")).to_have_text("Ready to download")
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download everything held (zip)").click()
    bundle = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = bundle.namelist()
    index = bundle.read("index.html").decode()
    assert f"Case {amelia.thrive_id}" in index
    assert any(name.endswith("v1-Plan.pdf") for name in names)
    assert any(name.startswith("files/portal-task/") and name.endswith(".pdf") for name in names)
    audit = bundle.read("audit.csv").decode()
    assert "mgr01" in audit and "viewed" in audit
    assert not console_errors
