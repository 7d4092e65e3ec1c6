"""The LLM seam: `complete(system, user)` and `stream(system, user)`, with llama-index backends.

Backends: `llamacpp` (a GGUF run in-process; by default the packaged model `answer.local_model`
names, Qwen2.5-Coder 1.5B Instruct, see assistant.models), `openai`
(any OpenAI-compatible server) and `ollama`. Each is built lazily, once per settings.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from assistant.answer.llm.prompts import COMPLETION_STOPS, build_completion_prompt
from assistant.config import AnswerSettings, Settings
from assistant.errors import ConfigError, ModelUnavailableError
from assistant.models import LOCAL_EXTRA, local_model_path

if TYPE_CHECKING:
    from llama_index.core.llms import LLM as LlamaIndexLLM


PromptStyle = Literal["chat", "user-only", "completion"]

_cache: dict[str, LLM] = {}
_lock = threading.Lock()


class LLM(Protocol):
    """What the answer step needs from a language model."""

    def complete(self, system: str, user: str) -> str:
        """Return the model's whole reply."""
        ...

    def stream(self, system: str, user: str) -> Iterator[str]:
        """Yield the model's reply piece by piece as it is generated."""
        ...


YES_NO_ODDS = 4.0
"""The log-odds `yes_odds` gives a backend that can only reply in words: its Yes or No, firmly."""


def yes_odds(llm: LLM, system: str, user: str) -> float:
    """Return how strongly the model's reply leans to "Yes" over "No" (log-odds; 0 = either).

    A backend that exposes its next-token logits (`LlamaCppBackend.yes_odds`) answers from
    them; any other is asked for its reply, and its first word counts as ±`YES_NO_ODDS`.
    """
    reader = getattr(llm, "yes_odds", None)
    if callable(reader):
        return float(reader(system, user))
    first = llm.complete(system, user).strip().split(maxsplit=1)
    word = first[0].strip(".,!:;*").lower() if first else ""
    return YES_NO_ODDS if word == "yes" else -YES_NO_ODDS if word == "no" else 0.0


def get_llm(settings: Settings | None = None) -> LLM:
    """Return the LLM `settings.answer` names, loading it on first use and reusing it after."""
    settings = settings or Settings()
    key = f"{settings.index_dir}|{settings.answer.model_dump_json()}"
    with _lock:
        if key not in _cache:
            _cache[key] = load_llm(settings.answer, settings.index_dir)
        return _cache[key]


def close_llms() -> None:
    """Release every cached model now (llama.cpp otherwise frees it noisily at exit)."""
    with _lock:
        for llm in _cache.values():
            model = getattr(getattr(llm, "llm", None), "_model", None)
            if model is not None:
                model.close()
        _cache.clear()


atexit.register(close_llms)


def load_llm(answer: AnswerSettings, index_dir: Path) -> LLM:
    """Return a new LLM for the configured backend (ConfigError for `extractive`)."""
    if answer.llm not in LOADERS:
        raise ConfigError(f"answer.llm={answer.llm!r} uses no language model")
    return LOADERS[answer.llm](answer, index_dir)


def packaged_model_path(folder: Path | None = None) -> Path:
    """Return the small packaged Gemma 3 270M GGUF (quick structural tests), joined on first use."""
    return local_model_path("gemma-3-270m", folder)


class ServerBackend:
    """A llama-index LLM talking to a server (OpenAI-compatible or Ollama) behind our seam."""

    def __init__(
        self,
        llm: LlamaIndexLLM,
        where: str,
        errors: tuple[type[Exception], ...],
        style: PromptStyle = "chat",
    ) -> None:
        self.llm, self.where, self.errors, self.style = llm, where, errors, style

    def complete(self, system: str, user: str) -> str:
        """Return the server's whole reply."""
        try:
            if self.style == "completion":
                return self.llm.complete(build_completion_prompt(system, user), formatted=True).text
            return self.llm.chat(self._messages(system, user)).message.content or ""
        except self.errors as exc:
            raise self._unavailable(exc) from exc

    def stream(self, system: str, user: str) -> Iterator[str]:
        """Yield the server's reply as it arrives."""
        try:
            if self.style == "completion":
                prompt = build_completion_prompt(system, user)
                parts: Iterator[Any] = self.llm.stream_complete(prompt, formatted=True)
            else:
                parts = self.llm.stream_chat(self._messages(system, user))
            for part in parts:
                if part.delta:
                    yield part.delta
        except self.errors as exc:
            raise self._unavailable(exc) from exc

    def _messages(self, system: str, user: str) -> list[Any]:
        from llama_index.core.llms import ChatMessage, MessageRole

        if self.style == "user-only":
            return [ChatMessage(role=MessageRole.USER, content=f"{system}\n\n{user}")]
        return [
            ChatMessage(role=MessageRole.SYSTEM, content=system),
            ChatMessage(role=MessageRole.USER, content=user),
        ]

    def _unavailable(self, exc: Exception) -> ModelUnavailableError:
        return ModelUnavailableError(
            f"the language model at {self.where} failed: {_first_line(exc)} — check that the "
            "server is running and that --base-url and the model name are right"
        )


