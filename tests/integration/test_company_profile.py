"""The company profile: set up and corrected by an administrator with a reason, audited, read by everyone,
and printed on every report header and recall letter."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
from pathlib import Path

import psycopg
import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.errors import ComplianceError, InvalidInput
from app.models.enums import MovementKind, PartyKind
from app.services.audit_queries import history_of
from app.services.company import company_profile, load_company_for_edit, save_company_profile
from app.services.demo_data import COMPANY
from app.services.record_edits import RecordChangedMeanwhile
from app.services.reports import NMPA_COLUMNS, export_report
from tests.conftest import Person, person_uow
from tests.factories import make_lot, make_party, make_product, move

PROFILE = {**COMPANY, "legal_name_zh": "苏州明德医疗器械有限公司（测试）"}
pytestmark = pytest.mark.usefixtures("committed")  # people's own connections commit; removed afterwards


def png(width: int = 120, height: int = 40) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def expiring_stock(session: Session) -> None:
    """Something for the expiry report to list: a lot at our site that expires in 12 days."""
    today = session.execute(text("SELECT current_date")).scalar_one()
    site = make_party(session, PartyKind.MANUFACTURER, name="园区工厂（抬头测试）")
    lot = make_lot(session, make_product(session, name="一次性使用导尿管", name_en="Urinary catheter"),
                   lot_no="HDR-1", production_date=today - dt.timedelta(days=700),
                   expiry_date=today + dt.timedelta(days=12))
    move(session, MovementKind.PRODUCE, lot, 100, dest=site)


@pytest.fixture
def admin(make_person) -> Person:
    return make_person("admin")


@pytest.fixture
def set_up(admin: Person) -> bytes:
    """The profile as an administrator first enters it, with a logo; returns the logo."""
    logo = png()
    save_company_profile(person_uow(admin), changes={**PROFILE, "logo": logo}, reason="首次设置 First set-up",
                         expected=None)
    return logo


@pytest.mark.clause("Annex 11 §9")
@pytest.mark.clause("21 CFR 11.10(e)")
def test_an_administrator_sets_up_the_profile_and_the_trail_keeps_who_why_and_the_logo_digest(
        admin: Person, database: Database, set_up: bytes) -> None:
    profile = company_profile(UnitOfWork.for_engine(database.engine))
    assert profile is not None and profile.name("zh_CN") == PROFILE["legal_name_zh"]
    assert profile.name("en") == COMPANY["legal_name_en"] and profile.logo == set_up
    assert profile.logo_sha256 == hashlib.sha256(set_up).hexdigest()
    created = history_of(UnitOfWork.for_engine(database.engine), "company_profile", 1)[-1]  # earlier tests' too
    assert (created.action, created.actor, created.reason) == ("INSERT", admin.login, "首次设置 First set-up")
    # The bytes stay out of the trail; the digest the database computed stands for them.
    assert "logo" not in created.new and created.new["logo_sha256"] == hashlib.sha256(set_up).hexdigest()


@pytest.mark.clause("Annex 11 §9")
def test_a_correction_is_saved_with_its_reason_and_old_and_new_values(
        admin: Person, database: Database, set_up: bytes) -> None:
    opened = load_company_for_edit(person_uow(admin))
    assert opened is not None and opened.values["licence_no"] == COMPANY["licence_no"]
    result = save_company_profile(person_uow(admin), changes={"licence_no": "苏药监械生产许20150088号（换证）"},
                                  reason="许可证换证 Licence renewed", expected=dict(opened.values))
    assert [(c.field, c.old, c.new) for c in result.changes] == [
        ("licence_no", COMPANY["licence_no"], "苏药监械生产许20150088号（换证）")]
    last = history_of(UnitOfWork.for_engine(database.engine), "company_profile", 1)[-1]
    assert (last.id, last.action, last.actor, last.reason) == (result.audit_entry_id, "UPDATE", admin.login,
                                                               "许可证换证 Licence renewed")
    assert last.changed_fields == ("licence_no",)


def test_a_correction_without_a_reason_is_refused_by_the_service_and_by_the_database(
        admin: Person, set_up: bytes) -> None:
    opened = load_company_for_edit(person_uow(admin))
    assert opened is not None
    with pytest.raises(InvalidInput, match="State why"):
        save_company_profile(person_uow(admin), changes={"address": "别处"}, reason=" ", expected=dict(opened.values))
    with admin.verified_connection() as conn, pytest.raises(psycopg.DatabaseError, match="reason for change"):
        conn.execute("UPDATE company_profile SET address = 'elsewhere'")


@pytest.mark.parametrize("group", ["qa_approver", "regulatory", "warehouse", "auditor"])
@pytest.mark.clause("21 CFR 11.10(d)")
def test_only_an_administrator_may_change_it_and_everyone_signed_in_reads_it(
        make_person, set_up: bytes, group: str) -> None:
    person: Person = make_person(group)
    assert company_profile(person_uow(person)) is not None  # read for every report header
    opened = load_company_for_edit(person_uow(person))
    assert opened is not None
    with pytest.raises(ComplianceError, match="permission"):
        save_company_profile(person_uow(person), changes={"address": "别处"}, reason="试图修改",
                             expected=dict(opened.values))
    with person.verified_connection() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT set_config('medtrace.reason', 'psql', false)")
        conn.execute("UPDATE company_profile SET address = 'elsewhere'")


def test_a_change_saved_by_another_administrator_meanwhile_is_caught_and_nothing_is_saved(
        admin: Person, make_person, database: Database, set_up: bytes) -> None:
    other: Person = make_person("admin")
    opened = load_company_for_edit(person_uow(admin))
    assert opened is not None
    save_company_profile(person_uow(other), changes={"address": "新地址 1号"}, reason="搬迁",
                         expected=dict(opened.values))
    with pytest.raises(RecordChangedMeanwhile, match=f"changed by {other.login}"):
        save_company_profile(person_uow(admin), changes={"address": "新地址 2号"}, reason="搬迁",
                             expected=dict(opened.values))
    # Two administrators who both opened the empty form: the second one's set-up is caught the same way.
    with pytest.raises(RecordChangedMeanwhile, match=f"changed by {other.login}"):
        save_company_profile(person_uow(admin), changes=PROFILE, reason="首次设置", expected=None)
    assert company_profile(UnitOfWork.for_engine(database.engine)).address == "新地址 1号"  # type: ignore[union-attr]


@pytest.mark.parametrize(("logo", "message"), [
    (b"GIF89a" + bytes(40), "not an image that can be read|GIF"),
    (png()[:60], "not an image that can be read"),
    (b"", "empty"),
])
def test_a_logo_that_is_not_a_readable_png_or_jpeg_is_refused_with_a_sentence(
        admin: Person, logo: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        save_company_profile(person_uow(admin), changes={**PROFILE, "logo": logo}, reason="设置", expected=None)


def test_a_logo_over_512_kb_is_refused_and_the_database_refuses_one_that_is_no_image(
        admin: Person, set_up: bytes) -> None:
    noise = png() + bytes(600 * 1024)  # the size is checked before the file is decoded
    with pytest.raises(InvalidInput, match="at most 512 KB"):
        save_company_profile(person_uow(admin), changes={"logo": noise}, reason="新标志", expected={})
    with admin.verified_connection() as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("SELECT set_config('medtrace.reason', 'psql', false)")
        conn.execute("UPDATE company_profile SET logo = 'not a picture'::bytea")


def test_every_report_header_prints_the_legal_names_address_licence_and_registrant(
        set_up: bytes, database: Database, session: Session, uow: UnitOfWork, tmp_path: Path) -> None:
    expiring_stock(session)
    for language, first, second in (("zh_CN", PROFILE["legal_name_zh"], COMPANY["legal_name_en"]),
                                    ("en", COMPANY["legal_name_en"], PROFILE["legal_name_zh"])):
        pdf = export_report(uow, report="expiry", params={"days": 30}, fmt="pdf", out=tmp_path / f"{language}.pdf",
                            language=language)
        printed = pdf_text(pdf.path)
        header = printed[:printed.index("效期报告" if language == "zh_CN" else "Expiry report")]
        assert first in header and second in header, header
        assert COMPANY["licence_no"] in header and COMPANY["address"] in header
        assert "园区工厂（抬头测试）" not in header
    xlsx = export_report(uow, report="expiry", params={"days": 30}, fmt="xlsx", out=tmp_path / "e.xlsx", language="en")
    book = load_workbook(xlsx.path, read_only=True)
    sheet = dict(row[:2] for row in book["Parameters"].iter_rows(values_only=True))
    book.close()
    assert sheet["Company"] == COMPANY["legal_name_en"] and sheet["Manufacturing licence no."] == COMPANY["licence_no"]


def test_without_a_profile_the_header_names_our_site_and_says_the_profile_is_not_set_up(
        session: Session, uow: UnitOfWork, tmp_path: Path) -> None:
    expiring_stock(session)
    printed = pdf_text(export_report(uow, report="expiry", params={"days": 30}, fmt="pdf", out=tmp_path / "e.pdf",
                                     language="en").path)
    header = printed[:printed.index("Expiry report")]
    assert "园区工厂（抬头测试）" in header and "Company profile not set up" in header
    assert session.execute(text("SELECT count(*) FROM company_profile")).scalar() == 0


@pytest.mark.clause("UDI 规则")
def test_the_nmpa_udi_export_names_the_registrant_of_the_profile(
        set_up: bytes, session: Session, uow: UnitOfWork, tmp_path: Path) -> None:

    product = make_product(session)
    path = export_report(uow, report="udi-nmpa", params={"agency": "GS1"}, fmt="xlsx", out=tmp_path / "u.xlsx").path
    book = load_workbook(path, read_only=True)
    rows = list(book["UDID"].iter_rows(values_only=True))
    book.close()
    codes = [code for code, _label in NMPA_COLUMNS]
    mine = next(r for r in rows[1:] if r[0] == product.di)
    assert mine[codes.index("YLQXZCRBARMC")] == COMPANY["registrant"]
    # Here the registrant is not the company itself (PROFILE's legal name differs): no English name is guessed.
    assert mine[codes.index("YLQXZCRBARYWMC")] is None


def test_a_small_file_that_would_decode_to_a_huge_image_is_refused_before_decoding(admin: Person) -> None:
    buffer = io.BytesIO()
    Image.new("1", (5000, 5000)).save(buffer, format="PNG")  # a few KB on disk, 25 M pixels decoded
    with pytest.raises(InvalidInput, match="5000 × 5000 pixels"):
        save_company_profile(person_uow(admin), changes={**PROFILE, "logo": buffer.getvalue()}, reason="设置",
                             expected=None)
