"""Support loaders against figures the publishers (and reports of them) printed.

Figures come from the cross-check tables of ../shared/sources/{support,fx,opinion,pledges,
institutions,restrictions}/SOURCES.md (Kiel press releases and news reports of them, ECB rates,
pollster releases). Each is compared at the precision it was printed with.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import countries
from tests import bundled_rows, write_csv

# Donors of the Kiel tracker outside Europe (the rest, plus EU institutions, is "Europe").
NON_EUROPEAN = {"USA", "CAN", "AUS", "JPN", "KOR", "NZL", "CHN", "IND", "TWN"}


def one(frame: pd.DataFrame, **where: object) -> float:
    rows = frame
    for column, wanted in where.items():
        rows = rows[rows[column] == wanted]
    assert len(rows) == 1, f"expected one row for {where}, got {len(rows)}"
    return float(rows["value"].iloc[0])


def bilateral(frame: pd.DataFrame, iso3: str, aid_type: str, measure="allocation") -> float:
    return one(frame, iso3=iso3, aid_type=aid_type, measure=measure, scope="bilateral")


def monthly_sum(frame: pd.DataFrame, start: str, end: str) -> float:
    inside = frame[(frame["month"] >= start) & (frame["month"] <= end)]
    return float(inside["value"].sum())


def headline(donor_group: str, period: str, aid_type: str, data_through: str) -> float:
    table = bs.load_support_headlines()
    rows = table[
        (table["donor_group"] == donor_group)
        & (table["period"] == period)
        & (table["aid_type"] == aid_type)
        & (table["data_through"] == pd.Timestamp(data_through))
    ]
    assert len(rows) == 1
    return float(rows["value"].iloc[0])


# --- release labels and "latest" --------------------------------------------------------------


def test_latest_is_defined_per_currency():
    assert bs.latest_support_release("EUR") == "R30"
    assert bs.latest_support_release("USD") == "R30v2"
    assert set(bs.load_support()["release"]) == {"R30"}
    assert set(bs.load_support(currency="USD")["release"]) == {"R30v2"}


def test_eu_institutions_keep_their_codes():
    codes = set(bs.load_support("all", currency=None)["iso3"]) | set(
        bs.load_support_items()["iso3"]
    )
    assert {"EU_INST", "EU_EIB", "EU_EPF"} <= codes
    for code in codes:
        assert code in countries.SPECIAL_CODES or countries.is_known_code(code)
        assert not (code.startswith("EU") and len(code) == 3)


# --- Kiel totals against Kiel press figures ----------------------------------------------------


@pytest.mark.parametrize("release", ["R28", "R30"])
def test_us_total_bilateral_allocations_115_4_bn(release):
    # Kiel press (data to Feb 2025): "115 billion from the US"; R28 115.3806
    value = bilateral(bs.load_support(release), "USA", "total")
    assert round(value, 1) == 115.4
    assert round(value) == headline("United States", "2022-01-24 to 2025-02", "total", "2025-02-28")


@pytest.mark.parametrize("release", ["R28", "R30"])
def test_us_military_allocations_64_6_bn(release):
    # press of 12 Aug 2025: "US total of EUR 64.6 billion"
    value = bilateral(bs.load_support(release), "USA", "military")
    assert round(value, 1) == 64.6
    assert round(value, 1) == headline(
        "United States", "2022-02 to 2025-06", "military", "2025-06-30"
    )


def test_items_add_up_to_the_country_summary_for_us_military():
    items = bs.load_support_items()
    us = items[(items.iso3 == "USA") & (items.measure == "allocation")]
    total = us.loc[us.aid_type == "military", "value_eur"].sum() / 1e9
    assert round(total, 3) == round(bilateral(bs.load_support("R28"), "USA", "military"), 3)


def test_purl_funded_military_aid_through_august_2025_is_1_9_bn():
    totals = bs.load_support_monthly_totals()
    purl = totals[totals["military_source"] == "nato_purl"]
    assert monthly_sum(purl, "2025-07-01", "2025-07-01") == 0
    assert round(one(purl, month=pd.Timestamp("2025-08-01")), 3) == 1.883
    through_august = monthly_sum(purl, "2022-01-01", "2025-08-01")
    purl_group = "NATO PURL participants (BEL, CAN, DNK, DEU, LVA, NLD, NOR, SWE)"
    assert round(through_august, 1) == headline(
        purl_group, "2025-07 to 2025-08", "military", "2025-08-31"
    )
    assert round(through_august, 1) == 1.9


def test_european_military_allocations_july_august_2025():
    monthly = bs.load_support_monthly()
    mil = monthly[
        (monthly.measure == "allocation")
        & (monthly.aid_type == "military")
        & (monthly.unit == "billion EUR")
        & ~monthly.iso3.isin(NON_EUROPEAN)
    ]
    value = monthly_sum(mil, "2025-07-01", "2025-08-01")
    assert round(value, 2) == 3.27
    assert round(value, 2) == headline("Europe", "2025-07 to 2025-08", "military", "2025-10-31")


def test_eu_institutions_financial_and_humanitarian_2025_is_35_1_bn():
    monthly = bs.load_support_monthly()
    eu = monthly[
        (monthly.iso3 == "EU_INST")
        & (monthly.measure == "allocation")
        & monthly.aid_type.isin(["financial", "humanitarian"])
    ]
    value = monthly_sum(eu, "2025-01-01", "2025-12-01")
    assert round(value, 1) == 35.1
    assert round(value, 1) == headline(
        "EU institutions", "2025", "financial_and_humanitarian", "2025-12-31"
    )


@pytest.mark.parametrize(("year", "printed"), [(2022, 37.755), (2023, 46.316), (2024, 41.610)])
def test_annual_military_allocations_all_donors(year, printed):
    # SOURCES.md row 10 (R29); Kiel's press gives "roughly EUR 41.6 billion" as the average
    totals = bs.load_support_monthly_totals()
    mil = totals[(totals.aid_type == "military") & totals.military_source.isna()]
    assert round(monthly_sum(mil, f"{year}-01-01", f"{year}-12-01"), 3) == printed


def test_monthly_totals_equal_the_sum_over_donors():
    totals = bs.load_support_monthly_totals()
    totals = totals[(totals.aid_type == "total")].set_index("month")["value"]
    monthly = bs.load_support_monthly()
    donors = monthly[
        (monthly.measure == "allocation")
        & (monthly.aid_type == "total")
        & (monthly.unit == "billion EUR")
    ]
    summed = donors.groupby("month")["value"].sum().reindex(totals.index, fill_value=0.0)
    assert np.allclose(summed, totals, atol=1e-9, rtol=0)


@pytest.mark.parametrize(
    ("iso3", "printed"), [("DEU", 0.830916), ("DNK", 3.273931), ("FRA", 0.316155)]
)
def test_r29_allocations_as_percent_of_gdp(iso3, printed):
    r29 = bs.load_support("R29", currency=None)
    value = one(r29, iso3=iso3, aid_type="total", scope="bilateral", unit="% of 2021 GDP")
    assert round(value, 6) == printed


def test_percent_of_gdp_recomputed_from_monthly_eur_and_2021_gdp_for_every_donor():
    r29 = bs.load_support("R29", currency=None)
    pct = r29[(r29.aid_type == "total") & (r29.scope == "bilateral")].set_index("iso3")["value"]
    monthly = bs.load_support_monthly()
    eur = monthly[
        (monthly.measure == "allocation")
        & (monthly.aid_type == "total")
        & (monthly.unit == "billion EUR")
    ]
    cumulative = eur.groupby("iso3")["value"].sum()
    gdp = bs.load_donor_gdp("R29").set_index("iso3")["value"].dropna()
    both = pct.index.intersection(cumulative.index).intersection(gdp.index)
    assert len(both) == len(pct) == 27
    recomputed = cumulative[both] / gdp[both] * 100
    # Rounding bound: the web file prints monthly EUR bn and the % to 6 decimals, so the sum of
    # n months can be off by n * 0.5e-6 bn (e.g. EST 3.063141 vs Kiel 3.063147).
    months = eur.groupby("iso3").size()[both]
    bound = months * 0.5e-6 / gdp[both] * 100 + 0.5e-6
    off = (recomputed - pct[both]).abs() > bound
    # One exception, found by this test and noted in the manifest: for Slovenia Kiel's two web
    # files disagree (eu_aid_shares 0.258634 vs monthly sum 0.271468); both are kept as published.
    assert list(recomputed.index[off]) == ["SVN"]
    assert (round(pct["SVN"], 6), round(recomputed["SVN"], 6)) == (0.258634, 0.271468)
    assert (round(recomputed["EST"], 6), pct["EST"]) == (3.063141, 3.063147)  # SOURCES.md row 2


def test_kiel_2021_gdp():
    gdp = bs.load_donor_gdp()
    r28 = gdp[gdp.release == "R28"].set_index("iso3")["value"]
    r29 = gdp[gdp.release == "R29"].set_index("iso3")["value"]
    assert round(r28["DEU"], 2) == 3601.75
    assert round(r28["USA"], 2) == 19712.76
    countries_both = r29.dropna().index
    assert len(countries_both) == 41
    assert np.allclose(r28[countries_both], r29[countries_both], rtol=1e-10, atol=0)
    assert round(r28["EU_INST"], 2) == 14523.41 and np.isnan(r29["EU_INST"])


def test_r30v2_usd_totals_and_kiel_conversion_factor():
    usd = bs.load_support(currency="USD")
    alloc = usd[(usd.measure == "allocation") & (usd.scope == "bilateral")]
    sums = alloc.groupby("aid_type")["value"].sum()
    assert round(sums["total"], 1) == 426.5
    assert round(sums["military"], 1) == 204.9
    eur = bs.load_support("R30")
    eur_total = eur[
        (eur.aid_type == "total") & (eur.scope == "bilateral") & (eur.measure == "allocation")
    ]
    eur_total = eur_total.set_index("iso3")["value"]
    usd_total = alloc[alloc.aid_type == "total"].set_index("iso3")["value"]
    large = eur_total[eur_total > 10].index
    assert (usd_total[large] / eur_total[large]).round(2).eq(1.14).all()


def test_every_r28_and_r30_zero_is_flagged_as_possibly_blank():
    both = bs.load_support("all", currency=None)
    parsed_blank = both[both.release.isin(["R28", "R30"])]
    assert (parsed_blank["zero_may_be_blank"] == (parsed_blank["value"] == 0)).all()
    assert parsed_blank["zero_may_be_blank"].any()
    assert not both.loc[both.release == "R29", "zero_may_be_blank"].any()
    items = bs.load_support_items()
    assert (items["zero_may_be_blank"] == (items["value_eur"] == 0)).all()


def test_heavy_weapon_counts_match_kiel_item_lists():
    weapons = bs.load_heavy_weapons()
    listed = weapons["weapons_list"].map(
        lambda text: sum(int(n) for n in re.findall(r"\((\d+)\)", text))
    )
    assert (listed == weapons["number"]).all()
    assert (
        one(
            weapons.rename(columns={"number": "n"}).assign(value=weapons["number"]),
            iso3="AUS",
            category="Tanks",
        )
        == 49
    )


def test_disbursements_are_financial_and_dated_by_month():
    disb = bs.load_disbursements()
    assert set(disb["aid_type"]) == {"financial"} and set(disb["measure"]) == {"disbursement"}
    assert disb["month"].min() >= pd.Timestamp("2022-01-01")


# --- exchange rates -----------------------------------------------------------------------------

USD_PER_EUR = {
    2014: 1.3285,
    2015: 1.1095,
    2016: 1.1069,
    2017: 1.1297,
    2018: 1.1810,
    2019: 1.1195,
    2020: 1.1422,
    2021: 1.1827,
    2022: 1.0530,
    2023: 1.0813,
    2024: 1.0824,
    2025: 1.1300,
}


@pytest.mark.parametrize(("year", "printed"), sorted(USD_PER_EUR.items()))
def test_ecb_annual_usd_rate(year, printed):
    fx = bs.load_fx()
    assert round(one(fx.rename(columns={"rate": "value"}), year=year, currency="USD"), 4) == printed
    assert bs.convert(1.0, "EUR", "USD", year) == pytest.approx(printed, abs=5e-5)


def test_convert_keeps_the_container_type_and_goes_through_eur():
    series = pd.Series([1.0, 2.0], index=["a", "b"], name="aid")
    out = bs.convert(series, "USD", "EUR", [2023, 2024])
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b"] and out.name == "aid"
    assert out.tolist() == pytest.approx([1 / 1.0813, 2 / 1.0824])
    array = bs.convert(np.array([[1.0, 2.0]]), "EUR", "USD", 2024)
    assert isinstance(array, np.ndarray) and array.shape == (1, 2)
    fx = bs.load_fx().set_index(["currency", "year"])["rate"]
    assert bs.convert(100.0, "GBP", "NOK", 2024) == pytest.approx(
        100 / fx["GBP", 2024] * fx["NOK", 2024]
    )


@pytest.mark.parametrize(
    ("currency", "year", "message"),
    [
        ("XYZ", 2024, "No exchange rate for currency 'XYZ'"),
        ("USD", 2013, "No USD rate for year"),
        ("HRK", 2023, "HRK rates cover"),
    ],
)
def test_convert_refuses_years_and_currencies_without_a_rate(currency, year, message):
    with pytest.raises(bs.ParameterError, match=message):
        bs.convert(1.0, "EUR", currency, year)


def test_convert_refuses_a_fractional_year_and_mismatched_lengths():
    with pytest.raises(bs.ParameterError, match="whole number"):
        bs.convert(1.0, "EUR", "USD", 2024.5)
    with pytest.raises(bs.ParameterError, match="entries"):
        bs.convert(np.ones(3), "EUR", "USD", [2023, 2024])


# --- opinion ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("poll_id", "answer", "printed"),
    [
        ("GALLUP-2022", "within next 10 years", 64),
        ("GALLUP-2022", "never", 12),
        ("GALLUP-2023", "within next 10 years", 69),
        ("GALLUP-2024", "within next 10 years", 51),
        ("GALLUP-2024", "never", 22),
        ("GALLUP-2025", "within next 10 years", 32),
        ("GALLUP-2025", "never", 33),
    ],
)
def test_gallup_expectation_of_joining(poll_id, answer, printed):
    gallup = bs.load_opinion(pollster="Gallup", measure="expect_nato_within_10y")
    rows = gallup[(gallup.poll_id == poll_id) & (gallup.answer_option == answer)]
    assert rows["share_pct"].tolist() == [printed]


def test_kiis_december_2021_and_razumkov_2024_keep_their_bases():
    kiis = bs.load_opinion(pollster="KIIS", measure="referendum_vote_nato", base="all_respondents")
    dec21 = kiis[kiis.fieldwork_from.dt.year.eq(2021) & kiis.fieldwork_from.dt.month.eq(12)]
    assert sorted(dec21["share_pct"]) == [1.3, 11.4, 28.1, 59.2]
    assert set(dec21["sample_size"]) == {1203}
    voters = bs.load_opinion(pollster="Razumkov Centre", base="likely_voters")
    sep24 = voters[voters.poll_id == "RAZUMKOV-2024-09"].set_index("answer_option")["share_pct"]
    assert sep24["for"] == 86 and sep24["against"] == 10


def test_nato_as_best_guarantee_fell_from_55_1_to_38_3():
    table = bs.load_opinion(measure="nato_best_security_guarantee")
    nato = table[table.answer_option == "NATO membership"].set_index("poll_id")["share_pct"]
    assert nato["DIF-RAZUMKOV-2024-12"] == 55.1 and nato["DIF-RAZUMKOV-2025-12"] == 38.3


def test_partial_fieldwork_dates_are_kept_as_published():
    gallup = bs.load_opinion(pollster="Gallup")
    y2025 = gallup[gallup.poll_id == "GALLUP-2025"].iloc[0]
    assert y2025["fieldwork_start"] == "2025" and y2025["date_precision"] == "year"
    assert y2025["fieldwork_from"] == pd.Timestamp("2025-01-01")
    assert y2025["fieldwork_to"] == pd.Timestamp("2025-12-31")


def test_unknown_opinion_filter_lists_the_choices():
    with pytest.raises(bs.ParameterError, match="Gallup"):
        bs.load_opinion(pollster="Galup")


# --- pledges, mechanisms, restrictions ------------------------------------------------------------


def pledge(frame: pd.DataFrame, pledge_id: str) -> pd.Series:
    return frame.set_index("pledge_id").loc[pledge_id]


def test_purl_packages_as_announced():
    table = bs.load_pledges()
    nl = pledge(table, "P001")
    assert (nl["donor"], nl["amount"], nl["scale"], nl["currency"]) == (
        "Netherlands",
        500,
        "million",
        "EUR",
    )
    nordic = pledge(table, "P002")
    assert (nordic["donor_codes"], nordic["amount"], nordic["currency"]) == (
        "DNK;NOR;SWE",
        500,
        "USD",
    )
    shares = table[(table.part_of == "P002") & table.alternative_to.isna()]
    assert set(shares.donor_codes) == {"DNK", "NOR", "SWE"}
    # the reported split (USD 90 + 275 + 135 m) adds up to the joint package
    assert shares["amount_usd_reported"].sum() == nordic["amount"]


def test_disagreeing_reports_are_each_kept_with_their_source():
    table = bs.load_pledges()
    german = table[(table.pledge_id == "P006") | (table.alternative_to == "P006")]
    assert sorted(zip(german.amount, german.currency, strict=True)) == [(500, "EUR"), (500, "USD")]
    assert german["source_url"].notna().all()
    assert (
        len(bs.load_pledges(alternatives=False)) == len(table) - table.alternative_to.notna().sum()
    )


@pytest.mark.parametrize(
    ("pledge_id", "amount", "scale", "currency"),
    [
        ("P016", 21, "billion", "EUR"),
        ("P021", 18.1, "billion", "EUR"),
        ("P020", 50, "billion", "USD"),
        ("P026", 90, "billion", "EUR"),
        ("P009", 150, "million", "EUR"),
        ("P008", 500, "million", "USD"),
        ("A005", 146, "million", "USD"),
    ],
)
def test_other_pledges(pledge_id, amount, scale, currency):
    row = pledge(bs.load_pledges(), pledge_id)
    assert (row["amount"], row["scale"], row["currency"]) == (amount, scale, currency)


def test_mechanisms_dated_facts():
    facts = bs.load_mechanisms().set_index("fact_id")
    assert facts.loc["PLEDGE-01", "value"] == 40 and facts.loc["PLEDGE-01", "unit"].startswith(
        "EUR billion"
    )
    assert facts.loc["PLEDGE-01", "date_from"] == pd.Timestamp("2024-07-10")
    assert facts.loc["PURL-01", "date_from"] == pd.Timestamp("2025-07-14")
    assert facts.loc["UDCG-01", "date_from"] == pd.Timestamp("2022-04-26")
    assert facts.loc["HAGUE-01", "date_from"] == pd.Timestamp("2025-06-25")
    assert pd.isna(facts.loc["NSATU-04", "date_from"])


@pytest.mark.parametrize(
    ("on", "status"),
    [
        ("2024-06-01", "restricted"),
        ("2024-12-01", "partially allowed"),
        ("2025-09-01", "restricted"),
    ],
)
def test_us_atacms_status_over_time(on, status):
    rows = bs.restriction_status(on, country="USA", weapon_system="ATACMS")
    assert rows["status"].tolist() == [status]


def test_month_only_reports_count_from_the_end_of_the_month():
    early = bs.restriction_status("2023-05-15", country="GBR", weapon_system="Storm Shadow")
    assert early.empty
    later = bs.restriction_status("2023-06-01", country="GBR", weapon_system="Storm Shadow")
    assert later["status"].tolist() == ["restricted"]


def test_conflicting_2025_reports_are_both_kept():
    table = bs.load_restrictions()
    merz = table[(table.iso3 == "DEU") & (table.date == "2025-05-26")]
    wsj = table[(table.iso3 == "USA") & (table.date == "2025-08-23")]
    assert merz["status"].tolist() == ["allowed"] and wsj["status"].tolist() == ["restricted"]


# --- the event tables agree with each other -------------------------------------------------------

MONEY_UNIT = re.compile(r"^(EUR|USD) (million|billion)")


def _codes(names: str) -> frozenset[str]:
    return frozenset(countries.code_for_name(n.strip()) for n in names.split(","))


def _reports(pledges: pd.DataFrame, pledge_id: str) -> pd.DataFrame:
    """A pledge row and every other sourced report of the same figure (alternative_to)."""
    return pledges[(pledges["pledge_id"] == pledge_id) | (pledges["alternative_to"] == pledge_id)]


def _agree(fact: pd.Series, reports: pd.DataFrame) -> bool:
    """The fact's amount and date are those of one of the reports."""
    currency, scale = MONEY_UNIT.match(fact["unit"]).groups()
    same = reports[
        (reports["amount"] == fact["value"])
        & (reports["currency"] == currency)
        & (reports["scale"] == scale)
        & (reports["date_from"] <= fact["date_from"])
        & (reports["date_to"] >= fact["date_to"])
    ]
    return len(same) > 0


