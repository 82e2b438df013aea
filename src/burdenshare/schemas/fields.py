"""The field catalogue: every column of every bundled table, defined once.

Each :class:`~burdenshare.schemas.model.Field` gives a column's type, nullability, checks (allowed
values, pattern, bounds), unit and a one-line description. Tables (one module per source, as in
``loaders/``) take their columns from :data:`FIELDS`; where a column means something slightly
different in one table (``value`` in another unit, ``release`` as a year) the table overrides the
entry with :meth:`Field.but`, and the entry's ``differs`` says so.

Plausibility bounds. Every numeric column has bounds, and every value must be finite:

* shares in percent: 0-100; a percentage change: above -100 and at most 1000;
* money: at least 0 where the source has no negative amounts, and at most 10^16 units of its
  currency (a scale word in the unit divides that: "million US$" at most 10^10), far above any
  country's GDP in any currency, so that only garbage (1e308, a misplaced exponent) is caught;
* money per person: at most 10^9 units; counts of people: at most 10^10 persons;
* exchange rates: above 0; years: the table's range.
"""

from __future__ import annotations

import pandas as pd

from ..countries import EU_INSTITUTIONS, NATO_AGGREGATES, is_iso3, is_known_code, nato_allies
from ..currencies import is_currency
from ..editions import KIEL_RELEASE, YEAR
from .model import Bounds, ElementTest, Field

#: The largest amount of money in any unit: 10^16 units of a currency.
MONEY_CAP = 1e16
#: The largest number of people: 10^10 persons.
PERSONS_CAP = 1e10
#: The largest amount of money per person: 10^9 units of a currency.
PER_PERSON_CAP = 1e9
#: Scale words a unit may start with, and their factors.
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}

SHARE = Bounds(0, 100)
CHANGE = Bounds(-100, 1000, low_open=True)
RATE = Bounds(0, MONEY_CAP, low_open=True)
YEARS = Bounds(1949, 2100)
DATES = Bounds(pd.Timestamp("1945-01-01"), pd.Timestamp("2100-12-31"))


def scale_of(unit: str) -> float:
    """Factor of a unit's leading scale word ("million US$" -> 1e6; "EUR" -> 1)."""
    return SCALES.get(unit.split(" ", 1)[0], 1.0) if unit else 1.0


def money(unit: str, signed: bool = False) -> Bounds:
    """Bounds of an amount in ``unit``: 0 (or -cap if ``signed``) to 10^16 units / scale."""
    cap = MONEY_CAP / scale_of(unit)
    return Bounds(-cap if signed else 0, cap)


def per_person(unit: str) -> Bounds:
    """Bounds of an amount per person in ``unit``: 0 to 10^9 units / scale."""
    return Bounds(0, PER_PERSON_CAP / scale_of(unit))


def persons(unit: str) -> Bounds:
    """Bounds of a count of people in ``unit`` ("thousand persons": 0 to 10^7)."""
    return Bounds(0, PERSONS_CAP / scale_of(unit))


def bounds_of_unit(unit: str) -> Bounds | None:
    """Bounds of a value from its unit text: percentages of GDP or of spending are shares, "%
    change" is a change, an amount of money (EUR, USD, US$, currency) is money; None otherwise."""
    if unit == "% change":
        return CHANGE
    if unit.startswith("%"):
        return SHARE
    if any(word in unit for word in ("EUR", "USD", "US$", "currency")):
        return money(unit)
    return None


def _codes(special: tuple[str, ...], text: str) -> ElementTest:
    return ElementTest.each(lambda c: c in special or is_iso3(str(c)), text)


def _nato_codes(series: pd.Series) -> pd.Series:
    members = set(nato_allies()) | set(NATO_AGGREGATES)
    return series.isin(members)


def _code_list(text: object) -> bool:
    return all(is_known_code(code) for code in str(text).split(";"))


ISO3 = _codes((), "an upper-case ISO 3166-1 alpha-3 country code such as POL")
CURRENCY = ElementTest.each(is_currency, "an upper-case ISO 4217 currency code such as EUR")
PARTIAL_DATE = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
URL = r"https?://\S+"

