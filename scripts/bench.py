#!/usr/bin/python3
"""bench.py: load tests of mod_testobserver against reference points.

    scripts/bench.py [--size small|medium|large] [--duration S] [--ref-duration S]

Starts a private PostgreSQL (scripts/pgctl, under var/bench/SIZE, ports of its
own) and httpd with conf/httpd.conf.in as production runs it (event MPM, a
dbd pool per child, logs on), plus a location serving static files; seeds it
with scripts/seed.py, then drives each scenario with wrk (t/bench/*.lua) for
--duration seconds, sampling the RSS of httpd's children meanwhile. Each
scenario is measured against two references run just after it:

  static   httpd serving a file of the same size as the scenario's response
           (same connections, same duration);
  pgbench  the SQL the endpoint ran for one request (captured from
           PostgreSQL's log), with the same concurrency (-M prepared; a
           statement composed per request is planned every time).

Then the ingestion ceiling (psql inserting the batches of 100 and of 10,000
results, each given as one jsonb parameter) and memory flatness (100,000 mixed requests; RSS of the
children before and after). EXPLAIN ANALYZE of every statement captured goes
to var/bench/SIZE/explain/. The table is written to --out (t/bench/results.md).
"""

import argparse
import datetime
import http.client
import json
import os
import pathlib
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
LUA_DIR = REPO / "t" / "bench"
HTTPD = shutil.which("apache2", path="/usr/sbin:/usr/bin") or "/usr/sbin/apache2"
HTTPD_MODDIR = "/usr/lib/apache2/modules"
WRK_THREADS = 2
# requests of the memory-flatness mix run before its measured ones
WARM_UP = 25000
BENCH_CASES = 10000  # test case names the ingestion scenarios post
TOKEN_BASE = 900000000  # N of start-test scenarios: unique, nine digits


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bindir():
    dirs = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return dirs[-1]


def session_options():
    """PGOPTIONS giving pgbench and EXPLAIN the session settings the module's
    connections get from the configuration's DBDInitSQL lines (jit off,
    custom plans): without them the references ran with JIT compiling the
    large statements, which the module never does."""
    text = (REPO / "conf/httpd.conf.in").read_text()
    pairs = re.findall(r'^\s*DBDInitSQL\s+"SET\s+(\w+)\s*=\s*([\w.]+)"', text, re.M)
    return " ".join(f"-c {k}={v}" for k, v in pairs)


def pg_env():
    opts = session_options()
    return dict(os.environ, PGOPTIONS=opts) if opts else None


def quote(s):
    return "'" + s.replace("'", "''") + "'"


# ---------------------------------------------------------------- PostgreSQL

class Pg:
    def __init__(self, root, port):
        self.root = root
        self.port = port
        self.bindir = pg_bindir()
        self.dsn = f"host=127.0.0.1 port={port} dbname=testobserver user=testobserver"
        self.log = root / "postgresql.log"

    def pgctl(self, *args, env=None):
        subprocess.run([str(REPO / "scripts/pgctl"), *args], check=True,
                       env=dict(os.environ, **(env or {})))

    def init(self, settings, fsync):
        self.pgctl("init", str(self.root), str(self.port), env={"PG_FSYNC": fsync})
        for k, v in settings.items():
            self.psql(f"ALTER SYSTEM SET {k} = {quote(str(v))}", user="postgres")
        self.pgctl("stop", str(self.root))
        self.pgctl("start", str(self.root), str(self.port), env={"PG_FSYNC": fsync})

    def stop(self):
        self.pgctl("stop", str(self.root))

    def psql(self, sql, user="testobserver", db="testobserver", check=True):
        out = subprocess.run([str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port),
                              "-U", user, "-d", db, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             check=False, capture_output=True, text=True)
        if check and out.returncode:
            raise RuntimeError(f"psql: {out.stderr.strip()}\n{sql[:500]}")
        return out.stdout.strip()

    def rows(self, sql):
        out = self.psql(sql)
        return [line.split("|") for line in out.splitlines()] if out else []

    def reload(self, **settings):
        for k, v in settings.items():
            if v is None:
                self.psql(f"ALTER SYSTEM RESET {k}", user="postgres")
            else:
                self.psql(f"ALTER SYSTEM SET {k} = {quote(str(v))}", user="postgres")
        self.psql("SELECT pg_reload_conf()", user="postgres")
        time.sleep(0.3)


# ---------------------------------------------------------------- httpd

STATIC_CONF = """
# bench: a reference location serving files from disk
Alias "/bench-static" "{static}"
<Directory "{static}">
    Require all granted
</Directory>
<Location "/bench-static">
    SetHandler none
</Location>
"""


