"""The executive report as one self-contained HTML page (plotly inlined, printable).

Sections, in reading order (each a ``<section id=...>`` a test can find): ``question`` (what
was asked), ``scenario`` (the retailer and its horizon in plain words), ``recommendation``
(the model to choose and the paired evidence: who leads on which KPI, which differences are
not significant), ``tradeoffs`` (service, speed, risk and cost side by side, every value with
its 95% interval), ``resilience`` (the service levels ``retail-twin check`` measured, and the
fault windows of the scenario), ``charts`` (the daily series), ``assumptions`` (with their
sources) and ``reproduce`` (the command and the code version). The page fetches nothing: the
plotly library is embedded once, figures are drawn by :mod:`dashboards.figures`, the CSS is
inline and has a print layout (A4, no section split across a page when avoidable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from html import escape

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from dashboards import figures
from dashboards.kpis import fmt_interval, fmt_value, kpi
from dashboards.report.assumptions import assumption_rows
from dashboards.report.evidence import Recommendation, decision_kpis, recommend
from dashboards.report.source import ReportSource

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1b1b1b; margin: 0 auto;
       max-width: 1100px; padding: 24px; line-height: 1.45; font-size: 14px; }
h1 { font-size: 26px; margin-bottom: 4px; } h2 { font-size: 19px; border-bottom: 2px solid #2ca02c;
  padding-bottom: 3px; margin-top: 28px; } h3 { font-size: 15px; margin-bottom: 4px; }
.sub { color: #555; margin-top: 0; }
.callout { background: #eef7ee; border-left: 5px solid #2ca02c; padding: 10px 14px; }
.warn { background: #fff4e5; border-left: 5px solid #ff7f0e; padding: 8px 14px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 12.5px; }
th, td { border: 1px solid #d0d0d0; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.num { text-align: right; white-space: nowrap; }
td.lead { background: #e3f3e3; font-weight: 600; } td.behind { background: #fdecea; }
code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
pre { background: #f6f6f6; padding: 8px; white-space: pre-wrap; word-break: break-all; }
.chart { page-break-inside: avoid; break-inside: avoid; }
.pass { color: #1a7f1a; font-weight: 600; } .fail { color: #c62828; font-weight: 600; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  section { break-inside: auto; } h2 { break-after: avoid; }
  table, .chart, .callout { break-inside: avoid; }
  .js-plotly-plot, .plot-container { width: 100% !important; }
}
"""


def _t(text: object) -> str:
    return escape(str(text))


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], raw: bool = False) -> str:
    """An HTML table; cells are escaped unless ``raw`` (then they are trusted HTML)."""
    th = "".join(f"<th>{_t(h)}</th>" for h in head)
    body = []
    for row in rows:
        cells = [c if raw else f"<td>{_t(c)}</td>" for c in row]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _section(sid: str, title: str, body: str) -> str:
    return f'<section id="{sid}"><h2>{_t(title)}</h2>{body}</section>'


# ---------------------------------------------------------------------------------- sections
def question(src: ReportSource) -> str:
    if src.kind == "comparison":
        others = ", ".join(m for m in src.models if m != src.reference)
        text = (
            f"Which orchestration model should the retailer of <b>{_t(src.name)}</b> run — "
            f"{_t(', '.join(src.models))}? Each alternative ({_t(others)}) is judged against "
            f"<b>{_t(src.reference)}</b> and against each other on service, speed, risk and "
            f"cost, over {src.replications} paired replications (common random numbers: "
            "replication r of every model sees the same customers, lead times and faults)."
        )
    else:
        text = (
            f"How does the <b>{_t(src.models[0])}</b> orchestration model perform on "
            f"<b>{_t(src.name)}</b>, over {src.replications} replication(s)? One model was run, "
            "so this report describes it; run <code>retail-twin compare</code> for a "
            "recommendation between models."
        )
    return _section("question", "The question", f"<p>{text}</p>")


def scenario_words(doc: dict) -> list[str]:
    """The scenario as a few plain sentences (network, demand, horizon, events)."""
    net = doc.get("network", {})
    stores = net.get("stores", {}).get("count")
    whs = net.get("warehouses", [])
    online = sum(1 for w in whs if w.get("serves_online"))
    start = doc.get("start_date")
    days = int(doc.get("horizon_days", 0))
    end = ""
    if start:
        d0 = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
        end = f" ({d0:%d %b %Y} to {d0 + dt.timedelta(days=days - 1):%d %b %Y})"
    mix = doc.get("channels", {}).get("mix", {})
    demand = doc.get("demand", {})
    out = [
        f"{stores} stores, {len(whs)} warehouses ({online} serving online orders), "
        f"{len(net.get('suppliers', []))} suppliers, {len(net.get('carriers', []))} carriers "
        f"and {doc.get('catalogue', {}).get('skus')} SKUs.",
        "Demand: "
        + ", ".join(f"{k} {float(v) * 100:.0f}%" for k, v in mix.items())
        + f"; {demand.get('store_units_per_day')} walk-in units per store and day on average.",
        f"Horizon: {days} days{end}.",
    ]
    seasons = [s.get("name") for s in demand.get("seasonality", [])]
    promos = [p.get("name") for p in demand.get("promotions", [])]
    if seasons:
        out.append("Seasonal windows: " + ", ".join(map(str, seasons)) + ".")
    if promos:
        out.append("Promotions: " + ", ".join(map(str, promos)) + ".")
    return out


