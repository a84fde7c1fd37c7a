using System.Text.Json.Serialization;
using Marketplace.Platform;

namespace Marketplace.Cart.Reading;

/// <summary>
/// A cart priced now: against the live offers and the pricing rules in force. Lines are grouped by seller, since each
/// seller's part ships separately. A line that cannot be bought as it stands is flagged, never dropped.
/// </summary>
/// <param name="Version">Goes up with every change to the cart's contents; a client can tell whether its copy is current.</param>
/// <param name="Currency">The currency of the totals; null while nothing in the cart can be priced.</param>
/// <param name="Sellers">One group per seller, in the order the sellers' first lines were added.</param>
/// <param name="LineCount">Lines in the cart, flagged ones included.</param>
/// <param name="ItemCount">Units in the cart, flagged lines included.</param>
/// <param name="Subtotal">List price of the lines that can be bought; null while there are none.</param>
/// <param name="Discount">All discounts together.</param>
/// <param name="Total">What the lines that can be bought cost: the sum of their line totals.</param>
/// <param name="Discounts">Each rule that gave a discount, with what it gave over all lines.</param>
/// <param name="FreeDelivery">The whole-order free-delivery threshold, met or nearest to being met, if one applies.</param>
/// <param name="PromoCodes">Each promo code entered, whether it applied, and if not why.</param>
/// <param name="RulesNotApplied">Rules that were considered and gave nothing, each with the reason.</param>
/// <param name="ReadyForCheckout">True when the cart has lines and none is flagged.</param>
public sealed record CartResponse(
    long Version,
    string? Currency,
    IReadOnlyList<CartSellerResponse> Sellers,
    int LineCount,
    int ItemCount,
    Money? Subtotal,
    Money? Discount,
    Money? Total,
    IReadOnlyList<CartDiscountResponse> Discounts,
    CartFreeDeliveryResponse? FreeDelivery,
    IReadOnlyList<CartPromoCodeResponse> PromoCodes,
    IReadOnlyList<CartRuleNotAppliedResponse> RulesNotApplied,
    bool ReadyForCheckout);

/// <summary>One seller's part of the cart.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="Lines">The seller's lines, in the order they were added.</param>
/// <param name="Subtotal">List price of the seller's lines that can be bought; null while there are none.</param>
/// <param name="Discount">Discounts on those lines.</param>
/// <param name="Total">What those lines cost.</param>
/// <param name="FreeDelivery">Whether this part ships free, or how much is missing; null when no free-delivery rule applies.</param>
public sealed record CartSellerResponse(
    Guid SellerId,
    IReadOnlyList<CartLineResponse> Lines,
    Money? Subtotal,
    Money? Discount,
    Money? Total,
    CartFreeDeliveryResponse? FreeDelivery);

/// <summary>One line: an offer (seller × SKU) and a quantity, priced now.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="SellerId">The seller of the offer.</param>
/// <param name="SkuId">The SKU; null when the offer is no longer available.</param>
/// <param name="SkuCode">The SKU's code; null when the offer is no longer available.</param>
/// <param name="ProductId">The product; null when the offer is no longer available.</param>
/// <param name="ProductTitle">The product's title; null when the offer is no longer available.</param>
/// <param name="Quantity">Units in the cart.</param>
/// <param name="UnitPrice">The offer's price per unit now; null when the offer is no longer available.</param>
/// <param name="UnitPriceWhenAdded">The price per unit when the line was first added.</param>
/// <param name="AvailableStock">Units the seller has now; null when the offer is no longer available.</param>
/// <param name="Issues">What stands in the way of buying the line as it is, or what changed since it was added.</param>
/// <param name="Priced">Whether the line counts in the totals (lines that cannot be bought at all do not).</param>
/// <param name="ListTotal">List price of all units; null when not priced.</param>
/// <param name="Discount">Discounts on the line.</param>
/// <param name="Total">What the line costs; null when not priced.</param>
/// <param name="Discounts">Each discount on the line with the rule that gave it.</param>
/// <param name="RulesNotApplied">Rules in the line's scope that gave it nothing, each with the reason.</param>
public sealed record CartLineResponse(
    Guid OfferId,
    Guid SellerId,
    Guid? SkuId,
    string? SkuCode,
    Guid? ProductId,
    string? ProductTitle,
    int Quantity,
    Money? UnitPrice,
    Money UnitPriceWhenAdded,
    int? AvailableStock,
    IReadOnlyList<CartLineIssue> Issues,
    bool Priced,
    Money? ListTotal,
    Money? Discount,
    Money? Total,
    IReadOnlyList<CartDiscountResponse> Discounts,
    IReadOnlyList<CartRuleNotAppliedResponse> RulesNotApplied);

/// <summary>Why a line cannot be bought as it stands, or what changed since it was added.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CartLineIssue>))]
public enum CartLineIssue
{
    /// <summary>The price per unit differs from when the line was added (the line is priced at the new price).</summary>
    PriceChanged,

    /// <summary>The seller has no stock; the line is not priced.</summary>
    OutOfStock,

    /// <summary>The line asks for more units than the seller has (see availableStock).</summary>
    QuantityExceedsStock,

    /// <summary>The offer was withdrawn; the line is not priced.</summary>
    OfferUnavailable,

    /// <summary>The offer is priced in another currency than the rest of the cart; the line is not priced.</summary>
    OtherCurrency,
}

/// <summary>A discount and the rule that gave it.</summary>
/// <param name="RuleId">The rule's id.</param>
/// <param name="RuleName">The rule's name.</param>
/// <param name="Kind">The rule's kind.</param>
/// <param name="Amount">The amount taken off.</param>
public sealed record CartDiscountResponse(string RuleId, string RuleName, string Kind, Money Amount);

/// <summary>A rule that was considered and gave nothing.</summary>
/// <param name="RuleId">The rule's id.</param>
/// <param name="RuleName">The rule's name.</param>
/// <param name="Reason">Why, for example "threshold not met: 3,200.00 of 5,000.00".</param>
public sealed record CartRuleNotAppliedResponse(string RuleId, string RuleName, string Reason);

/// <summary>Where the cart, or a seller's part, stands against a free-delivery threshold.</summary>
/// <param name="RuleId">The free-delivery rule.</param>
/// <param name="RuleName">Its name.</param>
/// <param name="Threshold">The value from which delivery is free.</param>
/// <param name="Met">True when delivery is free.</param>
/// <param name="Missing">How much more is needed; zero when met.</param>
public sealed record CartFreeDeliveryResponse(string RuleId, string RuleName, Money Threshold, bool Met, Money Missing);

/// <summary>A promo code entered in the cart and what became of it.</summary>
/// <param name="Code">The code (upper case).</param>
/// <param name="Applied">True when it gave a discount.</param>
/// <param name="Reason">Why it gave nothing ("unknown promo code", "promo code expired"…); null when applied.</param>
public sealed record CartPromoCodeResponse(string Code, bool Applied, string? Reason);
