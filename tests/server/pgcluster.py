"""A throwaway PostgreSQL cluster for the server tests: its own temp folder, free port, unix socket in the
folder, TLS 1.3 only with a test CA, a server certificate and per-user client certificates, pg_hba as in
docs/server.md (hostssl + scram-sha-256 + clientcert=verify-full; everything without TLS rejected).
PostgreSQL refuses to run as root, so under euid 0 the cluster runs as the `postgres` system user."""

from __future__ import annotations

import datetime as dt
import glob
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ADMIN = "postgres"   # the cluster's superuser (initdb -U), reached over the unix socket by peer auth


def find_bindir() -> Path | None:
    """pg_config --bindir, else the newest /usr/lib/postgresql/*/bin with a postgres binary."""
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out:
            candidates.append(Path(out))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]),
                                             reverse=True)]
    for path in candidates:
        if (path / "postgres").exists() and (path / "initdb").exists():
            return path
    return None


def missing_parts(bindir: Path) -> list[str]:
    """What the server migrations need beyond the binaries: plpython3u (Ed25519) and its cryptography."""
    missing = []
    pkglib = bindir.parent / "lib"
    if not (pkglib / "plpython3.so").exists():
        missing.append(f"plpython3u ({pkglib}/plpython3.so; Debian: postgresql-plpython3-{bindir.parent.name})")
    probe = subprocess.run(["python3", "-c", "import cryptography.hazmat.primitives.asymmetric.ed25519"],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        missing.append("the cryptography package for the server's python3 (Debian: python3-cryptography)")
    return missing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@dataclass
class Tls:
    folder: Path
    ca_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    def __post_init__(self) -> None:
        now = dt.datetime.now(dt.UTC)
        self.ca_cert = (x509.CertificateBuilder().subject_name(_name("bk test CA")).issuer_name(_name("bk test CA"))
                        .public_key(self.ca_key.public_key()).serial_number(x509.random_serial_number())
                        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
                        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                        .sign(self.ca_key, hashes.SHA256()))
        self.ca_file = self.folder / "ca.crt"
        self.ca_file.write_bytes(self.ca_cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, cn: str, *, server: bool = False, ca_key: ec.EllipticCurvePrivateKey | None = None,
              ca_cert: x509.Certificate | None = None) -> tuple[Path, Path]:
        """A certificate for `cn` (a username, or the server with SAN 127.0.0.1/localhost) and its key file."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        builder = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name((ca_cert or self.ca_cert).subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2)))
        if server:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        cert = builder.sign(ca_key or self.ca_key, hashes.SHA256())
        crt, pem = self.folder / f"{cn}.crt", self.folder / f"{cn}.key"
        crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
        pem.chmod(0o600)
        return crt, pem


class Cluster:
    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir, self.root = bindir, root
        self.data, self.sock, self.log = root / "data", root / "sock", root / "server.log"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.run_as = "postgres" if self.as_root else pwd.getpwuid(os.geteuid()).pw_name
        (root / "tls").mkdir()
        self.tls = Tls(root / "tls")

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self.as_root else list(args)

    def _run(self, *args: str) -> None:
        done = subprocess.run(self._cmd(*args), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}\n{self._log_tail()}")

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def start(self) -> None:
        self.sock.mkdir()
        server_crt, server_key = self.tls.issue("localhost", server=True)
        if self.as_root:
            pg = pwd.getpwnam("postgres")
            for path in (self.root, self.sock, self.tls.folder, server_crt, server_key, self.tls.ca_file):
                os.chown(path, pg.pw_uid, pg.pw_gid)
            self.root.chmod(0o755)
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", ADMIN, "-E", "UTF8", "--no-locale",
                  "--auth-local=peer", "--auth-host=reject")
        me = pwd.getpwuid(os.geteuid()).pw_name
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"""
listen_addresses = '127.0.0.1'
port = {self.port}
unix_socket_directories = '{self.sock}'
ssl = on
ssl_cert_file = '{server_crt}'
ssl_key_file = '{server_key}'
ssl_ca_file = '{self.tls.ca_file}'
ssl_min_protocol_version = 'TLSv1.3'
password_encryption = 'scram-sha-256'
fsync = off
full_page_writes = off
max_connections = 60
log_connections = on
""")
        # The admin (the test process, root or not) reaches the superuser over the socket only.
        (self.data / "pg_ident.conf").write_text(f"admin {me} {ADMIN}\nadmin {self.run_as} {ADMIN}\n")
        (self.data / "pg_hba.conf").write_text(
            f"local     all  {ADMIN}                  peer map=admin\n"
            "local     all  all                      reject\n"
            "hostssl   bk   +bk_user  127.0.0.1/32   scram-sha-256 clientcert=verify-full\n"
            "hostssl   all  all       127.0.0.1/32   reject\n"
            "hostnossl all  all       0.0.0.0/0      reject\n")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        subprocess.run(self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"),
                       capture_output=True, check=False)

    def admin_dsn(self, dbname: str = "bk") -> str:
        return f"host={self.sock} port={self.port} user={ADMIN} dbname={dbname}"

    def user_dsn(self, user: str, password: str, *, cert_of: str | None = None, sslmode: str = "verify-full",
                 with_cert: bool = True) -> str:
        """TLS connection as `user` presenting `cert_of`'s client certificate (default: the user's own)."""
        parts = [f"host=127.0.0.1 port={self.port} dbname=bk user={user} password={password}",
                 f"sslmode={sslmode}"]
        if sslmode != "disable":
            parts.append(f"sslrootcert={self.tls.ca_file}")
        if with_cert and sslmode != "disable":
            owner = cert_of or user
            parts.append(f"sslcert={self.tls.folder / (owner + '.crt')} sslkey={self.tls.folder / (owner + '.key')}")
        return " ".join(parts)
