"""Run a sweep: worker threads that take the study's next (point, seed) and run it as a trial.

Trial processes are forked from a warm fork server where the platform allows it (see
:mod:`lstmzoo.sweep.launch`), so a trial does not pay for importing torch and Lightning.

Everything that decides what runs next is read from the study's storage, so a rerun of the same
command, or the same command on another machine with the same ``--storage``, continues the study:

* a trial is one (point, seed); its user attributes name the point, the seed and its folder
  (:mod:`~lstmzoo.sweep.runner.bookkeeping`);
* grid: the next (point, seed) that is neither finished nor running; a search (random / tpe)
  samples a new point for the first seed, and once that run completes (not pruned) runs the
  point's other seeds with the same values;
* a trial whose runner died is failed by Optuna's heartbeat (``fail_stale_trials``) or, on the
  same machine, at once when its runner's process is gone; such a trial, a killed trial process
  and an interrupted one run again, continuing the earlier run from its ``last.ckpt``
  (:mod:`~lstmzoo.sweep.runner.resume`); a trial that failed on its own (NaN, out of memory,
  an exception) is final, with its error recorded;
* two runners that pick the same (point, seed) at the same moment: the later trial steps aside
  (recorded as a failed duplicate, ignored by the report), so a point never completes twice.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.launch import Launcher, TrialProcess, make_launcher, terminate
from lstmzoo.sweep.progress import LiveView
from lstmzoo.sweep.runner.bookkeeping import (
    ATTR,
    Attempt,
    SweepState,
    TrialOutcome,
    claimed_before,
    classify,
    earlier_attempts,
    point_key,
    reap_dead_trials,
)
from lstmzoo.sweep.runner.resume import ResumeDecision, config_fingerprint, decide_resume
from lstmzoo.sweep.runner.sampling import decode, encode, suggest
from lstmzoo.sweep.runner.study import open_sweep_study
from lstmzoo.sweep.runner.trial_process import (
    RESULT_ATTRS,
    read_result,
    trial_args,
    trial_env,
    verdict,
)
from lstmzoo.sweep.spec import SweepSpec, compose_config
from lstmzoo.sweep.trial_ids import trial_id

__all__ = ["SweepRunner"]

log = logging.getLogger(__name__)


@dataclass
class _Job:
    trial: Any
    trial_id: int
    point: dict[str, Any]
    seed: int
    group: str
    folder: Path
    earlier: list[Attempt] = field(default_factory=list)  # runs of its key that died
    resume: ResumeDecision | None = None  # set once it continues one of them


class SweepRunner:
    """Runs (or continues) the study of one sweep file.

    Args:
        spec: the sweep, already checked against the config.
        name: study and folder name (default: the sweep file's ``name`` or stem).
        root: where sweep folders live; the sweep's is ``root/name``.
        storage: an Optuna RDB URL; default ``sqlite:///<root>/<name>/study.db`` (the sweep folder).
        workers: trials at once on this machine; each gets ``cores // workers`` torch threads.
        heartbeat: seconds between heartbeats of a running trial; one silent for three
            heartbeats is failed and run again.
        poll: seconds between looks at the storage while waiting for others' trials.
        live: draw the rich live view (on a terminal).
        launcher: how trial processes start: ``fork`` (from a warm fork server; the default
            where the platform has one), ``process`` (a fresh interpreter per trial), or a
            :class:`~lstmzoo.sweep.launch.Launcher`.
    """

    def __init__(
        self,
        spec: SweepSpec,
        *,
        name: str | None = None,
        root: str | Path = "runs/sweeps",
        storage: str | None = None,
        workers: int = 1,
        heartbeat: int = 10,
        poll: float = 2.0,
        live: bool = True,
        console: Any = None,
        launcher: str | Launcher | None = None,
    ) -> None:
        if workers < 1:
            raise ConfigError(f"--workers must be >= 1, got {workers}")
        self.spec = spec
        self.name = name or spec.name
        self.folder = Path(root) / self.name
        self.storage_url = storage or f"sqlite:///{self.folder / 'study.db'}"
        self.workers = workers
        self.heartbeat = heartbeat
        self.poll = poll
        self.live = live
        self.console = console
        self.threads = max(1, _cores() // workers)
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._signal: int | None = None
        self.launcher: Launcher = (
            make_launcher(launcher) if launcher is None or isinstance(launcher, str) else launcher
        )
        self._procs: dict[int, TrialProcess] = {}
        self._fatal: ConfigError | None = None
        self._crash: BaseException | None = None
        self._finished: list[TrialOutcome] = []
        self._last_reap = 0.0
        self.study: Any = None

    @property
    def finished(self) -> tuple[TrialOutcome, ...]:
        """The outcomes of the trials this runner has run so far, in the order they ended."""
        # no lock: a worker may hold it while it plans, and copying a list that is only
        # appended to is safe under the GIL
        return tuple(self._finished)

    # --- study -------------------------------------------------------------------------------

    def open_study(self) -> Any:
        """Create or load the study, checking that it belongs to this sweep file.

        Raises:
            ConfigError: see :func:`~lstmzoo.sweep.runner.study.open_sweep_study`.
        """
        opened = open_sweep_study(self.spec, self.name, self.storage_url, heartbeat=self.heartbeat)
        self.storage, self.sampler, self.study = opened.storage, opened.sampler, opened.study
        return self.study

    # --- planning ----------------------------------------------------------------------------

    def _reap(self) -> None:
        """Fail trials whose runner is gone (at most every few seconds)."""
        now = time.monotonic()
        if now - self._last_reap < min(self.heartbeat, 5):
            return
        self._last_reap = now
        reap_dead_trials(self.study, self.storage)

    def state(self) -> SweepState:
        """Classify the study's trials by (point, seed)."""
        return classify(self.study.get_trials(deepcopy=False))

    def next_job(self) -> _Job | None:
        """Create the next trial to run here, or ``None`` when nothing can start now."""
        with self._lock:
            while True:
                self._reap()
                state = self.state()
                choice = self._choose(state)
                if choice is None:
                    return None
                job = self._create(*choice)
                if job is not None:
                    return job

    def _choose(self, state: SweepState) -> tuple[dict[str, Any] | None, int, str | None] | None:
        spec = self.spec
        if spec.is_grid:
            for seed in spec.seeds:
                for point in spec.grid_points():
                    if state.is_open(point_key(point, seed)):
                        return point, seed, point_key(point)
            return None
        first = spec.seeds[0]
        for group, point in sorted(state.groups.items(), key=lambda item: int(item[0])):
            head = point_key(point, first)
            if state.done.get(head) == "COMPLETE":
                for seed in spec.seeds[1:]:
                    if state.is_open(point_key(point, seed)):
                        return point, seed, group
            elif state.is_open(head):
                return point, first, group  # its first run died: run it again
        if len(state.groups) < int(spec.trials or 0):
            return None, first, None  # a new point from the sampler
        return None

    def _create(self, point: dict[str, Any] | None, seed: int, group: str | None) -> _Job | None:
        study, spec = self.study, self.spec
        trial = study.ask()
        if point is not None:
            self.sampler.fix(trial.number, {k: encode(v) for k, v in point.items()})
        values = {k: decode(dim, suggest(trial, k, dim)) for k, dim in spec.space.items()}
        point = values if point is None else point
        group = str(trial.number) if group is None else group
        key = point_key(point, seed)
        folder = self.folder / f"trial_{trial.number}"
        for attr, value in (
            ("point", point),
            ("seed", seed),
            ("key", key),
            ("group", group),
            ("owner", self.owner),
            ("dir", str(folder)),
        ):
            trial.set_user_attr(ATTR + attr, value)
        # another runner may have created the same (point, seed) a moment ago: the first wins
        trials = study.get_trials(deepcopy=False)
        if claimed_before(trials, trial.number, key):
            from optuna.trial import TrialState

            trial.set_user_attr(ATTR + "duplicate", True)
            study.tell(trial, state=TrialState.FAIL)
            return None
        tid = trial_id(self.storage, self.name, trial.number)
        earlier = earlier_attempts(trials, trial.number, key)
        return _Job(trial, tid, point, seed, group, folder, earlier)

    # --- running -----------------------------------------------------------------------------

    def run_job(self, job: _Job) -> TrialOutcome:
        """Write the trial's config, run it in its own process, record the outcome.

        A retry of a (point, seed) whose earlier run died continues that run from its
        ``last.ckpt`` where one is usable (:func:`~lstmzoo.sweep.runner.resume.decide_resume`).
        """
        trial, spec = job.trial, self.spec
        started = time.monotonic()
        try:
            config = compose_config(spec, job.point, job.seed, job.folder)
            fingerprint = config_fingerprint(config)
            resume = decide_resume(job.earlier, fingerprint, job.folder)
            if resume.checkpoint is not None:
                config = compose_config(spec, job.point, job.seed, resume.folder)
        except ConfigError as err:
            job.folder.mkdir(parents=True, exist_ok=True)
            return self._finish(job, "failed", None, str(err), started, final=True)
        trial.set_user_attr(ATTR + "config", fingerprint)
        self._continue(job, resume)
        job.folder.mkdir(parents=True, exist_ok=True)
        result_path = job.folder / "result.json"
        result_path.unlink(missing_ok=True)
        (job.folder / "config.yaml").write_text(
            yaml.safe_dump(config, sort_keys=False), encoding="utf-8"
        )
        stop_beat = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job.trial_id, stop_beat), daemon=True)
        beat.start()
        try:
            checkpoint = job.resume.checkpoint if job.resume is not None else None
            args = trial_args(spec, self.name, job.folder, job.trial_id, checkpoint)
            env = trial_env(spec, self.storage_url, self.threads)
            proc = self.launcher.start(args, env, job.folder / "trial.log")
            with self._lock:
                self._procs[trial.number] = proc
            if self._stop.is_set():
                terminate(proc)
            with contextlib.suppress(Exception):  # only informative: which process runs it
                trial.set_user_attr(ATTR + "pid", proc.pid)
            rc = proc.wait()
        finally:
            with self._lock:
                self._procs.pop(trial.number, None)
            stop_beat.set()
            beat.join()
        result = read_result(result_path)
        for attr in RESULT_ATTRS:
            if result is not None and attr in result:
                trial.set_user_attr(ATTR + attr, result[attr])
        end = verdict(result, rc, stopping=self._stop.is_set(), log_file=job.folder / "trial.log")
        if end.fatal:
            self._fatal = ConfigError(f"{spec.path}: metric: {end.error}")
            self.stop()
        return self._finish(
            job,
            end.status,
            end.value,
            end.error,
            started,
            final=end.final,
            interrupted=end.interrupted,
        )

    def _continue(self, job: _Job, resume: ResumeDecision) -> None:
        """Record the resume decision on the trial; when it continues an earlier run, the job
        moves to that run's folder (the earlier ``trial.log`` is kept as ``trial.<N>.log``)."""
        trial = job.trial
        if resume.skipped:
            trial.set_user_attr(ATTR + "resume_skipped", list(resume.skipped))
        if resume.checkpoint is None:
            return
        job.folder, job.resume = resume.folder, resume
        for attr, value in (
            ("dir", str(resume.folder)),
            ("resumed_from", str(resume.checkpoint)),
            ("resumed_step", resume.step),
            ("retry_of", resume.attempt),
        ):
            trial.set_user_attr(ATTR + attr, value)
        earlier_log = resume.folder / "trial.log"
        if earlier_log.is_file():
            earlier_log.replace(resume.folder / f"trial.{resume.attempt}.log")
        log.info(
            "trial %d continues trial %d from step %d (%s)",
            trial.number,
            resume.attempt,
            resume.step,
            resume.checkpoint,
        )

    def _finish(
        self,
        job: _Job,
        status: str,
        value: float | None,
        error: str | None,
        started: float,
        *,
        final: bool = False,
        interrupted: bool = False,
    ) -> TrialOutcome:
        from optuna.trial import TrialState

        trial = job.trial
        seconds = time.monotonic() - started
        trial.set_user_attr(ATTR + "wall_seconds", seconds)
        if error:
            trial.set_user_attr(ATTR + "error", error)
        if final:
            trial.set_user_attr(ATTR + "final", True)
        if interrupted:
            trial.set_user_attr(ATTR + "interrupted", True)
        if status == "complete":
            self.study.tell(trial, value)
        elif status == "pruned":
            self.study.tell(trial, state=TrialState.PRUNED)
        else:
            self.study.tell(trial, state=TrialState.FAIL)
        outcome = TrialOutcome(trial.number, status, value, seconds, error)
        with self._lock:
            self._finished.append(outcome)
        log.debug("trial %d: %s", trial.number, status)
        return outcome

    def _beat(self, trial_id: int, stop: threading.Event) -> None:
        while True:
            with contextlib.suppress(Exception):  # a missed beat is retried at the next one
                self.storage.record_heartbeat(trial_id)
            if stop.wait(self.heartbeat):
                return

    def _worker(self) -> None:
        try:
            while not self._stop.is_set():
                job = self.next_job()
                if job is None:
                    with self._lock:
                        mine = bool(self._procs)
                    if not mine and not self.state().any_running:
                        return  # nothing left here or anywhere
                    self._stop.wait(self.poll)
                    continue
                self.run_job(job)
        except ConfigError as err:
            self._fatal = self._fatal or err
            self.stop()
        except BaseException as err:  # a bug or a lost storage: stop the sweep, report it
            self._crash = self._crash or err
            self.stop()

    def stop(self, hard: bool = False) -> None:
        """Stop starting trials and ask the running ones to stop (``hard``: kill them)."""
        self._stop.set()
        with self._lock:
            procs = list(self._procs.values())
        for proc in procs:
            terminate(proc, hard=hard)

    def _on_signal(self, signum: int, frame: Any) -> None:
        hard = self._signal is not None
        self._signal = signum
        self.stop(hard=hard)

    def run(self) -> int:
        """Run until the study is done or interrupted; returns the process exit code."""
        if self.study is None:
            self.open_study()
        self.folder.mkdir(parents=True, exist_ok=True)
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, self._on_signal)
        started = time.monotonic()
        self.launcher.warm_up()
        workers = [
            threading.Thread(target=self._worker, name=f"sweep-worker-{i}", daemon=True)
            for i in range(self.workers)
        ]
        try:
            for worker in workers:
                worker.start()
                time.sleep(0.05)
            with LiveView(self, started, enabled=self.live, console=self.console) as view:
                while any(w.is_alive() for w in workers):
                    view.refresh()
                    for w in workers:
                        w.join(timeout=0.5)
                view.refresh()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if self._crash is not None:
            raise RuntimeError(f"a sweep worker stopped: {self._crash!r}") from self._crash
        if self._fatal is not None:
            raise self._fatal
        if self._signal is not None:
            return 128 + int(self._signal)
        return 0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
