using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Cart.Contracts;
using Marketplace.Cart.Owners;
using Marketplace.Cart.Pricing;
using Marketplace.Cart.Reading;
using Marketplace.Cart.Storage;
using Marketplace.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Marketplace.Cart.Checkout;

/// <summary>
/// Checkout's view of the cart. It owns no pricing: the cart is read and priced by <see cref="CartReader"/>, the very
/// code behind <c>GET /api/v1/cart</c>, and only reshaped here into what an order keeps.
/// </summary>
internal sealed class CartCheckout(CartReader reader, ICartStore store, IOptions<CartOptions> options) : ICartCheckout
{
    public CheckoutCallerResult CallerOf(HttpContext http)
    {
        var owner = CartOwner.Of(http);
        return owner.Kind switch
        {
            CartOwnerKind.Guest or CartOwnerKind.Customer => new CheckoutCallerResult(new CheckoutCaller(owner), null),
            CartOwnerKind.MalformedToken => new CheckoutCallerResult(null, CartProblems.CartNotFound()),
            _ => new CheckoutCallerResult(null, CartProblems.Nobody()),
        };
    }

    public CheckoutCaller? CallerOfOwnerKey(string ownerKey, Guid? customerId)
    {
        if (ownerKey.StartsWith(CheckoutCaller.GuestPrefix, StringComparison.Ordinal) && ownerKey.Length > CheckoutCaller.GuestPrefix.Length)
        {
            return new CheckoutCaller(new CartOwner(CartOwnerKind.Guest, new CartKey(ownerKey[CheckoutCaller.GuestPrefix.Length..], IsGuest: true), customerId));
        }

        return ownerKey.StartsWith(CheckoutCaller.CustomerPrefix, StringComparison.Ordinal)
            && Guid.TryParseExact(ownerKey[CheckoutCaller.CustomerPrefix.Length..], "N", out var customer)
            && customerId == customer
                ? new CheckoutCaller(new CartOwner(CartOwnerKind.Customer, CartOwner.Customer(customer), customer))
                : null;
    }

    public async Task<CheckoutCart?> PriceAsync(CheckoutCaller caller, CancellationToken cancellationToken)
    {
        if (await reader.FindAsync(caller.Owner, cancellationToken) is not { } cart)
        {
            return null;
        }

        return ToCheckoutCart(await reader.AssessAsync(cart, caller.Owner, cancellationToken));
    }

    public Task RemoveOrderedAsync(CheckoutCaller caller, Guid orderGroupId, IReadOnlyList<(Guid OfferId, int Quantity)> ordered, CancellationToken cancellationToken)
    {
        if (ordered.Any(o => o.Quantity <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ordered), "Every ordered quantity is positive.");
        }

