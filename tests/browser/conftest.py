"""Real-browser journeys: Playwright for Python driving Debian's chromium (never
`playwright install`), with axe-core from npm checking every page visited."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from ..conftest import restore_data_migrations

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


# A loaded 2-core machine can take many seconds over a page: every wait is on a condition,
# with room to spare (a passing test never waits for these; a failing one fails later).
NAVIGATION_TIMEOUT_MS = 90_000
ACTION_TIMEOUT_MS = 60_000
expect.set_options(timeout=30_000)


@pytest.fixture(autouse=True)
def _patient_page(request):
    if "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page.set_default_timeout(ACTION_TIMEOUT_MS)


@pytest.fixture
def demo_site(live_server, settings):
    """The live server with the demo organisations and sign-ins loaded."""
    from thrive.demo import load_demo_data

    restore_data_migrations()
    settings.DEBUG = True
    load_demo_data()
    settings.DEBUG = False
    return live_server


class AccessibilityError(AssertionError):
    pass


def check_accessibility(page):
    """Run axe-core (WCAG 2.0–2.2 A and AA) on a styled page; fail on serious or critical.
    Called just after a click, the page may still be navigating: axe starts again on the page
    that loads (a navigation destroys the script's context)."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        page.wait_for_selector("body.govuk-frontend-supported")
        try:
            page.evaluate(AXE.read_text())
            result = page.evaluate(
                """async () => await axe.run(document, {runOnly: {type: "tag",
                    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})"""
            )
            break
        except PlaywrightError as error:
            if attempt == 2 or "context was destroyed" not in str(error):
                raise
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    if bad:
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
            for v in bad
        )
        raise AccessibilityError(f"axe-core found problems on {page.url}:\n{details}")


@pytest.fixture
def axe():
    return check_accessibility


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
