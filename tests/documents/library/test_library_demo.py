from documents.models import Document
from thrive.demo import load_demo_data


def test_demo_documents_load_once_and_include_some_with_no_thrive_id(db, settings):
    settings.DEBUG = True

    load_demo_data()
    count = Document.objects.count()
    load_demo_data()

    assert Document.objects.count() == count >= 6
    assert Document.objects.filter(case=None).count() == 2
    assert Document.objects.filter(case__archived_at__isnull=False).exists()
    assert Document.objects.filter(versions__number=2).exists()
