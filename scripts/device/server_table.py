#!/usr/bin/env python3
"""Table of scripts/device/server.lem's runs: lem's own latency and throughput figures beside llama-server's own
per-request timings (the `timings` of each stream's last event, recorded per request as llama_server_* facts), and
GPU energy per output token. Usage: server_table.py RESULTS.json RESULTS_DIR (the export of `lem results export
--format json`, and the results folder whose run folders hold the raw records: the per-request records and their facts
are in raw-worker*.json, not in the aggregated export)."""
import glob
import json
import os
import statistics
import sys


def mean(values):
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def fmt(value, digits=2):
    return "NA" if value is None else f"{value:.{digits}f}"


records = json.load(open(sys.argv[1]))
results_dir = sys.argv[2]


def raw_requests(run_id):
    """The per-request records of a run, from its raw records (every worker's)."""
    requests = []
    for path in glob.glob(os.path.join(results_dir, "**", run_id, "raw-worker*.json"), recursive=True):
        requests += json.load(open(path)).get("requests") or []
    return requests

print("| run | in flight | output tok/s | lem TTFT p50 ms | lem TPOT p50 ms | lem ITL mean ms | server predicted ms/token | server prompt ms | cached prompt tokens | GPU J/token | failed |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in records:
    m = r["metrics"]
    requests = raw_requests(r["run_id"])
    facts = [q.get("facts") or {} for q in requests]
    per_token = mean([f.get("llama_server_predicted_per_token_ms") for f in facts])
    prompt_ms = mean([f.get("llama_server_prompt_ms") for f in facts])
    itl = mean([g for q in requests for g in (q.get("itl_ms") or [])])
    concurrency = r["config"].get("traffic.concurrency", {}).get("value")
    print(f"| {r['experiment']} | {concurrency} | {fmt(m.get('output_tokens_per_s'), 1)} | {fmt(m.get('ttft_ms_p50'))} | {fmt(m.get('tpot_ms_p50'))} "
          f"| {fmt(itl)} | {fmt(per_token)} | {fmt(prompt_ms)} | {fmt(m.get('llama_server_prompt_tokens_cached_in_window'), 0)} "
          f"| {fmt(m.get('energy_gpu_per_output_token_j'), 4)} | {fmt(m.get('failed_requests'), 0)} |")
    for w in r.get("warnings", []):
        if w.get("code", "").startswith(("workload", "backend", "window", "prompt-cache")):
            print(f"  - {r['experiment']}: {w['message']}")
