using System.Net;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Ordering.Tests.Lists;

public sealed class OrderListPagingTests(SqlCountingOrderingHost host) : IClassFixture<SqlCountingOrderingHost>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_hundred_and_twenty_orders_page_newest_first_without_duplicates_or_gaps_even_when_they_share_an_instant()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), $"Pager {Guid.NewGuid():N}"[..20]);
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var start = CraftedOrder.Instant(DateTimeOffset.UtcNow.AddDays(-1));

        // Seven checkout instants for 120 orders: most pages end inside a run of equal times, where the number decides.
        var orders = Enumerable.Range(0, 120)
            .Select(i => CraftedOrder.For(seller.SellerId, customer.UserId, $"P{(i * 37) % 1000:D6}", start.AddMinutes(i % 7)))
            .ToList();
        await PlaceAsync(orders);
        var accepted = orders.Where((_, i) => i % 3 == 0).ToList();
        foreach (var order in accepted)
        {
            Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Accepted(), None)));
        }

        var newestFirst = orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Number, StringComparer.Ordinal).Select(o => o.OrderId).ToList();
        var sellerClient = host.CreateClient(seller.MemberAccessToken);
        Assert.Equal(newestFirst, await ReadAllAsync(sellerClient, $"/api/v1/sellers/{seller.SellerId}/orders?limit=7"));
        Assert.Equal(newestFirst, await ReadAllAsync(host.CreateClient(customer.AccessToken), "/api/v1/orders?limit=9"));
        Assert.Equal(
            newestFirst.Where(id => accepted.Any(a => a.OrderId == id)),
            await ReadAllAsync(sellerClient, $"/api/v1/sellers/{seller.SellerId}/orders?status=accepted&limit=6"));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(200)]
    public async Task A_list_page_is_one_sql_query_whatever_the_number_of_orders(int count)
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), $"Counted {Guid.NewGuid():N}"[..20]);
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var start = CraftedOrder.Instant(DateTimeOffset.UtcNow.AddDays(-2));
        await PlaceAsync(Enumerable.Range(0, count).Select(i => CraftedOrder.For(seller.SellerId, customer.UserId, $"Q{i:D6}", start.AddSeconds(i))).ToList());

        var lists = new[]
        {
            (host.CreateClient(seller.MemberAccessToken), $"/api/v1/sellers/{seller.SellerId}/orders?limit=3"),
            (host.CreateClient(seller.MemberAccessToken), $"/api/v1/sellers/{seller.SellerId}/orders?status=placed&limit=3"),
            (host.CreateClient(customer.AccessToken), "/api/v1/orders?limit=3"),
        };
        foreach (var (client, path) in lists)
        {
            string? cursor = null;
            for (var page = 1; page <= 3; page++)
            {
                var (response, commands) = await host.GetCountingAsync(client, path + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
                var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(3, body.GetProperty("items").GetArrayLength());
                var command = Assert.Single(commands);
                Assert.Contains("order_list_entries", command, StringComparison.Ordinal);
                Assert.DoesNotContain("seller_orders", command, StringComparison.Ordinal);
                cursor = body.GetProperty("nextCursor").GetString();
            }
        }
    }

    private async Task PlaceAsync(IReadOnlyList<CraftedOrder> orders)
    {
        foreach (var order in orders)
        {
            Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Placed(), None)));
        }
    }

    private static async Task<List<Guid>> ReadAllAsync(HttpClient client, string path)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var answer = await client.GetAsync(path + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
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
