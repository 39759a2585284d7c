"""An SMTP sink in a thread: accepts every message (no TLS, no auth), and keeps what it was
given so the suite can count emails delivered and duplicated.

A message counts as delivered only once the sink has told the sender "250": if the sender
vanishes before that (a worker killed mid-send) the message was never accepted, as with a
real mail server. `hold` makes the sink wait before that reply, so a fault can be injected
while a send is in flight."""

from __future__ import annotations

import email
import email.policy
import socket
import socketserver
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Received:
    to: tuple[str, ...]
    subject: str
    body: str
    at: float


class SmtpSink:
    def __init__(self, *, port: int):
        self.port = port
        self.messages: list[Received] = []
        self.aborted = 0  # transfers the sender abandoned before our "250"
        self.hold = 0.0
        self.holding = threading.Event()  # set while a transfer waits on `hold`
        self.holding_peer: int | None = None  # the sender's local port
        self._lock = threading.Lock()
        self._server = None

    def start(self):
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 60

            def handle(self):
                sink._session(self)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def received(self) -> list[Received]:
        with self._lock:
            return list(self.messages)

    def _session(self, handler):
        def reply(line: str):
            handler.wfile.write(line.encode() + b"\r\n")

        reply("220 faults-sink ESMTP")
        recipients: list[str] = []
        while True:
            line = handler.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                reply("250-faults-sink")
                reply("250 8BITMIME")
            elif verb in ("HELO", "NOOP", "RSET"):
                if verb == "RSET":
                    recipients = []
                reply("250 OK")
            elif verb == "MAIL":
                recipients = []
                reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.partition(":")[2].strip().strip("<>"))
                reply("250 OK")
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data(handler)
                if data is None:
                    return
                if self.hold:
                    self.holding_peer = handler.client_address[1]
                    self.holding.set()
                    time.sleep(self.hold)
                    self.holding.clear()
                    if not _peer_alive(handler.connection):
                        with self._lock:
                            self.aborted += 1
                        return
                self._keep(recipients, data)
                reply("250 OK queued")
            elif verb == "QUIT":
                reply("221 Bye")
                return
            else:
                reply("502 Command not implemented")

    @staticmethod
    def _read_data(handler) -> bytes | None:
        lines = []
        while True:
            line = handler.rfile.readline()
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)

    def _keep(self, recipients: list[str], data: bytes):
        message = email.message_from_bytes(data, policy=email.policy.default)
        part = message.get_body(("plain",)) if message.is_multipart() else message
        body = part.get_content() if part is not None else ""
        with self._lock:
            self.messages.append(
                Received(
                    to=tuple(sorted(recipients)),
                    subject=str(message["Subject"] or ""),
                    body=body.replace("\r\n", "\n").strip(),
                    at=time.monotonic(),
                )
            )


def _peer_alive(sock: socket.socket) -> bool:
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
