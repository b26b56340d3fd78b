"""Properties of the parsers that read what people type: the public search's query
parameters (centers/filters.py), the cells of the import sheet (centers/sheets.py) and
opening hours (centers/hours.py).

A parser either gives back the value that was written, or refuses it with a
ValidationError that says which parameter is wrong; any other exception would be a 500
in the API or a crashed import. Every property runs a bounded, derandomized number of
examples, so a run is reproducible.
"""

import csv
import datetime
import io
import math
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from centers import hours
from centers.filters import MAX_RADIUS_KM, parse_search_parameters
from centers.models import Center
from centers.phones import parse_phones
from centers.sheets import (
    _date,
    _integer,
    _latitude,
    _longitude,
    _opening_hours,
    _text,
    _urls,
    _yes_no,
    read_sheet,
)
from regions.models import Region

from .centers.factories import CategoryFactory

bounded = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    # The database fixtures hold read-only reference data: sharing them between the
    # examples of one test is safe.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Somewhere inside Morocco, for the other half of a coordinate pair.
RABAT_LAT, RABAT_LON = "34.0209", "-6.8416"

latitudes = st.floats(min_value=-90, max_value=90)
longitudes = st.floats(min_value=-180, max_value=180)
radii = st.floats(min_value=0, max_value=MAX_RADIUS_KM, exclude_min=True)


def query(**params: str) -> QueryDict:
    """Parameters as a request's query string gives them."""
    data = QueryDict(mutable=True)
    for name, value in params.items():
        data[name] = value
    return data


def refused_parameters(**params: str) -> list[str]:
    """The parameters named by the refusal; fails if the parameters are accepted or if
    anything other than a ValidationError is raised."""
    with pytest.raises(serializers.ValidationError) as refusal:
        parse_search_parameters(query(**params))
    return sorted(refusal.value.detail)


def parsed_or_refused(**params: str) -> tuple[dict | None, list[str]]:
    """(parsed parameters, []) or (None, the parameters named by the refusal)."""
    try:
        return parse_search_parameters(query(**params)), []
    except serializers.ValidationError as refusal:
        return None, sorted(refusal.detail)


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# An empty value means the parameter is absent, so a non-number has a character at least.
non_numbers = st.text(min_size=1).filter(lambda text: not is_number(text))
non_finite = st.sampled_from(["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999"])


# Coordinates and radius of a nearest-first search.


@bounded
@given(latitudes, longitudes)
def test_any_point_on_earth_is_accepted_exactly(lat, lon):
    parameters = parse_search_parameters(query(lat=repr(lat), lon=repr(lon)))

    assert (parameters["lat"], parameters["lon"]) == (lat, lon)


@bounded
@given(latitudes, longitudes, radii)
def test_any_radius_up_to_the_maximum_is_accepted_exactly(lat, lon, radius_km):
    parameters = parse_search_parameters(
        query(lat=repr(lat), lon=repr(lon), radius_km=repr(radius_km))
    )

    assert parameters["radius_km"] == radius_km


@bounded
@given(
    st.floats(min_value=90, exclude_min=True)
    | st.floats(max_value=-90, exclude_max=True)
    | st.just(math.nan)
)
def test_a_latitude_beyond_the_poles_or_not_finite_is_refused_naming_lat(lat):
    assert refused_parameters(lat=repr(lat), lon=RABAT_LON) == ["lat"]


@bounded
@given(
    st.floats(min_value=180, exclude_min=True)
    | st.floats(max_value=-180, exclude_max=True)
    | st.just(math.nan)
)
def test_a_longitude_beyond_the_antimeridian_or_not_finite_is_refused_naming_lon(lon):
    assert refused_parameters(lat=RABAT_LAT, lon=repr(lon)) == ["lon"]


@bounded
@given(
    st.floats(max_value=0)
    | st.floats(min_value=MAX_RADIUS_KM, exclude_min=True)
    | st.just(math.nan)
)
def test_a_radius_not_above_zero_or_above_the_maximum_is_refused_naming_radius_km(radius_km):
    assert refused_parameters(lat=RABAT_LAT, lon=RABAT_LON, radius_km=repr(radius_km)) == [
        "radius_km"
    ]