def scenario(src: ReportSource) -> str:
    desc = str(src.scenario.get("description", "")).strip()
    items = "".join(f"<li>{_t(s)}</li>" for s in scenario_words(src.scenario))
    faults = "".join(
        f"<li>{_t(w.get('type'))} on {_t(w.get('target'))}: hour {w.get('start_h'):g} to "
        f"{w.get('end_h'):g}</li>"
        for w in src.fault_windows
    )
    body = (f"<p>{_t(desc)}</p>" if desc else "") + f"<ul>{items}</ul>"
    body += f"<h3>Faults injected</h3><ul>{faults}</ul>" if faults else "<p>No faults injected.</p>"
    return _section("scenario", f"The scenario: {src.name}", body)


def recommendation(src: ReportSource, rec: Recommendation) -> str:
    cur = src.currency
    if src.kind != "comparison" or rec.model is None:
        body = "<p>One model was run: there is nothing to choose between.</p>"
        return _section("recommendation", "Recommendation", body)
    behind = rec.behind(rec.model)
    leads = rec.sole_leads(rec.model)
    weighed = [v for v in rec.verdicts if v.best is not None]
    head = (
        f"<p><b>Recommended: {_t(rec.model)}.</b> Of {len(weighed)} decision KPIs it leads "
        f"alone on {len(leads)} and is significantly behind the best model on {len(behind)}"
        + (": " + _t(", ".join(kpi(v.name).label for v in behind)) if behind else "")
        + ".</p>"
    )
    head += (
        "<p class='sub'>The rule: the model significantly behind the best on the fewest "
        "decision KPIs, every KPI weighing the same. Where money differs by orders of "
        "magnitude, read the evidence below rather than the count.</p>"
    )
    ties = rec.ties()
    if ties:
        head += (
            "<p>No significant difference between the models on: "
            + _t(", ".join(kpi(v.name).label for v in ties))
            + ".</p>"
        )
    if rec.replications < 2:
        head += (
            '<p class="warn">One replication: no interval, so no difference is called '
            "significant. Run 5 or more replications before deciding.</p>"
        )
    rows = []
    for v in rec.verdicts:
        cells = [f"<td>{_t(v.group)}</td>", f"<td>{_t(kpi(v.name).label)}</td>"]
        for m in src.models:
            cls = "lead" if v.separates and m in v.leaders else ""
            cls = "behind" if v.separates and m not in v.leaders else cls
            val = fmt_value(v.name, v.means.get(m), cur) if v.best else "—"
            cells.append(f'<td class="num {cls}">{_t(val)}</td>')
        cells.append(f"<td>{_t(v.sentence(cur))}</td>")
        rows.append(cells)
    table = _table(["group", "KPI", *src.models, "paired evidence (vs the best)"], rows, raw=True)
    note = (
        "<p class='sub'>Green: leads (best, or not significantly different from the best: the "
        "paired 95% interval of the gap holds 0). Red: significantly behind the best.</p>"
    )
    body = f'<div class="callout">{head}</div>{table}{note}'
    return _section("recommendation", "Recommendation and its evidence", body)


def _cell(summary: pd.DataFrame, model: str, name: str, cur: str) -> str:
    hit = summary[(summary["model"] == model) & (summary["kpi"] == name)]
    if hit.empty:
        return "—"
    r = hit.iloc[0]
    ci = fmt_interval(name, r.get("ci95_low"), r.get("ci95_high"), currency=cur)
    return f"{fmt_value(name, r['mean'], cur)} {ci}".strip()


def tradeoffs(src: ReportSource) -> str:
    present = list(src.summary["kpi"].unique()) if not src.summary.empty else []
    groups = decision_kpis(present)
    extra = ("touchless_rate", "approval_cycle_time_mean_h", "revenue", "orders_total")
    groups["Context"] = [k for k in extra if k in present]
    body = ""
    for group, names in groups.items():
        if not names:
            continue
        rows = [
            [kpi(n).label, *(_cell(src.summary, m, n, src.currency) for m in src.models)]
            for n in names
        ]
        body += f"<h3>{_t(group)}</h3>" + _table(["KPI", *src.models], rows)
    if not any(w in " ".join(groups.get("Cost", [])) for w in ("labour", "labor", "workload")):
        body += (
            "<p class='sub'>Cost here is what the twin prices (expedites, overpaid invoices, "
            "and the losses under Risk); labour cost appears when the run reports it.</p>"
        )
    body += "<p class='sub'>Each value: mean over replications [95% interval].</p>"
    return _section("tradeoffs", "Service, speed, risk and cost side by side", body)


