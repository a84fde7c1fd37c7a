using Marketplace.Ordering.Deadlines;

namespace Marketplace.Ordering.Tests.Deadlines;

/// <summary>How placement's deadlines are counted from the rules, the dispatch date and the quote's ETA.</summary>
public sealed class DeadlineScheduleTests
{
    private static readonly FulfilmentRules Rules = new()
    {
        AcceptWithin = TimeSpan.FromHours(24),
        ShipCutOff = new ShipCutOffRule { Time = new TimeOnly(18, 0), TimeZone = "Europe/Berlin" },
        ShipGrace = TimeSpan.FromMinutes(30),
        DeliveryGrace = TimeSpan.FromHours(12),
    };

    [Fact]
    public void Ship_by_is_the_dispatch_dates_cut_off_in_the_rules_time_zone_plus_grace_and_deliver_by_follows_the_etas_last_day()
    {
        // Monday 10:00 in Berlin (winter, UTC+1); the calendar said Wednesday.
        var placedAt = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

        var (acceptBy, shipBy, deliverBy) = DeadlineSchedule.Plan(Rules, placedAt, new DateOnly(2026, 12, 9), new DateOnly(2026, 12, 11));

        Assert.Equal(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero), acceptBy);
        Assert.Equal(new DateTimeOffset(2026, 12, 9, 17, 30, 0, TimeSpan.Zero), shipBy);
        Assert.Equal(new DateTimeOffset(2026, 12, 12, 11, 0, 0, TimeSpan.Zero), deliverBy);
    }

    [Fact]
    public void Summer_time_moves_the_cut_off_in_utc()
    {
        var placedAt = new DateTimeOffset(2026, 7, 6, 8, 0, 0, TimeSpan.Zero);

        var (_, shipBy, _) = DeadlineSchedule.Plan(Rules with { ShipGrace = TimeSpan.Zero }, placedAt, new DateOnly(2026, 7, 8), new DateOnly(2026, 7, 10));

        Assert.Equal(new DateTimeOffset(2026, 7, 8, 16, 0, 0, TimeSpan.Zero), shipBy);
    }

    [Fact]
    public void A_same_day_dispatch_whose_cut_off_has_passed_still_leaves_the_seller_its_accept_window()
    {
        // Placed at 19:00 Berlin with a dispatch date of that same day: 18:00 is behind it.
        var placedAt = new DateTimeOffset(2026, 12, 7, 18, 0, 0, TimeSpan.Zero);

        var (acceptBy, shipBy, deliverBy) = DeadlineSchedule.Plan(Rules, placedAt, new DateOnly(2026, 12, 7), new DateOnly(2026, 12, 7));

        Assert.Equal(acceptBy, shipBy);
        Assert.True(deliverBy >= shipBy);
    }

    [Fact]
    public void The_repositorys_rules_and_the_defaults_pass_the_validator_and_nonsense_names_its_field()
    {
        var validator = new FulfilmentRulesValidator();

        Assert.True(validator.Validate(new FulfilmentRules()).IsValid);
        var failures = validator.Validate(new FulfilmentRules { SweepBatchSize = 0, DeliveryGrace = TimeSpan.FromHours(-1) }).Errors.Select(e => e.PropertyName);
        Assert.Equal(["deliveryGrace", "sweepBatchSize"], failures.Order());
    }
}