class LlamaCppBackend:
    """A GGUF model run in-process by llama-cpp-python through llama-index's LlamaCPP.

    Prompts use the chat template stored in the GGUF; a GGUF without one (a base model such
    as the packaged Gemma 3 270M) gets a plain completion prompt.
    """

    def __init__(self, llm: Any, format_prompt: Callable[[str, str], str]) -> None:
        self.llm, self.format_prompt = llm, format_prompt
        self.usage: dict[str, int] = {}  # tokens_in / tokens_out of the last reply
        self._yes_no: list[list[int]] = []  # the token ids of "Yes" and "No" (`yes_odds`)

    def complete(self, system: str, user: str) -> str:
        """Return the model's whole reply."""
        return "".join(self.stream(system, user))

    def stream(self, system: str, user: str) -> Iterator[str]:
        """Yield the reply token by token as the model generates it."""
        prompt = self.format_prompt(system, user)
        model = self.llm._model
        tokens = model.tokenize(prompt.encode("utf-8"), special=True)
        # llama.cpp keeps the KV cache of the longest prefix shared with the last prompt (the
        # fixed system text) and evaluates only the rest: count both
        cached = _shared_prefix(list(model._input_ids), tokens)
        self.usage = {"tokens_in": len(tokens), "tokens_cached": cached}
        out = 0
        try:
            for part in self.llm.stream_complete(prompt, formatted=True):
                if part.delta:  # llama-cpp-python streams one token per chunk, then ""
                    out += 1
                    yield part.delta
        finally:
            self.usage["tokens_out"] = out


    def yes_odds(self, system: str, user: str) -> float:
        """Return log P(the reply opens "Yes") − log P("No"), read from one forward pass.

        Nothing is generated: the prompt is evaluated (after the KV prefix it shares with the
        last one) and the next-token logits of the spellings of the two words are compared.
        """
        import llama_cpp
        import numpy as np

        model = self.llm._model
        tokens = model.tokenize(self.format_prompt(system, user).encode("utf-8"), special=True)
        done = list(model.input_ids[: model.n_tokens])
        shared = min(_shared_prefix(done, tokens), len(tokens) - 1)  # evaluate ≥ 1 token
        self.usage = {"tokens_in": len(tokens), "tokens_cached": shared, "tokens_out": 0}
        model.n_tokens = shared
        model.eval(tokens[shared:])
        logits = np.ctypeslib.as_array(
            llama_cpp.llama_get_logits_ith(model._ctx.ctx, -1), shape=(model.n_vocab(),)
        )
        if not self._yes_no:  # the spellings' first tokens, read once per loaded model
            self._yes_no = [
                sorted({model.tokenize(s.encode("utf-8"), add_bos=False)[0]
                        for s in (word, f" {word}", word.lower())})
                for word in ("Yes", "No")
            ]
        yes, no = (np.logaddexp.reduce(logits[ids].astype(float)) for ids in self._yes_no)
        return float(yes - no)


def _shared_prefix(done: list[int], tokens: list[int]) -> int:
    """Return how many leading tokens the model has already evaluated."""
    shared = 0
    for a, b in zip(done, tokens, strict=False):
        if a != b:
            break
        shared += 1
    return shared


