using Marketplace.Platform;

namespace Marketplace.Pricing;

/// <summary>
/// The runtime section "pricing": every discount, promo code, customer list and free-delivery threshold marketing
/// edits as one JSON document (camelCase). The engine treats an instance as immutable once it has priced a cart with it.
/// </summary>
public sealed record PricingRules
{
    /// <summary>Discount rules of every kind, in any order: the engine orders them by priority, then by id.</summary>
    public IReadOnlyList<DiscountRule> Discounts { get; init; } = [];

    /// <summary>Promo codes that unlock discount rules naming them in <c>promoCode</c>.</summary>
    public IReadOnlyList<PromoCode> PromoCodes { get; init; } = [];

    /// <summary>Named lists of customers that a rule's segment can target (for example "vip").</summary>
    public IReadOnlyList<CustomerList> CustomerLists { get; init; } = [];

    /// <summary>Order values above which delivery is free, per seller group or for the whole order.</summary>
    public IReadOnlyList<FreeDeliveryRule> FreeDelivery { get; init; } = [];

    /// <summary>Limits on the discount of all rules together; none when omitted.</summary>
    public DiscountLimits? Limits { get; init; }
}

/// <summary>The known values of <see cref="DiscountRule.Kind"/>.</summary>
public static class DiscountKinds
{
    /// <summary>A percentage off each matching line.</summary>
    public const string Percentage = "percentage";

    /// <summary>A fixed amount off each matching unit.</summary>
    public const string Fixed = "fixed";

    /// <summary>A percentage or fixed amount off the matching lines once their value reaches a threshold.</summary>
    public const string CartThreshold = "cartThreshold";

    /// <summary>Buy <c>buy</c> units and get <c>get</c> more free (or <c>percent</c> off); the cheapest units are the free ones.</summary>
    public const string BuyXGetY = "buyXGetY";

    /// <summary>A set of SKUs or products bought together costs <c>bundlePrice</c>, or <c>percent</c> less.</summary>
    public const string Bundle = "bundle";

    /// <summary>Every kind, as written in the JSON document.</summary>
    public static IReadOnlyList<string> All { get; } = [Percentage, Fixed, CartThreshold, BuyXGetY, Bundle];
}

/// <summary>The known values of <see cref="DiscountRule.Stacking"/>.</summary>
public static class StackingModes
{
    /// <summary>The rule is the only discount on a line it applies to; it applies only to lines nothing discounted yet.</summary>
    public const string Exclusive = "exclusive";

    /// <summary>The rule adds to the discounts of higher-priority rules, up to <c>combinedCapPercent</c> when given.</summary>
    public const string Combinable = "combinable";

    /// <summary>Every mode, as written in the JSON document.</summary>
    public static IReadOnlyList<string> All { get; } = [Exclusive, Combinable];
}

/// <summary>
/// One discount. Which fields matter depends on <see cref="Kind"/>: <c>percent</c> or <c>amountOff</c> for
/// percentage, fixed and cartThreshold; <c>threshold</c> for cartThreshold; <c>buy</c>/<c>get</c> for buyXGetY;
/// <c>items</c> with <c>bundlePrice</c> or <c>percent</c> for bundle.
/// </summary>
public sealed record DiscountRule
{
    /// <summary>Unique id across discounts and free-delivery rules; results and audit name rules by it.</summary>
    public string Id { get; init; } = "";

    /// <summary>The name a customer sees next to the discount.</summary>
    public string Name { get; init; } = "";

    /// <summary>One of <see cref="DiscountKinds.All"/>: percentage, fixed, cartThreshold, buyXGetY, bundle.</summary>
    public string Kind { get; init; } = "";

    /// <summary>Percent off (0–100): for percentage, for cartThreshold and bundle instead of an amount, and for the free units of buyXGetY (100 when omitted).</summary>
    public decimal? Percent { get; init; }

    /// <summary>Amount off: per unit for fixed; off the matching lines for cartThreshold.</summary>
    public Money? AmountOff { get; init; }

    /// <summary>For cartThreshold: the matching lines must be worth at least this (after higher-priority discounts).</summary>
    public Money? Threshold { get; init; }

    /// <summary>For buyXGetY: units to pay for in each group.</summary>
    public int? Buy { get; init; }

    /// <summary>For buyXGetY: units that come free in each group.</summary>
    public int? Get { get; init; }

    /// <summary>For bundle: what must be bought together, once per bundle.</summary>
    public IReadOnlyList<BundleItem> Items { get; init; } = [];

    /// <summary>For bundle: the price of one complete bundle, instead of a percent.</summary>
    public Money? BundlePrice { get; init; }

    /// <summary>Which lines the rule applies to; everything when empty. Bundles use their items instead.</summary>
    public DiscountScope Scope { get; init; } = new();

    /// <summary>When the rule is active; always when omitted.</summary>
    public TimeWindow? Window { get; init; }

    /// <summary>Which customers get the rule; everyone when omitted.</summary>
    public CustomerSegment? Segment { get; init; }

    /// <summary>When set, the rule applies only while this promo code (from <c>promoCodes</c>) is entered and valid.</summary>
    public string? PromoCode { get; init; }

    /// <summary>Higher goes first. Rules of equal priority go in the order of their ids.</summary>
    public int Priority { get; init; }

    /// <summary>One of <see cref="StackingModes.All"/>: exclusive or combinable (the default).</summary>
    public string Stacking { get; init; } = StackingModes.Combinable;

