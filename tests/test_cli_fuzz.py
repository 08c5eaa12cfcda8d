"""The CLI fuzz suite: hostile and careless input never ends in a traceback or a lost result.

Every case — a corpus of the inputs of issue 16, then hypothesis strategies over scenario
documents, ``--set`` paths and values, and corruptions of a run directory — must end with exit
code 0, 1 or 2, print no traceback, print a message when it fails, and leave every byte of the
run store written before it unchanged (the store is hashed before and after each case). The CLI
runs in-process (Typer's CliRunner); a scenario that validates runs one day of one store, so the
whole suite stays well under a minute.
"""

from __future__ import annotations

import copy
import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from scenarios.loader import LIBRARY_DIR, read_document

CHEAP = [
    "--workers", "1",
    "--set", "horizon_days=1",
    "--set", "network.stores.count=1",
    "--set", "catalogue.skus=5",
    "--set", "demand.store_units_per_day=20",
]  # fmt: skip
TINY = read_document(LIBRARY_DIR / "tiny.yaml")
BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same cases on every CI run
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def printed(result) -> str:
    try:
        return result.output + result.stderr
    except ValueError:
        return result.output


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A run store holding one earlier run (``store/earlier``), written once."""
    root = tmp_path_factory.mktemp("store")
    res = CliRunner().invoke(app, ["run", "tiny", *CHEAP, "--out", str(root / "earlier")])
    assert res.exit_code == 0, printed(res)
    return root


def run_case(args: list[str], store: Path) -> str:
    """Invoke the CLI; check the contract of this suite; return what it printed."""
    before = tree_hash(store)
    res = CliRunner().invoke(app, [str(a) for a in args])
    text = printed(res)
    assert res.exit_code in (0, 1, 2), (args, res.exit_code, text[-2000:])
    assert "Traceback" not in text, (args, text[-2000:])
    assert res.exception is None or isinstance(res.exception, SystemExit), (args, res.exception)
    if res.exit_code:
        assert text.strip(), (args, "failed without a message")
    assert tree_hash(store) == before, (args, "an earlier run was changed")
    return text


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    """The hostile files of the corpus."""
    out = {
        "bomb": tmp_path / "bomb.yaml",
        "python_tag": tmp_path / "tag.yaml",
        "not_yaml": tmp_path / "bad.yaml",
        "list_doc": tmp_path / "list.yaml",
        "binary": tmp_path / "bin.yaml",
        "plugin": tmp_path / "broken_plugin.py",
        "plain_file": tmp_path / "plain.txt",
    }
    out["bomb"].write_text(BOMB)
    out["python_tag"].write_text("name: !!python/object/apply:os.system ['true']\n")
    out["not_yaml"].write_text("name: [unclosed\n")
    out["list_doc"].write_text("- 1\n- 2\n")
    out["binary"].write_bytes(b"\xff\xfe\x00garbage")
    out["plugin"].write_text("def register(:\n")
    out["plain_file"].write_text("x")
    return out


def corpus(store: Path, f: dict[str, Path], tmp: Path) -> Iterator[list]:
    earlier = store / "earlier"
    yield ["run", f["bomb"]]
    yield ["run", "tiny", "--set", "description={" + BOMB.replace("\n", ", ") + "}"]
    yield ["run", f["python_tag"]]
    yield ["run", f["not_yaml"]]
    yield ["run", f["list_doc"]]
    yield ["run", f["binary"]]
    yield ["run", "no_such_scenario"]
    yield ["run", "tiny", "--set", "demand.store_units_per_day=1000000000000"]
    yield ["run", "tiny", "--set", "security.attacks_per_day.forged_refund=100000000"]
    yield ["run", "tiny", "--set", "network.bank_changes.per_month=1000000000"]
    yield [
        "run",
        "baseline",
        "--set",
        "network.stores.count=5000",
        "--set",
        "catalogue.skus=100000",
    ]
    yield ["run", "tiny", *CHEAP, "--out", earlier]  # non-empty --out: refused
    yield ["run", "tiny", *CHEAP, "--out", f["plain_file"]]
    yield ["run", "tiny", *CHEAP, "--out", f["plain_file"] / "sub"]
    yield ["run", "tiny", *CHEAP, "--plugin", f["plugin"]]
    yield ["run", "tiny", "--set", "==="]
    yield ["run", "tiny", "--set", "faults.outages.99.intensity=1"]
    yield ["run", "tiny", "--set", "seed=-1"]
    yield ["run", "tiny", *CHEAP, "--dask", "tcp://127.0.0.1:1"]
    yield ["results", "list", store]
    yield ["results", "show", earlier]
    yield ["results", "show", tmp / "missing"]
    yield ["results", "compare", earlier, tmp / "missing"]
    yield ["audit", "verify", earlier]
    yield ["audit", "verify", tmp]
    yield ["replay", earlier, "--request", "no-such-request"]
    yield ["replay", earlier, "--order", "999999", "--replication", "7"]
    yield ["sweep", "tiny", "--grid", "demand.promo_uplift=", *CHEAP]
    yield ["sweep", "tiny", "--grid", "x.y=1,2", *CHEAP]
    yield ["sweep", "tiny", "--resume", "--out", tmp / "no_sweep", *CHEAP]
    yield ["compare", "tiny", "--models", "manual,nope", *CHEAP]


def test_the_corpus_of_issue_16(store, files, tmp_path):
    for args in corpus(store, files, tmp_path):
        run_case(args, store)


# ------------------------------------------------------------------------------ strategies
def _paths(doc, prefix=()) -> list[tuple]:
    out = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append((*prefix, k))
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append((*prefix, i))
            out += _paths(v, (*prefix, i))
    return out


TINY_PATHS = _paths(TINY)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def scenario_documents(draw) -> dict:
    """tiny's document with a few keys set to arbitrary values, deleted, or invented."""
    doc = copy.deepcopy(TINY)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(TINY_PATHS))
        node = doc
        try:
            for part in path[:-1]:
                node = node[part]
            action = draw(st.sampled_from(["set", "set", "delete", "invent"]))
            if action == "set":
                node[path[-1]] = draw(values)
            elif action == "delete" and isinstance(node, dict):
                node.pop(path[-1], None)
            elif isinstance(node, dict):
                node[draw(st.text(min_size=1, max_size=8))] = draw(values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    return doc


@given(doc=scenario_documents())
@FUZZ
def test_scenario_documents_never_crash(store, doc):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        run_case(["run", path, *CHEAP], store)


segment = st.one_of(
    st.sampled_from(sorted({str(p) for path in TINY_PATHS for p in path})),
    st.integers(-2, 12).map(str),
    st.text(min_size=0, max_size=6),
)
set_values = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "1e12",
            "-1",
            "nan",
            ".inf",
            "[1, {a: 2}]",
            "{x: *a}",
            "&a [*a]",
            "!!python/none ''",
            "2025-02-30",
        ]
    ),
    st.integers(-(10**15), 10**15).map(str),
)


