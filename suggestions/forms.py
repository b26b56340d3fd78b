"""The public's suggestion form, and what keeps machines from filling it: a field that
people do not see and leave empty, a minimum time between showing the form and sending
it, and size limits (the limit per client is in suggestions/limits.py). No third-party
service is asked anything."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import MAX_CONTACT, MAX_TEXT, Suggestion

# A person reads the form and writes a few words: faster than this is a machine.
MIN_SECONDS = 3
# A form older than this was kept open and forgotten: it is shown again, fresh.
MAX_AGE_SECONDS = 2 * 60 * 60
_SALT = "suggestions.form.shown"


def shown_at_token(at: float | None = None) -> str:
    """When the form was shown (now, unless `at` says), signed so that it cannot be made
    up."""
    return signing.TimestampSigner(salt=_SALT).sign(str(time.time() if at is None else at))


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is wrong or missing?"), widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Tell us more"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example the right phone number, the hours, or what you saw."),
    )
    contact = forms.CharField(
        label=_("How can we reach you? (optional)"),
        max_length=MAX_CONTACT,
        required=False,
        help_text=_("Only the directory's staff see it, to ask you a question."),
    )
    # Left empty by people, who do not see it (templates/suggestions/form.html).
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    shown_at = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, label) for kind, label in Suggestion.Kind.choices if kind in kinds
        ]
        if not self.is_bound:
            self.initial["shown_at"] = shown_at_token()

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def clean_shown_at(self):
        signer = signing.TimestampSigner(salt=_SALT)
        try:
            shown_at = float(signer.unsign(self.cleaned_data["shown_at"], max_age=MAX_AGE_SECONDS))
        except (signing.BadSignature, ValueError):
            raise forms.ValidationError(_("This form has expired: please send it again.")) from None
        if time.time() - shown_at < MIN_SECONDS:
            raise forms.ValidationError(_("That was very fast: please check and send it again."))
        return shown_at
