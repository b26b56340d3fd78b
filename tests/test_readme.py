"""The README's Python examples are code that runs: each ```python block is run against the
test database, with the names its first comment says it is given."""

import re
import textwrap
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point

from centers.services import center_archive
from regions.models import Region
from tests.centers.factories import (
    CASABLANCA,
    RABAT_AGDAL,
    RABAT_HASSAN_TOWER,
    SALE,
    CategoryFactory,
    make_center,
)

README = Path(__file__).resolve().parent.parent / "README.md"
# A fenced block, indented or not (inside a list item it is).
PYTHON_BLOCK = re.compile(r"^( *)```python\n(.*?)^\1```$", re.DOTALL | re.MULTILINE)


def python_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [textwrap.dedent(code) for _indent, code in PYTHON_BLOCK.findall(text)]


def test_the_readme_has_python_examples():
    assert python_blocks()


@pytest.mark.django_db
@pytest.mark.parametrize("code", python_blocks())
def test_a_readme_example_runs(code):
    disability = CategoryFactory(code="disability")
    make_center(at=RABAT_HASSAN_TOWER, category=disability, name_fr="Centre Hassan")
    make_center(at=RABAT_AGDAL, category=disability, name_fr="Centre Agdal")
    closed = make_center(at=SALE, category=disability, name_fr="Centre fermé de Salé")
    center_archive(user=None, center=closed)
    make_center(at=CASABLANCA, category=disability, name_fr="Centre Anfa")
    latitude, longitude = RABAT_HASSAN_TOWER
    given = {
        "region": Region.objects.get(code="04"),
        "point": Point(longitude, latitude, srid=4326),
    }

    exec(compile(code, str(README), "exec"), given)  # noqa: S102 (the README's own examples)
