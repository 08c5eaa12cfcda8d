"""Widgets and blocks the pages share: the lever sidebar, progress, KPI cards, errors, text.

Everything here reads widgets or draws elements; nothing computes a result (that is
:mod:`dashboards.service`) or builds a chart (that is :mod:`dashboards.figures`). Widget keys
carry the page, the scenario and, where a bound depends on it, the horizon, so switching
scenario resets the levers to that scenario's own values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from dashboards import kpis as K
from dashboards import levers as lv
from dashboards import resultsroot, service
from scenarios.loader import ScenarioError

T = TypeVar("T")

TEXT_DIR = Path(__file__).parent / "text"
RESULTS_KEY = "results_dir"
DEFAULT_RESULTS_DIR = "."


# ------------------------------------------------------------------------------ settings
def results_dir_input() -> None:
    """The results folder (sidebar), inside the root fixed at start; every page reads it with
    :func:`results_dir`."""
    st.session_state.setdefault(RESULTS_KEY, DEFAULT_RESULTS_DIR)
    st.sidebar.text_input(
        "Results folder",
        key=RESULTS_KEY,
        help=f"A folder inside the results root `{resultsroot.root()}` (fixed when the "
        "dashboard starts: `retail-twin dashboard --results DIR`).",
    )
    try:
        resultsroot.inside(str(st.session_state.get(RESULTS_KEY) or ""))
    except resultsroot.OutsideRootError as exc:
        st.sidebar.error(f"{exc}; using the root.", icon=":material/folder_off:")


def results_dir() -> str:
    """The chosen folder, resolved inside the results root (the root itself if it leads out)."""
    try:
        return str(resultsroot.inside(str(st.session_state.get(RESULTS_KEY) or "")))
    except resultsroot.OutsideRootError:
        return str(resultsroot.root())


def text(name: str) -> str:
    """The markdown of ``dashboards/text/NAME.md``."""
    return (TEXT_DIR / f"{name}.md").read_text(encoding="utf-8")


def intro(name: str, title: str) -> None:
    """Page title, the first paragraph of its text, the rest in an expander."""
    st.title(title)
    head, _, rest = text(name).strip().partition("\n\n")
    st.markdown(head)
    if rest.strip():
        with st.expander("How to read this page"):
            st.markdown(rest)


# ------------------------------------------------------------------------------ running
class ProgressBar:
    """A progress bar the service reports into as ``(fraction, text)``; removed when done."""

    def __init__(self, label: str):
        self.label = label
        self.bar = st.progress(0.0, text=label)

    def __call__(self, fraction: float, what: str = "") -> None:
        f = min(1.0, max(0.0, float(fraction)))
        self.bar.progress(f, text=f"{self.label} {what} · {f:.0%}".replace("  ", " "))

    def done(self) -> None:
        self.bar.empty()


def scenario_error(exc: ScenarioError) -> None:
    """Every problem of an invalid lever combination, in words (never a traceback)."""
    lines = [
        f"- `{p.path or '<root>'}`: expected {p.expected}; found {p.found}" for p in exc.problems
    ]
    st.error(
        "These levers do not make a valid scenario:\n\n" + "\n".join(lines),
        icon=":material/error:",
    )


def results_error(exc: OSError) -> None:
    """The results directory cannot be written or read: say which and why."""
    st.error(
        f"Cannot use the results directory `{results_dir()}` "
        f"({exc.strerror or exc}): choose another one in the sidebar.",
        icon=":material/folder_off:",
    )


def run_with_progress(label: str, call: Callable[..., T], *args: Any) -> T | None:
    """``call(*args, on_progress=bar)`` under a progress bar labelled ``label``; an invalid
    scenario or an unusable results directory is shown on the page and gives ``None``."""
    bar = ProgressBar(label)
    try:
        return call(*args, on_progress=bar)
    except ScenarioError as exc:
        scenario_error(exc)
    except OSError as exc:
        results_error(exc)
    finally:
        bar.done()
    return None


def submitted(page: str, request: dict[str, Any], button: bool) -> dict[str, Any]:
    """The request the page shows: the one last submitted (the defaults before any click)."""
    key = f"{page}_request"
    if button or key not in st.session_state:
        st.session_state[key] = request
    shown = st.session_state[key]
    if shown != request:
        st.info("The levers changed since these results were computed: press **Run** to update.")
    return shown


# ------------------------------------------------------------------------------ levers
def scenario_picker(page: str, default: str) -> str:
    """The scenario: a library name, or a file of the user's own (a path under the results
    directory), opened from an upload or pasted YAML in the sidebar. An invalid file shows
    every problem with its path and stops the page: nothing runs until it is valid."""
    key = f"{page}_scenario"
    lib = service.library()
    names = [n for n, _ in lib]
    try:
        own = service.own_scenarios(results_dir())
    except OSError:
        own = []
    options = names + own
    if st.session_state.get(key) not in (None, *options):
        del st.session_state[key]
    st.session_state.setdefault(key, default if default in options else options[0])
    picked = st.sidebar.selectbox(
        "Scenario",
        options,
        key=key,
        format_func=scenario_label,
        help="\n\n".join(f"**{n}**: {d}" for n, d in lib)
        + "\n\nYour own files live under RESULTS/scenarios/.",
    )
    _open_own(page)
    if picked not in names:
        st.sidebar.caption(f"Your scenario: `{picked}`")
    return str(picked)


def scenario_label(name: str) -> str:
    """How a scenario is named on a page: its library name, or its file's stem."""
    if name in {n for n, _ in service.library()}:
        return name
    return f"{Path(name).stem} (your file)"


