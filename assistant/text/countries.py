"""Country names as news writes them: the one list `answer` reads when a question asks "which
country". Short forms first-class ("Britain", "the US" is `U.S.`/`US` and handled as an acronym
elsewhere); official long forms are left out on purpose — articles rarely write them."""

from __future__ import annotations

import re

COUNTRIES: frozenset[str] = frozenset(
    """
    Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|Azerbaijan|
    Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia|
    Botswana|Brazil|Britain|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|
    Cape Verde|Chile|China|Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|
    Czech Republic|Czechia|Denmark|Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|
    El Salvador|England|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|
    Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guyana|Haiti|Honduras|
    Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|Jamaica|Japan|
    Jordan|Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|
    Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|
    Malta|Mauritania|Mauritius|Mexico|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|
    Myanmar|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|
    North Macedonia|Northern Ireland|Norway|Oman|Pakistan|Palau|Palestine|Panama|
    Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Romania|Russia|Rwanda|
    Samoa|San Marino|Saudi Arabia|Scotland|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|
    Slovakia|Slovenia|Somalia|South Africa|South Korea|South Sudan|Spain|Sri Lanka|Sudan|
    Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|
    Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|
    United Arab Emirates|United Kingdom|United States|Uruguay|Uzbekistan|Vanuatu|Venezuela|
    Vietnam|Wales|Yemen|Zambia|Zimbabwe
    """.replace("\n", "").replace(" " * 4, "").split("|")
)

COUNTRY_NAMES = "|".join(sorted((re.escape(c) for c in COUNTRIES), key=len, reverse=True))
"""The country names as one regex alternation, longest first, for patterns that add to them."""

COUNTRY = re.compile(rf"\b({COUNTRY_NAMES})\b")
"""A country's name in running text, longest first ("South Korea" before "Korea")."""

# Demonyms whose first four letters are not their country's: "French", "Dutch", "American".
_IRREGULAR = frozenset({
    "American", "Dutch", "French", "Swiss", "Welsh", "Irish", "Danish", "Finnish", "Polish",
    "Spanish", "Filipino", "Emirati", "Kiwi", "Icelandic", "Slovak", "Slovenian", "Lao", "Burmese",
    "Cypriot", "Luxembourgish", "Monegasque",
})
_PREFIXES = frozenset(country.split()[0][:4] for country in COUNTRIES)
# Regions that share a country's first letters (North Korea, South Africa): "Southern European".
_REGION_FIRST = frozenset({"Northern", "Southern"})


def is_demonym(word: str) -> bool:
    """Return True when a word ending like a demonym ("Colombian", "North Korean") is a
    country's: its first word shares its first four letters with a country's name, or it is an
    irregular one ("French"). "Morgan", "Republican", "Latin American", "West African" are not."""
    first = word.split()[0]
    return first in _IRREGULAR or (first[:4] in _PREFIXES and first not in _REGION_FIRST)
