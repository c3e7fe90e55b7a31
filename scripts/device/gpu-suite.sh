#!/usr/bin/env bash
# GPU verification of lem (issues 3, 4 and 9), run on a GPU machine from the repository root after
#   dotnet fsi build.fsx device-pack      # writes .device/lem/lem (self-contained, no CPU libtorch)
# and copying the repository there. Needs python3 with torch, transformers, safetensors and pynvml.
#
#   scripts/device/gpu-suite.sh [meters] [env] [fixture] [bench] [parity] [dataparallel] [pipeline] [tensor] [phases]
#                               [decode-check] [decode-bench] [decode-profile] [decode-tuning] [gemv-sweep] [quant-check] [quant-ab] [server]
#                               [measure]   (default:
#   all but dataparallel, pipeline, tensor, phases and the decode sections,
#   in that order;
#   meters first so that the idle baseline is read on a GPU that has not just been loaded)
#   PARITY_MODELS="llama:tiny gpt2:tiny" limits the parity section to some models.
#   tensor (issue 22): the tensor split (parallel.mode = tensor) against one GPU, the pipeline and transformers: greedy
#     tokens and prefill logits (split_compare.py; parity_transformers.py --tensor judges bf16 near-ties as on one GPU,
#     TP_MODELS), then tensor.lem (tok/s, J/token, energy per GPU at batch 1, 8, 32; NCCL) and tensor-copy.lem (the
#     in-process sum instead of NCCL) -> split_table.py. With one GPU it runs the split as cuda:0,cuda:0 (two ranks on
#     one GPU, the in-process sum: NCCL takes each GPU once) to check the CUDA path's tokens, and skips tensor.lem.
#   decode-check: the decode kernels and quantization against transformers (QUANT_MODELS, QUANTS); graphs = eager.
#   decode-bench (issue 21): lem bf16/int8/int4 at batch 1, 8, 32 (decode.lem), the transformers peer (eager, sdpa,
#     sdpa without cuDNN attention; with its unseen-lengths diagnosis) and, when LLAMA_CPP_BIN names a folder with
#     llama-batched-bench and llama-quantize, llama.cpp on the same weights (bf16, Q8_0, Q4_0) as a GGUF that lem
#     writes (or llama.cpp's convert_hf_to_gguf.py, where LLAMA_CPP_CONVERT names it); prints one table.
#     LLAMA_CPP_FA overrides the flash-attention flag ("-fa on"); PEER_BATCHES the peers' batch sizes; SKIP_TRANSFORMERS=1
#     leaves the transformers peer out.
#   decode-profile: ncu kernel times of lem's batch-1 decode steps (bf16, int8, int4), summed by kernel.
#   decode-tuning (issue 21, 2026-12-08; none of it has run on a GPU yet): the decode check of the step-ending kernel
#     (LEM_TORCHSHARP_STEP_KERNEL=on) and of prefill graphs (the probe's graph check turns torchsharp.prefill_graphs on)
#     for bf16 and int8; ab.lem with the step kernel off/on and prefill graphs off/on, alternating, TUNING_ROUNDS rounds
#     (default 2; ab_table.py: TPOT, TTFT, J/token). About 7 minutes.
#   gemv-sweep (issue 21): the decode GEMV's configurations at batch 1, bf16 then int8 and int4 (gemv_sweep.py, at most
#     SWEEP_BUDGET_S seconds of runs, default 300); writes the fastest configuration per scheme to $OUT/gemv-best-env.
#   quant-check and quant-ab (issue 21, 2026-12-08; not yet run on a GPU): the tensor-core GEMV for 1 to 32 rows
#     (LEM_TORCHSHARP_GEMV_MMA=all, LEM_TORCHSHARP_GEMV_MMA_MIN_ROWS=1) and the one-kernel dequantize for prefill
#     (LEM_TORCHSHARP_DEQUANT_KERNEL=on). quant-check: the decode check against transformers with all three on, whose
#     batched greedy run decodes every prompt at once: bf16 with 20 prompts (the 32-row kernels), int8 with 12
#     (16-row), int4 with 6 (8-row); its unbatched run takes the 1-row path; its prefills of more than 32 tokens
#     dequantize; graphs = eager at batch 8 and 32 (about 4 minutes). quant-ab: quant-kernels.lem (batch 1, 8 and 32,
#     each weight scheme) with all three off (aten) and on (kernels), alternating, QUANT_ROUNDS rounds (default 1;
#     ab_table.py; about 5 minutes a round).
#   server (issue 17): lem starts the llama-server that LLAMA_SERVER names (a CUDA build), serves the Llama-3.2-1B shape
#     as a GGUF lem writes, drives it at 1 and 8 requests in flight (server.lem) and prints lem's figures beside the
#     server's own timings and GPU J/token (server_table.py).
#   measure (issue 20): lem measure --gpus cuda:0 -- python3 measure_check.py --load 20 (a steady bf16 matmul load)
#     against pynvml's own counter read at the script's first and last statement (measure_check.py; within 1%).
#
# Prints the figures and writes logs and JSON to $OUT (default ./gpu-out). Each section runs even if an
# earlier one failed; the exit code is 1 when any section failed.
set -uo pipefail
OUT=${OUT:-$PWD/gpu-out}
mkdir -p "$OUT"
SECTIONS=${*:-meters env fixture bench parity}
PY=${PYTHON:-python3}
TORCH_LIB=$($PY -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export LD_LIBRARY_PATH="$TORCH_LIB:${LD_LIBRARY_PATH:-}"
export LEM_CACHE_DIR=${LEM_CACHE_DIR:-/tmp/lem-cache}
export PYTHONUNBUFFERED=1
LEM=${LEM:-$PWD/.device/lem/lem}
MODELS=$LEM_CACHE_DIR/suite-models
mkdir -p "$MODELS"
failed=()

section() { echo; echo "=== $1 ($(date -u +%H:%M:%S))"; }
synth() { # arch preset -> folder
  local dir=$MODELS/$1-$2
  [ -f "$dir/config.json" ] || "$LEM" model synth --arch "$1" --preset "$2" --seed 0 --out "$dir" >&2
  echo "$dir"
}
split_prompts() { # file: 16 prompts of 16 to 128 token ids (seeded), for the probes of the pipeline and tensor sections
  $PY - "$1" <<'PYEOF'
import json, random, sys
g = random.Random(5)
json.dump({"prompts": [[g.randrange(10, 50000) for _ in range(g.randrange(16, 129))] for _ in range(16)]}, open(sys.argv[1], "w"))
PYEOF
}

for s in $SECTIONS; do case $s in
env)
  section "environment, meter health, sampler overhead and its effect on throughput"
  nvidia-smi --query-gpu=name,driver_version,power.limit,persistence_mode --format=csv
  $PY -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)'
  # sampler CPU cost (10 s), NVML call costs, then 8 rounds of 4 s (ABBAABBA) of GPU copies with/without the sampler
  "$LEM" env --device cuda:0 --sampler-overhead 10 | tee "$OUT/env.txt" || failed+=(env)
  # the same comparison with a CPU-bound decode-like loop on every core: where the sampler's CPU use would show most
  "$LEM" env --device cpu --sampler-overhead 5 > "$OUT/env-cpu.txt" || failed+=(env-cpu)
  sed -n '/^throughput with and without/,$p' "$OUT/env-cpu.txt"
  ;;
