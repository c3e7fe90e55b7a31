#!/usr/bin/env python3
"""Writes the safetensors fixture of tests/Lem.Backends.TorchSharp.Tests/Safetensors/SafetensorsFixture.cs with
Python safetensors and compares it byte for byte with the bytes the C# test expects (hand-built from the format spec).

Run on the GPU machine: /opt/torch/.venv/bin/python3 scripts/device/safetensors_fixture.py [out.safetensors]
Exit status 0 when the bytes match.
"""
import sys

import torch
from safetensors.torch import save_file

# Must equal SafetensorsFixture.Hex in the C# test.
EXPECTED_HEX = (
    "d8000000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a227074227d2c22696473223a7b22647479"
    "7065223a22493634222c227368617065223a5b335d2c22646174615f6f666673657473223a5b302c32345d7d2c227765696768"
    "74223a7b226474797065223a22463332222c227368617065223a5b322c325d2c22646174615f6f666673657473223a5b32342c"
    "34305d7d2c2262696173223a7b226474797065223a2242463136222c227368617065223a5b325d2c22646174615f6f66667365"
    "7473223a5b34302c34345d7d7d2020202020202001000000000000000200000000000000fdffffffffffffff0000803f000000"
    "400000404000008040803f00c0"
)

tensors = {
    "weight": torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float32),
    "bias": torch.tensor([1.0, -2.0], dtype=torch.bfloat16),
    "ids": torch.tensor([1, 2, -3], dtype=torch.int64),
}
path = sys.argv[1] if len(sys.argv) > 1 else "fixture.safetensors"
save_file(tensors, path, metadata={"format": "pt"})
actual = open(path, "rb").read().hex()
if actual == EXPECTED_HEX:
    print(f"safetensors fixture: identical ({len(actual) // 2} bytes)")
    sys.exit(0)
print("safetensors fixture: DIFFERENT")
print("python :", actual)
print("c# test:", EXPECTED_HEX)
sys.exit(1)
