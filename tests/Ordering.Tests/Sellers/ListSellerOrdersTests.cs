using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;

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