fixture)
  section "safetensors byte-exact fixture and synthetic folders against Python"
  $PY scripts/device/safetensors_fixture.py | tee "$OUT/fixture.txt" || failed+=(fixture)
  for m in "llama tiny" "qwen3 tiny" "gpt2 tiny" "llama llama-3.2-1b"; do synth $m >/dev/null; done
  $PY scripts/device/synthetic_check.py "$MODELS"/* | tee "$OUT/synthetic-check.txt" || failed+=(synthetic-check)
  ;;
parity)
  section "logits and greedy tokens against transformers (fp32 and bf16), CUDA graphs vs eager"
  : > "$OUT/parity.jsonl"
  for m in ${PARITY_MODELS:-llama:tiny mistral:tiny qwen2:tiny qwen3:tiny gpt2:tiny llama:llama-3.2-1b qwen2:qwen2.5-0.5b qwen3:qwen3-0.6b}; do
    dir=$(synth ${m%%:*} ${m#*:})
    for dtype in fp32 bf16; do
      extra=""; [ "$dtype" = bf16 ] && extra="--graph-check"
      $PY scripts/device/parity_transformers.py "$LEM" "$dir" --dtype $dtype --new-tokens 64 $extra | tee -a "$OUT/parity.jsonl" || failed+=("parity:$m:$dtype")
    done
  done
  ;;
bench)
  section "benchmark: lem eager and CUDA graphs vs transformers, Llama-3.2-1B shape, bf16, 128+128 tokens"
  synth llama llama-3.2-1b >/dev/null
  rm -rf gpu-results
  "$LEM" run --fresh --set "model=\"$(synth llama llama-3.2-1b)\"" scripts/device/bench.lem 2>&1 | tee "$OUT/bench-lem.txt" || failed+=(bench-lem)
  "$LEM" results --dir gpu-results export --format json > "$OUT/bench-lem.json" || failed+=(bench-export)
  : > "$OUT/bench-peer.jsonl"
  $PY scripts/device/peer_transformers.py "$(synth llama llama-3.2-1b)" --batches 1,8,32 --attn eager,sdpa --out "$OUT/bench-peer.jsonl" || failed+=(bench-peer)
  $PY scripts/device/bench_table.py "$OUT/bench-lem.json" "$OUT/bench-peer.jsonl" | tee "$OUT/bench-table.md" || failed+=(bench-table)
  ;;
dataparallel)
  section "data-parallel replicas on two GPUs vs one GPU"
  rm -rf gpu-results-dp
  "$LEM" run --fresh --set "model=\"$(synth llama llama-3.2-1b)\"" scripts/device/data-parallel.lem 2>&1 | tee "$OUT/data-parallel.txt" || failed+=(dataparallel)
  "$LEM" results --dir gpu-results-dp list | tee -a "$OUT/data-parallel.txt"
  ;;
pipeline)
  section "pipeline split over cuda:0 + cuda:1 vs one GPU: greedy tokens identical, tok/s, J/token, energy per device"
  model=$(synth llama llama-3.2-1b)
  # 1. tokens: the same bf16 weights give the same greedy tokens (batched and one by one) and prefill logits
  split_prompts "$OUT/pp-prompts.json"
  "$LEM" model probe --model "$model" --precision bf16 --device cuda:0 --prompt-file "$OUT/pp-prompts.json" --new-tokens 128 --out "$OUT/pp-one.json" || failed+=(pipeline-probe-one)
  "$LEM" model probe --model "$model" --precision bf16 --pipeline cuda:0,cuda:1 --prompt-file "$OUT/pp-prompts.json" --new-tokens 128 --out "$OUT/pp-two.json" || failed+=(pipeline-probe-two)
  $PY - "$OUT/pp-one.json" "$OUT/pp-two.json" <<'PYEOF' | tee "$OUT/pipeline.txt" || failed+=(pipeline-tokens)
import json, os, sys
one, two = (json.load(open(f)) for f in sys.argv[1:3])
print("split:", two.get("pipeline_split"), "device:", two.get("device"))
ok = True
for mode in ("batched", "unbatched"):
    a, b = one[mode]["tokens"], two[mode]["tokens"]
    same = sum(x == y for x, y in zip(a, b))
    print(f"{mode}: {same}/{len(a)} prompts with identical greedy tokens (128 each)")
    ok &= same == len(a) == len(b)
logits = [open(os.path.join(os.path.dirname(f), json.load(open(f))["logits_file"]), "rb").read() for f in sys.argv[1:3]]
print("prefill logits byte-identical:", logits[0] == logits[1])
print("TOKENS EQUAL" if ok else "TOKENS DIFFER")
sys.exit(0 if ok else 1)
PYEOF
  # 2. throughput and energy: the same workload measured on one GPU and on the pipeline
  rm -rf gpu-results-pp
  "$LEM" run --fresh --set "model=\"$model\"" scripts/device/pipeline.lem 2>&1 | tee -a "$OUT/pipeline.txt" || failed+=(pipeline-run)
  "$LEM" results --dir gpu-results-pp export --format json > "$OUT/pipeline.json" || failed+=(pipeline-export)
  $PY - "$OUT/pipeline.json" <<'PYEOF' | tee -a "$OUT/pipeline.txt"
import json, sys
for r in json.load(open(sys.argv[1])):
    m = r["metrics"]
    f = lambda k, fmt: format(m[k], fmt) if m.get(k) is not None else "NA"
    print(f"{r['experiment']}: {f('output_tokens_per_s', '.1f')} output tok/s, {f('energy_per_output_token_j', '.4f')} J/token "
          f"(GPU {f('energy_gpu_per_output_token_j', '.4f')}), window {f('window_duration_s', '.2f')} s, TPOT p50 {f('tpot_ms_p50', '.2f')} ms")
    for e in r.get("energy", []):
        print(f"  energy {e['component']}: {e.get('energy_j')} J [{e.get('source')}]")
    split = r.get("environment", {}).get("backend", {}).get("torchsharp_pipeline_split")
    if split: print("  split:", split, "| cuda graphs:", r["environment"]["backend"].get("torchsharp_cuda_graphs"))
    for w in r.get("warnings", []): print("  warning:", w["message"])
PYEOF
  ;;
tensor)
  ngpu=$(nvidia-smi --list-gpus | wc -l)
  if [ "$ngpu" -ge 2 ]; then tp=cuda:0,cuda:1; else tp=cuda:0,cuda:0; fi
  section "tensor split over $tp ($ngpu GPU(s)): tokens and logits against one GPU, the pipeline and transformers; tok/s and J/token with two GPUs"
  model=$(synth llama llama-3.2-1b)
  # 1. the same bf16 weights and prompts on one GPU, split by tensor parallelism (and as a pipeline with two GPUs)
  split_prompts "$OUT/tp-prompts.json"
  probe() { "$LEM" model probe --model "$model" --precision bf16 --prompt-file "$OUT/tp-prompts.json" --new-tokens 128 "$@"; }
  probe --device cuda:0 --out "$OUT/tp-one.json" || failed+=(tensor-probe-one)
  probe --tensor cuda:0,cuda:0 --out "$OUT/tp-one-gpu-split.json" || failed+=(tensor-probe-one-gpu)
  splits=("$OUT/tp-one-gpu-split.json")
  if [ "$ngpu" -ge 2 ]; then
    probe --tensor cuda:0,cuda:1 --out "$OUT/tp-two.json" || failed+=(tensor-probe-two)
    probe --pipeline cuda:0,cuda:1 --out "$OUT/tp-pipeline.json" || failed+=(tensor-probe-pipeline)
    splits+=("$OUT/tp-two.json" "$OUT/tp-pipeline.json")
  fi
  $PY scripts/device/split_compare.py "$OUT/tp-one.json" "${splits[@]}" | tee "$OUT/tensor.txt" || failed+=(tensor-compare)
  # 2. the split against transformers, judged as the parity section judges one GPU (fp32 within its tolerance; bf16 as
  #    accurate as transformers, greedy tokens equal or parted at near-ties)
  : > "$OUT/tensor-parity.jsonl"
  for m in ${TP_MODELS:-llama:llama-3.2-1b qwen2:qwen2.5-0.5b qwen3:qwen3-0.6b gpt2:gpt2 mistral:tiny}; do
    dir=$(synth ${m%%:*} ${m#*:})
    for dtype in fp32 bf16; do
      $PY scripts/device/parity_transformers.py "$LEM" "$dir" --dtype $dtype --new-tokens 64 --tensor $tp | tee -a "$OUT/tensor-parity.jsonl" || failed+=("tensor-parity:$m:$dtype")
    done
  done
  # 3. throughput and energy at batch 1, 8, 32: one GPU (graphs, eager), pipeline, tensor (NCCL), tensor (in-process sum)
  if [ "$ngpu" -ge 2 ]; then
    rm -rf gpu-results-tp gpu-results-tp-copy
    "$LEM" run --fresh --set "model=\"$model\"" scripts/device/tensor.lem 2>&1 | tee "$OUT/tensor-run.txt" || failed+=(tensor-run)
    LEM_TORCHSHARP_ALL_REDUCE=copy "$LEM" run --fresh --results gpu-results-tp-copy --set "model=\"$model\"" scripts/device/tensor-copy.lem 2>&1 \
      | tee -a "$OUT/tensor-run.txt" || failed+=(tensor-run-copy)
    "$LEM" results --dir gpu-results-tp export --format json > "$OUT/tensor.json" || failed+=(tensor-export)
    "$LEM" results --dir gpu-results-tp-copy export --format json > "$OUT/tensor-copy.json" || failed+=(tensor-export-copy)
    $PY scripts/device/split_table.py "$OUT/tensor.json" "$OUT/tensor-copy.json" | tee "$OUT/tensor-table.md" || failed+=(tensor-table)
  else
    echo "one GPU: tensor.lem (tok/s and J/token of the split against one GPU and the pipeline) needs two GPUs; skipped"
  fi
  ;;
phases)
  section "per-phase energy and goodput"
  rm -rf gpu-results-phases
  "$LEM" run --fresh --set "model=\"$(synth llama llama-3.2-1b)\"" scripts/device/phases.lem 2>&1 | tee "$OUT/phases.txt" || failed+=(phases)
  "$LEM" results --dir gpu-results-phases export --format json > "$OUT/phases.json" || failed+=(phases-export)
  $PY - "$OUT/phases.json" <<'PYEOF' | tee -a "$OUT/phases.txt"
import json, sys
for r in json.load(open(sys.argv[1])):
    m = r["metrics"]
    keys = [k for k in sorted(m) if "prefill" in k or "decode" in k or "goodput" in k or k in ("energy_gpu_j", "window_duration_s", "requests_per_s")]
    for k in keys: print(f"{k} = {m[k]}")
    for w in r.get("warnings", []): print("warning:", w["message"])
PYEOF
  ;;
decode-check)
  section "decode kernels and weight-only quantization against transformers; CUDA graphs vs eager"
  : > "$OUT/decode-check.jsonl"
  for m in ${QUANT_MODELS:-llama:llama-3.2-1b llama:tiny qwen2:qwen2.5-0.5b}; do
    dir=$(synth ${m%%:*} ${m#*:})
    for q in ${QUANTS:-none int8 int4}; do
      [ "$q" != none ] && [ "${m#*:}" = tiny ] && continue  # tiny shapes do not group by 128
      $PY scripts/device/parity_transformers.py "$LEM" "$dir" --dtype bf16 --new-tokens 64 --graph-check --quantization $q \
        | tee -a "$OUT/decode-check.jsonl" || failed+=("decode-check:$m:$q")
    done
  done
  $PY scripts/device/parity_transformers.py "$LEM" "$(synth llama tiny)" --dtype fp32 --new-tokens 64 | tee -a "$OUT/decode-check.jsonl" || failed+=("decode-check:fp32")
  ;;
decode-bench)
  section "decode benchmark: lem bf16/int8/int4 vs transformers and llama.cpp, Llama-3.2-1B shape, 128+128 tokens, batch 1/8/32"
  model=$(synth llama llama-3.2-1b)
  rm -rf gpu-results-decode
  "$LEM" run --fresh --set "model=\"$model\"" scripts/device/decode.lem 2>&1 | tee "$OUT/decode-lem.txt" || failed+=(decode-lem)
  "$LEM" results --dir gpu-results-decode export --format json > "$OUT/decode-lem.json" || failed+=(decode-export)
  : > "$OUT/decode-peers.jsonl"
  if [ -z "${SKIP_TRANSFORMERS:-}" ]; then
    $PY scripts/device/peer_transformers.py "$model" --batches ${PEER_BATCHES:-1,8,32} --attn eager,sdpa,sdpa_no_cudnn --diagnose \
      --out "$OUT/decode-peers.jsonl" > "$OUT/decode-transformers.txt" 2>&1 || failed+=(decode-transformers)
    grep -- "--- diagnose" "$OUT/decode-transformers.txt"
  fi
  if [ -n "${LLAMA_CPP_BIN:-}" ]; then
    writer=(--lem "$LEM"); [ -n "${LLAMA_CPP_CONVERT:-}" ] && writer=(--convert "$LLAMA_CPP_CONVERT")
    $PY scripts/device/peer_llamacpp.py "$model" --bin "$LLAMA_CPP_BIN" "${writer[@]}" \
      --batches ${PEER_BATCHES:-1,8,32} --fa "${LLAMA_CPP_FA:--fa on}" --work "$LEM_CACHE_DIR/llamacpp" --out "$OUT/decode-peers.jsonl" || failed+=(decode-llamacpp)
  else
    echo "llama.cpp peer skipped: LLAMA_CPP_BIN is not set"
  fi
  $PY scripts/device/bench_table.py --decode "$OUT/decode-lem.json" "$OUT/decode-peers.jsonl" | tee "$OUT/decode-table.md" || failed+=(decode-table)
  $PY - "$OUT/decode-lem.json" <<'PYEOF' | tee -a "$OUT/decode-table.md"
import json, sys
for r in json.load(open(sys.argv[1])):
    f = r.get("environment", {}).get("backend", {})
    m = r["metrics"]
    print(f"{r['experiment']}: quantization {f.get('torchsharp_quantization')} ({f.get('torchsharp_quantization_scheme', 'bf16')}), group {f.get('torchsharp_quantization_group_size', '-')}, "
          f"weights {m.get('model_weight_bytes')} B (quantized part {f.get('torchsharp_quantized_weight_bytes', 0)} B), load {m.get('model_load_s')} s, "
          f"mbu {m.get('mbu')}, graphs {f.get('torchsharp_cuda_graphs', '')[:2]}, kernels {f.get('torchsharp_decode_kernels', '')[:3]}")
    for w in r.get("warnings", []): print("  warning:", w["message"])
PYEOF
  ;;
decode-profile)
  section "kernel times of lem's batch-1 decode steps (ncu, caches and clocks left alone)"
  dir=$(synth llama llama-3.2-1b)
  echo '{"prompts": [[11, 22, 33, 44, 55, 66, 77, 88]]}' > "$OUT/profile-prompt.json"
  for q in ${QUANTS:-none int8 int4}; do
    # eager static decoding runs the graph's kernels; skip the load and prefill, keep three decode steps
    timeout 240 ncu --clock-control none --cache-control none --metrics gpu__time_duration.sum --csv --page raw \
      --launch-skip ${PROFILE_SKIP:-4000} --launch-count ${PROFILE_COUNT:-400} \
      "$LEM" model probe --model "$dir" --precision bf16 --device cuda:0 --quantization $q --prompt-file "$OUT/profile-prompt.json" \
      --new-tokens 96 --out "$OUT/profile-$q.json" > "$OUT/ncu-$q.csv" 2> "$OUT/ncu-$q.err" || failed+=("decode-profile:$q")
    $PY scripts/device/ncu_summary.py "$OUT/ncu-$q.csv" --label "$q" | tee -a "$OUT/decode-profile.txt"
  done
  ;;
decode-tuning)
  section "the step kernel and prefill graphs: decode check, same-call A/B against the ATen path and eager prefill"
  dir=$(synth llama llama-3.2-1b)
  for q in none int8; do
    LEM_TORCHSHARP_STEP_KERNEL=on $PY scripts/device/parity_transformers.py "$LEM" "$dir" --dtype bf16 --new-tokens 64 --graph-check \
      --quantization $q > "$OUT/tuning-parity-$q.jsonl" 2> "$OUT/tuning-parity-$q.err" || failed+=("decode-tuning:parity-$q")
    tail -c 800 "$OUT/tuning-parity-$q.jsonl"
  done
  arms=(steps-aten steps-kernel steps-aten-prefill-graphs steps-kernel-prefill-graphs)
  for round in $(seq 1 ${TUNING_ROUNDS:-2}); do
    for arm in "${arms[@]}"; do
      kernel=off; [[ $arm == steps-kernel* ]] && kernel=on
      prefill=false; [[ $arm == *prefill-graphs ]] && prefill=true
      rm -rf gpu-results-tuning
      LEM_TORCHSHARP_STEP_KERNEL=$kernel "$LEM" run --fresh --set "model=\"$dir\"" --set 'results.dir="gpu-results-tuning"' \
        --set "torchsharp.prefill_graphs=$prefill" scripts/device/ab.lem > "$OUT/tuning-$arm-$round.txt" 2>&1 || failed+=("decode-tuning:$arm")
      "$LEM" results --dir gpu-results-tuning export --format json > "$OUT/ab-$arm-$round.json"
    done
  done
  $PY scripts/device/ab_table.py "$OUT" "${arms[@]}" | tee "$OUT/tuning-table.md" || failed+=(decode-tuning:table)
  ;;
gemv-sweep)
  section "the decode GEMV's launch configurations at batch 1 (one lem process each, same call)"
  dir=$(synth llama llama-3.2-1b)
  $PY scripts/device/gemv_sweep.py "$LEM" "$dir" "$OUT/gemv-sweep" ${SWEEP_BUDGET_S:-300} "$OUT/gemv-best-env" | tee "$OUT/gemv-sweep.txt" \
    || failed+=(gemv-sweep)
  ;;
quant-check)
  section "the tensor-core GEMV and the dequantize kernel: the decode check against transformers"
  dir=$(synth llama llama-3.2-1b)
  for check in none:20 int8:12 int4:6; do
    q=${check%%:*}
    LEM_TORCHSHARP_GEMV_MMA=all LEM_TORCHSHARP_GEMV_MMA_MIN_ROWS=1 LEM_TORCHSHARP_DEQUANT_KERNEL=on \
      $PY scripts/device/parity_transformers.py "$LEM" "$dir" --dtype bf16 \
      --new-tokens 64 --graph-check --quantization $q --prompts ${check##*:} > "$OUT/quant-parity-$q.jsonl" 2> "$OUT/quant-parity-$q.err" \
      || failed+=("quant-check:$q")
    tail -c 800 "$OUT/quant-parity-$q.jsonl"
  done
  ;;
quant-ab)
  section "the tensor-core GEMV and the dequantize kernel: a same-call A/B against the CUDA-core GEMV, cuBLAS and ATen"
  dir=$(synth llama llama-3.2-1b)
  arms=(aten kernels)
  for round in $(seq 1 ${QUANT_ROUNDS:-1}); do
    for arm in "${arms[@]}"; do
      mma=off; min_rows=2; dequant=off; [ "$arm" = kernels ] && { mma=all; min_rows=1; dequant=on; }
      rm -rf gpu-results-quant
      LEM_TORCHSHARP_GEMV_MMA=$mma LEM_TORCHSHARP_GEMV_MMA_MIN_ROWS=$min_rows LEM_TORCHSHARP_DEQUANT_KERNEL=$dequant "$LEM" run --fresh --set "model=\"$dir\"" scripts/device/quant-kernels.lem \
        > "$OUT/quant-$arm-$round.txt" 2>&1 || failed+=("quant-ab:$arm")
      "$LEM" results --dir gpu-results-quant export --format json > "$OUT/ab-$arm-$round.json"
    done
  done
  $PY scripts/device/ab_table.py "$OUT" "${arms[@]}" | tee "$OUT/quant-table.md" || failed+=(quant-ab:table)
  ;;
server)
  section "server backends: lem starts llama-server (CUDA), drives it through the OpenAI API and meters cuda:0"
  : "${LLAMA_SERVER:?set LLAMA_SERVER to a llama-server binary built for this GPU}"
  rm -rf gpu-results-server
  "$LEM" run --fresh --set "server.command=[\"$LLAMA_SERVER\"]" scripts/device/server.lem 2>&1 | tee "$OUT/server-lem.txt" || failed+=(server-lem)
  "$LEM" results --dir gpu-results-server export --format json > "$OUT/server-lem.json" || failed+=(server-export)
  $PY scripts/device/server_table.py "$OUT/server-lem.json" gpu-results-server | tee "$OUT/server-table.md" || failed+=(server-table)
  ;;
measure)
  section "lem measure of a python script against pynvml's counter read around the script's body (within 1%)"
  rm -rf gpu-results-measure
  $PY scripts/device/measure_check.py --lem "$LEM" --out gpu-results-measure --seconds ${MEASURE_SECONDS:-20} | tee "$OUT/measure-check.txt" || failed+=(measure)
  ;;
meters)
  section "meter self-check: steady 30 s load, idle power, throttling, short window"
  "$LEM" env --device cuda:0 --self-check | tee "$OUT/meters-self-check.txt" || failed+=(meters)
  ;;
*) echo "unknown section $s"; failed+=("$s");;
esac; done

echo
if [ ${#failed[@]} -gt 0 ]; then echo "FAILED: ${failed[*]}"; exit 1; fi
echo "all sections passed"
