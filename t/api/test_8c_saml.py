"""A real SAML sign-in: simplesamlphp as the IdP in its own httpd (prefork
and mod_php), our module's httpd as the SP through mod_auth_mellon, and a
requests client in the browser's place. Keys and certificates are made
here with openssl; nothing secret is kept in the tree."""

import html.parser
import os
import pathlib
import re
import secrets
import shutil
import subprocess
import tempfile
import urllib.parse

import pytest
import requests

from conftest import (HTTPD, HTTPD_MODDIR, REPO, SESSION_SECRET, Server, free_port, stop_process,
                      wait_port)

SSP_DIR = pathlib.Path("/usr/share/simplesamlphp")
MELLON = pathlib.Path(HTTPD_MODDIR) / "mod_auth_mellon.so"
PHP = next(iter(sorted(pathlib.Path(HTTPD_MODDIR).glob("libphp*.so"))), None)
REWRITE = pathlib.Path(HTTPD_MODDIR) / "mod_rewrite.so"

MISSING = [str(p) for p in (SSP_DIR, MELLON, REWRITE) if not p.exists()] + ([] if PHP else ["libphp"])
pytestmark = pytest.mark.skipif(bool(MISSING), reason="SAML test needs simplesamlphp, mod_php and "
                                "mod_auth_mellon (make deps): missing " + ", ".join(MISSING))

PASSWORD = "correct horse"
# the IdP's static users: the attributes it asserts
USERS = {
    "ada": {"email": "ada@example.com", "fullname": "Ada Lovelace", "groups": ["viewers", "kernel"]},
    "bob": {"email": "bob@example.com", "fullname": "Bob", "groups": []},
}
FRONT = "http://front.example.test:30001"


def php_str(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def php_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(php_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "[" + ", ".join(f"{php_str(k)} => {php_value(x)}" for k, x in v.items()) + "]"
    if isinstance(v, int):
        return str(v)
    return php_str(str(v))


def make_cert(root, name, cn):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={cn}", "-keyout", str(root / f"{name}.key"),
                    "-out", str(root / f"{name}.crt")], check=True, capture_output=True)
    (root / f"{name}.key").chmod(0o644)  # read by the children (www-data when we are root)
    return "".join(line for line in (root / f"{name}.crt").read_text().splitlines()
                   if not line.startswith("-----"))


