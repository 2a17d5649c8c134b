"""Shared helpers of the API tests: request bodies modelled on the golden
exchanges (../../reference exchanges 02), timestamp checks and SQL counts."""

import copy
import re

TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$")
JSON = "application/json"

INSUFFICIENT = {"detail": "Insufficient permissions"}
EXEC_NOT_FOUND = {"detail": "TestExecution not found"}

ENV_RPI4 = "gc-env-rpi4"
ENV_LXD = "gc-env-lxd"
PLAN = "gc-plan"

SNAP = {
    "family": "snap",
    "name": "gc-snap",
    "version": "1.0.0",
    "revision": 101,
    "track": "latest",
    "store": "ubuntu",
    "branch": "",
    "arch": "amd64",
    "execution_stage": "beta",
    "environment": ENV_RPI4,
    "ci_link": "https://jenkins.example.com/job/t/snap-1",
    "test_plan": PLAN,
    "initial_status": "IN_PROGRESS",
    "relevant_links": [{"label": "Build log", "url": "https://example.com/build/r8"}],
    "needs_assignment": False,
}

DEB = {
    "family": "deb",
    "name": "gc-deb",
    "version": "2.0-1ubuntu1",
    "arch": "amd64",
    "series": "noble",
    "repo": "main",
    "source": "",
    "execution_stage": "proposed",
    "environment": ENV_RPI4,
    "ci_link": "https://jenkins.example.com/job/t/deb-1",
    "test_plan": PLAN,
    "initial_status": "NOT_STARTED",
    "relevant_links": [{"label": "Changelog", "url": "https://launchpad.net/ubuntu/+source/x"}],
    "needs_assignment": False,
}

DEB_PPA = {
    "family": "deb",
    "name": "gc-deb-ppa",
    "version": "3.0~ppa1",
    "arch": "arm64",
    "series": "jammy",
    "repo": "ppa:team/ppa-name",
    "source": "hello",
    "environment": ENV_LXD,
    "test_plan": PLAN,
}

CHARM = {
    "family": "charm",
    "name": "gc-charm",
    "version": "14/edge",
    "revision": 555,
    "track": "14",
    "branch": "fix-1",
    "arch": "amd64",
    "execution_stage": "edge",
    "environment": ENV_LXD,
    "ci_link": "https://jenkins.example.com/job/t/charm-1",
    "test_plan": PLAN,
    "initial_status": "IN_PROGRESS",
    "relevant_links": [],
    "needs_assignment": False,
}

SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

IMAGE = {
    "family": "image",
    "name": "gc-image",
    "version": "20260101",
    "arch": "amd64",
    "environment": ENV_RPI4,
    "ci_link": "https://jenkins.example.com/job/t/image-1",
    "test_plan": PLAN,
    "initial_status": "IN_PROGRESS",
    "relevant_links": [],
    "needs_assignment": False,
    "execution_stage": "pending",
    "os": "ubuntu",
    "release": "noble",
    "sha256": SHA256,
    "owner": "canonical",
    "image_url": "https://cdimage.example.com/r8/noble.img.xz",
}

SOLUTION = {
    "family": "solution",
    "name": "gc-solution",
    "version": "1.2",
    "arch": "amd64",
    "track": "latest",
    "source": "custom-repo",
    "execution_stage": "candidate",
    "environment": ENV_RPI4,
    "ci_link": "https://jenkins.example.com/job/t/solution-1",
    "test_plan": PLAN,
    "initial_status": "IN_PROGRESS",
    "relevant_links": [{"label": "Spec", "url": "https://example.com/spec"}],
    "needs_assignment": False,
}


def body(base, drop=(), **changes):
    """A copy of base with changes applied and the keys in drop removed."""
    out = copy.deepcopy(base)
    out.update(changes)
    for key in drop:
        out.pop(key, None)
    return out


def start(client, base, drop=(), **changes):
    """PUT start-test; asserts 200 {"id": int} and returns the id."""
    r = client.put("/v1/test-executions/start-test", json=body(base, drop, **changes))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == JSON
    data = r.json()
    assert list(data) == ["id"] and isinstance(data["id"], int), data
    return data["id"]


def post_results(client, te_id, results):
    r = client.post(f"/v1/test-executions/{te_id}/test-results", json=results)
    assert r.status_code == 200, r.text
    assert r.json() is None
    return r


def is_ts(value):
    return isinstance(value, str) and TS_RE.match(value) is not None


def mask_ts(obj, keys=("created_at",)):
    """Checks every timestamp under keys (recursively) and replaces it by
    "<datetime>", so a whole answer can be compared with an exchange."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k in keys and v is not None:
                assert is_ts(v), f"{k}={v!r} is not a naive ISO timestamp"
                out[k] = "<datetime>"
            else:
                out[k] = mask_ts(v, keys)
        return out
    if isinstance(obj, list):
        return [mask_ts(v, keys) for v in obj]
    return obj


def count(pg, table, where="true"):
    return int(pg.psql(f"SELECT count(*) FROM {table} WHERE {where}"))


def validation(type_, loc, msg, input_, ctx=None):
    """One entry of a FastAPI validation error list, in FastAPI's key order."""
    entry = {"type": type_, "loc": loc, "msg": msg, "input": input_}
    if ctx is not None:
        entry["ctx"] = ctx
    return entry


def artefact_shape(**fields):
    """The full artefact answer with upstream's defaults and key order;
    fields override them."""
    base = {
        "id": None, "name": "", "version": "", "track": "", "store": "", "branch": "",
        "series": "", "repo": "", "source": "", "os": "", "release": "", "owner": "",
        "sha256": "", "image_url": "", "stage": "", "family": "", "status": "UNDECIDED",
        "comment": "", "archived": False, "reviewers": [], "due_date": None,
        "created_at": "<datetime>", "bug_link": "", "jira_issue": None,
        "all_environment_reviews_count": 1, "completed_environment_reviews_count": 0,
        "bundled_builds": [], "assignee": None,
    }
    unknown = set(fields) - set(base)
    assert not unknown, unknown
    base.update(fields)
    return base


def execution_shape(**fields):
    """A test execution answer with upstream's defaults and key order."""
    base = {
        "id": None, "ci_link": None, "c3_link": None, "relevant_links": [],
        "environment": None, "status": "IN_PROGRESS", "test_plan": PLAN,
        "created_at": "<datetime>", "execution_metadata": {}, "is_triaged": True,
        "is_rerun_requested": False, "rerun_priority": None,
    }
    unknown = set(fields) - set(base)
    assert not unknown, unknown
    base.update(fields)
    return base


def env_id(pg, name, arch="amd64"):
    return int(pg.psql(f"SELECT id FROM environment WHERE name = '{name}' AND architecture = '{arch}'"))


def link_ids(pg, te_id):
    out = pg.psql(f"SELECT id FROM test_execution_relevant_link WHERE test_execution_id = {te_id} ORDER BY id")
    return [int(x) for x in out.split()] if out else []
