"""Plugins: extra modules a run imports before it builds its orchestration model.

An orchestration model is registered by name when its module is imported
(:func:`orchestration.models.register`). The shipped models are imported by the registry itself;
a model that lives elsewhere (a notebook's experiment, a test-only variant) is named here as a
*plugin*: a dotted module name (``mypkg.models``) or the path of a ``.py`` file. Every task
carries its plugins, and every worker — in this process, a process-pool child or a Dask worker —
imports them once before running, so a model registered by a plugin exists wherever the task
runs. A file path must exist at the same place on every worker.

Importing a plugin twice in one process is a no-op, so a module that calls ``register`` at import
time is never registered twice.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import NoReturn


class PluginError(ImportError):
    """A plugin that cannot be imported."""


def _module_name_for(path: Path) -> str:
    digest = hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:12]
    return f"retail_twin_plugin_{path.stem}_{digest}"


def load_plugin(spec: str) -> ModuleType:
    """Import one plugin (dotted module name or ``.py`` path) once per process."""
    if spec.endswith(".py") or "/" in spec or "\\" in spec:
        path = Path(spec).resolve()
        name = _module_name_for(path)
        if name in sys.modules:
            return sys.modules[name]
        if not path.is_file():
            raise PluginError(f"plugin {spec!r}: no such file")
        loader_spec = importlib.util.spec_from_file_location(name, path)
        if loader_spec is None or loader_spec.loader is None:
            raise PluginError(f"plugin {spec!r}: not an importable Python file")
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[name] = module
        try:
            loader_spec.loader.exec_module(module)
        except BaseException as exc:
            del sys.modules[name]
            _reraise(spec, exc)
        return module
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as exc:
        raise PluginError(f"plugin {spec!r}: {exc}") from None
    except Exception as exc:
        _reraise(spec, exc)


def _reraise(spec: str, exc: BaseException) -> NoReturn:
    """A plugin that fails while importing: a :class:`PluginError` saying where and why (a
    syntax error with its line); Ctrl-C and exits pass through untouched."""
    if isinstance(exc, SyntaxError):
        where = f"{Path(exc.filename or spec).name}, line {exc.lineno}"
        raise PluginError(f"plugin {spec!r}: syntax error ({where}): {exc.msg}") from None
    if isinstance(exc, Exception) and not isinstance(exc, PluginError):
        raise PluginError(
            f"plugin {spec!r} failed while importing: {type(exc).__name__}: {exc}"
        ) from None
    raise exc


def load_plugins(specs: Iterable[str]) -> None:
    for spec in specs:
        load_plugin(spec)


def normalise(specs: Iterable[str]) -> tuple[str, ...]:
    """Plugins as shipped to workers: file paths made absolute, order kept, duplicates dropped."""
    out: list[str] = []
    for spec in specs:
        if spec.endswith(".py") or "/" in spec or "\\" in spec:
            spec = str(Path(spec).resolve())
        if spec not in out:
            out.append(spec)
    return tuple(out)
