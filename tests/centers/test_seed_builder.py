"""build_center_seed: collected facts become an import sheet that states only what the
sources say, with every center placed in its HCP commune.

The rows below are copied from centers_facts.csv; the tests never read the shared data."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from centers.seed import (
    LEAD_COLUMNS,
    Communes,
    SeedError,
    build_center_rows,
    build_lead_rows,
    capacity_of,
    lead_sheet_text,
    services_of,
    sheet_text,
    status_of,
)
from centers.sheets import COLUMN_NAMES

HEADER = (
    "category,name_ar,name_fr,city,province,region,address,managed_by,services,opened,"
    "capacity,phone,source_url\n"
)

FES = (
    "COAPH,,Centre d'orientation et d'assistance des personnes en situation de handicap "
    "(COAPH) de Fès,Fès,Fès,Fès-Meknès,,Entraide Nationale (coordination régionale "
    'Fès-Meknès),"listening; diagnosis; orientation; family & social mediation; '
    "follow-up/accompaniment; paramedical exams; prostheses; training & capacity building; "
    "awareness workshops; disability attestations (2,041 issued in 2024); in-kind aid; 5,317 "
    'beneficiaries in 2024",,,,https://m.libe.ma/Fes-Plus-de-5-300-beneficiaires-du-centre-'
    "d-orientation-et-d-assistance-des-personnes-en-situation-de-handicap-en-2024_a153459.html\n"
)
SIDI_MOKHTAR = (
    "COAPH,مركز التوجيه والمساعدة للأشخاص في وضعية إعاقة التابع للتعاون الوطني بشيشاوة,,"
    "Sidi Mokhtar,Chichaoua,Marrakech-Safi,المركز الاجتماعي للقرب، الحي الإداري، جماعة سيدي "
    "المختار,Entraide Nationale (délégation provinciale de Chichaoua); Fonds d'appui à la "
    "cohésion sociale,reception and orientation of PSH and their families; analysis of needs "
    "to ease access to services,2019-05-03 (inaugurated by governor),,,"
    "http://chichaouanews.com/Lifestyle/details/1205/-----------------\n"
)
SALE_PRECURSOR = (
    "COAPH (precursor: CLIO),المركز المحلي للإعلام والتوجيه للأشخاص المعاقين بسلا,Centre local "
    "d'information et d'orientation (CLIO) des personnes handicapées de Salé,Salé,Salé,"
    "Rabat-Salé-Kénitra,,جمعية أبي رقراق (Association Bouregreg) with Handicap International; "
    'EU funding,"reception, listening, guidance and orientation of PSH and families (Salé and '
    'other cities); model later scaled up as COAPH",2008,,,https://example.org/clio-sale\n'
)
YOUSSOUFIA = (
    "EMF,الفضاء متعدد الوظائف للمرأة « امبارك الخلفي »,Espace Multifonctionnel pour Femmes "
    "« Mbarek El Khalfi »,Youssoufia,Youssoufia,Marrakech-Safi,حي امبارك الخلفي، اليوسفية,"
    '"INDH + Ministry of Solidarity + Entraide Nationale partnership (renovated & equipped by '
    'EN in 2021, 390,000 DH)","temporary & emergency shelter for women victims of violence; '
    "listening; family mediation; orientation to specialists; economic empowerment; training "
    "rooms (sewing, cooking, pastry); digital space; children's play area\",2009 (renovated "
    "2021),dormitory with 8 beds,,https://example.org/youssoufia\n"
)
TAMESNA = (
    "EMF,,Établissement multifonctionnel des femmes « Espace Tamkine Tamesna »,Tamesna,"
    "Skhirate-Témara,Rabat-Salé-Kénitra,,Ministry of Solidarity + Entraide Nationale + "
    'Ministry of Housing/Urban policy + Groupe Al Omrane,"reception, orientation, '
    "accompaniment, legal aid, psychological support for women in difficult situation / "
    'victims of violence",services launched May 2021,,,https://example.org/tamesna\n'
)
OUJDA_WOMEN_1 = (
    "EMF-related,فضاء لتتبع النساء في وضعية صعبة,,Oujda,Oujda-Angad,L'Oriental,"
    "طريق جرادة، وجدة,INDH + Entraide Nationale,legal assistance and orientation for women in "
    "difficult situation; capacity building; vocational training; income-generating "
    "activities,2020-11-17 (opened by wali),,,https://example.org/oujda-1\n"
)
OUJDA_WOMEN_2 = (
    "EMF-related,فضاء النساء والشباب والأسرة (مركب سيدي إدريس),,Oujda,Oujda-Angad,L'Oriental,"
    "منطقة سيدي إدريس، وجدة,INDH + Entraide Nationale,awareness; accompaniment; legal "
    "guidance; family mediation; economic empowerment of women and youth,2019 (complex "
    "inaugurated),,,https://example.org/oujda-2\n"
)
BOUSKOURA = (
    "EMF-related,,Centre multifonctionnel « Darna-Lemkansa » pour les femmes en situation "
    'difficile,Bouskoura (Lemkansa-Sud),Nouaceur,Casablanca-Settat,"Lemkansa-Sud, commune '
    'de Bouskoura",CPDH Nouaceur (INDH),"listening, accompaniment, orientation; workshops: '
    "sewing/embroidery, cooking/pastry, cosmetics, media & digital marketing; targets women "
    '18\u201335",Sept 2022,100+ beneficiaries,,https://example.org/darna\n'
)
AIT_OURIBEL = (
    "EMF-related,المركز الجهوي للنساء في وضعية صعبة,,Aït Ouribel,Khémisset,Rabat-Salé-Kénitra,"
    "قرب مؤسسة ابن البيطار، جماعة آيت أوريبل,managing association re-formed 27/05/2024 "
    "(president Jalila Moumen); EN provincial delegate attended,regional centre for women in "
    "difficult situation (long-awaited; not yet operating as of May 2024),not operational as "
    "of May 2024,,,https://example.org/ait-ouribel\n"
)
OUJDA_CHILDREN = (
    "CAPE-related,فضاء حماية الطفولة (مركب سيدي إدريس),,Oujda,Oujda-Angad,L'Oriental,"
    '"منطقة سيدي إدريس، وجدة",INDH + Entraide Nationale,"medical, psychological, legal and '
    'social accompaniment of child victims of violence; detection of violence cases",2019 '
    "(complex inaugurated),,,https://example.org/oujda-children\n"
)
NADOR = (
    "UPE,وحدة حماية الطفولة بالناظور,,Nador,Nador,L'Oriental,مقر مركز دعم وإنعاش المرأة "
    "« سيكوديل »، وسط الناظور,Entraide Nationale Nador (coordinator Brahim Rahaoui),child "
    "protection in coordination with elected officials, judges/prosecution, psychologists and "
    "authorities,2017-05-05,,,https://example.org/nador\n"
)
CASABLANCA = (
    "UPE,,Unité de Protection de l'Enfance (UPE) de Casablanca,Casablanca,,Casablanca-Settat,,"
    "Ministry + Entraide Nationale,protection of children in danger,2007,,,"
    "https://example.org/casablanca\n"
)

ALL_ROWS = (
    FES,
    SIDI_MOKHTAR,
    SALE_PRECURSOR,
    YOUSSOUFIA,
    TAMESNA,
    OUJDA_WOMEN_1,
    OUJDA_WOMEN_2,
    BOUSKOURA,
    AIT_OURIBEL,
    OUJDA_CHILDREN,
    NADOR,
    CASABLANCA,
)


@pytest.fixture(scope="module")
def communes():
    return Communes.from_package()


def build(communes, *rows: str) -> list[dict[str, str]]:
    return [row.cells for row in build_center_rows(HEADER + "".join(rows), communes)]


def only(communes, row: str) -> dict[str, str]:
    (cells,) = build(communes, row)
    return cells


def fact(**changes: str) -> str:
    """A one-line source row with a few fields changed."""
    values = dict.fromkeys(HEADER.strip().split(","), "")
    values.update(category="UPE", name_fr="Unité", city="Meknès", source_url="https://x.org/")
    values.update(changes)
    output = io.StringIO()
    csv.writer(output, lineterminator="\n").writerow(values.values())
    return output.getvalue()


def test_city_is_placed_in_its_commune_with_commune_precision(communes):
    cells = only(communes, FES)
    assert cells["commune_code"] == "03.231.01.0"
    assert cells["location_precision"] == "commune"
    assert cells["latitude"] == cells["longitude"] == ""


@pytest.mark.parametrize(
    ("row", "commune_code"),
    [
        (SIDI_MOKHTAR, "07.161.03.11"),  # HCP: Sid L'mokhtar
        (TAMESNA, "04.501.03.11"),  # the new town lies in Sidi Yahya Zaer
        (BOUSKOURA, "06.385.01.01"),  # the locality in brackets is not the city
        (CASABLANCA, "06.141.01.0"),  # no province given
    ],
)
def test_cities_spelled_otherwise_than_hcp_find_their_commune(communes, row, commune_code):
    assert only(communes, row)["commune_code"] == commune_code


def test_spaces_accents_and_apostrophes_do_not_prevent_a_match(communes):
    assert only(communes, fact(city="Benguerir"))["commune_code"] == "07.427.01.01"
    assert only(communes, fact(city="AIT-OURIBEL"))["commune_code"] == "04.291.03.03"
    assert only(communes, fact(city="سيدي المختار"))["commune_code"] == "07.161.03.11"


def test_province_decides_between_communes_of_the_same_name(communes):
    assert communes.place("Sidi Ghanem", "Chichaoua").code == "07.161.05.15"
    assert communes.place("Sidi Ghanem", "Rehamna").code == "07.427.07.19"


def test_urban_commune_is_preferred_unless_the_province_names_the_rural_one(communes):
    assert communes.place("Ajdir").code == "01.051.01.09"
    assert communes.place("Ajdir", "Taza").code == "03.561.03.01"


def test_homonyms_without_any_hint_are_refused(communes):
    with pytest.raises(SeedError, match=r"line 2 \(Unité\).*several communes"):
        build(communes, fact(city="Sidi Ghanem"))


def test_rows_that_cannot_be_placed_are_all_named(communes):
    rows = (
        fact(name_fr="Centre A", city="Atlantis") + FES + fact(name_fr="Centre B", city="Eldorado")
    )
    with pytest.raises(SeedError) as error:
        build(communes, rows)
    message = str(error.value)
    assert "line 2 (Centre A): city 'Atlantis' not placed" in message
    assert "line 4 (Centre B): city 'Eldorado' not placed" in message
    assert "Fès" not in message


@pytest.mark.parametrize(
    ("row", "category"),
    [
        (FES, "disability"),
        (SALE_PRECURSOR, "disability"),
        (YOUSSOUFIA, "women"),
        (OUJDA_WOMEN_1, "women"),
        (OUJDA_CHILDREN, "child-protection"),
        (NADOR, "child-protection"),
    ],
)
def test_related_and_precursor_rows_take_the_nearest_category_and_keep_their_name(
    communes, row, category
):
    cells = only(communes, row)
    assert cells["category"] == category
    assert next(csv.reader(io.StringIO(row)))[1:3] == [cells["name_ar"], cells["name_fr"]]


def test_unknown_category_is_refused(communes):
    with pytest.raises(SeedError, match="unknown category 'COAPH\\?'"):
        build(communes, FES + fact(category="COAPH?"))


def test_row_without_a_name_is_refused(communes):
    with pytest.raises(SeedError, match="no name in Arabic or French"):
        build(communes, fact(name_ar=" ", name_fr=""))


def test_services_text_becomes_service_codes(communes):
    assert only(communes, FES)["services"] == (
        "reception-listening;orientation;accompaniment;disability-card;technical-aids;"
        "family-mediation;health-care;social-assistance"
    )
    assert only(communes, OUJDA_CHILDREN)["services"] == (
        "accompaniment;legal-aid;psychological-support;health-care;detection-reporting"
    )


@pytest.mark.parametrize(
    "text",
    [
        "rehabilitation of premises ~700,000 DH",
        "economic empowerment",
        "preschool for children of vulnerable families",
        "training & capacity building",
        "coordination with judges/prosecution, psychologists and authorities",
        "literacy room; children's play area",
    ],
)
def test_phrases_that_state_no_service_give_none(text):
    assert services_of(text) == []


def test_free_text_and_unpublished_fields_stay_empty(communes):
    for cells in build(communes, *ALL_ROWS):
        for column in (
            "name_en",
            "accessibility",
            "description_ar",
            "description_fr",
            "eligibility_ar",
            "eligibility_fr",
            "phones",
            "email",
            "website",
            "opening_hours",
            "opening_hours_note",
            "status_note",
            "latitude",
            "longitude",
            "last_verified_on",
        ):
            assert cells[column] == "", column


def test_address_goes_to_the_field_of_its_script(communes):
    arabic = only(communes, SIDI_MOKHTAR)
    assert arabic["address_ar"] == "المركز الاجتماعي للقرب، الحي الإداري، جماعة سيدي المختار"
    assert arabic["address_fr"] == ""
    latin = only(communes, BOUSKOURA)
    assert (latin["address_ar"], latin["address_fr"]) == ("", "Lemkansa-Sud, commune de Bouskoura")


@pytest.mark.parametrize(
    ("text", "capacity"),
    [
        ("dormitory with 8 beds", "8"),
        ("40", "40"),
        ("100+ beneficiaries", ""),
        ("30+ places", ""),
        ("dormitories (number not given)", ""),
        ("20 beds and 10 cots", ""),
        ("", ""),
    ],
)
def test_capacity_is_kept_only_when_one_number_of_places_is_stated(text, capacity):
    assert capacity_of(text) == capacity


@pytest.mark.parametrize(
    ("opened", "status"),
    [
        ("not operational as of May 2024", "planned"),
        ("inauguration planned end of July 2016", "planned"),
        ("launch announced for 28/01/2020", "planned"),
        ("services launched May 2021", "open"),
        ("2019-05-03 (inaugurated by governor)", "open"),
        ("", "open"),
    ],
)
def test_status_is_planned_only_when_the_source_says_it_is_not_open_yet(opened, status):
    assert status_of(opened) == status


def test_several_sources_of_one_row_are_all_kept(communes):
    text = HEADER + fact(
        category="EMF", name_fr="Espace", city="Fès", source_url="https://a.org/1 | https://b.org/2"
    )
    (row,) = build_center_rows(text, communes)
    assert row.cells["source_urls"] == "https://a.org/1 | https://b.org/2"


def test_copied_fields_are_kept_as_the_source_wrote_them(communes):
    cells = only(communes, SALE_PRECURSOR)
    assert cells["managing_organisation"] == (
        "جمعية أبي رقراق (Association Bouregreg) with Handicap International; EU funding"
    )
    assert cells["source_urls"] == "https://example.org/clio-sale"
    assert cells["archived"] == "no"
    assert only(communes, AIT_OURIBEL)["status"] == "planned"
    assert only(communes, YOUSSOUFIA)["capacity"] == "8"


def test_external_refs_number_rows_of_one_category_and_city_in_file_order(communes):
    refs = {cells["source_urls"]: cells["external_ref"] for cells in build(communes, *ALL_ROWS)}
    assert refs["https://example.org/oujda-1"] == "seed-women-oujda-1"
    assert refs["https://example.org/oujda-2"] == "seed-women-oujda-2"
    assert refs["https://example.org/oujda-children"] == "seed-child-protection-oujda-1"
    assert refs["https://example.org/darna"] == "seed-women-bouskoura-1"
    assert refs["https://example.org/clio-sale"] == "seed-disability-sale-1"


def test_output_is_deterministic_and_sorted_by_external_ref(communes):
    text = HEADER + "".join(ALL_ROWS)
    first = sheet_text(build_center_rows(text, communes))
    assert first == sheet_text(build_center_rows(text, communes))
    assert first.split("\n", 1)[0] == ",".join(COLUMN_NAMES)
    refs = [row["external_ref"] for row in csv.DictReader(io.StringIO(first))]
    assert refs == sorted(refs)
    assert len(refs) == len(ALL_ROWS)
    assert "\r" not in first


# Rows copied from centers_candidates.csv: a lead, and an association with a sourced
# positive-parenting project.
CANDIDATES_HEADER = HEADER.rstrip("\n") + ",notes\n"
GUELMIM_LEAD = (
    "COAPH-related (disability centre),المركز الاجتماعي التربوي للأطفال في وضعية إعاقة "
    "بكلميم,Centre socio-éducatif pour les enfants en situation de handicap de Guelmim,Guelmim,"
    "Guelmim,Guelmim-Oued Noun,,Association X,day care; physiotherapy,2019,40,,"
    "https://example.org/guelmim,Day centre; EN role not stated.\n"
)
TIFLET_PARENTING = (
    "PARENTING,جمعية المجتمع التمكيني للشباب,,Tiflet,Khémisset,Rabat-Salé-Kénitra,"
    "École Abi El Kacem Chabbi,association,three training sessions for parents,2024-10,,,"
    "https://example.org/tiflet,Not confirmed as one of the 38.\n"
)


def test_parenting_candidates_are_published_without_the_place_of_their_sessions(communes):
    (row,) = build_center_rows(
        HEADER, communes, candidates=CANDIDATES_HEADER + GUELMIM_LEAD + TIFLET_PARENTING
    )
    assert row.cells["external_ref"] == "seed-parenting-tiflet-1"
    assert row.cells["category"] == "parenting"
    assert row.cells["services"] == "parenting-sessions"
    assert row.cells["address_fr"] == row.cells["address_ar"] == ""
    assert row.cells["commune_code"] == "04.291.01.05"
    assert row.cells["source_urls"] == "https://example.org/tiflet"


def test_other_candidates_become_leads_with_what_the_source_said(communes):
    (lead,) = build_lead_rows(CANDIDATES_HEADER + GUELMIM_LEAD + TIFLET_PARENTING, communes)
    assert lead["external_ref"] == "lead-disability-guelmim-1"
    assert lead["category"] == "disability"
    assert lead["services"] == "rehabilitation"
    assert lead["capacity"] == "40"
    assert lead["commune_code"] == "10.261.01.03"
    assert lead["details"] == (
        "Managed by: Association X\nServices: day care; physiotherapy\nOpened: 2019\nCapacity: 40"
    )
    assert lead["notes"] == "Day centre; EN role not stated."
    header = lead_sheet_text([lead]).split("\n", 1)[0]
    assert header == ",".join(LEAD_COLUMNS)


def test_command_writes_the_sheet_it_builds(communes, tmp_path):
    source = tmp_path / "facts.csv"
    source.write_text(HEADER + FES + NADOR, encoding="utf-8")
    candidates = tmp_path / "candidates.csv"
    candidates.write_text(CANDIDATES_HEADER + GUELMIM_LEAD + TIFLET_PARENTING, encoding="utf-8")
    output, leads = tmp_path / "centers.csv", tmp_path / "leads.csv"
    call_command(
        "build_center_seed",
        source=source,
        candidates=candidates,
        output=output,
        leads_output=leads,
        stdout=io.StringIO(),
    )
    expected = sheet_text(
        build_center_rows(HEADER + FES + NADOR, communes, candidates=candidates.read_text())
    )
    assert output.read_bytes() == expected.encode()
    assert (
        leads.read_bytes()
        == lead_sheet_text(build_lead_rows(candidates.read_text(), communes)).encode()
    )


def test_command_fails_with_a_command_error_on_a_bad_source(tmp_path):
    source = tmp_path / "facts.csv"
    source.write_text(HEADER + fact(category="COAPH?"), encoding="utf-8")
    with pytest.raises(CommandError, match="unknown category"):
        call_command(
            "build_center_seed",
            source=source,
            candidates=source,
            output=tmp_path / "out.csv",
            leads_output=tmp_path / "leads.csv",
        )
    assert not (tmp_path / "out.csv").exists()
