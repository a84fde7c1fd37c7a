using Marketplace.Cart.Owners;
using Marketplace.Catalog.Contracts;
using Marketplace.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Cart.Contracts;

/// <summary>
/// What checkout (Ordering) needs of the cart: whose cart a request names, the cart priced now exactly as
/// <c>GET /api/v1/cart</c> prices it, and taking out what was ordered once the order is placed. Cart never calls
/// Ordering; Ordering calls this.
/// </summary>
public interface ICartCheckout
{
    /// <summary>
    /// The cart a request names, resolved exactly as the cart routes do: a guest cart by the <c>X-Cart-Token</c>
    /// header (which wins when both are sent), else the signed-in customer's cart by the bearer token. When neither
    /// names a cart, the result carries no caller and the problem the cart routes answer: 401 when nothing names a
    /// cart, 404 when the token cannot be one (as for an unknown token, so tokens cannot be probed).
    /// </summary>
    CheckoutCallerResult CallerOf(HttpContext http);

    /// <summary>
    /// The caller's cart priced now: the live offers, the promo codes' uses and the pricing rules in force, through the
    /// same code as <c>GET /api/v1/cart</c>, so the totals are the ones the customer sees there. Null when a guest cart
    /// does not exist (expired, merged away, or never used and older than a guest cart may idle), as the cart route's
    /// 404. An empty or unpriceable cart is returned with <see cref="CheckoutCart.CanCheckout"/> false.
    /// </summary>
    Task<CheckoutCart?> PriceAsync(CheckoutCaller caller, CancellationToken cancellationToken);

    /// <summary>
    /// Takes out of the caller's cart what an order group bought, once the order is placed: each offer's line loses
    /// the ordered quantity, and goes when nothing is left. Lines and units added after checkout began stay. Idempotent
    /// per <paramref name="orderGroupId"/>: a repeat (a retried event, a second replica) removes nothing more. A cart
    /// that no longer exists is left alone. Works the same on Redis and on the in-process store.
    /// </summary>
    /// <param name="caller">The caller the order was placed for (from <see cref="CallerOf"/> at checkout).</param>
    /// <param name="orderGroupId">The placed order group; removing twice for it removes once.</param>
    /// <param name="ordered">Each offer ordered and its quantity.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task RemoveOrderedAsync(CheckoutCaller caller, Guid orderGroupId, IReadOnlyList<(Guid OfferId, int Quantity)> ordered, CancellationToken cancellationToken);

    /// <summary>
    /// The caller a stored <see cref="CheckoutCaller.OwnerKey"/> names, for what follows checkout after it answered (a
    /// 3-D Secure payment completed later takes the ordered lines out of the same cart). Null for a key Cart never
    /// makes.
    /// </summary>
    /// <param name="ownerKey">The <see cref="CheckoutCaller.OwnerKey"/> kept at checkout.</param>
    /// <param name="customerId">The signed-in customer checkout was for, if any.</param>
    /// <returns>The caller, or null.</returns>
    CheckoutCaller? CallerOfOwnerKey(string ownerKey, Guid? customerId);
}

/// <summary>Whose cart a request names, or why it names none.</summary>
/// <param name="Caller">The cart owner; null when the request names no cart.</param>
/// <param name="Problem">When <paramref name="Caller"/> is null, the problem the cart routes answer (401 or 404); otherwise null.</param>
public sealed record CheckoutCallerResult(CheckoutCaller? Caller, ProblemHttpResult? Problem);

/// <summary>
/// The owner of a cart at checkout. Opaque: only Cart can make one (through <see cref="ICartCheckout.CallerOf"/>).
/// </summary>
public sealed record CheckoutCaller
{
    internal const string GuestPrefix = "guest:";
    internal const string CustomerPrefix = "customer:";

    internal CheckoutCaller(CartOwner owner)
    {
        Owner = owner;
        CustomerId = owner.CustomerId;
        IsGuestCart = owner.Key.IsGuest;
        OwnerKey = (owner.Key.IsGuest ? GuestPrefix : CustomerPrefix) + owner.Key.Id;
    }

    /// <summary>
    /// The signed-in customer, if any. A signed-in customer who still sends a guest token (before merging) buys with
    /// the guest cart but as the customer: prices and promo-code limits are the customer's.
    /// </summary>
    public Guid? CustomerId { get; }

