"""Run a sweep: an Optuna study whose trials are ``lstmzoo fit`` processes.

Trial processes are forked from a warm fork server where the platform allows it (see
:mod:`lstmzoo.sweep.launch`), so a trial does not pay for importing torch and Lightning.

Everything that decides what runs next is read from the study's storage, so a rerun of the same
command, or the same command on another machine with the same ``--storage``, continues the study:

* a trial is one (point, seed); its user attributes name the point, the seed and its folder;
* grid: the next (point, seed) that is neither finished nor running; a search (random / tpe)
  samples a new point for the first seed, and once that run completes (not pruned) runs the
  point's other seeds with the same values;
* a trial whose runner died is failed by Optuna's heartbeat (``fail_stale_trials``) or, on the
  same machine, at once when its runner's process is gone; such a trial, a killed trial process
  and an interrupted one run again; a trial that failed on its own (NaN, out of memory, an
  exception) is final, with its error recorded;
* two runners that pick the same (point, seed) at the same moment: the later trial steps aside
  (recorded as a failed duplicate, ignored by the report), so a point never completes twice.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.launch import Launcher, TrialProcess, exit_signal, make_launcher
from lstmzoo.sweep.spec import Categorical, SweepSpec, compose_config

__all__ = ["SweepRunner", "make_storage", "open_storage", "point_key"]

log = logging.getLogger(__name__)

ATTR = "sweep:"
MAX_ATTEMPTS = 3  # runs of one (point, seed) that died (killed, runner gone) before giving up


def _redact(url: str) -> str:
    """``postgresql://user:secret@host/db`` -> ``postgresql://user:***@host/db``."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            creds = creds.split(":", 1)[0] + ":***"
        return f"{scheme}://{creds}@{host}"
    return url


def make_storage(
    url: str, *, heartbeat: bool = True, interval: int = 10, grace: int | None = None
) -> Any:
    """An Optuna ``RDBStorage`` for ``url`` (SQLite, PostgreSQL, MySQL).

    With ``heartbeat``, trials are expected to beat every ``interval`` seconds and a trial
    silent for ``grace`` seconds (default ``3 * interval``) counts as dead.

    Raises:
        ConfigError: the storage cannot be opened (bad URL, server down, driver missing).
    """
    import optuna

    _quiet_optuna()
    engine_kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # several trial processes write to the same file: wait for the lock rather than fail
        engine_kwargs["connect_args"] = {"timeout": 120}
    else:
        engine_kwargs["pool_pre_ping"] = True
    kwargs: dict[str, Any] = {}
    if heartbeat:
        kwargs = {"heartbeat_interval": interval, "grace_period": grace or 3 * interval}
    for attempt in range(5):
        try:
            return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs, **kwargs)
        except Exception as err:  # sqlalchemy's errors, a missing driver, a bad URL
            # two processes creating the tables of a new storage at once: the later one retries
            if _creation_race(err) and attempt < 4:
                time.sleep(0.5 * (attempt + 1))
                continue
            raise _storage_error(url, err) from None
    raise AssertionError("unreachable")


def _creation_race(err: Exception) -> bool:
    """True for the errors of a process that lost the race to create a new storage's tables:
    a duplicate row in ``version_info`` (IntegrityError) or a ``CREATE TABLE`` of a table that
    another process created since this one looked (SQLite's OperationalError, PostgreSQL's
    DuplicateTable, both saying "already exists")."""
    return type(err).__name__ == "IntegrityError" or "already exists" in str(err)


def _storage_error(url: str, err: Exception) -> ConfigError:
    text = str(err).strip().splitlines()
    detail = text[0] if text else type(err).__name__
    return ConfigError(f"cannot open the storage {_redact(url)}: {type(err).__name__}: {detail}")


def open_storage(url: str) -> Any:
    """A storage for reading (no heartbeat)."""
    return make_storage(url, heartbeat=False)


def point_key(point: dict[str, Any], seed: int | None = None) -> str:
    """A canonical string for a point (and seed)."""
    body = json.dumps(point, sort_keys=True, default=str)
    return body if seed is None else f"{body}#seed={seed}"