def _open_own(page: str) -> None:
    """Upload or paste a scenario YAML; validate it with the CLI's loader before using it."""
    with st.sidebar.expander("Open your own scenario", expanded=False):
        st.file_uploader("Scenario YAML file", type=["yaml", "yml"], key=f"{page}_upload")
        st.text_area(
            "or paste YAML",
            key=f"{page}_paste",
            height=140,
            help="The same format as the CLI (`retail-twin schema`); `extends: baseline` works.",
        )
        st.button("Check and open", key=f"{page}_open_own", on_click=_check_own, args=(page,))
    problem = st.session_state.pop(f"{page}_own_problem", None)
    if problem is not None:
        kind, value, file_name = problem
        if kind == "scenario":
            own_scenario_error(value, file_name)
        elif kind == "os":
            results_error(value)
        else:
            st.warning(value)
        st.stop()


def _check_own(page: str) -> None:
    """The button's callback (it runs before the page, so it may pick the scenario)."""
    upload = st.session_state.get(f"{page}_upload")
    if upload is not None:
        text, file_name = upload.getvalue().decode("utf-8", errors="replace"), upload.name
    else:
        text, file_name = str(st.session_state.get(f"{page}_paste") or ""), "pasted.yaml"
    if not text.strip():
        st.session_state[f"{page}_own_problem"] = ("empty", "Choose a YAML file or paste one.", "")
        return
    try:
        path = service.open_own_scenario(text, file_name, results_dir())
    except ScenarioError as exc:
        st.session_state[f"{page}_own_problem"] = ("scenario", exc, file_name)
        return
    except OSError as exc:
        st.session_state[f"{page}_own_problem"] = ("os", exc, file_name)
        return
    st.session_state[f"{page}_scenario"] = path


def own_scenario_error(exc: ScenarioError, file_name: str) -> None:
    """Every problem of a user's scenario file, each with its dotted path."""
    lines = [
        f"- `{p.path or '<root>'}`: expected {p.expected}; found {p.found}" for p in exc.problems
    ]
    st.error(
        f"`{file_name}` is not a valid scenario ({len(exc.problems)} problem(s)); nothing was "
        "run:\n\n" + "\n".join(lines),
        icon=":material/error:",
    )


def model_picker(page: str, default: str = service.DEFAULT_MODEL) -> str:
    options = service.models()
    names = [n for n, _ in options]
    return st.sidebar.selectbox(
        "Orchestration model",
        names,
        index=names.index(default) if default in names else 0,
        key=f"{page}_model",
        help="\n\n".join(f"**{n}**: {d}" for n, d in options),
    )


def replications_picker(page: str, default: int = 1) -> int:
    return int(
        st.sidebar.slider(
            "Replications",
            1,
            10,
            default,
            key=f"{page}_replications",
            help="Independent runs with common random numbers; 2 or more give 95% intervals.",
        )
    )


def horizon_picker(page: str, name: str, base: dict[str, Any]) -> int:
    return int(
        st.sidebar.number_input(
            "Horizon (days)",
            1,
            1000,
            int(base["horizon_days"]),
            key=f"{page}_horizon_{name}",
            help="Shorter horizons run faster; the scenario's own is the default.",
        )
    )


