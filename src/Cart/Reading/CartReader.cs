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
    public async Task<CartResponse?> ReadAsync(CartOwner owner, CancellationToken cancellationToken) =>
        await FindAsync(owner, cancellationToken) is { } cart ? await PriceAsync(cart, owner, cancellationToken) : null;

    /// <summary>The stored cart, or null when a guest cart is gone (see <see cref="ReadAsync"/>).</summary>
    public async Task<StoredCart?> FindAsync(CartOwner owner, CancellationToken cancellationToken)
    {
        var cart = await store.ReadAsync(owner.Key, cancellationToken);
        if (cart is null && !owner.GuestTokenOutlived(clock.GetUtcNow(), options.Value) && !await store.WasMergedAsync(owner.Key, cancellationToken))
        {
            cart = StoredCart.Empty;
        }

        return cart;
    }

    /// <summary>The priced cart as an answer: 200, or 404 when a guest cart does not exist.</summary>
    public async Task<Results<Ok<CartResponse>, ProblemHttpResult>> RespondAsync(CartOwner owner, CancellationToken cancellationToken) =>
        await ReadAsync(owner, cancellationToken) is { } cart ? TypedResults.Ok(cart) : CartProblems.CartNotFound();

    public async Task<CartResponse> PriceAsync(StoredCart cart, CartOwner owner, CancellationToken cancellationToken) =>
        (await AssessAsync(cart, owner, cancellationToken)).ToResponse();

    /// <summary>
    /// Every line against its live offer, and the price of those that can be bought: the one pricing of a cart, which
    /// the cart's own answer and checkout's both read.
    /// </summary>
    public async Task<AssessedCart> AssessAsync(StoredCart cart, CartOwner owner, CancellationToken cancellationToken)
    {
        // A guest with no code has no history to read; a signed-in customer always does (whether it ordered before).
        var usageTask = cart.PromoCodes.Count == 0 && owner.CustomerId is null
            ? Task.FromResult(new BuyerUsage(new Dictionary<string, PromoCodeUses>(), HasPlacedOrder: false))
            : usage.GetAsync(cart.PromoCodes, owner.CustomerId, cancellationToken);
        var live = await offers.FindAsync(cart.Lines.Select(l => l.OfferId).ToList(), cancellationToken);
        var buyerUsage = await usageTask;

        var assessed = cart.Lines.Select(line => Assess(line, live.GetValueOrDefault(line.OfferId))).ToList();
        var currency = assessed.FirstOrDefault(a => a.Priceable)?.Offer!.Price.Currency;
        if (currency is not null)
        {
            assessed = assessed.Select(a => a.Priceable && a.Offer!.Price.Currency != currency ? a.NotPriced(CartLineIssue.OtherCurrency) : a).ToList();
        }

        var signedIn = owner.CustomerId is not null;
        var price = currency is null
            ? null
            : pricing.Price(
                currency,
                assessed.Where(a => a.Priceable).Select(a => new PriceableLine(a.Offer!, a.Line.Quantity)).ToList(),
                cart.PromoCodes,
                buyerUsage.Uses,
                new Buyer(owner.CustomerId, signedIn, NewCustomer: signedIn && !buyerUsage.HasPlacedOrder),
                clock.GetUtcNow());
        return new AssessedCart(cart, assessed, currency, price);
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
    internal sealed record AssessedLine(StoredLine Line, OfferSnapshot? Offer, IReadOnlyList<CartLineIssue> Issues, bool Priceable)
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

/// <summary>A cart's lines against their live offers, and the price of those that can be bought (null while none can).</summary>
internal sealed record AssessedCart(StoredCart Cart, IReadOnlyList<CartReader.AssessedLine> Lines, string? Currency, CartPrice? Price)
{
    /// <summary>True when the cart has lines and none is flagged.</summary>
    public bool ReadyForCheckout => Cart.Lines.Count > 0 && Lines.All(a => a.Issues.Count == 0);

    public CartResponse ToResponse()
    {
        var sellers = Lines
            .GroupBy(a => a.SellerId)
            .Select(group =>
            {
                var sellerPrice = Price?.Sellers.GetValueOrDefault(group.Key);
                return new CartSellerResponse(
                    group.Key,
                    group.Select(a => a.ToResponse(Price?.Lines.GetValueOrDefault(a.Line.OfferId))).ToList(),
                    sellerPrice?.Subtotal,
                    sellerPrice?.Discount,
                    sellerPrice?.Total,
                    sellerPrice?.FreeDelivery);
            })
            .ToList();

        return new CartResponse(
            Cart.Version,
            Currency,
            sellers,
            Cart.Lines.Count,
            Cart.Lines.Sum(l => l.Quantity),
            Price?.Subtotal,
            Price?.Discount,
            Price?.Total,
            Price?.Discounts ?? [],
            Price?.FreeDelivery,
            Price?.PromoCodes ?? Cart.PromoCodes.Select(c => new CartPromoCodeResponse(c, false, "nothing in the cart can be priced")).ToList(),
            Price?.RulesNotApplied ?? [],
            ReadyForCheckout);
    }
}
