"""Issue 16, case by case: nothing lost, nothing forged, never a traceback.

Each test names the numbered case of the issue it reproduces (each was reproduced at 6684b6e)
and shows it now ends in a deliberate exit code with a message naming the problem, and that no
earlier result was touched. Runs are ``tiny`` cut to 2-3 days: seconds, not minutes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cli.main import app

FAST = ["--set", "horizon_days=2", "--workers", "1"]
BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def printed(result) -> str:
    try:
        return result.output + result.stderr
    except ValueError:
        return result.output


def clean(result, code: int) -> str:
    text = printed(result)
    assert result.exit_code == code, text
    assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return text


def tree_hash(root: Path) -> str:
    """Hash of every path and byte under ``root``."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def base_run(tmp_path_factory) -> Path:
    """``run tiny --replications 2 --seed 3 --out`` (2 days), signed with an audit key."""
    root = tmp_path_factory.mktemp("store")
    res = invoke(
        "run", "tiny", "--replications", "2", "--seed", "3", *FAST,
        "--out", root / "ow", "--audit-key", "k1",
    )  # fmt: skip
    clean(res, 0)
    return root / "ow"


@pytest.fixture
def run_copy(base_run, tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    dest = tmp_path / "run"
    shutil.copytree(base_run, dest)
    return dest


# ------------------------------------------------------------------------------------ case 1
def _rewrite_head(log: Path, keep: int) -> None:
    lines = log.read_text(encoding="ascii").splitlines(keepends=True)[:keep]
    log.write_text("".join(lines), encoding="ascii")
    head = json.loads(lines[-1])["hash"] if lines else "0" * 64
    sidecar = log.with_name("audit.head.json")
    obj = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**obj, "records": keep, "head": head}))


def test_case1_an_intact_run_verifies_with_and_without_its_key(run_copy):
    text = clean(invoke("audit", "verify", run_copy), 0)
    assert "rep_001" in text
    assert "signature ok" in clean(invoke("audit", "verify", run_copy, "--audit-key", "k1"), 0)
    assert "HMAC does not match" in clean(
        invoke("audit", "verify", run_copy, "--audit-key", "other"), 1
    )


def test_case1_a_cut_tail_with_a_rewritten_head_is_caught(run_copy):
    log = run_copy / "rep_000" / "audit.jsonl"
    n = len(log.read_text().splitlines())
    _rewrite_head(log, n - 3)
    text = clean(invoke("audit", "verify", run_copy), 1)
    assert f"summary.json vouches for {n}" in text


def test_case1_an_emptied_log_with_a_zero_head_is_caught(run_copy):
    _rewrite_head(run_copy / "rep_001" / "audit.jsonl", 0)
    assert "TAMPERED" in clean(invoke("audit", "verify", run_copy), 1)


def test_case1_a_deleted_replication_trail_is_named(run_copy):
    for f in (run_copy / "rep_001").glob("audit.*"):
        f.unlink()
    assert "rep_001: audit.jsonl or audit.head.json missing" in clean(
        invoke("audit", "verify", run_copy), 1
    )


def test_case1_a_dropped_replication_is_caught_by_the_count(run_copy):
    """Removing a whole replication and its summary entry still disagrees with the Parquet
    table and the replication count."""
    shutil.rmtree(run_copy / "rep_001")
    summary = json.loads((run_copy / "summary.json").read_text())
    summary["audit"]["heads"] = summary["audit"]["heads"][:1]
    summary["audit"]["replications"] = 1
    (run_copy / "summary.json").write_text(json.dumps(summary))
    text = clean(invoke("audit", "verify", run_copy), 1)
    assert "says 2 replication(s)" in text


