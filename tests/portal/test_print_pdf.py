"""Print PDF: the whole form with its answers, the supporting documents listed and the task's
details in the header, rendered by WeasyPrint in under a second; audited as "printed"."""

import pytest
from django.urls import reverse

from portal.delegation import services
from portal.form_engine.pdf import render_task_document
from portal.models import SupportingDocument
from thrive.models import AuditEvent

from .conftest import COMPLETE

ANSWERS = {
    **COMPLETE,
    "health_provision": [
        {"provision": "Weekly physiotherapy", "who": "Mary Jones"},
        {"provision": "Sensory diet", "who": "School OT"},
    ],
}


def texts(box):
    """Every piece of text WeasyPrint laid out in `box` and below it."""
    if getattr(box, "text", None):
        yield box.text
    for child in getattr(box, "children", ()):
        yield from texts(child)


def laid_out_text(document) -> str:
    return " ".join(text for page in document.pages for text in texts(page._page_box))


@pytest.fixture
def answered(task, clinician):
    services.save_answers(task, by=clinician, answers=ANSWERS)
    SupportingDocument.objects.create(
        task=task,
        name="Clinical letter.pdf",
        stored_name="tests/missing/letter",
        kind="pdf",
        content_type="application/pdf",
        size=2048,
        sha256="0" * 64,
        uploaded_by=clinician,
    )
    task.refresh_from_db()
    return task


def test_the_pdf_has_the_header_every_answer_table_rows_and_documents(answered):
    document = render_task_document(answered)
    content = document.write_pdf()

    assert content.startswith(b"%PDF")
    assert len(document.pages) >= 1
    text = laid_out_text(document)
    for expected in [
        "EHCNA Information Gathering",
        "Diane Bluebell",
        "10-Feb-2013",
        "SEND North",
        "01475 221192",
        "Sam Ellis",
        "Known since 2019.",
        "Hypermobility.",
        "Writes independently.",
        "Weekly physiotherapy",
        "Mary Jones",
        "Sensory diet",
        "School OT",
        "Health provision",
        "Clinical letter.pdf",
    ]:
        assert expected in text, expected
    for number, section in enumerate(answered.form.sections, start=1):
        assert f"{number}. {section['title']}" in text


def test_the_clinician_prints_the_pdf_from_the_task(client, clinician, answered):
    client.force_login(clinician)
    page = client.get(reverse("portal:task", args=[answered.pk]))
    url = reverse("portal:print_pdf", args=[answered.pk])
    assert url in page.text and "Print PDF" in page.text

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'attachment; filename="portal-task-{answered.pk}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert "Diane" not in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="printed")
    assert event.object_id == str(answered.pk) and event.user == clinician


def test_the_send_officer_downloads_the_submissions_pdf(client, clinician, send_officer, answered):
    url = reverse("portal:print_pdf", args=[answered.pk])
    client.force_login(send_officer)
    assert client.get(url).status_code == 404

    services.submit_task(answered, by=clinician)

    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_people_not_on_the_task_cannot_print_it(client, colleague, answered):
    client.force_login(colleague)

    assert client.get(reverse("portal:print_pdf", args=[answered.pk])).status_code == 404


def test_answers_are_printed_as_text_never_as_markup(task, clinician):
    hostile = '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://x/">'
    services.save_answers(task, by=clinician, answers={"background": hostile})
    task.refresh_from_db()

    document = render_task_document(task)

    assert hostile in laid_out_text(document)


def test_the_counter_signature_is_printed(answered, group_manager):
    from django.utils import timezone

    from portal.models import Task

    Task.objects.filter(pk=answered.pk).update(
        countersigned_by=group_manager, countersigned_at=timezone.now()
    )
    answered.refresh_from_db()

    text = laid_out_text(render_task_document(answered))

    assert "Counter-signed by" in text and "Clara Morgan" in text


def test_fonts_are_subset_by_harfbuzz():
    """Without HarfBuzz's subsetter WeasyPrint falls back to fontTools: a quarter of a 50-row
    form's time (docs/performance.md). The image, CI and `make run` install it."""
    from weasyprint.text.ffi import harfbuzz_subset

    assert harfbuzz_subset is not None, "apt-get install libharfbuzz-subset0"


def _tree(element):
    """An element's tag, attributes, text and children, whitespace-only text left out."""
    return (
        element.tag,
        sorted(element.attrib.items()),
        (element.text or "").strip() or None,
        [_tree(child) for child in element],
        (element.tail or "").strip() or None,
    )


def test_the_page_is_parsed_as_xml_into_the_tree_the_html5_parser_makes(
    answered, clinician, monkeypatch
):
    import tinyhtml5

    from portal.form_engine.pdf import _html_class, task_html

    services.save_answers(
        answered, by=clinician, answers={"background": 'Fish & chips <b>"bold"</b>\r\nnext'}
    )
    answered.refresh_from_db()
    page = task_html(answered)
    html5 = tinyhtml5.parse(page, namespace_html_elements=False)
    monkeypatch.setattr(tinyhtml5, "parse", None)  # not used: expat parses the page

    parsed = _html_class()(string=page, url_fetcher=None)

    assert parsed.etree_element.tag == "html" and parsed.base_url is None
    assert _tree(parsed.etree_element) == _tree(html5)


def test_an_answer_with_a_character_xml_refuses_is_printed_by_the_html5_parser(task, clinician):
    services.save_answers(task, by=clinician, answers={"background": "Before\x0bafter\x1b."})
    task.refresh_from_db()

    document = render_task_document(task)

    assert document.write_pdf().startswith(b"%PDF")
    assert "Before" in laid_out_text(document)
