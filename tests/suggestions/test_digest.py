"""Reviewers hear about new suggestions: a real SMTP server (aiosmtpd, started here)
receives each reviewer's digest, of their regions' new suggestions only, once; a digest
that could not be sent comes with the next; nothing of what the person wrote or how to
reach them is in it."""

import email
import io
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.core.management.base import CommandError

from centers.roles import NATIONAL_ADMINISTRATORS, READ_ONLY_VIEWERS, REGIONAL_EDITORS
from suggestions.models import Suggestion
from suggestions.tasks import send_digests
from tests.centers.factories import make_staff

pytestmark = pytest.mark.django_db

SITE = "https://annuaire.example.org"
SECRET_TEXT = "Mon mari me cherche, appelez-moi après 18 h."
SECRET_CONTACT = "0661 00 00 00"


class Mailbox:
    """What the SMTP server received: each message, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def by_recipient(self) -> dict[str, str]:
        received = {}
        for message in self.messages:
            assert message["To"] not in received, "two messages to one reviewer"
            received[message["To"]] = message["Subject"] + "\n" + message.get_content()
        return received


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """An SMTP server on a port of its own, which can be stopped and started again (a
    stopped controller cannot: each start is a new one, on the same port)."""

    def __init__(self, mailbox: Mailbox):
        self.mailbox, self.port = mailbox, free_port()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    server = SmtpServer(mailbox)
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = SITE
    yield mailbox, server
    server.stop()


def staff(name: str, role: str, regions=(), **fields):
    user = make_staff(name, role=role, regions=regions)
    for field, value in {"email": f"{name}@example.org", **fields}.items():
        setattr(user, field, value)
    user.save()
    return user


@pytest.fixture
def team(directory):
    return {
        "rabat": staff("rabat", REGIONAL_EDITORS, ["04"]),
        "casablanca": staff("casablanca", REGIONAL_EDITORS, ["06"]),
        "national": staff("national", NATIONAL_ADMINISTRATORS),
        "viewer": staff("viewer", READ_ONLY_VIEWERS),
        "former": staff("former", REGIONAL_EDITORS, ["04"], is_active=False),
        "no-address": staff("no-address", REGIONAL_EDITORS, ["04"], email=""),
    }


def suggest(center, **fields) -> Suggestion:
    return Suggestion.objects.create(
        center=center,
        region=center.region,
        kind=fields.pop("kind", "phone"),
        text=SECRET_TEXT,
        contact=SECRET_CONTACT,
        language="fr",
        **fields,
    )


def send() -> str:
    output = io.StringIO()
    call_command("send_suggestion_digests", stdout=output)
    return output.getvalue()


def test_each_reviewer_gets_their_regions_new_suggestions_and_nothing_of_the_person(
    smtp, directory, team
):
    mailbox, _server = smtp
    rabat = suggest(directory["rabat"])
    sale = suggest(directory["sale"], kind="closed")  # a women's space: sensitive
    casablanca = suggest(directory["casablanca"], kind="hours")

    assert "3 digests sent" in send()

    received = mailbox.by_recipient()
    assert set(received) == {"rabat@example.org", "casablanca@example.org", "national@example.org"}
    numbers = {
        address: {n for n in (rabat.pk, sale.pk, casablanca.pk) if f"/{n}/change/" in text}
        for address, text in received.items()
    }
    assert numbers == {
        "rabat@example.org": {rabat.pk, sale.pk},
        "casablanca@example.org": {casablanca.pk},
        "national@example.org": {rabat.pk, sale.pk, casablanca.pk},
    }
    rabat_digest = received["rabat@example.org"]
    assert f"{SITE}/fr/admin/suggestions/suggestion/{rabat.pk}/change/" in rabat_digest
    assert f"{SITE}/admin/suggestions/suggestion/{rabat.pk}/change/" in rabat_digest  # Arabic
    assert "Espace Salé" in rabat_digest and "Centre Hassan" in rabat_digest
    for text in received.values():
        assert SECRET_TEXT not in text and SECRET_CONTACT not in text
        assert "rue secrète" not in text  # a sensitive center's address
    assert "2 nouvelles suggestions" in rabat_digest
    assert "اقتراحات" in rabat_digest or "اقتراح" in rabat_digest


def test_a_digest_is_sent_once_and_the_next_brings_only_what_came_after(smtp, directory, team):
    mailbox, _server = smtp
    first = suggest(directory["rabat"])
    send()
    mailbox.messages.clear()

    assert "0 digests sent" in send()
    assert mailbox.messages == []

    later = suggest(directory["rabat"], kind="hours")
    send()
    text = mailbox.by_recipient()["rabat@example.org"]
    assert f"/{later.pk}/change/" in text and f"/{first.pk}/change/" not in text


def test_a_digest_that_cannot_be_sent_comes_with_the_next(smtp, directory, team):
    mailbox, server = smtp
    waiting = suggest(directory["rabat"])
    server.stop()

    with pytest.raises(CommandError, match="2 digests could not be sent"):
        send()

    server.start()
    later = suggest(directory["rabat"], kind="hours")
    send()
    text = mailbox.by_recipient()["rabat@example.org"]
    assert f"/{waiting.pk}/change/" in text and f"/{later.pk}/change/" in text


def test_the_job_workers_hourly_task_sends_the_same_digests(smtp, directory, team):
    mailbox, _server = smtp
    waiting = suggest(directory["casablanca"])

    send_digests(timestamp=0)

    received = mailbox.by_recipient()
    assert set(received) == {"casablanca@example.org", "national@example.org"}
    assert f"/{waiting.pk}/change/" in received["casablanca@example.org"]