    /// <summary>For combinable rules: this rule tops a line's discount up to at most this percent of its list price.</summary>
    public decimal? CombinedCapPercent { get; init; }

    /// <summary>The most this rule takes off one line.</summary>
    public Money? MaxPerLine { get; init; }

    /// <summary>The most this rule takes off one order.</summary>
    public Money? MaxPerOrder { get; init; }
}

/// <summary>
/// The lines a rule applies to. A line matches when it matches every dimension that lists something; within a
/// dimension any listed id matches. A line matches a category when its category or one of its ancestors is listed.
/// </summary>
public sealed record DiscountScope
{
    /// <summary>SKU ids.</summary>
    public IReadOnlyList<Guid> Skus { get; init; } = [];

    /// <summary>Product ids.</summary>
    public IReadOnlyList<Guid> Products { get; init; } = [];

    /// <summary>Category ids; their subcategories are included.</summary>
    public IReadOnlyList<Guid> Categories { get; init; } = [];

    /// <summary>Brand ids.</summary>
    public IReadOnlyList<Guid> Brands { get; init; } = [];

    /// <summary>Seller ids.</summary>
    public IReadOnlyList<Guid> Sellers { get; init; } = [];
}

/// <summary>One part of a bundle: a SKU or any SKU of a product, and how many units one bundle needs.</summary>
public sealed record BundleItem
{
    /// <summary>The SKU, or null when <see cref="Product"/> is given.</summary>
    public Guid? Sku { get; init; }

    /// <summary>The product (any of its SKUs), or null when <see cref="Sku"/> is given.</summary>
    public Guid? Product { get; init; }

    /// <summary>Units of this item in one bundle.</summary>
    public int Quantity { get; init; } = 1;
}

/// <summary>A period of validity: from inclusive, to exclusive; an open end when omitted.</summary>
public sealed record TimeWindow
{
    /// <summary>First instant of validity.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>First instant after validity.</summary>
    public DateTimeOffset? To { get; init; }
}

/// <summary>Which customers a rule is for; each condition given must hold.</summary>
public sealed record CustomerSegment
{
    /// <summary>When set, the customer's new-customer status must equal it.</summary>
    public bool? NewCustomer { get; init; }

    /// <summary>When set, the customer's signed-in status must equal it.</summary>
    public bool? SignedIn { get; init; }

    /// <summary>When not empty, the customer must be on one of these lists (ids from <c>customerLists</c>).</summary>
    public IReadOnlyList<string> CustomerLists { get; init; } = [];
}

/// <summary>A named list of customers, for segments.</summary>
public sealed record CustomerList
{
    /// <summary>The list's id, which segments name.</summary>
    public string Id { get; init; } = "";

    /// <summary>The customer account ids on the list.</summary>
    public IReadOnlyList<Guid> CustomerIds { get; init; } = [];
}

/// <summary>A promo code. Uses are counted by the order when it is placed; the caller passes the counts in.</summary>
public sealed record PromoCode
{
    /// <summary>The code as customers type it; matched without regard to case.</summary>
    public string Code { get; init; } = "";

    /// <summary>When the code may be used; always when omitted.</summary>
    public TimeWindow? Window { get; init; }

    /// <summary>Uses allowed in total; unlimited when omitted.</summary>
    public int? MaxUses { get; init; }

    /// <summary>Uses allowed per customer account; unlimited when omitted. A guest cannot use a code that has one.</summary>
    public int? MaxUsesPerCustomer { get; init; }
}

/// <summary>The known values of <see cref="FreeDeliveryRule.AppliesTo"/>.</summary>
public static class FreeDeliveryScopes
{
    /// <summary>Each seller's part of the order, which ships separately, is measured on its own.</summary>
    public const string EachSeller = "eachSeller";

    /// <summary>The whole order is measured; when it is met, every seller's part ships free.</summary>
    public const string Order = "order";

    /// <summary>Every scope, as written in the JSON document.</summary>
    public static IReadOnlyList<string> All { get; } = [EachSeller, Order];
}

/// <summary>Delivery is free once the goods (after discounts) are worth at least <see cref="Threshold"/>.</summary>
public sealed record FreeDeliveryRule
{
    /// <summary>Unique id across discounts and free-delivery rules.</summary>
    public string Id { get; init; } = "";

    /// <summary>The name a customer sees.</summary>
    public string Name { get; init; } = "";

    /// <summary>One of <see cref="FreeDeliveryScopes.All"/>: eachSeller or order.</summary>
    public string AppliesTo { get; init; } = FreeDeliveryScopes.EachSeller;

    /// <summary>For eachSeller: only these sellers; every seller when empty.</summary>
    public IReadOnlyList<Guid> Sellers { get; init; } = [];

    /// <summary>The value from which delivery is free.</summary>
    public Money Threshold { get; init; }

    /// <summary>When the rule is active; always when omitted.</summary>
    public TimeWindow? Window { get; init; }

    /// <summary>Which customers get it; everyone when omitted.</summary>
    public CustomerSegment? Segment { get; init; }
}

/// <summary>Limits over all rules together, as a percent of list price.</summary>
public sealed record DiscountLimits
{
    /// <summary>No line is discounted by more than this percent of its list price.</summary>
    public decimal? MaxLineDiscountPercent { get; init; }

    /// <summary>No order is discounted by more than this percent of its list subtotal.</summary>
    public decimal? MaxOrderDiscountPercent { get; init; }
}
