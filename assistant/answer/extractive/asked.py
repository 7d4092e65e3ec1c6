"""What a question asks for: the answer type it names, and what that answer must be about.

"How many jobs is ASOS cutting?" asks for a count of jobs; "what annual salary did …" for money
that is a salary; "which country's presidential race" for the name owning the race; "how much
… per year" for an amount given per year. `answer_type` reads it from the question's words; how
a sentence is searched for such an answer is `entities.AnswerType`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answer.extractive.entities import AnswerType
from assistant.answer.extractive.patterns import rate_of
from assistant.text import content_words

_PERSON_NOUNS = (
    r"person|people|individual|general|official|officials|leader|leaders|president|"
    r"minister|secretary|senator|governor|mayor|executive|ceo|founder|chief|player|"
    r"coach|commander|spokesperson|spokesman|spokeswoman|judge|author|journalist|"
    r"reporter|actor|actress|singer|star|ambassador|director|manager|lawmaker|scientists?|"
    r"researchers?|economists?|analysts?|lawyers?|attorneys?|prosecutors?|activists?|artists?|"
    r"writers?|engineers?|investors?|chairman|chairwoman|owner|captain|striker|midfielder|"
    r"defender|goalkeeper|quarterback|receiver|pitcher|rapper|musician|producer|filmmaker|"
    r"candidates?|politicians?|doctors?|professors?|footballer|athletes?|boxer|driver|winner|"
    r"founders|ceos|rival|opponent|suspect|victim|hostage|billionaire|entrepreneur|model"
)
_AUXILIARIES = r"(?:do|does|did|is|are|was|were|has|have|had|can|could|will|would|should|may|might)"
_PLACE_NOUNS = (
    r"city|cities|town|towns|village|villages|region|regions|province|provinces|capital|"
    r"islands?|county|counties|districts?|suburbs?|neighbou?rhoods?|ports?"
)
_COUNTRY_NOUNS = r"country|countries|nation|nations|state|states"

# What an amount of money is called: "how much operating profit", "what is the budget".
_MONEY_NOUNS = (
    r"price|cost|valuation|fine|salary|revenue|budget|fee|bail|settlement|penalty|funding|money|"
    r"cash|profit|profits|loss|losses|income|earnings|debt|advance|royalty|royalties|bonus|prize|"
    r"donation|grant|payment|payout|compensation|damages|wage|wages|rent|tuition|sum|value"
)
# What is measured, not priced: "how much office space", "how much electricity".
_MEASURED_NOUNS = (
    r"space|area|land|floor|water|energy|power|electricity|oil|gas|fuel|rain|rainfall|snow|"
    r"data|storage|memory|weight|territory|capacity|carbon|emissions|food|grain|wheat|ammunition"
)
_ORG_NOUNS = (
    r"company|companies|firm|firms|startup|startups|agency|agencies|club|clubs|team|teams|brand|"
    r"brands|network|studio|studios|bank|banks|publisher|broadcaster|airline|automaker|carrier|"
    r"retailer|platform|app|organi[sz]ation|university|label|band|charity"
)
# "which North Korean general": up to two modifiers, but not "what do US officials …"
_WHICH = rf"\b(?:which|what)\s+(?:(?!{_AUXILIARIES}\b)\w+\s+){{0,2}}?"
# A money noun that ends its noun phrase: "what annual salary did", not "what payment method".
_NOUN_ENDS = (
    rf"(?=\s+(?:{_AUXILIARIES}|be|to|for|of|on|in|from|at|that|the|his|her|its|their)\b|\s*[?,]|\s*$)"
)
# The first rule whose pattern matches the lower-cased question names the answer type.
_TYPE_RULES = [
    (re.compile(pattern), AnswerType(name, tied))
    for pattern, name, tied in (
        # "how much later / longer", "by how much … delay": time, not an amount of money
        # "how fast did it sell out" is a span of time; "how fast is his shot" a speed (below)
        (r"\bhow long\b|\bhow (?:quickly|fast)\b(?!\s+(?:is|are|was|were)\b)|"
         r"\bhow much (?:more )?(?:(?:prison|jail) )?(?:time|later|longer|earlier|sooner)\b|"
         r"\bby how much\b.*\bdelay", "duration", False),
        (r"\bwhat (?:percent(?:age)?|share|proportion|fraction)\b|\bhow much\b.*\bpercent",
         "percent", True),
        (rf"\bwhat (?:is|was|were|are|will be) (?:the |its |his |her |their )?(?:[\w-]+ )?"
         rf"(?:{_MONEY_NOUNS})\b|"
         # "what was The Epoch Times' revenue", "what is Apple's market value"
         rf"\bwhat (?:is|was|were|are|will be) (?:the )?(?:[\w.&-]+ ){{0,3}}[\w.&-]+(?:['’]s?) "
         rf"(?:[\w-]+ )?(?:{_MONEY_NOUNS})\b(?!\s+as an? (?:share|percent|proportion|ratio))|"
         r"^\s*what (?:did|does|do|will|would) (?:[\w.’'&-]+ ){1,6}(?:cost|sell for|fetch)\b|"
         r"\bwhat (?:salary|price|fee)\b|\bhow (?:much|big|large) (?:an? )?"
         rf"(?:[\w-]+ )?(?:{_MONEY_NOUNS})\b|"
         r"\bhow much (?:[\w'’-]+ ){0,6}(?:cost(?:s|ing)?|pay(?:s|ing)?|paid|rais(?:e|es|ed|ing)|"
         r"worth|spen(?:d|ds|t|ding)|earn(?:s|ed|ing)?|charg(?:e|es|ed|ing)|sell(?:s|ing)?|sold|"
         r"owe[sd]?|owing|invest(?:s|ed|ing)?|fund(?:s|ed|ing)?|fine[sd]?|borrow(?:s|ed|ing)?|"
         r"valued?)\b", "money", True),
        (rf"\bhow (?:big|large|high) (?:is|was|were|are) (?:[\w'’-]+ ){{0,4}}(?:{_MONEY_NOUNS})\b",
         "money", True),  # "how big were ASOS's pre-tax losses"
        # "how much floor space", "how much rain": a measured quantity, not money or a share
        (rf"\bhow much (?:[a-z-]+ ){{0,2}}?(?:{_MEASURED_NOUNS})\b", "number", True),
        (r"\bhow much\b|\b(?:up to |to )?what (?:amount|sum)\b", "amount", True),
        # "What is Antony Blinken's job?", "What position did Can Sun hold?" (not a role played)
        (r"\bwhat (?:is|was|are|were|will be) (?:[\w.’'-]+\s){0,4}?"
         r"(?:job|title|position|post)\b(?!\s+of\b)|"
         r"\bwhat (?:is|was) (?:[\w.’'-]+\s){0,4}?role\b(?!.*\bplay)|"
         r"\bwhat (?:new )?(?:job|title|position|post)s? (?:does|did|do|is|was|has|had|will)\b",
         "role", False),
        (r"\bhow many\b|\bwhat number\b", "count", True),
        (r"\bhow (?:far|old|fast)\b", "number", True),
        (r"\bwhat (?:is|was|were) the (?:[\w-]+ )?(?:attendance|turnout|population|death toll)\b",
         "count", True),
        (rf"{_WHICH}(?:date|day)\b", "day", True),  # "on what date": a day, not "in July"
        (rf"{_WHICH}(?:year|month)\b", "date", True),
        (rf"{_WHICH}deadline\b|\bby when\b", "when", False),  # "by what deadline": "January 20th"
        (r"^\s*when\b", "when", False),
        (rf"{_WHICH}(?:{_PLACE_NOUNS})\b", "place", True),
        (rf"{_WHICH}(?:{_COUNTRY_NOUNS})\b", "country", True),
        (r"^\s*where\b", "where", False),
        (rf"{_WHICH}(?:{_ORG_NOUNS})\b", "organization", False),
        (rf"{_WHICH}(?:{_PERSON_NOUNS})\b", "person", True),
        # After the names: "what annual salary", "what net income" (not "which firm paid fines")
        (rf"(?:{_WHICH}|\bwhat (?:will|would) (?:the |its |his |her |their )?(?:[\w-]+ )?)"
         rf"(?:{_MONEY_NOUNS}){_NOUN_ENDS}", "money", True),
        (rf"{_WHICH}(?:stake|discount|markup)\b", "percent", True),
        (rf"\bwhat (?:is|was|were) the (?:[\w-]+ )?scores?\b|{_WHICH}scores?\b", "score", True),
        (r"\bwhat (?:is|was|were|are) the (?:[\w-]+ )?number of\b", "count", True),
        # "Who is the chief technology officer of X?": a person's name, tied to the role
        (rf"^\s*who\s+(?:is|was|are|were|will be|has been)\s+(?:the\s+)?(?:new\s+|current\s+|"
         rf"former\s+|interim\s+)?(?:[\w-]+\s+){{0,2}}?(?:{_PERSON_NOUNS}|officer|head|chair)\s+"
         r"(?:of|at|for)\b", "person", True),
        (r"^\s*who\b", "who", False),
        (r"^\s*whose\b", "who", False),  # "whose campaign …?": the owner (`_OWNED`)
        (r"^\s*(?:in|at|from|to|into|near) (?:which|what)\b", "where", False),  # "in which kibbutz"
    )
]


# The counted noun phrase: words after "how many" up to a verb, auxiliary or determiner.
_NOT_HEAD = rf"(?:{_AUXILIARIES}|the|a|an|of|in|on|at|for|to|by|with|from|\w+ed|\w+ing)\b"
# Up to four words, with "u.s." and "women's" whole: "how many women's super league titles".
_COUNTED = re.compile(
    rf"\b(?:how many|number of)\s+(?:[a-z]+(?:ing|ed)\s+)?((?:(?!{_NOT_HEAD})[a-z][\w.’'-]*\s*)"
    r"{1,4})"
)
_PRICED = re.compile(
    rf"\bhow much (?:in\s+)?((?:(?!{_AUXILIARIES}\b|money\b|cash\b)[a-z][\w-]*\s*){{1,2}})"
    rf"(?={_AUXILIARIES}\b)|\bwhat (?:is|was|were|are|will be) (?:the |its |his |her |their )?"
    rf"((?:[\w-]+ )?(?:{_MONEY_NOUNS}))\b|\bwhat (salary|price|fee)\b|"
    rf"\bhow (?:big|large) (?:an? )?((?:[\w-]+ )?(?:{_MONEY_NOUNS}))\b|"
    rf"{_WHICH}((?:[\w-]+ )?(?:{_MONEY_NOUNS}))\b|"
    rf"\bhow (?:big|large|high) (?:is|was|were|are) (?:[\w'’-]+ ){{0,4}}?((?:[\w-]+ )?"
    rf"(?:{_MONEY_NOUNS}))\b"
)
# Heads that any counted thing may be ("how many people" is answered by "9,000 visitors").
_GENERIC_HEADS = content_words(
    "people persons individuals times things items ones total number sum amount"
)
# Words that name the same amount: a head from one group is found by any word of it.
_SAME_HEAD = [
    content_words(words)
    for words in (
        "price prices priced cost costs costing tag",
        "salary salaries pay paid wage wages earn earns earned earnings contract",
        "revenue revenues sales turnover",
        "profit profits income earnings",
        "loss losses lost",
        "royalty royalties",
        "fine fines fined penalty penalties",
        "funding raise raised round invest invested investment",
        "valuation valued value worth",
        "damages compensation payout settlement",
        "workers employees staff jobs people",
        "troops soldiers forces servicemen fighters personnel",
        "visitors attendees spectators fans crowd attendance",
        "lawsuits suits cases claims complaints",
        "doctors physicians clinicians",
        "companies firms startups businesses",
        "stores shops outlets branches",
        "organizations organisations groups associations members",
    )
]
_HEADS = {"count": _COUNTED, "money": _PRICED, "amount": _PRICED}
# "How fast is his shot in miles per hour?", "how big … in square metres": the unit asked in.
_IN_UNIT = re.compile(
    r"\b(?:in|by) (?:square |cubic )?(miles?|kilomet(?:er|re)s?|km|mph|met(?:er|re)s?|feet|foot|"
    r"inches|centimet(?:er|re)s?|pounds|kilograms?|kilos|kg|tons?|tonnes?|degrees|acres|hectares|"
    r"gallons|lit(?:er|re)s|barrels|knots|watts|megawatts|gigawatts)\b"
)


# "Which country's presidential race …?", "whose campaign …?": the word after the possessive.
_OWNED = re.compile(
    rf"\b(?:(?:which|what)\s+(?:[\w-]+\s+){{0,2}}?(?:{_PLACE_NOUNS}|{_COUNTRY_NOUNS}|{_ORG_NOUNS}|"
    rf"{_PERSON_NOUNS})['’]s|whose)\s+([a-z][\w-]+)"
)
# "A court in which city …?": the noun the asked-for place is attached to.
_OWNED_BEFORE = re.compile(r"\b([a-z][\w-]{2,})\s+(?:in|at|from)\s+(?:which|what)\b")
_OWNER_TYPES = ("place", "country", "where", "organization", "person", "who")


# "What does Raul Arbelaez do at IIHS?", "What did Jane Doe do for a living?": a person's job.
_DOES_FOR_WORK = re.compile(
    r"^\s*(?i:what) (?i:does|did) [A-Z][\w’'-]+ [A-Z][\w’'-]+ do(?: for a living| at [^?]+)?"
    r"\s*\??\s*$"
)


def answer_type(question: str) -> AnswerType | None:
    """Return the answer type a question names, or None when it names none."""
    q = re.sub(r"\bwhat['’]s\b", "what is", question.lower())
    if _DOES_FOR_WORK.match(question):  # read before lower-casing: the person's name
        return AnswerType("role", False)
    found = next((kind for pattern, kind in _TYPE_RULES if pattern.search(q)), None)
    owned = _OWNED_BEFORE.search(q) or _OWNED.search(q)
    if found is not None and found.name in _OWNER_TYPES and owned is not None:
        found = replace(found, owned=owned.group(1))
    if found is not None and found.name in ("money", "amount") and (rate := rate_of(q)):
        found = replace(found, rate=rate)
    if found is not None and found.name in ("count", "number", "amount") and (
        unit := _IN_UNIT.search(q)
    ):
        found = replace(found, unit=frozenset(content_words(unit.group(1))))
    head = _HEADS[found.name].search(q) if found is not None and found.name in _HEADS else None
    if found is None or head is None:
        return found
    named = " ".join(_head_noun(group) for group in head.groups() if group)
    words = content_words(named) - _GENERIC_HEADS
    for group in _SAME_HEAD:  # "what price" is answered by "will cost $48 million"
        if words & group:
            words |= group
    counted = ""
    if found.name == "count" and head.group(1):  # as the question writes it: "Snap Map stories"
        written = re.search(re.escape(head.group(1).strip()), question, re.I)
        counted = written.group() if written else head.group(1).strip()
    return replace(found, head=frozenset(words), counted=counted)


def _head_noun(group: str) -> str:
    """Return what is priced: "annual salary" is a salary, "pre-tax losses" are losses."""
    last = group.split()[-1] if group.split() else group
    return last if re.fullmatch(_MONEY_NOUNS, last) else group
