using Marketplace.Platform;

namespace Marketplace.Pricing;

/// <summary>
/// A priced cart that explains itself: what each line costs and why, what each seller's part comes to and whether it
/// ships free, and every rule that was considered but did not apply with the reason. Line totals add up exactly to
/// <see cref="Total"/>, and nothing is negative.
/// </summary>
public sealed record PricedCart
{
    /// <summary>The cart's currency.</summary>
    public required string Currency { get; init; }

    /// <summary>The lines, in the order of the request.</summary>
    public required IReadOnlyList<PricedLine> Lines { get; init; }

    /// <summary>One group per seller, in the order sellers first appear in the lines.</summary>
    public required IReadOnlyList<SellerGroupPrice> Sellers { get; init; }

    /// <summary>Sum of the lines' list totals.</summary>
    public required Money Subtotal { get; init; }

    /// <summary>Sum of all discounts.</summary>
    public required Money Discount { get; init; }

    /// <summary>What the goods cost: <see cref="Subtotal"/> less <see cref="Discount"/>, and the sum of the line totals.</summary>
    public required Money Total { get; init; }

    /// <summary>Each rule that gave a discount, with what it gave over all lines, in the order the rules were applied.</summary>
    public required IReadOnlyList<AppliedDiscount> Discounts { get; init; }

    /// <summary>The whole-order free-delivery threshold that is met or nearest to being met, if any applies.</summary>
    public FreeDeliveryStatus? OrderFreeDelivery { get; init; }

    /// <summary>Each promo code entered, whether it gave a discount and if not why.</summary>
    public required IReadOnlyList<PromoCodeOutcome> PromoCodes { get; init; }

    /// <summary>Rules that were considered (something in the cart is in their scope, or their code was entered) and gave nothing.</summary>
    public required IReadOnlyList<RuleNotApplied> RulesNotApplied { get; init; }
}

/// <summary>One priced line.</summary>
public sealed record PricedLine
{
    /// <summary>The cart line's id.</summary>
    public required Guid LineId { get; init; }

    /// <summary>The offer.</summary>
    public required Guid OfferId { get; init; }

    /// <summary>The seller.</summary>
    public required Guid SellerId { get; init; }

    /// <summary>Units.</summary>
    public required int Quantity { get; init; }

    /// <summary>List price of one unit.</summary>
    public required Money UnitListPrice { get; init; }

    /// <summary>List price of all units, rounded to the currency.</summary>
    public required Money ListTotal { get; init; }

    /// <summary>Each discount on this line, with the rule that gave it, in the order applied.</summary>
    public required IReadOnlyList<AppliedDiscount> Discounts { get; init; }

    /// <summary>Sum of <see cref="Discounts"/>.</summary>
    public required Money Discount { get; init; }

    /// <summary>What the line costs: <see cref="ListTotal"/> less <see cref="Discount"/>, never negative.</summary>
    public required Money Total { get; init; }

    /// <summary>Rules in this line's scope, active for the cart, that gave this line nothing, with the reason.</summary>
    public required IReadOnlyList<RuleNotApplied> RulesNotApplied { get; init; }
}

/// <summary>A discount and the rule that gave it.</summary>
/// <param name="RuleId">The rule's id.</param>
/// <param name="RuleName">The rule's name.</param>
/// <param name="Kind">The rule's kind (percentage, fixed, cartThreshold, buyXGetY, bundle).</param>
/// <param name="Amount">The amount taken off.</param>
public sealed record AppliedDiscount(string RuleId, string RuleName, string Kind, Money Amount);

/// <summary>A rule that was considered and gave nothing, and why.</summary>
/// <param name="RuleId">The rule's id.</param>
/// <param name="RuleName">The rule's name.</param>
/// <param name="Reason">Why, in words a customer can read, for example "threshold not met: 3,200.00 of 5,000.00".</param>
public sealed record RuleNotApplied(string RuleId, string RuleName, string Reason);

/// <summary>One seller's part of the cart, which ships separately.</summary>
public sealed record SellerGroupPrice
{
    /// <summary>The seller.</summary>
    public required Guid SellerId { get; init; }

    /// <summary>Sum of the seller's lines' list totals.</summary>
    public required Money Subtotal { get; init; }

    /// <summary>Sum of the discounts on the seller's lines.</summary>
    public required Money Discount { get; init; }

    /// <summary>Sum of the seller's line totals.</summary>
    public required Money Total { get; init; }

    /// <summary>
    /// Free delivery for this part: met when its own threshold is met or the whole order's is; otherwise the
    /// threshold nearest to being met. Null when no free-delivery rule applies to this seller.
    /// </summary>
    public FreeDeliveryStatus? FreeDelivery { get; init; }
}

/// <summary>Where a cart stands against a free-delivery threshold; Delivery reads it.</summary>
/// <param name="RuleId">The free-delivery rule.</param>
/// <param name="RuleName">Its name.</param>
/// <param name="Threshold">The value from which delivery is free.</param>
/// <param name="Met">True when delivery is free.</param>
/// <param name="Missing">How much more is needed; zero when met.</param>
public sealed record FreeDeliveryStatus(string RuleId, string RuleName, Money Threshold, bool Met, Money Missing);

/// <summary>A promo code entered in the cart and what became of it.</summary>
/// <param name="Code">The code as entered.</param>
/// <param name="Applied">True when at least one of its rules gave a discount.</param>
/// <param name="Reason">Why it gave nothing ("unknown promo code", "promo code expired"…); null when applied.</param>
public sealed record PromoCodeOutcome(string Code, bool Applied, string? Reason);
