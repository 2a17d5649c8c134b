"""Schema migrations and the admin tool, against a real PostgreSQL.

Fixtures from conftest.py: pg (dsn, createdb, env, bindir), repo,
migrate_bin, admin_bin.
"""

import difflib
import os
import re
import shutil
import subprocess
import uuid

import pytest

HEAD = "eba1d1c92dba"
KEY_RE = re.compile(r"^to_[A-Za-z0-9_-]{43}$")


def fresh_db(pg, what):
    return pg.createdb(f"{what}_{uuid.uuid4().hex[:8]}")


def tool_env():
    """Our environment without the tools' own defaults, so only the
    arguments of each call count."""
    env = dict(os.environ)
    env.pop("TESTOBSERVER_DSN", None)
    env.pop("TESTOBSERVER_SQL_DIR", None)
    return env


def run(*args):
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=tool_env(), timeout=120
    )


def migrate(migrate_bin, dsn, sql_dir, *args):
    return run(migrate_bin, "--dsn", dsn, "--dir", sql_dir, *args)


def ok(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def psql(pg, dsn, sql):
    proc = subprocess.run(
        [os.path.join(str(pg.bindir), "psql"), "-X", "-q", "-A", "-t",
         "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", sql],
        capture_output=True, text=True, env={**os.environ, **pg.env}, timeout=60,
    )
    return ok(proc).strip()


def normalise(dump):
    """A schema dump without comments, settings, ownership and privileges."""
    skip = ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict",
            "GRANT ", "REVOKE ")
    lines = []
    for line in dump.splitlines():
        line = line.rstrip()
        if not line or line.startswith(skip) or " OWNER TO " in line:
            continue
        lines.append(line)
    return lines


def schema_of(pg, dsn):
    proc = subprocess.run(
        [os.path.join(str(pg.bindir), "pg_dump"), "--schema-only", "--no-owner",
         "--no-privileges", "-d", dsn],
        capture_output=True, text=True, env={**os.environ, **pg.env}, timeout=120,
    )
    return normalise(ok(proc))


@pytest.fixture
def reference(repo):
    return repo.parent / "shared/reference/upstream-schema.sql"


@pytest.fixture
def sql_dir(repo):
    return repo / "sql"


def assert_same_schema(got, reference):
    want = normalise(reference.read_text())
    if got != want:
        diff = "\n".join(difflib.unified_diff(
            want, got, "upstream-schema.sql", "migrated", lineterm=""))
        pytest.fail("schema differs from upstream's:\n" + diff)


def test_fresh_upgrade_builds_upstream_schema(pg, migrate_bin, sql_dir, reference):
    dsn = fresh_db(pg, "fresh")
    out = ok(migrate(migrate_bin, dsn, sql_dir, "upgrade"))
    assert f"applied {HEAD}" in out
    assert_same_schema(schema_of(pg, dsn), reference)
    assert psql(pg, dsn, "SELECT version_num FROM alembic_version") == HEAD


