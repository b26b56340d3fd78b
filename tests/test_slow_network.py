"""The arithmetic of the weak-connection benchmark (benchmarks/slow_network.py): which
bytes count before the first result and before the map, and which aims a visit misses."""

import pytest

from benchmarks.slow_network import Transfer, aims_missed, figures, is_map_asset


def transfer(url: str, sent: float, *chunks: tuple[float, int]) -> Transfer:
    result = Transfer(url, sent, chunks=list(chunks))
    result.finished = chunks[-1][0] if chunks else sent
    return result


def test_bytes_given_only_at_the_end_are_spread_over_the_chunks_by_decoded_size():
    document = Transfer("http://site/", sent=0.0, chunks=[(0.5, 600)])
    document.unsized = [(1.0, 1000), (2.0, 3000)]

    document.finish(3.0, 4600)

    assert document.size == 4600
    assert document.received_before(1.5) == 1600
    assert document.finished == 3.0


def test_bytes_no_chunk_accounted_for_arrive_at_the_end():
    style = Transfer("http://site/static/css/site.css", sent=0.0, chunks=[(0.5, 700)])

    style.finish(1.0, 2800)

    assert style.received_before(0.9) == 700
    assert style.received_before(1.0) == 2800


def test_bytes_before_the_map_stop_at_the_first_request_of_a_map_asset():
    transfers = [
        transfer("http://site/?lat=34&lon=-6.8", 0.0, (0.1, 5000), (0.6, 5000)),
        transfer("http://site/static/leaflet/leaflet.2a.css", 0.5, (0.7, 4000)),
        transfer("http://site/api/v1/regions/boundaries.geojson", 1.0, (1.5, 30000)),
    ]

    measured = figures(transfers, origin=0.0, painted={"ms": 800, "top": 100})

    assert measured["before_map"] == 5000
    assert measured["map"] == 34000
    assert measured["total"] == 44000
    assert measured["first_result_s"] == pytest.approx(0.8)
    assert measured["before_first_result"] == 14000
    assert measured["network_idle_s"] == 1.5
    assert measured["heaviest"][0] == (10000, "/")


def test_a_page_without_a_map_counts_all_its_bytes_before_the_map():
    transfers = [
        transfer("http://site/", 0.0, (0.5, 8000)),
        transfer("http://site/static/css/site.css", 0.5, (0.9, 2800)),
    ]

    measured = figures(transfers, origin=0.0, painted=None)

    assert measured["before_map"] == 10800
    assert measured["first_result_s"] is None
    assert measured["before_first_result"] is None
    assert measured["heaviest"] == []


@pytest.mark.parametrize(
    ("url", "of_the_map"),
    [
        ("http://site/static/leaflet/leaflet.25c3da10cb19.js", True),
        ("http://site/static/vendor/leaflet.markercluster/MarkerCluster.7bc4.css", True),
        ("http://site/static/js/map.862535a21790.js", True),
        ("http://site/api/v1/regions/04/provinces.geojson", True),
        ("http://site/static/js/site.f61bedc9b500.js", False),
        ("http://site/static/icons/disability.b5a88c2516aa.svg", False),
        ("http://site/?category=disability&place=map", False),
    ],
)
def test_map_assets_are_known_by_their_path(url, of_the_map):
    assert is_map_asset(url) is of_the_map


def row(first_result_s, top=100.0, before_map=10_000):
    return {"first_result_s": first_result_s, "first_result_top": top, "before_map": before_map}


def test_a_first_result_painted_in_the_first_screen_within_5_s_meets_the_aims():
    assert aims_missed(row(4.9)) == []


@pytest.mark.parametrize(
    ("visit", "missed"),
    [
        (row(5.1), ["first result after 5 s"]),
        (row(None, top=None), ["first result after 5 s"]),
        (row(1.2, top=1646.0), ["first result below the first screen"]),
        (row(1.2, before_map=150_001), ["more than 150 KB before the map"]),
    ],
)
def test_a_visit_misses_an_aim(visit, missed):
    assert aims_missed(visit) == missed
