from datetime import date

import pytest

from thrive.models import District, Role

from ..factories import ServiceFactory, make_case, person


@pytest.fixture
def ashford(db):
    return ServiceFactory(name="Family Matters Ashford", district=District.ASHFORD)


@pytest.fixture
def officer(ashford):
    return person(Role.EHPS_OFFICER, district=District.ASHFORD, email="ehps@example.org")


@pytest.fixture
def manager(ashford):
    return person(Role.SERVICE_MANAGER, service=ashford, email="mgr@example.org")


@pytest.fixture
def worker(ashford):
    return person(
        Role.SERVICE_WORKER, service=ashford, email="wkr@example.org", full_name="Will Kerr"
    )


@pytest.fixture
def other_worker(ashford):
    return person(Role.SERVICE_WORKER, service=ashford, full_name="Wendy Roberts")


@pytest.fixture
def case(ashford, officer):
    return make_case(ashford, referred_by=officer)


@pytest.fixture
def open_case(case, worker):
    case.status = "open"
    case.progressing = "yes"
    case.response_date = date(2026, 11, 3)
    case.waiting_list = False
    case.worker = worker
    case.date_worker_appointed = date(2026, 11, 4)
    case.save()
    return case