@bounded
@given(st.sampled_from(["lat", "lon", "radius_km"]), non_numbers | non_finite)
def test_a_coordinate_or_radius_that_is_no_finite_number_is_refused_naming_it(name, text):
    params = {"lat": RABAT_LAT, "lon": RABAT_LON, "radius_km": "10", name: text}

    assert refused_parameters(**params) == [name]


# Bounding boxes: min_lon,min_lat,max_lon,max_lat.


@st.composite
def boxes(draw):
    """Four finite corners in order: each minimum strictly below its maximum."""
    lons = draw(st.lists(longitudes, min_size=2, max_size=2, unique=True).map(sorted))
    lats = draw(st.lists(latitudes, min_size=2, max_size=2, unique=True).map(sorted))
    return (lons[0], lats[0], lons[1], lats[1])


def box_text(corners) -> str:
    return ",".join(repr(value) for value in corners)


@bounded
@given(boxes())
def test_any_box_in_order_is_accepted_exactly(box):
    assert parse_search_parameters(query(bbox=box_text(box)))["bbox"] == box


@bounded
@given(boxes(), st.sampled_from(["lon", "lat", "both"]))
def test_an_inverted_box_is_refused_naming_bbox(box, swapped):
    min_lon, min_lat, max_lon, max_lat = box
    if swapped in {"lon", "both"}:
        min_lon, max_lon = max_lon, min_lon
    if swapped in {"lat", "both"}:
        min_lat, max_lat = max_lat, min_lat

    assert refused_parameters(bbox=box_text((min_lon, min_lat, max_lon, max_lat))) == ["bbox"]


@bounded
@given(st.lists(latitudes, min_size=1, max_size=8).filter(lambda corners: len(corners) != 4))
def test_a_box_without_exactly_four_numbers_is_refused_naming_bbox(corners):
    assert refused_parameters(bbox=box_text(corners)) == ["bbox"]


@bounded
@given(boxes(), st.integers(min_value=0, max_value=3), non_numbers | non_finite)
def test_a_box_with_a_corner_that_is_no_finite_number_is_refused_naming_bbox(box, index, text):
    corners = [repr(value) for value in box]
    corners[index] = text

    assert refused_parameters(bbox=",".join(corners)) == ["bbox"]


@bounded
@given(st.text(min_size=1))
def test_any_text_as_a_box_is_accepted_in_order_or_refused_naming_bbox(text):
    parameters, refused = parsed_or_refused(bbox=text)

    if parameters is None:
        assert refused == ["bbox"]
    else:
        min_lon, min_lat, max_lon, max_lat = parameters["bbox"]
        assert -180 <= min_lon < max_lon <= 180
        assert -90 <= min_lat < max_lat <= 90


# Official codes, against the real regions of Morocco.


@pytest.fixture
def region_ids(db):
    cache.clear()  # the codes' ids are cached
    yield dict(Region.objects.values_list("code", "id"))
    cache.clear()


def code_list(codes, spaces) -> str:
    return ",".join(f"{space}{code}{space}" for code, space in zip(codes, spaces, strict=True))


@bounded
@given(data=st.data())
def test_known_region_codes_give_their_ids_in_order(region_ids, data):
    codes = data.draw(st.lists(st.sampled_from(sorted(region_ids)), min_size=1, max_size=6))
    spaces = data.draw(
        st.lists(st.sampled_from(["", " "]), min_size=len(codes), max_size=len(codes))
    )

    parameters = parse_search_parameters(query(region=code_list(codes, spaces)))

    assert parameters["region"] == [region_ids[code] for code in codes]


@bounded
@given(data=st.data())
def test_a_list_with_any_unknown_region_code_is_refused_naming_region(region_ids, data):
    known = data.draw(st.lists(st.sampled_from(sorted(region_ids)), max_size=3))
    unknown = data.draw(
        st.text(st.characters(exclude_characters=","), min_size=1).filter(
            lambda code: code.strip() and code.strip() not in region_ids
        )
    )
    codes = data.draw(st.permutations([*known, unknown]))

    assert refused_parameters(region=",".join(codes)) == ["region"]


