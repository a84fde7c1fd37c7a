using System.Net;
using System.Net.Http.Json;
using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests;

/// <summary>The embedded profile: carts in process memory, offers in SQLite.</summary>
public sealed class EmbeddedCartSmokeTests(EmbeddedCartFactory factory) : IClassFixture<EmbeddedCartFactory>
{
    [Fact]
    public async Task On_the_embedded_profile_a_guest_cart_takes_concurrent_adds_updates_removes_and_merges()
    {
        var offers = await CartArrange.OffersAsync(factory, 2, price: 2.5m);
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var guest = CartArrange.Guest(factory, token);

        var adds = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => CartArrange.AddAsync(guest, offers[0].OfferId, 1)));
        await CartArrange.AddOkAsync(guest, offers[1].OfferId, 1);
        var updated = await CartArrange.OkAsync(await guest.PutAsJsonAsync($"/api/v1/cart/lines/{offers[1].OfferId}", new { quantity = 3 }));
        await CartArrange.ChangeOfferAsync(offers[1], price: 3m);
        var repriced = await CartArrange.ReadAsync(guest);
        var session = await IdentityFlows.RegisterCustomerAsync(factory.CreateClient());
        var merged = await CartArrange.OkAsync(await CartArrange.MergeAsync(factory, session.AccessToken, token));
        var removed = await CartArrange.OkAsync(await factory.CreateClient(session.AccessToken).DeleteAsync($"/api/v1/cart/lines/{offers[1].OfferId}"));

        Assert.All(adds, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(50, CartArrange.Quantity(updated, offers[0].OfferId));
        Assert.Equal(3, CartArrange.Quantity(updated, offers[1].OfferId));
        Assert.Equal(new[] { "PriceChanged" }, CartArrange.Issues(CartArrange.Line(repriced, offers[1].OfferId)));
        Assert.Equal(50 * 2.5m + 9m, CartArrange.Amount(repriced.GetProperty("total")));
        Assert.Equal(50, CartArrange.Quantity(merged.GetProperty("cart"), offers[0].OfferId));
        await (await guest.GetAsync("/api/v1/cart")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Single(CartArrange.Lines(removed));
    }

    [Fact]
    public async Task The_system_endpoint_reports_the_cart_in_process_memory()
    {
        var admin = factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(factory.CreateClient()));
        var system = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/system");

        Assert.Contains(system.GetProperty("components").EnumerateArray(),
            c => c.GetProperty("component").GetString() == "cart" && c.GetProperty("adapter").GetString() == "in-process memory");
    }
}

public sealed class CartOpenApiTests(EmbeddedCartFactory factory) : IClassFixture<EmbeddedCartFactory>
{
    [Fact]
    public async Task The_openapi_document_describes_every_cart_route_by_name_under_the_cart_tag_with_the_token_as_a_security_scheme()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<System.Text.Json.JsonElement>("/swagger/v1/swagger.json");

        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/v1/cart", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Operation: o.Value)))
            .ToList();

        Assert.Equal(
            new[] { "AddCartLine", "ApplyPromoCode", "CreateGuestCart", "GetCart", "MergeGuestCart", "RemoveCartLine", "RemovePromoCode", "UpdateCartLine" },
            operations.Select(o => o.Operation.GetProperty("operationId").GetString()).Order(StringComparer.Ordinal));
        Assert.All(operations, o => Assert.Equal("Cart", Assert.Single(o.Operation.GetProperty("tags").EnumerateArray()).GetString()));
        var parameters = operations.SelectMany(o => o.Operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray() : []).ToList();
        Assert.Subset(new HashSet<string?> { "offerId", "code" }, parameters.Select(p => p.GetProperty("name").GetString()).ToHashSet());

        // The token is a credential, so a client (and Swagger UI's Authorize) sends it as the cartToken scheme, not a parameter.
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("cartToken");
        Assert.Equal(("apiKey", "header", "X-Cart-Token"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        Assert.DoesNotContain(parameters, p => p.GetProperty("name").GetString() == "X-Cart-Token");
        var takingTheToken = operations
            .Where(o => o.Operation.GetProperty("security").EnumerateArray().Any(alternative => alternative.TryGetProperty("cartToken", out _)))
            .Select(o => o.Operation.GetProperty("operationId").GetString())
            .Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "AddCartLine", "ApplyPromoCode", "GetCart", "MergeGuestCart", "RemoveCartLine", "RemovePromoCode", "UpdateCartLine" }, takingTheToken);
    }
}
