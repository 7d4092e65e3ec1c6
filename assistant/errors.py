"""The short error hierarchy: every expected failure says what happened and what to do next."""


class AssistantError(Exception):
    """Base for failures the CLI and UI report as `Error: …` without a traceback."""


class IndexNotFoundError(AssistantError):
    """No index where Settings.index_dir points."""


class EmptyIndexError(AssistantError):
    """The index exists but holds no articles."""


class ModelUnavailableError(AssistantError):
    """A model (embedder, cross-encoder, LLM) cannot be loaded offline."""


class ConfigError(AssistantError):
    """Settings that contradict each other or the index on disk."""


class InputError(AssistantError):
    """Input files or folders that cannot be ingested at all."""


class IndexBusyError(AssistantError):
    """Another process is writing to the index."""
