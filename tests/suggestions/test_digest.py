"""Reviewers hear about new suggestions: a real SMTP server (aiosmtpd, started here)
receives each team's digest, of its queue's new suggestions only, once; a digest that
could not be sent comes with the next; nothing of what the person wrote or how to reach
them is in it, nor where a sensitive center is."""

import email
import io
import re
import socket
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from procrastinate.contrib.django import app

from centers.roles import NATIONAL_ADMINISTRATORS, READ_ONLY_VIEWERS, REGIONAL_EDITORS
from suggestions.models import Digest, Suggestion
from suggestions.tasks import send_digests
from tests.centers.factories import SALE, make_staff
from tests.language_of_parts import unmarked

pytestmark = pytest.mark.django_db

SITE = "https://annuaire.example.org"
SECRET_TEXT = "Mon mari me cherche, appelez-moi après 18 h."
SECRET_CONTACT = "0661 00 00 00"
SERVE_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "serve.sh"


class Mailbox:
    """What the SMTP server received: each message, with the addresses it was sent to."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((set(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def by_recipient(self) -> dict[str, str]:
        """Each recipient's one message, as its subject and text."""
        received = {}
        for recipients, message in self.messages:
            for address in recipients:
                assert address not in received, f"two messages to {address}"
                received[address] = message["Subject"] + "\n" + text_of(message)
        return received


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


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
    settings.SEND_EMAIL = True
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
    """Rabat-Salé-Kénitra (04) has two editors, Casablanca-Settat (06) one; national staff
    one; and some who may not be told: a viewer, a former editor, one with no address."""
    return {
        "rabat": staff("rabat", REGIONAL_EDITORS, ["04"]),
        "kenitra": staff("kenitra", REGIONAL_EDITORS, ["04"]),
        "casablanca": staff("casablanca", REGIONAL_EDITORS, ["06"]),
        "national": staff("national", NATIONAL_ADMINISTRATORS),
        "viewer": staff("viewer", READ_ONLY_VIEWERS, ["04"]),
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


def listed(text: str) -> set[int]:
    """The suggestions a digest links to."""
    return {int(number) for number in re.findall(r"/suggestion/(\d+)/change/", text)}


def test_each_team_gets_its_queues_new_suggestions_in_one_message(smtp, directory, team):
    mailbox, _server = smtp
    rabat = suggest(directory["rabat"])
    sale = suggest(directory["sale"], kind="closed")  # a women's space: sensitive
    casablanca = suggest(directory["casablanca"], kind="hours")
    suggest(directory["rabat"], status=Suggestion.Status.REJECTED)  # reviewed already

    assert "3 digests sent" in send()

    assert sorted(sorted(recipients) for recipients, _message in mailbox.messages) == [
        ["casablanca@example.org"],
        ["kenitra@example.org", "rabat@example.org"],
        ["national@example.org"],
    ]
    received = mailbox.by_recipient()
    assert {address: listed(text) for address, text in received.items()} == {
        "rabat@example.org": {rabat.pk, sale.pk},
        "kenitra@example.org": {rabat.pk, sale.pk},
        "casablanca@example.org": {casablanca.pk},
        "national@example.org": {rabat.pk, sale.pk, casablanca.pk},
    }
    rabat_digest = received["rabat@example.org"]
    assert "Espace Salé" in rabat_digest and "Centre Hassan" in rabat_digest
    assert f"#{sale.pk} · " in rabat_digest


def test_a_digest_says_nothing_of_the_person_nor_where_a_sensitive_center_is(smtp, directory, team):
    mailbox, _server = smtp
    suggest(directory["sale"], kind="closed")

    send()

    latitude, longitude = SALE
    for _recipients, message in mailbox.messages:
        whole = message.as_string() + message["Subject"] + text_of(message) + html_of(message)
        assert SECRET_TEXT not in whole and SECRET_CONTACT not in whole
        assert "rue secrète" not in whole
        assert f"{latitude:.3f}" not in whole and f"{longitude:.3f}" not in whole


def test_a_digests_links_open_the_suggestion_in_the_review_queue(smtp, directory, team, client):
    mailbox, _server = smtp
    waiting = suggest(directory["rabat"])

    send()

    text = mailbox.by_recipient()["rabat@example.org"]
    arabic = f"{SITE}/admin/suggestions/suggestion/{waiting.pk}/change/"
    french = f"{SITE}/fr/admin/suggestions/suggestion/{waiting.pk}/change/"
    assert arabic in text and french in text
    queue = next(line for line in text.split() if "suggestion/?" in line)
    client.force_login(team["rabat"])
    for link in (arabic, french):
        page = client.get(link.removeprefix(SITE))
        assert page.status_code == 200
        assert page.context["original"] == waiting
    page = client.get(queue.removeprefix(SITE))
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [waiting]


def test_a_second_run_sends_nothing_and_the_next_brings_only_what_came_after(smtp, directory, team):
    mailbox, _server = smtp
    first = suggest(directory["rabat"])
    send()
    mailbox.messages.clear()

    assert "0 digests sent" in send()
    assert mailbox.messages == []

    later = suggest(directory["rabat"], kind="hours")
    send()
    received = mailbox.by_recipient()
    assert listed(received["rabat@example.org"]) == {later.pk}
    assert listed(received["national@example.org"]) == {later.pk}
    assert "casablanca@example.org" not in received
    assert first.pk not in listed(received["rabat@example.org"])


def test_a_suggestion_committed_after_a_newer_one_still_comes(smtp, directory, team):
    """A suggestion's number is drawn before its transaction commits: a slow one may be
    committed after a newer one was listed, and must be listed still."""
    mailbox, _server = smtp
    slow = suggest(directory["rabat"])
    drawn = slow.pk
    slow.delete()
    suggest(directory["rabat"], kind="hours")
    send()
    mailbox.messages.clear()

    late = suggest(directory["rabat"], pk=drawn)
    send()

    assert listed(mailbox.by_recipient()["rabat@example.org"]) == {late.pk}


def test_a_digest_that_cannot_be_sent_comes_with_the_next(smtp, directory, team):
    mailbox, server = smtp
    waiting = suggest(directory["rabat"])
    server.stop()

    with pytest.raises(CommandError, match="2 digests could not be sent"):
        send()
    assert not Digest.objects.exists()

    server.start()
    later = suggest(directory["rabat"], kind="hours")
    assert "2 digests sent" in send()
    received = mailbox.by_recipient()
    assert listed(received["rabat@example.org"]) == {waiting.pk, later.pk}
    assert listed(received["national@example.org"]) == {waiting.pk, later.pk}
    mailbox.messages.clear()
    assert "0 digests sent" in send()


def test_a_team_whose_digest_another_run_is_sending_is_left_to_it(smtp, directory, team):
    mailbox, _server = smtp
    waiting = suggest(directory["rabat"])
    other_run = connections.create_connection("default")
    try:
        with other_run.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(hashtext('suggestions.digest'), %(region)s)",
                {"region": waiting.region.pk},
            )
        assert "1 digests sent" in send()
        assert set(mailbox.by_recipient()) == {"national@example.org"}
    finally:
        other_run.close()

    mailbox.messages.clear()
    assert "1 digests sent" in send()
    assert listed(mailbox.by_recipient()["rabat@example.org"]) == {waiting.pk}


