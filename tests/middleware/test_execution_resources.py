"""Execution resources: queue mode workers, the production limit, Wait node slots, timeouts,
and retention of execution records."""

from __future__ import annotations

import pytest

from orchestration.middleware import (
    ExecutionMode,
    ExecutionStatus,
    ExecutionStore,
    FunctionNode,
    N8nInstance,
    QueueMode,
    RegularMode,
    WaitNode,
    Workflow,
    WorkflowSettings,
    h_to_s,
    s_to_h,
)


def _busy_workflow(env, log, seconds=10.0):
    """A workflow that records (execution input, start, end) around a 10 s in-memory wait."""

    def start(item):
        log.append(("start", item, env.now))
        return item

    def end(item):
        log.append(("end", item, env.now))
        return item

    return Workflow(
        "wf",
        "Busy",
        (FunctionNode("Start", start), WaitNode("Work", seconds), FunctionNode("End", end)),
    )


def _max_concurrent(log):
    running = peak = 0
    for kind, _, _ in sorted(log, key=lambda row: (row[2], row[0] == "start")):
        running += 1 if kind == "start" else -1
        peak = max(peak, running)
    return peak


def test_queue_mode_two_workers_of_concurrency_one_run_two_at_once_and_queue_fifo(env, rng):
    """5 jobs at t=0 on 2 workers x 1: at most 2 run, the rest start in arrival order."""
    log: list = []
    instance = N8nInstance(env, rng, mode=QueueMode(workers=2, concurrency=1))
    instance.add_workflow(_busy_workflow(env, log))
    executions = [instance.start("wf", n, mode=ExecutionMode.WEBHOOK) for n in range(5)]
    env.run()
    assert _max_concurrent(log) == 2
    starts = [(item, round(h_to_s(t), 6)) for kind, item, t in log if kind == "start"]
    assert starts == [(0, 0.0), (1, 0.0), (2, 10.0), (3, 10.0), (4, 20.0)]
    assert instance.metrics.queue_depth_max == 3
    assert sorted(ex.worker for ex in executions) == [0, 0, 0, 1, 1]
    assert all(ex.status is ExecutionStatus.SUCCESS for ex in executions)


def test_queue_mode_default_concurrency_is_ten_per_worker(env, rng):
    log: list = []
    instance = N8nInstance(env, rng, mode=QueueMode(workers=1))
    instance.add_workflow(_busy_workflow(env, log))
    for n in range(12):
        instance.start("wf", n)
    env.run()
    assert _max_concurrent(log) == 10


def test_regular_mode_production_limit_queues_webhooks_but_not_manual_runs(env, rng):
    log: list = []
    instance = N8nInstance(env, rng, mode=RegularMode(production_limit=1))
    instance.add_workflow(_busy_workflow(env, log))
    instance.start("wf", "hook-1", mode=ExecutionMode.WEBHOOK)
    instance.start("wf", "hook-2", mode=ExecutionMode.WEBHOOK)
    instance.start("wf", "manual", mode=ExecutionMode.MANUAL)
    env.run()
    starts = {item: round(h_to_s(t), 6) for kind, item, t in log if kind == "start"}
    assert starts == {"hook-1": 0.0, "hook-2": 10.0, "manual": 0.0}


def test_regular_mode_without_limit_runs_everything_at_once(env, rng):
    log: list = []
    instance = N8nInstance(env, rng)
    instance.add_workflow(_busy_workflow(env, log))
    for n in range(50):
        instance.start("wf", n)
    env.run()
    assert _max_concurrent(log) == 50
    assert instance.metrics.queue_depth_max == 0


def test_short_wait_holds_the_slot_and_stays_running(env, rng):
    """A 64 s wait is in memory: the execution stays running and the next job waits for it."""
    log: list = []
    instance = N8nInstance(env, rng, mode=QueueMode(workers=1, concurrency=1))
    instance.add_workflow(_busy_workflow(env, log, seconds=64.0))
    first = instance.start("wf", "a")
    instance.start("wf", "b")
    env.run(until=s_to_h(30))
    assert first.status is ExecutionStatus.RUNNING
    env.run()
    starts = {item: round(h_to_s(t), 6) for kind, item, t in log if kind == "start"}
    assert starts == {"a": 0.0, "b": 64.0}