def _same_packages(facts: pd.DataFrame, pledges: pd.DataFrame) -> list[tuple[str, str]]:
    """(fact_id, pledge_id) of every package both tables describe: PURL packages with the same
    donors, Contact Group totals of the same meeting day."""
    first = pledges[pledges["alternative_to"].isna() & pledges["part_of"].isna()]
    pairs = []
    money = facts[facts["unit"].fillna("").str.match(MONEY_UNIT.pattern)]
    for _, fact in money.iterrows():
        if fact["institution"] == "PURL":
            donors = first["donor_codes"].fillna("").map(lambda c: frozenset(c.split(";")))
            same = first[
                (first["channel"] == "PURL") & (donors == _codes(str(fact["chair_or_lead"])))
            ]
        elif fact["institution"] == "Ukraine Defense Contact Group":
            same = first[first["channel"].str.startswith("UDCG") & (first["date"] == fact["date"])]
        else:
            continue
        pairs += [(fact["fact_id"], pledge_id) for pledge_id in same["pledge_id"]]
    return pairs


def test_packages_in_both_tables_agree_or_are_separate_sourced_reports():
    """Every package the mechanisms and the pledges tables both describe has the same amount and
    date in both, or the mechanisms' figure is one of the pledge's sourced reports (an undated
    fact against a dated pledge, as PURL-06 was against P008, disagrees)."""
    facts, pledges = bs.load_mechanisms(), bs.load_pledges()
    pairs = _same_packages(facts, pledges)
    assert {f for f, _ in pairs} >= {"PURL-02", "PURL-03", "PURL-06", "UDCG-27"}
    for fact_id, pledge_id in pairs:
        fact = facts.set_index("fact_id").loc[fact_id]
        fact = pd.concat([fact, pd.Series({"fact_id": fact_id})])
        assert _agree(fact, _reports(pledges, pledge_id)), (fact_id, pledge_id)