    /// <summary>True when the cart is a guest cart named by <c>X-Cart-Token</c>.</summary>
    public bool IsGuestCart { get; }

    /// <summary>True when nobody is signed in: a guest buying with a guest cart.</summary>
    public bool IsGuest => CustomerId is null;

    /// <summary>
    /// A stable key of the cart owner, to scope things by (idempotency keys): <c>customer:…</c> or <c>guest:…</c>. A
    /// guest's key is a hash of its token, never the token, so it is safe to store.
    /// </summary>
    public string OwnerKey { get; }

    internal CartOwner Owner { get; }
}

/// <summary>
/// A cart priced at one moment, in the shape an order keeps: per seller group, each line with its price, its discounts
/// and the rules that gave it nothing (the pricing explanation), and what delivery needs (dispatch days, dimensions).
/// </summary>
/// <param name="Version">The cart's content version (goes up with every change).</param>
/// <param name="Currency">The currency of the totals; null while nothing can be priced.</param>
/// <param name="Sellers">One group per seller, in the order the sellers' first lines were added.</param>
/// <param name="PromoCodes">Each promo code entered, whether it applied (and if not why), and its limits.</param>
/// <param name="Discounts">Each rule that gave a discount, with what it gave over the whole order.</param>
/// <param name="RulesNotApplied">Rules that were considered and gave nothing, each with the reason.</param>
/// <param name="FreeDelivery">The whole-order free-delivery threshold, met or nearest to being met, if one applies.</param>
/// <param name="Subtotal">List price of the lines that can be bought; null while none can.</param>
/// <param name="Discount">All discounts together; null while nothing can be priced.</param>
/// <param name="Total">What the goods cost (the sum of the priced line totals, delivery not included); null while nothing can be priced.</param>
/// <param name="CanCheckout">True when the cart has lines and no line has an issue.</param>
/// <param name="Fingerprint">
/// A hash of what the customer is shown: each line's offer, quantity, unit price, discounts and total, the order's
/// discounts and total. It is the same for the same prices whatever else changes (cart version, stock that still
/// suffices), and changes when any of those change, so checkout can tell "the total the customer saw" still holds.
/// </param>
public sealed record CheckoutCart(
    long Version,
    string? Currency,
    IReadOnlyList<CheckoutSellerGroup> Sellers,
    IReadOnlyList<CheckoutPromoCode> PromoCodes,
    IReadOnlyList<CheckoutDiscount> Discounts,
    IReadOnlyList<CheckoutRuleNotApplied> RulesNotApplied,
    CheckoutFreeDelivery? FreeDelivery,
    Money? Subtotal,
    Money? Discount,
    Money? Total,
    bool CanCheckout,
    string Fingerprint)
{
    /// <summary>The limits of the promo codes that gave a discount: what to count with <see cref="IPromoCodeUsage.TryRecordPlacedOrderAsync"/>.</summary>
    public IReadOnlyList<PromoCodeLimit> AppliedPromoCodeLimits => PromoCodes.Where(p => p.Applied).Select(p => p.Limit).ToList();
}

/// <summary>One seller's part of the cart, which becomes one seller order.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="Lines">The seller's lines, in the order they were added.</param>
/// <param name="Subtotal">List price of the seller's lines that can be bought; null while none can.</param>
/// <param name="Discount">Discounts on those lines.</param>
/// <param name="Total">What those lines cost.</param>
/// <param name="FreeDelivery">Whether this part ships free (its own threshold or the order's), or how much is missing; null when no free-delivery rule applies.</param>
public sealed record CheckoutSellerGroup(
    Guid SellerId,
    IReadOnlyList<CheckoutLine> Lines,
    Money? Subtotal,
    Money? Discount,
    Money? Total,
    CheckoutFreeDelivery? FreeDelivery);

