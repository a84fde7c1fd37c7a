using FluentValidation;
using FluentValidation.Results;
using Marketplace.Platform;

namespace Marketplace.Payments.Payouts;

/// <summary>
/// The runtime rules "payouts" (Consul key or <c>config/runtime/payouts.json</c>, editable through the marketing rules
/// API): how long a delivered order's money stays protected, what the platform keeps of each order, and how often and
/// how much the payout run pays. Durations are written <c>hh:mm:ss</c> or <c>d.hh:mm:ss</c>.
/// </summary>
internal sealed record PayoutRules
{
    public const string Section = "payouts";

    /// <summary>
    /// How long after delivery (by the carrier, or the customer's confirmation) the seller's share stays held: the
    /// buyer's time to complain before the money leaves the platform.
    /// </summary>
    public TimeSpan ProtectionWindow { get; init; } = TimeSpan.FromDays(14);

    /// <summary>What the platform keeps of each order.</summary>
    public CommissionRules Commission { get; init; } = new();

    /// <summary>When the payout run looks for payable orders, and how many it pays per pass.</summary>
    public PayoutSchedule Schedule { get; init; } = new();
}

/// <summary>
/// The commission, in percent of each line's total after discounts (delivery is the seller's): a seller's own rate
/// wins over its lines' category rate, which wins over the default; an order's commission is at least the minimum of
/// its currency, and never more than its share.
/// </summary>
internal sealed record CommissionRules
{
    public decimal DefaultPercent { get; init; } = 10m;

    public IReadOnlyList<CategoryCommission> Categories { get; init; } = [];

    public IReadOnlyList<SellerCommission> Sellers { get; init; } = [];

    /// <summary>The least commission one seller order pays, per currency; a currency not listed has none.</summary>
    public IReadOnlyList<MinimumCommission> MinimumPerOrder { get; init; } = [];
}

/// <summary>The rate of a category's lines.</summary>
internal sealed record CategoryCommission
{
    public Guid CategoryId { get; init; }

    public decimal Percent { get; init; }
}

/// <summary>A seller's negotiated rate, for all its lines.</summary>
internal sealed record SellerCommission
{
    public Guid SellerId { get; init; }

    public decimal Percent { get; init; }
}

/// <summary>The least commission of an order in a currency.</summary>
internal sealed record MinimumCommission
{
    public string Currency { get; init; } = "";

    public decimal Amount { get; init; }
}

/// <summary>The payout run's pace.</summary>
internal sealed record PayoutSchedule
{
    /// <summary>How long a replica's payout run waits after a pass that found fewer payable orders than a batch.</summary>
    public TimeSpan RunInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most seller orders one pass claims and pays.</summary>
    public int BatchSize { get; init; } = 200;
}

/// <summary>Checks a "payouts" document before it takes effect; each failure names the field's JSON path.</summary>
internal sealed class PayoutRulesValidator : AbstractValidator<PayoutRules>
{
    /// <summary>Longer than this is a typo (days for weeks), not a protection promise.</summary>
    internal static readonly TimeSpan MaxProtectionWindow = TimeSpan.FromDays(120);

    /// <summary>The run may wait at most a day: sellers are paid daily at the slowest.</summary>
    internal static readonly TimeSpan MaxRunInterval = TimeSpan.FromDays(1);

    /// <summary>Below this a run would hammer the database and the provider for nothing.</summary>
    internal static readonly TimeSpan MinRunInterval = TimeSpan.FromSeconds(1);

    /// <summary>The largest batch one pass may claim: each claimed order is one provider call before the lease ends.</summary>
    internal const int MaxBatchSize = 10_000;

    public PayoutRulesValidator()
    {
        RuleFor(rules => rules).Custom((rules, context) =>
        {
            foreach (var failure in Check(rules))
            {
                context.AddFailure(failure);
            }
        });
    }

