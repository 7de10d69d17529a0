"""A real SMTP server for the tests (aiosmtpd), which can be stopped and started again on its port.

It records each message it accepted. Like a real MTA it owns a message only once it has answered 250
to the DATA: with ``hold_seconds`` it waits before answering, and a client that vanishes meanwhile
(a consumer killed with SIGKILL) leaves nothing delivered.
"""

import asyncio
import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from tests.servers import free_port


class RecordingHandler:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.hold_seconds = 0.0
        self.data_received = threading.Event()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        self.data_received.set()
        if self.hold_seconds:
            await asyncio.sleep(self.hold_seconds)  # cancelled if the client's connection is lost
        with self.lock:
            self.messages.append(
                email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
            )
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(message["Message-ID"]) for message in self.messages]


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
