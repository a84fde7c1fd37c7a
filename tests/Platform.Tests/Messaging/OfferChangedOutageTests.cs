using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Marketplace.Platform.Tests.Messaging;

/// <summary>The real host on PostgreSQL and RabbitMQ, with a bootstrap admin to create the category.</summary>
public sealed class OutageHost : MarketplaceFactory
{
    public OutageHost() => this.WithBootstrapAdmin();
}

/// <summary>
/// The Catalog's first use of the outbox, end to end: a seller changes an offer while RabbitMQ is down; once the
/// broker is back the OfferChanged event arrives, the listing shows the new price, and the consumer applied it once.
/// "Applied" is counted by its effect: each application refreshes the product's listing summary and records one
/// ProductListingsRefreshed event naming the product (the inbox row, keyed on message and consumer, can only be 0 or 1).
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
        var productId = product.GetProperty("id").GetGuid();
        var skuId = product.GetProperty("skus")[0].GetProperty("id").GetGuid();
        var offerUrl = $"/api/v1/sellers/{seller.SellerId}/offers/{skuId}";
        Assert.Equal(HttpStatusCode.Created, (await sellerClient.PutAsJsonAsync(offerUrl, new { price = 20m, currency = "EUR", stock = 5 })).StatusCode);
        await OutboxDeliveryTests.WaitForAsync(async () => await ListedPriceAsync(client, categoryId) == 20m, TimeSpan.FromSeconds(30));
        var refreshesBefore = await RefreshesAsync(productId);

        await OutboxDeliveryTests.RunAsync("service", "rabbitmq-server stop");
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await sellerClient.PutAsJsonAsync(offerUrl, new { price = 15m, currency = "EUR", stock = 5 })).StatusCode);

            // The relay has tried and failed: the event waits in the outbox and the listing still shows the old price.
            await OutboxDeliveryTests.WaitForAsync(async () => await ScalarAsync<bool>(
                $"SELECT coalesce(bool_and(published_at IS NULL AND last_error IS NOT NULL), false) FROM catalog.outbox_messages WHERE {PriceChangedTo15}"), TimeSpan.FromSeconds(30));
            Assert.Equal(20m, await ListedPriceAsync(client, categoryId));
        }
        finally
        {
            await OutboxDeliveryTests.EnsureBrokerRunningAsync();
        }

        await OutboxDeliveryTests.WaitForAsync(async () => await ListedPriceAsync(client, categoryId) == 15m, TimeSpan.FromSeconds(90));
        await OutboxDeliveryTests.WaitForAsync(async () => await ScalarAsync<long>($"SELECT count(*) FROM catalog.outbox_messages WHERE published_at IS NULL") == 0
            && await RabbitQueues.DrainedAsync(EntityPrefix, "offer-changed-listing"), TimeSpan.FromSeconds(60));
        Assert.Equal(refreshesBefore + 1, await RefreshesAsync(productId));

        // The case the relay really meets: the broker took the event, but the relay stopped before recording it, so
        // the row is unpublished again and the same message (same id) goes out a second time.
        var attempts = await ScalarAsync<int>($"SELECT attempts FROM catalog.outbox_messages WHERE {PriceChangedTo15}");
        Assert.Equal(1, await ScalarAsync<int>($"WITH reset AS (UPDATE catalog.outbox_messages SET published_at = NULL WHERE {PriceChangedTo15} RETURNING 1) SELECT count(*)::int FROM reset"));
        await OutboxDeliveryTests.WaitForAsync(async () => await ScalarAsync<bool>(
                $"SELECT coalesce(bool_and(published_at IS NOT NULL AND attempts > {attempts}), false) FROM catalog.outbox_messages WHERE {PriceChangedTo15}")
            && await RabbitQueues.DrainedAsync(EntityPrefix, "offer-changed-listing"), TimeSpan.FromSeconds(60));
        Assert.Equal(refreshesBefore + 1, await RefreshesAsync(productId));
        Assert.Equal(15m, await ListedPriceAsync(client, categoryId));
    }

    private const string PriceChangedTo15 =
        "type LIKE 'Marketplace.Catalog.Contracts.OfferChanged,%' AND (payload::jsonb ->> 'price')::numeric = 15";

    private string EntityPrefix => factory.Services.GetRequiredService<IConfiguration>()["Messaging:EntityPrefix"]!;

    /// <summary>How often the listing consumer applied an offer change to the product: one refresh event per application.</summary>
    private Task<long> RefreshesAsync(Guid productId) => ScalarAsync<long>(
        $"""
        SELECT count(*) FROM catalog.outbox_messages
        WHERE type LIKE 'Marketplace.Catalog.Contracts.ProductListingsRefreshed,%'
          AND jsonb_exists(payload::jsonb -> 'productIds', '{productId}')
        """);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(factory.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
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