def test_each_digest_is_recorded_with_what_it_listed(smtp, directory, team):
    rabat = suggest(directory["rabat"])

    send()

    assert {
        (digest.region and digest.region.code, digest.recipients, *digest.suggestions.all())
        for digest in Digest.objects.all()
    } == {("04", 2, rabat), (None, 1, rabat)}


def test_without_email_nothing_is_sent_and_the_suggestions_wait(settings, smtp, directory, team):
    mailbox, _server = smtp
    waiting = suggest(directory["rabat"])
    settings.SEND_EMAIL = False

    assert "0 digests sent" in send()
    assert mailbox.messages == []
    assert not Digest.objects.exists()

    settings.SEND_EMAIL = True
    send()
    assert listed(mailbox.by_recipient()["rabat@example.org"]) == {waiting.pk}


def test_the_job_workers_hourly_task_sends_the_same_digests(smtp, directory, team):
    mailbox, _server = smtp
    waiting = suggest(directory["casablanca"])

    send_digests(timestamp=0)

    received = mailbox.by_recipient()
    assert set(received) == {"casablanca@example.org", "national@example.org"}
    assert listed(received["casablanca@example.org"]) == {waiting.pk}
    assert "0 digests sent" in send()


def test_the_job_worker_runs_the_task_every_hour():
    periodic = app.periodic_registry.periodic_tasks[(send_digests.name, "suggestion_digests")]
    first, second = periodic.croniter.get_next(float), periodic.croniter.get_next(float)
    assert second - first == 3600
    # The worker that scripts/serve.sh starts takes jobs from the task's queue.
    queues = re.search(r"--queues (\S+)", SERVE_SCRIPT.read_text()).group(1).split(",")
    assert send_digests.queue in queues


def test_a_digest_marks_each_name_in_another_language_than_its_part(smtp, directory, team):
    mailbox, _server = smtp
    suggest(directory["marrakech"])  # a women's space known by its Arabic name only
    suggest(directory["rabat"])  # known by its French name only

    send()

    (_recipients, message), *_ = mailbox.messages
    html = html_of(message)
    # The HTML part: each language's part, and each name, marked (WCAG 3.1.2).
    assert '<section lang="ar" dir="rtl">' in html and '<section lang="fr" dir="ltr">' in html
    assert unmarked(html, {"فضاء مراكش": {"ar"}, "Centre Hassan": {"fr"}}) == []
    assert '<span lang="ar" dir="rtl">فضاء مراكش</span>' in html
    assert '<span lang="fr" dir="ltr">Centre Hassan</span>' in html
    # The text part, which cannot say a language, isolates each such name's direction.
    arabic, french = text_of(message).split("――――――――――")
    first_strong_isolate, pop_directional_isolate = "\u2068", "\u2069"
    for name, part in (("Centre Hassan", arabic), ("فضاء مراكش", french)):
        assert f"{first_strong_isolate}{name}{pop_directional_isolate}" in part
    assert f"{first_strong_isolate}فضاء" not in arabic
