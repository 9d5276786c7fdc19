#!/usr/bin/python3
"""Crash safety of `qingling serve` under load: kill -9 at random moments.

    /usr/bin/python3 bench/crash_client.py --binary build/.../qingling [--kills 20]

Starts tests/support/smtp_sink.py (a real SMTP server on 127.0.0.1) and
`qingling serve --demo` on a fresh data folder, on a sandbox clock that runs
half an hour a second, so the escalation ladder and the weekly reports keep mail
flowing (it starts at 08:30 on a Monday in China, as mail goes out in working
hours only). Several clients write at once: create with Idempotency-Key, actions
with If-Match, evidence uploads, retrying across restarts as a phone would.
Then, KILLS times, SIGKILL at a random moment, and with the server down:

  - `qingling audit verify` passes;
  - every write a client saw acknowledged (2xx) is in the log, at the version
    and with the content it was acknowledged with;
  - nothing is half applied: each problem's row has the version of its last
    event, as many events as that version and the state its log last moved
    it to, and no Idempotency-Key made two problems;
  - every acknowledged evidence file is on disk whole (its SHA-256);

and with the server back, the API answers each problem as the database holds
it. At the end, the mail: every message the outbox records as sent reached the
SMTP server, and none arrived twice except the one message per kill that may
have been accepted by SMTP before its delivery was recorded (at-least-once;
the stable Message-ID lets the receiver drop the copy).

Prints a summary; exits 1 on any violation. Python 3 standard library only.
"""

import argparse
import collections
import datetime
import email.parser
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SPEED = 1800  # simulated seconds per real second: a working day in 18 s
CHINA = datetime.timezone(datetime.timedelta(hours=8))


def next_monday_morning():
    """08:30 in China on the coming Monday (today, if it is one)."""
    today = datetime.datetime.now(CHINA).date()
    monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7)
    return datetime.datetime(monday.year, monday.month, monday.day, 8, 30, tzinfo=CHINA)
TOWNSHIPS = ["cc.c0%d.t0%d" % (c, t) for c in range(1, 8) for t in range(1, 4)]


class Violations:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def add(self, text):
        with self.lock:
            self.items.append(text)
            print("VIOLATION: " + text, flush=True)


VIOLATIONS = Violations()


