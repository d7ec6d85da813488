"""The live view of a running sweep: trials done / running / left, best so far, ETA."""

from __future__ import annotations

import time
from typing import Any

__all__ = ["LiveView"]


def _duration(seconds: float) -> str:
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class LiveView:
    """A rich ``Live`` panel on a terminal; elsewhere one line per finished trial.

    Args:
        runner: the :class:`~lstmzoo.sweep.runner.SweepRunner` to show.
        started: ``time.monotonic()`` at the start.
        enabled: draw at all.
        console: a rich console (default: stderr).
    """

    def __init__(
        self, runner: Any, started: float, *, enabled: bool = True, console: Any = None
    ) -> None:
        from rich.console import Console

        self.runner = runner
        self.started = started
        self.enabled = enabled
        self.console = console or Console(stderr=True)
        self._live: Any = None
        self._printed = 0
        self._last_poll = 0.0
        self._summary: dict[str, Any] = {}

    def __enter__(self) -> LiveView:
        if self.enabled and self.console.is_terminal:
            from rich.live import Live

            self._live = Live(self._render(), console=self.console, auto_refresh=False)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._live is not None:
            self._live.update(self._render(), refresh=True)
            self._live.__exit__(*exc)

    def _poll(self) -> dict[str, Any]:
        now = time.monotonic()
        if self._summary and now - self._last_poll < 2.0:
            return self._summary
        self._last_poll = now
        runner = self.runner
        done = running = failed = pruned = 0
        best = None
        with_value = []
        for t in runner.study.get_trials(deepcopy=False):
            attrs = t.user_attrs
            if attrs.get("sweep:duplicate") or "sweep:key" not in attrs:
                continue
            state = t.state.name
            if state == "RUNNING":
                running += 1
            elif state == "COMPLETE":
                done += 1
                with_value.append(t)
            elif state == "PRUNED":
                pruned += 1
            elif state == "FAIL" and attrs.get("sweep:final"):
                failed += 1
        if with_value:
            sign = 1 if runner.spec.mode == "min" else -1
            best = min(with_value, key=lambda t: sign * t.value)
        total = runner.spec.total_runs()
        finished = done + pruned + failed
        self._summary = {
            "done": done,
            "running": running,
            "failed": failed,
            "pruned": pruned,
            "left": max(0, total - finished - running),
            "total": total,
            "best": best,
        }
        return self._summary

    def _render(self) -> Any:
        from rich.table import Table

        s = self._poll()
        runner = self.runner
        elapsed = time.monotonic() - self.started
        outcomes = list(runner.finished)
        eta = "?"
        if outcomes:
            per_trial = sum(o.seconds for o in outcomes) / len(outcomes)
            remaining = s["left"] + s["running"]
            eta = _duration(per_trial * remaining / max(1, runner.workers))
        table = Table(title=f"sweep {runner.name}", show_header=False, box=None)
        table.add_column(style="bold")
        table.add_column()
        table.add_row(
            "trials",
            f"{s['done']} done · {s['running']} running · {s['left']} left"
            + (f" · {s['pruned']} pruned" if s["pruned"] else "")
            + (f" · {s['failed']} failed" if s["failed"] else ""),
        )
        best = s["best"]
        if best is not None:
            point = ", ".join(
                f"{k.rsplit('.', 1)[-1]}={v}"
                for k, v in best.user_attrs.get("sweep:point", {}).items()
            )
            table.add_row(
                "best",
                f"{runner.spec.metric} = {best.value:.5g}  (trial {best.number}: {point}, "
                f"seed {best.user_attrs.get('sweep:seed')})",
            )
        table.add_row("time", f"{_duration(elapsed)} elapsed · ETA {eta}")
        table.add_row("folder", str(runner.folder))
        return table

    def refresh(self) -> None:
        """Redraw (terminal) or print the trials that finished since the last call."""
        runner = self.runner
        if self._live is not None:
            self._live.update(self._render(), refresh=True)
            return
        if not self.enabled:
            return
        outcomes = list(runner.finished)
        for outcome in outcomes[self._printed :]:
            value = (
                f" {runner.spec.metric}={outcome.value:.5g}" if outcome.value is not None else ""
            )
            error = f" ({outcome.error})" if outcome.error else ""
            self.console.print(
                f"trial {outcome.number}: {outcome.status}{value} in {outcome.seconds:.1f}s{error}",
                highlight=False,
            )
        self._printed = len(outcomes)
