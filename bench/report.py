"""bench/results.json (every database and scale measured, the latest run of each) and bench/results.md."""
import json
import platform
from datetime import datetime, timezone

from bench.database import ROOT
from bench.harness import FIXED_COST, LOOKUP_TARGET

RESULTS = ROOT / "bench" / "results.json"
MARKDOWN = ROOT / "bench" / "results.md"


def load():
    if RESULTS.exists():
        try:
            return json.loads(RESULTS.read_text())
        except ValueError:
            pass
    return {"runs": {}}


def save(label, run):
    data = load()
    run["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    run["machine"] = f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}"
    run.setdefault("load_average", _load())
    data["runs"][label] = run
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    MARKDOWN.write_text(markdown(data))
    return data


def _load():
    import os
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def _cpus():
    import os
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _ms(value):
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _kb(value):
    if value is None:
        return "–"
    return f"{value / 1024:,.1f} MB" if value >= 1024 else f"{value:,.0f} KB"


def fixed_cost(run):
    """Median time of the plainest logged-in page in the same run: what any page pays before its own work."""
    for r in run["scenarios"]:
        if r["name"] == FIXED_COST and not r["skipped"]:
            return r["median_ms"]
    return None


def scenario_table(run):
    lines = ["| scenario | role | median ms | p95 ms | app CPU ms | queries | queries at small scale | peak memory "
             "| floor ms | × floor | target |",
             "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
    for r in run["scenarios"]:
        if r["skipped"]:
            lines.append(f"| {r['name']} | {r['role'] or 'anonymous'} | skipped: {r['skipped']} | | | | | | | | |")
            continue
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "–"
        if r.get("cpu_ratio") is not None:
            ratio += f" (CPU {r['cpu_ratio']:.2f})"
        limit = {"certificates": "1.3"}.get(r.get("target"), "1.5")
        judged = (" (CPU)" if r.get("cpu_ratio") is not None and r.get("target") in ("aggregate", "certificates", "pdf")
                  else "")
        target = {True: f"✅ ≤ {limit}× floor{judged}", False: f"❌ > {limit}× floor{judged}",
                  None: ""}[r["meets_target"]]
        fixed = fixed_cost(run)
        if r.get("target") == "lookup":
            target = lookup_target(r)
        elif r["meets_target"] is False and fixed and r["floor_ms"] is not None and r.get("target") == "aggregate":
            adjusted = r["median_ms"] / (r["floor_ms"] + fixed)
            target += f"; {adjusted:.2f}× (floor + fixed cost of a page, {fixed:.0f} ms)"
        queries = str(r["queries"]) + ("" if len(r["queries_each_run"]) <= 1 else f" ({r['queries_each_run']})")
        small = r.get("queries_small")
        if small is not None and small != r["queries"]:
            if r.get("statements_grow_with"):
                target += f" statements grow with {r['statements_grow_with']}"
            else:
                target += " ❌ queries grow with the data"
        lines.append(f"| {r['name']} | {r['role'] or 'anonymous'} | {_ms(r['median_ms'])} | {_ms(r['p95_ms'])} | "
                     f"{_ms(r.get('cpu_ms'))} | {queries} | "
                     f"{'–' if small is None else small} | {_kb(r['peak_kb'])} | {_ms(r['floor_ms'])} | {ratio} "
                     f"| {target} |")
    return "\n".join(lines)


def lookup_target(r):
    """The target cell of a look-up: its time against its floor + the fixed cost of a page of the same run, or why
    it is not judged."""
    if r.get("lookup_ratio") is None:
        return "not judged: the fixed cost of a page was not measured in this run" if r.get("floor_ms") is not None \
            else ""
    cpu = r.get("cpu_ratio") is not None
    fixed = r["fixed_cpu_ms"] if cpu else r["fixed_ms"]
    sign = "✅ ≤" if r["meets_target"] else "❌ >"
    return (f"{sign} {LOOKUP_TARGET:g}× (floor + fixed cost of a page): {r['lookup_ratio']:.2f}× "
            f"({'CPU' if cpu else 'wall'}, fixed cost {_ms(fixed)} ms)")


def weight_table(pages):
    lines = ["| page (375 px wide) | transferred (compressed) | uncompressed | requests | target ≤ 60 KB, ≤ 4 requests "
             "| repeat visit offline |",
             "|---|--:|--:|--:|---|---|"]
    for page in pages:
        ok = page["transferred"] <= 60 * 1024 and page["requests"] <= 4
        offline = {"yes": "✅ from the device", "no": "❌ not kept"}.get(page.get("offline_repeat"), "–")
        lines.append(f"| {page['name']} | {page['transferred'] / 1024:,.1f} KB | {page['uncompressed'] / 1024:,.1f} KB "
                     f"| {page['requests']} | {'✅' if ok else '❌'} | {offline} |")
    return "\n".join(lines)


def load_table(loads):
    lines = ["| page | server | clients | seconds | requests | req/s | p50 ms | p90 ms | p99 ms | errors |",
             "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for item in loads:
        if item.get("skipped"):
            lines.append(f"| {item['name']} | skipped: {item['skipped']} | | | | | | | | |")
            continue
        lines.append(f"| {item['name']} | {item['server']} | {item['clients']} | {item['seconds']:.0f} | "
                     f"{item['requests']:,} | {item['rps']:.1f} | {_ms(item['p50_ms'])} | {_ms(item['p90_ms'])} | "
                     f"{_ms(item['p99_ms'])} | {item['errors']} |")
    return "\n".join(lines)


def markdown(data):
    parts = ["# CPMS benchmark results", ""]
    for label, run in sorted(data["runs"].items(), key=lambda item: item[1].get("finished_at", ""), reverse=True):
        parts += [f"## {label}", "",
                  f"{run.get('finished_at', '')} · {run.get('machine', '')} · load average {run.get('load_average', '?')} "
                  f"· {run.get('repeat')} timed runs after a warm-up · data: {run.get('data', '')}", "",
                  scenario_table(run), ""]
        if run.get("pages"):
            parts += ["### Page weight (Chromium, compressed transfer)", "", weight_table(run["pages"]), ""]
        if run.get("load"):
            parts += ["### Throughput (gunicorn, 2 workers, load from a second process)", "", load_table(run["load"]),
                      ""]
    return "\n".join(parts)
