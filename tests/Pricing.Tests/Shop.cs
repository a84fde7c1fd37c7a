using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Platform;

namespace Marketplace.Pricing.Tests;

/// <summary>A small catalog and cart vocabulary for pricing tests. Ids are derived from names so tables stay readable.</summary>
internal static class Shop
{
    public static readonly DateTimeOffset Now = new(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly Guid Shoes = Id("category:shoes");
    public static readonly Guid RunningShoes = Id("category:running-shoes");
    public static readonly Guid Hats = Id("category:hats");
    public static readonly Guid Accessories = Id("category:accessories");
    public static readonly Guid Acme = Id("brand:acme");
    public static readonly Guid Zenith = Id("brand:zenith");
    public static readonly Guid SellerA = Id("seller:a");
    public static readonly Guid SellerB = Id("seller:b");

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static Guid Id(string name) => new(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16));

    public static Guid Sku(string item) => Id("sku:" + item);

    public static Guid Product(string item) => Id("product:" + item);

    public static Guid LineOf(string item) => Id("line:" + item);

    /// <summary>A line of <paramref name="item"/>: running shoes by Acme from seller A unless changed with <c>with</c>.</summary>
    public static PricingLine Line(string item, decimal unitPrice, int quantity = 1, string currency = "EUR") => new()
    {
        LineId = LineOf(item),
        OfferId = Id("offer:" + item),
        SellerId = SellerA,
        SkuId = Sku(item),
        ProductId = Product(item),
        CategoryId = RunningShoes,
        CategoryAncestorIds = [Shoes],
        BrandId = Acme,
        UnitListPrice = new Money(unitPrice, currency),
        Quantity = quantity,
    };

    public static PricingLine Hat(decimal unitPrice, int quantity = 1) =>
        Line("hat", unitPrice, quantity) with { CategoryId = Hats, CategoryAncestorIds = [Accessories], BrandId = Zenith, SellerId = SellerB };

    public static PricingRequest Cart(params PricingLine[] lines) => Cart("EUR", lines);

    public static PricingRequest Cart(string currency, params PricingLine[] lines) => new() { Currency = currency, Lines = lines };

    public static PricingRules RuleSet(params DiscountRule[] discounts) => new() { Discounts = discounts };

    public static DiscountRule Percent(string id, decimal percent, DiscountScope? scope = null) => new()
    {
        Id = id,
        Name = $"{percent}% off ({id})",
        Kind = DiscountKinds.Percentage,
        Percent = percent,
        Scope = scope ?? new DiscountScope(),
    };

    public static DiscountRule FixedOff(string id, decimal perUnit, string currency = "EUR", DiscountScope? scope = null) => new()
    {
        Id = id,
        Name = $"{perUnit} {currency} off each ({id})",
        Kind = DiscountKinds.Fixed,
        AmountOff = new Money(perUnit, currency),
        Scope = scope ?? new DiscountScope(),
    };

    public static Money Eur(decimal amount) => new(amount, "EUR");

    public static PricedCart Price(PricingRequest cart, PricingRules rules) => PricingEngine.Price(cart, rules, Now);

    public static decimal[] LineTotals(PricedCart priced) => priced.Lines.Select(l => l.Total.Amount).ToArray();

    public static string Explained(PricedCart priced) => JsonSerializer.Serialize(priced, Json);

    public static string? ReasonFor(PricedCart priced, string ruleId) => priced.RulesNotApplied.FirstOrDefault(r => r.RuleId == ruleId)?.Reason;
}
