"""Virus scanning with ClamAV's daemon (clamd), when CLAMAV_SOCKET or CLAMAV_HOST is set.

We speak clamd's INSTREAM command ourselves rather than use a client library: it is a dozen
lines (send "zINSTREAM\\0", then the file as length-prefixed chunks, then a zero length, and
read one reply such as "stream: OK" or "stream: Eicar-Signature FOUND"), it streams from the
uploaded file object in 64 KB chunks with a timeout on every socket operation, and it works
over a Unix socket or TCP. When scanning is configured but clamd cannot be reached, answers
with an error (for example its StreamMaxLength is smaller than our upload limit) or times
out, the upload is refused: a file is never accepted unscanned once scanning is switched on.
"""

import logging
import socket
import struct

from django.conf import settings

from . import refusals
from .refusals import UploadRefused

logger = logging.getLogger(__name__)

_CHUNK = 64 * 1024
_MAX_REPLY = 4096


def scanning_configured() -> bool:
    return bool(settings.CLAMAV_SOCKET or settings.CLAMAV_HOST)


def scan_for_viruses(file) -> bool:
    """Scan `file` (read from the start, in chunks) with clamd.

    Returns True when clamd found it clean, False when no scanner is configured. Raises
    UploadRefused when clamd finds a virus, or when it is configured but cannot give an answer.
    """
    if not scanning_configured():
        return False
    try:
        with _connect() as connection:
            connection.sendall(b"zINSTREAM\x00")
            file.seek(0)
            while chunk := file.read(_CHUNK):
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = _read_reply(connection)
    except OSError as error:  # refused, reset, timed out, no such socket
        logger.warning("Virus scanner unavailable: %s", error.__class__.__name__)
        raise UploadRefused(refusals.SCANNER_UNAVAILABLE, code="scanner_unavailable") from error
    finally:
        file.seek(0)
    if reply.endswith(" FOUND"):
        logger.warning(
            "Virus scanner found %s in an upload",
            reply.removeprefix("stream: ").removesuffix(" FOUND"),
        )
        raise UploadRefused(refusals.VIRUS, code="virus")
    if reply != "stream: OK":
        logger.warning("Virus scanner answered %r", reply[:200])
        raise UploadRefused(refusals.SCANNER_UNAVAILABLE, code="scanner_unavailable")
    return True


def _connect() -> socket.socket:
    timeout = settings.CLAMAV_TIMEOUT
    if settings.CLAMAV_SOCKET:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(settings.CLAMAV_SOCKET)
        except OSError:
            connection.close()
            raise
        return connection
    return socket.create_connection((settings.CLAMAV_HOST, settings.CLAMAV_PORT), timeout)


def _read_reply(connection: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\x00") and len(reply) < _MAX_REPLY:
        data = connection.recv(_MAX_REPLY)
        if not data:
            break
        reply += data
    return reply.rstrip(b"\x00").decode("utf-8", "replace").strip()


def scanner_answers():
    """Whether clamd answers PING, for the Operations page (thrive.operations)."""
    from thrive.operations import Answer

    if not scanning_configured():
        return Answer(False, "No virus scanner is configured: uploads are stored unscanned.")
    try:
        with _connect() as connection:
            connection.sendall(b"zPING\x00")
            reply = _read_reply(connection)
    except OSError as error:
        return Answer(False, f"No answer ({error.__class__.__name__}): uploads are refused.")
    if reply != "PONG":
        return Answer(False, f"Unexpected answer {reply[:60]!r}: uploads are refused.")
    return Answer(True, "Answers (PONG).")
