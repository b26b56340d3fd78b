import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "lang", "direction"),
    [("/", "ar", "rtl"), ("/fr/", "fr", "ltr"), ("/en/", "en", "ltr")],
)
def test_home_page_language_and_direction_follow_the_url(client, url, lang, direction):
    response = client.get(url)

    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in response.content.decode()


def test_home_page_text_is_translated(client):
    arabic = client.get("/").content.decode()
    french = client.get("/fr/").content.decode()
    english = client.get("/en/").content.decode()

    assert "مراكز" in arabic
    assert "Trouver" in french
    assert "Find a social center near you" in english


def test_language_switcher_keeps_the_page_and_its_query(client):
    page = client.get("/fr/?category=EMF").content.decode()

    assert 'href="/?category=EMF" lang="ar"' in page
    assert 'href="/en/?category=EMF" lang="en"' in page
