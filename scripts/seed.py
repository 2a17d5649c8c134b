#!/usr/bin/python3
"""seed.py: fills a running mod_testobserver with realistic data, through its API.

What upstream's scripts/seed_data.py shows by hand, generated at scale: artefacts
of the five families, each line of releases in several versions and stages, their
builds, environments and test plans; test executions with passed, failed and
skipped results (posted in batches), relevant links, metadata, Testflinger events,
C3 submissions and completed statuses; then decided environment reviews, artefact
statuses, reported issues and rerun requests.

    scripts/seed.py [--base URL] [--key KEY | --dsn DSN] [--size small|medium|large]

The API key comes from --key (or TO_API_KEY); given only the DSN (--dsn or
TO_DSN), an application holding every permission is created with
./testobserver-admin. The DSN also enables what the API cannot do: reviewers
(app_user rows), due dates and bug links, and rerun requests while their
endpoint answers 501.

The data is a function of --seed and --size; database ids depend on the order in
which the --threads workers are served. The last line printed is
`SEED {json}`: counts and timings, for scripts/bench.py.
"""

import argparse
import hashlib
import http.client
import json
import os
import pathlib
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date, datetime, timedelta, timezone

REPO = pathlib.Path(__file__).resolve().parents[1]

# artefacts, executions, results; big_plan: the size of the one test plan run
# in full certification (its results go in batches of --batch), big_share:
# the fraction of executions running it.
SIZES = {
    "small": dict(artefacts=300, executions=3000, results=60000, big_plan=2000, big_share=0.002,
                  environments=60),
    # between the two: a fifth of large's results, a scale run that seeds in minutes
    "medium": dict(artefacts=1000, executions=20000, results=1000000, big_plan=10000,
                   big_share=0.004, environments=200),
    "large": dict(artefacts=1000, executions=50000, results=5000000, big_plan=10000,
                  big_share=0.004, environments=200),
}

FAMILY_SHARE = [("snap", 0.35), ("deb", 0.25), ("charm", 0.15), ("image", 0.15), ("solution", 0.10)]

# ---- the catalogue: names the generated lines of releases draw from ----

SNAP_LINES = [("core22", "22"), ("core24", "24"), ("snapd", "latest"), ("bluez", "22"),
              ("docker", "latest"), ("docker", "core18"), ("checkbox22", "latest"),
              ("network-manager", "22"), ("pulseaudio", "latest"), ("modem-manager", "20"),
              ("avahi", "22"), ("wpa-supplicant", "22"), ("pi-kernel", "22"), ("pc-kernel", "24"),
              ("core20", "20"), ("gadget-pi", "22"), ("checkbox24", "latest"), ("lxd", "5.21")]
DEB_LINES = [("linux-raspi", "jammy"), ("linux-raspi", "noble"), ("linux-generic", "jammy"),
             ("linux-generic", "noble"), ("linux-oem-6.8", "noble"), ("systemd", "noble"),
             ("openssh", "jammy"), ("hello", "noble"), ("network-manager", "jammy"),
             ("linux-nvidia", "jammy"), ("linux-intel-iotg", "jammy"), ("firmware-sof", "noble")]
CHARM_LINES = [("postgresql-k8s", "14"), ("mysql-k8s", "8.0"), ("kafka", "3"), ("opensearch", "2"),
               ("mongodb-k8s", "6"), ("redis-k8s", "latest"), ("traefik-k8s", "latest"),
               ("grafana-k8s", "latest"), ("prometheus-k8s", "latest"), ("zookeeper", "3")]
IMAGE_LINES = [("noble-live-desktop-amd64", "ubuntu", "noble", "amd64", "foundations"),
               ("jammy-live-server-amd64", "ubuntu", "jammy", "amd64", "foundations"),
               ("ubuntu-core-22-arm64-raspi", "ubuntu-core", "22", "arm64", "snapd"),
               ("ubuntu-core-24-amd64", "ubuntu-core", "24", "amd64", "snapd"),
               ("noble-preinstalled-server-arm64-raspi", "ubuntu", "noble", "arm64", "foundations"),
               ("oracular-live-desktop-amd64", "ubuntu", "oracular", "amd64", "foundations")]
SOLUTION_LINES = [("openstack-sunbeam", "charmhub", "2024.1"), ("canonical-k8s", "charmhub", "1.31"),
                  ("charmed-kubeflow", "charmhub", "1.9"), ("landscape-server", "charmhub", "24.04"),
                  ("maas", "snapstore", "3.5")]