def test_per_donor_shares_in_mechanisms_notes_are_sourced_pledge_rows():
    """A donor's share quoted in a mechanisms note ("NOR ~146 ... USD m") is a pledge row of that
    donor for the same package, first report or alternative (Norway: USD 135m per the Kyiv
    Independent, ~146m per gayaone.com: both kept)."""
    facts, pledges = bs.load_mechanisms(), bs.load_pledges()
    checked = 0
    for fact_id, pledge_id in _same_packages(facts, pledges):
        note = str(facts.set_index("fact_id").loc[fact_id, "note"])
        for code, amount in re.findall(r"\b([A-Z]{3}) ~?(\d+(?:\.\d+)?)\b", note):
            if not countries.is_iso3(code):  # "USD 2.82bn" is not a donor's share
                continue
            shares = pledges[(pledges["part_of"] == pledge_id) & (pledges["donor_codes"] == code)]
            assert float(amount) in set(shares["amount_usd_reported"]), (fact_id, code, amount)
            checked += 1
    assert checked == 3  # PURL-03: NOR, DNK, SWE


def test_contact_group_meetings_in_the_mechanisms_table_are_in_the_udcg_table():
    """A numbered meeting in the mechanisms table is dated as the UDCG table's main row or one of
    its dissenting reports (UDCG-15: the Pentagon's announced 18 Sep, an alternative date there);
    the postponed leaders' meeting is the UDCG table's meeting not held."""
    facts = bs.load_mechanisms()
    meetings = bs.load_udcg_meetings()
    udcg = facts[facts["institution"] == "Ukraine Defense Contact Group"]
    numbered = 0
    for _, fact in udcg.iterrows():
        found = re.fullmatch(r"meeting (\d+)", fact["fact_type"])
        if found:
            dates = meetings.loc[meetings["meeting_no"] == int(found[1]), "date"]
            assert fact["date"] in set(dates), (fact["fact_id"], fact["date"], list(dates))
            numbered += 1
        elif "postponed" in fact["fact_type"]:
            not_held = meetings[meetings["report"] == "not held"]
            assert fact["date"] in set(not_held["date"])
    assert numbered == 12


