using Marketplace.Platform;

namespace Marketplace.Pricing;

/// <summary>A cart to price: its lines, who is buying, and the promo codes entered.</summary>
public sealed record PricingRequest
{
    /// <summary>The cart's currency; every line's unit price must be in it. Rules with amounts in another currency do not apply.</summary>
    public required string Currency { get; init; }

    /// <summary>The lines, each an offer and a quantity.</summary>
    public IReadOnlyList<PricingLine> Lines { get; init; } = [];

    /// <summary>Who is buying.</summary>
    public PricingCustomer Customer { get; init; } = PricingCustomer.Guest;

    /// <summary>Promo codes entered in the cart, with how often each was used so far.</summary>
    public IReadOnlyList<PromoCodeUsage> PromoCodes { get; init; } = [];
}

/// <summary>One cart line with the catalog facts rules are scoped by.</summary>
public sealed record PricingLine
{
    /// <summary>The cart line's id; results name lines by it.</summary>
    public required Guid LineId { get; init; }

    /// <summary>The offer (seller × SKU).</summary>
    public required Guid OfferId { get; init; }

    /// <summary>The seller; lines are grouped by seller because each seller's part ships separately.</summary>
    public required Guid SellerId { get; init; }

    /// <summary>The SKU.</summary>
    public required Guid SkuId { get; init; }

    /// <summary>The product the SKU belongs to.</summary>
    public required Guid ProductId { get; init; }

    /// <summary>The product's category.</summary>
    public required Guid CategoryId { get; init; }

    /// <summary>Every ancestor of the category, up to the root, in any order.</summary>
    public IReadOnlyList<Guid> CategoryAncestorIds { get; init; } = [];

    /// <summary>The product's brand, if it has one.</summary>
    public Guid? BrandId { get; init; }

    /// <summary>The offer's price for one unit, in the cart's currency.</summary>
    public required Money UnitListPrice { get; init; }

    /// <summary>Units in the cart, at least 1.</summary>
    public required int Quantity { get; init; }
}

/// <summary>The buyer as segments see it. Customer lists are resolved from the rules by <see cref="CustomerId"/>.</summary>
public sealed record PricingCustomer
{
    /// <summary>An anonymous buyer with a guest cart.</summary>
    public static PricingCustomer Guest { get; } = new();

    /// <summary>The customer account, or null for a guest.</summary>
    public Guid? CustomerId { get; init; }

    /// <summary>True when the buyer is signed in.</summary>
    public bool SignedIn { get; init; }

    /// <summary>True when the customer has placed no order yet.</summary>
    public bool NewCustomer { get; init; }
}

/// <summary>A promo code entered in the cart and its usage so far (counted by orders placed, not by carts).</summary>
public sealed record PromoCodeUsage
{
    /// <summary>The code as entered.</summary>
    public required string Code { get; init; }

    /// <summary>Orders placed with the code so far, by anyone.</summary>
    public int TimesUsed { get; init; }

    /// <summary>Orders placed with the code so far by this customer.</summary>
    public int TimesUsedByCustomer { get; init; }
}
