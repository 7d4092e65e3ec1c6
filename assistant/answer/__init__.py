"""Turn retrieved passages into an Answer: the face of the answer package.

Two answerers sit behind one seam (`answerers.answerer_for`): `extractive/` (the default) and
`llm/` (a local or remote model reading the extractive evidence). Both read one `Query`.
"""

from assistant.answer.extractive import answer_extractively
from assistant.answer.extractive.sentences import Encode
from assistant.answer.query import Query
from assistant.answer.refusal import NO_ANSWER, is_instruction, refuse

__all__ = ["NO_ANSWER", "Encode", "Query", "answer_extractively", "is_instruction", "refuse"]
