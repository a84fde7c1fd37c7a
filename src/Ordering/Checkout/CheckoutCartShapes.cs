using Marketplace.Cart.Contracts;
using Marketplace.Delivery.Contracts;

namespace Marketplace.Ordering.Checkout;

/// <summary>The cart as delivery and the order see it.</summary>
internal static class CheckoutCartShapes
{
    public static List<SellerShipment> Shipments(CheckoutCart cart) =>
        cart.Sellers.Select(group => new SellerShipment(
            group.SellerId,
            Items(group),
            group.FreeDelivery is { Met: true } free ? new FreeDeliveryGrant(free.RuleId, free.RuleName) : null)).ToList();

    public static List<DeliveryItem> Items(CheckoutSellerGroup group) =>
        group.Lines.Select(line => new DeliveryItem(
            line.SkuId ?? Guid.Empty,
            line.Quantity,
            line.Dimensions?.WeightGrams ?? 0,
            line.Dimensions?.LengthMm ?? 0,
            line.Dimensions?.WidthMm ?? 0,
            line.Dimensions?.HeightMm ?? 0,
            line.DispatchDays ?? 0)).ToList();

    /// <summary>Whether a quote was made for exactly these units.</summary>
    public static bool SameItems(IReadOnlyList<DeliveryItem> quoted, IReadOnlyList<DeliveryItem> now) =>
        quoted.GroupBy(i => i.SkuId).ToDictionary(g => g.Key, g => g.Sum(i => i.Quantity))
            .OrderBy(p => p.Key)
            .SequenceEqual(now.GroupBy(i => i.SkuId).ToDictionary(g => g.Key, g => g.Sum(i => i.Quantity)).OrderBy(p => p.Key));

    /// <summary>Delivery's failures by its field paths, renamed to the request's (<c>Destination.City</c> is <c>shippingAddress.city</c>).</summary>
    public static Dictionary<string, string[]> AddressErrors(IDictionary<string, string[]> errors) =>
        errors.GroupBy(e => FieldOf(e.Key)).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray());

    private static string FieldOf(string deliveryPath)
    {
        const string destination = "Destination";
        if (!deliveryPath.StartsWith(destination, StringComparison.Ordinal))
        {
            return "cart";
        }

        var rest = deliveryPath[destination.Length..].TrimStart('.');
        return rest.Length == 0 ? "shippingAddress" : "shippingAddress." + System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(rest);
    }
}
