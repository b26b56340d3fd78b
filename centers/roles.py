"""The staff roles: what each may do, in one list.

The roles are groups in the database, made to match this module after every `migrate`
(so `make run` and every deploy apply a change made here, and a permission added by hand
to a role's group is taken away again). A regional role works on the regions assigned to
each of its members; a national one on every region (`staff_regions`), and every write is
checked against them (`ensure_region_allowed`). Read-only viewers see every region and
write none; `regions_seen` says whose centers each member sees.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from regions.models import Region

NATIONAL_ADMINISTRATORS = "National administrators"
REGIONAL_EDITORS = "Regional editors"
READ_ONLY_VIEWERS = "Read-only viewers"

_TAXONOMIES = ("category", "service", "accessibilityfeature", "helpline")


@dataclass(frozen=True)
class Role:
    name: str  # the group's name in the database; code looks groups up by it
    label: str
    description: str
    regional: bool
    permissions: tuple[str, ...]  # "app_label.codename"


ROLES = [
    Role(
        NATIONAL_ADMINISTRATORS,
        _("National administrator"),
        _("Every region; the taxonomies, helplines, staff accounts and partners' API keys."),
        regional=False,
        permissions=(
            "centers.manage_all_regions",
            "centers.view_center",
            "centers.add_center",
            "centers.change_center",
            *(f"centers.view_{model}" for model in _TAXONOMIES),
            "centers.change_category",
            *(
                f"centers.{action}_{model}"
                for action in ("add", "change")
                for model in ("service", "accessibilityfeature", "helpline")
            ),
            "centers.view_staffassignment",
            "centers.add_staffassignment",
            "centers.change_staffassignment",
            "centers.delete_staffassignment",
            "auth.view_user",
            "auth.add_user",
            "auth.change_user",
            "auth.view_group",
            "partners.view_apikey",
            "partners.add_apikey",
            "partners.change_apikey",
            "suggestions.view_suggestion",
            "suggestions.change_suggestion",
        ),
    ),
    Role(
        REGIONAL_EDITORS,
        _("Regional editor"),
        _("Adds, edits, imports, archives and restores the centers of their regions."),
        regional=True,
        permissions=(
            "centers.view_center",
            "centers.add_center",
            "centers.change_center",
            *(f"centers.view_{model}" for model in _TAXONOMIES),
            "suggestions.view_suggestion",
            "suggestions.change_suggestion",
        ),
    ),
    Role(
        READ_ONLY_VIEWERS,
        _("Read-only viewer"),
        _("Sees every region's centers, their history and exports; changes nothing."),
        regional=False,
        permissions=(
            "centers.view_all_regions",
            "centers.view_center",
            *(f"centers.view_{model}" for model in _TAXONOMIES),
            "suggestions.view_suggestion",
        ),
    ),
]
ROLES_BY_NAME = {role.name: role for role in ROLES}


def roles_apply(*, apps=global_apps, verbosity: int = 0) -> None:
    """Makes each role's group hold exactly the permissions listed above."""
    # The permissions of every app first: the roles name some of other apps.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=verbosity)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        wanted = [
            Permission.objects.get(content_type__app_label=label, codename=codename)
            for label, codename in (permission.split(".") for permission in role.permissions)
        ]
        group.permissions.set(wanted)


def apply_roles_after_migrate(sender, apps=global_apps, verbosity=0, **kwargs) -> None:
    roles_apply(apps=apps, verbosity=verbosity)


def staff_regions(user) -> list[Region] | None:
    """The regions a staff member may work on; None means every region. Without a user
    (a management command run by an operator) every region is allowed."""
    if user is None or user.has_perm("centers.manage_all_regions"):
        return None
    return list(Region.objects.filter(staff_assignments__user=user))


def regions_seen(user) -> QuerySet[Region] | None:
    """The regions whose centers a staff member may see, as a query; None means every
    region: the national roles see them all, a regional one its assigned regions."""
    if user.has_perm("centers.manage_all_regions") or user.has_perm("centers.view_all_regions"):
        return None
    return Region.objects.filter(staff_assignments__user=user)


def ensure_region_allowed(user, region: Region, *, regions: list[Region] | None = ...) -> None:
    """Refuses a write outside the staff member's regions (`regions`: their
    `staff_regions`, when the caller has read them once already)."""
    if regions is ...:
        regions = staff_regions(user)
    if regions is not None and region not in regions:
        raise PermissionDenied(
            gettext(
                "You may only work on centers of your regions (%(regions)s), not of %(region)s."
            )
            % {
                "regions": ", ".join(str(r) for r in regions) or gettext("none"),
                "region": region,
            }
        )
