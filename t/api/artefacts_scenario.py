"""The artefacts of ../shared/reference/exchanges/09-artefacts.txt, made
through start-test, and helpers to compare answers with upstream's shapes
(key order included). Used by test_80_artefacts_patch.py and
test_81_artefacts_more.py."""

import re

RUN = "c17af640"  # stands for the exchanges' UUID1
DT = object()  # a server-made timestamp
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$")


def match(actual, expected, path="$"):
    """actual equals expected, key order and JSON types included; DT
    accepts any naive ISO timestamp as upstream writes them."""
    if expected is DT:
        assert isinstance(actual, str) and TS_RE.match(actual), f"{path}: {actual!r}"
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r}"
        assert list(actual) == list(expected), f"{path}: keys {list(actual)} != {list(expected)}"
        for key, value in expected.items():
            match(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), \
            f"{path}: {actual!r} != {expected!r}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            match(a, e, f"{path}[{i}]")
    else:
        assert type(actual) is type(expected) and actual == expected, \
            f"{path}: {actual!r} != {expected!r}"


def answer(r, status, expected):
    """The answer has the status and the body (compact JSON, as upstream)."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    match(r.json(), expected)


def reviewer(user):
    return {"id": user["id"], "launchpad_handle": None, "email": user["email"],
            "launchpad_email": user["email"], "name": user["name"]}


def artefact(id, name, version, family, stage, *, track="", store="", branch="", series="",
             repo="", source="", os="", release="", owner="", sha256="", image_url="",
             status="UNDECIDED", comment="", archived=False, reviewers=(), jira_issue=None,
             all_reviews=1, completed=0, bundled_builds=()):
    """ArtefactResponse in upstream's key order."""
    reviewers = [reviewer(u) for u in reviewers]
    return {
        "id": id, "name": name, "version": version, "track": track, "store": store,
        "branch": branch, "series": series, "repo": repo, "source": source, "os": os,
        "release": release, "owner": owner, "sha256": sha256, "image_url": image_url,
        "stage": stage, "family": family, "status": status, "comment": comment,
        "archived": archived, "reviewers": reviewers, "due_date": None, "created_at": DT,
        "bug_link": "", "jira_issue": jira_issue, "all_environment_reviews_count": all_reviews,
        "completed_environment_reviews_count": completed, "bundled_builds": list(bundled_builds),
        "assignee": reviewers[0] if reviewers else None,
    }


def start(api, **body):
    r = api.put("/v1/test-executions/start-test", json=body)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def snap_body(version, revision, ci, **extra):
    body = {"family": "snap", "name": f"gc-snap-{RUN}", "version": version, "revision": revision,
            "track": "latest", "store": "ubuntu", "branch": "", "arch": "amd64",
            "execution_stage": "beta", "environment": f"gc-env-rpi4-{RUN}",
            "ci_link": f"https://jenkins.example.com/job/{RUN}/{ci}",
            "test_plan": f"gc-plan-{RUN}"}
    body.update(extra)
    return body


def build_scenario(api, pg):
    """Creates the scenario's artefacts; returns their ids by the exchanges'
    names (a_snap, a_snap_v1, a_deb, a_ppa, a_charm, a_image, a_solution,
    b_snap_amd64, b_charm_amd64)."""
    start(api, **snap_body("1.0.0", 101, "snap-1"))
    start(api, **snap_body("1.0.1", 102, "snap-2"))
    for env, ci in (("rpi4", "deb-1"), ("lxd", "deb-2")):
        start(api, family="deb", name=f"gc-deb-{RUN}", version="2.0-1ubuntu1", arch="amd64",
              series="noble", repo="main", source="", execution_stage="proposed",
              environment=f"gc-env-{env}-{RUN}",
              ci_link=f"https://jenkins.example.com/job/{RUN}/{ci}", test_plan=f"gc-plan-{RUN}")
    start(api, family="deb", name=f"gc-deb-ppa-{RUN}", version="3.0~ppa1", arch="arm64",
          series="jammy", repo="ppa:team/ppa-name", source="hello",
          environment=f"gc-env-lxd-{RUN}", test_plan=f"gc-plan-{RUN}")
    start(api, family="charm", name=f"gc-charm-{RUN}", version="14/edge", revision=555,
          track="14", branch="fix-1", arch="amd64", execution_stage="edge",
          environment=f"gc-env-lxd-{RUN}",
          ci_link=f"https://jenkins.example.com/job/{RUN}/charm-1", test_plan=f"gc-plan-{RUN}")
    start(api, family="image", name=f"gc-image-{RUN}", version="20260101", arch="amd64",
          environment=f"gc-env-rpi4-{RUN}", test_plan=f"gc-plan-{RUN}",
          execution_stage="pending", os="ubuntu", release="noble", sha256=f"sha-{RUN}",
          owner="canonical", image_url=f"https://cdimage.example.com/{RUN}/noble.img.xz")
    start(api, family="solution", name=f"gc-solution-{RUN}", version="1.2", arch="amd64",
          track="latest", source="custom-repo", execution_stage="candidate",
          environment=f"gc-env-rpi4-{RUN}",
          ci_link=f"https://jenkins.example.com/job/{RUN}/solution-1",
          test_plan=f"gc-plan-{RUN}")
    ids = {}
    for key, where in (("a_snap_v1", f"name = 'gc-snap-{RUN}' AND version = '1.0.0'"),
                       ("a_snap", f"name = 'gc-snap-{RUN}' AND version = '1.0.1'"),
                       ("a_deb", f"name = 'gc-deb-{RUN}'"),
                       ("a_ppa", f"name = 'gc-deb-ppa-{RUN}'"),
                       ("a_charm", f"name = 'gc-charm-{RUN}'"),
                       ("a_image", f"name = 'gc-image-{RUN}'"),
                       ("a_solution", f"name = 'gc-solution-{RUN}'")):
        ids[key] = int(pg.psql(f"SELECT id FROM artefact WHERE {where}"))
    for key, artefact_key in (("b_snap_amd64", "a_snap"), ("b_charm_amd64", "a_charm")):
        ids[key] = int(pg.psql(f"SELECT id FROM artefact_build WHERE artefact_id = "
                               f"{ids[artefact_key]} AND architecture = 'amd64'"))
    return ids


def deb(ids, **kw):
    kw.setdefault("all_reviews", 2)
    return artefact(ids["a_deb"], f"gc-deb-{RUN}", "2.0-1ubuntu1", "deb", kw.pop("stage", "proposed"),
                    series="noble", repo="main", **kw)


def solution(ids, **kw):
    return artefact(ids["a_solution"], f"gc-solution-{RUN}", "1.2", "solution",
                    kw.pop("stage", "candidate"), track="latest", source="custom-repo", **kw)


def add_user(pg, email, name=None):
    """An app_user row (users come from SAML login upstream)."""
    uid = int(pg.psql(f"INSERT INTO app_user (email, name, created_at, updated_at) VALUES"
                      f" ('{email}', '{name or email.split('@')[0]}', now(), now()) RETURNING id"))
    return {"id": uid, "email": email, "name": name or email.split("@")[0]}
