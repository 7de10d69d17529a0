import pytest

from tests.outbox.smtp import SMTPServer


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server, not yet listening; the delivery backend is Django's SMTP backend pointed at it."""
    server = SMTPServer()
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
