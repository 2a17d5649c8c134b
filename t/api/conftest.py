"""Fixtures for the API tests: a throwaway PostgreSQL cluster and an httpd
running the freshly built module, both on free loopback ports."""

import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
import weakref

import pytest
import requests

REPO = pathlib.Path(__file__).resolve().parents[2]
HTTPD = shutil.which("apache2", path="/usr/sbin:/usr/bin") or "/usr/sbin/apache2"
HTTPD_MODDIR = "/usr/lib/apache2/modules"
# make test-asan points these at a sanitizer build of the module (see sanitizer_env)
MODULE = os.environ.get("TO_MODULE") or str(REPO / "mod_testobserver/.libs/mod_testobserver.so")
SANITIZER_DIR = os.environ.get("TO_SANITIZER_DIR")
TABLES_KEPT = ("application", "alembic_version")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what):
    """Waits until something listens on port, failing if proc exits first."""
    deadline = time.time() + 15
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: " + proc.stderr.read().decode())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start")


def stop_process(proc):
    """Terminates proc (a Popen or None), killing it if it lingers."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_answer(base, proc, what):
    """Waits until httpd answers a request, failing if proc exits first. The
    port opens before the modules' post_config hooks have run (the parent
    listens first), so an open port (wait_port) is not yet a server that is
    up; a stop sent then kills it."""
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: " + proc.stderr.read().decode())
        try:
            requests.get(base + "/health/live", timeout=2, headers={"Connection": "close"})
            return
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer")


def live_children(pid):
    """The pids of pid's children that have not exited, or None when /proc
    does not tell."""
    try:
        kids = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    live = []
    for kid in kids:
        try:
            stat = pathlib.Path(f"/proc/{kid}/stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] != "Z":
            live.append(kid)
    return live


def stop_httpd(proc, timeout=15):
    """Stops httpd: a graceful stop first (SIGWINCH), so that requests in
    flight finish, then SIGTERM once the children are gone. A SIGTERM while
    a worker is busy makes the event MPM's child close that worker's socket
    from its main thread as the worker may be freeing it, a race in httpd
    that AddressSanitizer reports as a read of unmapped memory."""
    if not proc or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGWINCH)
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        live = live_children(proc.pid)
        if live is not None and not live:
            break  # the parent reaps only once a second: no need to wait for it
        time.sleep(0.02)
    stop_process(proc)


def pg_bindir():
    dirs = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return dirs[-1]


def sanitizer_env(port):
    """httpd's environment: as ours, or with TO_ASAN=1 the sanitizer runtime
    preloaded (/usr/sbin/apache2 is not instrumented, the module is) and its
    reports written to TO_SANITIZER_DIR."""
    env = dict(os.environ)
    if os.environ.get("TO_ASAN") != "1":
        return env
    logs = pathlib.Path(SANITIZER_DIR or tempfile.mkdtemp(prefix="to-asan-"))
    logs.mkdir(parents=True, exist_ok=True)
    logs.chmod(0o1777)  # the children run as www-data when we are root
    libasan = os.environ.get("TO_ASAN_LIB") or subprocess.run(
        ["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True).stdout.strip()
    common = f"log_path={logs}/httpd-{port}:print_stacktrace=1"
    # httpd and APR keep their pools until exit: leaks there are not ours
    env["LD_PRELOAD"] = libasan
    env["ASAN_OPTIONS"] = f"{common}:detect_leaks=0:abort_on_error=0:handle_segv=1:allow_user_segv_handler=0"
    # known, reported defects the sanitizers would report on every run
    env["UBSAN_OPTIONS"] = f"{common}:suppressions={REPO / 't/api/sanitizer.supp'}"
    return env


def sanitizer_conf():
    """With TO_ASAN=1, children that switched to www-data stay dumpable, so
    the UBSan runtime, set up lazily in a child, can still read its options
    from /proc/self/environ (httpd calls prctl(PR_SET_DUMPABLE) when a
    CoreDumpDirectory is set)."""
    if os.environ.get("TO_ASAN") != "1" or os.geteuid() != 0:
        return ""
    return f'\nCoreDumpDirectory "{SANITIZER_DIR or tempfile.gettempdir()}"\n'


class Postgres:
    def __init__(self, root, port):
        self.root = root
        self.port = port
        self.bindir = pg_bindir()
        self.env = {"PGHOST": "127.0.0.1", "PGPORT": str(port), "PGUSER": "testobserver"}
        self.main_dsn = self.dsn("testobserver")

    def dsn(self, dbname):
        return f"host=127.0.0.1 port={self.port} dbname={dbname} user=testobserver"

    def psql(self, sql, dbname="testobserver", user="testobserver"):
        out = subprocess.run(
            [str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", user,
             "-d", dbname, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def createdb(self, name):
        self.psql(f'CREATE DATABASE "{name}" OWNER testobserver', dbname="postgres", user="postgres")
        return self.dsn(name)

    def start(self):
        subprocess.run([str(REPO / "scripts/pgctl"), "start", str(self.root), str(self.port)], check=True)

    def stop(self):
        subprocess.run([str(REPO / "scripts/pgctl"), "stop", str(self.root)], check=True)


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def migrate_bin():
    return REPO / "testobserver-migrate"


@pytest.fixture(scope="session")
def admin_bin():
    return REPO / "testobserver-admin"


@pytest.fixture(scope="session")
def pg():
    root = pathlib.Path(tempfile.mkdtemp(prefix="to-pg-"))
    root.chmod(0o755)
    port = free_port()
    env = dict(os.environ, PG_FSYNC="off")
    subprocess.run([str(REPO / "scripts/pgctl"), "init", str(root), str(port)], check=True, env=env)
    db = Postgres(root, port)
    yield db
    db.stop()
    if not os.environ.get("TO_KEEP_TMP"):
        shutil.rmtree(root, ignore_errors=True)


class Client:
    """requests with the server's base URL and, optionally, an API key."""

    def __init__(self, base, key=None):
        self.base = base
        self.session = requests.Session()
        if key:
            self.session.headers["Authorization"] = f"Bearer {key}"

    def close(self):
        self.session.close()

    def request(self, method, path, **kw):
        kw.setdefault("timeout", 30)
        return self.session.request(method, self.base + path, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def options(self, path, **kw):
        return self.request("OPTIONS", path, **kw)


def openapi_line():
    """The contract beside the checkout (../shared/reference), when there is one."""
    doc = REPO.parent / "shared/reference/openapi.json"
    return f'TestObserverOpenAPIFile "{doc}"' if doc.exists() else ""


class Server:
    def __init__(self, pg, root, port, extra=""):
        self.pg = pg
        self.root = root
        self.port = port
        self.extra = extra
        self.base = f"http://127.0.0.1:{port}"
        self.error_log = root / "error.log"
        self.proc = None
        self.openapi = True  # serve the contract beside the checkout, when there
        self.clients = weakref.WeakSet()  # closed before a stop

    def write_conf(self):
        user_lines = "User www-data\nGroup www-data" if os.geteuid() == 0 else ""
        text = (REPO / "conf/httpd.conf.in").read_text()
        values = {
            "RUNDIR": str(self.root), "LOGDIR": str(self.root), "PORT": str(self.port),
            "HTTPD_MODDIR": HTTPD_MODDIR, "MODULE": MODULE,
            "DSN": self.pg.main_dsn, "USER_LINES": user_lines, "EXTRA": self.extra + sanitizer_conf(),
            "REPO": str(REPO), "OPENAPI_LINE": openapi_line() if self.openapi else "",
        }
        for k, v in values.items():
            text = text.replace(f"@{k}@", v)
        conf = self.root / "httpd.conf"
        conf.write_text(text)
        return conf

    def start(self):
        conf = self.write_conf()
        self.proc = subprocess.Popen([HTTPD, "-f", str(conf), "-DFOREGROUND"], env=sanitizer_env(self.port),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_answer(self.base, self.proc, "httpd")

    def stop(self):
        # idle keep-alive connections would hold a graceful stop in lingering close
        for c in list(self.clients):
            c.close()
        stop_httpd(self.proc)
        if SANITIZER_DIR and CRASH.search(self.log_text()):
            # kept for make test-asan, which fails on any file there
            shutil.copy(self.error_log, pathlib.Path(SANITIZER_DIR) / f"error-{self.port}.log")

    def log_text(self):
        return self.error_log.read_text(errors="replace") if self.error_log.exists() else ""

    def client(self, key=None):
        c = Client(self.base, key)
        self.clients.add(c)
        return c

    def add_application(self, permissions, name=None):
        """Creates an application holding permissions; returns its key."""
        name = name or f"app_{uuid.uuid4().hex[:12]}"
        perms = ",".join(permissions) if permissions else ""
        out = subprocess.run([str(REPO / "testobserver-admin"), "--dsn", self.pg.main_dsn,
                              "add-application", name, perms or "all"],
                             check=True, capture_output=True, text=True)
        key = out.stdout.strip()
        if not permissions:
            self.pg.psql(f"UPDATE application SET permissions = '{{}}' WHERE name = '{name}'")
        return key


def start_server(pg, extra="", openapi=True):
    root = pathlib.Path(tempfile.mkdtemp(prefix="to-httpd-"))
    root.chmod(0o755)
    server = Server(pg, root, free_port(), extra)
    server.openapi = openapi
    server.start()
    return server


@pytest.fixture(scope="session")
def migrated(pg, migrate_bin):
    subprocess.run([str(migrate_bin), "--dsn", pg.main_dsn, "--dir", str(REPO / "sql"), "upgrade"],
                   check=True, capture_output=True)
    return pg


# Session cookies of the test servers: signed with this key, sent over http.
SESSION_SECRET = "test-session-secret-not-for-production"
SESSION_CONF = f'TestObserverSessionSecret "{SESSION_SECRET}"\nTestObserverSessionSecure Off\n'


def session_cookie(session_id, secret=SESSION_SECRET, timestamp=None):
    """The cookie upstream's web framework would set for a user_session row
    (Starlette's SessionMiddleware signs with itsdangerous)."""
    import base64
    import itsdangerous

    class Signer(itsdangerous.TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) if timestamp is None else timestamp

    payload = base64.b64encode(('{"id": %d}' % session_id).encode())
    return Signer(secret).sign(payload).decode()


def sign_in(pg, email, name=None, teams=(), is_admin=False, expires="now() + interval '14 days'"):
    """A user (created when new) with a live session, member of the named
    teams (created when new, with the permissions given as {name: [perms]}
    or no permissions); returns (user_id, session_id, cookie)."""
    team_perms = teams if isinstance(teams, dict) else {t: [] for t in teams}
    user_id = int(pg.psql(
        "INSERT INTO app_user (email, name, is_admin, created_at, updated_at)"
        f" VALUES ('{email}', '{name or email}', {str(is_admin).lower()}, now(), now())"
        " ON CONFLICT (email) DO UPDATE SET is_admin = EXCLUDED.is_admin RETURNING id"))
    for team, perms in team_perms.items():
        arr = "'{" + ",".join(perms) + "}'::permission[]"
        team_id = int(pg.psql(
            "INSERT INTO team (name, permissions, created_at, updated_at)"
            f" VALUES ('{team}', {arr}, now(), now()) ON CONFLICT (name) DO UPDATE"
            " SET permissions = EXCLUDED.permissions RETURNING id"))
        pg.psql(f"INSERT INTO team_users_association (user_id, team_id) VALUES ({user_id}, {team_id})"
                " ON CONFLICT DO NOTHING")
    session_id = int(pg.psql(
        "INSERT INTO user_session (user_id, expires_at, created_at, updated_at)"
        f" VALUES ({user_id}, {expires}, now(), now()) RETURNING id"))
    return user_id, session_id, session_cookie(session_id)


@pytest.fixture(scope="session")
def server(migrated):
    srv = start_server(migrated, SESSION_CONF)
    srv.admin_key = srv.add_application(None, name="test_admin")
    migrated.psql("UPDATE application SET permissions = enum_range(NULL::permission) WHERE name = 'test_admin'")
    migrated.admin_key = srv.admin_key
    yield srv
    srv.stop()
    if not os.environ.get("TO_KEEP_TMP"):
        shutil.rmtree(srv.root, ignore_errors=True)


CRASH = re.compile(r"exit signal|Segmentation fault|AddressSanitizer|runtime error:|\[core:(crit|emerg)\]")


@pytest.fixture(autouse=True)
def clean_database(request):
    """Empties every table but the applications before each API test, and
    fails the test when httpd logged a crash meanwhile."""
    if "server" not in request.fixturenames and "migrated" not in request.fixturenames:
        yield
        return
    pg = request.getfixturevalue("migrated")
    if not hasattr(pg, "tables"):
        pg.tables = pg.psql("SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables"
                            f" WHERE schemaname = 'public' AND tablename NOT IN {TABLES_KEPT!r}")
    # the admin application is put back as it was, whatever a test did to it
    admin = getattr(pg, "admin_key", None)
    restore = ("" if not admin else
               "INSERT INTO application (name, permissions, api_key, created_at, updated_at)"
               f" VALUES ('test_admin', enum_range(NULL::permission), '{admin}', now(), now())"
               " ON CONFLICT (name) DO UPDATE SET api_key = EXCLUDED.api_key,"
               " permissions = EXCLUDED.permissions;")
    pg.psql(f"TRUNCATE {pg.tables} RESTART IDENTITY CASCADE;"
            f" DELETE FROM application WHERE name <> 'test_admin'; {restore}")
    srv = request.getfixturevalue("server") if "server" in request.fixturenames else None
    before = len(srv.log_text()) if srv else 0
    yield
    if srv:
        new = srv.log_text()[before:]
        crashes = [line for line in new.splitlines() if CRASH.search(line)]
        assert not crashes, "httpd logged a crash:\n" + "\n".join(crashes)


@pytest.fixture
def api(server):
    """A client holding every permission."""
    return server.client(server.admin_key)


@pytest.fixture
def anon(server):
    """A client without credentials."""
    return server.client()


@pytest.fixture
def user_client(server):
    """Factory: a client signed in as a user (see sign_in), sending the
    session cookie and X-CSRF-Token as the front-end does."""
    def make(email="user@example.com", **kw):
        user_id, session_id, cookie = sign_in(server.pg, email, **kw)
        c = server.client()
        c.session.cookies.set("session", cookie)
        c.session.headers["X-CSRF-Token"] = "1"
        c.user_id, c.session_id = user_id, session_id
        return c
    return make


@pytest.fixture
def client_with(server):
    """Factory: a client whose application holds exactly the given permissions."""
    def make(*permissions):
        return server.client(server.add_application(list(permissions)))
    return make
