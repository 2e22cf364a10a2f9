"""Attachments of records: type and size checked, stored once by content under the
attachments folder (never in the database), uploads that resume, nothing partial kept."""

import hashlib
import io
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.extensions import db
from webapp.models import Attachment
from webapp.services import attachments, case_records

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # a PNG's signature, then bytes
PDF = b"%PDF-1.7\n" + b"x" * 5000


@pytest.fixture
def files(app, tmp_path):
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "attachments")
    return tmp_path / "attachments"


@pytest.fixture
def record(visit, owner):
    item = case_records.add_item(visit.case, owner, "Scans")
    db.session.commit()
    return item


def url(visit, record, rest=""):
    return f"/cases/{visit.case_id}/records/{record.id}{rest}"


def stored(files):
    return sorted(p.name for p in files.rglob("*") if p.is_file() and "partial" not in p.parts)


def partials(files):
    return sorted(p.name for p in (files / "partial").glob("*")) if files.exists() else []


def test_a_photo_sent_whole_is_stored_by_its_hash_and_sent_back(signed_in, visit, record,
                                                                 files):
    response = signed_in.post(url(visit, record, "/attachments"),
                              data={"file": (io.BytesIO(PNG), "scan.png")},
                              content_type="multipart/form-data")
    assert response.status_code == 303
    sha = hashlib.sha256(PNG).hexdigest()
    assert stored(files) == [sha]
    attachment = Attachment.query.one()
    assert (attachment.sha256, attachment.size, attachment.content_type) == (sha, len(PNG),
                                                                              "image/png")
    back = signed_in.get(url(visit, record, f"/attachments/{attachment.id}"))
    assert back.data == PNG and back.mimetype == "image/png"
    back.close()


@pytest.mark.parametrize("data, name, message", [
    (b"MZ\x90\x00 not a photo", "scan.png", attachments.WRONG_TYPE),  # named .png, is not
    (b"", "empty.pdf", attachments.WRONG_TYPE),
])
def test_wrong_type_or_too_big_is_refused_and_nothing_kept(signed_in, visit, record, files,
                                                           data, name, message):
    response = signed_in.post(url(visit, record, "/attachments"),
                              data={"file": (io.BytesIO(data), name)},
                              content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.text
    assert (Attachment.query.count(), stored(files)) == (0, [])


def test_over_the_size_limit_is_refused_whole_or_in_pieces(signed_in, visit, record, owner,
                                                          files):
    from webapp.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="Please check"):
        attachments.add_whole(files, record, owner, b"%PDF-" + b"x" * attachments.MAX_BYTES)
    response = send(signed_in, visit, record, "a" * 64, 0, b"%PDF-",
                    attachments.MAX_BYTES + 1)
    assert response.status_code == 422
    assert "over 6 MB" in response.get_json()["errors"]["file"][0]
    assert (Attachment.query.count(), stored(files), partials(files)) == (0, [], [])


def send(client, visit, record, sha, offset, piece, size):
    query = f"?offset={offset}&size={size}&name=r.pdf"
    return client.post(url(visit, record, f"/uploads/{sha}{query}"), data=piece,
                       content_type="application/octet-stream")


def test_a_cut_upload_resumes_where_it_stopped(signed_in, visit, record, files):
    sha = hashlib.sha256(PDF).hexdigest()
    first = send(signed_in, visit, record, sha, 0, PDF[:2000], len(PDF))
    assert first.get_json() == {"offset": 2000, "done": False}
    # The connection dropped: the phone asks where it stands and sends the rest.
    assert signed_in.get(url(visit, record, f"/uploads/{sha}")).get_json() == {"offset": 2000}
    stale = send(signed_in, visit, record, sha, 0, PDF[:2000], len(PDF))
    assert (stale.status_code, stale.get_json()["offset"]) == (409, 2000)
    assert Attachment.query.count() == 0 and stored(files) == []
    last = send(signed_in, visit, record, sha, 2000, PDF[2000:], len(PDF))
    assert last.get_json() == {"offset": len(PDF), "done": True}
    assert stored(files) == [sha] and partials(files) == []
    assert Attachment.query.one().content_type == "application/pdf"


