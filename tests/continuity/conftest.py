import pytest
import time_machine
from django.utils import timezone

from .factories import allocated_case, make_team


@pytest.fixture(autouse=True)
def _no_virus_scanner(settings):
    """Attachments kept with downtime records are scanned only when a scanner is set up."""
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_HOST = ""


NOW = timezone.make_aware(timezone.datetime(2026, 11, 23, 15, 0))


@pytest.fixture
def frozen_clock():
    """23 November 2026, 15:00, standing still."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def team(db):
    return make_team()


@pytest.fixture
def case(team):
    """An open case allocated to the team's worker."""
    return allocated_case(team)
