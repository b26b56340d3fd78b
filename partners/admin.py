from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "prefix", "rate", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["organisation", "prefix", "contact_email"]
    readonly_fields = ["prefix", "created_at"]
    fields = ["organisation", "contact_email", "rate", "active", "prefix", "created_at"]
    actions = ["reissue"]

    def save_model(self, request, obj, form, change):
        if not change:
            self._show_key_once(request, obj.issue())
        super().save_model(request, obj, form, change)

    @admin.action(
        description=_("Issue a new secret (the old one stops working)"), permissions=["change"]
    )
    def reissue(self, request, queryset):
        for key in queryset:
            self._show_key_once(request, key.issue())
            key.save()

    def _show_key_once(self, request, full_key: str) -> None:
        self.message_user(
            request,
            _(
                "The API key is %(key)s. Copy it now and send it to the partner: it is "
                "stored only as a hash and will not be shown again. They send it in the "
                "X-Api-Key header."
            )
            % {"key": full_key},
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        # Revoke a key by making it inactive, so that its history stays readable.
        return False