def _load_llamacpp(answer: AnswerSettings, index_dir: Path) -> LLM:
    try:
        from llama_index.llms.llama_cpp import LlamaCPP
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the llamacpp backend needs llama-cpp-python — install it with: {LOCAL_EXTRA} "
            "(it builds from source in about 6 minutes)"
        ) from exc
    path = answer.model_path or local_model_path(answer.local_model)
    if not path.is_file():
        raise ModelUnavailableError(f"no GGUF model at {path} — check --model-path")
    # llama.cpp's default (half the cores) unless set: spinning threads on busy cores stall
    threads = {"n_threads": answer.threads, "n_threads_batch": answer.threads}
    try:
        llm = LlamaCPP(
            model_path=str(path),
            temperature=answer.temperature,
            max_new_tokens=answer.max_tokens,
            context_window=answer.context_window,
            model_kwargs={"seed": 0, **(threads if answer.threads else {})},
            verbose=False,
        )
    except (ValueError, RuntimeError) as exc:
        raise ModelUnavailableError(f"cannot load the GGUF model {path}: {exc}") from exc
    format_prompt, stops = _prompt_format(llm._model, answer.prompt_style)
    llm.generate_kwargs["stop"] = stops  # LlamaCPP ignores per-call kwargs; set them once
    return LlamaCppBackend(llm, format_prompt)


def _prompt_format(model: Any, style: PromptStyle) -> tuple[Callable[[str, str], str], list[str]]:
    """Return a (system, user) -> prompt formatter for the GGUF, and the stop strings."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = model.metadata.get("tokenizer.chat_template")
    if not template or style == "completion":
        return build_completion_prompt, COMPLETION_STOPS
    bos = model.detokenize([model.token_bos()], special=True).decode("utf-8", "replace")
    eos = model.detokenize([model.token_eos()], special=True).decode("utf-8", "replace")
    formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)

    def format_prompt(system: str, user: str) -> str:
        messages: list[Any] = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]
        if style == "user-only":
            messages = [{"role": "user", "content": f"{system}\n\n{user}"}]
        prompt: str = formatter(messages=messages).prompt
        # llama.cpp adds BOS when it tokenizes a completion prompt; do not send it twice
        return prompt[len(bos) :] if bos and prompt.startswith(bos) else prompt

    return format_prompt, [eos]


def _load_openai(answer: AnswerSettings, index_dir: Path) -> LLM:
    if not answer.base_url:
        raise ConfigError(
            "the openai backend needs a server URL — pass --base-url http://127.0.0.1:8080/v1 "
            "or set ASSISTANT_ANSWER__BASE_URL"
        )
    try:
        import openai
        from llama_index.llms.openai_like import OpenAILike
    except ImportError as exc:
        raise ModelUnavailableError(
            "the openai backend needs llama-index-llms-openai-like — reinstall with: "
            "pip install -e ."
        ) from exc
    completion = answer.prompt_style == "completion"
    llm = OpenAILike(
        model=answer.model,
        api_base=answer.base_url,
        api_key=os.environ.get(answer.api_key_env) or "not-needed",  # local servers ignore it
        is_chat_model=not completion,
        additional_kwargs={"stop": COMPLETION_STOPS} if completion else {},
        context_window=answer.context_window,
        max_tokens=answer.max_tokens,
        temperature=answer.temperature,
        timeout=answer.timeout,
        max_retries=0,
    )
    return ServerBackend(llm, answer.base_url, (openai.OpenAIError,), answer.prompt_style)


def _load_ollama(answer: AnswerSettings, index_dir: Path) -> LLM:
    try:
        import httpx
        import ollama
        from llama_index.llms.ollama import Ollama
    except ImportError as exc:
        raise ModelUnavailableError(
            "the ollama backend needs llama-index-llms-ollama — reinstall with: pip install -e ."
        ) from exc
    url = answer.base_url or "http://127.0.0.1:11434"
    llm = Ollama(
        model=answer.model,
        base_url=url,
        temperature=answer.temperature,
        context_window=answer.context_window,  # set, so no /api/show call before each answer
        request_timeout=answer.timeout,
        additional_kwargs={
            "num_predict": answer.max_tokens,
            **({"stop": COMPLETION_STOPS} if answer.prompt_style == "completion" else {}),
        },
    )
    errors = (ollama.ResponseError, httpx.HTTPError, ConnectionError)
    return ServerBackend(llm, url, errors, answer.prompt_style)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


# One loader per LLM backend named in `config.AnswerBackend` (all but `extractive`).
LOADERS: dict[str, Callable[[AnswerSettings, Path], LLM]] = {
    "llamacpp": _load_llamacpp,
    "openai": _load_openai,
    "ollama": _load_ollama,
}
