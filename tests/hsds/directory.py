"""A directory with every kind of public fact a center may have, for the HSDS tests."""

import datetime

from centers.services import center_archive
from tests.centers.factories import (
    CASABLANCA,
    DAKHLA,
    RABAT_AGDAL,
    RABAT_HASSAN_TOWER,
    AccessibilityFeatureFactory,
    CategoryFactory,
    ServiceFactory,
    make_center,
)

# (latitude, longitude) of the women's spaces, sensitive: no rounding of them to 3 to 6
# decimals ends in 0 or is shared with another position of the directory, so that each
# is a distinct number to look for (as in tests/test_privacy_crawl.py).
WOMEN_RABAT = (34.015463, -6.838463)
WOMEN_MARRAKECH = (31.654463, -8.012463)
SECRET_ADDRESS = ("Impasse Zerktouni 5", "زنقة زرقطوني 5")
# The words of that street address that nothing else in the directory says.
SECRET_WORDS = ("Zerktouni", "زرقطوني")
HOURS = {
    "mon": [["08:30", "12:00"], ["14:00", "16:30"]],
    "tue": [["08:30", "12:00"], ["14:00", "16:30"]],
    "sat": [["09:00", "12:00"]],
}


def make_hsds_directory() -> dict:
    """Listed centers with every kind of public fact, two of them sensitive, and three
    that are not listed (planned, closed, archived), each with a managing organisation
    of its own."""
    disability = CategoryFactory(code="disability")
    women = CategoryFactory(code="women", sensitive=True)
    legal_aid = ServiceFactory(code="legal-aid")
    shelter = ServiceFactory(code="shelter")
    step_free = AccessibilityFeatureFactory(code="step-free-access")
    centers = {
        "rabat": make_center(
            at=RABAT_HASSAN_TOWER,
            category=disability,
            services=[legal_aid],
            name_ar="مركز حسان",
            name_fr="Centre Hassan",
            description_ar="مركز للتوجيه",
            description_fr="Centre d'orientation",
            eligibility_fr="Personnes en situation de handicap et leurs familles",
            address_ar="برج حسان",
            address_fr="Tour Hassan",
            managing_organisation="  Entraide Nationale ",
            phones=["+212537000001", "+212537000002"],
            email="hassan@example.ma",
            website="https://example.ma/hassan",
            opening_hours=HOURS,
            opening_hours_note="Horaires réduits pendant le Ramadan",
            last_verified_on=datetime.date(2026, 3, 1),
        ),
        "women-rabat": make_center(
            at=WOMEN_RABAT,
            category=women,
            services=[legal_aid, shelter],
            name_fr="Espace Nour",
            address_fr=SECRET_ADDRESS[0],
            address_ar=SECRET_ADDRESS[1],
            managing_organisation="Entraide Nationale",
            phones=["+212537000003"],
            opening_hours={"mon": [["09:00", "17:00"]]},
        ),
        "casablanca": make_center(
            at=CASABLANCA,
            category=disability,
            name_fr="Centre Anfa",
            address_fr="Boulevard d'Anfa",
            status="temporarily_closed",
            status_note="Travaux jusqu'en juin",
        ),
        "women-marrakech": make_center(
            at=WOMEN_MARRAKECH,
            category=women,
            name_ar="فضاء تليلة",
            name_fr="",
            opening_hours_note="Sur rendez-vous",
            managing_organisation="Association Tilila",
        ),
        "planned": make_center(
            at=DAKHLA,
            category=disability,
            name_fr="Centre Dakhla",
            status="planned",
            managing_organisation="Association de Dakhla",
        ),
        "closed": make_center(
            at=DAKHLA,
            category=disability,
            name_fr="Ancien centre de Dakhla",
            status="closed",
            managing_organisation="Association fermée",
        ),
        "archived": make_center(
            at=RABAT_AGDAL,
            category=disability,
            name_fr="Centre Agdal",
            managing_organisation="Association de l'Agdal",
        ),
    }
    centers["rabat"].accessibility.add(step_free)
    center_archive(user=None, center=centers["archived"])
    return centers


LISTED = ("rabat", "women-rabat", "casablanca", "women-marrakech")
NOT_LISTED = ("planned", "closed", "archived")
SENSITIVE = ("women-rabat", "women-marrakech")