@given(path=st.lists(segment, min_size=1, max_size=5), value=set_values)
@FUZZ
def test_set_paths_and_values_never_crash(store, path, value):
    run_case(["run", "tiny", *CHEAP, "--set", f"{'.'.join(path)}={value}"], store)


corruptions = st.sampled_from(["truncate", "flip", "garbage", "delete", "empty", "json"])
commands = st.sampled_from(["show", "list", "verify", "replay", "compare"])


@given(which=st.integers(0, 10_000), how=corruptions, offset=st.integers(0, 10_000),
       junk=st.binary(max_size=64), command=commands)  # fmt: skip
@FUZZ
def test_run_directory_corruptions_never_crash(store, which, how, offset, junk, command):
    with tempfile.TemporaryDirectory() as tmp:
        victim = Path(tmp) / "victim"
        shutil.copytree(store / "earlier", victim)
        files = sorted(p for p in victim.rglob("*") if p.is_file())
        target = files[which % len(files)]
        data = target.read_bytes()
        if how == "truncate":
            target.write_bytes(data[: offset % max(len(data), 1)])
        elif how == "flip" and data:
            i = offset % len(data)
            target.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :])
        elif how == "garbage":
            target.write_bytes(junk)
        elif how == "delete":
            target.unlink()
        elif how == "empty":
            target.write_bytes(b"")
        else:
            target.write_text('{"scenario": [], "kpis": 3, "audit": {"heads": [7]}}')
        corrupted = tree_hash(victim)
        args = {
            "show": ["results", "show", victim],
            "list": ["results", "list", Path(tmp)],
            "verify": ["audit", "verify", victim],
            "replay": ["replay", victim, "--request", "refund-0"],
            "compare": ["results", "compare", victim, store / "earlier"],
        }[command]
        run_case(args, store)
        assert tree_hash(victim) == corrupted, "a command changed the run it read"
