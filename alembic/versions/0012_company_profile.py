"""company profile: the legal entity every report and recall letter is issued by

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

医疗器械生产监督管理办法 (生产许可证), 医疗器械注册与备案管理办法 (注册人/备案人), 医疗器械召回管理办法 (the
recall notice the company sends), 21 CFR 11.10(e), EU GMP Annex 11 §9; DESIGN §3.

Until now a report header printed the name of the first manufacturer party, which is a site, not the
legal entity, and carries neither the manufacturing licence nor the registrant. The profile is one row
(id = 1): legal name in Chinese and English, address, manufacturing licence no. (生产许可证编号),
registrant (注册人/备案人) and an optional logo (PNG or JPEG, at most 512 KB).

- Everyone signed in reads it (it is on every report); only an administrator creates or changes it, and
  a change states its reason (the reason_required trigger of 0003), like any controlled record.
- It is audited like every GMP table, except that the logo's bytes are not copied into the trail (up to
  1 MB of hex per entry, on every later edit of the address too): the trail keeps the logo's SHA-256
  (`logo_sha256`, computed here by the database from the bytes, so no client can state a wrong one).
- The database checks that the logo is a PNG or JPEG by its signature and within the size limit; the
  workstation also decodes it before saving (a clear message instead of a constraint name).
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ("qa_reviewer", "qa_approver", "regulatory", "warehouse", "auditor", "admin")
LOGO_MAX_BYTES = 512 * 1024  # app/services/company.py says the same to the person

TABLES = rf"""
CREATE TABLE company_profile (
    id integer DEFAULT 1 CONSTRAINT pk_company_profile PRIMARY KEY CONSTRAINT ck_company_profile_one_row CHECK (id = 1),
    legal_name_zh varchar(200) DEFAULT '' NOT NULL,
    legal_name_en varchar(200) DEFAULT '' NOT NULL,
    address varchar(300) DEFAULT '' NOT NULL,
    licence_no varchar(100) DEFAULT '' NOT NULL,
    registrant varchar(200) DEFAULT '' NOT NULL,
    logo bytea,
    logo_sha256 varchar(64) DEFAULT '' NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    created_by varchar(63) DEFAULT session_user NOT NULL,
    CONSTRAINT ck_company_profile_legal_name CHECK (btrim(legal_name_zh) <> '' OR btrim(legal_name_en) <> ''),
    CONSTRAINT ck_company_profile_logo CHECK (
        logo IS NULL OR (octet_length(logo) BETWEEN 1 AND {LOGO_MAX_BYTES}
                         AND (substr(logo, 1, 8) = '\x89504e470d0a1a0a'::bytea
                              OR substr(logo, 1, 3) = '\xffd8ff'::bytea)))
);
"""

FUNCTIONS = r"""
-- The logo's digest is the database's own: the audit trail records it in place of the bytes.
CREATE FUNCTION mt_company_logo_digest() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  NEW.logo_sha256 := coalesce(encode(sha256(NEW.logo), 'hex'), '');
  RETURN NEW;
END $$;
"""


def upgrade() -> None:
    op.execute(TABLES)
    op.execute(FUNCTIONS)
    statements = [
        "REVOKE EXECUTE ON FUNCTION mt_company_logo_digest() FROM PUBLIC",
        "GRANT EXECUTE ON FUNCTION mt_company_logo_digest() TO medtrace_person",
        f"GRANT SELECT ON company_profile TO {', '.join(GROUPS)}",
        # Configuration of the workstation's legal identity, not a quality record: the administrator's.
        "GRANT INSERT, UPDATE ON company_profile TO admin",
        "ALTER TABLE company_profile ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE company_profile FORCE ROW LEVEL SECURITY",
        "CREATE POLICY mfa_verified ON company_profile USING ((SELECT mt_session_verified())) "
        "WITH CHECK ((SELECT mt_session_verified()))",
        # A BEFORE trigger: the AFTER audit trigger then records the digest of the stored logo.
        "CREATE TRIGGER logo_digest BEFORE INSERT OR UPDATE ON company_profile "
        "FOR EACH ROW EXECUTE FUNCTION mt_company_logo_digest()",
        "CREATE TRIGGER reason_required BEFORE UPDATE OR DELETE ON company_profile "
        "FOR EACH ROW EXECUTE FUNCTION mt_require_reason()",
        "CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON company_profile "
        "FOR EACH ROW EXECUTE FUNCTION mt_audit_row('logo')",
        "CREATE TRIGGER no_truncate BEFORE TRUNCATE ON company_profile "
        "FOR EACH STATEMENT EXECUTE FUNCTION mt_audit_is_append_only()",
        "CREATE TRIGGER records_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON company_profile "
        "FOR EACH STATEMENT EXECUTE FUNCTION notify_records_changed()",
    ]
    op.execute(";\n".join(statements) + ";")


def downgrade() -> None:
    op.execute("DROP TABLE company_profile")
    op.execute("DROP FUNCTION mt_company_logo_digest()")