@pytest.mark.parametrize("sent, kept", [
    ("scan%00.png", "scan.png"), ("scan%0d%0aSet-Cookie:%20x.png", "scanSet-Cookie: x.png"),
    ("invoice%E2%80%AEgnp.exe", "invoicegnp.exe.png")])
def test_a_name_no_header_or_database_can_carry_is_cleaned(signed_in, visit, record, files,
                                                           sent, kept):
    """The name is only a suggestion for saving the file: cleaned, never a refusal
    (the photo kept on the phone for ever) nor a fault (PostgreSQL refuses a NUL)."""
    sha = hashlib.sha256(PNG).hexdigest()
    answer = signed_in.post(url(visit, record, f"/uploads/{sha}?offset=0&size={len(PNG)}"
                                               f"&name={sent}"), data=PNG)
    assert answer.get_json() == {"offset": len(PNG), "done": True}
    attachment = Attachment.query.one()
    assert attachment.filename == kept
    back = signed_in.get(url(visit, record, f"/attachments/{attachment.id}"))
    assert back.status_code == 200 and back.data == PNG
    assert kept in back.headers["Content-Disposition"]
    back.close()


@pytest.mark.parametrize("sent, kind, kept", [
    ("invoice\u202egnp.exe", "image/png", "invoicegnp.exe.png"),  # shown as "invoiceexe.png"
    ("scan\u200b.pdf", "application/pdf", "scan.pdf"),
    ("SCAN.JPEG", "image/jpeg", "SCAN.JPEG"),
    ("scan.jpg", "image/png", "scan.png"),  # named as another photo type: the type it is
    ("Dr. Okafor's letter", "application/pdf", "Dr. Okafor's letter.pdf"),
    ("\u202e\u2066", "image/png", ""),
])
def test_a_name_keeps_no_format_characters_and_an_extension_of_its_type(sent, kind, kept):
    assert attachments.file_name(sent, kind) == kept


EXTENSIONS = {"image/png": (".png",), "image/jpeg": (".jpg", ".jpeg"),
              "application/pdf": (".pdf",)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sent=st.text(st.characters(codec="utf-8") | st.sampled_from(
           "\u202e\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\ufeff.")),
       kind=st.sampled_from(sorted(EXTENSIONS)))
def test_no_name_keeps_a_format_character_or_another_type_s_extension(sent, kind):
    kept = attachments.file_name(sent, kind)
    assert not any(unicodedata.category(c).startswith("C") for c in kept)
    assert len(kept) <= 200
    assert kept == "" or kept.lower().endswith(EXTENSIONS[kind])


def test_a_damaged_upload_is_deleted_not_kept(signed_in, visit, record, files):
    sha = hashlib.sha256(PDF).hexdigest()
    bent = PDF[:-1] + b"?"
    response = send(signed_in, visit, record, sha, 0, bent, len(PDF))
    assert response.status_code == 422
    assert attachments.DAMAGED in response.get_json()["errors"]["file"]
    assert (Attachment.query.count(), stored(files), partials(files)) == (0, [], [])


def test_more_bytes_than_announced_are_refused(signed_in, visit, record, files):
    sha = hashlib.sha256(PDF).hexdigest()
    assert send(signed_in, visit, record, sha, 0, PDF + b"more", len(PDF)).status_code == 422
    assert partials(files) == []


def test_the_same_file_twice_is_stored_once(signed_in, visit, record, owner, files):
    other = case_records.add_item(visit.case, owner, "Letters")
    db.session.commit()
    sha = hashlib.sha256(PDF).hexdigest()
    for item in (record, record, other):
        assert send(signed_in, visit, item, sha, 0, PDF, len(PDF)).status_code == 200
    assert stored(files) == [sha]
    assert Attachment.query.count() == 2  # one row per record, one file on disk


def test_not_a_hash_is_not_found(signed_in, visit, record, files):
    assert signed_in.get(url(visit, record, "/uploads/..%2F..%2Fsecret")).status_code == 404
    assert send(signed_in, visit, record, "ABC", 0, PDF, len(PDF)).status_code == 404