def test_adopts_database_left_by_upstream(pg, migrate_bin, sql_dir, reference):
    dsn = fresh_db(pg, "adopt")
    ok(subprocess.run(
        [os.path.join(str(pg.bindir), "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
         "-d", dsn, "-f", str(reference)],
        capture_output=True, text=True, env={**os.environ, **pg.env}, timeout=120,
    ))
    psql(pg, dsn, f"INSERT INTO alembic_version VALUES ('{HEAD}')")

    out = ok(migrate(migrate_bin, dsn, sql_dir, "upgrade"))
    assert "applied" not in out
    assert f"nothing to apply: database is at {HEAD}" in out
    assert ok(migrate(migrate_bin, dsn, sql_dir, "current")).strip() == HEAD
    assert_same_schema(schema_of(pg, dsn), reference)


def test_current_history_and_second_upgrade(pg, migrate_bin, sql_dir):
    dsn = fresh_db(pg, "again")
    assert ok(migrate(migrate_bin, dsn, sql_dir, "current")).strip() == "(none)"
    assert re.search(rf"^\[ \] {HEAD}\b.*\(head\)$",
                     ok(migrate(migrate_bin, dsn, sql_dir, "history")), re.M)

    ok(migrate(migrate_bin, dsn, sql_dir, "upgrade"))
    out = ok(migrate(migrate_bin, dsn, sql_dir, "upgrade"))
    assert "applied" not in out and f"database is at {HEAD}" in out

    history = ok(migrate(migrate_bin, dsn, sql_dir, "history"))
    assert re.search(rf"^\[x\] {HEAD}  upstream schema at {HEAD}  \(current\)  \(head\)$",
                     history, re.M)
    assert ok(migrate(migrate_bin, dsn, sql_dir, "current")).strip() == HEAD
    assert psql(pg, dsn, "SELECT count(*) FROM alembic_version") == "1"


def test_history_without_database(migrate_bin, sql_dir):
    out = ok(run(migrate_bin, "--dir", sql_dir, "history"))
    assert re.search(rf"^{HEAD}  upstream schema at {HEAD}  \(head\)$", out, re.M)


def test_unknown_revision_in_database_fails(pg, migrate_bin, sql_dir):
    dsn = fresh_db(pg, "unknown")
    ok(migrate(migrate_bin, dsn, sql_dir, "upgrade"))
    psql(pg, dsn, "UPDATE alembic_version SET version_num = 'ffffffffffff'")
    proc = migrate(migrate_bin, dsn, sql_dir, "upgrade")
    assert proc.returncode == 1
    assert "ffffffffffff" in proc.stderr and "no migration file defines" in proc.stderr


def test_concurrent_upgrades_apply_once(pg, migrate_bin, sql_dir):
    dsn = fresh_db(pg, "race")
    procs = [subprocess.Popen(
        [str(migrate_bin), "--dsn", dsn, "--dir", str(sql_dir), "upgrade"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=tool_env())
        for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert sum(out.count(f"applied {HEAD}") for out, _ in outs) == 1


def test_revision_writes_next_migration(pg, migrate_bin, sql_dir, tmp_path):
    work = tmp_path / "sql"
    shutil.copytree(sql_dir, work)
    path = ok(run(migrate_bin, "--dir", work, "revision", "-m", "Add widgets: 50% off")).strip()
    assert re.fullmatch(rf"{re.escape(str(work))}/0002_([0-9a-f]{{12}})_add_widgets_50_off\.sql",
                        path)
    rev = re.search(r"0002_([0-9a-f]{12})_", path).group(1)
    text = open(path).read()
    assert text.startswith(f"-- revision: {rev}\n-- down_revision: {HEAD}\n"
                           "-- message: Add widgets: 50% off\n")

    # '%' in a migration reaches the server untouched.
    with open(path, "a") as f:
        f.write("CREATE TABLE widget (label text DEFAULT '50%', rest int DEFAULT 7 % 3);\n")
    dsn = fresh_db(pg, "rev")
    out = ok(migrate(migrate_bin, dsn, work, "upgrade"))
    assert out.index(f"applied {HEAD}") < out.index(f"applied {rev}")
    assert psql(pg, dsn, "INSERT INTO widget DEFAULT VALUES RETURNING label, rest") == "50%|1"
    assert ok(migrate(migrate_bin, dsn, work, "current")).strip() == rev


def test_failed_migration_is_rolled_back(pg, migrate_bin, sql_dir, tmp_path):
    work = tmp_path / "sql"
    shutil.copytree(sql_dir, work)
    path = ok(run(migrate_bin, "--dir", work, "revision", "-m", "broken")).strip()
    with open(path, "a") as f:
        f.write("CREATE TABLE half (a int);\nCREATE TABLE half (a int);\n")
    dsn = fresh_db(pg, "broken")
    proc = migrate(migrate_bin, dsn, work, "upgrade")
    assert proc.returncode == 1
    assert "broken.sql failed and was rolled back" in proc.stderr
    assert ok(migrate(migrate_bin, dsn, work, "current")).strip() == HEAD
    assert psql(pg, dsn, "SELECT to_regclass('half') IS NULL") == "t"


@pytest.fixture
def app_db(pg, migrate_bin, repo):
    dsn = fresh_db(pg, "admin")
    ok(migrate(migrate_bin, dsn, repo / "sql", "upgrade"))
    return dsn


def add_application(admin_bin, dsn, *args):
    return run(admin_bin, "--dsn", dsn, "add-application", *args)


def test_add_application_prints_key(pg, admin_bin, app_db):
    key = ok(add_application(admin_bin, app_db, "ci-bot", "change_test, view_test"))
    assert KEY_RE.match(key.rstrip("\n")) and key.count("\n") == 1
    row = psql(pg, app_db, "SELECT permissions::text, api_key, created_at IS NOT NULL"
                           " FROM application WHERE name = 'ci-bot'")
    assert row == f"{{change_test,view_test}}|{key.strip()}|t"


def test_add_application_refuses_duplicate_name(pg, admin_bin, app_db):
    key = ok(add_application(admin_bin, app_db, "dup", "view_test")).strip()
    proc = add_application(admin_bin, app_db, "dup", "change_test")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "already exists" in proc.stderr
    assert psql(pg, app_db, "SELECT permissions::text, api_key FROM application"
                            " WHERE name = 'dup'") == f"{{view_test}}|{key}"


def test_add_application_replace_keeps_key(pg, admin_bin, app_db):
    key = ok(add_application(admin_bin, app_db, "swap", "view_test")).strip()
    again = ok(add_application(admin_bin, app_db, "--replace", "swap", "all")).strip()
    assert again == key
    assert psql(pg, app_db,
                "SELECT permissions = enum_range(NULL::permission) FROM application"
                " WHERE name = 'swap'") == "t"


def test_add_application_binds_values(pg, admin_bin, app_db):
    name = "o'brien\"; DROP TABLE application; --"
    ok(add_application(admin_bin, app_db, name, "view_artefact"))
    assert psql(pg, app_db, "SELECT count(*) FROM application"
                            " WHERE name = 'o''brien\"; DROP TABLE application; --'") == "1"


@pytest.mark.parametrize("perms", ["no_such_permission", "View-Test", ","])
def test_add_application_rejects_bad_permissions(pg, admin_bin, app_db, perms):
    proc = add_application(admin_bin, app_db, f"bad-{uuid.uuid4().hex[:6]}", perms)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "permission" in proc.stderr