class Server:
    """`qingling serve` in a child process; the sandbox clock continues across
    restarts from where the killed one was."""

    def __init__(self, binary, data, smtp_url, log):
        self.binary = binary
        self.data = data
        self.smtp_url = smtp_url
        self.log = log
        self.proc = None
        self.port = None
        self.sim_start = next_monday_morning()
        self.real_start = None
        self.tokens = {}

    def sim_now(self):
        if self.real_start is None:
            return self.sim_start
        return self.sim_start + datetime.timedelta(
            seconds=(time.monotonic() - self.real_start) * SPEED)

    def start(self, demo=False):
        clock = self.sim_now().replace(microsecond=0)
        args = [self.binary, "serve", "--port", "0", "--data", self.data, "--sandbox",
                "--clock", clock.isoformat(), "--speed", str(SPEED), "--smtp", self.smtp_url,
                "--mail-from", "crash@qingling.test"]
        if demo:
            args.append("--demo")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.sim_start = clock
        self.real_start = time.monotonic()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("serve ended before it listened; see " + self.log.name)
            if line.startswith("qingling is serving "):
                self.port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
                break
        else:
            raise RuntimeError("serve did not listen within 120 s")
        # The demo prints its tokens after the URL; read the rest in the background.
        threading.Thread(target=self._drain, args=(self.proc.stdout,), daemon=True).start()

    def _drain(self, stream):
        for line in stream:
            line = line.strip()
            if line.startswith("admin (") and ": qlt_" in line:
                self.tokens["admin"] = line.rsplit(": ", 1)[1]

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def terminate(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        self.proc = None
        return code


class Ack:
    """A write a client saw acknowledged."""

    def __init__(self, kind, issue, version, detail):
        self.kind = kind  # "created", an action name, or "evidence"
        self.issue = issue
        self.version = version
        self.detail = detail  # the title, the state reached, or the sha256


class Down(Exception):
    """The server is not answering (killed, or starting again)."""


class Client(threading.Thread):
    """Works problems through their life: create, assign, progress,
    evidence, submit, verify, reopen, ... Each problem is this client's only,
    so a 412 means one of its own writes landed without its answer."""

    def __init__(self, number, token, gate, stop, rng):
        super().__init__(daemon=True)
        self.number = number
        self.token = token
        self.gate = gate  # set while the server is up
        self.stop = stop
        self.rng = rng
        self.acks = []
        self.requests = 0
        self.retries = 0
        self.keys = {}  # Idempotency-Key -> title
        self.conn = None
        self.port = None

    def request(self, method, target, body=None, headers=None):
        if not self.gate.is_set():
            raise Down()
        port = self.gate.port
        try:
            if self.conn is None or self.port != port:
                self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
                self.port = port
            all_headers = {"Authorization": "Bearer " + self.token}
            all_headers.update(headers or {})
            self.conn.request(method, target, body=body, headers=all_headers)
            res = self.conn.getresponse()
            data = res.read()
            self.requests += 1
            return res.status, dict((k.lower(), v) for k, v in res.getheaders()), data
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            raise Down()

    def json_request(self, method, target, value, headers=None):
        all_headers = {"Content-Type": "application/json"}
        all_headers.update(headers or {})
        return self.request(method, target, json.dumps(value).encode(), all_headers)

    def wait_up(self):
        while not self.stop.is_set() and not self.gate.wait(0.2):
            pass

    def retrying(self, call):
        """Runs `call` until the server answers; None when stopping."""
        while not self.stop.is_set():
            try:
                return call()
            except Down:
                self.retries += 1
                self.wait_up()
                time.sleep(0.05)
        return None

    def read(self, issue):
        got = self.retrying(lambda: self.request("GET", "/api/v1/issues/%d" % issue))
        if got is None:
            return None
        status, _, data = got
        if status != 200:
            VIOLATIONS.add("client %d: GET issue %d answered %d %s" %
                           (self.number, issue, status, data[:200]))
            return None
        return json.loads(data)

    def create(self, serial):
        key = "crash-%d-%d" % (self.number, serial)
        title = "崩溃测试 %d-%d 供水管网漏损" % (self.number, serial)
        self.keys[key] = title
        body = {"title": title, "category": "C", "severity": "grave",
                "unit": self.rng.choice(TOWNSHIPS) + ".v001"}
        # A retry after a kill sends the same key: the first answer, or a new
        # problem if the first never committed; never two.
        got = self.retrying(lambda: self.json_request("POST", "/api/v1/issues", body,
                                                      {"Idempotency-Key": key}))
        if got is None:
            return None
        status, headers, data = got
        if status not in (200, 201):
            VIOLATIONS.add("client %d: create answered %d %s" % (self.number, status, data[:200]))
            return None
        issue = json.loads(data)
        self.acks.append(Ack("created", issue["id"], issue["version"], title))
        return issue

    def act(self, issue, action, body):
        """Takes `action`; returns the problem as it then stands (re-read after
        a kill or a 412, as the answer may have been lost)."""
        got = self.retrying(lambda: self.json_request(
            "POST", "/api/v1/issues/%d/actions/%s" % (issue["id"], action), body,
            {"If-Match": '"%d"' % issue["version"]}))
        if got is None:
            return None
        status, _, data = got
        if status == 200:
            after = json.loads(data)
            if after["version"] != issue["version"] + 1:
                VIOLATIONS.add("client %d: %s on %d went from version %d to %d" %
                               (self.number, action, issue["id"], issue["version"],
                                after["version"]))
            self.acks.append(Ack(action, after["id"], after["version"], after["state"]))
            return after
        if status in (409, 412):
            return self.read(issue["id"])
        VIOLATIONS.add("client %d: %s on %d answered %d %s" %
                       (self.number, action, issue["id"], status, data[:300]))
        return self.read(issue["id"])

    def attach(self, issue):
        content = ("整改照片说明 %d %d %f\n" % (self.number, issue["id"], self.rng.random())) * 40
        raw = content.encode()
        got = self.retrying(lambda: self.request(
            "POST", "/api/v1/issues/%d/evidence?name=photo-%d.txt" % (issue["id"], self.requests),
            raw, {"Content-Type": "text/plain"}))
        if got is None:
            return None
        status, _, data = got
        if status == 201:
            answer = json.loads(data)
            sha = answer["attached"][0]["sha256"]
            if sha != hashlib.sha256(raw).hexdigest():
                VIOLATIONS.add("evidence on %d stored as %s" % (issue["id"], sha))
            self.acks.append(Ack("evidence", issue["id"], answer["issue"]["version"], sha))
            return answer["issue"]
        VIOLATIONS.add("client %d: evidence on %d answered %d %s" %
                       (self.number, issue["id"], status, data[:300]))
        return self.read(issue["id"])

    def step(self, issue):
        """One write that moves `issue` on; the problem after it."""
        state = issue["state"]
        if state == "discovered":
            # A deadline a few days out on the server's clock (China's date):
            # the ladder fires on it soon.
            today = self.gate.server.sim_now().astimezone(CHINA).date()
            deadline = (today + datetime.timedelta(days=self.rng.randint(1, 3))).isoformat()
            return self.act(issue, "assign", {"fields": {
                "responsible_unit": issue["unit"].rsplit(".", 1)[0], "deadline": deadline}})
        if state == "rectifying":
            if issue.get("evidence_count", 0) == 0 or self.rng.random() < 0.3:
                if self.rng.random() < 0.5:
                    return self.attach(issue)
                return self.act(issue, "progress", {"comment": "已完成管网排查 %d" % self.requests})
            return self.act(issue, "submit", {"comment": "已整改到位",
                                              "fields": {"head_confirmed": True}})
        if state == "submitted":
            if self.rng.random() < 0.3:
                return self.act(issue, "reject", {"comment": "佐证不足，补充照片"})
            return self.act(issue, "verify", {"fields": {"opinion": "经现场核查，已整改"}})
        if state == "cleared":
            return self.act(issue, "reopen", {"comment": "回头看发现反弹"})
        return None

    def run(self):
        serial = 0
        open_issues = []
        while not self.stop.is_set():
            if len(open_issues) < 4 or self.rng.random() < 0.15:
                serial += 1
                issue = self.create(serial)
                if issue is not None:
                    open_issues.append(issue)
                continue
            index = self.rng.randrange(len(open_issues))
            after = self.step(open_issues[index])
            if after is None or after["state"] == "cleared" and self.rng.random() < 0.5:
                open_issues.pop(index)
            else:
                open_issues[index] = after


def run_cli(binary, *args):
    return subprocess.run([binary] + list(args), capture_output=True, text=True, timeout=300)


def check_database(data, clients, kills):
    """With the server down: the log holds every acknowledged write, and every
    problem's row agrees with its events. Returns (problems, acks checked)."""
    db = sqlite3.connect(os.path.join(data, "qingling.db"), timeout=30)
    try:
        versions = {}
        states = {}
        for issue, version, state in db.execute("SELECT id, version, state FROM issues"):
            versions[issue] = version
            states[issue] = state
        events = collections.defaultdict(dict)
        reached = {}  # problem -> the state its log last moved it to
        for issue, version, kind, payload in db.execute(
                "SELECT issue_id, version, type, payload FROM events "
                "WHERE issue_id IS NOT NULL AND version IS NOT NULL ORDER BY seq"):
            parsed = json.loads(payload)
            if "to" in parsed:
                reached[issue] = parsed["to"]
            # Plain text, whatever escaping the JSON of the log uses.
            events[issue][version] = (kind, json.dumps(parsed, ensure_ascii=False))
        for issue, version in versions.items():
            have = events.get(issue, {})
            if sorted(have) != list(range(1, version + 1)):
                VIOLATIONS.add("after kill %d: problem %d has version %d but events %s" %
                               (kills, issue, version, sorted(have)[-5:]))
            if reached.get(issue) != states[issue]:
                VIOLATIONS.add("after kill %d: problem %d is %s but its log last moved it to %s" %
                               (kills, issue, states[issue], reached.get(issue)))
        for issue in events:
            if issue not in versions:
                VIOLATIONS.add("after kill %d: events of problem %d, which has no row" %
                               (kills, issue))
        titles = collections.Counter(t for (t,) in db.execute(
            "SELECT title FROM issues WHERE title LIKE '崩溃测试 %'"))
        for title, n in titles.items():
            if n > 1:
                VIOLATIONS.add("after kill %d: %d problems titled %s (a retried create "
                               "made two)" % (kills, n, title))
        checked = 0
        for client in clients:
            for ack in list(client.acks):
                checked += 1
                got = events.get(ack.issue, {}).get(ack.version)
                if got is None:
                    VIOLATIONS.add("after kill %d: acknowledged %s of problem %d at version %d "
                                   "is missing" % (kills, ack.kind, ack.issue, ack.version))
                    continue
                kind, payload = got
                if ack.kind == "created":
                    if ack.detail not in payload:
                        VIOLATIONS.add("after kill %d: problem %d was created as %s, the log "
                                       "says %s" % (kills, ack.issue, ack.detail, payload[:200]))
                elif ack.kind == "evidence":
                    if ack.detail not in payload:
                        VIOLATIONS.add("after kill %d: evidence %s of problem %d at version %d "
                                       "is not in the log" % (kills, ack.detail, ack.issue,
                                                               ack.version))
                elif '"to": "%s"' % ack.detail not in payload:
                    VIOLATIONS.add("after kill %d: %s of problem %d was acknowledged as "
                                   "reaching %s, the log has %s" % (kills, ack.kind, ack.issue,
                                                                     ack.detail, payload[:200]))
                elif ack.kind not in payload and ack.kind not in kind:
                    VIOLATIONS.add("after kill %d: version %d of problem %d was acknowledged "
                                   "as %s, the log has %s %s" % (kills, ack.version, ack.issue,
                                                                  ack.kind, kind, payload[:200]))
        return len(versions), checked
    finally:
        db.close()


def check_evidence_files(data, clients, kills):
    for client in clients:
        for ack in list(client.acks):
            if ack.kind == "evidence":
                path = os.path.join(data, "evidence", ack.detail[:2], ack.detail)
                if not os.path.exists(path):
                    VIOLATIONS.add("after kill %d: evidence file %s is missing" %
                                   (kills, ack.detail))
                    continue
                with open(path, "rb") as f:
                    if hashlib.sha256(f.read()).hexdigest() != ack.detail:
                        VIOLATIONS.add("after kill %d: evidence file %s is torn" %
                                       (kills, ack.detail))


def check_api(port, token, data, kills):
    """With the server back: the API answers every crash-test problem as the
    database had it when the server was down, or later (the ladder may have
    written since), never earlier."""
    db = sqlite3.connect(os.path.join(data, "qingling.db"), timeout=30)
    try:
        rows = list(db.execute(
            "SELECT id, version, state FROM issues WHERE title LIKE '崩溃测试 %'"))
    finally:
        db.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    for issue, version, state in rows:
        conn.request("GET", "/api/v1/issues/%d" % issue,
                     headers={"Authorization": "Bearer " + token})
        res = conn.getresponse()
        body = json.loads(res.read())
        if res.status != 200 or body["version"] < version or (
                body["version"] == version and body["state"] != state):
            VIOLATIONS.add("after kill %d: the API answers problem %d as %s/%s, the database "
                           "has %d/%s" % (kills, issue, res.status, body.get("version"),
                                          version, state))
    conn.close()
    return len(rows)


def read_mail(folder):
    ids = collections.Counter()
    parser = email.parser.BytesHeaderParser()
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".eml") or name.startswith("."):
            continue
        with open(os.path.join(folder, name), "rb") as f:
            message = parser.parse(f)
        ids[(message.get("Message-ID") or "").strip()] += 1
    return ids