DEVICES = [("rpi2", "armhf"), ("rpi3aplus", "armhf"), ("rpi3bplus", "arm64"), ("rpi4", "arm64"),
           ("rpi400", "arm64"), ("rpi5", "arm64"), ("cm3", "arm64"), ("cm4", "arm64"),
           ("dragonboard", "arm64"), ("dawson-i", "amd64"), ("xps-13-9310", "amd64"),
           ("thinkpad-x1-carbon-g11", "amd64"), ("nuc-11", "amd64"), ("nuc-13", "amd64"),
           ("imx8mm-evk", "arm64"), ("jetson-orin", "arm64"), ("beaglebone", "armhf")]
CLOUD_ENVS = ["juju=3.5 ubuntu=22.04 cloud=k8s", "juju=3.6 ubuntu=24.04 cloud=k8s",
              "juju=3.5 ubuntu=22.04 cloud=lxd", "juju=3.6 ubuntu=24.04 cloud=aws",
              "juju=3.4 ubuntu=22.04 cloud=openstack", "juju=3.6 ubuntu=24.04 cloud=azure"]
CATEGORIES = ["audio", "bluetooth", "camera", "cpu", "disk", "ethernet", "graphics", "memory",
              "networking", "power-management", "suspend", "usb", "wireless", "snapd", "docker",
              "kernel", "serial", "watchdog", "gpio", "i2c", "firmware", "tpm", "secure-boot"]
WORDS = ["detect", "loopback", "playback", "capture", "stress", "resume", "scan", "pair",
         "throughput", "latency", "mount", "read-write", "hotplug", "smoke", "install", "refresh",
         "revert", "reboot", "boot-time", "checksum", "bandwidth", "enumerate", "power-cycle"]
ISSUE_URLS = ["https://github.com/canonical/checkbox/issues/{n}",
              "https://bugs.launchpad.net/ubuntu/+source/linux/+bug/{n}",
              "https://warthogs.atlassian.net/browse/TO-{n}"]
DECISIONS = ["APPROVED_ALL_TESTS_PASS"] * 12 + ["APPROVED_INCONSISTENT_TEST"] * 3 + \
            ["APPROVED_UNSTABLE_PHYSICAL_INFRA", "APPROVED_FAULTY_HARDWARE",
             "APPROVED_CUSTOMER_PREREQUISITE_FAIL"] + ["REJECTED"]
REVIEWERS = [("Alice Reviewer", "alice.reviewer@example.com", "alice-r"),
             ("Bob Tester", "bob.tester@example.com", "bobt"),
             ("Carol Certifier", "carol.certifier@example.com", "carolc"),
             ("Dan Kernel", "dan.kernel@example.com", None),
             ("Erin Snaps", "erin.snaps@example.com", "erin")]


class ApiError(Exception):
    pass


class Api:
    """A keep-alive HTTP client per thread (http.client: the lightest at hand)."""

    def __init__(self, base, key):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.prefix = u.path.rstrip("/")
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        self.local = threading.local()
        self.count = 0
        self.lock = threading.Lock()

    def _conn(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)
        return conn

    def call(self, method, path, body=None, ok=(200,)):
        """Returns (status, parsed JSON). Requests are retried once on a lost
        connection: every one the seed makes can be repeated."""
        data = body if body is None or isinstance(body, (str, bytes)) else json.dumps(body)
        for attempt in (1, 2):
            conn = self._conn()
            try:
                conn.request(method, self.prefix + path, body=data, headers=self.headers)
                resp = conn.getresponse()
                payload = resp.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
                continue
            if resp.will_close:
                conn.close()
                self.local.conn = None
            with self.lock:
                self.count += 1
            if resp.status not in ok:
                raise ApiError(f"{method} {path}: {resp.status} {payload[:300]!r}")
            return resp.status, (json.loads(payload) if payload else None)


