import io
import os
import socket
import socketserver
import struct
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.uploads import UploadRefused, check_upload, refusals, scan_for_viruses
from documents.uploads.viruses import scanner_answers
from thrive.operations import Answer

from .corpus import EICAR, pdf


class _FakeClamd(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Instream)
        self.scanned = []
        self.reply = None  # None: OK or FOUND by content


class _Instream(socketserver.BaseRequestHandler):
    """Just enough of clamd: zPING, or zINSTREAM, length-prefixed chunks, one reply."""

    def handle(self):
        command = b""
        while not command.endswith(b"\x00"):
            command += self.request.recv(1)
        if command == b"zPING\x00":
            self.request.sendall(b"PONG\x00")
            return
        assert command == b"zINSTREAM\x00"
        data = b""
        while size := struct.unpack("!L", self._exactly(4))[0]:
            data += self._exactly(size)
        self.server.scanned.append(data)
        reply = self.server.reply or (
            b"stream: Eicar-Signature FOUND" if EICAR in data else b"stream: OK"
        )
        self.request.sendall(reply + b"\x00")

    def _exactly(self, size):
        data = b""
        while len(data) < size:
            data += self.request.recv(size - len(data))
        return data


@pytest.fixture
def clamd(settings):
    server = _FakeClamd()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    settings.CLAMAV_HOST, settings.CLAMAV_PORT = server.server_address
    yield server
    server.shutdown()
    server.server_close()


def test_eicar_test_file_is_refused_as_a_virus(clamd):
    with pytest.raises(UploadRefused) as refused:
        check_upload(SimpleUploadedFile("invoice.pdf", EICAR))

    assert refused.value.message == refusals.VIRUS == "The selected file contains a virus"


def test_virus_inside_a_valid_pdf_is_refused(clamd):
    infected = pdf().replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF")

    with pytest.raises(UploadRefused, match=refusals.VIRUS):
        check_upload(SimpleUploadedFile("letter.pdf", infected))


def test_clean_file_is_scanned_whole_and_accepted(clamd):
    content = pdf() + b"%" * (200 * 1024)  # several 64 KB chunks

    checked = check_upload(SimpleUploadedFile("letter.pdf", content))

    assert checked.virus_scanned is True
    assert clamd.scanned == [content]


def test_scanner_that_cannot_be_reached_refuses_the_upload(settings):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        settings.CLAMAV_HOST, settings.CLAMAV_PORT = unused.getsockname()
    # Nothing listens there now.

    with pytest.raises(UploadRefused) as refused:
        check_upload(SimpleUploadedFile("letter.pdf", pdf()))

    assert refused.value.message == refusals.SCANNER_UNAVAILABLE
    assert refused.value.code == "scanner_unavailable"


def test_missing_scanner_socket_refuses_the_upload(settings, tmp_path):
    settings.CLAMAV_SOCKET = str(tmp_path / "clamd.ctl")

    with pytest.raises(UploadRefused, match=refusals.SCANNER_UNAVAILABLE):
        check_upload(SimpleUploadedFile("letter.pdf", pdf()))


def test_scanner_error_refuses_the_upload(clamd):
    clamd.reply = b"INSTREAM size limit exceeded. ERROR"

    with pytest.raises(UploadRefused, match=refusals.SCANNER_UNAVAILABLE):
        check_upload(SimpleUploadedFile("letter.pdf", pdf()))


def test_without_a_scanner_configured_files_are_not_scanned():
    assert scan_for_viruses(io.BytesIO(EICAR)) is False
    assert check_upload(SimpleUploadedFile("letter.pdf", pdf())).virus_scanned is False


def _real_clamd():
    """A running clamd: THRIVE_TEST_CLAMD (a socket path or host:port), else the usual places."""
    places = [os.environ.get("THRIVE_TEST_CLAMD", "")]
    places += ["/run/clamav/clamd.ctl", "/var/run/clamav/clamd.ctl", "127.0.0.1:3310"]
    for place in filter(None, places):
        family = socket.AF_UNIX if place.startswith("/") else socket.AF_INET
        address = (
            place if family == socket.AF_UNIX else (place.split(":")[0], int(place.split(":")[1]))
        )
        try:
            with socket.socket(family, socket.SOCK_STREAM) as connection:
                connection.settimeout(2)
                connection.connect(address)
                connection.sendall(b"zPING\x00")
                if connection.recv(16).startswith(b"PONG"):
                    return address
        except OSError:
            continue
    return None


def test_real_clamd_finds_the_eicar_test_file(settings):
    address = _real_clamd()
    if address is None:
        pytest.skip("no clamd running (set THRIVE_TEST_CLAMD to a socket path or host:port)")
    if isinstance(address, str):
        settings.CLAMAV_SOCKET = address
    else:
        settings.CLAMAV_HOST, settings.CLAMAV_PORT = address

    assert check_upload(SimpleUploadedFile("letter.pdf", pdf())).virus_scanned is True
    with pytest.raises(UploadRefused, match=refusals.VIRUS):
        check_upload(SimpleUploadedFile("eicar.pdf", EICAR))


def test_the_operations_page_hears_a_scanner_that_answers(clamd):
    assert scanner_answers() == Answer(True, "Answers (PONG).")


def test_the_operations_page_says_when_the_scanner_does_not_answer(settings):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        settings.CLAMAV_HOST, settings.CLAMAV_PORT = unused.getsockname()

    answer = scanner_answers()

    assert not answer.ok
    assert "uploads are refused" in answer.text


def test_the_operations_page_says_when_no_scanner_is_configured():
    assert scanner_answers() == Answer(
        False, "No virus scanner is configured: uploads are stored unscanned."
    )