def start_sink(folder):
    sink = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(ROOT, "tests/support/smtp_sink.py"), "--port", "0",
         "--dir", folder], stdout=subprocess.PIPE, text=True)
    line = sink.stdout.readline()
    if not line.startswith("listening "):
        raise RuntimeError("the SMTP sink did not start: " + line)
    return sink, "smtp://127.0.0.1:" + line.split()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--work", help="folder to work in (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = args.work or tempfile.mkdtemp(prefix="qingling-crash-")
    data = os.path.join(work, "data")
    mail = os.path.join(work, "mail")
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(mail, ignore_errors=True)
    os.makedirs(mail)
    print("crash test: seed %d, %d clients, %d kills, work folder %s" %
          (args.seed, args.clients, args.kills, work), flush=True)

    sink, smtp_url = start_sink(mail)
    log = open(os.path.join(work, "serve.log"), "a")
    server = Server(args.binary, data, smtp_url, log)
    server.start(demo=True)
    # The demo's history comes with messages marked sent that never went out.
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(data, "qingling.db"), uri=True,
                         timeout=30)
    seeded = set(i for (i,) in db.execute(
        "SELECT id FROM outbox WHERE state = 'sent' AND sent_at <= ?",
        (int(server.sim_start.timestamp() * 1000),)))
    db.close()
    tokens = []
    for n in range(args.clients):
        added = run_cli(args.binary, "user", "add", "--data", data, "--name", "crash%d" % n,
                        "--unit", "cc", "--role", "supervisor", "--role", "inspector",
                        "--role", "responsible")
        if added.returncode != 0:
            raise RuntimeError("user add: " + added.stderr)
        tokens.append(added.stdout.strip().splitlines()[-1])

    gate = threading.Event()
    gate.port = server.port
    gate.server = server
    gate.set()
    stop = threading.Event()
    clients = [Client(n, tokens[n], gate, stop, random.Random(rng.random()))
               for n in range(args.clients)]
    for c in clients:
        c.start()

    verify_results = []
    problems = checked = api_checked = 0
    kills = 0
    started = time.monotonic()
    try:
        for kills in range(1, args.kills + 1):
            time.sleep(rng.uniform(1.0, 4.0))
            gate.clear()
            server.kill()
            verify = run_cli(args.binary, "audit", "verify", "--data", data)
            verify_results.append(verify.returncode)
            if verify.returncode != 0:
                VIOLATIONS.add("after kill %d: audit verify exited %d: %s %s" %
                               (kills, verify.returncode, verify.stdout, verify.stderr))
            problems, checked = check_database(data, clients, kills)
            check_evidence_files(data, clients, kills)
            server.start()
            api_checked = check_api(server.port, tokens[0], data, kills)
            print("kill %2d: %s; %d problems, %d acknowledged writes present, API agrees on %d" %
                  (kills, verify.stdout.strip(), problems, checked, api_checked), flush=True)
            gate.port = server.port
            gate.set()
        time.sleep(1.0)
    finally:
        stop.set()
        gate.set()
        for c in clients:
            c.join(timeout=30)
        # Let the sender settle what is due, then stop cleanly.
        time.sleep(3.0)
        code = server.terminate() if server.proc else 0
        if code != 0:
            VIOLATIONS.add("serve exited %d on SIGTERM" % code)
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=30)

    verify = run_cli(args.binary, "audit", "verify", "--data", data)
    verify_results.append(verify.returncode)
    if verify.returncode != 0:
        VIOLATIONS.add("at the end: audit verify exited %d: %s" % (verify.returncode,
                                                                   verify.stdout))
    problems, checked = check_database(data, clients, kills)

    received = read_mail(mail)
    db = sqlite3.connect(os.path.join(data, "qingling.db"))
    outbox = dict(db.execute("SELECT state, count(*) FROM outbox GROUP BY state"))
    sent_ids = [i for (i,) in db.execute("SELECT id FROM outbox WHERE state = 'sent'")]
    db.close()
    by_outbox_id = collections.Counter()
    for message_id, n in received.items():
        if message_id.startswith("<outbox-"):
            by_outbox_id[int(message_id[len("<outbox-"):].split("@")[0])] += n
    lost = [i for i in sent_ids if by_outbox_id[i] == 0 and i not in seeded]
    if lost:
        VIOLATIONS.add("%d messages recorded as sent never reached SMTP (e.g. outbox %s)" %
                       (len(lost), lost[:5]))
    if not received:
        VIOLATIONS.add("no mail reached SMTP: the outbox was not exercised")
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    if duplicates > kills:
        VIOLATIONS.add("%d duplicate messages in %d kills: more than the one a kill may leave "
                       "unrecorded" % (duplicates, kills))
    for message_id, n in received.items():
        if n > 2:
            VIOLATIONS.add("%s arrived %d times" % (message_id, n))

    writes = sum(len(c.acks) for c in clients)
    print()
    print("summary (seed %d, %.0f s)" % (args.seed, time.monotonic() - started))
    print("  kills (SIGKILL)               %d" % kills)
    print("  requests / retried after kill %d / %d" % (sum(c.requests for c in clients),
                                                       sum(c.retries for c in clients)))
    print("  acknowledged writes checked   %d (each against the log after every kill)" % writes)
    print("  problems                      %d (%d from the crash clients, API agreed on each)" %
          (problems, api_checked))
    print("  messages received by SMTP     %d (%d distinct Message-IDs)" %
          (sum(received.values()), len(received)))
    print("  outbox                        %s (%d of the sent are the demo's history)" % (
        ", ".join("%s %d" % kv for kv in sorted(outbox.items())), len(seeded)))
    print("  duplicates (same Message-ID)  %d (at most one per kill is allowed: at-least-once)" %
          duplicates)
    print("  audit verify                  %d runs, %d passed" %
          (len(verify_results), verify_results.count(0)))
    print("  violations                    %d" % len(VIOLATIONS.items))
    for v in VIOLATIONS.items[:20]:
        print("    " + v)
    if not args.keep and not VIOLATIONS.items and not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if VIOLATIONS.items else 0


if __name__ == "__main__":
    sys.exit(main())
