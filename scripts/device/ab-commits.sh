#!/usr/bin/env bash
# Same-call A/B of lem commits on the GPU machine (issue 13: "the TorchSharp figures stay"). Figures from different
# device calls differ by up to ~13% (docs/benchmarks/2026-12-07-h100.md), so commits are compared in one call only.
#
#   here:  scripts/device/ab-commits.sh pack REV [REV ...]
#          publishes each revision (a git worktree each) as a self-contained, not single-file, CUDA build and writes
#          .ab/base.tar.xz (the first revision) and .ab/overlays.tar.xz (each later revision's files that differ from
#          the first; xz because the GPU machine has no zstd): two 48 MB single-file packs do not fit the device tool's 64 MiB carry, but the runtime they share
#          is stored once. .ab must be ignored (.git/info/exclude).
#   there: scripts/device/ab-commits.sh run [ROUNDS] [LABEL:VAR=VALUE[,VAR=VALUE...] ...]   (carry .ab; default 2 rounds)
#          unpacks the builds, writes the Llama-3.2-1B-shaped synthetic model once, then runs scripts/device/ab.lem with
#          each build in turn, ROUNDS times, rotating the order each round, and prints the per-build medians
#          (ab_table.py). Each LABEL:VAR=VALUE adds an arm: the last build run with those environment variables (for
#          example cublas:LEM_TORCHSHARP_GEMV_MAX_ROWS=0 or kernel:LEM_TORCHSHARP_DECODE_ATTENTION=kernel); a comma
#          starts the next variable only where NAME= follows it, so values may hold commas (LEM_TORCHSHARP_GEMV_UNROLL=2,1,1).
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
pack)
  shift; [ $# -ge 1 ] || { echo "usage: $0 pack REV [REV ...]" >&2; exit 2; }
  work=$(mktemp -d); base=""
  for rev in "$@"; do
    sha=$(git rev-parse --short "$rev")
    git worktree add -f --detach "$work/src-$sha" "$sha" > /dev/null
    dotnet publish "$work/src-$sha/dsl/Lem.Cli" -c Release -r linux-x64 --self-contained -p:LemCuda=true \
      -o "$work/packs/$sha" -v q --nologo > "$work/publish-$sha.log" 2>&1 || { cat "$work/publish-$sha.log"; exit 1; }
    git worktree remove --force "$work/src-$sha"
    echo "$sha" >> "$work/packs/order"
    if [ -z "$base" ]; then base=$sha; continue; fi
    (cd "$work/packs/$sha" && find . -type f) | while read -r f; do
      cmp -s "$work/packs/$sha/$f" "$work/packs/$base/$f" && continue
      mkdir -p "$work/overlays/$sha/$(dirname "$f")"; cp "$work/packs/$sha/$f" "$work/overlays/$sha/$f"
    done
    mkdir -p "$work/overlays/$sha"
  done
  mkdir -p .ab; rm -f .ab/*.tar.*
  tar -cf - -C "$work/packs" order "$base" | xz -9 -T0 > .ab/base.tar.xz
  [ -d "$work/overlays" ] && tar -cf - -C "$work" overlays | xz -9 -T0 > .ab/overlays.tar.xz
  rm -rf "$work"; git worktree prune
  ls -l .ab
  ;;
run)
  rounds=${2:-2}
  OUT=${OUT:-$PWD/gpu-out}; mkdir -p "$OUT"
  PY=${PYTHON:-python3}
  export LD_LIBRARY_PATH="$($PY -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))'):${LD_LIBRARY_PATH:-}"
  export LEM_CACHE_DIR=${LEM_CACHE_DIR:-/tmp/lem-cache}
  packs=/tmp/lem-ab; rm -rf "$packs"; mkdir -p "$packs"
  tar -xJf .ab/base.tar.xz -C "$packs"
  [ -f .ab/overlays.tar.xz ] && tar -xJf .ab/overlays.tar.xz -C "$packs"
  mapfile -t revs < "$packs/order"
  for rev in "${revs[@]:1}"; do cp -a "$packs/${revs[0]}" "$packs/$rev"; cp -a "$packs/overlays/$rev/." "$packs/$rev/"; done
  declare -A build_of=() env_of=()
  for rev in "${revs[@]}"; do build_of[$rev]=$rev; env_of[$rev]=""; done
  last=${revs[-1]}
  for arm in "${@:3}"; do  # LABEL:VAR=VALUE,... runs the last build with that environment
    label=$last-${arm%%:*}; build_of[$label]=$last; env_of[$label]=${arm#*:}; revs+=("$label")
  done
  model=$LEM_CACHE_DIR/suite-models/llama-llama-3.2-1b
  [ -f "$model/config.json" ] || "$packs/$last/lem" model synth --arch llama --preset llama-3.2-1b --seed 0 --out "$model" >&2
  nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader
  for ((round = 1; round <= rounds; round++)); do
    n=${#revs[@]}; order=()
    for ((i = 0; i < n; i++)); do order+=("${revs[$(((i + round - 1) % n))]}"); done
    for rev in "${order[@]}"; do
      echo "=== round $round: $rev ${env_of[$rev]} ($(date -u +%T))"
      dir=gpu-results-ab-$rev-$round
      rm -rf "$dir"
      lem=$packs/${build_of[$rev]}/lem
      env $(sed -E 's/,([A-Z_][A-Z0-9_]*=)/ \1/g' <<< "${env_of[$rev]}") "$lem" run --fresh --set "model=\"$model\"" --set "results.dir=\"$dir\"" scripts/device/ab.lem > "$OUT/ab-$rev-$round.txt" 2>&1 \
        || { tail -20 "$OUT/ab-$rev-$round.txt"; exit 1; }
      "$lem" results --dir "$dir" export --format json > "$OUT/ab-$rev-$round.json"
    done
  done
  $PY scripts/device/ab_table.py "$OUT" "${revs[@]}" | tee "$OUT/ab-table.md"
  ;;
*) echo "usage: $0 pack REV [REV ...] | run [ROUNDS]" >&2; exit 2;;
esac
