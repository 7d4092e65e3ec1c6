"""scripts/llama-cmake-args: llama.cpp is built for the CPU's AVX2 / AVX-512 features, never AMX."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "llama-cmake-args"
AVX512 = "avx2 fma f16c bmi2 avx512f avx512bw avx512vl avx512dq avx512cd"


def _args(flags: str) -> list[str]:
    env = {**os.environ, "CPU_FLAGS": flags}
    out = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_an_avx2_cpu_gets_the_portable_build() -> None:
    args = _args("fpu sse4_2 avx avx2 fma f16c")
    assert "-DGGML_AVX2=ON" in args and "-DGGML_NATIVE=OFF" in args
    assert not any("AVX512" in a for a in args)


def test_an_avx512_cpu_gets_each_extension_it_lists_and_never_amx() -> None:
    assert "-DGGML_AVX512=ON" in _args(AVX512)
    assert "-DGGML_AVX512_VNNI=ON" not in _args(AVX512)
    full = _args(f"{AVX512} avx512_vnni avx512vbmi avx512_bf16 avx_vnni amx_tile amx_int8 amx_bf16")
    assert {"-DGGML_AVX512_VNNI=ON", "-DGGML_AVX512_VBMI=ON", "-DGGML_AVX512_BF16=ON"} <= set(full)
    assert not any("AMX" in a or "NATIVE=ON" in a for a in full)


def test_avx512_without_its_core_subsets_is_not_trusted() -> None:
    assert not any("AVX512" in a for a in _args("avx2 fma f16c avx512f"))
