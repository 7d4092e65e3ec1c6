"""The LLM answerer: backends, prompts over the extractive evidence, checked generation."""
