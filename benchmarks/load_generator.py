"""What the benchmarks share: the app under gunicorn with production settings, and a
load generator over keep-alive connections on loopback."""

import http.client
import itertools
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def served_environment(env: dict, settings: str = "benchmarks.settings") -> dict:
    """The environment of the app under benchmark: production settings on loopback."""
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": settings,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
    }


class Server:
    def __init__(self, env: dict, port: int, settings: str = "benchmarks.settings"):
        self.port = port
        self.env = served_environment(env, settings)

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "geo_directory.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--log-level",
                "warning",
            ],
            cwd=PROJECT,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def memory_mb(self) -> float:
        """Resident memory of gunicorn's processes, in MB."""
        pids = [str(self.process.pid)]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += children.read_text().split()
        total_kb = 0
        for pid in pids:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        return total_kb / 1024


def measure(
    port: int,
    scenarios: dict[str, list[str]],
    concurrency: int,
    count: int | None = None,
    seconds: float | None = None,
) -> dict:
    """Sends `count` requests per scenario (or as many as `seconds` allow) over
    `concurrency` keep-alive connections, the scenarios interleaved request by request,
    so that whatever else the machine is doing weighs on all of them alike."""
    names = list(scenarios)
    latencies: dict[str, list[float]] = {name: [] for name in names}
    errors = dict.fromkeys(names, 0)
    lock = threading.Lock()
    queue = iter(range(count * len(names))) if count is not None else itertools.count()
    deadline = time.monotonic() + seconds if seconds is not None else None

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while deadline is None or time.monotonic() < deadline:
            with lock:
                index = next(queue, None)
            if index is None:
                break
            name = names[index % len(names)]
            paths = scenarios[name]
            start = time.perf_counter()
            try:
                connection.request("GET", paths[(index // len(names)) % len(paths)])
                response = connection.getresponse()
                response.read()
                failed = response.status != 200
            except (OSError, http.client.HTTPException):
                failed = True
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            elapsed = time.perf_counter() - start
            with lock:
                latencies[name].append(elapsed * 1000)
                errors[name] += failed
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures = {}
    for name in names:
        samples = latencies[name]
        cuts = statistics.quantiles(samples, n=100) if len(samples) > 1 else samples * 99
        figures[name] = {
            "count": len(samples),
            "p50": cuts[49],
            "p95": cuts[94],
            "p99": cuts[98],
            # Little's law: what `concurrency` clients asking only this would get.
            "rps": concurrency * 1000 / statistics.fmean(samples),
            "errors": errors[name],
            "latencies": samples,
        }
    return figures