@bounded
@given(text=st.text(min_size=1))
def test_any_text_as_region_codes_is_refused_unless_every_code_is_known(region_ids, text):
    parameters, refused = parsed_or_refused(region=text)

    codes = [code.strip() for code in text.split(",") if code.strip()]
    if all(code in region_ids for code in codes) and text.strip():
        assert parameters["region"] == [region_ids[code] for code in codes]
    else:
        assert refused == ["region"]


# modified_since: ISO 8601 date-times.

offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
)


def iso_8601(moment: datetime.datetime, style: str) -> str:
    if style == "Z" and moment.utcoffset() == datetime.timedelta(0):
        return moment.replace(tzinfo=None).isoformat() + "Z"
    return moment.isoformat(sep=" " if style == "space" else "T")


@bounded
@given(
    st.datetimes(min_value=datetime.datetime(2, 1, 1), max_value=datetime.datetime(9998, 12, 31)),
    offsets | st.just(datetime.UTC),
    st.sampled_from(["T", "space", "Z"]),
)
def test_a_date_time_with_an_offset_is_read_as_the_same_instant(moment, offset, style):
    moment = moment.replace(tzinfo=offset)

    parameters = parse_search_parameters(query(modified_since=iso_8601(moment, style)))

    assert parameters["modified_since"] == moment
    assert parameters["modified_since"].utcoffset() is not None


@bounded
@given(st.datetimes(), offsets)
def test_a_date_time_at_the_ends_of_the_calendar_is_read_or_refused_naming_it(moment, offset):
    moment = moment.replace(tzinfo=offset)

    parameters, refused = parsed_or_refused(modified_since=moment.isoformat())

    if parameters is None:
        assert refused == ["modified_since"]
    else:
        assert parameters["modified_since"] == moment


@bounded
@given(st.text(min_size=1))
def test_any_text_as_a_date_time_is_an_aware_date_time_or_refused_naming_it(text):
    parameters, refused = parsed_or_refused(modified_since=text)

    if parameters is None:
        assert refused == ["modified_since"]
    else:
        assert parameters["modified_since"].utcoffset() is not None


@bounded
@given(st.text(min_size=1).filter(lambda text: not any(c.isdigit() for c in text)))
def test_text_without_digits_is_no_date_time(text):
    assert refused_parameters(modified_since=text) == ["modified_since"]


# Cells of the import sheet.

# The capacity column, where _integer's numbers are stored, and the largest it holds.
CAPACITY = Center._meta.get_field("capacity")
CAPACITY_MAX = connection.ops.integer_field_range(CAPACITY.get_internal_type())[1]
# The parsers of the columns that need no database.
PURE_CELL_PARSERS = [_text, _integer, _latitude, _longitude, _date, parse_phones, _urls, _yes_no]
PURE_CELL_PARSERS += [_opening_hours]


def read_or_refuse(parse, text):
    """(value, None) or (None, the refusal's messages); any other exception escapes."""
    try:
        return parse(text), None
    except ValidationError as refusal:
        return None, refusal.messages


@bounded
@given(longitudes, st.sampled_from([".", ","]), st.sampled_from(["", " ", "\t"]))
def test_longitudes_are_read_with_a_point_or_a_comma(value, mark, space):
    text = space + repr(value).replace(".", mark) + space

    assert _longitude(text) == value


@bounded
@given(latitudes, st.sampled_from([".", ","]))
def test_latitudes_are_read_with_a_point_or_a_comma(value, mark):
    assert _latitude(repr(value).replace(".", mark)) == value


@bounded
@given(
    non_finite
    | st.floats(min_value=180, exclude_min=True).map(repr)
    | st.floats(max_value=-180, exclude_max=True).map(repr)
)
def test_longitudes_that_are_not_finite_or_beyond_180_are_refused(text):
    value, messages = read_or_refuse(_longitude, text)

    assert value is None and messages


