using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Ordering.Tests.Sellers.BulkStatus;

public sealed class BulkChangeStatusTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task Each_row_gets_its_own_outcome_and_only_legal_moves_of_the_sellers_own_orders_happen()
    {
        var session = await IdentityFlows.CreateSellerAsync(host.CreateClient(), $"Bulk {Guid.NewGuid():N}"[..20]);
        var seller = session.SellerId;
        var client = host.CreateClient(session.MemberAccessToken);
        var first = (await host.ArrangeGroupAsync(Guid.NewGuid(), [seller])).OrderIds[0];
        var second = (await host.ArrangeGroupAsync(Guid.NewGuid(), [seller])).OrderIds[0];
        var foreign = (await host.ArrangeGroupAsync(Guid.NewGuid(), [Guid.NewGuid()])).OrderIds[0];
        var path = $"/api/v1/sellers/{seller}/orders/status:bulk";

        var lines = string.Join('\n',
            JsonSerializer.Serialize(new { orderId = first, action = "accept", version = 2 }),
            JsonSerializer.Serialize(new { orderId = second, action = "reject" }),
            JsonSerializer.Serialize(new { orderId = foreign, action = "accept" }),
            "{ not json",
            JsonSerializer.Serialize(new { orderId = first, action = "accept" }),
            JsonSerializer.Serialize(new { orderId = second, action = "fly" }));
        var answer = await client.PostAsync(path, new StringContent(lines, Encoding.UTF8, "application/x-ndjson"));
        var rows = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["moved", "rejected", "rejected", "rejected", "unchanged", "rejected"], rows.Select(r => r.GetProperty("outcome").GetString()));
        Assert.Equal(["", "rule", "orderId", "$", "", "action"], rows.Select(r => r.GetProperty("field").GetString() ?? ""));
        Assert.Contains("ReasonRequired", rows[1].GetProperty("reason").GetString());

        var csv = $"orderId,action,carrier,trackingNumber\n{first},ship,DHL,\"JJD,0001\"\n";
        var shipped = await client.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv"));
        var row = Assert.Single((await shipped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray());
        Assert.Equal("moved", row.GetProperty("outcome").GetString());
        Assert.Equal("shipped", row.GetProperty("status").GetString());

        var order = await client.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller}/orders/{first}");
        Assert.Equal("JJD,0001", order.GetProperty("trackingNumber").GetString());
        Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipped"], await host.EventsAsync(first));
        Assert.Equal(["OrderPlaced"], await host.EventsAsync(second));
        await (await client.PostAsync(path, new StringContent("x", Encoding.UTF8, "text/plain"))).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Rows_are_read_by_the_platforms_bulk_reader_with_its_limits_and_field_named_errors()
    {
        var session = await IdentityFlows.CreateSellerAsync(host.CreateClient(), $"Bulk {Guid.NewGuid():N}"[..20]);
        var seller = session.SellerId;
        var client = host.CreateClient(session.MemberAccessToken);
        var order = (await host.ArrangeGroupAsync(Guid.NewGuid(), [seller])).OrderIds[0];
        var path = $"/api/v1/sellers/{seller}/orders/status:bulk";

        // A line over Ordering:MaxBulkLineBytes is refused without being held, and the rows after it still apply.
        var lines = string.Join('\n',
            JsonSerializer.Serialize(new { orderId = order, action = "reject", reason = new string('x', 10_000) }),
            JsonSerializer.Serialize(new { orderId = order, action = "accept", priority = "high" }),
            JsonSerializer.Serialize(new { orderId = order, action = "accept" }));
        var answer = await client.PostAsync(path, new StringContent(lines, Encoding.UTF8, "application/x-ndjson"));
        var rows = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["rejected", "rejected", "moved"], rows.Select(r => r.GetProperty("outcome").GetString()));
        Assert.Equal(["$", "priority", ""], rows.Select(r => r.GetProperty("field").GetString() ?? ""));
        Assert.Contains("longer than", rows[0].GetProperty("reason").GetString());

        var csv = $"orderId,action,version\n{order},ship,two\nnot-an-id,ship,\n";
        var csvRows = (await (await client.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv"))).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["version", "orderId"], csvRows.Select(r => r.GetProperty("field").GetString()));

        // A body declared over Ordering:MaxBulkBodyBytes is refused before a row is read.
        var huge = new ByteArrayContent(new byte[5 * 1024 * 1024]);
        huge.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        await (await client.PostAsync(path, huge)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(["OrderPlaced", "OrderAccepted"], await host.EventsAsync(order));
    }
}
