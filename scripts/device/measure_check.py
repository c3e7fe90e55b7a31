#!/usr/bin/env python3
"""lem measure against pynvml's own energy counter read around the same script (issue 20: within 1%).

Driver (default): runs
    lem measure --gpus cuda:0 --baseline 10s --out OUT --name measure-check -- python3 measure_check.py --load SECONDS
and compares lem's GPU energy (its record's gpu:0 entry, counter at the window's edges) with the energy pynvml's
counter gave over the load script's body, which the script reads itself at its very first and very last statement.

What is compared: lem's window opens right before the script's process starts and closes right after it exits, so it
also holds the interpreter's start (before the first statement) and its exit (after the last: CUDA context teardown,
interpreter shutdown). The script's own reads cover its body only. The difference lem − pynvml is therefore expected
to be positive and about the GPU's power at those edges × (lem's window − the body); the driver prints both so the
reader can see what explains it. With SECONDS = 20 of a steady matmul load (~700 W on an H100) the edges are a few
hundred ms near idle power, well under 1% of the total.

Usage: measure_check.py [--lem LEM] [--out DIR] [--seconds 20]      (the driver)
       measure_check.py --load SECONDS                               (the load, run by lem measure)
"""
import argparse, glob, json, os, subprocess, sys, time


def load(seconds):
    # the very first statements: read the counter before anything else runs (torch's import included)
    import pynvml
    pynvml.nvmlInit()
    handle = pynvml.nvmlDeviceGetHandleByIndex(0)  # cuda:0 with CUDA_DEVICE_ORDER=PCI_BUS_ID (the driver sets it)
    e0 = pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)
    t0 = time.monotonic()
    import torch
    a = torch.randn(8192, 8192, device="cuda:0", dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device="cuda:0", dtype=torch.bfloat16)
    steps = 0
    while time.monotonic() - t0 < seconds:
        for _ in range(20):
            c = a @ b
        torch.cuda.synchronize()
        steps += 20
    # the token protocol, end to end: one request, no tokens (a matmul load generates none; their metrics stay absent)
    print(json.dumps({"lem": {"requests": 1}}), flush=True)
    uuid = pynvml.nvmlDeviceGetUUID(handle)
    uuid = uuid.decode() if isinstance(uuid, bytes) else uuid
    body_s = time.monotonic() - t0
    e1 = pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)  # the very last read
    print(json.dumps({"measure_check": {"e0_mj": e0, "e1_mj": e1, "body_s": body_s, "uuid": uuid, "matmuls": steps}}), flush=True)


def drive(lem, out, seconds):
    env = dict(os.environ, CUDA_DEVICE_ORDER="PCI_BUS_ID", PYTHONUNBUFFERED="1")
    command = [lem, "measure", "--gpus", "cuda:0", "--baseline", "10s", "--out", out, "--name", "measure-check", "--",
               sys.executable, os.path.abspath(__file__), "--load", str(seconds)]
    print("$ " + " ".join(command), flush=True)
    run = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
    sys.stdout.write(run.stdout)
    if run.returncode != 0:
        sys.exit(f"lem measure exited {run.returncode}")
    script = next(json.loads(line)["measure_check"] for line in run.stdout.splitlines() if line.startswith('{"measure_check"'))
    records = sorted(glob.glob(os.path.join(out, "*", "raw-worker0.json")))
    record = json.load(open(records[-1]))
    gpu = next(e for e in record["energy"] if e["component"] == "gpu:0")
    lem_j = gpu["energy_j"]
    window_s = record["window"]["duration_s"]
    body_j = (script["e1_mj"] - script["e0_mj"]) / 1000.0
    body_s = script["body_s"]
    baseline = record.get("baseline") or {}
    idle_w = baseline.get("power_w")
    lem_uuid = next((g.get("uuid") for g in record["environment"].get("gpus", [])), None)
    diff = (lem_j - body_j) / body_j
    print()
    print(f"GPU                      {script['uuid']} (pynvml index 0); lem metered {lem_uuid}")
    if lem_uuid and lem_uuid != script["uuid"]:
        print("WARNING: lem and the script read different GPUs")
    print(f"lem measure  gpu:0       {lem_j:10.1f} J over its window of {window_s:.3f} s ({gpu['source']})")
    print(f"pynvml counter, body     {body_j:10.1f} J over the script's body of {body_s:.3f} s")
    print(f"lem − pynvml             {lem_j - body_j:10.1f} J  ({diff * 100:+.2f}%), window − body = {window_s - body_s:.3f} s")
    if idle_w:
        print(f"  the edges at idle power ({idle_w:.1f} W, lem's baseline) would be {idle_w * (window_s - body_s):.1f} J")
    print(f"requests (protocol)      {record['tokens']['requests']}; output tokens {record['tokens']['output_tokens']} (not reported: absent)")
    verdict = abs(diff) <= 0.01
    print(f"within 1%: {'yes' if verdict else 'NO'}")
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--load", type=float, help="run the load for this many seconds (what lem measure runs)")
    parser.add_argument("--lem", default=os.environ.get("LEM", ".device/lem/lem"))
    parser.add_argument("--out", default="gpu-results-measure")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    if args.load is not None:
        load(args.load)
    else:
        drive(args.lem, args.out, args.seconds)
