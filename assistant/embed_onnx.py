"""The ONNX Runtime backend: the packaged weights exported to ONNX locally, once, and cached.

The export wraps the transformer with the model's pooling and normalisation, so one session
call turns token ids into unit vectors. BERT-family graphs are then fused (attention, GELU,
layer norm) by onnxruntime's transformer optimizer; `onnx-int8` also quantises the MatMul and
attention weights to int8 (per channel, activations quantised on the fly).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.cache import user_cache
from assistant.errors import ModelUnavailableError

if TYPE_CHECKING:
    import numpy as np

EXPORT_VERSION = "1"  # bump when the exported graph changes, so caches are rebuilt
_EXPORT_LOCK = threading.Lock()


class OnnxEmbedder:
    """A sentence-transformers model run by ONNX Runtime, in length-sorted batches."""

    def __init__(self, model_path: Path, name: str, quantized: bool = False,
                 batch_size: int = 32, threads: int | None = None) -> None:
        self.name = name
        self.batch_size = batch_size
        self.backend = "onnx-int8" if quantized else "onnx"
        config = read_model_config(model_path)
        self._dim = int(config["dimension"])
        graph = export_onnx(model_path, quantized=quantized)
        self._session = _open_session(graph, threads)
        self._inputs = {item.name for item in self._session.get_inputs()}
        self._tokenizer = _load_tokenizer(model_path, int(config["max_seq_length"]))
        self._lock = threading.Lock()  # two cores: one encoder at a time beats oversubscription

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Return one normalised vector per text."""
        return self.embed_array(texts).tolist()  # type: ignore[no-any-return]

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Return a float32 array of unit vectors, one row per text, in input order."""
        import numpy as np

        out = np.zeros((len(texts), self._dim), dtype="float32")
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts)
        # Similar lengths share a batch, so little compute goes to padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        with self._lock:
            for offset in range(0, len(order), self.batch_size):
                rows = order[offset : offset + self.batch_size]
                out[rows] = self._run([encodings[i] for i in rows])
        return out

    def dimension(self) -> int:
        """Return the vector size."""
        return self._dim

    def _run(self, encodings: list[Any]) -> np.ndarray:
        import numpy as np

        width = max(len(e.ids) for e in encodings)
        feeds = {
            "input_ids": np.zeros((len(encodings), width), dtype="int64"),
            "attention_mask": np.zeros((len(encodings), width), dtype="int64"),
            "token_type_ids": np.zeros((len(encodings), width), dtype="int64"),
        }
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            feeds["input_ids"][row, :n] = enc.ids
            feeds["attention_mask"][row, :n] = enc.attention_mask
            feeds["token_type_ids"][row, :n] = enc.type_ids
        feeds = {key: value for key, value in feeds.items() if key in self._inputs}
        return np.asarray(self._session.run(None, feeds)[0], dtype="float32")


def read_model_config(model_path: Path) -> dict[str, Any]:
    """Return the pooling mode, vector size and max length of a sentence-transformers folder."""
    modules = _read_json(model_path / "modules.json", [])
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    if kinds and kinds not in (["Transformer", "Pooling", "Normalize"],
                               ["Transformer", "Pooling"]):
        raise ModelUnavailableError(
            f"the ONNX backend handles Transformer → Pooling (→ Normalize) models, not {kinds}"
            " — use ingest.embed_backend=torch"
        )
    pooling_dir = next((m["path"] for m in modules if str(m.get("type", "")).endswith("Pooling")),
                       "1_Pooling")
    pooling = _read_json(model_path / pooling_dir / "config.json", {})
    mode = "cls" if pooling.get("pooling_mode_cls_token") else "mean"
    other = ("pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")
    if any(pooling.get(key) for key in other):
        raise ModelUnavailableError("the ONNX backend handles mean or CLS pooling only — use torch")
    bert = _read_json(model_path / "sentence_bert_config.json", {})
    hf = _read_json(model_path / "config.json", {})
    return {
        "pooling": mode,
        "dimension": int(pooling.get("word_embedding_dimension") or hf.get("hidden_size", 384)),
        "max_seq_length": int(bert.get("max_seq_length") or 512),
        "model_type": str(hf.get("model_type", "")),
        "heads": int(hf.get("num_attention_heads", 12)),
        "hidden": int(hf.get("hidden_size", 384)),
    }


def export_onnx(model_path: Path, quantized: bool = False) -> Path:
    """Return the cached ONNX graph of this model folder, exporting it on first use."""
    folder = cache_dir() / _model_digest(model_path)
    fp32, int8 = folder / "model.onnx", folder / "model-int8.onnx"
    with _EXPORT_LOCK:
        if not fp32.exists():
            folder.mkdir(parents=True, exist_ok=True)
            _export_fp32(model_path, fp32)
        if quantized and not int8.exists():
            _quantize(fp32, int8)
    return int8 if quantized else fp32


def cache_dir() -> Path:
    """Return the folder exported graphs are cached in (~/.cache/news-assistant/onnx)."""
    return user_cache("onnx")


def _model_digest(model_path: Path) -> str:
    # The weights' names, sizes and times identify a model folder without hashing 90 MB.
    parts = [EXPORT_VERSION, str(model_path.resolve())]
    for path in sorted(model_path.glob("*")):
        if path.is_file():
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{int(stat.st_mtime)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _export_fp32(model_path: Path, target: Path) -> None:
    import torch

    config = read_model_config(model_path)
    wrapper, sample = _torch_encoder(model_path, config)
    tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp.onnx")
    axes = {"b": 0, "s": 1}
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about Python control flow
        torch.onnx.export(
            wrapper, tuple(sample[n] for n in names), str(tmp), input_names=names,
            output_names=["embedding"], opset_version=17, dynamo=False,
            dynamic_axes={**{n: {axes["b"]: "batch", axes["s"]: "tokens"} for n in names},
                          "embedding": {0: "batch"}},
        )
        expected = wrapper(*(sample[n] for n in names)).numpy()
    if config["model_type"] == "bert":
        _fuse(tmp, config)
    _check_export(tmp, sample, expected)
    os.replace(tmp, target)


def _torch_encoder(model_path: Path, config: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Return the transformer wrapped with pooling + normalisation, and a sample input."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    try:
        model = AutoModel.from_pretrained(str(model_path), attn_implementation="eager")
        tokenizer = AutoTokenizer.from_pretrained(str(model_path))
    except Exception as exc:  # not a transformers folder
        raise ModelUnavailableError(f"cannot export {model_path} to ONNX: {exc}") from exc
    cls_pooling = config["pooling"] == "cls"

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model.eval()

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            if cls_pooling:
                pooled = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    sample = tokenizer(["An example sentence.", "Another, somewhat longer example sentence."],
                       padding=True, return_tensors="pt", return_token_type_ids=True)
    return Encoder().eval(), dict(sample)


def _fuse(path: Path, config: dict[str, Any]) -> None:
    from onnxruntime.transformers import optimizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fused = optimizer.optimize_model(str(path), model_type="bert", num_heads=config["heads"],
                                         hidden_size=config["hidden"], opt_level=1)
    fused.save_model_to_file(str(path))


def _check_export(path: Path, sample: dict[str, Any], expected: np.ndarray) -> None:
    import numpy as np

    session = _open_session(path)
    feeds = {i.name: sample[i.name].numpy() for i in session.get_inputs()}
    got = np.asarray(session.run(None, feeds)[0])
    if float((got * expected).sum(axis=1).min()) < 0.9999:
        path.unlink(missing_ok=True)
        raise ModelUnavailableError("the ONNX export disagrees with PyTorch — use torch")


def _quantize(fp32: Path, target: Path) -> None:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp.onnx")
    logging.disable(logging.WARNING)  # "consider pre-processing" advice on the root logger
    try:
        quantize_dynamic(
            str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
            op_types_to_quantize=["MatMul", "Attention"],
            # The fused Attention nodes come from another domain: shape inference needs a hint.
            extra_options={"DefaultTensorType": TensorProto.FLOAT},
        )
    finally:
        logging.disable(logging.NOTSET)
    os.replace(tmp, target)


def _open_session(path: Path, threads: int | None = None) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads or os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    # Spinning threads burn CPU between batches; on a shared machine that slows everyone.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _load_tokenizer(model_path: Path, max_length: int) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    tokenizer.enable_truncation(max_length)  # the file's own setting (128) is not the model's
    tokenizer.no_padding()  # batches are padded to their own longest text
    return tokenizer


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return default
