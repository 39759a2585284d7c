import pytest

from thrive.models import Role

from ..factories import person
from .factories import with_questions


@pytest.fixture(autouse=True)
def _fast_history_hashing(settings):
    """The history hash is deliberately slow in production (PASSWORD_HISTORY_HASH_ITERATIONS)."""
    settings.PASSWORD_HISTORY_HASH_ITERATIONS = 2


@pytest.fixture
def jo(db, service):
    """A worker who has set up self-service."""
    return with_questions(
        person(Role.SERVICE_WORKER, service=service, username="bloggj01", full_name="Jo Bloggs")
    )