        // An offer named twice was ordered twice over: both quantities come out.
        var byOffer = ordered.GroupBy(o => o.OfferId).ToDictionary(g => g.Key, g => g.Sum(o => o.Quantity));
        return store.RemoveOrderedAsync(caller.Owner.Key, orderGroupId, byOffer, CartLimits.From(options.Value), cancellationToken);
    }

    private static CheckoutCart ToCheckoutCart(AssessedCart assessed)
    {
        var price = assessed.Price;
        var sellers = assessed.Lines
            .GroupBy(a => a.SellerId)
            .Select(group =>
            {
                var sellerPrice = price?.Sellers.GetValueOrDefault(group.Key);
                return new CheckoutSellerGroup(
                    group.Key,
                    group.Select(a => ToLine(a, price?.Lines.GetValueOrDefault(a.Line.OfferId))).ToList(),
                    sellerPrice?.Subtotal,
                    sellerPrice?.Discount,
                    sellerPrice?.Total,
                    FreeDelivery(sellerPrice?.FreeDelivery));
            })
            .ToList();
        var promoCodes = price is null
            ? assessed.Cart.PromoCodes.Select(c => new CheckoutPromoCode(c, false, "nothing in the cart can be priced", new PromoCodeLimit(c, null, null))).ToList()
            : price.PromoCodes.Select(p => new CheckoutPromoCode(p.Code, p.Applied, p.Reason, price.PromoCodeLimits.GetValueOrDefault(p.Code) ?? new PromoCodeLimit(p.Code, null, null))).ToList();
        var discounts = Discounts(price?.Discounts ?? []);
        return new CheckoutCart(
            assessed.Cart.Version,
            assessed.Currency,
            sellers,
            promoCodes,
            discounts,
            NotApplied(price?.RulesNotApplied ?? []),
            FreeDelivery(price?.FreeDelivery),
            price?.Subtotal,
            price?.Discount,
            price?.Total,
            assessed.ReadyForCheckout && price is not null,
            Fingerprint(assessed.Currency, sellers, discounts, price?.Total));
    }

    private static CheckoutLine ToLine(CartReader.AssessedLine assessed, LinePrice? price) => new(
        assessed.Line.OfferId,
        assessed.Offer?.SkuId,
        assessed.Offer?.SkuCode,
        assessed.Offer?.ProductId,
        assessed.Offer?.ProductTitle,
        assessed.Offer?.CategoryId,
        assessed.Line.Quantity,
        assessed.Offer?.Price,
        assessed.Line.PriceWhenAdded,
        assessed.Offer?.Stock,
        assessed.Offer?.DispatchDays,
        assessed.Offer?.Dimensions,
        Priced: price is not null,
        price?.ListTotal,
        price?.Discount,
        price?.Total,
        Discounts(price?.Discounts ?? []),
        NotApplied(price?.RulesNotApplied ?? []),
        assessed.Issues.Select(Issue).ToList());

    private static CheckoutLineIssue Issue(CartLineIssue issue) => issue switch
    {
        CartLineIssue.PriceChanged => CheckoutLineIssue.PriceChanged,
        CartLineIssue.OutOfStock => CheckoutLineIssue.OutOfStock,
        CartLineIssue.QuantityExceedsStock => CheckoutLineIssue.QuantityExceedsStock,
        CartLineIssue.OfferUnavailable => CheckoutLineIssue.OfferUnavailable,
        CartLineIssue.OtherCurrency => CheckoutLineIssue.OtherCurrency,
        _ => throw new ArgumentOutOfRangeException(nameof(issue), issue, "A line issue checkout does not know."),
    };

    private static List<CheckoutDiscount> Discounts(IReadOnlyList<CartDiscountResponse> discounts) =>
        discounts.Select(d => new CheckoutDiscount(d.RuleId, d.RuleName, d.Kind, d.Amount)).ToList();

    private static List<CheckoutRuleNotApplied> NotApplied(IReadOnlyList<CartRuleNotAppliedResponse> rules) =>
        rules.Select(r => new CheckoutRuleNotApplied(r.RuleId, r.RuleName, r.Reason)).ToList();

    private static CheckoutFreeDelivery? FreeDelivery(CartFreeDeliveryResponse? status) =>
        status is null ? null : new CheckoutFreeDelivery(status.RuleId, status.RuleName, status.Threshold, status.Met, status.Missing);

    /// <summary>
    /// SHA-256 over what the customer is shown, written out canonically (amounts without trailing zeros, so 10.0 and
    /// 10.00 are one price). Stock, issues and the cart version are left out on purpose: they do not change what is paid.
    /// </summary>
    private static string Fingerprint(string? currency, IReadOnlyList<CheckoutSellerGroup> sellers, IReadOnlyList<CheckoutDiscount> discounts, Money? total)
    {
        var text = new StringBuilder().Append(currency).Append('\n');
        foreach (var line in sellers.SelectMany(s => s.Lines))
        {
            text.Append(CultureInfo.InvariantCulture, $"L|{line.OfferId:N}|{line.Quantity}|{Amount(line.UnitListPrice)}|{line.Priced}|{Amount(line.Total)}");
            foreach (var discount in line.Discounts)
            {
                text.Append(CultureInfo.InvariantCulture, $"|{discount.RuleId}={Amount(discount.Amount)}");
            }

            text.Append('\n');
        }

        foreach (var discount in discounts)
        {
            text.Append(CultureInfo.InvariantCulture, $"D|{discount.RuleId}={Amount(discount.Amount)}\n");
        }

        text.Append("T|").Append(Amount(total));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Amount(Money? money) =>
        money is { } m ? m.Amount.ToString("0.############################", CultureInfo.InvariantCulture) + " " + m.Currency : "-";
}
