using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Sellers;

public sealed class ListSellerOrdersTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task A_seller_lists_its_placed_orders_by_status_and_time_in_keyset_pages()
    {
        var session = await IdentityFlows.CreateSellerAsync(host.CreateClient(), $"Lister {Guid.NewGuid():N}"[..20]);
        var seller = session.SellerId;
        var client = host.CreateClient(session.MemberAccessToken);
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var placed = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            placed.Add((await host.ArrangeGroupAsync(Guid.NewGuid(), [seller])).OrderIds[0]);
        }

        await host.ArrangeGroupAsync(Guid.NewGuid(), [seller], paid: false);
        await host.ArrangeGroupAsync(Guid.NewGuid(), [Guid.NewGuid()]);
        Assert.Equal(HttpStatusCode.OK, (await SellerOrderTransitionTests.Post(client, $"/api/v1/sellers/{seller}/orders/{placed[0]}/accept", "*")).StatusCode);
        Assert.True(await host.ProjectedAsync(placed));

        var all = await ReadAllAsync(client, $"/api/v1/sellers/{seller}/orders?limit=2");
        Assert.Equal(placed.AsEnumerable().Reverse(), all);
        Assert.Equal([placed[0]], await ReadAllAsync(client, $"/api/v1/sellers/{seller}/orders?status=accepted"));
        Assert.Equal(placed.Skip(1).Reverse(), await ReadAllAsync(client, $"/api/v1/sellers/{seller}/orders?status=placed&limit=1"));
        Assert.Empty(await ReadAllAsync(client, $"/api/v1/sellers/{seller}/orders?to={Uri.EscapeDataString(start.ToString("O"))}"));
        Assert.Equal(3, (await ReadAllAsync(client, $"/api/v1/sellers/{seller}/orders?from={Uri.EscapeDataString(start.ToString("O"))}")).Count);

        await (await client.GetAsync($"/api/v1/sellers/{seller}/orders?status=lost")).AssertValidationProblemAsync("status");
        var first = await client.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller}/orders?limit=1");
        var cursor = Uri.EscapeDataString(first.GetProperty("nextCursor").GetString()!);
        await (await client.GetAsync($"/api/v1/sellers/{seller}/orders?status=placed&cursor={cursor}")).AssertValidationProblemAsync("cursor");
    }

    [Fact]
    public async Task Neither_the_seller_nor_the_customer_ever_lists_an_order_whose_payment_failed()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 5);
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var cart = await CustomerCartAsync(host, customer, (offers[0], 1));
        var quote = await QuoteAsync(cart);
        await (await CheckoutAsync(cart, Body(quote, paymentMethodId: "pm_card_chargeDeclined"))).AssertProblemAsync(HttpStatusCode.PaymentRequired);
        var paid = await Expect(await CheckoutAsync(cart, Body(quote)), HttpStatusCode.Created);
        var paidId = paid.GetProperty("orders")[0].GetProperty("id").GetGuid();
        var failedId = await FailedOrderAsync(offers[0].SellerId);

        // Both orders' events have reached the lists: the failed one's cancellation too, which must add nothing.
        Assert.True(await host.ProjectedAsync(paidId, failedId));
        var sellerPath = $"/api/v1/sellers/{offers[0].SellerId}/orders";
        Assert.Equal([paidId], await ReadAllAsync(offers[0].Seller, $"{sellerPath}?limit=10"));
        Assert.Empty(await ReadAllAsync(offers[0].Seller, $"{sellerPath}?status=cancelled"));
        Assert.Equal([paidId], await ReadAllAsync(cart, "/api/v1/orders?limit=10"));
    }

    private async Task<Guid> FailedOrderAsync(Guid sellerId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        return await db.SellerOrders.Where(o => o.SellerId == sellerId && o.Status == OrderStatus.Cancelled).Select(o => o.Id).SingleAsync();
    }

    private static async Task<List<Guid>> ReadAllAsync(HttpClient client, string path)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var answer = await client.GetAsync(path + (cursor is null ? "" : $"{separator}cursor={Uri.EscapeDataString(cursor)}"));
            var text = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.OK, text);
            var page = JsonDocument.Parse(text).RootElement;
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return ids;
    }
}
