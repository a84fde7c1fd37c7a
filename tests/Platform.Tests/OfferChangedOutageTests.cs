using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using Npgsql;

namespace Marketplace.Platform.Tests;

/// <summary>The real host on PostgreSQL and RabbitMQ, with a bootstrap admin to create the category.</summary>
public sealed class OutageHost : MarketplaceFactory
{
    public OutageHost() => this.WithBootstrapAdmin();
}

/// <summary>
/// The Catalog's first use of the outbox, end to end: a seller changes an offer while RabbitMQ is down; once the
/// broker is back the OfferChanged event arrives, the listing shows the new price, and the consumer applied it once.
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class OfferChangedOutageTests(OutageHost factory) : IClassFixture<OutageHost>
{
    [Fact]
    public async Task An_offer_changed_while_RabbitMQ_is_down_reaches_the_listing_once_the_broker_returns_and_is_applied_once()
    {
        var client = factory.CreateClient();
        var admin = factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(client));
        var category = await ReadAsync(await admin.PostAsJsonAsync("/api/v1/categories", new { name = "Outage lamps", slug = "outage-lamps" }));
        var categoryId = category.GetProperty("id").GetGuid();
        var seller = await IdentityFlows.CreateSellerAsync(client, "Outage seller");
        var sellerClient = factory.CreateClient(seller.MemberAccessToken);
        var product = await ReadAsync(await sellerClient.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products", new
        {
            title = "Outage lamp",
            categoryId,
            skus = new[] { new { code = $"OUT-{Guid.NewGuid():N}"[..20], weightGrams = 500, lengthMm = 300, widthMm = 200, heightMm = 200 } },
        }));
        var skuId = product.GetProperty("skus")[0].GetProperty("id").GetGuid();
        var offerUrl = $"/api/v1/sellers/{seller.SellerId}/offers/{skuId}";
        Assert.Equal(HttpStatusCode.Created, (await sellerClient.PutAsJsonAsync(offerUrl, new { price = 20m, currency = "EUR", stock = 5 })).StatusCode);
        await OutboxDeliveryTests.WaitForAsync(async () => await ListedPriceAsync(client, categoryId) == 20m, TimeSpan.FromSeconds(30));

        await OutboxDeliveryTests.RunAsync("service", "rabbitmq-server stop");
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await sellerClient.PutAsJsonAsync(offerUrl, new { price = 15m, currency = "EUR", stock = 5 })).StatusCode);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(20m, await ListedPriceAsync(client, categoryId));
        }
        finally
        {
            await OutboxDeliveryTests.EnsureBrokerRunningAsync();
        }

        await OutboxDeliveryTests.WaitForAsync(async () => await ListedPriceAsync(client, categoryId) == 15m, TimeSpan.FromSeconds(90));
        await using var connection = new NpgsqlConnection(factory.PostgresConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            """
            SELECT count(*) FROM catalog.inbox_messages i
            JOIN catalog.outbox_messages o ON o.id = i.message_id
            WHERE o.type LIKE 'Marketplace.Catalog.Contracts.OfferChanged,%' AND (o.payload::jsonb ->> 'price')::numeric = 15
            """, connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    private static async Task<decimal?> ListedPriceAsync(HttpClient client, Guid categoryId)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/products?category={categoryId}");
        var items = page.GetProperty("items");
        return items.GetArrayLength() == 0 ? null : items[0].GetProperty("minPrice").GetDecimal();
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
