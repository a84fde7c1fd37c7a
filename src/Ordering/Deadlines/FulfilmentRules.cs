using FluentValidation;
using FluentValidation.Results;

namespace Marketplace.Ordering.Deadlines;

/// <summary>
/// The runtime rules "fulfilment" (Consul key or <c>config/runtime/fulfilment.json</c>, editable through the marketing
/// rules API): the deadlines a placed order carries, how their timers are swept, and the window seller performance
/// counts over. Durations are written <c>hh:mm:ss</c> or <c>d.hh:mm:ss</c>.
/// </summary>
internal sealed record FulfilmentRules
{
    public const string Section = "fulfilment";

    /// <summary>How long a seller has to accept a placed order; when it passes, the order is cancelled.</summary>
    public TimeSpan AcceptWithin { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The local time on the dispatch date (the delivery calendar counts the offer's dispatch days from placement) by
    /// which the parcel must be handed over, and the time zone it is read in.
    /// </summary>
    public ShipCutOffRule ShipCutOff { get; init; } = new();

    /// <summary>Added to the ship-by time before its timer flags the order.</summary>
    public TimeSpan ShipGrace { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Added to the end of the quote's latest delivery day (in <see cref="ShipCutOff"/>'s time zone) before an order not
    /// delivered yet counts as late.
    /// </summary>
    public TimeSpan DeliveryGrace { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Seller performance counts the orders placed within this window, up to now.</summary>
    public TimeSpan PerformanceWindow { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How often a replica looks for due deadlines when the last sweep found fewer than a batch.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most due deadlines one replica claims and fires in one transaction.</summary>
    public int SweepBatchSize { get; init; } = 200;
}

/// <summary>A local time of day in a time zone.</summary>
internal sealed record ShipCutOffRule
{
    /// <summary>Local time, for example <c>18:00</c>.</summary>
    public TimeOnly Time { get; init; } = new(18, 0);

    /// <summary>IANA time zone id, for example <c>Europe/Berlin</c>.</summary>
    public string TimeZone { get; init; } = "UTC";
}

/// <summary>Checks a "fulfilment" document before it takes effect; each failure names the field's JSON path.</summary>
internal sealed class FulfilmentRulesValidator : AbstractValidator<FulfilmentRules>
{
    /// <summary>Longer than this is a typo (days for weeks), not a fulfilment promise.</summary>
    internal static readonly TimeSpan MaxDuration = TimeSpan.FromDays(60);

    /// <summary>The largest batch one sweep may claim: one transaction holds its rows' locks while it acts on them.</summary>
    internal const int MaxSweepBatchSize = 10_000;

    public FulfilmentRulesValidator()
    {
        RuleFor(rules => rules).Custom((rules, context) =>
        {
            foreach (var failure in Check(rules))
            {
                context.AddFailure(failure);
            }
        });
    }

    private static List<ValidationFailure> Check(FulfilmentRules rules)
    {
        var failures = new List<ValidationFailure>();
        Positive(rules.AcceptWithin, "acceptWithin", failures);
        Positive(rules.PerformanceWindow, "performanceWindow", failures);
        Positive(rules.SweepInterval, "sweepInterval", failures);
        NotNegative(rules.ShipGrace, "shipGrace", failures);
        NotNegative(rules.DeliveryGrace, "deliveryGrace", failures);
        if (rules.SweepInterval > TimeSpan.FromMinutes(1))
        {
            // The measured promise is that every deadline fires within a minute of its time.
            failures.Add(new("sweepInterval", "The sweep interval must be at most one minute: deadlines fire within a minute of their time."));
        }

        if (rules.SweepBatchSize is < 1 or > MaxSweepBatchSize)
        {
            failures.Add(new("sweepBatchSize", $"The sweep batch size must be from 1 to {MaxSweepBatchSize}."));
        }

        if (rules.ShipCutOff is null)
        {
            failures.Add(new("shipCutOff", "The ship cut-off is required: a time and a time zone."));
        }
        else if (string.IsNullOrWhiteSpace(rules.ShipCutOff.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(rules.ShipCutOff.TimeZone, out _))
        {
            failures.Add(new("shipCutOff.timeZone", $"Unknown time zone '{rules.ShipCutOff.TimeZone}': use an IANA id such as Europe/Berlin."));
        }

        return failures;
    }

    private static void Positive(TimeSpan value, string field, List<ValidationFailure> failures)
    {
        if (value <= TimeSpan.Zero || value > MaxDuration)
        {
            failures.Add(new(field, $"'{field}' must be above zero and at most {MaxDuration.TotalDays:0} days."));
        }
    }

    private static void NotNegative(TimeSpan value, string field, List<ValidationFailure> failures)
    {
        if (value < TimeSpan.Zero || value > MaxDuration)
        {
            failures.Add(new(field, $"'{field}' must not be negative and at most {MaxDuration.TotalDays:0} days."));
        }
    }
}
