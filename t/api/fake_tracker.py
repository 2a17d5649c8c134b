"""A fake issue tracker on a loopback port for the issue sync tests. One
server plays the three trackers under their own prefixes, each answering as
that tracker's REST API does:

    /gh/repos/{owner}/{repo}/issues/{n}          GitHub
    /jira/rest/api/3/issue/{KEY}                 Jira Cloud
    /lp/devel/bugs/{n}, /lp/devel/bugs/{n}/bug_tasks   Launchpad

Answers are set per path; a path may also answer an error, drop the
connection, or hang until released. Every request is recorded."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


class Reply:
    def __init__(self, status=200, body=None, headers=None, mode=None, times=None):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.mode = mode  # None, "hang" (until released) or "drop" (close, no answer)
        self.times = times  # answer this many times, then fall back to the next reply


class FakeTracker:
    def __init__(self):
        self.replies = {}
        self.requests = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.hanging = threading.Event()
        tracker = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                tracker.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, prefix):
        return f"http://127.0.0.1:{self.port}/{prefix}"

    def set(self, path, *replies):
        """The replies of a path, used in turn (a reply with times=None stays)."""
        with self.lock:
            self.replies[path] = list(replies)

    def hits(self, path=None, prefix=None):
        with self.lock:
            return [r for r in self.requests
                    if (path is None or r["path"] == path) and (prefix is None or r["path"].startswith(prefix))]

    def next_reply(self, path):
        with self.lock:
            queue = self.replies.get(path)
            if not queue:
                return Reply(404, NOT_FOUND)
            reply = queue[0]
            if reply.times is not None:
                reply.times -= 1
                if reply.times <= 0 and len(queue) > 1:
                    queue.pop(0)
            return reply

    def handle(self, req):
        with self.lock:
            self.requests.append({"path": req.path, "headers": dict(req.headers), "at": time.monotonic()})
        reply = self.next_reply(req.path)
        if reply.mode == "hang":
            self.hanging.set()
            self.release.wait(60)
        if reply.mode == "drop":
            req.close_connection = True
            return
        body = json.dumps(reply.body).encode() if not isinstance(reply.body, (bytes, str)) else (
            reply.body.encode() if isinstance(reply.body, str) else reply.body)
        try:
            req.send_response(reply.status)
            req.send_header("Content-Type", "application/json")
            req.send_header("Content-Length", str(len(body)))
            for k, v in reply.headers.items():
                req.send_header(k, str(v))
            req.end_headers()
            req.wfile.write(body)
        except OSError:
            pass  # the client gave up (a timeout): nothing to answer


# Answers in each tracker's format

def github_issue(owner_repo, number, title, state="open", labels=()):
    return {
        "url": f"https://api.github.com/repos/{owner_repo}/issues/{number}",
        "html_url": f"https://github.com/{owner_repo}/issues/{number}",
        "number": int(number), "title": title, "state": state,
        "state_reason": "completed" if state == "closed" else None,
        "labels": [{"id": 1000 + i, "name": name, "color": "ededed", "default": False}
                   for i, name in enumerate(labels)],
        "user": {"login": "someone"}, "comments": 0,
    }


def jira_issue(key, summary, status="To Do", labels=()):
    return {
        "id": "10042", "key": key, "self": f"https://api.atlassian.com/ex/jira/cloud/rest/api/3/issue/{key}",
        "fields": {"summary": summary, "status": {"name": status, "statusCategory": {"key": "new"}},
                   "labels": list(labels), "issuetype": {"name": "Bug"}},
    }


def launchpad_bug(base, number, title, tags=()):
    return {
        "self_link": f"{base}/bugs/{number}", "web_link": f"https://bugs.launchpad.net/bugs/{number}",
        "id": int(number), "title": title, "tags": list(tags),
        "bug_tasks_collection_link": f"{base}/bugs/{number}/bug_tasks",
        "resource_type_link": f"{base}/#bug",
    }


def launchpad_tasks(base, number, tasks):
    """tasks: (target, status) pairs."""
    return {
        "total_size": len(tasks), "start": 0,
        "entries": [{"self_link": f"{base}/{target}/+bug/{number}", "bug_target_name": target,
                     "bug_target_display_name": target.title(), "status": status,
                     "importance": "Medium", "is_complete": status in ("Fix Released", "Invalid")}
                    for target, status in tasks],
    }
