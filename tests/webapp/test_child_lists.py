"""A child's medicines and allergies: lists the family keeps current (issue 11, item 4)."""

from datetime import date, timedelta

import pytest

from tests.days import in_days, long_date, short_date, years_ago
from webapp.extensions import db
from webapp.models import ChildListItem
from webapp.services import cases


@pytest.fixture
def child(visit):
    return visit.case.child


def test_lines_typed_for_a_new_child_become_items(signed_in):
    response = signed_in.post("/children", data={
        "name": "Cleo", "birth_date": years_ago(7, 5, 5).isoformat(),
        "medicines": "Ibuprofen 200 mg\n\n  Salbutamol inhaler ", "allergies": "Nuts"})
    page = signed_in.get(response.headers["Location"]).text
    items = ChildListItem.query.order_by(ChildListItem.id).all()
    assert [(i.kind, i.name) for i in items] == [
        ("medicine", "Ibuprofen 200 mg"), ("medicine", "Salbutamol inhaler"), ("allergy", "Nuts")]
    assert "Salbutamol inhaler" in page


def test_add_a_medicine_with_dose_and_date_swaps_the_list_alone(hx, child):
    since = in_days(-280)
    response = hx.post(f"/children/{child.id}/medicines",
                       {"name": "Methotrexate", "detail": "10 mg weekly",
                        "since": since.isoformat()}, target="medicine-list")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="medicine-list"')
    assert f"10 mg weekly · since {long_date(since)}" in response.text
    item = ChildListItem.query.filter_by(name="Methotrexate").one()
    assert f'id="medicine-{item.id}" tabindex="-1" data-focus' in response.text
    assert (item.kind, item.since) == ("medicine", since)


@pytest.mark.parametrize("data, field, message", [
    ({"name": " "}, "name", "Write its name."),
    ({"name": "x" * 121}, "name", "Please keep this under 120 characters."),
    ({"name": "Ibuprofen", "since": "March"}, "since", "Enter the date as a date"),
    ({"name": "Ibuprofen", "since": (date.today() + timedelta(days=2)).isoformat()}, "since",
     "This date is still to come"),
    ({"name": "Ibu\x00profen"}, "name", "a character we cannot store"),
])
def test_bad_input_is_explained_beside_the_field_and_nothing_stored(hx, child, data, field,
                                                                    message):
    before = ChildListItem.query.count()
    response = hx.post(f"/children/{child.id}/allergies", data, target="allergy-list")
    assert response.status_code == 422
    assert message in response.text
    assert f'id="allergy-{field}-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert ChildListItem.query.count() == before


def test_change_and_remove_an_item(signed_in, child):
    penicillin = child.allergies[0]
    form = signed_in.get(f"/children/{child.id}/items/{penicillin.id}/edit").text
    assert 'value="Penicillin"' in form
    bad = signed_in.post(f"/children/{child.id}/items/{penicillin.id}", data={"name": ""})
    assert bad.status_code == 422 and "Write its name." in bad.text
    done = signed_in.post(f"/children/{child.id}/items/{penicillin.id}",
                          data={"name": "Penicillin", "detail": "Rash", "since": ""})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"#allergy-{penicillin.id}")
    assert ChildListItem.query.one().detail == "Rash"
    removed = signed_in.post(f"/children/{child.id}/items/{penicillin.id}/delete")
    assert removed.status_code == 303
    assert ChildListItem.query.count() == 0


def test_the_summary_to_read_out_lists_them(signed_in, visit, child):
    since = years_ago(2, 1, 5)
    cases.add_list_item(child, "medicine", "Salbutamol", "2 puffs when needed", since)
    db.session.commit()
    for url in (f"/cases/{visit.case_id}", f"/visits/{visit.id}",
                f"/visits/{visit.id}/questions/print"):
        page = signed_in.get(url).text
        assert f"Salbutamol, 2 puffs when needed (since {short_date(since)})" in page, url
        assert "Penicillin" in page, url


def test_another_childs_item_is_not_found(signed_in, owner, child):
    other = cases.add_child(owner.household_id, name="Bea", birth_date=years_ago(7, 2, 2),
                            allergies="Eggs")
    db.session.commit()
    eggs = other.allergies[0]
    assert signed_in.get(f"/children/{child.id}/items/{eggs.id}/edit").status_code == 404
    assert signed_in.post(f"/children/{child.id}/items/{eggs.id}/delete").status_code == 404
    assert ChildListItem.query.filter_by(name="Eggs").count() == 1