    private static List<ValidationFailure> Check(PayoutRules rules)
    {
        var failures = new List<ValidationFailure>();
        if (rules.ProtectionWindow < TimeSpan.Zero || rules.ProtectionWindow > MaxProtectionWindow)
        {
            failures.Add(new("protectionWindow", $"The protection window must not be negative and at most {MaxProtectionWindow.TotalDays:0} days."));
        }

        if (rules.Commission is not { } commission)
        {
            failures.Add(new("commission", "The commission is required: a default percent, and optional category, seller and minimum rules."));
        }
        else
        {
            Percent(commission.DefaultPercent, "commission.defaultPercent", failures);
            var categories = commission.Categories ?? [];
            for (var i = 0; i < categories.Count; i++)
            {
                var field = $"commission.categories[{i}]";
                if (categories[i] is not { } category)
                {
                    failures.Add(new(field, "A category rate is an object with a categoryId and a percent."));
                    continue;
                }

                if (category.CategoryId == Guid.Empty)
                {
                    failures.Add(new($"{field}.categoryId", "The category id is required."));
                }
                else if (categories.Take(i).Any(c => c?.CategoryId == category.CategoryId))
                {
                    failures.Add(new($"{field}.categoryId", $"Category {category.CategoryId} has a rate already."));
                }

                Percent(category.Percent, $"{field}.percent", failures);
            }

            var sellers = commission.Sellers ?? [];
            for (var i = 0; i < sellers.Count; i++)
            {
                var field = $"commission.sellers[{i}]";
                if (sellers[i] is not { } seller)
                {
                    failures.Add(new(field, "A seller rate is an object with a sellerId and a percent."));
                    continue;
                }

                if (seller.SellerId == Guid.Empty)
                {
                    failures.Add(new($"{field}.sellerId", "The seller id is required."));
                }
                else if (sellers.Take(i).Any(s => s?.SellerId == seller.SellerId))
                {
                    failures.Add(new($"{field}.sellerId", $"Seller {seller.SellerId} has a rate already."));
                }

                Percent(seller.Percent, $"{field}.percent", failures);
            }

            var minimums = commission.MinimumPerOrder ?? [];
            for (var i = 0; i < minimums.Count; i++)
            {
                var field = $"commission.minimumPerOrder[{i}]";
                if (minimums[i] is not { } minimum)
                {
                    failures.Add(new(field, "A minimum is an object with a currency and an amount."));
                    continue;
                }

                if (!Currencies.IsSupported(minimum.Currency))
                {
                    failures.Add(new($"{field}.currency", $"'{minimum.Currency}' is not a supported ISO 4217 currency code (upper case)."));
                    continue;
                }

                if (minimums.Take(i).Any(m => m?.Currency == minimum.Currency))
                {
                    failures.Add(new($"{field}.currency", $"{minimum.Currency} has a minimum already."));
                }

                if (minimum.Amount < 0m || !Currencies.FitsMinorUnits(minimum.Amount, minimum.Currency))
                {
                    failures.Add(new($"{field}.amount", $"The minimum must not be negative and must fit {minimum.Currency}'s minor units."));
                }
            }
        }

        if (rules.Schedule is not { } schedule)
        {
            failures.Add(new("schedule", "The schedule is required: a run interval and a batch size."));
        }
        else
        {
            if (schedule.RunInterval < MinRunInterval || schedule.RunInterval > MaxRunInterval)
            {
                failures.Add(new("schedule.runInterval", $"The run interval must be from {MinRunInterval.TotalSeconds:0} second to {MaxRunInterval.TotalHours:0} hours."));
            }

            if (schedule.BatchSize is < 1 or > MaxBatchSize)
            {
                failures.Add(new("schedule.batchSize", $"The batch size must be from 1 to {MaxBatchSize}."));
            }
        }

        return failures;
    }

    private static void Percent(decimal value, string field, List<ValidationFailure> failures)
    {
        if (value is < 0m or > 100m || decimal.Round(value, 4) != value)
        {
            failures.Add(new(field, $"'{field}' must be a percent from 0 to 100, with at most four decimals."));
        }
    }
}
