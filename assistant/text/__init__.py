"""Language knowledge, once: sentences, words, dates, outlets and names, for every package to use.

The floor of the package: it imports nothing from `assistant` itself, so ingest, retrieval,
answers and chat may all build on it.
"""

from assistant.text.countries import COUNTRIES, COUNTRY, COUNTRY_NAMES, is_demonym
from assistant.text.dates import CALENDAR_WORDS, MONTH_NAME, DateMention, find_dates
from assistant.text.names import FUNCTION_WORDS, METONYMS, NOT_NAME_WORDS, name_runs
from assistant.text.outlets import OutletMention, find_outlets, outlet_aliases
from assistant.text.sentences import Sentence, sentence_texts, split_sentences
from assistant.text.words import content_words, overlap, tokenize

__all__ = [
    "CALENDAR_WORDS",
    "COUNTRIES",
    "COUNTRY",
    "COUNTRY_NAMES",
    "FUNCTION_WORDS",
    "METONYMS",
    "MONTH_NAME",
    "NOT_NAME_WORDS",
    "DateMention",
    "OutletMention",
    "Sentence",
    "content_words",
    "find_dates",
    "find_outlets",
    "is_demonym",
    "name_runs",
    "outlet_aliases",
    "overlap",
    "sentence_texts",
    "split_sentences",
    "tokenize",
]
