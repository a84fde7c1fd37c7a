using Marketplace.Platform;

namespace Marketplace.Pricing.Engine;

/// <summary>
/// What each line of one cart costs, has been given and has left, and what it has been told. Parallel arrays indexed
/// by line rather than an object per line: every rule reads and updates them for every line in its scope, and this is
/// where pricing spends its time.
/// </summary>
internal sealed class LineLedger
{
    /// <exception cref="ArgumentException">A line is in another currency, has a negative price, or less than one unit.</exception>
    public LineLedger(PricingRequest request, string currency)
    {
        var lines = request.Lines ?? [];
        Lines = lines;
        Currency = currency;
        MinorUnits = Currencies.MinorUnitsOf(currency);
        var count = lines.Count;
        ListTotal = new decimal[count];
        Discount = new decimal[count];
        Remaining = new decimal[count];
        HeldByExclusive = new bool[count];
        Discounts = new List<AppliedDiscount>?[count];
        NotApplied = new List<RuleNotApplied>?[count];
        for (var i = 0; i < count; i++)
        {
            var line = lines[i];
            if (!string.Equals(line.UnitListPrice.Currency, currency, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Line {line.LineId} is priced in {line.UnitListPrice.Currency}, the cart in {currency}.", nameof(request));
            }

            if (line.Quantity < 1 || line.UnitListPrice.Amount < 0m)
            {
                throw new ArgumentException($"Line {line.LineId} needs at least one unit and a price that is not negative.", nameof(request));
            }

            ListTotal[i] = Currencies.Round(line.UnitListPrice.Amount * line.Quantity, currency);
            Remaining[i] = ListTotal[i];
            OrderList += ListTotal[i];
        }
    }

    public IReadOnlyList<PricingLine> Lines { get; }

    public int Count => Lines.Count;

    /// <summary>The cart's currency, normalized: every amount here is in it.</summary>
    public string Currency { get; }

    public int MinorUnits { get; }

    public decimal[] ListTotal { get; }

    public decimal[] Discount { get; }

    /// <summary>List total less discount, kept alongside because every rule reads it for every line.</summary>
    public decimal[] Remaining { get; }

    /// <summary>Lines an exclusive rule has discounted: no later rule may touch them.</summary>
    public bool[] HeldByExclusive { get; }

    /// <summary>Per line, the discounts it got; null until it gets one, since most lines of a big cart get few.</summary>
    public List<AppliedDiscount>?[] Discounts { get; }

    /// <summary>Per line, the rules in whose scope it was that gave it nothing, and why.</summary>
    public List<RuleNotApplied>?[] NotApplied { get; }

    public decimal OrderList { get; }

    public decimal OrderDiscount { get; private set; }

    public Money InCurrency(decimal amount) => new(amount, Currency);

    public void Give(int line, CompiledDiscount rule, decimal amount)
    {
        Discount[line] += amount;
        Remaining[line] -= amount;
        HeldByExclusive[line] |= rule.Exclusive;
        (Discounts[line] ??= []).Add(new AppliedDiscount(rule.Id, rule.Name, rule.KindName, InCurrency(amount)));
    }

    /// <summary>Adds what one rule gave, over all its lines, to the order's discount.</summary>
    public void AddToOrderDiscount(decimal given) => OrderDiscount += given;

    public void TellNotApplied(int line, CompiledDiscount rule, string reason) =>
        (NotApplied[line] ??= []).Add(new RuleNotApplied(rule.Id, rule.Name, reason));
}