def test_another_household_cannot_upload_or_read(signed_in, visit, record, stranger, files):
    sha = hashlib.sha256(PDF).hexdigest()
    send(signed_in, visit, record, sha, 0, PDF, len(PDF))
    attachment = Attachment.query.one()
    base = f"/cases/{stranger.case_id}/records/{record.id}"
    assert signed_in.get(f"{base}/attachments/{attachment.id}").status_code == 404
    assert signed_in.post(f"{base}/uploads/{sha}?offset=0&size=5", data=b"%PDF-").status_code \
        == 404


def test_removing_the_case_deletes_its_files_from_disk(signed_in, visit, record, files):
    sha = hashlib.sha256(PDF).hexdigest()
    send(signed_in, visit, record, sha, 0, PDF, len(PDF))
    send(signed_in, visit, record, "b" * 64, 0, b"%PDF-", 100)  # one left half-sent
    assert stored(files) == [sha] and partials(files) == [f"{record.id}-{'b' * 64}"]
    assert signed_in.post(f"/cases/{visit.case_id}/delete").status_code == 303
    assert (Attachment.query.count(), stored(files), partials(files)) == (0, [], [])


def test_removing_a_record_says_its_files_go_then_deletes_those_no_one_shares(
        signed_in, visit, record, owner, files):
    other = case_records.add_item(visit.case, owner, "Letters")
    db.session.commit()
    for item in (record, other):
        send(signed_in, visit, item, hashlib.sha256(PDF).hexdigest(), 0, PDF, len(PDF))
    signed_in.post(url(visit, record, "/attachments"),
                   data={"file": (io.BytesIO(PNG), "scan.png")}, content_type="multipart/form-data")
    assert "2 photos or files you attached" in signed_in.get(url(visit, record, "/delete")).text
    assert signed_in.post(url(visit, record, "/delete")).status_code == 303
    assert stored(files) == [hashlib.sha256(PDF).hexdigest()]  # the letters have it too
    assert Attachment.query.count() == 1


def test_a_phone_sends_a_photo_in_pieces_with_its_device_token(app, visit, record, files, owner):
    """The phone's uploader: the same channel, the device's token instead of the cookie."""
    from webapp.services import devices

    _, token = devices.register_device(owner, "Phone")
    db.session.commit()
    phone = app.test_client()
    sha = hashlib.sha256(PNG).hexdigest()
    base = f"/api/v1/records/{record.id}/uploads/{sha}"
    auth = {"Authorization": f"Bearer {token}"}
    assert phone.get(base, headers=auth).get_json() == {"offset": 0}
    first = phone.post(f"{base}?offset=0&size={len(PNG)}&name=scan.png", data=PNG[:4000],
                       headers=auth)
    assert first.get_json() == {"offset": 4000, "done": False}
    again = phone.post(f"{base}?offset=0&size={len(PNG)}&name=scan.png", data=PNG[:4000],
                       headers=auth)  # the answer was lost: told where it stands
    assert (again.status_code, again.get_json()["offset"]) == (409, 4000)
    last = phone.post(f"{base}?offset=4000&size={len(PNG)}&name=scan.png", data=PNG[4000:],
                      headers=auth)
    assert last.get_json() == {"offset": len(PNG), "done": True}
    assert Attachment.query.one().filename == "scan.png" and stored(files) == [sha]
    assert phone.get(base).status_code == 401  # no token: no cookie fallback


def test_a_companion_phone_cannot_send_a_record_photo(app, visit, record, files):
    from webapp.services import accounts, devices

    companion = accounts.invite_companion(visit.case, "Grandma Rosa")
    _, token = devices.register_device(companion, "Rosa's phone")
    db.session.commit()
    sha = hashlib.sha256(PNG).hexdigest()
    answer = app.test_client().post(
        f"/api/v1/records/{record.id}/uploads/{sha}?offset=0&size={len(PNG)}", data=PNG,
        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 404 and Attachment.query.count() == 0
