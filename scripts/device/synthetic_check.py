#!/usr/bin/env python3
"""Checks synthetic model folders (written by `lem model synth` / SyntheticModelWriter) with Python transformers:
the model loads with no missing, unexpected or mismatched weights; the tokenizer loads from vocab.json/merges.txt
and gives GPT-2's ids; a greedy generate runs with finite logits; and re-saving model.safetensors with Python
safetensors reproduces the file byte for byte. Informational: keys where transformers' own config.json differs.

Run on the GPU machine: /opt/torch/.venv/bin/python3 scripts/device/synthetic_check.py FOLDER [FOLDER ...]
Exit status 0 when every folder passes.
"""
import json
import os
import sys
import tempfile

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM, AutoTokenizer

failures = 0
device = "cuda" if torch.cuda.is_available() else "cpu"
for folder in sys.argv[1:]:
    name = os.path.basename(folder.rstrip("/"))
    try:
        model, info = AutoModelForCausalLM.from_pretrained(folder, output_loading_info=True, dtype="auto")
        bad = {k: v for k, v in info.items() if k in ("missing_keys", "unexpected_keys", "mismatched_keys") and v}
        assert not bad, f"loading info {bad}"
        tok = AutoTokenizer.from_pretrained(folder)
        ids = tok("Hello world", return_tensors="pt")["input_ids"]
        assert ids[0].tolist()[-2:] == [15496, 995], f"tokenizer ids {ids[0].tolist()}"
        model = model.to(device)
        with torch.no_grad():
            logits = model(ids.to(device)).logits
            assert torch.isfinite(logits).all(), "non-finite logits"
            out = model.generate(ids.to(device), max_new_tokens=8, do_sample=False)
        single = os.path.join(folder, "model.safetensors")
        same = "sharded (not compared)"
        if os.path.exists(single):
            with tempfile.TemporaryDirectory() as tmp:
                again = os.path.join(tmp, "model.safetensors")
                save_file(load_file(single), again, metadata={"format": "pt"})
                same = "identical" if open(single, "rb").read() == open(again, "rb").read() else "DIFFERENT"
                assert same == "identical", "re-saved model.safetensors differs"
                model.config.save_pretrained(tmp)
                ours = json.load(open(os.path.join(folder, "config.json")))
                theirs = json.load(open(os.path.join(tmp, "config.json")))
                diff = {k: (ours.get(k), theirs.get(k)) for k in sorted(set(ours) | set(theirs)) if ours.get(k) != theirs.get(k)}
        else:
            diff = {}
        print(f"OK {name}: {sum(p.numel() for p in model.parameters())} params, dtype {model.dtype}, "
              f"generate -> {tok.decode(out[0][ids.shape[1]:])!r}, safetensors re-save {same}; config diff (ours, transformers) {diff}")
    except Exception as e:  # report every folder
        failures += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")
sys.exit(1 if failures else 0)