/// <summary>One line as priced now. Catalog facts are null when the offer is gone.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="SkuId">The SKU.</param>
/// <param name="SkuCode">The SKU's code.</param>
/// <param name="ProductId">The product.</param>
/// <param name="ProductTitle">The product's title.</param>
/// <param name="CategoryId">The product's category (the platform's commission on the line depends on it).</param>
/// <param name="Quantity">Units in the cart.</param>
/// <param name="UnitListPrice">The offer's price per unit now.</param>
/// <param name="UnitPriceWhenAdded">The price per unit when the line was first added.</param>
/// <param name="AvailableStock">Units the seller has now.</param>
/// <param name="DispatchDays">Working days the seller needs to hand the offer to a carrier.</param>
/// <param name="Dimensions">The SKU's packed weight and size.</param>
/// <param name="Priced">Whether the line counts in the totals.</param>
/// <param name="ListTotal">List price of all units; null when not priced.</param>
/// <param name="Discount">Discounts on the line; null when not priced.</param>
/// <param name="Total">What the line costs; null when not priced.</param>
/// <param name="Discounts">Each discount on the line with the rule that gave it.</param>
/// <param name="RulesNotApplied">Rules in the line's scope that gave it nothing, with the reason (the explanation's other half).</param>
/// <param name="Issues">What stands in the way of buying the line as it is; empty when it can be bought.</param>
public sealed record CheckoutLine(
    Guid OfferId,
    Guid? SkuId,
    string? SkuCode,
    Guid? ProductId,
    string? ProductTitle,
    Guid? CategoryId,
    int Quantity,
    Money? UnitListPrice,
    Money UnitPriceWhenAdded,
    int? AvailableStock,
    int? DispatchDays,
    SkuDimensions? Dimensions,
    bool Priced,
    Money? ListTotal,
    Money? Discount,
    Money? Total,
    IReadOnlyList<CheckoutDiscount> Discounts,
    IReadOnlyList<CheckoutRuleNotApplied> RulesNotApplied,
    IReadOnlyList<CheckoutLineIssue> Issues);

/// <summary>Why a line cannot be checked out as it stands (the same flags <c>GET /api/v1/cart</c> shows).</summary>
public enum CheckoutLineIssue
{
    /// <summary>The price per unit differs from when the line was added (the line is priced at the new price).</summary>
    PriceChanged,

    /// <summary>The seller has no stock; the line is not priced.</summary>
    OutOfStock,

    /// <summary>The line asks for more units than the seller has.</summary>
    QuantityExceedsStock,

    /// <summary>The offer was withdrawn; the line is not priced.</summary>
    OfferUnavailable,

    /// <summary>The offer is priced in another currency than the rest of the cart; the line is not priced.</summary>
    OtherCurrency,
}

/// <summary>A discount and the rule that gave it.</summary>
/// <param name="RuleId">The rule's id.</param>
/// <param name="RuleName">The rule's name.</param>
/// <param name="Kind">The rule's kind (percentage, fixed, cartThreshold, buyXGetY, bundle).</param>
/// <param name="Amount">The amount taken off.</param>
public sealed record CheckoutDiscount(string RuleId, string RuleName, string Kind, Money Amount);

/// <summary>A rule that was considered and gave nothing.</summary>
/// <param name="RuleId">The rule's id.</param>
/// <param name="RuleName">The rule's name.</param>
/// <param name="Reason">Why, in the words the cart shows ("threshold not met: 3,200.00 of 5,000.00").</param>
public sealed record CheckoutRuleNotApplied(string RuleId, string RuleName, string Reason);

/// <summary>Where the order, or a seller's part, stands against a free-delivery threshold.</summary>
/// <param name="RuleId">The free-delivery rule.</param>
/// <param name="RuleName">Its name.</param>
/// <param name="Threshold">The value from which delivery is free.</param>
/// <param name="Met">True when delivery is free.</param>
/// <param name="Missing">How much more is needed; zero when met.</param>
public sealed record CheckoutFreeDelivery(string RuleId, string RuleName, Money Threshold, bool Met, Money Missing);

/// <summary>A promo code entered in the cart, what became of it, and its limits in the rules it was priced with.</summary>
/// <param name="Code">The code (upper case).</param>
/// <param name="Applied">True when it gave a discount.</param>
/// <param name="Reason">Why it gave nothing; null when applied.</param>
/// <param name="Limit">Its use limits in the rules in force when priced (none for an unknown code).</param>
public sealed record CheckoutPromoCode(string Code, bool Applied, string? Reason, PromoCodeLimit Limit);