def test_long_wait_parks_as_waiting_frees_the_slot_and_resumes_at_wait_till(env, rng):
    """A 200 s wait: status waiting, the slot goes to the next job at once, the poll (60 s,
    70 s look-ahead) sets an exact timer, and the execution resumes exactly at waitTill."""
    log: list = []
    instance = N8nInstance(env, rng, mode=QueueMode(workers=1, concurrency=1))
    long_wf = _busy_workflow(env, log, seconds=200.0)
    instance.add_workflow(long_wf)
    short_wf = _busy_workflow(env, log, seconds=10.0)
    short_wf.id = "wf-short"
    instance.add_workflow(short_wf)
    parked = instance.start("wf", "long")
    instance.start("wf-short", "short")
    env.run(until=s_to_h(1))
    assert parked.status is ExecutionStatus.WAITING
    assert h_to_s(parked.wait_till_h) == pytest.approx(200.0)
    assert instance.wait_tracker.parked == 1
    env.run()
    times = {(kind, item): round(h_to_s(t), 6) for kind, item, t in log}
    assert times == {
        ("start", "long"): 0.0,
        ("start", "short"): 0.0,
        ("end", "short"): 10.0,
        ("end", "long"): 200.0,
    }
    assert parked.status is ExecutionStatus.SUCCESS
    assert parked.wait_till_h is None


def test_without_look_ahead_a_long_wait_resumes_on_the_next_poll(env, rng):
    """lookahead 0 gives the 'up to one poll interval' jitter: a 100 s wait resumes at 120 s."""
    log: list = []
    instance = N8nInstance(env, rng, wait_lookahead_s=0.0)
    instance.add_workflow(_busy_workflow(env, log, seconds=100.0))
    instance.start("wf", "a")
    env.run()
    (end_h,) = [t for kind, _, t in log if kind == "end"]
    assert h_to_s(end_h) == pytest.approx(120.0)


def test_execution_timeout_cancels_and_is_capped_at_3600_s(env, rng):
    instance = N8nInstance(env, rng)
    slow = Workflow(
        "wf",
        "Slow",
        (WaitNode("Step", 50.0), WaitNode("Step 2", 50.0)),
        settings=WorkflowSettings(execution_timeout_s=60.0),
    )
    instance.add_workflow(slow)
    execution = instance.start("wf", {})
    env.run()
    assert execution.status is ExecutionStatus.CANCELED
    assert h_to_s(execution.stopped_h) == pytest.approx(60.0)
    assert execution.last_node_executed == "Step 2"
    assert WorkflowSettings(execution_timeout_s=99_999).effective_timeout_s == 3600.0
    assert WorkflowSettings().effective_timeout_s is None


def test_execution_ids_are_sequential_and_records_carry_sim_times(env, rng):
    instance = N8nInstance(env, rng)
    instance.add_workflow(Workflow("wf", "Quick", (WaitNode("Work", 5.0),)))
    env.run(until=s_to_h(10))
    ex1 = instance.start("wf")
    ex2 = instance.start("wf")
    env.run()
    assert (ex1.id, ex2.id) == (1, 2)
    assert h_to_s(ex1.started_h) == pytest.approx(10.0)
    assert h_to_s(ex1.stopped_h) == pytest.approx(15.0)


def test_retention_prunes_finished_executions_older_than_14_days_or_beyond_the_count():
    store = ExecutionStore(max_count=3)
    for n in range(5):
        execution = store.create("wf", ExecutionMode.TRIGGER, now_h=float(n))
        execution.status = ExecutionStatus.SUCCESS
        execution.stopped_h = float(n)
    running = store.create("wf", ExecutionMode.TRIGGER, now_h=5.0)
    running.status = ExecutionStatus.RUNNING
    assert store.prune(now_h=6.0) == 3
    assert [ex.id for ex in store] == [4, 5, 6]

    aged = ExecutionStore()
    old = aged.create("wf", ExecutionMode.TRIGGER, now_h=0.0)
    old.status, old.stopped_h = ExecutionStatus.ERROR, 0.0
    young = aged.create("wf", ExecutionMode.TRIGGER, now_h=100.0)
    young.status, young.stopped_h = ExecutionStatus.SUCCESS, 100.0
    assert aged.prune(now_h=336.0) == 0
    assert aged.prune(now_h=336.5) == 1
    assert [ex.id for ex in aged] == [young.id]


def test_the_instance_prunes_hourly_as_executions_finish(env, rng):
    instance = N8nInstance(env, rng, executions=ExecutionStore(max_age_h=1.0))
    instance.add_workflow(Workflow("wf", "Quick", (WaitNode("Work", 1.0),)))
    instance.start("wf")
    env.run(until=3.0)
    instance.start("wf")
    env.run()
    assert [ex.id for ex in instance.executions] == [2]
    assert instance.executions.pruned_total == 1
