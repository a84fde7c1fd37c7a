using Marketplace.Delivery.Quotes;
using static Marketplace.Delivery.Tests.Shipments;

namespace Marketplace.Delivery.Tests.Quotes;

/// <summary>
/// The date side of quotes: the cut-off (14:00 Berlin time, 12:00 for the early seller), the offer's dispatch days,
/// the zone's transit days (courier in Germany: 1 to 2), weekends and the holidays of <see cref="TestRules"/>
/// (25 and 26 December 2026, 1 January 2027). Every date is a working day of Berlin.
/// </summary>
public sealed class EtaTests
{
    public static TheoryData<string, DateTimeOffset, int, string> Rows() => new()
    {
        { "before the cut-off, ready at once", Berlin(2026, 12, 8, 10, 0), 0, "2026-12-08 → 2026-12-09..2026-12-10" },
        { "one minute before the cut-off", Berlin(2026, 12, 8, 13, 59), 0, "2026-12-08 → 2026-12-09..2026-12-10" },
        { "at the cut-off", Berlin(2026, 12, 8, 14, 0), 0, "2026-12-09 → 2026-12-10..2026-12-11" },
        { "after the cut-off", Berlin(2026, 12, 8, 15, 0), 0, "2026-12-09 → 2026-12-10..2026-12-11" },
        { "the cut-off is Berlin's, not UTC's: 13:30 UTC is 14:30 in Berlin", new DateTimeOffset(2026, 12, 8, 13, 30, 0, TimeSpan.Zero), 0, "2026-12-09 → 2026-12-10..2026-12-11" },
        { "summer time moves the cut-off in UTC: 11:30 UTC is 13:30 in Berlin in July", new DateTimeOffset(2026, 7, 7, 11, 30, 0, TimeSpan.Zero), 0, "2026-07-07 → 2026-07-08..2026-07-09" },
        { "two dispatch days", Berlin(2026, 12, 8, 10, 0), 2, "2026-12-10 → 2026-12-11..2026-12-14" },
        { "a Friday order dispatched a working day later skips the weekend", Berlin(2026, 12, 11, 10, 0), 1, "2026-12-14 → 2026-12-15..2026-12-16" },
        { "a Friday order after the cut-off counts from Monday", Berlin(2026, 12, 11, 15, 0), 0, "2026-12-14 → 2026-12-15..2026-12-16" },
        { "a Saturday order counts from Monday", Berlin(2026, 12, 5, 10, 0), 0, "2026-12-07 → 2026-12-08..2026-12-09" },
        { "transit skips Christmas and the weekend after it", Berlin(2026, 12, 23, 10, 0), 1, "2026-12-24 → 2026-12-28..2026-12-29" },
        { "an order on a holiday counts from the next working day", Berlin(2026, 12, 25, 9, 0), 0, "2026-12-28 → 2026-12-29..2026-12-30" },
        { "New Year's Day is skipped", Berlin(2026, 12, 31, 10, 0), 0, "2026-12-31 → 2027-01-04..2027-01-05" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void The_eta_counts_working_days_from_the_cut_off_through_dispatch_and_transit(string row, DateTimeOffset now, int dispatchDays, string expected)
    {
        var quote = RulesQuoting.Quote(TestRules.Rules, Input(To("DE", "80331"), now, [Item(500, dispatchDays: dispatchDays)]), "rules");

        var eta = Assert.Single(quote.Options, o => o.ServiceId == "courier").Eta;
        Assert.True(expected == $"{eta.DispatchDate:yyyy-MM-dd} → {eta.Earliest:yyyy-MM-dd}..{eta.Latest:yyyy-MM-dd}", $"{row}: expected {expected}, got {eta}");
    }

    [Fact]
    public void A_seller_with_an_earlier_cut_off_misses_the_day_the_others_still_make()
    {
        var oneOClock = Berlin(2026, 12, 8, 13, 0);

        var early = RulesQuoting.Quote(TestRules.Rules, Input(To("DE", "80331"), oneOClock, [Item(500)], seller: TestRules.EarlySeller), "rules");
        var usual = RulesQuoting.Quote(TestRules.Rules, Input(To("DE", "80331"), oneOClock, [Item(500)]), "rules");

        Assert.Equal(new DateOnly(2026, 12, 9), early.Options.Single(o => o.ServiceId == "courier").Eta.DispatchDate);
        Assert.Equal(new DateOnly(2026, 12, 8), usual.Options.Single(o => o.ServiceId == "courier").Eta.DispatchDate);
    }

    [Fact]
    public void A_group_leaves_when_its_slowest_line_is_ready()
    {
        var quote = RulesQuoting.Quote(TestRules.Rules, Input(To("DE", "80331"), TuesdayMorning, [Item(500, dispatchDays: 0), Item(500, dispatchDays: 3)]), "rules");

        Assert.Equal(new DateOnly(2026, 12, 11), quote.Options.Single(o => o.ServiceId == "courier").Eta.DispatchDate);
    }

    [Fact]
    public void Same_day_transit_arrives_on_the_dispatch_day()
    {
        var quote = RulesQuoting.Quote(TestRules.Rules, Input(To("DE", "10115"), TuesdayMorning, [Item(500)]), "rules");

        var van = quote.Options.Single(o => o.ServiceId == "van").Eta;
        Assert.Equal((new DateOnly(2026, 12, 8), new DateOnly(2026, 12, 8), new DateOnly(2026, 12, 9)), (van.DispatchDate, van.Earliest, van.Latest));
    }

    /// <summary>A Berlin wall-clock time in winter (UTC+1), or in summer (UTC+2) from the last Sunday of March to the last of October.</summary>
    private static DateTimeOffset Berlin(int year, int month, int day, int hour, int minute)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
