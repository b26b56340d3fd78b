"""Production settings refuse to start without their secrets and pass Django's deploy check;
e-mail is configured from the environment, and sent nowhere in production without a server."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args, **environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_")) or key == "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "geo_directory.settings.production",
            "DJANGO_ENV_FILE": str(PROJECT_DIR / "tests" / "no-such.env"),
            **environment,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="directory.example.org")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage(
        "check", DJANGO_SECRET_KEY="k" * 20 + "-a-long-random-production-key-0123456789"
    )

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set in production" in result.stderr


def test_production_passes_the_deploy_check_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="pQ7#vL2@xR9!mK4$wT6^zN8&bH3*cF5(jD1)sG0_aY-eU+iO=Wq3%tE8~rU1",
        DJANGO_ALLOWED_HOSTS="directory.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PRODUCTION_SECRETS = {
    "DJANGO_SECRET_KEY": "pQ7#vL2@xR9!mK4$wT6^zN8&bH3*cF5(jD1)sG0_aY-eU+iO=Wq3%tE8~rU1",
    "DJANGO_ALLOWED_HOSTS": "directory.example.org",
}
EMAIL_SETTINGS = [
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "DEFAULT_FROM_EMAIL",
    "SEND_EMAIL",
    "SITE_URL",
]


def email_settings(settings_module: str, **environment) -> dict[str, str]:
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; "
        f"[print(name, getattr(settings, name)) for name in {EMAIL_SETTINGS!r}]",
        DJANGO_SETTINGS_MODULE=settings_module,
        **environment,
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


def test_without_a_mail_server_development_writes_email_to_the_console():
    settings = email_settings("geo_directory.settings.base")

    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert settings["SEND_EMAIL"] == "True"


def test_without_a_mail_server_production_sends_no_email():
    settings = email_settings("geo_directory.settings.production", **PRODUCTION_SECRETS)

    assert settings["SEND_EMAIL"] == "False"


def test_the_mail_server_comes_from_the_environment():
    settings = email_settings(
        "geo_directory.settings.production",
        **PRODUCTION_SECRETS,
        EMAIL_HOST="smtp.example.org",
        EMAIL_HOST_USER="annuaire",
        EMAIL_HOST_PASSWORD="a-mail-password",
        DEFAULT_FROM_EMAIL="annuaire@example.org",
        SITE_URL="https://directory.example.org/",
    )

    assert settings == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "True",
        "EMAIL_USE_SSL": "False",
        "EMAIL_HOST_USER": "annuaire",
        "EMAIL_HOST_PASSWORD": "a-mail-password",
        "DEFAULT_FROM_EMAIL": "annuaire@example.org",
        "SEND_EMAIL": "True",
        "SITE_URL": "https://directory.example.org",
    }


def test_tls_from_the_first_byte_is_asked_for_with_its_own_port():
    settings = email_settings(
        "geo_directory.settings.base", EMAIL_HOST="smtp.example.org", EMAIL_USE_SSL="true"
    )

    assert (settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == ("True", "False")
    assert settings["EMAIL_PORT"] == "465"