class Psql:
    """What the API cannot do, through psql (no driver needed)."""

    def __init__(self, dsn):
        self.dsn = dsn

    def run(self, sql):
        out = subprocess.run(["psql", self.dsn, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()


def lit(s):
    return "NULL" if s is None else "'" + str(s).replace("'", "''") + "'"


# ---- the plan of the data: pure, a function of the seed ----

class Plan:
    def __init__(self, size, seed):
        self.cfg = SIZES[size]
        self.rng = random.Random(seed)
        self.seed = seed
        self.environments = self._environments()
        self.lines = self._lines()
        self.artefacts = self._artefacts()
        self.test_plans = self._test_plans()
        self.executions = self._executions()
        self._size_plans()

    def _environments(self):
        """Environments per architecture: the named devices, then lab machines."""
        envs = {"amd64": [], "arm64": [], "armhf": []}
        for name, arch in DEVICES:
            envs[arch].append(name)
        n = len(DEVICES)
        archs = ["amd64", "arm64", "armhf", "amd64", "arm64"]
        i = 0
        while n < self.cfg["environments"] - len(CLOUD_ENVS):
            arch = archs[i % len(archs)]
            envs[arch].append(f"lab-{arch}-{i // len(archs) + 1:03d}")
            i += 1
            n += 1
        return envs

    def _lines(self):
        """Lines of releases per family, each with how many versions it gets."""
        total = self.cfg["artefacts"]
        per_line = 6 if total < 500 else 10
        lines = []
        for family, share in FAMILY_SHARE:
            count = round(total * share)
            nlines = max(1, round(count / per_line))
            catalogue = {"snap": SNAP_LINES, "deb": DEB_LINES, "charm": CHARM_LINES,
                         "image": IMAGE_LINES, "solution": SOLUTION_LINES}[family]
            for i in range(nlines):
                base = catalogue[i % len(catalogue)]
                n = count // nlines + (1 if i < count % nlines else 0)
                lines.append(self._line(family, base, i // len(catalogue), n, i))
        # the remainder of the rounding goes to the first snap line
        diff = total - sum(line["versions"] for line in lines)
        lines[0]["versions"] += diff
        return lines

    def _line(self, family, base, copy, versions, index):
        rng = self.rng
        suffix = f"-{copy + 1}" if copy else ""
        line = {"family": family, "versions": versions, "index": index}
        if family == "snap":
            name, track = base
            line.update(name=name + suffix, track=track, store="ubuntu",
                        branch="test-branch" if rng.random() < 0.1 else "",
                        archs=rng.sample(["amd64", "arm64", "armhf"], rng.choice([1, 2, 3])))
        elif family == "deb":
            name, series = base
            ppa = rng.random() < 0.15
            line.update(name=name + suffix, series=series,
                        repo="universe" if "hello" in name else "main",
                        source=f"ppa/{name}-testing" if ppa else "",
                        archs=rng.sample(["amd64", "arm64"], rng.choice([1, 2])))
        elif family == "charm":
            name, track = base
            line.update(name=name + suffix, track=track, branch="",
                        archs=["amd64"] if rng.random() < 0.7 else ["amd64", "arm64"])
        elif family == "image":
            name, os_, release, arch, owner = base
            line.update(name=name + suffix, os=os_, release=release, owner=owner, archs=[arch])
        else:
            name, source, track = base
            line.update(name=name + suffix, source=source, track=track, archs=["amd64"])
        return line

    def _artefacts(self):
        """Every version of every line, oldest first (creation order)."""
        arts = []
        start = date(2024, 1, 8)
        for line in self.lines:
            v = line["versions"]
            for i in range(v):
                day = start + timedelta(days=7 * i + line["index"] % 7)
                a = {"line": line, "i": i, "family": line["family"], "name": line["name"],
                     "stage": self._stage(line, i, v)}
                fam = line["family"]
                if fam == "snap":
                    a["version"] = day.strftime("%Y%m%d")
                    a["revision"] = 100 + 3 * i
                elif fam == "deb":
                    a["version"] = f"6.8.0-{40 + i}.{40 + i}"
                elif fam == "charm":
                    a["version"] = str(200 + 2 * i)
                    a["revision"] = 200 + 2 * i
                elif fam == "image":
                    a["version"] = day.strftime("%Y%m%d") + (".1" if i % 5 == 4 else "")
                    a["sha256"] = hashlib.sha256(f"{line['name']}/{a['version']}".encode()).hexdigest()
                else:
                    a["version"] = f"{line['track']}.{i}"
                a["day"] = day
                arts.append(a)
        # created in order of their dates, as CI would have
        arts.sort(key=lambda a: (a["day"], a["line"]["index"], a["family"]))
        return arts

    @staticmethod
    def _stage(line, i, v):
        """Older versions went further: stable/updates/current; the newest are
        at the first stages."""
        age = (v - 1 - i) / max(1, v - 1)
        fam = line["family"]
        if fam == "deb":
            if line["source"]:
                return ""
            return "proposed" if age < 0.3 else "updates"
        if fam == "image":
            return "pending" if age < 0.3 else "current"
        if age < 0.15:
            return "edge"
        if age < 0.3:
            return "beta"
        if age < 0.5:
            return "candidate"
        return "stable"

    def _test_plans(self):
        """Per family: plans with base sizes; the big one is the full run."""
        plans = {}
        prefixes = {"snap": "com.canonical.certification::client-cert-iot-ubuntucore",
                    "deb": "com.canonical.certification::sru",
                    "charm": "com.canonical.solutions-qa::charm",
                    "image": "com.canonical.certification::image",
                    "solution": "com.canonical.solutions-qa::solution"}
        kinds = [("smoke", 8, 0.30), ("automated", 25, 0.30), ("regression", 60, 0.20),
                 ("stress", 150, 0.15), ("extended", 400, 0.05)]
        for family, prefix in prefixes.items():
            plans[family] = [{"name": f"{prefix}-{kind}", "base": base, "weight": w, "big": False,
                              "family": family} for kind, base, w in kinds]
            plans[family].append({"name": f"{prefix}-full", "base": self.cfg["big_plan"],
                                  "weight": 0.0, "big": True, "family": family})
        return plans

    def _executions(self):
        """Executions per artefact (uneven, so that some artefacts are large),
        each on a combination (architecture, environment, plan) of its line so
        that versions repeat them and results have previous results."""
        rng = self.rng
        total = self.cfg["executions"]
        weights = [rng.lognormvariate(0, 0.8) for _ in self.artefacts]
        # one artefact is the dashboard's heavy one: core22's newest version
        heavy = max(range(len(self.artefacts)),
                    key=lambda k: (self.artefacts[k]["name"] == "core22", self.artefacts[k]["i"]))
        weights[heavy] = max(weights) * 6
        scale = total / sum(weights)
        counts = [max(1, int(w * scale)) for w in weights]
        k = 0
        while sum(counts) < total:
            counts[k % len(counts)] += 1
            k += 1
        while sum(counts) > total:
            j = max(range(len(counts)), key=lambda j: counts[j])
            counts[j] -= 1

        combos = {}
        for line in self.lines:
            combos[id(line)] = self._combos(line)
        big_left = round(total * self.cfg["big_share"])
        big_every = max(1, total // max(1, big_left))
        execs = []
        for a, n in zip(self.artefacts, counts):
            line_combos = combos[id(a["line"])]
            for j in range(n):
                arch, env, plan = line_combos[j % len(line_combos)]
                rerun = j // len(line_combos)
                e = {"artefact": a, "arch": arch, "environment": env, "plan": plan,
                     "rerun": rerun, "index": len(execs)}
                if big_left and len(execs) % big_every == big_every - 1:
                    e["plan"] = next(p for p in self.test_plans[a["family"]] if p["big"])
                    big_left -= 1
                execs.append(e)
        for e in execs:
            self._execution_details(e)
        return execs

    def _combos(self, line):
        rng = self.rng
        family = line["family"]
        plans = [p for p in self.test_plans[family] if not p["big"]]
        out = []
        for arch in line["archs"]:
            if family in ("charm", "solution"):
                envs = rng.sample(CLOUD_ENVS, rng.randint(2, 4))
            else:
                pool = self.environments[arch]
                envs = rng.sample(pool, min(len(pool), rng.randint(3, 12)))
            for env in envs:
                for plan in rng.choices(plans, weights=[p["weight"] for p in plans],
                                        k=rng.choice([1, 1, 2])):
                    out.append((arch, env, plan))
        rng.shuffle(out)
        return out

    def _execution_details(self, e):
        """The fate of the execution: how it ends and how much it reports."""
        rng = random.Random(self.seed * 1000003 + e["index"])
        a = e["artefact"]
        r = rng.random()
        fate = ("complete" if r < 0.83 else "end_test" if r < 0.89 else "in_progress" if r < 0.93
                else "ended_prematurely" if r < 0.96 else "not_started" if r < 0.98 else "not_tested")
        e["fate"] = fate
        e["fraction"] = {"complete": 1.0, "end_test": 1.0, "in_progress": 0.5,
                         "ended_prematurely": 0.3, "not_started": 0.0, "not_tested": 0.0}[fate]
        if fate != "end_test" and rng.random() < 0.02:
            e["ci_link"] = None
        else:
            e["ci_link"] = (f"https://jenkins.example.com/job/{a['family']}-{a['name']}/"
                            f"{a['i'] * 1000 + e['index'] % 997}-{e['index']}/")
        e["links"] = rng.random() < 0.2
        e["metadata"] = rng.random() < 0.1
        e["events"] = rng.random() < 0.05 and fate in ("complete", "in_progress")
        e["rerun_request"] = False

    def _size_plans(self):
        """Plan sizes: the big plan keeps its size; the others are scaled so
        that the results add up to the target."""
        big = sum(p["base"] * e["fraction"] for e in self.executions
                  for p in [e["plan"]] if p["big"])
        rest = sum(e["plan"]["base"] * e["fraction"] for e in self.executions if not e["plan"]["big"])
        factor = max(0.0, (self.cfg["results"] - big)) / rest if rest else 1.0
        for plans in self.test_plans.values():
            for p in plans:
                p["size"] = p["base"] if p["big"] else max(1, round(p["base"] * factor))
        for e in self.executions:
            e["nresults"] = int(e["plan"]["size"] * e["fraction"])


class Cases:
    """Test case names per family: a plan runs the first `size` of them, so
    the bigger plans contain the smaller ones (as checkbox plans nest)."""

    def __init__(self, seed):
        self.seed = seed
        self.names = {}
        self.fragments = {}
        self.lock = threading.Lock()

    def names_of(self, family, n):
        with self.lock:
            have = self.names.setdefault(family, [])
            rng = random.Random(f"{self.seed}/{family}/{len(have)}")
            while len(have) < n:
                k = len(have)
                cat = CATEGORIES[(k * 7 + len(family)) % len(CATEGORIES)]
                word = WORDS[rng.randrange(len(WORDS))]
                have.append((f"{cat}/{word}-{family}-{k:05d}", cat))
            return have[:n]


def template_id(name):
    """The checkbox job template a generated case name comes from."""
    cat, rest = name.split("/", 1)
    return f"com.canonical.certification::{cat}/{rest.rsplit('-', 2)[0]}"


IO_LOG = ("Traceback (most recent call last):\n  File \"/snap/checkbox/current/bin/{w}\", line {l},"
          " in main\n    run_{w}(device)\nRuntimeError: {w} failed on {env}: timeout after {t} s\n")


def result_statuses(e, names):
    """Status of each result: stable per (case, environment), with some
    flakiness per execution."""
    rng = random.Random(e["index"] * 7919 + 17)
    env = e["environment"]
    out = []
    for name, cat in names:
        h = int(hashlib.md5(f"{name}|{env}".encode()).hexdigest()[:8], 16)
        if h % 41 == 0:
            st = "SKIPPED"
        elif h % 97 == 0:
            st = "FAILED" if rng.random() < 0.8 else "PASSED"  # broken here
        elif rng.random() < 0.015:
            st = "FAILED"  # flaky
        elif rng.random() < 0.02:
            st = "SKIPPED"
        else:
            st = "PASSED"
        out.append(st)
    return out


def results_json(e, names, statuses, c3=False):
    """The results as JSON text, built from pieces (json.dumps of a list of
    dicts would dominate the client's time for millions of results)."""
    parts = []
    env = e["environment"]
    c3_status = {"PASSED": "pass", "FAILED": "fail", "SKIPPED": "skip"}
    for (name, cat), st in zip(names, statuses):
        if c3:
            comment, io_log = "", ""
            if st == "FAILED":
                io_log = IO_LOG.format(w=name.split("/")[1], l=len(name), env=env, t=30)
            parts.append(json.dumps({"name": name, "template_id": template_id(name),
                                     "status": c3_status[st], "category": cat,
                                     "comment": comment, "io_log": io_log}))
        elif st == "PASSED":
            parts.append(f'{{"name":"{name}","status":"PASSED","category":"{cat}"}}')
        elif st == "SKIPPED":
            parts.append(f'{{"name":"{name}","status":"SKIPPED","category":"{cat}",'
                         f'"comment":"job cannot be started: resource unavailable"}}')
        else:
            log = json.dumps(IO_LOG.format(w=name.split("/")[1], l=len(name), env=env, t=30))
            parts.append(f'{{"name":"{name}","status":"FAILED","category":"{cat}",'
                         f'"template_id":"{template_id(name)}","comment":"see io_log",'
                         f'"io_log":{log}}}')
    return "[" + ",".join(parts) + "]"


def start_body(e):
    a = e["artefact"]
    line = a["line"]
    fam = a["family"]
    body = {"family": fam, "name": a["name"], "version": a["version"], "arch": e["arch"],
            "environment": e["environment"], "test_plan": e["plan"]["name"],
            "ci_link": e["ci_link"]}
    if fam == "snap":
        body.update(revision=a["revision"], track=line["track"], store=line["store"],
                    branch=line["branch"], execution_stage=a["stage"])
    elif fam == "deb":
        body.update(series=line["series"], repo=line["repo"])
        if line["source"]:
            body["source"] = line["source"]
        else:
            body["execution_stage"] = a["stage"]
    elif fam == "charm":
        body.update(revision=a["revision"], track=line["track"], execution_stage=a["stage"])
    elif fam == "image":
        body.update(os=line["os"], release=line["release"], sha256=a["sha256"],
                    owner=line["owner"], execution_stage=a["stage"],
                    image_url=(f"https://cdimage.ubuntu.com/{line['release']}/daily-live/"
                               f"{a['version']}/{a['name']}.iso"))
    else:
        body.update(track=line["track"], source=line["source"], execution_stage=a["stage"])
    if e["fate"] == "not_started":
        body["initial_status"] = "NOT_STARTED"
    if e["links"]:
        body["relevant_links"] = [
            {"label": "Build log", "url": f"https://ci.example.com/builds/{e['index']}/log"},
            {"label": "Device spec", "url": f"https://certification.example.com/hw/{e['environment']}"}]
    return body


class Seeder:
    def __init__(self, api, plan, cases, batch, threads, psql=None):
        self.api = api
        self.plan = plan
        self.cases = cases
        self.batch = batch
        self.threads = threads
        self.psql = psql
        self.results_posted = 0
        self.lock = threading.Lock()
        self.notes = []
        self.timings = {}

    def progress(self, label, done, total, t0):
        el = time.time() - t0
        with self.lock:
            r = self.results_posted
        print(f"  {label}: {done}/{total} in {el:.0f} s, {r} results ({r / max(el, 1e-9):.0f}/s), "
              f"{self.api.count} requests", file=sys.stderr, flush=True)

    def run_pool(self, label, fn, items):
        t0 = time.time()
        last = t0
        with ThreadPoolExecutor(self.threads) as pool:
            futures = [pool.submit(fn, it) for it in items]
            for n, f in enumerate(as_completed(futures), 1):
                f.result()
                if time.time() - last > 10:
                    last = time.time()
                    self.progress(label, n, len(items), t0)
        self.timings[label] = round(time.time() - t0, 2)

    def start(self, e):
        _, out = self.api.call("PUT", "/v1/test-executions/start-test", start_body(e))
        e["id"] = out["id"]

    def execution(self, e):
        if "id" not in e:
            self.start(e)
        te = e["id"]
        names = self.cases.names_of(e["artefact"]["family"], e["nresults"])
        statuses = result_statuses(e, names)
        if e["fate"] == "end_test":
            body = ('{"ci_link":' + json.dumps(e["ci_link"]) +
                    ',"c3_link":"https://certification.example.com/submissions/' + str(e["index"]) +
                    '/","checkbox_version":"4.2.0","test_results":' +
                    results_json(e, names, statuses, c3=True) + "}")
            self.api.call("PUT", "/v1/test-executions/end-test", body)
        else:
            for i in range(0, len(names), self.batch):
                chunk = slice(i, i + self.batch)
                self.api.call("POST", f"/v1/test-executions/{te}/test-results",
                              results_json(e, names[chunk], statuses[chunk]))
        with self.lock:
            self.results_posted += len(names)
        if e["events"]:
            t = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=e["index"])
            events = [("job_start", f"https://testflinger.example.com/jobs/{e['index']}"),
                      ("provision_start", ""), ("provision_success", ""), ("test_start", "")]
            if e["fate"] == "complete":
                events += [("test_success", ""), ("job_end", "")]
            self.api.call("PUT", f"/v1/test-executions/{te}/status_update", {"events": [
                {"event_name": n, "timestamp": (t + timedelta(minutes=5 * k)).isoformat(), "detail": d}
                for k, (n, d) in enumerate(events)]})
        patch = {}
        if e["fate"] == "complete":
            patch["status"] = "COMPLETED"
        elif e["fate"] == "ended_prematurely":
            patch["status"] = "ENDED_PREMATURELY"
        elif e["fate"] == "not_tested":
            patch["status"] = "NOT_TESTED"
        if e["metadata"]:
            patch["execution_metadata"] = {
                "checkbox": [f"4.{e['index'] % 3}.0"], "kernel": [f"6.8.0-{40 + e['index'] % 9}"],
                "hardware": [e["environment"], e["arch"]]}
            if e["fate"] == "complete":
                patch["c3_link"] = f"https://certification.example.com/submissions/{e['index']}/"
        if patch:
            self.api.call("PATCH", f"/v1/test-executions/{te}", patch)

    def reviews(self, a):
        """Older versions: reviews decided, and most approved (all reviews
        approved) or marked as failed (one rejected, with a comment). Newer
        versions: a quarter of the reviews decided."""
        rng = random.Random(f"reviews/{a['id']}/{self.plan.seed}")
        _, reviews = self.api.call("GET", f"/v1/artefacts/{a['id']}/environment-reviews")
        old = a["stage"] in ("stable", "updates", "current") or (a["stage"] == "" and a["i"] < 3)
        r = rng.random()
        outcome = ("approve" if old and r < 0.7 else "fail" if old and r < 0.8
                   else "partial" if old else "some")
        patches = []
        for k, rev in enumerate(reviews):
            if outcome == "approve" or (outcome == "fail" and k > 0):
                d = rng.choice([x for x in DECISIONS if x != "REJECTED"])
            elif outcome == "fail":
                d = "REJECTED"
            elif rng.random() < (0.9 if outcome == "partial" else 0.25):
                d = rng.choice(DECISIONS)
            else:
                continue
            patches.append({"id": rev["id"], "review_decision": [d],
                            "review_comment": "" if d == "APPROVED_ALL_TESTS_PASS"
                            else f"{d.lower().replace('_', ' ')}: see the CI logs"})
        if patches:
            self.api.call("PATCH", f"/v1/artefacts/{a['id']}/environment-reviews", patches)
        body = {}
        if outcome == "approve" and reviews:
            body["status"] = "APPROVED"
        elif outcome == "fail" and reviews:
            body.update(status="MARKED_AS_FAILED", comment="regressions on several devices")
        if self.user_ids and rng.random() < 0.4:
            body["reviewer_ids"] = rng.sample(self.user_ids, rng.choice([1, 1, 2]))
        if old and a["i"] == 0 and rng.random() < 0.3:
            body["archived"] = True
        if body:
            self.api.call("PATCH", f"/v1/artefacts/{a['id']}", body)

    def users(self):
        self.user_ids = []
        if not self.psql:
            self.notes.append("no DSN: no reviewers (users are created by SQL)")
            return
        values = ", ".join(f"({lit(e)}, {lit(h)}, {lit(n)}, now(), now())" for n, e, h in REVIEWERS)
        out = self.psql.run("INSERT INTO app_user (email, launchpad_handle, name, created_at,"
                            f" updated_at) VALUES {values} ON CONFLICT (email) DO UPDATE SET"
                            " name = EXCLUDED.name RETURNING id")
        self.user_ids = [int(x) for x in out.split()]

    def issues(self):
        rng = random.Random(f"issues/{self.plan.seed}")
        n = 0
        for family in ("snap", "deb", "charm", "image", "solution"):
            names = self.cases.names_of(family, 50)
            for name, _ in rng.sample(names, min(len(names), 6)):
                url = rng.choice(ISSUE_URLS).format(n=1000 + n)
                body = {"description": f"known failure of {name}", "url": url}
                if n % 2:
                    body["template_id"] = template_id(name)
                else:
                    body["case_name"] = name
                self.api.call("POST", "/v1/test-cases/reported-issues", body)
                n += 1
        envs = [env for arch in self.plan.environments.values() for env in arch[:3]]
        for k, env in enumerate(envs[:10]):
            self.api.call("POST", "/v1/environments/reported-issues", {
                "environment_name": env, "description": f"{env}: flaky network in the lab",
                "url": rng.choice(ISSUE_URLS).format(n=5000 + k), "is_confirmed": k % 3 != 0})

    def reruns(self):
        """Rerun requests for some failed executions."""
        rng = random.Random(f"reruns/{self.plan.seed}")
        ids = [e["id"] for e in self.plan.executions
               if e["fate"] == "complete" and "id" in e and rng.random() < 0.03]
        if not ids:
            return 0
        status, _ = self.api.call("POST", "/v1/test-executions/reruns",
                                  {"test_execution_ids": ids}, ok=(200, 501))
        if status == 200:
            return len(ids)
        if not self.psql:
            self.notes.append("reruns answer 501 and no DSN: no rerun requests")
            return 0
        self.notes.append("reruns answer 501: rerun requests inserted by SQL")
        self.psql.run("INSERT INTO test_execution_rerun_request (test_plan_id, artefact_build_id,"
                      " environment_id, priority, created_at, updated_at) SELECT test_plan_id,"
                      " artefact_build_id, environment_id, (id % 3), now(), now() FROM test_execution"
                      f" WHERE id IN ({','.join(map(str, ids))}) ON CONFLICT DO NOTHING")
        return len(ids)

    def extras(self):
        """Due dates and bug links of kernel SRUs (upstream sets them by SQL too)."""
        if not self.psql:
            return
        self.psql.run("UPDATE artefact SET bug_link = 'https://bugs.launchpad.net/kernel-sru-workflow/"
                      "+bug/' || (2050000 + id), due_date = (created_at + interval '14 days')::date"
                      " WHERE family = 'deb' AND name LIKE 'linux%' AND stage = 'proposed'")

    def run(self):
        plan = self.plan
        t0 = time.time()
        # creation order of the artefacts: one start-test each, in order
        firsts = {}
        for e in plan.executions:
            firsts.setdefault(id(e["artefact"]), e)
        order = sorted(firsts.values(), key=lambda e: plan.artefacts.index(e["artefact"]))
        t = time.time()
        for e in order:
            self.start(e)
        self.timings["artefacts (serial start-test)"] = round(time.time() - t, 2)
        self.run_pool("executions", self.execution, plan.executions)
        self.users()
        art_ids = self.artefact_ids()
        for a in plan.artefacts:
            a["id"] = art_ids[id(a)]
        t = time.time()
        self.run_pool("reviews", self.reviews, plan.artefacts)
        self.issues()
        reruns = self.reruns()
        self.extras()
        self.timings["dashboard data"] = round(time.time() - t, 2)
        self.timings["total"] = round(time.time() - t0, 2)
        return reruns

    def artefact_ids(self):
        """Each artefact's id: the dashboard list names one version of each
        line, whose versions endpoint names the others."""
        keys = {"snap": ("track", "branch"), "deb": ("series", "repo", "source"),
                "charm": ("track", "branch"), "image": ("os", "release"),
                "solution": ("source", "track")}

        def key(family, name, fields):
            return (family, name) + tuple(fields.get(k, "") or "" for k in keys[family])

        lines = {key(l["family"], l["name"], l): l for l in self.plan.lines}
        found = {}
        for family in keys:
            _, listed = self.api.call("GET", f"/v1/artefacts?family={family}")
            for a in listed:
                line = lines.get(key(family, a["name"], a))
                if line is not None and id(line) not in found:
                    found[id(line)] = a["id"]
        ids = {}

        def versions(line):
            _, vs = self.api.call("GET", f"/v1/artefacts/{found[id(line)]}/versions")
            return line, vs

        with ThreadPoolExecutor(self.threads) as pool:
            for line, vs in pool.map(versions, [l for l in self.plan.lines if id(l) in found]):
                for v in vs:
                    ids[(id(line), v["version"])] = v["artefact_id"]
        missing = [a for a in self.plan.artefacts if (id(a["line"]), a["version"]) not in ids]
        if missing:
            raise ApiError(f"{len(missing)} artefacts not found, e.g. {missing[0]['name']} "
                           f"{missing[0]['version']}")
        return {id(a): ids[(id(a["line"]), a["version"])] for a in self.plan.artefacts}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", default=os.environ.get("TO_BASE", "http://127.0.0.1:30000"))
    ap.add_argument("--key", default=os.environ.get("TO_API_KEY"))
    ap.add_argument("--dsn", default=os.environ.get("TO_DSN"))
    ap.add_argument("--size", default=os.environ.get("SIZE", "small"), choices=sorted(SIZES))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SEED", "20240531")))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("SEED_THREADS", "8")))
    ap.add_argument("--batch", type=int, default=10000, help="results per request, at most")
    args = ap.parse_args()

    key = args.key
    if not key:
        if not args.dsn:
            ap.error("give --key (TO_API_KEY) or --dsn (TO_DSN) to create one")
        key = subprocess.run([str(REPO / "testobserver-admin"), "--dsn", args.dsn,
                              "add-application", "--replace", "seed_data_app", "all"],
                             check=True, capture_output=True, text=True).stdout.strip()
    api = Api(args.base, key)
    api.call("GET", "/v1/artefacts?family=snap")  # reachable, and the key works
    t_plan = time.time()
    plan = Plan(args.size, args.seed)
    cases = Cases(args.seed)
    t_plan = time.time() - t_plan
    n_results = sum(e["nresults"] for e in plan.executions)
    print(f"seeding {args.base} ({args.size}): {len(plan.artefacts)} artefacts, "
          f"{len(plan.executions)} executions, {n_results} results, {args.threads} threads",
          file=sys.stderr, flush=True)
    seeder = Seeder(api, plan, cases, args.batch, args.threads, Psql(args.dsn) if args.dsn else None)
    reruns = seeder.run()
    total = seeder.timings["total"]
    summary = {
        "size": args.size, "seed": args.seed, "artefacts": len(plan.artefacts),
        "executions": len(plan.executions), "results": seeder.results_posted,
        "environments": len({(e["environment"], e["arch"]) for e in plan.executions}),
        "test_plans": len({e["plan"]["name"] for e in plan.executions}),
        "rerun_requests": reruns, "requests": api.count, "seconds": total,
        "results_per_second": round(seeder.results_posted / total) if total else None,
        "timings": seeder.timings, "notes": seeder.notes,
    }
    print(f"seeded in {total:.1f} s: {summary['results']} results "
          f"({summary['results_per_second']}/s), {api.count} requests", file=sys.stderr)
    for note in seeder.notes:
        print("note:", note, file=sys.stderr)
    print("SEED " + json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
