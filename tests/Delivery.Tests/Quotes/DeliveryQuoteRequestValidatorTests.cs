using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Quotes;
using Microsoft.Extensions.Options;
using static Marketplace.Delivery.Tests.Shipments;

namespace Marketplace.Delivery.Tests.Quotes;

/// <summary>What checkout may send to be quoted: every bad request is refused by field, and none makes the validator throw.</summary>
public sealed class DeliveryQuoteRequestValidatorTests
{
    private readonly DeliveryQuoteRequestValidator _validator = new(Options.Create(new DeliverySettings { MaxUnitsPerGroup = 10, MaxSellerGroups = 2 }));

    public static TheoryData<string, DeliveryQuoteRequest, string> BadRequests() => new()
    {
        { "no seller groups at all", new DeliveryQuoteRequest("EUR", To("DE", "80331"), null!), "Sellers" },
        { "no destination", new DeliveryQuoteRequest("EUR", null!, [Group([Item(500)])]), "Destination" },
        { "an unknown currency", new DeliveryQuoteRequest("XXX", To("DE", "80331"), [Group([Item(500)])]), "Currency" },
        { "a country that does not exist", new DeliveryQuoteRequest("EUR", To("XY", "80331"), [Group([Item(500)])]), "Destination.Country" },
        { "no postal code", new DeliveryQuoteRequest("EUR", To("DE", null!), [Group([Item(500)])]), "Destination.PostalCode" },
        { "a postal code with punctuation", new DeliveryQuoteRequest("EUR", To("DE", "80<331>"), [Group([Item(500)])]), "Destination.PostalCode" },
        { "no address lines", new DeliveryQuoteRequest("EUR", new DeliveryAddress("DE", "80331", "Munich", null!), [Group([Item(500)])]), "Destination.Lines" },
        { "a null seller group", new DeliveryQuoteRequest("EUR", To("DE", "80331"), [null!]), "Sellers[0]" },
        { "a group without items", new DeliveryQuoteRequest("EUR", To("DE", "80331"), [new SellerShipment(Seller, null!)]), "Sellers[0].Items" },
        { "a null item", new DeliveryQuoteRequest("EUR", To("DE", "80331"), [Group([null!])]), "Sellers[0].Items[0]" },
        { "one seller twice", new DeliveryQuoteRequest("EUR", To("DE", "80331"), [Group([Item(500)]), Group([Item(700)])]), "Sellers" },
        { "more groups than allowed", new DeliveryQuoteRequest("EUR", To("DE", "80331"), [Group([Item(1)], Guid.NewGuid()), Group([Item(1)], Guid.NewGuid()), Group([Item(1)], Guid.NewGuid())]), "Sellers" },
        { "more units than allowed", new DeliveryQuoteRequest("EUR", To("DE", "80331"), [Group([Item(500, quantity: 6), Item(500, quantity: 5)])]), "Sellers[0].Items" },
        { "a zero quantity", new DeliveryQuoteRequest("EUR", To("DE", "80331"), [Group([Item(500, quantity: 0)])]), "Sellers[0].Items[0].Quantity" },
        { "a free-delivery grant without its rule", new DeliveryQuoteRequest("EUR", To("DE", "80331"), [new SellerShipment(Seller, [Item(500)], new FreeDeliveryGrant("", "Free"))]), "Sellers[0].FreeDelivery.RuleId" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void A_bad_request_is_refused_naming_the_field_without_throwing(string problem, DeliveryQuoteRequest request, string field)
    {
        var errors = _validator.Validate(request).Errors.Select(e => e.PropertyName).ToList();

        Assert.True(errors.Contains(field), $"{problem}: expected {field}, got {string.Join(", ", errors)}");
    }

    [Fact]
    public void A_country_in_lower_case_and_an_empty_postal_code_are_accepted() =>
        Assert.True(_validator.Validate(new DeliveryQuoteRequest("eur", To("ie", ""), [Group([Item(500)])])).IsValid);

    private static SellerShipment Group(IReadOnlyList<DeliveryItem> items, Guid? seller = null) => new(seller ?? Seller, items);
}
