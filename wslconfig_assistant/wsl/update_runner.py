"""`wsl --update` and `wsl --shutdown`, done the way that survives wsl.exe's quirks.

The exit code of `--update` is not trusted (microsoft/WSL#12081: it can say
"Updating…", exit 0 and change nothing): the WSL version is read before and after,
and the outcome is classified from the output plus that comparison. Three calls in
all; `apply` may add a fourth, `--shutdown`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, TextIO

if TYPE_CHECKING:
    from wslconfig_assistant.core.errors import WslError
    from wslconfig_assistant.wsl.queries import Wsl
    from wslconfig_assistant.wsl.update_outcome import UpdateOutcome
    from wslconfig_assistant.wsl.version_report import VersionReport

SHUTDOWN_WARNING = (
    "wsl --shutdown stops every running distro and the WSL VM (open shells and servers inside WSL end)"
)


# The outcome kinds (update_outcome.UpdateKind, stable in JSON) as people read them in a summary line.
KIND_TEXT = {
    "updated": "updated",
    "already-latest": "found nothing newer",
    "reboot-required": "needs a Windows restart",
    "needs-elevation": "needs an elevated terminal (Administrator)",
    "network": "could not download",
    "busy": "waits for another installation",
    "not-applied": "ran, but installed nothing",
    "inbox": "cannot update the inbox wsl.exe",
    "other": "failed",
    "timed-out": "timed out",
}


def kind_text(kind: str) -> str:
    return KIND_TEXT.get(kind, kind.replace("-", " "))


class UpdateReport(NamedTuple):
    outcome: UpdateOutcome
    before: VersionReport
    after: VersionReport | None  # None when `--version` failed after the update
    output: str
    # Set when `--update` did not finish in time: apply stops there, with exit 4 (the contract's
    # "timed out"), yet the update did run and the report says so (`update.kind` "timed-out").
    error: WslError | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.outcome.kind,
            "ok": self.outcome.ok,
            "message": self.outcome.message,
            "fix": self.outcome.fix,
            "msi_code": self.outcome.msi_code,
            "error_code": self.outcome.error_code,
            "before": self.before.wsl,
            "after": self.after.wsl if self.after else None,
        }


def run_update(wsl: Wsl, *, channel: str = "pre-release", stream: TextIO | None = None,
               before: VersionReport | None = None, timeout: float | None = None) -> UpdateReport:
    """``before``: a `wsl --version` the caller already read (apply does), saving a call."""
    from wslconfig_assistant.core.errors import WslError  # noqa: PLC0415
    from wslconfig_assistant.wsl.update_outcome import UpdateOutcome, classify_update  # noqa: PLC0415
    from wslconfig_assistant.wsl.wslexe import UPDATE_TIMEOUT, WslTimeoutError  # noqa: PLC0415

    if before is None:
        before = wsl.version_report()
    args = ["--update", "--pre-release"] if channel == "pre-release" else ["--update"]
    try:
        result = wsl.run(*args, timeout=UPDATE_TIMEOUT if timeout is None else timeout, stream=stream)
    except WslTimeoutError as exc:
        # No `--version` afterwards: the installer may still be running, so what it would say is
        # not the outcome; the versions are unknown until it is done.
        outcome = UpdateOutcome("timed-out", None, None, None, exc.message, exc.fix or "", False)
        return UpdateReport(outcome, before, None, exc.result.output, error=exc)
    try:
        after: VersionReport | None = wsl.version_report()
    except WslError:
        after = None  # e.g. the MSI is still finishing: classify from the output alone
    outcome = classify_update(
        result.output + result.errors, result.exit_code,
        before=before.wsl, after=after.wsl if after else None,
    )
    return UpdateReport(outcome, before, after, result.output)


def shutdown(wsl: Wsl) -> None:
    """`wsl --shutdown`. Callers warn first (SHUTDOWN_WARNING): it stops running distros."""
    result = wsl.run("--shutdown")
    if result.failed:
        from wslconfig_assistant.wsl.wslexe import raise_for  # noqa: PLC0415

        raise_for(result)