class Httpd:
    def __init__(self, root, port, dsn):
        self.root = root
        self.port = port
        self.dsn = dsn
        self.static = root / "static"
        self.proc = None
        self.access_log = root / "access.log"
        self.error_log = root / "error.log"

    def start(self):
        self.static.mkdir(parents=True, exist_ok=True)
        user_lines = "User www-data\nGroup www-data" if os.geteuid() == 0 else ""
        values = {"RUNDIR": str(self.root), "LOGDIR": str(self.root), "PORT": str(self.port),
                  "HTTPD_MODDIR": HTTPD_MODDIR,
                  "MODULE": str(REPO / "mod_testobserver/.libs/mod_testobserver.so"),
                  "DSN": self.dsn, "USER_LINES": user_lines, "REPO": str(REPO), "OPENAPI_LINE": "",
                  "EXTRA": STATIC_CONF.format(moddir=HTTPD_MODDIR, static=self.static)}
        text = (REPO / "conf/httpd.conf.in").read_text()
        for k, v in values.items():
            text = text.replace(f"@{k}@", v)
        conf = self.root / "httpd.conf"
        conf.write_text(text)
        self.proc = subprocess.Popen([HTTPD, "-f", str(conf), "-DFOREGROUND"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("httpd exited: " + self.proc.stderr.read().decode())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("httpd did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def children(self):
        out = []
        for d in pathlib.Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            if ppid == self.proc.pid:
                out.append(int(d.name))
        return sorted(out)

    @staticmethod
    def rss_kib(pid):
        try:
            for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return None

    def rss(self):
        return {pid: r for pid in self.children() if (r := self.rss_kib(pid)) is not None}


class RssSampler(threading.Thread):
    """Peak RSS of httpd's children (each, and their sum) while running."""

    def __init__(self, httpd, period=0.1):
        super().__init__(daemon=True)
        self.httpd = httpd
        self.period = period
        self.stop_event = threading.Event()
        self.peak_child = 0
        self.peak_total = 0
        self.children = 0

    def run(self):
        while not self.stop_event.is_set():
            snap = self.httpd.rss()
            if snap:
                self.peak_child = max(self.peak_child, max(snap.values()))
                self.peak_total = max(self.peak_total, sum(snap.values()))
                self.children = max(self.children, len(snap))
            self.stop_event.wait(self.period)

    def finish(self):
        self.stop_event.set()
        self.join()
        return {"peak_child_kib": self.peak_child, "peak_total_kib": self.peak_total,
                "children": self.children}


# ---------------------------------------------------------------- HTTP client

class Client:
    def __init__(self, port, key):
        self.port = port
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            data = body if body is None or isinstance(body, (str, bytes)) else json.dumps(body)
            conn.request(method, path, body=data, headers=self.headers)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def ok(self, method, path, body=None):
        status, payload = self.call(method, path, body)
        if status != 200:
            raise RuntimeError(f"{method} {path}: {status} {payload[:300]!r}")
        return json.loads(payload) if payload else None


# ---------------------------------------------------------------- SQL capture

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] ([A-Z]+):  (.*)$")
EXECUTE = re.compile(r"^duration: ([\d.]+) ms  execute (\S+): (.*)$", re.S)
SIMPLE = re.compile(r"^duration: ([\d.]+) ms  statement: (.*)$", re.S)
PREPARE = re.compile(r"^PREPARE (\S+)(?: \(([^)]*)\))? AS (.*)$", re.S)
PARAM = re.compile(r"\$(\d+) = ")


def parse_params(text):
    """"$1 = 'a''b', $2 = NULL" -> ["a'b", None]"""
    out = []
    i, n = 0, len(text)
    while i < n:
        m = PARAM.match(text, i)
        if not m:
            raise ValueError(f"parameters: cannot read {text[i:i + 60]!r}")
        i = m.end()
        if text.startswith("NULL", i):
            out.append(None)
            i += 4
        else:
            i += 1  # the opening quote
            buf = []
            while True:
                j = text.index("'", i)
                buf.append(text[i:j])
                if j + 1 < n and text[j + 1] == "'":
                    buf.append("'")
                    i = j + 2
                    continue
                i = j + 1
                break
            out.append("".join(buf))
        if text.startswith(", ", i):
            i += 2
    return out


class Statement:
    def __init__(self, label, types, sql, params, ms):
        self.label = label  # None: a simple statement (BEGIN, COMMIT)
        self.types = types
        self.sql = sql
        self.params = params
        self.ms = ms


def read_log_records(path, offset):
    with open(path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", errors="replace")
    records = []
    for line in text.split("\n"):
        m = LOG_LINE.match(line)
        if m:
            records.append([int(m.group(1)), m.group(2), m.group(3)])
        elif records:
            records[-1][2] += "\n" + line
    return records


def statements_of(records):
    """The statements a request ran, in order: executions of prepared
    statements (with their parameters) and simple ones (BEGIN, COMMIT)."""
    out = []
    pending = None
    for _pid, level, msg in records:
        if level == "DETAIL" and pending is not None:
            if msg.startswith("parameters: "):
                pending.params = parse_params(msg[len("parameters: "):].rstrip("\n"))
            pending = None
            continue
        pending = None
        if level != "LOG":
            continue
        m = EXECUTE.match(msg)
        if m:
            p = PREPARE.match(m.group(3).strip())
            if p:
                types = [t.strip() for t in (p.group(2) or "").split(",") if t.strip()]
                st = Statement(m.group(2), types, p.group(3).strip(), [], float(m.group(1)))
            elif m.group(2) == "<unnamed>":
                # composed at request time and sent unprepared (the
                # searches): every value carries its cast in the text
                st = Statement(m.group(2), [], m.group(3).strip(), [], float(m.group(1)))
            else:
                continue
            out.append(st)
            pending = st
            continue
        m = SIMPLE.match(msg)
        if m and not m.group(2).lstrip().upper().startswith(("PREPARE", "SELECT PG_RELOAD_CONF",
                                                              "ALTER SYSTEM")):
            out.append(Statement(None, [], m.group(2).strip(), [], float(m.group(1))))
    return out


class Capture:
    """Statement logging, switched on around one request."""

    def __init__(self, pg):
        self.pg = pg

    def grab(self, fn):
        self.pg.reload(log_min_duration_statement=0, log_parameter_max_length=-1)
        try:
            offset = self.pg.log.stat().st_size
            result = fn()
            time.sleep(0.3)
        finally:
            self.pg.reload(log_min_duration_statement=None, log_parameter_max_length=None)
        return result, statements_of(read_log_records(self.pg.log, offset))


# ---------------------------------------------------------------- pgbench scripts

def unpin_colons(sql):
    """pgbench reads ':name' as a variable even inside a string literal
    ('HH24:MI:SS'): such literals are split around the colon, which the
    planner folds back into one constant."""
    out = []
    i, n = 0, len(sql)
    while i < n:
        if sql[i] != "'":
            j = sql.find("'", i)
            j = n if j < 0 else j
            out.append(sql[i:j])
            i = j
            continue
        j = i + 1
        buf = []
        while True:
            k = sql.index("'", j)
            buf.append(sql[j:k])
            if k + 1 < n and sql[k + 1] == "'":
                buf.append("'")
                j = k + 2
                continue
            i = k + 1
            break
        content = "".join(buf)
        pieces = [p for p in re.split(r"(:)(?=[A-Za-z0-9_])", content) if p]
        if len(pieces) <= 1:
            out.append(quote(content))
        else:
            out.append("(" + " || ".join(quote(p) for p in pieces) + ")")
    return "".join(out)


def literal(value, typ):
    """A value as SQL text: typed, or (typ None: a composed statement, whose
    text casts each value itself) an untyped literal, which PostgreSQL folds
    into the cast as a parameter would be, where varchar::type would stay a
    run-time conversion the planner cannot see through."""
    if typ is None:
        return "NULL" if value is None else unpin_colons(quote(value))
    return f"(NULL::{typ})" if value is None else f"({unpin_colons(quote(value))}::{typ})"


def bind(st, param):
    """st's SQL with each $n replaced by param(n, type, value)."""
    def sub(m):
        i = int(m.group(1))
        typ = (st.types[i - 1] if i - 1 < len(st.types)
               else None if st.label == "<unnamed>" else "varchar")
        v = st.params[i - 1] if i - 1 < len(st.params) else None
        return param(i, typ, v)
    return re.sub(r"\$(\d+)", sub, unpin_colons(st.sql))


def pgbench_script(stmts, label_params=None, gset=None, token=None, token_expr=None, head=""):
    """The statements as a pgbench script: parameters become literals, but
    those mapped by (label, index) take the given expression, a value holding
    the token has it replaced by token_expr, and labelled statements
    returning an id store it (\\gset). Returns (script, labels of
    label_params not found, pgbench protocol).

    When the request ran a statement composed at request time (label
    <unnamed>: the module sends it unprepared and PostgreSQL plans it every
    time), the script runs in simple protocol: each client prepares the
    labelled statements once (as the module's connections do) and EXECUTEs
    them, while the composed one is planned anew every time, as for the
    module. Otherwise, -M prepared with every statement a prepared literal."""
    label_params = label_params or {}
    gset = gset or {}
    composed = any(st.label == "<unnamed>" for st in stmts)
    lines = [head] if head else []
    setup = []
    used = set()
    prepared = set()
    for st in stmts:
        if st.label is None:
            lines.append(st.sql.rstrip(";") + ";")
            continue

        def param(i, typ, v, st=st):
            if (st.label, i) in label_params:
                used.add((st.label, i))
                return "(" + label_params[(st.label, i)] + ")"
            if token and v == token:
                return f"({token_expr})"
            if token and v is not None and token in v:
                expr = f" || {token_expr} || ".join(unpin_colons(quote(p)) for p in v.split(token))
                return f"(({expr})::{typ})" if typ else f"({expr})"
            return literal(v, typ)

        if composed and st.label != "<unnamed>":
            if st.label not in prepared:
                prepared.add(st.label)
                types = f" ({', '.join(st.types)})" if st.types else ""
                setup.append(f"PREPARE {st.label}{types} AS {unpin_colons(st.sql).rstrip(';')};")
            args = ", ".join(param(i + 1, st.types[i] if i < len(st.types) else "varchar",
                                   st.params[i] if i < len(st.params) else None)
                             for i in range(max(len(st.types), len(st.params))))
            sql = f"EXECUTE {st.label}" + (f"({args})" if args else "")
        else:
            sql = bind(st, param)
        if st.label in gset:
            lines.append(f"{sql} \\gset {gset[st.label]}")
        else:
            lines.append(sql + ";")
    if setup:
        # pgb_ready starts at 0 in every client (-D, see run_pgbench)
        lines = ["\\if :pgb_ready = 0", *setup, "\\set pgb_ready 1", "\\endif"] + lines
    return "\n".join(lines) + "\n", set(label_params) - used, "simple" if composed else "prepared"


# ---------------------------------------------------------------- runners

def run_wrk(script, url, conns, duration, env, quota_stop=None):
    env = dict(os.environ, BENCH_LUA_DIR=str(LUA_DIR), BENCH_THREADS=str(WRK_THREADS), **env)
    cmd = ["wrk", "-t", str(WRK_THREADS), "-c", str(max(conns, WRK_THREADS)), "-d", f"{duration}s",
           "--timeout", "60s", "-s", str(LUA_DIR / script), url]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if quota_stop:
        quota_stop(proc)
    out, err = proc.communicate()
    for line in out.splitlines():
        if line.startswith("BENCH "):
            res = json.loads(line[6:])
            res["seconds"] = res["duration_us"] / 1e6
            res["rps"] = res["requests"] / res["seconds"] if res["seconds"] else 0
            return res
    raise RuntimeError(f"wrk: no result\n{out}\n{err}")


def run_pgbench(pg, script_text, conns, duration, workdir, name, mode="prepared"):
    path = workdir / "pgbench" / f"{name}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script_text)
    cmd = [str(pg.bindir / "pgbench"), "-n", "-M", mode, "-D", "pgb_ready=0", "-c", str(conns),
           "-j", str(min(conns, WRK_THREADS)), "-T", str(duration), "-f", str(path),
           "-h", "127.0.0.1", "-p", str(pg.port), "-U", "testobserver", "testobserver"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=pg_env())
    text = out.stdout + out.stderr
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text)
    lat = re.search(r"latency average = ([\d.]+) ms", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    aborted = "aborted" in text or out.returncode != 0
    if not m:
        return {"tps": None, "error": text.strip()[-800:], "script": str(path)}
    return {"tps": float(m.group(1)), "latency_ms": float(lat.group(1)) if lat else None,
            "failed": int(failed.group(1)) if failed else 0, "aborted": aborted,
            "error": text.strip()[-800:] if aborted else None, "script": str(path)}


def explain(pg, stmts, path, token=None, other=None, exact=False):
    """EXPLAIN ANALYZE of each captured statement, in order, rolled back;
    the token in the parameters (all of a parameter if exact) becomes
    other, so that what the captured request created is created anew.
    Returns (ms, label) of the slowest."""
    def value(i, t, v):
        if token and v is not None and (v == token if exact else token in v):
            v = other if exact else v.replace(token, other)
        return literal(v, t)

    parts = ["BEGIN;"]
    for st in stmts:
        if st.label is None:
            continue
        parts.append(f"\\echo '-- {st.label} (captured: {st.ms:.3f} ms)'")
        parts.append(f"EXPLAIN (ANALYZE, BUFFERS) {bind(st, value)};")
    parts.append("ROLLBACK;")
    script = path.with_suffix(".in.sql")
    script.write_text("\n".join(parts) + "\n")
    out = subprocess.run([str(pg.bindir / "psql"), "-h", "127.0.0.1", "-p", str(pg.port), "-U",
                          "testobserver", "-d", "testobserver", "-X", "-f", str(script)],
                         capture_output=True, text=True, env=pg_env())
    path.write_text(out.stdout + out.stderr)
    script.unlink()
    times = [(float(t), lbl) for lbl, t in
             re.findall(r"-- (\S+) \(captured.*?Execution Time: ([\d.]+) ms", out.stdout, re.S)]
    return max(times) if times else None


# ---------------------------------------------------------------- the bench

class Bench:
    def __init__(self, args):
        self.args = args
        self.size = args.size
        self.dir = (REPO / args.dir / args.size).resolve()
        self.rows = []
        self.notes = []
        self.extra = {}
        self.tag = str(int(time.time()))

    def wanted(self, name):
        """Whether scenario name runs (--only)."""
        return not self.args.only or name in self.args.only.split(",")

    # ---- setup

    def setup(self):
        args = self.args
        if self.dir.exists() and not args.reuse:
            if (self.dir / "pg" / "data" / "postmaster.pid").exists():
                Pg(self.dir / "pg", 0).stop()
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        # PostgreSQL and httpd's children run as other users
        for p in [self.dir, *self.dir.parents]:
            if p == REPO:
                break
            p.chmod(p.stat().st_mode | 0o755)
        (self.dir / "explain").mkdir(exist_ok=True)
        self.pg = Pg(self.dir / "pg", free_port())
        reused = args.reuse and (self.dir / "seed.json").exists()
        log(f"PostgreSQL on port {self.pg.port} ({self.pg.root})")
        self.pg_settings = {"shared_buffers": "1GB", "max_connections": "200",
                            "max_wal_size": "8GB", "checkpoint_timeout": "15min",
                            "synchronous_commit": args.synchronous_commit}
        self.pg.init(self.pg_settings, args.fsync)
        subprocess.run([str(REPO / "testobserver-migrate"), "--dsn", self.pg.dsn, "--dir",
                        str(REPO / "sql"), "upgrade"], check=True, capture_output=True)
        self.key = subprocess.run([str(REPO / "testobserver-admin"), "--dsn", self.pg.dsn,
                                   "add-application", "--replace", "bench", "all"],
                                  check=True, capture_output=True, text=True).stdout.strip()
        root = self.dir / "httpd"
        root.mkdir(exist_ok=True)
        root.chmod(0o755)
        self.httpd = Httpd(root, free_port(), self.pg.dsn)
        self.httpd.start()
        self.url = f"http://127.0.0.1:{self.httpd.port}"
        self.client = Client(self.httpd.port, self.key)
        log(f"httpd on {self.url} ({root})")
        if reused:
            self.seed = json.loads((self.dir / "seed.json").read_text())
            log("reusing the seeded database")
        else:
            self.run_seed()

    def run_seed(self):
        # loading is no scenario: its commits need not wait for the disk
        self.pg.reload(synchronous_commit="off")
        log(f"seeding ({self.size})")
        t0 = time.time()
        out = subprocess.run([sys.executable, str(REPO / "scripts/seed.py"), "--base", self.url,
                              "--key", self.key, "--dsn", self.pg.dsn, "--size", self.size],
                             stdout=subprocess.PIPE, text=True)
        if out.returncode:
            raise RuntimeError("seed failed")
        line = [ln for ln in out.stdout.splitlines() if ln.startswith("SEED ")][-1]
        self.seed = json.loads(line[5:])
        self.seed["wall_seconds"] = round(time.time() - t0, 1)
        t1 = time.time()
        self.pg.psql("VACUUM ANALYZE")
        self.seed["vacuum_analyze_seconds"] = round(time.time() - t1, 1)
        self.pg.reload(synchronous_commit=self.args.synchronous_commit)
        (self.dir / "seed.json").write_text(json.dumps(self.seed, indent=1))
        log(f"seeded in {self.seed['seconds']} s ({self.seed['results_per_second']} results/s)")

    def stop(self):
        if getattr(self, "httpd", None):
            self.httpd.stop()
        if getattr(self, "pg", None):
            self.pg.stop()

    # ---- targets

    def prepare(self):
        """What the scenarios use: ids found in the seeded data, and pools of
        fresh executions made by SQL (one INSERT each: ids without gaps)."""
        pg = self.pg
        t = {}
        t["large_artefact"], t["large_artefact_execs"] = map(int, pg.rows(
            "SELECT b.artefact_id, count(*) FROM test_execution te JOIN artefact_build b"
            " ON b.id = te.artefact_build_id JOIN artefact a ON a.id = b.artefact_id"
            " WHERE a.name NOT LIKE 'bench-%' GROUP BY 1 ORDER BY 2 DESC LIMIT 1")[0])
        # an execution whose test cases ran before on the same environment
        # and line, in earlier versions
        row = pg.rows(
            "WITH n AS (SELECT test_execution_id AS id, count(*) AS n FROM test_result GROUP BY 1),"
            " ex AS (SELECT te.id, coalesce(n.n, 0) AS n, a.id AS aid, te.environment_id,"
            " te.test_plan_id, b.architecture, a.name, a.track, a.series, a.repo, a.os"
            " FROM test_execution te JOIN artefact_build b ON b.id = te.artefact_build_id"
            " JOIN artefact a ON a.id = b.artefact_id LEFT JOIN n ON n.id = te.id"
            " WHERE a.name NOT LIKE 'bench-%'),"
            " w AS (SELECT ex.*, count(*) FILTER (WHERE n > 0) OVER (PARTITION BY environment_id,"
            " test_plan_id, architecture, name, track, series, repo, os ORDER BY aid, id"
            " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev FROM ex)"
            " SELECT id, n, prev FROM w WHERE n BETWEEN 20 AND 1000 AND prev >= 1"
            " ORDER BY least(prev, 5) DESC, n DESC, id LIMIT 1")[0]
        t["prev_execution"], t["prev_execution_results"], t["prev_execution_previous"] = map(int, row)
        t["small_execution"] = int(pg.rows(
            "SELECT r.test_execution_id FROM test_result r JOIN test_execution te"
            " ON te.id = r.test_execution_id JOIN test_plan p ON p.id = te.test_plan_id"
            " WHERE p.name NOT LIKE 'bench-%' GROUP BY 1 HAVING count(*) BETWEEN 5 AND 30"
            " ORDER BY 1 LIMIT 1")[0][0])
        # an artefact for start-test to find: the newest snapd, on an
        # environment and plan it ran before
        snap = pg.rows(
            "SELECT a.name, a.version, a.track, a.store, a.branch, a.stage, b.architecture,"
            " coalesce(b.revision, 1), e.name, p.name FROM artefact a"
            " JOIN artefact_build b ON b.artefact_id = a.id"
            " JOIN test_execution te ON te.artefact_build_id = b.id"
            " JOIN environment e ON e.id = te.environment_id JOIN test_plan p ON p.id = te.test_plan_id"
            " WHERE a.family = 'snap' AND NOT a.archived AND a.name NOT LIKE 'bench-%'"
            " AND a.id <> " + str(t["large_artefact"]) +
            " ORDER BY (a.name = 'snapd') DESC, a.id DESC, te.id LIMIT 1")[0]
        t["existing"] = dict(zip(["name", "version", "track", "store", "branch", "stage", "arch",
                                  "revision", "environment", "test_plan"], snap))
        # Only what the chosen scenarios use is made: the pools add executions
        # and results of their own (32 x 10,000 for PATCH), which would
        # otherwise swamp a small database's data.
        wanted = self.wanted
        self.pools = {}
        writes = [n for n in ("ingest_100", "ingest_10000", "patch_complete") if wanted(n)]
        if writes or self.args.flat_requests > 0:
            # a home for the pools: one execution through the API, whose build,
            # environment and plan the pools' executions share
            home = self.client.ok("PUT", "/v1/test-executions/start-test", {
                "family": "snap", "name": "bench-pool", "version": "1", "revision": 1,
                "track": "latest", "store": "ubuntu", "arch": "amd64", "execution_stage": "edge",
                "environment": "bench-lab", "test_plan": "bench-plan",
                "ci_link": f"https://ci.bench.example/pool/{self.tag}"})["id"]
            t["home"] = home
        if writes:
            # the bench's test cases exist before the scenarios post them
            self.client.ok("POST", f"/v1/test-executions/{home}/test-results",
                           self.results_body(0, BENCH_CASES))
        self.targets = t

        def pool(n):
            ids = [int(x) for x in pg.psql(
                "WITH h AS (SELECT * FROM test_execution WHERE id = %d) INSERT INTO test_execution"
                " (ci_link, status, environment_id, artefact_build_id, test_plan_id, created_at,"
                " updated_at) SELECT NULL, 'IN_PROGRESS', h.environment_id, h.artefact_build_id,"
                " h.test_plan_id, now(), now() FROM h, generate_series(1, %d)"
                " RETURNING id" % (home, n)).split()]
            lo = min(ids)
            assert max(ids) - lo + 1 == n, "pool ids are not contiguous"
            return lo, n

        sizes = {"ingest_100": 60000, "ingest_10000": 3000}
        for name, n in sizes.items():
            if not wanted(name):
                continue
            self.pools[name] = pool(n)
            self.pools[name + "_pgbench"] = pool(n)
            # fresh executions for the first request, the captured one and
            # EXPLAIN ANALYZE
            self.pools[name + "_capture"] = pool(3)
        if wanted("patch_complete"):
            # executions with 10,000 results each, for PATCH complete
            self.pools["patch"] = pool(32)
            lo, n = self.pools["patch"]
            pg.psql(
                "INSERT INTO test_result (status, comment, io_log, test_execution_id, test_case_id,"
                " created_at, updated_at) SELECT CASE WHEN c.id % 50 = 0 THEN 'FAILED'"
                " WHEN c.id % 30 = 0 THEN 'SKIPPED' ELSE 'PASSED' END::testresultstatus, '', '', e,"
                # a time of its own per execution, as separate batches would
                # have: not one tie of 320,000 results for created_at
                f" c.id, now() - ({lo + n - 1} - e) * interval '1 second', now()"
                f" FROM generate_series({lo}, {lo + n - 1}) e, test_case c"
                " WHERE c.name LIKE 'bench/case-%'")
        if wanted("ingest_10000") or wanted("ingest_100"):
            self.pools["ceiling"] = pool(8000)
        if self.args.flat_requests > 0:
            self.pools["flat"] = pool(8)
        pg.psql("ANALYZE")
        log(f"targets: {json.dumps(t)}")

    @staticmethod
    def results_body(first, count):
        """count results of the bench's test cases from number first: most
        passed, some failed (with a log), some skipped."""
        parts = []
        for k in range(first, first + count):
            name = f"bench/case-{k % BENCH_CASES:05d}"
            cat = f"bench/category-{k % 40:02d}"
            if k % 50 == 7:
                log_text = json.dumps(f"Traceback (most recent call last):\n  File \"bench.py\","
                                      f" line {k % 300}, in case_{k}\nAssertionError: expected 0,"
                                      f" got {k % 7}\n" * 3)
                parts.append(f'{{"name":"{name}","status":"FAILED","category":"{cat}",'
                             f'"comment":"assertion failed","io_log":{log_text}}}')
            elif k % 30 == 11:
                parts.append(f'{{"name":"{name}","status":"SKIPPED","category":"{cat}",'
                             f'"comment":"requirement not met"}}')
            else:
                parts.append(f'{{"name":"{name}","status":"PASSED","category":"{cat}"}}')
        return "[" + ",".join(parts) + "]"

    def start_body(self, mode):
        """The start-test template; @N@ makes the version (new artefacts) or
        the ci_link (new executions of an existing artefact) unique."""
        if mode == "new":
            return {"family": "snap", "name": "bench-new", "version": f"{self.tag}.@N@",
                    "revision": 1, "track": "latest", "store": "ubuntu", "arch": "arm64",
                    "execution_stage": "edge", "environment": "rpi4", "test_plan": "bench-plan",
                    "ci_link": f"https://ci.bench.example/{self.tag}/@N@"}
        e = self.targets["existing"]
        return {"family": "snap", "name": e["name"], "version": e["version"],
                "revision": int(e["revision"]), "track": e["track"], "store": e["store"],
                "branch": e["branch"], "arch": e["arch"], "execution_stage": e["stage"],
                "environment": e["environment"], "test_plan": e["test_plan"],
                "ci_link": f"https://ci.bench.example/{self.tag}/existing/@N@"}

    # ---- scenarios

    def scenarios(self):
        t = self.targets
        # start-test: the ids a statement returns go to the next ones
        start_map = {("st_build_revision", 3): ":pgb_a_id", ("st_review", 2): ":pgb_b_id",
                     ("st_execution_ci", 4): ":pgb_b_id", ("st_rerun_done", 1): ":pgb_x_id"}
        start_gset = {"st_artefact_snap": "pgb_a_", "st_build_revision": "pgb_b_",
                      "st_execution_ci": "pgb_x_"}
        start = dict(method="PUT", path="/v1/test-executions/start-test", base=TOKEN_BASE + 100000,
                     label_params=start_map, gset=start_gset,
                     head="\\set pgb_n random(1, 2000000000)", token_expr=":pgb_n")
        patch = self.pools.get("patch", (0, 0))
        out = [
            # a few index lookups: the reads the static-file target applies to
            dict(name="artefact_get", title="GET /v1/artefacts/{id}", conns=16, p99_32=True,
                 get=f"/v1/artefacts/{t['large_artefact']}"),
            dict(name="execution_get", title="GET /v1/test-executions/{id}", conns=16, p99_32=True,
                 get=f"/v1/test-executions/{t['small_execution']}"),
            dict(name="artefacts_snap", title="GET /v1/artefacts?family=snap", conns=16, p99_32=True,
                 get="/v1/artefacts?family=snap"),
            dict(name="builds_large", title=f"GET /v1/artefacts/{{id}}/builds "
                 f"({t['large_artefact_execs']} executions)", conns=16,
                 get=f"/v1/artefacts/{t['large_artefact']}/builds"),
            dict(name="results_previous", title=f"GET /v1/test-executions/{{id}}/test-results "
                 f"({t['prev_execution_results']} results, with previous)", conns=16, p99_32=True,
                 get=f"/v1/test-executions/{t['prev_execution']}/test-results"),
            dict(name="search_results", title="GET /v1/test-results (families, statuses, "
                 "environments)", conns=16, p99_32=True,
                 get="/v1/test-results?families=snap&test_result_statuses=FAILED"
                     "&environments=rpi4&limit=50"),
            dict(name="search_executions", title="GET /v1/test-executions (families, statuses)",
                 conns=16, get="/v1/test-executions?families=deb&test_execution_statuses=FAILED"
                               "&limit=50"),
            # broad filters: a family and a common status match a large share
            # of the data, so the count reads many rows while the page should
            # stop at its limit
            dict(name="search_results_broad", title="GET /v1/test-results (a family, PASSED)",
                 conns=16, named_only=True, get="/v1/test-results?families=snap&test_result_statuses=PASSED"
                               "&limit=50"),
            dict(name="search_executions_broad", title="GET /v1/test-executions (a family)",
                 conns=16, named_only=True, get="/v1/test-executions?families=snap&limit=50"),
            dict(start, name="start_new", title="PUT start-test, new artefact", conns=16,
                 bodies=[json.dumps(self.start_body("new"))], capture_n=TOKEN_BASE + 1),
            dict(start, name="start_existing", title="PUT start-test, existing artefact",
                 conns=16, bodies=[json.dumps(self.start_body("existing"))],
                 capture_n=TOKEN_BASE + 2),
            dict(name="ingest_100", title="POST test-results, batches of 100", conns=8, batch=100),
            dict(name="ingest_10000", title="POST test-results, batches of 10,000", conns=4,
                 batch=10000),
            dict(name="patch_complete", title="PATCH execution COMPLETED (10,000 results)",
                 conns=8, method="PATCH", path="/v1/test-executions/@N@",
                 bodies=['{"status":"COMPLETED"}'], base=patch[0],
                 limit=patch[1], capture_n=patch[0], exec_token=True),
        ]
        # the broad searches only when named: in a full run the write
        # scenarios' pools (executions of 10,000 results, the newest) are
        # what a broad search finds and embeds, which measures the pools
        out = [sc for sc in out if self.wanted(sc["name"]) and
               (not sc.get("named_only") or self.args.only)]
        for sc in out:
            if "batch" in sc:
                b = sc["batch"]
                lo, n = self.pools[sc["name"]]
                windows = max(1, BENCH_CASES // b)
                sc.update(method="POST", path="/v1/test-executions/@N@/test-results",
                          bodies=[self.results_body(w * b, b) for w in range(windows)],
                          base=lo, limit=n, capture_n=self.pools[sc["name"] + "_capture"][0],
                          exec_token=True, results_per_request=b,
                          pgbench_pool=self.pools[sc["name"] + "_pgbench"])
        return out

    @staticmethod
    def render(sc, n):
        """The request of scenario sc numbered n: (method, path, body)."""
        if "get" in sc:
            return "GET", sc["get"], None
        return sc["method"], sc["path"].replace("@N@", str(n)), sc["bodies"][0].replace("@N@", str(n))

    def run_scenario(self, sc, capture):
        name = sc["name"]
        log(f"scenario {name}: {sc['title']}")
        row = {"name": name, "title": sc["title"], "conns": sc["conns"]}
        method, path, body = self.render(sc, sc.get("capture_n", 0))
        status, payload = self.client.call(method, path, body)
        if status != 200:
            raise RuntimeError(f"{name}: {method} {path}: {status} {payload[:300]!r}")
        row["response_bytes"] = len(payload)
        # The SQL of one request, captured on a second one (the first warmed
        # up); a start-test captures a request of its own number, which
        # creates what the scenario's requests create.
        n2 = sc.get("capture_n", 0)
        if "pgbench_pool" in sc:
            n2 += 1  # another fresh execution
        elif not sc.get("exec_token") and "get" not in sc:
            n2 += 50000  # another new version or ci_link
        m2, p2, b2 = self.render(sc, n2)
        (st2, pl2), stmts = capture.grab(lambda: self.client.call(m2, p2, b2))
        if st2 != 200:
            raise RuntimeError(f"{name}: capture request: {st2} {pl2[:200]!r}")
        row["statements"] = len([s for s in stmts if s.label])
        row["sql_ms"] = round(sum(s.ms for s in stmts), 3)
        if "pgbench_pool" in sc:
            other = dict(token=str(n2), other=str(n2 + 1), exact=True)
        elif "token_expr" in sc:
            other = dict(token=str(n2), other=str(n2 + 1))
        else:
            other = {}
        slow = explain(self.pg, stmts, self.dir / "explain" / f"{name}.txt", **other)
        if slow:
            row["slowest_statement"] = {"label": slow[1], "ms": slow[0]}

        # the scenario
        env = {"BENCH_KEY": self.key}
        if "get" in sc:
            reqfile = self.dir / f"{name}.requests"
            reqfile.write_text(f"GET\t{sc['get']}\n")
            env["BENCH_REQUESTS"] = str(reqfile)
            script = "replay.lua"
        else:
            bodies = self.dir / f"{name}.bodies"
            bodies.write_text("\n".join(sc["bodies"]) + "\n")
            env.update(BENCH_METHOD=sc["method"], BENCH_PATH=sc["path"], BENCH_BODIES=str(bodies),
                       BENCH_BASE=str(sc["base"]), BENCH_LIMIT=str(sc.get("limit", 0)))
            script = "template.lua"
        mark = self.httpd.access_log.stat().st_size
        before = self.httpd.rss()
        sampler = RssSampler(self.httpd)
        sampler.start()
        res = run_wrk(script, self.url, sc["conns"], self.args.duration, env)
        row["rss"] = sampler.finish()
        row["rss"]["before_total_kib"] = sum(before.values())
        row["wrk"] = res
        row["rps"] = res["rps"]
        row["p50_ms"] = res["latency_us"]["p50"] / 1000
        row["p99_ms"] = res["latency_us"]["p99"] / 1000
        if sum(res["errors"].values()):
            row["errors"] = res["errors"]
            row["statuses"] = self.statuses_since(mark)
        if sc.get("results_per_request"):
            row["results_per_s"] = res["rps"] * sc["results_per_request"]
            if sc.get("limit") and res["requests"] > sc["limit"]:
                row["note"] = (f"the pool of {sc['limit']} executions wrapped: later batches "
                               "replaced results")
        log(f"  {res['rps']:.1f} req/s, p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms"
            + (f", errors {row['errors']}" if row.get("errors") else ""))

        # reference: a static file as large as the response
        static = self.httpd.static / f"{name}.json"
        static.write_bytes(payload)
        static.chmod(0o644)
        reqfile = self.dir / f"{name}.static.requests"
        reqfile.write_text(f"GET\t/bench-static/{name}.json\n")
        sres = run_wrk("replay.lua", self.url, sc["conns"], self.args.ref_duration,
                       {"BENCH_KEY": self.key, "BENCH_REQUESTS": str(reqfile)})
        row["static_rps"] = sres["rps"]
        log(f"  static ({len(payload)} bytes): {sres['rps']:.1f} req/s")

        # the p99 target: reads at 32 connections against the static file's
        if sc.get("p99_32"):
            r32 = run_wrk(script, self.url, 32, self.args.ref_duration, env)
            s32 = run_wrk("replay.lua", self.url, 32, self.args.ref_duration,
                          {"BENCH_KEY": self.key, "BENCH_REQUESTS": str(reqfile)})
            row["p99_32"] = {"rps": r32["rps"], "p99_ms": r32["latency_us"]["p99"] / 1000,
                             "static_rps": s32["rps"],
                             "static_p99_ms": s32["latency_us"]["p99"] / 1000}
            log(f"  32 connections: p99 {row['p99_32']['p99_ms']:.1f} ms, static p99 "
                f"{row['p99_32']['static_p99_ms']:.1f} ms")

        # reference: pgbench running the captured SQL
        kw = {}
        if sc.get("exec_token"):
            if "pgbench_pool" in sc:
                lo, n = sc["pgbench_pool"]
                seq = f"pgb_{name}"
                self.pg.psql(f"DROP SEQUENCE IF EXISTS {seq}; CREATE SEQUENCE {seq} START {lo}"
                             f" MINVALUE {lo} MAXVALUE {lo + n - 1} CYCLE")
                kw["head"] = f"SELECT nextval('{seq}') AS pgb_e \\gset"
            else:
                lo, n = sc["base"], sc["limit"]
                kw["head"] = f"\\set pgb_e random({lo}, {lo + n - 1})"
            kw["token"], kw["token_expr"] = str(n2), ":pgb_e"
        else:
            for k in ("label_params", "gset", "head", "token_expr"):
                if k in sc:
                    kw[k] = sc[k]
            if "token_expr" in sc:
                kw["token"] = str(n2)
        script, missing, mode = pgbench_script(stmts, **kw)
        if missing:
            self.notes.append(f"{name}: the pgbench script found no {sorted(missing)}: "
                              "captured values used")
        pres = run_pgbench(self.pg, script, sc["conns"], self.args.ref_duration, self.dir, name,
                           mode)
        row["pgbench"] = pres
        if pres.get("tps"):
            log(f"  pgbench: {pres['tps']:.1f} tps" + (" (errors)" if pres.get("aborted") else ""))
        else:
            log(f"  pgbench failed: {pres.get('error')}")
        return row

    def statuses_since(self, offset):
        counts = {}
        with open(self.httpd.access_log, "rb") as f:
            f.seek(offset)
            for line in f:
                parts = line.split(b'" ')
                if len(parts) > 1:
                    st = parts[-1].split()[0].decode()
                    counts[st] = counts.get(st, 0) + 1
        return counts

    # ---- ingestion ceiling

    def ceiling(self):
        """psql inserting a batch given as one jsonb parameter (test cases
        found or created, then the results, in one transaction), for each
        batch size an ingestion scenario posts (10,000 and 100), in as many
        sessions as that scenario has connections. The same with a json
        parameter, which the module binds, for comparison."""
        lo, n = self.pools["ceiling"]
        next_id = [lo]

        def take(k):
            ids = list(range(next_id[0], next_id[0] + k))
            next_id[0] += k
            assert next_id[0] <= lo + n, "ceiling pool exhausted"
            return ids

        def script(typ, ids, batch):
            lines = [
                f"\\set batch `cat {batch}`",
                f"PREPARE cases({typ}) AS INSERT INTO test_case (name, category, template_id,"
                " created_at, updated_at) SELECT DISTINCT ON (b.name) b.name,"
                " coalesce(b.category, ''), coalesce(b.template_id, ''), now(), now()"
                f" FROM {typ}_to_recordset($1) AS b(name text, category text, template_id text)"
                " ORDER BY b.name ON CONFLICT (name) DO NOTHING;",
                f"PREPARE results({typ}, int) AS INSERT INTO test_result (status, comment, io_log,"
                " test_execution_id, test_case_id, created_at, updated_at) SELECT"
                " b.status::testresultstatus, coalesce(b.comment, ''), coalesce(b.io_log, ''), $2,"
                f" c.id, now(), now() FROM ROWS FROM ({typ}_to_recordset($1) AS (name text,"
                " status text, comment text, io_log text)) WITH ORDINALITY AS b(name, status,"
                " comment, io_log, ord) JOIN test_case c ON c.name = b.name ORDER BY b.ord;"]
            for e in ids:
                lines.append(f"BEGIN; EXECUTE cases(:'batch'); EXECUTE results(:'batch', {e}); COMMIT;")
            return "\n".join(lines) + "\n"

        def run(typ, groups, batch, size):
            procs = []
            for k, ids in enumerate(groups):
                f = self.dir / f"ceiling.{size}.{typ}.{k}.sql"
                f.write_text(script(typ, ids, batch))
                procs.append(subprocess.Popen(
                    [str(self.pg.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.pg.port), "-U",
                     "testobserver", "-d", "testobserver", "-qX", "-v", "ON_ERROR_STOP=1", "-f",
                     str(f)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            t0 = time.time()
            for p in procs:
                _, err = p.communicate()
                if p.returncode:
                    raise RuntimeError(f"ceiling psql: {err.decode()[:500]}")
            return time.time() - t0

        self.extra["ceiling"] = {}
        for size, name, cap in ((10000, "ingest_10000", 40), (100, "ingest_100", 250)):
            sc = next((sc for sc in self.scenarios_list if sc["name"] == name), None)
            if sc is None:
                continue
            conns = sc["conns"]
            batch = self.dir / f"ceiling.{size}.json"
            batch.write_text(self.results_body(0, size))
            batch.chmod(0o644)
            self.extra["ceiling"][size] = {}
            for typ in ("jsonb", "json"):
                # one round to size the run, then about --ref-duration seconds of it
                t1 = run(typ, [take(1) for _ in range(conns)], batch, size)
                reps = max(2, min(cap, int(self.args.ref_duration / max(t1, 0.01))))
                t = run(typ, [take(reps) for _ in range(conns)], batch, size)
                rate = conns * reps * size / t
                log(f"ingestion ceiling, batches of {size} ({typ}): {rate:.0f} results/s"
                    f" ({conns} psql x {reps} batches in {t:.1f} s)")
                self.extra["ceiling"][size][typ] = {"results_per_s": rate, "sessions": conns,
                                                    "batches": conns * reps, "seconds": t}

    # ---- memory flatness

    def flatness(self):
        t = self.targets
        lo, n = self.pools["flat"]
        quota = self.args.flat_requests
        reqs = [
            ("GET", "/v1/artefacts?family=charm", None),
            ("GET", f"/v1/artefacts/{t['large_artefact']}", None),
            ("GET", f"/v1/test-executions/{t['prev_execution']}", None),
            ("GET", f"/v1/test-executions/{t['small_execution']}/test-results", None),
            ("GET", f"/v1/artefacts/{t['large_artefact']}/environment-reviews", None),
            ("GET", f"/v1/artefacts/{t['large_artefact']}/versions", None),
            ("GET", "/v1/test-cases?limit=5", None),
            ("GET", "/v1/environments", None),
            ("PUT", "/v1/test-executions/start-test",
             json.dumps(self.start_body("existing")).replace("@N@", "flat")),
            ("GET", "/v1/test-executions/2000000000", None),                          # 404
            ("PUT", "/v1/test-executions/start-test", '{"family":"snap","name":1}'),  # 422
        ]
        for k in range(n):
            reqs.append(("POST", f"/v1/test-executions/{lo + k}/test-results",
                         self.results_body(k * 10, 10)))
            if k % 2 == 0:
                reqs.append(("PATCH", f"/v1/test-executions/{lo + k}", '{"status":"COMPLETED"}'))
        reqfile = self.dir / "flatness.requests"
        reqfile.write_text("".join(f"{m}\t{p}" + (f"\t{b}" if b else "") + "\n" for m, p, b in reqs))
        log(f"memory flatness: {quota} requests, {len(reqs)} kinds in turn")
        env = {"BENCH_KEY": self.key, "BENCH_REQUESTS": str(reqfile)}
        # new children (the scenarios' 10,000-result batches left theirs
        # large), warmed up by WARM_UP requests of the same mix, then quota
        # requests measured. The children's RSS climbs over the first tens of
        # thousands and then holds (200,000 in one run: 25.8 MiB at 20,000,
        # 25.5 at 200,000); the warm-up's rows in the report show the climb
        self.httpd.stop()
        self.httpd.start()
        started = self.httpd.rss()

        def replay(count, on_tenth=None):
            """Replays the mix until count more requests are logged, calling
            on_tenth(seen) at each tenth of the way."""
            mark = self.httpd.access_log.stat().st_size

            def stop_when_done(proc):
                # wrk stops its threads at the quota; its timer is cut short here
                seen, tenth = 0, 1
                with open(self.httpd.access_log, "rb") as f:
                    f.seek(mark)
                    while proc.poll() is None:
                        seen += f.read().count(b"\n")
                        while on_tenth and tenth <= 10 and seen >= count * tenth // 10:
                            on_tenth(seen)
                            tenth += 1
                        if seen >= count:
                            time.sleep(0.5)
                            proc.send_signal(signal.SIGINT)
                            return
                        time.sleep(0.2)

            return mark, run_wrk("replay.lua", self.url, 16, 3600, dict(env, BENCH_QUOTA=str(count)),
                                 quota_stop=stop_when_done)

        warm_series = []
        replay(WARM_UP, lambda seen: warm_series.append((seen, self.httpd.rss())))
        time.sleep(1)
        before = self.httpd.rss()
        sampler = RssSampler(self.httpd)
        sampler.start()
        series = []
        mark, res = replay(quota, lambda seen: series.append((seen, self.httpd.rss())))
        peak = sampler.finish()
        time.sleep(1)
        after = self.httpd.rss()
        both = sorted(set(before) & set(after))
        tb, ta = sum(before.values()), sum(after.values())
        cb, ca = sum(before[p] for p in both), sum(after[p] for p in both)
        self.extra["flatness"] = {
            "kept_before_kib": cb, "kept_after_kib": ca,
            "kept_change_pct": 100.0 * (ca - cb) / cb if cb else 0.0,
            "series": [(n, sum(snap.get(p, 0) for p in both)) for n, snap in series],
            "warm_up": WARM_UP, "started_kib": sum(started[p] for p in both if p in started),
            "warm_series": [(n, sum(snap.get(p, 0) for p in both)) for n, snap in warm_series],
            "new_children": {p: after[p] for p in after if p not in before},
            "requests": res["requests"], "rps": res["rps"], "kinds": len(reqs),
            "status_errors": res["errors"]["status"],
            "children_before": len(before), "children_after": len(after),
            "total_before_kib": tb, "total_after_kib": ta,
            "total_change_pct": 100.0 * (ta - tb) / tb if tb else 0.0, "peak": peak,
            "per_child": [{"pid": p, "before_kib": before[p], "after_kib": after[p],
                           "change_pct": 100.0 * (after[p] - before[p]) / before[p]} for p in both],
            "statuses": self.statuses_since(mark)}
        log(f"  {res['requests']} requests ({res['rps']:.0f}/s): RSS of the {len(both)} children"
            f" there before and after {cb / 1024:.1f} -> {ca / 1024:.1f} MiB"
            f" ({self.extra['flatness']['kept_change_pct']:+.2f}%); all children {tb / 1024:.1f} ->"
            f" {ta / 1024:.1f} MiB")

    # ---- report

    def versions(self):
        def first_line(cmd):
            try:
                out = subprocess.run(cmd, capture_output=True, text=True)
                return (out.stdout or out.stderr).strip().splitlines()[0]
            except (OSError, IndexError):
                return "?"
        return {"httpd": first_line([HTTPD, "-v"]).replace("Server version: ", ""),
                "postgresql": first_line([str(self.pg.bindir / "postgres"), "--version"]),
                "wrk": first_line(["wrk", "--version"]).split(" [")[0],
                "kernel": platform.release()}

    def write_report(self):
        a = self.args
        s = self.seed
        v = self.versions()
        cpu = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
        L = [f"# mod_testobserver benchmarks ({self.size})\n",
             f"Written by `make bench SIZE={self.size}` (scripts/bench.py) on "
             f"{datetime.date.today().isoformat()}: **{os.cpu_count()} cores** ({cpu}), "
             f"{mem:.0f} GiB, Linux {v['kernel']}; {v['httpd']}, {v['postgresql']}, {v['wrk']}. "
             f"One machine, loopback: wrk, httpd and PostgreSQL share the cores. Each scenario "
             f"ran {a.duration} s, each reference {a.ref_duration} s right after it.\n",
             f"Data: {s['artefacts']:,} artefacts, {s['executions']:,} executions, "
             f"{s['results']:,} results, {s['environments']} environments, {s['test_plans']} test "
             f"plans, {s['rerun_requests']} rerun requests, seeded through the API "
             f"(scripts/seed.py) in **{s['seconds']} s** ({s['results_per_second']:,} results/s, "
             f"{s['requests']:,} requests; synchronous_commit off while loading), then VACUUM "
             f"ANALYZE ({s.get('vacuum_analyze_seconds', '?')} s).\n",
             f"httpd: conf/httpd.conf.in as is (event MPM, up to 4 children x 16 threads, a dbd "
             f"pool of up to 16 connections per child, access and error logs on). PostgreSQL: "
             f"shared_buffers {self.pg_settings['shared_buffers']}, fsync {a.fsync}, "
             f"synchronous_commit {a.synchronous_commit}.\n",
             "| scenario | conns | req/s | results/s | p50 ms | p99 ms | peak RSS MiB: one child "
             "(all; growth in the run) | of static | of pgbench |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in self.rows:
            res = f"{r['results_per_s']:,.0f}" if r.get("results_per_s") else ""
            rss = r["rss"]
            grew = (rss["peak_total_kib"] - rss["before_total_kib"]) / 1024
            rss_s = (f"{rss['peak_child_kib'] / 1024:.0f} ({rss['peak_total_kib'] / 1024:.0f} in "
                     f"{rss['children']}, {grew:+.0f})")
            st = f"{r['rps'] / r['static_rps']:.2g}" if r.get("static_rps") else "?"
            pb = r["pgbench"].get("tps")
            pbs = f"{r['rps'] / pb:.2f}" if pb else "failed"
            L.append(f"| {r['title']} | {r['conns']} | {r['rps']:,.1f} | {res} | {r['p50_ms']:.1f} | "
                     f"{r['p99_ms']:.1f} | {rss_s} | {st} | {pbs} |")
        L += ["",
              "*of static*: req/s over the req/s of httpd serving a file as large as the "
              "response (same connections). *of pgbench*: req/s over the transactions/s of "
              "pgbench running the SQL the endpoint ran for one request, captured from "
              "PostgreSQL's log (same concurrency, `-M prepared`, the parameters as literals; "
              "a statement the module composes per request, planned anew every time as the "
              "module's is, by `-M simple` with the others prepared once per client; "
              "new ids through `\\gset`, new executions from a pool of their own). The scripts "
              "are in var/bench/SIZE/pgbench/, EXPLAIN ANALYZE of each statement in "
              "var/bench/SIZE/explain/.\n",
              "| scenario | response bytes | static req/s | pgbench tps | statements | slowest "
              "statement (EXPLAIN ANALYZE, one run) |",
              "| --- | ---: | ---: | ---: | ---: | --- |"]
        for r in self.rows:
            pb = r["pgbench"].get("tps")
            slow = r.get("slowest_statement")
            slow_s = f"{slow['label']} {slow['ms']:.2f} ms" if slow else ""
            pb_s = f"{pb:,.1f}" if pb else "failed"
            L.append(f"| {r['name']} | {r['response_bytes']:,} | {r['static_rps']:,.0f} | {pb_s} | "
                     f"{r['statements']} | {slow_s} |")
        L.append("")
        p32 = [r for r in self.rows if r.get("p99_32")]
        if p32:
            L += ["## p99 at 32 connections\n",
                  "The reads again at 32 connections, and the static file of the same size at "
                  "32 connections (same duration as the references).\n",
                  "| scenario | req/s | p99 ms | static req/s | static p99 ms | p99 / static p99 |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
            for r in p32:
                q = r["p99_32"]
                L.append(f"| {r['title']} | {q['rps']:,.1f} | {q['p99_ms']:.1f} | "
                         f"{q['static_rps']:,.0f} | {q['static_p99_ms']:.1f} | "
                         f"{q['p99_ms'] / max(q['static_p99_ms'], 0.001):.1f} |")
            L.append("")
        c = self.extra.get("ceiling")
        if c:
            L += ["## Ingestion ceiling\n",
                  "psql inserting the same batch as one jsonb parameter (test cases found or "
                  "created, then the results; one transaction per batch), in as many sessions "
                  "as the scenario has connections; the same with a json parameter (what the "
                  "module binds: no conversion to jsonb) for comparison.\n",
                  "| batch | sessions | jsonb ceiling results/s | json results/s "
                  "| module results/s | of jsonb | of json |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
            for size, name in ((100, "ingest_100"), (10000, "ingest_10000")):
                if size not in c:
                    continue
                jb, j = c[size]["jsonb"], c[size]["json"]
                r = next((r for r in self.rows if r["name"] == name), {})
                rate = r.get("results_per_s")
                L.append(f"| {size:,} | {jb['sessions']} | {jb['results_per_s']:,.0f} | "
                         f"{j['results_per_s']:,.0f} | " + (
                             f"{rate:,.0f} | {rate / jb['results_per_s']:.2f} | "
                             f"{rate / j['results_per_s']:.2f} |" if rate else "| | |"))
            L.append("")
        f = self.extra.get("flatness")
        if f:
            L += ["## Memory flatness\n",
                  f"{f['requests']:,} requests ({f['rps']:,.0f}/s, 16 connections) cycling through "
                  f"{f['kinds']} kinds (dashboard reads, start-test, result batches, PATCH, a 404 "
                  f"and a 422), in children started anew and warmed up by {f['warm_up']:,} requests of "
                  f"the same mix. "
                  f"RSS of the children alive before and after: {f['kept_before_kib'] / 1024:.1f} "
                  f"MiB before, {f['kept_after_kib'] / 1024:.1f} MiB after, "
                  f"**{f['kept_change_pct']:+.2f}%**. All children: "
                  f"{f['total_before_kib'] / 1024:.1f} MiB in {f['children_before']}, then "
                  f"{f['total_after_kib'] / 1024:.1f} MiB in {f['children_after']} (peak "
                  f"{f['peak']['peak_total_kib'] / 1024:.1f} MiB).\n",
                  (f"Over the second half ({f['series'][4][0]:,} to {f['series'][-1][0]:,} "
                   f"requests) they went from {f['series'][4][1] / 1024:.1f} to "
                   f"{f['series'][-1][1] / 1024:.1f} MiB, "
                   f"**{100.0 * (f['series'][-1][1] - f['series'][4][1]) / f['series'][4][1]:+.2f}%**"
                   f" ({(f['series'][-1][1] - f['series'][4][1]) * 1024 / max(1, f['series'][-1][0] - f['series'][4][0]):.0f}"
                   " bytes per request).\n"
                   if len(f["series"]) >= 10 and f["series"][4][1] else ""),
                  "| requests sent | RSS of those children, MiB |", "| ---: | ---: |",
                  f"| warm-up: 0 | {f['started_kib'] / 1024:.1f} |"]
            L += [f"| warm-up: {n:,} | {kib / 1024:.1f} |" for n, kib in f["warm_series"]]
            L += [f"| 0 | {f['kept_before_kib'] / 1024:.1f} |"]
            L += [f"| {n:,} | {kib / 1024:.1f} |" for n, kib in f["series"]]
            L.append("")
            for p in f["per_child"]:
                L.append(f"- child {p['pid']}: {p['before_kib'] / 1024:.1f} -> "
                         f"{p['after_kib'] / 1024:.1f} MiB ({p['change_pct']:+.2f}%)")
            for p, kib in f["new_children"].items():
                L.append(f"- child {p} (started during the run): {kib / 1024:.1f} MiB")
            L.append(f"\nStatuses: {json.dumps(f['statuses'], sort_keys=True)}\n")
        notes = [f"{r['name']}: {r['note']}" for r in self.rows if r.get("note")]
        notes += [f"{r['name']}: errors {r['errors']}, statuses {r.get('statuses')}"
                  for r in self.rows if r.get("errors")]
        notes += [f"{r['name']}: pgbench: {r['pgbench'].get('error')}" for r in self.rows
                  if r["pgbench"].get("error")]
        notes += self.notes + [f"seed: {n}" for n in s.get("notes", [])]
        if notes:
            L.append("## Notes\n")
            L += [f"- {n}" for n in notes]
            L.append("")
        out = REPO / a.out
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(L))
        (self.dir / "results.json").write_text(json.dumps(
            {"seed": s, "rows": self.rows, "extra": self.extra, "notes": notes,
             "timings": getattr(self, "timings", {})}, indent=1, default=str))
        log(f"wrote {out}")

    def run(self):
        t0 = time.time()
        try:
            self.setup()
            t1 = time.time()
            self.prepare()
            self.scenarios_list = self.scenarios()
            capture = Capture(self.pg)
            for sc in self.scenarios_list:
                self.rows.append(self.run_scenario(sc, capture))
            if "ceiling" in self.pools:
                self.ceiling()
            if self.args.flat_requests > 0:
                self.flatness()
            self.timings = {"setup_and_seed": round(t1 - t0, 1), "bench": round(time.time() - t1, 1)}
            self.write_report()
            log(f"done in {time.time() - t0:.0f} s (setup and seed {self.timings['setup_and_seed']} s)")
        finally:
            if not self.args.keep:
                self.stop()
            elif getattr(self, "url", None):
                log(f"left running: {self.url} (key {self.key}), PostgreSQL {self.pg.dsn}; stop"
                    f" with: kill $(cat {self.httpd.root}/httpd.pid); scripts/pgctl stop {self.pg.root}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default=os.environ.get("SIZE", "small"), choices=["small", "medium", "large"])
    ap.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", "10")))
    ap.add_argument("--ref-duration", type=int, default=int(os.environ.get("REF_DURATION", "10")))
    ap.add_argument("--flat-requests", type=int,
                    default=int(os.environ.get("FLAT_REQUESTS", "100000")))
    ap.add_argument("--dir", default="var/bench")
    ap.add_argument("--out", default=os.environ.get("BENCH_OUT", "t/bench/results.md"))
    ap.add_argument("--fsync", default=os.environ.get("BENCH_FSYNC", "on"), choices=["on", "off"])
    ap.add_argument("--synchronous-commit", default=os.environ.get("BENCH_SYNC_COMMIT", "on"),
                    choices=["on", "off", "local", "remote_write", "remote_apply"])
    ap.add_argument("--only", default=os.environ.get("BENCH_ONLY"),
                    help="comma-separated scenario names")
    ap.add_argument("--reuse", action="store_true", help="keep the seeded database of a former run")
    ap.add_argument("--keep", action="store_true", help="leave httpd and PostgreSQL running")
    args = ap.parse_args()
    for tool in ("wrk", HTTPD):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing (make bench installs it)")
    Bench(args).run()


if __name__ == "__main__":
    main()