def resilience(src: ReportSource) -> str:
    if not src.checks:
        body = (
            "<p>No service-level check was saved with these results. To add one: "
            f"<code>retail-twin check {_t(src.name)} --save {_t(src.path / 'check.json')}</code> "
            "(the scenario needs an <code>slo:</code> block).</p>"
        )
        return _section("resilience", "Resilience (service levels)", body)
    body = ""
    for c in src.checks:
        status = "pass" if c.get("passed") else "fail"
        body += (
            f"<h3>{_t(c.get('name'))} · {_t(c.get('model'))} · "
            f'<span class="{status}">{status.upper()}</span></h3>'
        )
        rows = [
            [
                r.get("kpi", ""),
                r.get("bound", ""),
                "—" if r.get("value") is None else f"{r['value']:.6g}",
                "—" if r.get("reference") is None else f"{r['reference']:.6g}",
                "ok" if r.get("passed") else "BREACH",
            ]
            for r in c.get("results", [])
        ]
        body += _table(["KPI", "bound", "value", "fault-free twin", "result"], rows)
        for e in c.get("errors", []):
            body += f"<p class='fail'>{_t(e)}</p>"
    body += (
        "<p class='sub'><code>backlog_drain_h</code>: hours from the end of the last fault "
        "until the events still owed a decision by the orchestration layer are back within "
        "10% of the fault-free twin's (docs/kpis.md).</p>"
    )
    return _section("resilience", "Resilience (service levels)", body)


def _figure_html(fig: go.Figure) -> str:
    fig.update_layout(height=380, template="plotly_white")
    div = fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})
    return f'<div class="chart">{div}</div>'


def charts(src: ReportSource) -> str:
    daily, parts = src.daily, []
    if not daily.empty:
        parts.append(figures.shade_faults(figures.orders_vs_fill(daily), src.fault_windows, daily))
        parts.append(figures.stock_and_stockouts(daily))
        parts.append(figures.oversold_per_day(daily))
        parts.append(figures.queue_depth(daily))
    if not src.approvals.empty:
        parts.append(figures.approval_cycle_boxes(src.approvals))
    if not parts:
        body = "<p>The run directory holds no daily series (written with --no-outputs).</p>"
    else:
        body = "".join(_figure_html(f) for f in parts)
    return _section("charts", "Daily charts (mean over replications)", body)


def assumptions(src: ReportSource) -> str:
    rows = assumption_rows(src.scenario)
    body = _table(["assumption", "scenario field", "value", "source"], rows)
    body += (
        "<p class='sub'>Sources: RETAIL_PARAMS.md, the project's research note on realistic "
        "parameters (numbers in brackets are its references). Every other parameter is in the "
        "resolved scenario (reproduce below).</p>"
    )
    return _section("assumptions", "Assumptions and their sources", body)


def reproduce(src: ReportSource) -> str:
    resolved = src.path / "scenario.yaml"
    if src.kind == "comparison":
        resolved = src.path / "runs" / f"p000_{src.reference}" / "scenario.yaml"
    code = ", ".join(src.code) or "unknown"
    body = (
        f"<p>Command:</p><pre>{_t(src.command)} --out DIR</pre>"
        f"<p>Resolved scenario (every parameter): <code>{_t(resolved)}</code></p>"
        f"<p>Code fingerprint (SHA-256 of the simulation sources): <code>{_t(code)}</code>"
        + (f"<br>Report built from commit <code>{_t(src.git)}</code>" if src.git else "")
        + "</p><p class='sub'>The same scenario, seed and code give the same numbers bit for "
        "bit.</p>"
    )
    return _section("reproduce", "Reproduce these numbers", body)


def render_html(src: ReportSource) -> str:
    """The whole report as one HTML document (no external reference)."""
    rec = recommend(src.results, src.models)
    title = (
        f"Which orchestration model for {src.name}?"
        if src.kind == "comparison"
        else f"{src.models[0]} on {src.name}"
    )
    sub = (
        f"RetailTwin report · {', '.join(src.models)} · {src.replications} replication(s) · "
        f"seed {src.scenario.get('seed')} · {src.scenario.get('horizon_days')} days"
    )
    body = "".join(
        [
            question(src),
            scenario(src),
            recommendation(src, rec),
            tradeoffs(src),
            resilience(src),
            charts(src),
            assumptions(src),
            reproduce(src),
        ]
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_t(title)}</title><style>{CSS}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>"
        f"<h1>{_t(title)}</h1><p class='sub'>{_t(sub)}</p>{body}</body></html>"
    )