@pytest.mark.parametrize(
    ("loader", "note"),
    [
        (bs.load_pledges, "note"),
        (bs.load_mechanisms, "note"),
        (bs.load_restrictions, "note"),
        (bs.load_udcg_meetings, "note"),
    ],
)
def test_no_row_claims_day_precision_for_a_date_its_note_calls_approximate(loader, note):
    """P013/P014 (NOK 5bn, AUD 95m) said "date approximate" but claimed a day: now their month."""
    table = loader()
    day = table[table["date_precision"] == "day"]
    approximate = day[day[note].fillna("").str.contains(r"date approximate|approximate date")]
    assert approximate.empty, approximate[["date", note]]


def test_approximate_days_are_kept_as_their_month_with_the_stated_day_in_the_note():
    pledges = bs.load_pledges().set_index("pledge_id")
    for pledge_id in ("P013", "P014"):
        row = pledges.loc[pledge_id]
        assert (row["date"], row["date_precision"]) == ("2025-12", "month")
        assert row["date_to"] == pd.Timestamp("2025-12-31")
        assert "stated day 2025-12-03" in row["note"]


# --- Ukraine Defense Contact Group meetings ------------------------------------------------------
# Figures from ../shared/sources/udcg/SOURCES.md: 33 meetings from April 2022 to February 2026; 30
# by September 2025 and 32 by December 2025; dissenting dates (meetings 1, 15, 16) and formats (19,
# 30) are their own rows; the leaders' meeting planned for 12 Oct 2024 was not held.