def _encode(value: Any) -> Any:
    """Optuna's categorical choices are scalars: other values travel as JSON text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return json.dumps(value, sort_keys=True)


def _planned_sampler(base: Any) -> Any:
    """Wrap ``base``: trials the runner fixed (``.fix(trial_id, params)``) get those values,
    the others ask ``base``. (Defined in a function so that optuna is imported only here.)"""
    import optuna

    class Planned(optuna.samplers.BaseSampler):
        def __init__(self) -> None:
            self.base = base
            self.fixed: dict[int, dict[str, Any]] = {}
            self._lock = threading.Lock()

        def fix(self, trial_id: int, params: dict[str, Any]) -> None:
            with self._lock:
                self.fixed[trial_id] = params

        def infer_relative_search_space(self, study: Any, trial: Any) -> Any:
            return self.base.infer_relative_search_space(study, trial)

        def sample_relative(self, study: Any, trial: Any, search_space: Any) -> Any:
            return self.base.sample_relative(study, trial, search_space)

        def sample_independent(self, study: Any, trial: Any, name: str, dist: Any) -> Any:
            with self._lock:
                fixed = self.fixed.get(trial._trial_id)
            if fixed is not None and name in fixed:
                return fixed[name]
            return self.base.sample_independent(study, trial, name, dist)

        def before_trial(self, study: Any, trial: Any) -> None:
            self.base.before_trial(study, trial)

        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            with self._lock:
                self.fixed.pop(trial._trial_id, None)
            self.base.after_trial(study, trial, state, values)

        def reseed_rng(self) -> None:
            self.base.reseed_rng()

    return Planned()


def _suggest(trial: Any, key: str, dim: Any) -> Any:
    if isinstance(dim, Categorical):
        return trial.suggest_categorical(key, [_encode(v) for v in dim.values])
    if dim.is_int:
        return trial.suggest_int(key, dim.low, dim.high, step=dim.step or 1, log=dim.log)
    return trial.suggest_float(key, float(dim.low), float(dim.high), step=dim.step, log=dim.log)


def _decode(dim: Any, value: Any) -> Any:
    if isinstance(dim, Categorical):
        for candidate in dim.values:
            if _encode(candidate) == value:
                return candidate
    return value


@dataclass
class _Job:
    trial: Any
    point: dict[str, Any]
    seed: int
    group: str
    folder: Path


@dataclass
class _Outcome:
    number: int
    status: str
    value: float | None = None
    seconds: float = 0.0
    error: str | None = None


@dataclass
class SweepState:
    """What the storage says, grouped by (point, seed) key."""

    done: dict[str, str] = field(default_factory=dict)  # key -> COMPLETE | PRUNED | FAIL
    running: set[str] = field(default_factory=set)
    attempts: dict[str, int] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)  # group -> point
    any_running: bool = False


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
        self._finished: list[_Outcome] = []
        self._last_reap = 0.0
        self.study: Any = None

    # --- study -------------------------------------------------------------------------------

    def open_study(self) -> Any:
        """Create or load the study, checking that it belongs to this sweep file."""
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        _quiet_optuna()
        if self.storage_url.startswith("sqlite:///"):
            Path(self.storage_url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        self.storage = make_storage(self.storage_url, interval=self.heartbeat)
        spec = self.spec
        if spec.sampler == "tpe":
            base = optuna.samplers.TPESampler(
                seed=spec.sampler_seed, n_startup_trials=max(1, min(10, (spec.trials or 3) // 3))
            )
        else:
            base = optuna.samplers.RandomSampler(seed=spec.sampler_seed)
        self.sampler = _planned_sampler(base)
        pruner = (
            optuna.pruners.MedianPruner(**spec.pruner_args)
            if spec.pruner == "median"
            else optuna.pruners.NopPruner()
        )
        study = optuna.create_study(
            study_name=self.name,
            storage=self.storage,
            sampler=self.sampler,
            pruner=pruner,
            direction=spec.direction,
            load_if_exists=True,
        )
        attrs = study.user_attrs
        finished = any(
            t.state.is_finished()
            and not t.user_attrs.get(ATTR + "duplicate")
            and t.state.name in ("COMPLETE", "PRUNED")
            for t in study.get_trials(deepcopy=False)
        )
        stored = attrs.get(ATTR + "fingerprint")
        if stored is not None and stored != spec.fingerprint() and finished:
            raise ConfigError(
                f"the study {self.name!r} in {_redact(self.storage_url)} was started from a "
                f"different sweep ({attrs.get(ATTR + 'file')}: space, seeds, sampler or metric "
                "differ); give another --name to start a new study"
            )
        if study.direction.name.lower() != spec.direction:
            raise ConfigError(
                f"the study {self.name!r} optimises in direction {study.direction.name.lower()}, "
                f"the sweep file says mode: {spec.mode}; give another --name"
            )
        if stored != spec.fingerprint():
            study.set_user_attr(ATTR + "fingerprint", spec.fingerprint())
        # the latest file's entries (budget, report options) are what `sweep show` reads
        study.set_user_attr(ATTR + "spec", json.loads(json.dumps(spec.raw, default=str)))
        study.set_user_attr(ATTR + "file", str(spec.path))
        self.study = study
        return study

    # --- planning ----------------------------------------------------------------------------

    def _reap(self) -> None:
        """Fail trials whose runner is gone: by heartbeat, or at once when it was on this host."""
        import optuna
        from optuna.trial import TrialState

        now = time.monotonic()
        if now - self._last_reap < min(self.heartbeat, 5):
            return
        self._last_reap = now
        host = socket.gethostname()
        for t in self.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            owner = str(t.user_attrs.get(ATTR + "owner", ""))
            owner_host, _, pid = owner.rpartition(":")
            if owner_host != host or not pid.isdigit() or int(pid) == os.getpid():
                continue
            if _alive(int(pid)):
                continue
            with contextlib.suppress(Exception):  # another runner may be failing it too
                self.storage.set_trial_user_attr(
                    t._trial_id, ATTR + "error", f"its runner (pid {pid}) is gone"
                )
                self.storage.set_trial_state_values(t._trial_id, state=TrialState.FAIL)
        # elsewhere (or when the pid check could not tell): no heartbeat for the grace period
        optuna.storages.fail_stale_trials(self.study)

    def state(self) -> SweepState:
        """Classify the study's trials by (point, seed)."""
        from optuna.trial import TrialState

        out = SweepState()
        for t in self.study.get_trials(deepcopy=False):
            attrs = t.user_attrs
            key = attrs.get(ATTR + "key")
            if key is None or attrs.get(ATTR + "duplicate"):
                continue
            group = str(attrs.get(ATTR + "group"))
            out.groups.setdefault(group, attrs.get(ATTR + "point", {}))
            if t.state == TrialState.RUNNING:
                out.running.add(key)
                out.any_running = True
            elif t.state in (TrialState.COMPLETE, TrialState.PRUNED):
                out.done[key] = t.state.name
            elif t.state == TrialState.FAIL:
                if attrs.get(ATTR + "final"):
                    out.done.setdefault(key, "FAIL")
                elif not attrs.get(ATTR + "interrupted"):
                    out.attempts[key] = out.attempts.get(key, 0) + 1
                    if out.attempts[key] >= MAX_ATTEMPTS:
                        out.done.setdefault(key, "FAIL")
        return out

    def _open(self, key: str, state: SweepState) -> bool:
        return key not in state.done and key not in state.running

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
                    if self._open(point_key(point, seed), state):
                        return point, seed, point_key(point)
            return None
        first = spec.seeds[0]
        for group, point in sorted(state.groups.items(), key=lambda item: int(item[0])):
            head = point_key(point, first)
            if state.done.get(head) == "COMPLETE":
                for seed in spec.seeds[1:]:
                    if self._open(point_key(point, seed), state):
                        return point, seed, group
            elif self._open(head, state):
                return point, first, group  # its first run died: run it again
        if len(state.groups) < int(spec.trials or 0):
            return None, first, None  # a new point from the sampler
        return None

    def _create(self, point: dict[str, Any] | None, seed: int, group: str | None) -> _Job | None:
        study, spec = self.study, self.spec
        trial = study.ask()
        if point is not None:
            self.sampler.fix(trial._trial_id, {k: _encode(v) for k, v in point.items()})
        values = {k: _decode(dim, _suggest(trial, k, dim)) for k, dim in spec.space.items()}
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
        from optuna.trial import TrialState

        for other in study.get_trials(deepcopy=False):
            if other.number >= trial.number or other.user_attrs.get(ATTR + "key") != key:
                continue
            if other.user_attrs.get(ATTR + "duplicate"):
                continue
            if other.state in (TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED):
                trial.set_user_attr(ATTR + "duplicate", True)
                study.tell(trial, state=TrialState.FAIL)
                return None
        return _Job(trial, point, seed, group, folder)

    # --- running -----------------------------------------------------------------------------

    def _trial_args(self, job: _Job) -> list[str]:
        """The arguments of ``python -m lstmzoo.sweep.trial`` for this job."""
        spec = self.spec
        args = [
            str(job.folder / "config.yaml"),
            "--result",
            str(job.folder / "result.json"),
            "--metric",
            spec.metric,
        ]
        if spec.test:
            args.append("--test")
        if spec.pruner == "median":
            args += [  # the storage URL (it may hold a password) goes in the environment
                "--study",
                self.name,
                "--trial-id",
                str(job.trial._trial_id),
                "--pruner-args",
                json.dumps(spec.pruner_args),
            ]
        return args

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.spec.pruner == "median":
            env["LSTMZOO_SWEEP_STORAGE"] = self.storage_url
        threads = str(self.threads)
        env.update(
            OMP_NUM_THREADS=threads,
            MKL_NUM_THREADS=threads,
            LSTMZOO_SWEEP_THREADS=threads,
            PYTHONUNBUFFERED="1",
        )
        return env

    def run_job(self, job: _Job) -> _Outcome:
        """Write the trial's config, run it in its own process, record the outcome."""
        trial, spec = job.trial, self.spec
        started = time.monotonic()
        job.folder.mkdir(parents=True, exist_ok=True)
        result_path = job.folder / "result.json"
        result_path.unlink(missing_ok=True)
        try:
            config = compose_config(spec, job.point, job.seed, job.folder)
        except ConfigError as err:
            return self._finish(job, "failed", None, str(err), started, final=True)
        (job.folder / "config.yaml").write_text(
            yaml.safe_dump(config, sort_keys=False), encoding="utf-8"
        )
        stop_beat = threading.Event()
        beat = threading.Thread(target=self._beat, args=(trial._trial_id, stop_beat), daemon=True)
        beat.start()
        try:
            proc = self.launcher.start(self._trial_args(job), self._env(), job.folder / "trial.log")
            with self._lock:
                self._procs[trial.number] = proc
            if self._stop.is_set():
                _terminate(proc)
            with contextlib.suppress(Exception):  # only informative: which process runs it
                trial.set_user_attr(ATTR + "pid", proc.pid)
            rc = proc.wait()
        finally:
            with self._lock:
                self._procs.pop(trial.number, None)
            stop_beat.set()
            beat.join()
        result = _read_result(result_path)
        if result is None:
            name = exit_signal(rc)
            if name is not None:
                interrupted = self._stop.is_set()
                return self._finish(
                    job,
                    "killed",
                    None,
                    f"the trial process was killed ({name})",
                    started,
                    interrupted=interrupted,
                )
            return self._finish(
                job,
                "failed",
                None,
                f"exited with status {rc}; see {job.folder}/trial.log",
                started,
                final=True,
            )
        status = result.get("status")
        for attr in ("metrics", "test", "steps", "best_checkpoint", "seconds"):
            if attr in result:
                trial.set_user_attr(ATTR + attr, result[attr])
        if status == "complete":
            return self._finish(job, "complete", float(result["value"]), None, started)
        if status == "pruned":
            return self._finish(job, "pruned", None, result.get("error"), started)
        if status == "interrupted":
            return self._finish(job, "interrupted", None, "interrupted", started, interrupted=True)
        if status == "metric_missing":
            self._fatal = ConfigError(f"{spec.path}: metric: {result.get('error')}")
            self.stop()
            # not final: once the sweep file names a logged metric, this point runs again
            return self._finish(job, "failed", None, result.get("error"), started, interrupted=True)
        return self._finish(job, "failed", None, result.get("error"), started, final=True)

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
    ) -> _Outcome:
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
        outcome = _Outcome(trial.number, status, value, seconds, error)
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
            _terminate(proc, hard=hard)

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
            from lstmzoo.sweep.progress import LiveView

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


def _quiet_optuna() -> None:
    """Optuna calls heartbeats experimental and expects them under ``Study.optimize``; the runner
    uses them with ask / tell on purpose (it beats for each trial itself), so these warnings
    say nothing to a user."""
    import optuna

    warnings.filterwarnings(
        "ignore",
        category=optuna.exceptions.ExperimentalWarning,
        message=r".*(heartbeat|fail_stale_trials).*",
    )
    warnings.filterwarnings(
        "ignore", message="Heartbeat of storage is supposed to be used with Study.optimize"
    )


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate(proc: TrialProcess, hard: bool = False) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)


def _read_result(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