def test_case1_a_consistent_rewrite_of_every_file_is_caught_only_by_the_key(run_copy):
    """Cut the log, rewrite its head, the summary's audit block and the Parquet columns: every
    unkeyed check passes (the README's threat model says so), the HMAC does not."""
    log = run_copy / "rep_000" / "audit.jsonl"
    _rewrite_head(log, 5)
    head = json.loads(log.with_name("audit.head.json").read_text())["head"]
    summary = json.loads((run_copy / "summary.json").read_text())
    summary["audit"]["heads"][0].update(records=5, head=head)
    (run_copy / "summary.json").write_text(json.dumps(summary))
    table = pq.read_table(run_copy / "replications.parquet").to_pandas()
    table.loc[table["replication"] == 0, ["audit_records", "audit_head"]] = [5, head]
    table.to_parquet(run_copy / "replications.parquet", index=False)
    clean(invoke("audit", "verify", run_copy), 0)
    assert "HMAC does not match" in clean(
        invoke("audit", "verify", run_copy, "--audit-key", "k1"), 1
    )


def test_case1_the_heads_are_in_summary_and_parquet(base_run):
    summary = json.loads((base_run / "summary.json").read_text())
    heads = summary["audit"]["heads"]
    assert [h["replication"] for h in heads] == [0, 1]
    assert summary["audit"]["hmac"]
    cols = pq.read_table(base_run / "replications.parquet").to_pydict()
    assert cols["audit_head"] == [h["head"] for h in heads]
    assert cols["audit_records"] == [h["records"] for h in heads]


# ------------------------------------------------------------------------------------ case 2
def test_case2_a_second_run_into_a_non_empty_out_is_refused_and_changes_nothing(run_copy):
    before = tree_hash(run_copy)
    text = clean(invoke("run", "tiny", "--seed", "5", *FAST, "--out", run_copy), 2)
    assert "not empty" in text
    assert "--force" in text
    assert tree_hash(run_copy) == before


def test_case2_force_replaces_the_directory_whole(run_copy):
    clean(invoke("run", "tiny", "--seed", "5", *FAST, "--out", run_copy, "--force"), 0)
    assert sorted(p.name for p in run_copy.glob("rep_*")) == ["rep_000"]
    assert json.loads((run_copy / "summary.json").read_text())["replications"] == 1
    assert not list(run_copy.parent.glob(".*partial*"))
    clean(invoke("audit", "verify", run_copy), 0)


def test_case2_force_refuses_a_directory_that_is_not_a_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("keep me")
    text = clean(invoke("run", "tiny", *FAST, "--out", home, "--force"), 2)
    assert "not a RetailTwin run" in text
    assert (home / "notes.txt").read_text() == "keep me"


# ------------------------------------------------------------------------------------ case 3
def test_case3_a_yaml_bomb_file_is_refused_naming_the_file(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    assert len(bomb.read_bytes()) < 400
    text = clean(invoke("run", bomb), 2)
    assert str(bomb) in text
    assert "alias" in text


def test_case3_a_yaml_bomb_through_set_is_refused():
    value = BOMB.replace("\n", ", ")
    text = clean(invoke("run", "tiny", "--set", "description={" + value + "}"), 2)
    assert "alias" in text


def test_case3_a_yaml_bomb_in_a_run_directory_stops_replay_verify(run_copy):
    (run_copy / "scenario.yaml").write_text(BOMB)
    text = clean(invoke("replay", run_copy, "--request", "x", "--verify"), 2)
    assert "scenario.yaml" in text
    assert "alias" in text


def test_case3_an_oversized_file_is_refused_before_it_is_parsed(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: x\n" + "# padding\n" * 120_000)
    assert "bytes" in clean(invoke("run", big), 2)


def test_case3_errors_about_huge_values_stay_short(tmp_path):
    """The formatter walks a value only as far as it prints (80 characters)."""
    from scenarios.loader import bounded_text

    huge = [list(range(1000))] * 1000
    assert len(bounded_text(huge)) == 80
    loop: list = []
    loop.append(loop)
    assert bounded_text(loop) == "[...]"


# ------------------------------------------------------------------------------------ case 4
@pytest.mark.parametrize(
    ("override", "field"),
    [
        ("demand.store_units_per_day=1000000000000", "demand.store_units_per_day"),
        (
            "security.attacks_per_day.forged_refund=100000000",
            "security.attacks_per_day.forged_refund",
        ),
        ("network.bank_changes.per_month=1000000000", "network.bank_changes.per_month"),
    ],
)
def test_case4_unbounded_numbers_are_refused_naming_the_field(override, field):
    text = clean(invoke("run", "tiny", "--set", override), 2)
    assert field in text
    assert "less than or equal" in text


def test_case4_an_in_bounds_run_too_big_for_the_machine_is_refused_before_it_starts():
    args = ["--set", "network.stores.count=5000", "--set", "catalogue.skus=100000"]
    text = clean(invoke("run", "baseline", *args), 2)
    assert "network.stores.count x catalogue.skus = 500,000,000 cells" in text
    assert "--force" in text


def test_case4_every_numeric_field_has_a_documented_upper_bound():
    """Walk the scenario JSON Schema: every number and integer has a maximum."""
    from scenarios.schema import Scenario

    schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    missing: list[str] = []

    def walk(node, path, seen=()):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(defs[name], path, (*seen, name))
            return
        if node.get("type") in ("number", "integer") and not (
            {"maximum", "exclusiveMaximum", "const", "enum"} & node.keys()
        ):
            missing.append(path)
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                walk(sub, path, seen)
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}[]", seen)
        for key, sub in node.get("properties", {}).items():
            walk(sub, f"{path}.{key}".lstrip("."), seen)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], f"{path}.*", seen)

    walk(schema, "")
    assert missing == []


