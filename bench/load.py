"""Throughput under load: gunicorn with 2 workers on the generated data, and a load generator in a second process
on 127.0.0.1 (wrk when installed – `apt-get install wrk` –, otherwise a small Python client with threads).

Each page is requested for BENCH_LOAD_SECONDS (default 20) by BENCH_LOAD_CLIENTS (default 8) concurrent clients,
logged in with the session cookie of the role that uses the page (the public verification page without one).
The verification page's rate limit per address (30 a minute) is lifted for gunicorn here: all the load comes
from 127.0.0.1, and the figure wanted is what the page costs, not how fast the limiter answers 429.
"""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie

from bench.app import BENCH_SECRET
from bench.database import ROOT


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, database, workers=2):
        self.port = _free_port()
        self.database = database
        self.workers = workers
        self.process = None

    def __enter__(self):
        env = dict(os.environ, CPMS_SECRET_KEY=BENCH_SECRET, CPMS_INSTANCE_PATH=str(ROOT / "bench" / "instance"),
                   CPMS_LOG_LEVEL="WARNING", CPMS_CERTIFICATE_VERIFY_RATE_LIMIT="1000000 per minute",
                   **self.database.environment())
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        self.process = subprocess.Popen([gunicorn, "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                                         "--log-level", "warning", "cpms:create_app()"], env=env, cwd=ROOT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _headers, _body = request("GET", self.port, "/login")
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def request(method, port, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def session_cookie(port, role):
    """Log in through the form, as a browser would; returns the Cookie header value."""
    from cpms.auth.demo import DEMO_USERS
    user = next(u for u in DEMO_USERS if u["role"] == role)
    status, headers, body = request("GET", port, "/login")
    cookies = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookies.load(value)
    token = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"email": user["email"], "password": user["password"], "csrf_token": token})
    cookie = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
    status, headers, _body = request("POST", port, "/login", form, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    if status != 302:
        raise RuntimeError(f"login as {role} failed ({status})")
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookies.load(value)
    return "; ".join(f"{k}={m.value}" for k, m in cookies.items())


def _wrk(port, path, cookie, clients, seconds):
    command = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds}s", "--latency", "--timeout", "30s",
               "-H", f"Cookie: {cookie}", "-H", "Accept-Encoding: gzip, br", f"http://127.0.0.1:{port}{path}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failed = (int(errors.group(1)) if errors else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return {"tool": "wrk", "requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50_ms": latency(50), "p90_ms": latency(90), "p99_ms": latency(99), "errors": failed}


def _python_client(port, path, cookie, clients, seconds):
    """The fallback load generator: run in a child process so that it never shares the GIL with the server."""
    code = ("import json, sys; from bench.load import _threads; "
            "print(json.dumps(_threads(*json.loads(sys.argv[1]))))")
    output = subprocess.run([sys.executable, "-c", code, json.dumps([port, path, cookie, clients, seconds])],
                            capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return json.loads(output)


def _threads(port, path, cookie, clients, seconds):
    latencies, errors, lock = [], [0], threading.Lock()
    stop = time.perf_counter() + seconds

    def work():
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                status, _h, _b = request("GET", port, path, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})
                ok = status == 200
            except OSError:
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += not ok

    threads = [threading.Thread(target=work) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    pick = lambda share: latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000  # noqa: E731
    return {"tool": "python threads", "requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50_ms": pick(0.5), "p90_ms": pick(0.9), "p99_ms": pick(0.99), "errors": errors[0]}


def load_targets(app):
    """(name, role, path) of the pages put under load; a page whose domain is missing is skipped."""
    from bench.harness import Bench
    from bench.scenarios.training import register_session
    from cpms.domains import DOMAINS
    bench = Bench(app, None)
    _cohort, session, _day = register_session(bench)
    targets = [("Register of a 450-trainee session", "trainer", f"/training/sessions/{session}/register")]
    if "certificates" in DOMAINS:
        from bench.scenarios.certificates import verification_code
        targets.append(("Certificate verification page (public)", None, f"/verify/{verification_code(bench)}"))
    else:
        targets.append(("Certificate verification page", "skip", "the certificates domain is not in this build yet"))
    return targets


def measure_load(app, database, echo=print):
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))
    clients = int(os.environ.get("BENCH_LOAD_CLIENTS", "8"))
    results = []
    with Gunicorn(database) as server:
        for name, role, path in load_targets(app):
            if role == "skip":
                results.append({"name": name, "skipped": path or "placeholder: set its URL in bench/load.py"})
                echo(f"  {name}: skipped")
                continue
            cookie = session_cookie(server.port, role) if role else ""
            run = _wrk if shutil.which("wrk") else _python_client
            result = run(server.port, path, cookie, clients, seconds)
            result.update(name=name, server="gunicorn -w 2", clients=clients, seconds=seconds, path=path)
            results.append(result)
            echo(f"  {name}: {result['rps']:.1f} requests/s, p50 {result['p50_ms']:.0f} ms, "
                 f"p99 {result['p99_ms']:.0f} ms, {result['errors']} errors ({result['tool']})")
    return results