def fault_inputs(page: str, key: str, horizon: int, container: Any) -> lv.Fault:
    """Target, start, duration and intensity of one fault."""
    target = container.selectbox("Fault target", lv.FAULT_TARGETS, key=f"{page}_fault_target_{key}")
    start = container.slider(
        "Fault starts on day",
        0.0,
        float(max(0, horizon - 1)),
        float(horizon // 3),
        0.25,
        key=f"{page}_fault_start_{key}_{horizon}",
    )
    duration = container.number_input(
        "Fault duration (hours)", 1.0, 720.0, 36.0, 1.0, key=f"{page}_fault_hours_{key}"
    )
    intensity = container.slider(
        "Fault intensity (share of calls failing)",
        0.05,
        1.0,
        1.0,
        0.05,
        key=f"{page}_fault_intensity_{key}",
    )
    return lv.Fault(str(target), float(start), float(duration), float(intensity))


def explorer_levers(page: str, name: str, base: dict[str, Any], horizon: int) -> lv.Levers:
    """Every lever of the scenario explorer, in sidebar expanders; defaults are ``base``'s."""
    d = lv.defaults(base)
    sb = st.sidebar
    k = f"{page}_{name}"
    with sb.expander("Demand", expanded=True):
        uplift = st.number_input(
            "Promotion uplift (x demand on promoted SKUs)",
            0.1,
            10.0,
            min(10.0, max(0.1, d.promo_uplift)),
            0.1,
            key=f"{k}_uplift",
        )
        mult = st.slider("Peak demand multiplier", 1.0, 4.0, 1.0, 0.1, key=f"{k}_peak")
        top = max(0, horizon - 1)
        first = min(top, horizon // 2)
        days = st.slider(
            "Peak window (days)",
            0,
            max(1, top),
            (first, min(top, first + 3)),
            key=f"{k}_peak_days_{horizon}",
            disabled=mult == 1.0,
        )
    with sb.expander("Approvals"):
        pools = {
            pool: int(
                st.number_input(f"Approvers: {pool}", 1, 10_000, size, 1, key=f"{k}_pool_{pool}")
            )
            for pool, size in d.pool_sizes.items()
        }
        assert d.purchase_tiers is not None
        assert d.refund_tiers is not None
        st.caption("Risk tiers: low risk below the first amount, high risk from the second.")
        p_low = st.number_input(
            "Purchase: low risk below", 0.0, None, d.purchase_tiers[0], 500.0, key=f"{k}_pl"
        )
        p_high = st.number_input(
            "Purchase: high risk from", 0.0, None, d.purchase_tiers[1], 500.0, key=f"{k}_ph"
        )
        r_low = st.number_input(
            "Refund: low risk below", 0.0, None, d.refund_tiers[0], 10.0, key=f"{k}_rl"
        )
        r_high = st.number_input(
            "Refund: high risk from", 0.0, None, d.refund_tiers[1], 10.0, key=f"{k}_rh"
        )
    with sb.expander("Channel sync"):
        sync_h = st.number_input(
            "Manual: channel sync every (hours)",
            1.0,
            168.0,
            d.channel_sync_interval_h,
            1.0,
            key=f"{k}_sync",
        )
        push_min = st.number_input(
            "Automated: availability push every (minutes)",
            0.5,
            1440.0,
            min(1440.0, max(0.5, d.availability_push_interval_min)),
            0.5,
            key=f"{k}_push",
        )
    with sb.expander("Fault", expanded=False):
        on = st.toggle("Inject a fault", key=f"{k}_fault_on")
        fault = fault_inputs(page, name, horizon, st) if on else None
    return lv.Levers(
        horizon_days=horizon,
        promo_uplift=float(uplift),
        peak=lv.Peak(float(mult), int(days[0]), int(days[1])) if mult != 1.0 else None,
        pool_sizes=pools,
        purchase_tiers=(float(p_low), float(p_high)),
        refund_tiers=(float(r_low), float(r_high)),
        channel_sync_interval_h=float(sync_h),
        availability_push_interval_min=float(push_min),
        fault=fault,
    )


# ------------------------------------------------------------------------------ results
def _row(summary: pd.DataFrame, model: str, name: str) -> dict[str, Any] | None:
    hit = summary[(summary["model"] == model) & (summary["kpi"] == name)]
    return None if hit.empty else hit.iloc[0].to_dict()


def kpi_cards(
    summary: pd.DataFrame,
    model: str,
    names: Sequence[str] = K.HEADLINE,
    currency: str = "USD",
    per_row: int = 4,
) -> None:
    """One ``st.metric`` per KPI: the mean, the paired delta vs the reference, the interval."""
    names = [n for n in names if _row(summary, model, n) is not None]
    for start in range(0, len(names), per_row):
        cols = st.columns(per_row)
        for col, name in zip(cols, names[start : start + per_row], strict=False):
            r = _row(summary, model, name)
            assert r is not None
            k = K.kpi(name)
            delta, color, arrow = None, K.delta_color(name), "auto"
            if model != r["reference"] and r["diff_mean"] is not None and pd.notna(r["diff_mean"]):
                delta = f"{K.fmt_delta(name, r['diff_mean'], currency)} vs {r['reference']}"
                if K.is_nil(name, r["diff_mean"]):
                    color, arrow = "off", "off"
                elif K.significant(r["significant"]) is False:
                    delta += " (n.s.)"
                    color = "off"
            ci = K.fmt_interval(name, r["ci95_low"], r["ci95_high"], currency=currency)
            with col:
                st.metric(
                    k.label,
                    K.fmt_value(name, r["mean"], currency),
                    delta,
                    delta_color=color,
                    delta_arrow=arrow,
                    help=k.help or None,
                    border=True,
                )
                if ci:
                    st.caption(f"95% CI {ci}")


def plot(fig: Any) -> None:
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})


def downloads(items: Sequence[service.Download], key: str) -> None:
    cols = st.columns(min(4, max(1, len(items))))
    for i, item in enumerate(items):
        with cols[i % len(cols)]:
            st.download_button(
                item.label,
                item.data,
                file_name=item.file_name,
                mime=item.mime,
                key=f"{key}_{item.file_name}",
                on_click="ignore",
                icon=":material/download:",
            )