class IdP:
    """simplesamlphp in an httpd of its own: prefork, mod_php."""

    def __init__(self, root, sp_entity, sp_base, sp_cert):
        self.root = root
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/simplesamlphp/"
        self.entity = self.base + "saml2/idp/metadata.php"
        conf = root / "config"
        meta = root / "metadata"
        for d in (conf, meta, root / "tmp", root / "data", root / "log", root / "sessions"):
            d.mkdir()
            d.chmod(0o777)
        make_cert(conf, "idp", "127.0.0.1")
        settings = {
            "baseurlpath": self.base, "certdir": str(conf) + "/", "loggingdir": str(root / "log") + "/",
            "datadir": str(root / "data") + "/", "tempdir": str(root / "tmp"),
            "metadatadir": str(meta) + "/", "secretsalt": secrets.token_hex(16),
            "auth.adminpassword": secrets.token_hex(16), "technicalcontact_email": "na@example.org",
            "timezone": "UTC", "enable.saml20-idp": True, "logging.handler": "file",
            "logging.logfile": "simplesamlphp.log", "store.type": "phpsession",
            "session.phpsession.savepath": str(root / "sessions"),
            # plain http: a Secure cookie would never come back
            "session.cookie.secure": False, "language.cookie.secure": False,
            "session.cookie.samesite": "Lax", "production": True, "showerrors": True,
            "admin.checkforupdates": False,
            "module.enable": {"exampleauth": True, "core": True, "saml": True, "admin": False},
        }
        (conf / "config.php").write_text("<?php\n$config = " + php_value(settings) + ";\n")
        users = {f"{u}:{PASSWORD}": attrs for u, attrs in USERS.items()}
        users = {k: {a: (v if isinstance(v, list) else [v]) for a, v in attrs.items()}
                 for k, attrs in users.items()}
        (conf / "authsources.php").write_text(
            "<?php\n$config = " + php_value({"admin": ["core:AdminPassword"]})[:-1]
            + ", 'users' => array_merge(['exampleauth:UserPass'], " + php_value(users) + ")];\n")
        email_fmt = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
        (meta / "saml20-idp-hosted.php").write_text(
            "<?php\n$metadata['__DYNAMIC:1__'] = " + php_value({
                "host": "__DEFAULT__", "privatekey": "idp.key", "certificate": "idp.crt",
                "auth": "users", "sign.logout": True, "redirect.sign": True,
                "NameIDFormat": email_fmt,
            })[:-1] + ", 'authproc' => [3 => ['class' => 'saml:AttributeNameID',"
            " 'attribute' => 'email', 'Format' => " + php_str(email_fmt) + "]]];\n")
        (meta / "saml20-sp-remote.php").write_text(
            "<?php\n$metadata[" + php_str(sp_entity) + "] = " + php_value({
                "AssertionConsumerService": sp_base + "/v1/auth/saml/acs",
                "SingleLogoutService": sp_base + "/v1/auth/saml/sls",
                "certData": sp_cert, "NameIDFormat": email_fmt,
                "sign.logout": True, "validate.authnrequest": True, "validate.logout": True,
            }) + ";\n")
        self.httpd_conf = root / "httpd.conf"
        user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
        self.httpd_conf.write_text(f"""ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{self.port}
PidFile "{root}/httpd.pid"
DefaultRuntimeDir "{root}"
{user}
LoadModule mpm_prefork_module {HTTPD_MODDIR}/mod_mpm_prefork.so
LoadModule authz_core_module {HTTPD_MODDIR}/mod_authz_core.so
LoadModule alias_module {HTTPD_MODDIR}/mod_alias.so
LoadModule mime_module {HTTPD_MODDIR}/mod_mime.so
LoadModule env_module {HTTPD_MODDIR}/mod_env.so
LoadModule dir_module {HTTPD_MODDIR}/mod_dir.so
LoadModule php_module {PHP}
StartServers 2
MinSpareServers 1
MaxSpareServers 4
ErrorLog "{root}/error.log"
LogLevel warn
TypesConfig /etc/mime.types
DocumentRoot "{root}"
<Directory />
    Require all denied
</Directory>
SetEnv SIMPLESAMLPHP_CONFIG_DIR "{conf}"
Alias /simplesamlphp "{SSP_DIR}/www"
<Directory "{SSP_DIR}/www">
    Require all granted
    DirectoryIndex index.php
    <FilesMatch "\\.php$">
        SetHandler application/x-httpd-php
    </FilesMatch>
</Directory>
""")
        self.proc = None

    def start(self):
        # prefork signals its whole process group when it stops: a group of its own
        self.proc = subprocess.Popen([HTTPD, "-f", str(self.httpd_conf), "-DFOREGROUND"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        wait_port(self.port, self.proc, "the IdP's httpd")

    def stop(self):
        stop_process(self.proc)

    def metadata(self):
        r = requests.get(self.entity, timeout=30)
        assert r.status_code == 200, r.text[:2000]
        return r.text


def sp_metadata(entity, base, cert):
    """The SP's metadata as mellon reads it: upstream's acs and sls URLs."""
    key = f"""<KeyDescriptor use="{{use}}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}
</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>"""
    return f"""<?xml version="1.0"?>
<EntityDescriptor entityID="{entity}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
  <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"
      AuthnRequestsSigned="true" WantAssertionsSigned="true">
    {key.format(use="signing")}
    {key.format(use="encryption")}
    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{base}/v1/auth/saml/sls"/>
    <NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>
    <AssertionConsumerService index="0" isDefault="true"
        Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
        Location="{base}/v1/auth/saml/acs"/>
  </SPSSODescriptor>
</EntityDescriptor>
"""


def mellon_conf(root, front):
    """conf/mellon.conf.example, filled in for this test (plain http)."""
    values = {"HTTPD_MODDIR": HTTPD_MODDIR, "RUNDIR": str(root), "SAML_DIR": str(root),
              "FRONTEND": front, "FRONTEND_HOST": urllib.parse.urlsplit(front).hostname,
              "SESSION_SECRET": SESSION_SECRET, "SECURE_COOKIES": "Off"}
    text = (REPO / "conf/mellon.conf.example").read_text()
    for k, v in values.items():
        text = text.replace(f"@{k}@", v)
    left = [line for line in text.splitlines() if re.search(r"@[A-Z_]+@", line) and not line.startswith("#")]
    assert not left, left
    return text


@pytest.fixture(scope="module")
def saml(migrated):
    """(sp server, idp) with the SP's httpd running our module and mellon."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="to-saml-"))
    root.chmod(0o755)
    sp_port = free_port()
    sp_base = f"http://127.0.0.1:{sp_port}"
    sp_entity = sp_base + "/v1/auth/saml/mellon/metadata"
    sp_cert = make_cert(root, "sp", "127.0.0.1")
    (root / "sp.xml").write_text(sp_metadata(sp_entity, sp_base, sp_cert))
    (root / "idp").mkdir()
    idp = IdP(root / "idp", sp_entity, sp_base, sp_cert)
    idp.start()
    srv = None
    try:
        (root / "idp.xml").write_text(idp.metadata())
        srv = start_server_on(migrated, sp_port, mellon_conf(root, FRONT))
        yield srv, idp
    finally:
        if srv:
            srv.stop()
        idp.stop()
        if not os.environ.get("TO_KEEP_TMP"):
            shutil.rmtree(root, ignore_errors=True)
            if srv:
                shutil.rmtree(srv.root, ignore_errors=True)


def start_server_on(pg, port, extra):
    """start_server, on a port chosen beforehand (the SP's metadata names it)."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="to-httpd-"))
    root.chmod(0o755)
    server = Server(pg, root, port, extra)
    server.start()
    return server


class Forms(html.parser.HTMLParser):
    """The forms of a page: [(action, method, {name: value})]."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action") or "", (a.get("method") or "get").lower(), {}))
        elif tag in ("input", "button") and self.forms and a.get("name"):
            self.forms[-1][2].setdefault(a["name"], a.get("value") or "")


def forms_of(resp):
    p = Forms()
    p.feed(resp.text)
    return p.forms


def browse(session, method, url, stop, **kw):
    """Follows redirects and auto-posting forms, as a browser would, until a
    redirect to a URL starting with stop (returned) or a page with a login
    form (returned as the response). At most 20 steps."""
    for _ in range(20):
        r = session.request(method, url, allow_redirects=False, timeout=30, **kw)
        kw = {}
        if r.is_redirect:
            nxt = urllib.parse.urljoin(url, r.headers["Location"])
            if nxt.startswith(stop):
                return r, nxt
            method, url = "GET", nxt
            continue
        forms = forms_of(r)
        if any("password" in f[2] for f in forms) or not forms:
            return r, None
        # a SAML message posted on by script (the page's "Submit" form)
        action, fmethod, fields = forms[0]
        if "SAMLResponse" not in fields and "SAMLRequest" not in fields:
            return r, None
        method, url = fmethod.upper(), urllib.parse.urljoin(url, action)
        kw = {"data": {k: v for k, v in fields.items() if k in ("SAMLResponse", "SAMLRequest",
                                                               "RelayState")}}
    raise AssertionError("too many redirects")


def sign_in_saml(srv, user, return_to=FRONT + "/dashboard?tab=1"):
    """A browser session that signed in as user; returns (session, final redirect)."""
    s = requests.Session()
    url = srv.base + "/v1/auth/saml/login?" + urllib.parse.urlencode({"return_to": return_to})
    page, done = browse(s, "GET", url, FRONT)
    assert done is None, done
    forms = [f for f in forms_of(page) if "password" in f[2]]
    assert forms, page.text[:3000]
    action, _, fields = forms[0]
    fields.update(username=user, password=PASSWORD)
    resp, done = browse(s, "POST", urllib.parse.urljoin(page.url, action), FRONT, data=fields)
    assert done, (resp.status_code, resp.text[:3000])
    return s, resp, done


def me(srv, session, csrf=True):
    headers = {"X-CSRF-Token": "1"} if csrf else {}
    cookie = session.cookies.get("session", domain="127.0.0.1") or session.cookies.get("session")
    r = requests.get(srv.base + "/v1/users/me", headers=headers,
                     cookies={"session": cookie} if cookie else {}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_sign_in_creates_user_teams_and_session(saml):
    srv, _ = saml
    srv.pg.psql("INSERT INTO team (name, permissions, created_at, updated_at)"
                " VALUES ('viewers', '{view_user}', now(), now())")
    s, resp, done = sign_in_saml(srv, "ada")
    assert resp.status_code == 302
    assert done == FRONT + "/dashboard?tab=1"
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "; path=/; Max-Age=1209600; httponly; samesite=lax" in cookie
    assert "secure" not in cookie.split("samesite=lax", 1)[1]

    body = me(srv, s)
    assert body["email"] == "ada@example.com"
    assert body["name"] == "Ada Lovelace"
    assert sorted(t["name"] for t in body["teams"]) == ["kernel", "viewers"]
    rows = srv.pg.psql("SELECT count(*), min(expires_at - now()) > interval '13 days 23 hours'"
                       " FROM user_session")
    assert rows == "1|t"

    # the viewers team's permission is the user's: GET /v1/users passes
    cookies = {"session": s.cookies.get("session")}
    r = requests.get(srv.base + "/v1/users", headers={"X-CSRF-Token": "1"}, cookies=cookies, timeout=30)
    assert r.status_code == 200, r.text
    assert [u["email"] for u in r.json()["users"]] == ["ada@example.com"]
    # the kernel team, new, holds nothing: creating a team is refused
    r = requests.post(srv.base + "/v1/teams", json={"name": "x", "permissions": []},
                      headers={"X-CSRF-Token": "1"}, cookies=cookies, timeout=30)
    assert r.status_code == 403


def test_cookie_without_csrf_header_counts_for_nothing(saml):
    srv, _ = saml
    srv.pg.psql("INSERT INTO team (name, permissions, created_at, updated_at)"
                " VALUES ('viewers', '{view_user}', now(), now())")
    s, _, _ = sign_in_saml(srv, "ada")
    assert me(srv, s, csrf=False) is None
    r = requests.get(srv.base + "/v1/users", cookies={"session": s.cookies.get("session")}, timeout=30)
    assert r.status_code == 403
    assert me(srv, s)["email"] == "ada@example.com"


def test_second_sign_in_keeps_the_user(saml):
    srv, _ = saml
    s1, _, _ = sign_in_saml(srv, "bob")
    first = me(srv, s1)
    assert first["teams"] == [] and first["name"] == "Bob"
    srv.pg.psql("UPDATE app_user SET name = 'Old name' WHERE email = 'bob@example.com'")
    s2, _, _ = sign_in_saml(srv, "bob")
    again = me(srv, s2)
    assert again["id"] == first["id"] and again["name"] == "Bob"
    assert srv.pg.psql("SELECT count(*) FROM app_user") == "1"
    assert srv.pg.psql("SELECT count(*) FROM user_session") == "2"


def test_logout_ends_the_session(saml):
    srv, _ = saml
    s, _, _ = sign_in_saml(srv, "ada")
    assert me(srv, s)["email"] == "ada@example.com"
    r = s.get(srv.base + "/v1/auth/saml/logout?" + urllib.parse.urlencode({"return_to": FRONT + "/bye"}),
              allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text
    assert r.headers["Set-Cookie"] == ("session=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT;"
                                       " httponly; samesite=lax")
    where = urllib.parse.urlsplit(r.headers["Location"])
    assert where.path == "/v1/auth/saml/mellon/logout"
    assert urllib.parse.parse_qs(where.query) == {"ReturnTo": [FRONT + "/bye"]}
    assert srv.pg.psql("SELECT count(*) FROM user_session") == "0"
    # mellon and the IdP end their sessions and send the browser back
    _, done = browse(s, "GET", srv.base + r.headers["Location"], FRONT)
    assert done == FRONT + "/bye"
    assert me(srv, s) is None
    # signing in again needs the password again: the IdP's session is over
    page, done = browse(s, "GET", srv.base + "/v1/auth/saml/login?return_to="
                        + urllib.parse.quote(FRONT, safe=""), FRONT)
    assert done is None and any("password" in f[2] for f in forms_of(page))


def test_foreign_return_to_is_refused(saml):
    srv, _ = saml
    s, _, _ = sign_in_saml(srv, "bob")
    before = srv.pg.psql("SELECT count(*) FROM user_session")
    for bad in ("https://evil.example.com/", "http://front.example.test:30001@evil.example.com/",
                "//evil.example.com/", "/relative"):
        r = s.get(srv.base + "/v1/auth/saml/login", params={"return_to": bad},
                  allow_redirects=False, timeout=30)
        assert r.status_code == 400, (bad, r.status_code, r.text)
        assert r.json() == {"detail": "return_to is not a page of the front-end"}
        assert "Location" not in r.headers
        r = s.get(srv.base + "/v1/auth/saml/logout", params={"return_to": bad},
                  allow_redirects=False, timeout=30)
        assert r.status_code == 400, bad
    assert srv.pg.psql("SELECT count(*) FROM user_session") == before
    # without return_to: upstream's answer, and a session all the same
    r = s.get(srv.base + "/v1/auth/saml/login", allow_redirects=False, timeout=30)
    assert r.status_code == 200, (r.status_code, r.headers, r.text)
    assert r.json() == {"message": "Authentication successful"}
    assert r.headers["Set-Cookie"].startswith("session=")
    assert srv.pg.psql("SELECT count(*) FROM user_session") == str(int(before) + 1)


def test_identity_headers_from_the_client_count_for_nothing(saml):
    srv, idp = saml
    forged = {"MELLON_NAME_ID": "eve@example.com", "MELLON-NAME-ID": "eve@example.com",
              "MELLON_fullname": "Eve", "MELLON_groups_0": "admins", "MELLON_groups": "admins",
              "REMOTE_USER": "eve@example.com", "X-Remote-User": "eve@example.com"}
    # without mellon's session, the login route sends the browser to the IdP
    r = requests.get(srv.base + "/v1/auth/saml/login", allow_redirects=False, timeout=30, headers=forged)
    assert r.status_code in (302, 303), r.text
    r = requests.get(urllib.parse.urljoin(srv.base, r.headers["Location"]), allow_redirects=False,
                     timeout=30, headers=forged)
    assert r.status_code in (302, 303), r.text
    assert r.headers["Location"].startswith(idp.base + "saml2/idp/SSOService.php?")
    assert srv.pg.psql("SELECT count(*) FROM app_user") == "0"
    # signed in as bob, the same headers change nothing about who it is
    s, _, _ = sign_in_saml(srv, "bob")
    r = s.get(srv.base + "/v1/auth/saml/login", params={"return_to": FRONT + "/again"},
              headers=forged, allow_redirects=False, timeout=30)
    assert r.status_code == 302 and r.headers["Location"] == FRONT + "/again", r.text
    body = me(srv, s)
    assert (body["email"], body["name"], body["teams"]) == ("bob@example.com", "Bob", [])
    assert srv.pg.psql("SELECT string_agg(email, ',') FROM app_user") == "bob@example.com"
    assert srv.pg.psql("SELECT count(*) FROM team") == "0"


def test_without_mellon_login_is_not_configured(server, anon):
    r = anon.get("/v1/auth/saml/login", params={"return_to": "http://localhost:30001/"},
                 headers={"MELLON_NAME_ID": "eve@example.com", "REMOTE_USER": "eve@example.com"})
    assert r.status_code == 503
    assert r.json() == {"detail": "SAML authentication is not configured"}
    assert anon.post("/v1/auth/saml/acs", data={"SAMLResponse": "x"}).status_code == 503
    assert anon.get("/v1/auth/saml/sls").status_code == 503
    assert server.pg.psql("SELECT count(*) FROM app_user") == "0"
