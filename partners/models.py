"""API keys for partner organisations: a higher request quota than anonymous use.

A key is shown once, when it is issued; only its SHA-256 hash is stored. Its first
characters (the prefix, before the dot) find it, the hash confirms it.
"""

import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PREFIX_BYTES = 4
SECRET_BYTES = 32


def validate_rate(value: str) -> None:
    """A request rate as `<number>/<second|minute|hour|day>`."""
    number, _slash, period = value.partition("/")
    if not number.isdigit() or int(number) < 1 or period not in {"second", "minute", "hour", "day"}:
        raise ValidationError(_("Write a rate such as 10000/hour."))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def matching(self, presented: str) -> "ApiKey | None":
        """The active key a client presented, or None."""
        prefix, _dot, secret = presented.partition(".")
        key = self.filter(prefix=prefix, active=True).first() if secret else None
        if key is None or not hmac.compare_digest(key.key_hash, _hash(secret)):
            return None
        return key


class ApiKey(models.Model):
    organisation = models.CharField(_("organisation"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    rate = models.CharField(
        _("quota"),
        max_length=20,
        default="10000/hour",
        validators=[validate_rate],
        help_text=_("Requests allowed, e.g. 10000/hour."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["organisation"]

    def __str__(self):
        return f"{self.organisation} ({self.prefix}…)"

    def issue(self) -> str:
        """Gives the key a new secret and returns the full key, to be shown once."""
        self.prefix = secrets.token_hex(PREFIX_BYTES)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        self.key_hash = _hash(secret)
        return f"{self.prefix}.{secret}"
