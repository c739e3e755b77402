"""TLS for real: a PostgreSQL with ssl=on and a certificate from a CA this test makes (DESIGN §2).

A shared server is reached with `sslmode=verify-full`: the client checks that the certificate chains
to the CA named in the profile and that it names the host the profile names. Proven here against a
real server: the right CA connects; a wrong CA and a wrong host name are refused before any password
is sent, with the sentences `app.db.engine.explain_connection_failure` gives the user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from sqlalchemy import text

from app.config import SERVER, Profile
from app.db.engine import open_server
from app.errors import DatabaseUnavailable
from tests.integration.scratch_cluster import ScratchCluster, openssl_bin_dir

PROBE = "tls_probe"
PROBE_PASSWORD = "tls-probe-password"


@dataclass(frozen=True)
class Authority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    def write(self, path: Path) -> Path:
        path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MedTrace test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_authority(common_name: str) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, cert)


def issue_server_certificate(ca: Authority, host: str) -> tuple[bytes, bytes]:
    """A server certificate for `host` only (DNS name in the subjectAltName); PEM cert and key."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(_name(host)).issuer_name(ca.cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


@dataclass(frozen=True)
class TlsServer:
    cluster: ScratchCluster
    right_ca: Path
    wrong_ca: Path

    def profile(self, *, host: str = "localhost", ca: Path | None = None, sslmode: str = "verify-full") -> Profile:
        return Profile(name="tls", kind=SERVER, host=host, port=self.cluster.port, dbname="postgres",
                       sslmode=sslmode, sslrootcert=str(ca or self.right_ca))


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    bin_dir = openssl_bin_dir()
    if bin_dir is None:  # the Makefile installs Debian's postgresql, which is built with OpenSSL
        pytest.fail("No PostgreSQL server built with OpenSSL on this machine (make setup installs one).")
    root = tmp_path_factory.mktemp("tls")
    ca, stranger = make_authority("MedTrace test CA"), make_authority("Somebody else's CA")
    cluster = ScratchCluster(root / "server", bin_dir)
    cert_pem, key_pem = issue_server_certificate(ca, "localhost")
    # Only TLS with SCRAM from the network; the superuser's local socket is for the set-up below.
    cluster.initdb(conf="ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
                        "password_encryption = 'scram-sha-256'\nssl_min_protocol_version = 'TLSv1.2'",
                   hba="hostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject")
    for name, pem in (("server.crt", cert_pem), ("server.key", key_pem)):
        (cluster.pgdata / name).write_bytes(pem)
        cluster.give(cluster.pgdata / name)
    cluster.start()
    try:
        cluster.psql(f"CREATE ROLE {PROBE} LOGIN PASSWORD '{PROBE_PASSWORD}'")
        yield TlsServer(cluster, ca.write(root / "right-ca.pem"), stranger.write(root / "wrong-ca.pem"))
    finally:
        cluster.stop()


def test_verify_full_connects_over_tls_with_the_right_ca(tls_server: TlsServer) -> None:
    database = open_server(tls_server.profile(), user=PROBE, password=PROBE_PASSWORD)
    try:
        with database.engine.connect() as conn:
            ssl, version = conn.execute(
                text("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).one()
    finally:
        database.close()
    assert ssl is True and version in ("TLSv1.2", "TLSv1.3")


def test_a_server_whose_certificate_comes_from_another_ca_is_refused(tls_server: TlsServer) -> None:
    with pytest.raises(DatabaseUnavailable) as refused:
        open_server(tls_server.profile(ca=tls_server.wrong_ca), user=PROBE, password=PROBE_PASSWORD)
    assert refused.value.message == f"The server at localhost:{tls_server.cluster.port} did not present a " \
                                    "certificate we trust."
    assert "sslrootcert" in (refused.value.hint or "")
    assert PROBE_PASSWORD not in str(refused.value)


def test_a_certificate_issued_for_another_host_name_is_refused(tls_server: TlsServer) -> None:
    # The same server, reached by its address: the certificate names only "localhost".
    with pytest.raises(DatabaseUnavailable) as refused:
        open_server(tls_server.profile(host="127.0.0.1"), user=PROBE, password=PROBE_PASSWORD)
    assert refused.value.message == f"The certificate of 127.0.0.1:{tls_server.cluster.port} was issued for a " \
                                    "different server name."
    assert "exact host name" in (refused.value.hint or "")


def test_refused_connections_never_reached_authentication(tls_server: TlsServer) -> None:
    """The client stops at the certificate: the server never saw a password attempt for these."""
    for profile in (tls_server.profile(ca=tls_server.wrong_ca), tls_server.profile(host="127.0.0.1")):
        with pytest.raises(DatabaseUnavailable):
            open_server(profile, user=PROBE, password=PROBE_PASSWORD)
    log = tls_server.cluster.log()
    assert "password authentication failed" not in log
    assert PROBE_PASSWORD not in log


def test_a_connection_without_tls_is_refused_by_the_server(tls_server: TlsServer) -> None:
    with pytest.raises(DatabaseUnavailable):
        open_server(tls_server.profile(sslmode="disable"), user=PROBE, password=PROBE_PASSWORD)