def held_by(day: str) -> int:
    meetings = bs.load_udcg_meetings(alternatives=False)
    return int((meetings["date_to"] <= pd.Timestamp(day)).sum())


@pytest.mark.parametrize(
    ("day", "count"),
    [
        ("2022-04-25", 0),
        ("2022-04-26", 1),
        ("2024-05-31", 22),
        ("2025-09-30", 30),
        ("2025-12-31", 32),
        ("2026-02-12", 33),
    ],
)
def test_udcg_meetings_held_by_a_date(day, count):
    assert held_by(day) == count


def test_udcg_first_and_last_meeting_and_chairs():
    meetings = bs.load_udcg_meetings(alternatives=False).set_index("meeting_no")
    assert meetings.index.tolist() == list(range(1, 34))
    first, last = meetings.loc[1], meetings.loc[33]
    assert (first["date"], first["location"]) == ("2022-04-26", "Ramstein Air Base, Germany")
    assert (last["date"], last["location"]) == ("2026-02-12", "NATO HQ, Brussels")
    assert meetings.loc[25, "chair_or_lead"] == "Lloyd Austin (USA)"
    assert meetings.loc[26, "chair_or_lead"] == "John Healey (UK)"
    assert meetings.loc[30, "meeting_format"] == "hybrid"
    # meetings 17 and 33 rest on announcements and previews only
    assert sorted(meetings.index[~meetings["post_meeting_report"]]) == [17, 33]
    assert meetings["date_to"].is_monotonic_increasing