# Kinds of column several fields share (each field below names one and says what it holds).
WEB_PAGE = Field("", "str", "", pattern=URL, expected="a web address starting with http(s)://")
PUBLISHED_DATE = Field("", "str", "", pattern=PARTIAL_DATE, expected="YYYY-MM-DD, YYYY-MM or YYYY")
DAY = Field("", "date", "", bounds=DATES)
EUR_AMOUNT = Field("", "float", "", unit="EUR", bounds=money("EUR", signed=True))
PLEDGE_ID = Field("", "str", "", pattern=r"[A-Z][0-9]{3}", expected="a pledge id such as P001")

_FIELDS = (
    # --- who and when ------------------------------------------------------------------------
    Field(
        "iso3",
        "str",
        "Country code: upper-case ISO 3166-1 alpha-3 (POL), matching the row's country name.",
        test=ISO3,
        differs="NATO tables also allow NATO_TOTAL and NATO_EUR_CAN (and only allies); Kiel "
        "tables also allow the EU institutions EU_INST, EU_EIB and EU_EPF.",
    ),
    Field("country", "str", "Country name (any common spelling); must name the row's iso3."),
    Field("donor", "str", "Donor name as Kiel writes it; must name the row's iso3."),
    Field("name", "str", "Country name as burdenshare displays it."),
    Field("year", "int", "Calendar year of the figure.", bounds=YEARS),
    Field(
        "month",
        "month",
        "Month of the flow (YYYY-MM), as the first day of that month.",
        bounds=Bounds(pd.Timestamp("2022-01-01"), pd.Timestamp("2100-12-01")),
    ),
    Field(
        "edition",
        "str",
        "NATO edition: the year NATO published the tables (four ASCII digits).",
        pattern=YEAR.pattern,
        expected=str(YEAR),
    ),
    Field(
        "release",
        "str",
        "Kiel tracker release the row comes from (R28, R29, R30, R30v2, ...).",
        pattern=KIEL_RELEASE.pattern,
        expected=str(KIEL_RELEASE),
        differs="SIPRI: the release year (four ASCII digits, e.g. 2026).",
    ),
    # --- what is measured --------------------------------------------------------------------
    Field(
        "indicator", "str", "What the row measures: one of the table's indicators (listed below)."
    ),
    Field(
        "value",
        "float",
        "The figure, in the row's unit.",
        bounds=Bounds(-MONEY_CAP, MONEY_CAP),
        differs="Long tables (NATO, SIPRI): bounds follow the row's indicator; Kiel tables: "
        "bounds follow the row's unit (money >= 0, % of GDP 0-100); donor GDP: billion EUR > 0; "
        "heavy weapons: EUR; targets and mechanisms: in the row's unit.",
    ),
    Field("unit", "str", "Unit of the row's value, exactly as the table lists it."),
    Field(
        "prices",
        "str",
        "Price basis of a money figure: current or constant prices.",
        allowed=("current", "constant"),
    ),
    Field(
        "price_base_year",
        "int",
        "Base year of constant prices; empty for current prices and non-money figures.",
        nullable=True,
        bounds=YEARS,
    ),
    Field(
        "currency",
        "str",
        "ISO 4217 code of the row's money (the country's own currency for national-currency "
        "figures); empty where the value is not money.",
        nullable=True,
        test=CURRENCY,
        differs="Pledges: the currency of the announcement (any).",
    ),
    Field("estimate", "bool", "True where the publisher marks the figure as an estimate."),
    Field(
        "definition",
        "str",
        "NATO's definition: defence expenditure, or core defence expenditure (from 2026).",
        allowed=("defence expenditure", "core defence expenditure"),
    ),
    Field("aggregate", "bool", "True exactly for the NATO aggregates NATO_TOTAL, NATO_EUR_CAN."),
    Field("note", "str", "Free-text note on the row.", nullable=True),
    # --- Kiel tracker ------------------------------------------------------------------------
    Field("eu_member", "bool", "True for an EU member state (Kiel's flag)."),
    Field(
        "measure",
        "str",
        "Kind of flow: allocation (delivered or earmarked, dated at announcement), commitment "
        "(promised), disbursement (paid).",
        differs="Opinion: the survey measure (question), free text.",
    ),
    Field(
        "aid_type",
        "str",
        "Type of aid: military, financial, humanitarian, or total.",
        differs="Pledges and headlines: as the source words it.",
    ),
    Field(
        "scope",
        "str",
        "bilateral (the donor's own aid), eu_share (its share of EU-institution aid) or "
        "bilateral_plus_eu_share; never add rows of different scopes.",
        allowed=("bilateral", "eu_share", "bilateral_plus_eu_share"),
        differs="Restrictions: what the status covers, free text.",
    ),
    Field("zero_may_be_blank", "bool", "True on a 0 the extraction may have written for a blank."),
    Field("source_column", "str", "Column of Kiel's file the value comes from.", nullable=True),
    Field("source_file", "str", "Kiel file the value comes from.", nullable=True),
    Field("donor_group", "str", "Group of donors the figure covers (ALL_DONORS: every donor)."),
    Field(
        "military_source",
        "str",
        "How military aid was sourced; empty for totals (never add split rows to totals).",
        nullable=True,
        allowed=("stockpile", "procurement", "unspecified", "nato_purl"),
    ),
    Field("row", "int", "Row number in Kiel's item sheet.", bounds=Bounds(1, 10_000_000)),
    Field(
        "announcement_date",
        "date",
        "Day the item was announced (YYYY-MM-DD); empty if Kiel gives none.",
        nullable=True,
        bounds=Bounds(pd.Timestamp("2022-01-01"), pd.Timestamp("2100-12-31")),
    ),
    EUR_AMOUNT.named("value_eur", "Value of the sub-activity."),
    EUR_AMOUNT.named("value_eur_redistributed", "Value after Kiel spreads EU items over members."),
    EUR_AMOUNT.named("activity_value_eur", "Value of the whole activity the item belongs to."),
    Field("month_index", "int", "Kiel's month counter (1 = January 2022).", bounds=Bounds(0, 1200)),
    Field("month_exists", "bool", "True where Kiel dates the item to a month."),
    Field(
        "category",
        "str",
        "Heavy-weapon category.",
        allowed=("Howitzers", "Tanks", "Air Defense", "IFV", "MLRS"),
    ),
    Field("number", "int", "Number of weapons.", bounds=Bounds(0, 10_000_000)),
    Field("weapons_list", "str", "Kiel's list of systems with counts.", nullable=True),
    Field("gdp_year", "int", "Year of the GDP figure.", bounds=Bounds(2000, 2100)),
    DAY.named("release_published", "Day the release was published (if known).", nullable=True),
    Field(
        "data_through",
        "date",
        "Last day of data the figure covers.",
        bounds=Bounds(pd.Timestamp("2022-01-24"), pd.Timestamp("2100-12-31")),
    ),
    Field("period", "str", "Period the figure covers, as the source states it."),
    Field("statement", "str", "The source's statement, paraphrased.", nullable=True),
    # --- sources and dates of the compiled tables ---------------------------------------------
    WEB_PAGE.named("source_url", "Web page the row's facts come from."),
    WEB_PAGE.named("second_source_url", "A second page reporting the same facts.", nullable=True),
    WEB_PAGE.named("cross_check_url", "A page used to cross-check the row.", nullable=True),
    PUBLISHED_DATE.named(
        "date",
        "Date as published: YYYY-MM-DD, YYYY-MM or YYYY.",
        differs="Targets: the summit day, a full date.",
    ),
    Field(
        "date_precision",
        "str",
        "Precision of the published date.",
        allowed=("day", "month", "year"),
        differs="Opinion: also 'mixed' (start and end differ in precision).",
    ),
    DAY.named("date_from", "First day of the published date's period."),
    DAY.named("date_to", "Last day of the published date's period."),
    Field("description", "str", "What the row is, in a few words."),
    # --- pledges -----------------------------------------------------------------------------
    PLEDGE_ID.named("pledge_id", "Identifier of the pledge row (P001)."),
    PLEDGE_ID.named(
        "alternative_to", "Pledge this row is another outlet's figure for.", nullable=True
    ),
    PLEDGE_ID.named("part_of", "Package this row is a share of.", nullable=True),
    Field(
        "donor_codes",
        "str",
        "Codes of the donors, separated by ';' (DNK;NOR;SWE); empty for open groups.",
        nullable=True,
        test=ElementTest.each(_code_list, "country codes separated by ';' such as DNK;NOR;SWE"),
    ),
    Field(
        "amount",
        "float",
        "Amount as announced, in the row's scale and currency.",
        bounds=money("million"),
    ),
    Field("scale", "str", "Scale of the amount.", allowed=("million", "billion")),
    Field(
        "amount_usd_reported",
        "float",
        "US$ figure the source gave (same scale); empty if none.",
        nullable=True,
        bounds=money("million"),
    ),
    Field("channel", "str", "Channel or mechanism of the pledge."),
    Field("kind", "str", "pledge or disbursement.", allowed=("pledge", "disbursement")),
    # --- exchange rates ----------------------------------------------------------------------
    Field(
        "rate",
        "float",
        "Units of the currency per 1 EUR (annual mean of ECB daily rates).",
        bounds=RATE,
    ),
    Field(
        "n_daily_obs",
        "int",
        "Number of daily rates averaged.",
        nullable=True,
        bounds=Bounds(0, 366),
    ),
    # --- purchasing power parities (World Bank) -----------------------------------------------
    Field(
        "vintage",
        "date",
        "Day the World Bank last updated the copy the value was read from (WDI 'Last Updated').",
        bounds=Bounds(pd.Timestamp("2000-01-01"), pd.Timestamp("2100-12-31")),
    ),
    Field(
        "copy",
        "str",
        "primary: the one value per country, year and indicator to use; disagreeing: an earlier "
        "copy's value where it differs (its own vintage, or another unit: Bulgaria in BGN).",
        allowed=("primary", "disagreeing"),
    ),
    Field("source_copy", "str", "The copy the value was read from: repository/path@commit."),
    # --- opinion polls -----------------------------------------------------------------------
    Field("poll_id", "str", "Identifier of the poll wave."),
    Field("pollster", "str", "Polling organisation."),
    Field("commissioned_by", "str", "Who commissioned or funded the poll.", nullable=True),
    PUBLISHED_DATE.named("fieldwork_start", "First fieldwork day as published.", nullable=True),
    PUBLISHED_DATE.named("fieldwork_end", "Last fieldwork day as published.", nullable=True),
    DAY.named("fieldwork_from", "First day of the stated fieldwork period.", nullable=True),
    DAY.named("fieldwork_to", "Last day of the stated fieldwork period.", nullable=True),
    PUBLISHED_DATE.named("published", "Publication date as published."),
    Field("question_paraphrase", "str", "The question, in our words."),
    Field("answer_option", "str", "The answer the share refers to."),
    Field(
        "base",
        "str",
        "Whom the share is of: all respondents, likely voters, or not stated.",
        allowed=("all_respondents", "likely_voters", "not_stated"),
    ),
    Field("base_as_published", "str", "The base in the pollster's words."),
    Field(
        "share_pct",
        "float",
        "Share of the base giving the answer.",
        unit="% of the base",
        bounds=SHARE,
    ),
    Field(
        "sample_size",
        "int",
        "Number of respondents.",
        nullable=True,
        bounds=Bounds(0, PERSONS_CAP, low_open=True),
    ),
    Field("mode", "str", "Interview mode.", nullable=True),
    Field(
        "margin_of_error_pct",
        "float",
        "Stated margin of error.",
        unit="percentage points",
        nullable=True,
        bounds=SHARE,
    ),
    # --- restrictions and mechanisms ---------------------------------------------------------
    Field("weapon_system", "str", "Weapon system the status covers."),
    Field(
        "covers",
        "str",
        "Narrower weapon_system values of the same country that this category includes, "
        "separated by ';' (a later decision on this category supersedes earlier ones on them).",
        nullable=True,
    ),
    Field(
        "status",
        "str",
        "Reported status of use against targets in Russia.",
        allowed=("restricted", "partially allowed", "allowed", "not supplied"),
    ),
    Field("date_basis", "str", "What the date refers to (statement, report, delivery)."),
    Field("decision_by", "str", "Who decided.", nullable=True),
    Field(
        "fact_id",
        "str",
        "Identifier of the fact (NSATU-01).",
        pattern=r"[A-Z]+-[A-Z0-9]+",
        expected="an id such as NSATU-01",
    ),
    Field("institution", "str", "Mechanism or institution the fact is about."),
    Field("fact_type", "str", "Kind of fact (announced, operational, meeting, ...)."),
    Field("location", "str", "Where it is or happened.", nullable=True),
    Field("chair_or_lead", "str", "Who chairs or leads it.", nullable=True),
    # --- Ukraine Defense Contact Group meetings -----------------------------------------------
    Field(
        "meeting_no",
        "int",
        "Number of the meeting as official statements count them; empty for one not held.",
        nullable=True,
        bounds=Bounds(1, 1000),
    ),
    Field(
        "report",
        "str",
        "meeting: the meeting's main row; alternative date / alternative format: a source that "
        "disagrees with it; not held: a planned meeting called off.",
        allowed=("meeting", "alternative date", "alternative format", "not held"),
    ),
    Field(
        "meeting_format",
        "str",
        "How the meeting was held.",
        allowed=("in-person", "virtual", "hybrid"),
    ),
    Field("outcome", "str", "What the meeting agreed or announced, paraphrased.", nullable=True),
    Field(
        "post_meeting_report",
        "bool",
        "A report after the meeting was found (False: announcements and previews only); empty "
        "on rows other than a meeting's main row.",
        nullable=True,
    ),
    Field("source_title", "str", "Title of the source page (or a description where not shown)."),
    PUBLISHED_DATE.named(
        "source_date", "Publication date of the source page as shown.", nullable=True
    ),
    # --- targets -----------------------------------------------------------------------------
    Field(
        "target_id",
        "str",
        "Identifier of the commitment (wales_2pct).",
        pattern=r"[a-z0-9_]+",
        expected="lower-case letters, digits and _",
    ),
    Field("summit", "str", "Summit that agreed the commitment."),
    Field(
        "bound",
        "str",
        "How the value binds.",
        nullable=True,
        allowed=("at least", "up to", "exactly"),
    ),
    Field("measured_by", "str", "Indicator the commitment is measured by.", nullable=True),
    Field("target_year", "str", "Year (or period) by which to meet it.", nullable=True),
    Field("text_as_published", "str", "The commitment's wording as published."),
    # --- countries ---------------------------------------------------------------------------
    DAY.named(
        "nato_accession",
        "Day the ally deposited its instrument of accession (founders: 1949-04-04).",
        nullable=True,
    ),
    DAY.named("eu_accession", "Day the state joined the EU.", nullable=True),
    DAY.named("eu_exit", "Day the state left the EU.", nullable=True),
)

#: Every column by name (the catalogue).
FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}

#: Overrides used by several tables.
NATO_ISO3 = FIELDS["iso3"].but(
    test=ElementTest(_nato_codes, "an ally's upper-case ISO3 code, NATO_TOTAL or NATO_EUR_CAN")
)
DONOR_ISO3 = FIELDS["iso3"].but(
    test=_codes(EU_INSTITUTIONS, "an upper-case ISO3 code, or EU_INST, EU_EIB, EU_EPF")
)
YEAR_RELEASE = FIELDS["release"].but(
    description="SIPRI release: the year SIPRI published it (four ASCII digits).",
    pattern=YEAR.pattern,
    expected=str(YEAR),
)
