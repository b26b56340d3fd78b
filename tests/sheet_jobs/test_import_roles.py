"""Every role on the import path, through the staff pages and the job worker, in the
editor's region and outside it, checking only and confirming; and the possible
duplicates of a check, created only when ticked."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from centers.models import Center
from sheet_jobs.models import SheetJob
from tests.centers.factories import (
    MARRAKECH_JEMAA_EL_FNA,
    RABAT_HASSAN_TOWER,
    CategoryFactory,
    make_center,
    make_staff,
)
from tests.centers.test_import_duplicates import NEAR_THE_TOWER
from tests.centers.test_import_duplicates import row as duplicate_row
from tests.centers.test_roles import ROLE_NAMES, TEMARA, may_write

from .test_import_jobs import url

pytestmark = pytest.mark.usefixtures("committed")


@pytest.fixture(params=["national", "regional", "viewer"])
def role(request, client):
    name = request.param
    regions = ["04"] if name == "regional" else []
    client.force_login(make_staff(f"{name}-member", role=ROLE_NAMES[name], regions=regions))
    return name


def job_page(client, job) -> str:
    return client.get(url("sheet_jobs_sheetjob_change", job.pk)).content.decode()


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("confirm", [False, True])
def test_importing_a_sheet(client, role, where, confirm, run_worker):
    CategoryFactory(code="disability")
    latitude, longitude = TEMARA if where == "own" else MARRAKECH_JEMAA_EL_FNA
    sheet = (
        "external_ref,name_fr,category,latitude,longitude\n"
        f"imported-1,Centre importé,disability,{latitude},{longitude}\n"
    ).encode()

    response = client.post(
        url("centers_center_import"), {"sheet": SimpleUploadedFile("centers.csv", sheet)}
    )
    if role == "viewer":
        assert response.status_code == 403 and not SheetJob.objects.exists()
        return
    run_worker()
    check = SheetJob.objects.get()
    page = job_page(client, check)
    if not may_write(role, where):
        assert "You may only work on centers of your regions" in page
        assert 'name="confirm"' not in page
        client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"})
        assert not SheetJob.objects.filter(kind="import").exists()
        return
    assert 'name="confirm"' in page
    if confirm:
        confirmed = client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1"})
        assert confirmed.status_code == 302
        run_worker()
    assert Center.objects.filter(external_ref="imported-1").exists() is confirm


def test_a_regional_editor_cannot_update_a_center_of_another_region(client, run_worker):
    category = CategoryFactory(code="disability")
    make_center(at=MARRAKECH_JEMAA_EL_FNA, category=category, name_fr="Centre", external_ref="mk-1")
    client.force_login(make_staff("rabat-editor", role="Regional editors", regions=["04"]))
    latitude, longitude = MARRAKECH_JEMAA_EL_FNA
    sheet = (
        "external_ref,name_fr,category,latitude,longitude\n"
        f"new-1,Nouveau à Marrakech,disability,{latitude},{longitude}\n"
        f"mk-1,Renommé,disability,{latitude},{longitude}\n"
    ).encode()

    client.post(url("centers_center_import"), {"sheet": SimpleUploadedFile("c.csv", sheet)})
    run_worker()

    page = job_page(client, SheetJob.objects.get())
    assert page.count("You may only work on centers of your regions") == 2
    assert 'name="confirm"' not in page
    assert not Center.objects.filter(name_fr__in=["Nouveau à Marrakech", "Renommé"]).exists()


def test_a_possible_duplicate_is_created_only_when_ticked(client, run_worker):
    make_center(
        at=RABAT_HASSAN_TOWER, category=CategoryFactory(code="disability"), name_fr="Centre Hassan"
    )
    client.force_login(make_staff("national", role="National administrators"))
    sheet = (
        duplicate_row("new-1", "Centre de la Tour", NEAR_THE_TOWER)
        + "new-2,Autre,disability,34.0390,-6.8030\n"
    ).encode()
    client.post(url("centers_center_import"), {"sheet": SimpleUploadedFile("c.csv", sheet)})
    run_worker()
    check = SheetJob.objects.get()
    page = job_page(client, check)
    assert "possible duplicate" in page and 'name="create_line" value="2"' in page

    client.post(url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1", "create_line": ["2"]})
    run_worker()

    assert Center.objects.filter(external_ref__in=["new-1", "new-2"]).count() == 2


def test_every_possible_duplicate_can_be_created_at_once(client, run_worker):
    """A check may flag more possible duplicates than its page lists: one box creates
    them all."""
    make_center(
        at=RABAT_HASSAN_TOWER, category=CategoryFactory(code="disability"), name_fr="Centre Hassan"
    )
    client.force_login(make_staff("national", role="National administrators"))
    sheet = (
        duplicate_row("new-1", "Centre de la Tour", NEAR_THE_TOWER)
        + f"new-2,Autre de la Tour,disability,{NEAR_THE_TOWER[0]},{NEAR_THE_TOWER[1] + 0.0002}\n"
    ).encode()
    client.post(url("centers_center_import"), {"sheet": SimpleUploadedFile("c.csv", sheet)})
    run_worker()
    check = SheetJob.objects.get()
    assert "Create all 2 possible duplicates too" in job_page(client, check)

    client.post(
        url("sheet_jobs_sheetjob_change", check.pk), {"confirm": "1", "create_all_duplicates": "on"}
    )
    run_worker()

    assert Center.objects.filter(external_ref__in=["new-1", "new-2"]).count() == 2