def test_udcg_dissenting_reports_are_kept_as_their_own_rows():
    table = bs.load_udcg_meetings()
    alternatives = table[table["report"].str.startswith("alternative")]
    assert sorted(zip(alternatives["meeting_no"], alternatives["report"], strict=True)) == [
        (1, "alternative date"),
        (15, "alternative date"),
        (16, "alternative date"),
        (19, "alternative format"),
        (30, "alternative format"),
    ]
    fifteen = table[table["meeting_no"] == 15].set_index("report")["date"]
    assert fifteen.to_dict() == {"meeting": "2023-09-19", "alternative date": "2023-09-18"}
    not_held = table[table["report"] == "not held"]
    assert not_held["date"].tolist() == ["2024-10-12"] and not_held["meeting_no"].isna().all()
    assert len(table) == 39 and table["source_url"].notna().all()


def test_a_users_udcg_file_is_checked_with_located_errors(tmp_path):
    rows = bundled_rows("udcg_meetings.csv")
    assert len(bs.load_udcg_meetings(path=write_csv(tmp_path, rows))) == 39
    rows[2] = {**rows[2], "meeting_no": "1", "report": "meeting"}  # a second main row for 1
    rows[5] = {**rows[5], "meeting_format": "by pigeon"}
    with pytest.raises(bs.DataError) as caught:
        bs.load_udcg_meetings(path=write_csv(tmp_path, rows, "bad.csv"))
    message = str(caught.value)
    assert "bad.csv: 2 problem(s)" in message
    assert "line 4, column 'meeting_no'" in message and "one main row per meeting" in message
    assert "line 7, column 'meeting_format'" in message and "in-person" in message


