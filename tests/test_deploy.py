"""The scheduling files in deploy/ run the real command under a lock."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from archive.cli import main

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_every_scheduled_run_is_locked_and_uses_the_cli() -> None:
    commands = [
        (DEPLOY / "kronika-crawl.service").read_text(encoding="utf-8"),
        (DEPLOY / "kronika-recheck.service").read_text(encoding="utf-8"),
        *(
            line
            for line in (DEPLOY / "crontab").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")
        ),
    ]
    assert len(commands) == 4
    for command in commands:
        assert "flock" in command and ".crawl.lock" in command
        assert "kronika crawl" in command and "--log-file" in command
    assert sum("--recheck" in c for c in commands) == 2
    # A hung run must not hold the lock for good: every run has a time limit.
    assert all("TimeoutStartSec=" in c or "timeout --kill-after" in c for c in commands)
    timers = [
        (DEPLOY / f"kronika-{n}.timer").read_text(encoding="utf-8") for n in ("crawl", "recheck")
    ]
    assert all("Persistent=true" in t and "OnCalendar=" in t for t in timers)
    assert "/var/log/kronika/*.log" in (DEPLOY / "logrotate.conf").read_text(encoding="utf-8")


def test_the_options_the_schedule_uses_exist() -> None:
    help_text = CliRunner().invoke(main, ["crawl", "--help"]).output
    for option in ("--recheck", "--overlap", "--log-file", "--sources", "--db"):
        assert option in help_text
    assert "--runs" in CliRunner().invoke(main, ["status", "--help"]).output
