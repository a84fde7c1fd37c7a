namespace Marketplace.Pricing.Engine;

/// <summary>
/// What a rule kind offers the lines it may touch, before any cap: an amount per line, or the reason it offers nothing.
/// A struct, as every rule of every pricing makes one.
/// </summary>
internal readonly struct KindOffer
{
    private KindOffer(LineAmounts amounts, string? reason)
    {
        Amounts = amounts;
        Reason = reason;
    }

    /// <summary>The amount offered per line; meaningless when <see cref="Reason"/> is set.</summary>
    public LineAmounts Amounts { get; }

    /// <summary>Why the rule offers nothing, in the customer's words; null when it offers amounts.</summary>
    public string? Reason { get; }

    public static KindOffer Of(LineAmounts amounts) => new(amounts, null);

    public static KindOffer Nothing(string reason) => new(default, reason);
}