@bounded
@given(
    non_finite
    | st.floats(min_value=90, exclude_min=True).map(repr)
    | st.floats(max_value=-90, exclude_max=True).map(repr)
)
def test_latitudes_that_are_not_finite_or_beyond_the_poles_are_refused(text):
    value, messages = read_or_refuse(_latitude, text)

    assert value is None and messages


@bounded
@given(st.text())
def test_any_text_as_a_latitude_is_a_finite_latitude_blank_or_refused(text):
    value, messages = read_or_refuse(_latitude, text)

    if messages is None and value is not None:
        assert math.isfinite(value) and -90 <= value <= 90
    elif messages is None:
        assert not text.strip()


@bounded
@given(st.integers(min_value=0, max_value=CAPACITY_MAX))
def test_a_whole_number_that_fits_the_capacity_column_is_read_exactly(number):
    assert _integer(f" {number} ") == number


@bounded
@given(
    st.integers(max_value=-1).map(str)
    | st.floats(min_value=0, max_value=1e9).filter(lambda x: not x.is_integer()).map(repr)
)
def test_a_negative_or_fractional_number_of_places_is_refused(text):
    value, messages = read_or_refuse(_integer, text)

    assert value is None and messages


@bounded
@given(st.text() | non_finite)
def test_any_text_as_a_number_of_places_is_a_whole_number_blank_or_refused(text):
    value, messages = read_or_refuse(_integer, text)

    if messages is None and value is None:
        assert not text.strip()
    elif messages is None:
        assert isinstance(value, int) and value >= 0


@bounded
@given(st.integers(min_value=0, max_value=10**12))
def test_a_number_of_places_beyond_what_the_capacity_column_holds_is_refused(number):
    value, messages = read_or_refuse(_integer, str(number))

    if messages is None:
        # Saving a larger number fails in the database ("integer out of range").
        CAPACITY.run_validators(value)


@bounded
@given(st.dates())
def test_a_date_is_read_back_from_its_iso_form(day):
    assert _date(f" {day.isoformat()} ") == day


@bounded
@given(st.dates(), st.times(), st.sampled_from(["T", " "]))
def test_a_date_with_a_time_of_day_is_read_as_the_date(day, time, separator):
    assert _date(f"{day.isoformat()}{separator}{time.isoformat()}") == day


@bounded
@given(st.dates(), st.text(alphabet="0123456789-/", min_size=1, max_size=4))
def test_a_date_followed_by_stray_characters_is_refused_not_cut_short(day, stray):
    """2024-01-019, a mistyped day, is no 1 January."""
    value, messages = read_or_refuse(_date, day.isoformat() + stray)

    assert value is None and messages


@bounded
@given(st.sampled_from(PURE_CELL_PARSERS), st.text())
def test_every_cell_parser_answers_any_text_with_a_value_or_readable_messages(parse, text):
    _value, messages = read_or_refuse(parse, text)

    assert messages is None or all(isinstance(message, str) for message in messages)


@pytest.fixture
def sheet_category(db):
    return CategoryFactory(code="disability")


SHEET_CELLS = ["capacity", "latitude", "longitude", "last_verified_on", "archived", "phones"]
SHEET_CELLS += ["source_urls", "opening_hours", "status", "email", "website"]


