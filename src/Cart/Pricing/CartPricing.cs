using Marketplace.Cart.Contracts;
using Marketplace.Cart.Reading;
using Marketplace.Catalog.Contracts;
using Marketplace.Platform;

namespace Marketplace.Cart.Pricing;

/// <summary>A line that can be priced: its live offer and its quantity.</summary>
internal sealed record PriceableLine(OfferSnapshot Offer, int Quantity);

/// <summary>Who is buying, as pricing segments see it.</summary>
internal sealed record Buyer(Guid? CustomerId, bool SignedIn);

internal sealed record LinePrice(
    Money ListTotal, Money Discount, Money Total, IReadOnlyList<CartDiscountResponse> Discounts, IReadOnlyList<CartRuleNotAppliedResponse> RulesNotApplied);

internal sealed record SellerPrice(Money Subtotal, Money Discount, Money Total, CartFreeDeliveryResponse? FreeDelivery);

/// <summary>The price of the lines that can be bought, by offer and by seller, and of the whole order.</summary>
internal sealed record CartPrice(
    IReadOnlyDictionary<Guid, LinePrice> Lines,
    IReadOnlyDictionary<Guid, SellerPrice> Sellers,
    Money Subtotal,
    Money Discount,
    Money Total,
    IReadOnlyList<CartDiscountResponse> Discounts,
    CartFreeDeliveryResponse? FreeDelivery,
    IReadOnlyList<CartPromoCodeResponse> PromoCodes,
    IReadOnlyList<CartRuleNotAppliedResponse> RulesNotApplied);

/// <summary>The one place a cart meets the pricing rules.</summary>
internal sealed class CartPricing
{
    public CartPrice Price(
        string currency, IReadOnlyList<PriceableLine> lines, IReadOnlyList<string> promoCodes,
        IReadOnlyDictionary<string, PromoCodeUses> uses, Buyer buyer, DateTimeOffset now)
    {
        var zero = Money.Zero(currency);
        var linePrices = lines.ToDictionary(
            l => l.Offer.OfferId,
            l => new LinePrice(l.Offer.Price.Multiply(l.Quantity), zero, l.Offer.Price.Multiply(l.Quantity), [], []));
        var sellers = lines.GroupBy(l => l.Offer.SellerId).ToDictionary(
            g => g.Key,
            g =>
            {
                var subtotal = g.Aggregate(zero, (sum, l) => sum.Add(linePrices[l.Offer.OfferId].Total));
                return new SellerPrice(subtotal, zero, subtotal, null);
            });
        var total = sellers.Values.Aggregate(zero, (sum, s) => sum.Add(s.Total));
        return new CartPrice(
            linePrices, sellers, total, zero, total, [], null,
            promoCodes.Select(c => new CartPromoCodeResponse(c, false, "no pricing rules are in force")).ToList(), []);
    }
}