# --- manifest and CLI ---------------------------------------------------------------------------

SUPPORT_FILES = [
    "kiel_support_r28.csv",
    "kiel_support_r29.csv",
    "kiel_support_r30.csv",
    "kiel_support_r30v2.csv",
    "kiel_monthly_by_donor_r29.csv",
    "kiel_monthly_totals_r29.csv",
    "kiel_items_r28.csv",
    "kiel_heavy_weapons_r29.csv",
    "kiel_disbursements_r28.csv",
    "kiel_donor_gdp.csv",
    "kiel_release_headlines.csv",
    "pledges_2024_2025.csv",
    "fx_ecb_annual.csv",
    "opinion_ukraine_nato.csv",
    "restrictions_long_range.csv",
    "nato_ukraine_mechanisms.csv",
    "udcg_meetings.csv",
]


def test_data_info_and_verify_cover_the_support_files(capsys):
    from burdenshare import manifest
    from burdenshare.cli import main

    assert main(["data", "info"]) == 0
    out = capsys.readouterr().out
    for name in SUPPORT_FILES:
        assert name in out
    assert main(["data", "verify"]) == 0
    listed = manifest.entries()
    for name in SUPPORT_FILES:
        assert listed[name]["notes"], name
    assert any("blank" in n for n in listed["kiel_support_r28.csv"]["notes"])
    assert any("2021 GDP" in n for n in listed["kiel_support_r29.csv"]["notes"])
    assert any("announcement" in n for n in listed["kiel_monthly_by_donor_r29.csv"]["notes"])