# ------------------------------------------------------------------------------------ case 6
def test_case6_the_dashboard_chooses_folders_inside_its_root_only(tmp_path):
    from dashboards.resultsroot import OutsideRootError, inside

    root = tmp_path / "runs"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (root / "link").symlink_to(tmp_path / "outside")
    assert inside("", root) == root
    assert inside("team/a", root) == root / "team" / "a"
    assert inside(str(root / "b"), root) == root / "b"
    for bad in ("../x", "/", "link", str(tmp_path)):
        with pytest.raises(OutsideRootError, match="outside the results root"):
            inside(bad, root)


def test_case6_one_corrupt_run_is_skipped_and_reported(run_copy, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(run_copy, bad)
    (bad / "summary.json").write_text("{ not json")
    text = clean(invoke("results", "list", tmp_path), 0)
    assert "skipped" in text
    assert "bad" in text
    assert "run" in text
    from dashboards import service

    skipped: list = []
    runs, _ = service.history(tmp_path, skipped)
    assert len(runs) == 1
    assert skipped[0][0] == str(bad)


# ------------------------------------------------------------------------------------ case 7
def _server(reply: bytes | None) -> tuple[list[socket.socket], str]:
    """A TCP server that answers ``reply`` on connect (None: says nothing); its sockets."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    sockets = [srv]

    def serve():
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            sockets.append(conn)
            if reply is not None:
                conn.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    return sockets, f"tcp://127.0.0.1:{srv.getsockname()[1]}"


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "is not a Dask scheduler"),
        (None, "did not answer like a Dask scheduler within 1 s"),
    ],
)
def test_case7_dask_to_a_non_dask_endpoint_is_a_clear_error(reply, message, monkeypatch):
    from experiments import backends

    monkeypatch.setattr(backends, "CONNECT_TIMEOUT_S", 1.0)
    monkeypatch.setattr(backends.probe_scheduler, "__defaults__", (1.0,))
    sockets, address = _server(reply)
    try:
        text = clean(invoke("run", "tiny", *FAST, "--replications", "2", "--dask", address), 2)
    finally:
        for s in sockets:
            s.close()
    assert message in text
    assert address in text


# ------------------------------------------------------------------------------------ case 8
def test_case8_out_naming_a_file_or_an_unwritable_place_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "afile"
    f.write_text("x")
    assert "names a file" in clean(invoke("run", "tiny", *FAST, "--out", f), 2)
    assert "cannot" in clean(invoke("run", "tiny", *FAST, "--out", f / "sub"), 2)
    assert "must name a directory" in clean(invoke("run", "tiny", *FAST, "--out", "."), 2)
    assert "working directory" in clean(invoke("run", "tiny", *FAST, "--out", tmp_path), 2)
    assert f.read_text() == "x"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("summary.json", "{ truncated"),
        ("summary.json", '{"scenario": 3}'),
        ("replications.parquet", "not parquet"),
        ("scenario.yaml", "a: [unclosed"),
    ],
)
def test_case8_results_show_on_a_corrupt_run_names_the_file(run_copy, name, content):
    (run_copy / name).write_text(content)
    text = clean(invoke("results", "show", run_copy), 2)
    assert name in text


def test_case8_a_plugin_with_a_syntax_error_is_named(tmp_path):
    plugin = tmp_path / "broken_plugin.py"
    plugin.write_text("def register(:\n    pass\n")
    text = clean(invoke("run", "tiny", *FAST, "--plugin", plugin), 2)
    assert "syntax error" in text
    assert "line 1" in text


def test_case8_a_python_tag_is_reported_as_such(tmp_path):
    f = tmp_path / "evil.yaml"
    f.write_text("name: !!python/object/apply:os.system ['echo hi']\n")
    text = clean(invoke("run", f), 2)
    assert "!!python/object/apply:os.system" in text
    assert "syntax error" not in text


def test_case8_replay_names_the_real_problem_of_an_unreadable_scenario(run_copy):
    (run_copy / "scenario.yaml").write_text("start_date: [unclosed\n")
    text = clean(invoke("replay", run_copy, "--request", "x", "--verify"), 2)
    assert "valid YAML" in text
    assert "start_date: expected" not in text


def _sweep_args(out: Path) -> list:
    return ["sweep", "tiny", "--grid", "demand.promo_uplift=1.5,2.0", "--replications", "1",
            *FAST, "--no-outputs", "--out", out]  # fmt: skip


def test_case8_a_corrupt_task_record_is_recomputed_on_resume(tmp_path):
    out = tmp_path / "sw"
    clean(invoke(*_sweep_args(out)), 0)
    (out / "sweep.json").unlink()
    task = sorted((out / "tasks").glob("*.json"))[0]
    task.write_text("{ garbage")
    text = clean(invoke(*_sweep_args(out), "--resume"), 0)
    assert "1 computed, 1 reused" in text
    json.loads(task.read_text())  # rewritten whole


def test_case8_a_corrupt_plan_refuses_the_resume(tmp_path):
    out = tmp_path / "sw"
    clean(invoke(*_sweep_args(out)), 0)
    (out / "plan.json").write_text("[1, 2")
    assert "plan.json: unreadable" in clean(invoke(*_sweep_args(out), "--resume"), 2)


# ------------------------------------------------------------------------------------ case 5
def test_case5_a_resume_while_a_live_writer_holds_the_lock_is_refused(tmp_path):
    import os

    out = tmp_path / "sw"
    clean(invoke(*_sweep_args(out)), 0)
    lock = out / ".lock"
    lock.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
    before = tree_hash(out)
    text = clean(invoke(*_sweep_args(out), "--resume"), 2)
    assert f"PID {os.getpid()}" in text
    assert tree_hash(out) == before
    lock.write_text(json.dumps({"pid": 2**22 + 12345, "host": socket.gethostname()}))  # gone
    clean(invoke(*_sweep_args(out), "--resume"), 0)
    assert not lock.exists()


def test_case3_replay_verify_refuses_a_scenario_too_big_to_rerun(run_copy):
    """An edited ``scenario.yaml`` within every bound but far beyond the machine is refused
    before the re-run, naming what drives its size."""
    import yaml

    doc = yaml.safe_load((run_copy / "scenario.yaml").read_text())
    doc["network"]["stores"]["count"] = 5000
    doc["catalogue"]["skus"] = 100_000
    (run_copy / "scenario.yaml").write_text(yaml.safe_dump(doc))
    text = clean(invoke("replay", run_copy, "--request", "discount-1", "--verify"), 2)
    assert "500,000,000 cells" in text


def test_case2_a_sweep_into_an_earlier_run_is_refused_and_changes_nothing(run_copy):
    before = tree_hash(run_copy)
    args = ["sweep", "tiny", "--grid", "demand.promo_uplift=1.5,2.0", *FAST, "--no-outputs"]
    text = clean(invoke(*args, "--out", run_copy), 2)
    assert "not empty and holds no sweep" in text
    assert tree_hash(run_copy) == before