@bounded
@given(
    cells=st.fixed_dictionaries(
        {}, optional={name: st.text(max_size=20) | non_finite for name in SHEET_CELLS}
    )
)
def test_a_sheet_row_with_any_cell_text_is_read_with_its_errors(sheet_category, cells):
    """An uploaded file is read into rows and errors naming the cells, whatever they
    hold; an exception escaping read_sheet is a failed import page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["external_ref", "name_fr", "category", *cells])
    writer.writerow(["ref-1", "Centre", sheet_category.code, *cells.values()])

    rows, errors = read_sheet(buffer.getvalue().encode(), "centers.csv")

    assert [row.line for row in rows] == [2]
    assert {error.column for error in errors} <= set(cells)


# Opening hours.

MINUTES_IN_A_DAY = 24 * 60


@st.composite
def weeks(draw):
    """Canonical hours: days in order, at most two ranges a day, in order, not overlapping."""
    week = {}
    for day in draw(st.lists(st.sampled_from(hours.DAYS), unique=True, max_size=7)):
        count = draw(st.sampled_from([2, 4]))
        minutes = sorted(
            draw(
                st.lists(
                    st.integers(0, MINUTES_IN_A_DAY - 1),
                    min_size=count,
                    max_size=count,
                    unique=True,
                )
            )
        )
        week[day] = [
            [f"{opens // 60:02d}:{opens % 60:02d}", f"{closes // 60:02d}:{closes % 60:02d}"]
            for opens, closes in zip(minutes[::2], minutes[1::2], strict=True)
        ]
    return {day: week[day] for day in hours.DAYS if day in week}


@st.composite
def written_weeks(draw):
    """Canonical hours and a way a person might write them in a sheet."""
    week = draw(weeks())
    day_names = {
        "mon": "Monday",
        "tue": "Tuesday",
        "wed": "Wednesday",
        "thu": "Thursday",
        "fri": "Friday",
        "sat": "Saturday",
        "sun": "Sunday",
    }
    parts = []
    for day in draw(st.permutations(list(week))):
        name = draw(st.sampled_from([day, day.upper(), day_names[day], day_names[day].lower()]))
        ranges = []
        for opens, closes in week[day]:
            if opens.startswith("0") and draw(st.booleans()):
                opens = opens[1:]
            ranges.append(f"{opens}-{closes}")
        space = draw(st.sampled_from([" ", "  ", "\t"]))
        parts.append(space.join([name, *ranges]))
    separator = draw(st.sampled_from([";", "; ", " ; "]))
    return week, separator.join(parts) + draw(st.sampled_from(["", ";"]))


@bounded
@given(written_weeks())
def test_written_hours_are_read_as_the_canonical_week(written):
    week, text = written

    assert hours.parse(text) == week


@bounded
@given(written_weeks() | st.text().map(lambda text: (None, text)))
def test_formatting_parsed_hours_is_stable(written):
    _week, text = written
    try:
        week = hours.parse(text)
    except ValidationError:
        return

    formatted = hours.format_hours(week)
    assert hours.parse(formatted) == week
    assert hours.format_hours(hours.parse(formatted)) == formatted


@bounded
@given(st.text())
def test_parsing_any_text_gives_hours_or_readable_messages(text):
    _value, messages = read_or_refuse(hours.parse, text)

    assert messages is None or all(isinstance(message, str) for message in messages)


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(hours.DAYS) | st.text(), children, max_size=3)
    ),
    max_leaves=12,
)
times = st.sampled_from(["08:30", "8:30", "12:00", "23:59", "00:00", "24:00", "08:60"]) | st.text(
    max_size=6
)
hours_like = st.dictionaries(
    st.sampled_from(hours.DAYS) | st.text(max_size=4),
    st.lists(st.lists(times | json_like, max_size=3) | json_like, max_size=3) | json_like,
    max_size=4,
)


@bounded
@given(hours_like | json_like)
def test_validating_any_json_gives_canonical_hours_or_readable_messages(value):
    canonical, messages = read_or_refuse(hours.validate, value)

    if messages is None:
        assert hours.validate(canonical) == canonical
    else:
        assert all(isinstance(message, str) for message in messages)


ASCII_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]", re.ASCII)
digits = st.characters(categories=["Nd"])


@bounded
@given(
    st.lists(
        st.tuples(st.text(digits, min_size=1, max_size=2), st.text(digits, min_size=2, max_size=2)),
        min_size=2,
        max_size=2,
    )
)
def test_accepted_hours_are_written_with_ascii_digits(clock):
    (opens_h, opens_m), (closes_h, closes_m) = clock
    text = f"mon {opens_h}:{opens_m}-{closes_h}:{closes_m}"

    week, messages = read_or_refuse(hours.parse, text)

    if messages is None:
        for opens, closes in week.get("mon", []):
            assert ASCII_TIME.fullmatch(opens) and ASCII_TIME.fullmatch(closes)
