"""Real directory servers for the sign-in tests: Debian's OpenLDAP (slapd) and the oidc-provider npm package.

Each server is started on a free loopback port with its own temporary configuration and stopped
at the end of the test session; nothing of the machine's own slapd configuration is used.
"""

import datetime
import json
import math
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine

ROOT = Path(__file__).resolve().parents[1]
SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
LDAP_SUFFIX = "dc=ville,dc=test"
LDAP_ROOT_DN = f"cn=admin,{LDAP_SUFFIX}"
LDAP_ROOT_PASSWORD = "racine-annuaire-test"
LDAP_BIND_DN = f"cn=mdo-pilotage,ou=services,{LDAP_SUFFIX}"
LDAP_BIND_PASSWORD = "compte-de-service-test"
AGENT_PASSWORD = "Annuaire-Ville-2026"
LDIF = Path(__file__).resolve().parent / "directory" / "agents.ldif"
OIDC_CONFIG = Path(__file__).resolve().parent / "directory" / "oidc_provider.mjs"


def clock_offset_seconds() -> float:
    """How far the tests' clock (``MDO_TEST_NOW``, time-machine) is from the machine's real clock.

    Read through time-machine's escape hatch, not from a `date` subprocess: the subprocess's return
    time on a loaded machine put the provider up to a tenth of a second ahead, and a token issued in
    the last tenth of a second was "not yet valid (iat)" for the app."""
    if not time_machine.escape_hatch.is_travelling():
        return 0.0
    return time.time() - time_machine.escape_hatch.time.time()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} s'est arrêté au démarrage (code {process.returncode}).")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} n'écoute pas sur le port {port} après {timeout} s.")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def make_tls_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, which the tests trust as their CA."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    # A fixed, wide validity: slapd and libldap check it with the machine's real clock, whatever
    # moment the tests' clock reads.
    not_before, not_after = (
        datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2099, 12, 31, tzinfo=datetime.UTC),
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


@dataclass
class LdapServer:
    uri: str
    ldaps_uri: str
    ca_file: Path

    def modify(self, ldif: str) -> None:
        """Change the directory as its administrators would (ldapmodify over StartTLS)."""
        env = {**os.environ, "LDAPTLS_CACERT": str(self.ca_file)}
        subprocess.run(
            ["ldapmodify", "-x", "-ZZ", "-H", self.uri, "-D", LDAP_ROOT_DN, "-w", LDAP_ROOT_PASSWORD],
            input=ldif.encode(),
            check=True,
            capture_output=True,
            env=env,
        )

    def env(self, **overrides) -> dict[str, str]:
        """The environment variables an operator would set for this directory."""
        values = {
            "LDAP_SERVER_URI": self.uri,
            "LDAP_START_TLS": "1",
            "LDAP_CA_CERT_FILE": str(self.ca_file),
            "LDAP_BIND_DN": LDAP_BIND_DN,
            "LDAP_BIND_PASSWORD": LDAP_BIND_PASSWORD,
            "LDAP_USER_SEARCH_BASE": f"ou=people,{LDAP_SUFFIX}",
            "LDAP_USER_FILTER": "(uid=%(user)s)",
            "LDAP_GROUP_SEARCH_BASE": f"ou=groups,{LDAP_SUFFIX}",
            "LDAP_GROUP_TYPE": "nestedGroupOfNames",
        }
        values.update(overrides)
        return values


SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile {tmp}/slapd.pid
argsfile {tmp}/slapd.args
TLSCACertificateFile {cert}
TLSCertificateFile {cert}
TLSCertificateKeyFile {key}
database mdb
suffix "{suffix}"
rootdn "{rootdn}"
rootpw {rootpw}
directory {tmp}/data
maxsize 10485760
access to attrs=userPassword by self write by anonymous auth by * none
access to * by dn.exact="{binddn}" read by self read by * none
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{suffix}"
"""


@pytest.fixture(scope="session")
def ldap_server(tmp_path_factory):
    """OpenLDAP with the agents of agents.ldif, on free loopback ports (StartTLS and LDAPS)."""
    if not Path(SLAPD).exists():
        pytest.fail("slapd introuvable : lancez `make system-deps` (paquets slapd et ldap-utils).")
    tmp = tmp_path_factory.mktemp("slapd")
    (tmp / "data").mkdir()
    cert, key = make_tls_certificate(tmp)
    conf = tmp / "slapd.conf"
    conf.write_text(
        SLAPD_CONF.format(
            tmp=tmp,
            cert=cert,
            key=key,
            suffix=LDAP_SUFFIX,
            rootdn=LDAP_ROOT_DN,
            rootpw=LDAP_ROOT_PASSWORD,
            binddn=LDAP_BIND_DN,
        )
    )
    ldif = (
        LDIF.read_text(encoding="utf-8")
        .replace("@AGENT_PASSWORD@", AGENT_PASSWORD)
        .replace("@BIND_PASSWORD@", LDAP_BIND_PASSWORD)
    )
    (tmp / "agents.ldif").write_text(ldif, encoding="utf-8")
    subprocess.run([SLAPADD, "-f", str(conf), "-l", str(tmp / "agents.ldif")], check=True, capture_output=True)
    port, tls_port = free_port(), free_port()
    uri, ldaps_uri = f"ldap://127.0.0.1:{port}", f"ldaps://127.0.0.1:{tls_port}"
    process = subprocess.Popen(
        [SLAPD, "-f", str(conf), "-h", f"{uri}/ {ldaps_uri}/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process, "slapd")
        _wait_for_port(tls_port, process, "slapd")
        yield LdapServer(uri=uri, ldaps_uri=ldaps_uri, ca_file=cert)
    finally:
        _stop(process)


@dataclass
class OidcProvider:
    issuer: str
    client_id: str
    client_secret: str

    def env(self) -> dict[str, str]:
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": self.client_id, "OIDC_CLIENT_SECRET": self.client_secret}


@pytest.fixture(scope="session")
def oidc_provider_factory(tmp_path_factory):
    """Starts the oidc-provider npm package for a given redirect URI (the live server's), once per URI."""
    node_module = ROOT / "node_modules" / "oidc-provider"
    if not node_module.exists():
        pytest.fail("oidc-provider introuvable : lancez `npm ci` (ou `make test`).")
    started: dict[str, tuple[OidcProvider, subprocess.Popen]] = {}

    def start(app_url: str) -> OidcProvider:
        """A provider whose client redirects to ``app_url`` (the test client's or the live server's)."""
        if app_url in started:
            return started[app_url][0]
        port = free_port()
        provider = OidcProvider(
            issuer=f"http://127.0.0.1:{port}", client_id="mdo-pilotage", client_secret="secret-du-client-oidc-de-test"
        )
        accounts = tmp_path_factory.mktemp("oidc") / "accounts.json"
        accounts.write_text(
            json.dumps({login: {**claims, "password": AGENT_PASSWORD} for login, claims in OIDC_ACCOUNTS.items()}),
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "OIDC_PORT": str(port),
            "OIDC_ISSUER": provider.issuer,
            "OIDC_CLIENT_ID": provider.client_id,
            "OIDC_CLIENT_SECRET": provider.client_secret,
            "OIDC_APP_URLS": app_url.rstrip("/"),
            "OIDC_ACCOUNTS": str(accounts),
            "NODE_PATH": str(ROOT / "node_modules"),
            # Rounded down: a provider a little behind issues tokens a little older, never not yet valid.
            "OIDC_CLOCK_OFFSET_MS": str(math.floor(clock_offset_seconds() * 1000)),
        }
        process = subprocess.Popen(
            ["node", str(OIDC_CONFIG)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _wait_for_port(port, process, "oidc-provider")
        started[app_url] = (provider, process)
        return provider

    yield start
    for _, process in started.values():
        _stop(process)


#: The provider's accounts, by login: their claims; ``disabled`` ones are refused by the provider.
OIDC_ACCOUNTS = {
    "camille.girard": {
        "given_name": "Camille",
        "family_name": "Girard",
        "email": "camille.girard@ville.test",
        "groups": ["APP-MDO-Chargés"],
        "department": "MDO",
    },
    "julien.moreau": {
        "given_name": "Julien",
        "family_name": "Moreau",
        "email": "julien.moreau@ville.test",
        "groups": ["APP-MDO-Mairies"],
        "department": "MAIRIE-3",
    },
    "thomas.petit": {
        "given_name": "Thomas",
        "family_name": "Petit",
        "email": "thomas.petit@ville.test",
        "groups": ["APP-MDO-Directions", "APP-MDO-EspacesVerts"],
        "department": "DEV",
    },
    "paul.sansrole": {
        "given_name": "Paul",
        "family_name": "Durand",
        "email": "paul.durand@ville.test",
        "groups": ["Tous-les-agents"],
        "department": "RH",
    },
    "nadia.desactivee": {
        "given_name": "Nadia",
        "family_name": "Benali",
        "email": "nadia.benali@ville.test",
        "groups": ["APP-MDO-Chargés"],
        "department": "MDO",
        "disabled": True,
    },
}


@pytest.fixture
def directory_mapping(db):
    """The administrator's mapping for the test directory (both the LDAP and the OIDC attribute names)."""
    from mdo.enums import DirectorySource, Role
    from mdo.models import DirectoryRule
    from tests.factories import directorate, mdo_organisation, town_hall

    mdo, dev = mdo_organisation(), directorate("Direction des Espaces verts")
    rules = [
        (DirectorySource.GROUP, "", "APP-MDO-Chargés", Role.MDO_OFFICER, mdo),
        (DirectorySource.GROUP, "", "APP-MDO-Mairies", Role.TOWN_HALL_AGENT, None),
        (DirectorySource.GROUP, "", "cn=APP-MDO-Directions,ou=groups,dc=ville,dc=test", Role.DIRECTORATE_AGENT, None),
        (DirectorySource.GROUP, "", "APP-MDO-Directions", Role.DIRECTORATE_AGENT, None),
        (DirectorySource.GROUP, "", "APP-MDO-EspacesVerts", "", dev),
    ]
    for district in (3, 5):
        for attribute in ("departmentNumber", "department"):
            rules.append((DirectorySource.ATTRIBUTE, attribute, f"MAIRIE-{district}", "", town_hall(district)))
    for source, attribute, value, role, organisation in rules:
        DirectoryRule.objects.create(
            source=source, attribute=attribute, value=value, role=role, organisation=organisation
        )
    return {"mdo": mdo, "dev": dev, "town_hall_3": town_hall(3), "town_hall_5": town_hall(5)}


def use_ldap(settings, server: LdapServer, **overrides) -> None:
    """Point the settings at ``server`` exactly as the environment variables of the README would."""
    from mdo.ldap_settings import ldap_settings_from_env

    env = server.env(**overrides)
    settings.AUTH_LDAP_SERVER_URI = env["LDAP_SERVER_URI"]
    settings.AUTH_LDAP_START_TLS = env["LDAP_START_TLS"] == "1"
    settings.AUTH_LDAP_BIND_DN = env["LDAP_BIND_DN"]
    settings.AUTH_LDAP_BIND_PASSWORD = env["LDAP_BIND_PASSWORD"]
    for name, value in ldap_settings_from_env(env).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "mdo.directory.CityLDAPBackend"]


def use_oidc(settings, provider: OidcProvider) -> None:
    """Point the settings at ``provider``: issuer, client id and secret; endpoints from discovery."""
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "mdo.directory.CityOIDCBackend"]
