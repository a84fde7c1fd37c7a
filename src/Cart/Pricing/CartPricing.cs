using Marketplace.Cart.Contracts;
using Marketplace.Cart.Reading;
using Marketplace.Catalog.Contracts;
using Marketplace.Platform;
using Marketplace.Pricing;
using Microsoft.Extensions.Options;

namespace Marketplace.Cart.Pricing;

/// <summary>A line that can be priced: its live offer and its quantity.</summary>
internal sealed record PriceableLine(OfferSnapshot Offer, int Quantity);

/// <summary>Who is buying, as pricing segments see it.</summary>
/// <param name="CustomerId">The signed-in customer, if any.</param>
/// <param name="SignedIn">True when a customer is signed in.</param>
/// <param name="NewCustomer">Signed in, and no order of the customer's was ever counted (see <see cref="IPromoCodeUsage"/>).</param>
internal sealed record Buyer(Guid? CustomerId, bool SignedIn, bool NewCustomer);

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
    IReadOnlyList<CartRuleNotAppliedResponse> RulesNotApplied,
    IReadOnlyDictionary<string, PromoCodeLimit> PromoCodeLimits);

/// <summary>The one place a cart meets the pricing rules: the engine, with the rules in force at this moment.</summary>
internal sealed class CartPricing(IOptionsMonitor<PricingRules> rules)
{
    public CartPrice Price(
        string currency, IReadOnlyList<PriceableLine> lines, IReadOnlyList<string> promoCodes,
        IReadOnlyDictionary<string, PromoCodeUses> uses, Buyer buyer, DateTimeOffset now)
    {
        var request = new PricingRequest
        {
            Currency = currency,
            Lines = lines.Select(l => new PricingLine
            {
                // A cart holds one line per offer, so the offer names the line.
                LineId = l.Offer.OfferId,
                OfferId = l.Offer.OfferId,
                SellerId = l.Offer.SellerId,
                SkuId = l.Offer.SkuId,
                ProductId = l.Offer.ProductId,
                CategoryId = l.Offer.CategoryId,
                CategoryAncestorIds = l.Offer.CategoryAncestorIds,
                BrandId = l.Offer.BrandId,
                UnitListPrice = l.Offer.Price,
                Quantity = l.Quantity,
            }).ToList(),
            Customer = new PricingCustomer
            {
                CustomerId = buyer.CustomerId,
                SignedIn = buyer.SignedIn,
                NewCustomer = buyer.NewCustomer,
            },
            PromoCodes = promoCodes.Select(code => new PromoCodeUsage
            {
                Code = code,
                TimesUsed = (int)Math.Min(int.MaxValue, uses.GetValueOrDefault(code)?.Total ?? 0),
                TimesUsedByCustomer = (int)Math.Min(int.MaxValue, uses.GetValueOrDefault(code)?.ByCustomer ?? 0),
            }).ToList(),
        };

        // One snapshot of the rules: the limits checkout will count a code against are those it was priced with.
        var inForce = rules.CurrentValue;
        var priced = PricingEngine.Price(request, inForce, now);
        return new CartPrice(
            priced.Lines.ToDictionary(
                l => l.LineId,
                l => new LinePrice(l.ListTotal, l.Discount, l.Total, Discounts(l.Discounts), NotApplied(l.RulesNotApplied))),
            priced.Sellers.ToDictionary(
                s => s.SellerId,
                s => new SellerPrice(s.Subtotal, s.Discount, s.Total, FreeDelivery(s.FreeDelivery))),
            priced.Subtotal,
            priced.Discount,
            priced.Total,
            Discounts(priced.Discounts),
            FreeDelivery(priced.OrderFreeDelivery),
            priced.PromoCodes.Select(p => new CartPromoCodeResponse(p.Code, p.Applied, p.Reason)).ToList(),
            NotApplied(priced.RulesNotApplied),
            promoCodes.Distinct(StringComparer.OrdinalIgnoreCase).ToDictionary(code => code, code => PromoCodeLimit.From(inForce, code), StringComparer.OrdinalIgnoreCase));
    }

    private static List<CartDiscountResponse> Discounts(IReadOnlyList<AppliedDiscount> discounts) =>
        discounts.Select(d => new CartDiscountResponse(d.RuleId, d.RuleName, d.Kind, d.Amount)).ToList();

    private static List<CartRuleNotAppliedResponse> NotApplied(IReadOnlyList<RuleNotApplied> rules) =>
        rules.Select(r => new CartRuleNotAppliedResponse(r.RuleId, r.RuleName, r.Reason)).ToList();

    private static CartFreeDeliveryResponse? FreeDelivery(FreeDeliveryStatus? status) =>
        status is null ? null : new CartFreeDeliveryResponse(status.RuleId, status.RuleName, status.Threshold, status.Met, status.Missing);
}
