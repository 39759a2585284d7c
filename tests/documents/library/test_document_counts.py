"""The counts the document reports read (documents/counts.py) are kept by every change to the
documents, in its transaction: after any mix of changes, one at a time or at the same moment,
they equal the counts made from scratch."""

import random
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.utils import timezone

from documents import counts, services
from documents.models import CaseDocumentCount, Document, PossibleDuplicate, ServiceDocumentCount
from thrive.models import Role

from ...factories import make_case, person
from .conftest import checked, other_pdf
from .factories import make_document

REFUSED = (services.DocumentActionRefused, services.DuplicateDocument, IntegrityError)


def _file(number: int):
    return checked(f"Letter {number}.pdf", other_pdf(f"Letter {number}".encode()))


def _change(rng, *, cases, service, manager, admin):
    """One change chosen at random, through the services every page and command uses."""
    documents = list(Document.objects.filter(service=service).select_related("case", "service"))
    live = [d for d in documents if d.deleted_at is None]
    binned = [d for d in documents if d.deleted_at is not None]
    kind = rng.choice(
        ["upload", "upload", "import", "version", "relink", "bin", "restore", "purge"]
    )
    try:
        if kind == "upload":
            case = rng.choice(cases)
            services.upload_document(by=manager, case=case, checked=_file(rng.randrange(5)))
        elif kind == "import":
            services.upload_document(
                by=None, service=service, checked=_file(rng.randrange(5)), imported=True
            )
        elif kind == "version" and live:
            services.add_version(rng.choice(live), by=manager, checked=_file(rng.randrange(5)))
        elif kind == "relink" and live:
            document = rng.choice(live)
            services.edit_properties(document, by=manager, title="", case=rng.choice(cases))
        elif kind == "bin" and live:
            services.move_to_bin(rng.choice(live), by=manager)
        elif kind == "restore" and binned:
            services.restore(rng.choice(binned), by=manager)
        elif kind == "purge" and binned:
            services.purge(rng.choice(binned), by=admin)
    except REFUSED:
        pass  # refused changes must leave the counts as they were, too
    return kind


@pytest.mark.parametrize("seed", range(3))
def test_after_any_mix_of_changes_the_counts_equal_those_made_from_scratch(
    seed, ashford, canterbury, officer, manager, other_manager
):
    rng = random.Random(seed)
    cases = [make_case(ashford, referred_by=officer) for _ in range(3)]
    foreign = make_case(canterbury)
    admin = person(Role.SYSTEM_ADMIN)
    # The same files in another service are never duplicates of these.
    services.upload_document(by=other_manager, case=foreign, checked=_file(0))
    services.upload_document(by=other_manager, case=foreign, checked=_file(1))

    kinds = set()
    for _ in range(40):
        kinds.add(_change(rng, cases=cases, service=ashford, manager=manager, admin=admin))
        assert counts.differences() == []

    assert kinds >= {"upload", "import", "version", "relink", "bin", "restore"}
    assert ServiceDocumentCount.objects.get(service=canterbury).documents == 2


def test_the_counts_of_a_case_and_its_service(ashford, case, second_case, worker, manager):
    first = services.upload_document(by=worker, case=case, checked=_file(1))
    services.upload_document(by=worker, case=case, checked=_file(2))
    services.upload_document(by=worker, case=second_case, checked=_file(1))
    services.upload_document(by=None, service=ashford, checked=_file(3), imported=True)

    services.move_to_bin(first, by=worker)

    assert CaseDocumentCount.objects.get(case=case).documents == 1
    assert CaseDocumentCount.objects.get(case=second_case).documents == 1
    assert not PossibleDuplicate.objects.exists()  # the file is on one case again
    totals = ServiceDocumentCount.objects.get(service=ashford)
    assert (totals.documents, totals.cases, totals.duplicates) == (3, 2, 0)
    services.restore(first, by=manager)
    assert PossibleDuplicate.objects.get().cases == 2
    assert ServiceDocumentCount.objects.get(service=ashford).duplicates == 2


def test_a_document_deleted_twice_at_once_leaves_the_counts_once(case, worker, manager):
    document = make_document(case)
    seen_by_both = Document.objects.get(pk=document.pk)
    services.move_to_bin(document, by=worker)

    with pytest.raises(services.DocumentActionRefused, match="already in the bin"):
        services.move_to_bin(seen_by_both, by=manager)

    assert counts.differences() == []


def test_the_check_finds_a_change_made_behind_thrives_back_and_rebuild_repairs_it(case):
    make_document(case)
    make_document(case)
    Document.objects.filter(pk=Document.objects.first().pk).update(deleted_at=timezone.now())

    with pytest.raises(CommandError, match="differ"):
        call_command("document_counts")

    call_command("document_counts", "--rebuild")
    call_command("document_counts")
    assert CaseDocumentCount.objects.get(case=case).documents == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="changes at the same moment need a database server"
)
@pytest.mark.django_db(transaction=True)
def test_changes_at_the_same_moment_keep_the_counts(media):
    from ...factories import ServiceFactory

    service = ServiceFactory()
    cases = [make_case(service) for _ in range(2)]
    managers = [person(Role.SERVICE_MANAGER, service=service) for _ in range(10)]
    binned = [
        services.upload_document(by=managers[0], case=cases[0], checked=_file(n)) for n in (7, 8)
    ]
    for document in binned:
        services.move_to_bin(document, by=managers[0])
    start = threading.Barrier(len(managers))
    failures = []

    def change(number, manager):
        try:
            start.wait()
            if number < 6:  # uploads, some of the same file to both cases
                case = cases[number % 2]
                services.upload_document(by=manager, case=case, checked=_file(number // 2))
            else:  # the two binned documents restored, each by two people at once
                services.restore(binned[number % 2], by=manager)
        except REFUSED:
            pass
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=pair) for pair in enumerate(managers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert counts.differences() == []
    totals = ServiceDocumentCount.objects.get(service=service)
    assert (totals.documents, totals.cases, totals.duplicates) == (8, 2, 6)
