using Marketplace.Cart.Contracts;
using Marketplace.Cart.Owners;
using Marketplace.Cart.Pricing;
using Marketplace.Cart.Storage;
using Marketplace.Catalog.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Cart.Reading;

/// <summary>
/// Reads a cart and prices it now: the live offers in one Catalog query, the promo codes' usage from the usage port,
/// and the rules in force. Lines whose offer cannot be bought are flagged and left out of the totals.
/// </summary>
internal sealed class CartReader(
    ICartStore store, IOfferLookup offers, IPromoCodeUsage usage, CartPricing pricing, TimeProvider clock, Microsoft.Extensions.Options.IOptions<CartOptions> options)
{
    /// <summary>
    /// The priced cart, or null when a guest cart is gone: merged away, or not stored and named by a token older than
    /// a guest cart may idle. A younger token with nothing stored has an empty cart (it is stored from its first line).
    /// </summary>
    public async Task<CartResponse?> ReadAsync(CartOwner owner, CancellationToken cancellationToken)
    {
        var cart = await store.ReadAsync(owner.Key, cancellationToken);
        if (cart is null && !owner.GuestTokenOutlived(clock.GetUtcNow(), options.Value) && !await store.WasMergedAsync(owner.Key, cancellationToken))
        {
            cart = StoredCart.Empty;
        }

        return cart is null ? null : await PriceAsync(cart, owner, cancellationToken);
    }

    /// <summary>The priced cart as an answer: 200, or 404 when a guest cart does not exist.</summary>
    public async Task<Results<Ok<CartResponse>, ProblemHttpResult>> RespondAsync(CartOwner owner, CancellationToken cancellationToken) =>
        await ReadAsync(owner, cancellationToken) is { } cart ? TypedResults.Ok(cart) : CartProblems.CartNotFound();

    public async Task<CartResponse> PriceAsync(StoredCart cart, CartOwner owner, CancellationToken cancellationToken)
    {
        var usesTask = cart.PromoCodes.Count == 0
            ? Task.FromResult<IReadOnlyDictionary<string, PromoCodeUses>>(new Dictionary<string, PromoCodeUses>())
            : usage.GetAsync(cart.PromoCodes, owner.CustomerId, cancellationToken);
        var live = await offers.FindAsync(cart.Lines.Select(l => l.OfferId).ToList(), cancellationToken);
        var uses = await usesTask;

        var assessed = cart.Lines.Select(line => Assess(line, live.GetValueOrDefault(line.OfferId))).ToList();
        var currency = assessed.FirstOrDefault(a => a.Priceable)?.Offer!.Price.Currency;
        if (currency is not null)
        {
            assessed = assessed.Select(a => a.Priceable && a.Offer!.Price.Currency != currency ? a.NotPriced(CartLineIssue.OtherCurrency) : a).ToList();
        }

        var price = currency is null
            ? null
            : pricing.Price(
                currency,
                assessed.Where(a => a.Priceable).Select(a => new PriceableLine(a.Offer!, a.Line.Quantity)).ToList(),
                cart.PromoCodes,
                uses,
                new Buyer(owner.CustomerId, owner.CustomerId is not null),
                clock.GetUtcNow());

        var sellers = assessed
            .GroupBy(a => a.SellerId)
            .Select(group =>
            {
                var sellerPrice = price?.Sellers.GetValueOrDefault(group.Key);
                return new CartSellerResponse(
                    group.Key,
                    group.Select(a => a.ToResponse(price?.Lines.GetValueOrDefault(a.Line.OfferId))).ToList(),
                    sellerPrice?.Subtotal,
                    sellerPrice?.Discount,
                    sellerPrice?.Total,
                    sellerPrice?.FreeDelivery);
            })
            .ToList();

        return new CartResponse(
            cart.Version,
            currency,
            sellers,
            cart.Lines.Count,
            cart.Lines.Sum(l => l.Quantity),
            price?.Subtotal,
            price?.Discount,
            price?.Total,
            price?.Discounts ?? [],
            price?.FreeDelivery,
            price?.PromoCodes ?? cart.PromoCodes.Select(c => new CartPromoCodeResponse(c, false, "nothing in the cart can be priced")).ToList(),
            price?.RulesNotApplied ?? [],
            ReadyForCheckout: cart.Lines.Count > 0 && assessed.All(a => a.Issues.Count == 0));
    }

    private static AssessedLine Assess(StoredLine line, OfferSnapshot? offer)
    {
        if (offer is not { Active: true })
        {
            return new AssessedLine(line, null, [CartLineIssue.OfferUnavailable], Priceable: false);
        }

        var issues = new List<CartLineIssue>();
        if (offer.Price != line.PriceWhenAdded)
        {
            issues.Add(CartLineIssue.PriceChanged);
        }

        if (offer.Stock <= 0)
        {
            issues.Add(CartLineIssue.OutOfStock);
        }
        else if (line.Quantity > offer.Stock)
        {
            issues.Add(CartLineIssue.QuantityExceedsStock);
        }

        return new AssessedLine(line, offer, issues, Priceable: offer.Stock > 0);
    }

    /// <summary>A stored line against its live offer (null when the offer is gone), with what stands in its way.</summary>
    private sealed record AssessedLine(StoredLine Line, OfferSnapshot? Offer, IReadOnlyList<CartLineIssue> Issues, bool Priceable)
    {
        public Guid SellerId => Offer?.SellerId ?? Line.SellerId;

        public AssessedLine NotPriced(CartLineIssue issue) => this with { Issues = [.. Issues, issue], Priceable = false };

        public CartLineResponse ToResponse(LinePrice? price) => new(
            Line.OfferId,
            SellerId,
            Offer?.SkuId,
            Offer?.SkuCode,
            Offer?.ProductId,
            Offer?.ProductTitle,
            Line.Quantity,
            Offer?.Price,
            Line.PriceWhenAdded,
            Offer?.Stock,
            Issues,
            Priced: price is not null,
            price?.ListTotal,
            price?.Discount,
            price?.Total,
            price?.Discounts ?? [],
            price?.RulesNotApplied ?? []);
    }
}
