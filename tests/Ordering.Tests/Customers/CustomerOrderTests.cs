using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Ordering.Tests.Sellers;
using Marketplace.TestSupport;

namespace Marketplace.Ordering.Tests.Customers;

public sealed class CustomerOrderTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task A_customer_reads_its_order_with_the_timeline_and_another_customer_gets_404()
    {
        var owner = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var other = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var group = await host.ArrangeGroupAsync(owner.UserId, [Guid.NewGuid()]);
        var path = $"/api/v1/orders/{group.OrderIds[0]}";

        var read = await host.CreateClient(owner.AccessToken).GetAsync(path);
        var body = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("placed", body.GetProperty("status").GetString());
        Assert.Equal($"{group.Number}-1", body.GetProperty("number").GetString());
        Assert.Equal("PaymentAuthorized", body.GetProperty("timeline")[0].GetProperty("transition").GetString());
        Assert.Equal("Mug", body.GetProperty("lines")[0].GetProperty("title").GetString());

        await (await host.CreateClient(other.AccessToken).GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await host.CreateClient().GetAsync(path)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_guest_reads_its_order_with_its_token_only()
    {
        var group = await host.ArrangeGroupAsync(null, [Guid.NewGuid()]);
        var other = await host.ArrangeGroupAsync(null, [Guid.NewGuid()]);
        var path = $"/api/v1/orders/{group.OrderIds[0]}";

        Assert.Equal(HttpStatusCode.OK, (await WithToken(group.GuestToken!).GetAsync(path)).StatusCode);
        await (await WithToken(other.GuestToken!).GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await WithToken("ot_guessed").GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await host.CreateClient().GetAsync(path)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_guest_cancels_before_shipping_once_and_a_repeat_changes_nothing()
    {
        var group = await host.ArrangeGroupAsync(null, [Guid.NewGuid()]);
        var guest = WithToken(group.GuestToken!);
        var path = $"/api/v1/orders/{group.OrderIds[0]}/cancel";

        await (await guest.PostAsJsonAsync(path, new { reason = "Changed my mind" })).AssertIfMatchRequiredAsync();
        var cancelled = await SellerOrderTransitionTests.Post(guest, path, "\"2\"", new { reason = "Changed my mind" });
        var body = await cancelled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", body.GetProperty("status").GetString());
        Assert.Equal("customer", body.GetProperty("timeline")[1].GetProperty("actor").GetString());

        var repeated = await SellerOrderTransitionTests.Post(guest, path, "\"2\"", new { reason = "Changed my mind" });
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal(3, (await repeated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        Assert.Equal(["OrderPlaced", "OrderCancelled"], await host.EventsAsync(group.OrderIds[0]));

        var receipt = await SellerOrderTransitionTests.Post(guest, $"/api/v1/orders/{group.OrderIds[0]}/confirm-receipt", "\"3\"");
        Assert.Equal("IllegalTransition", (await receipt.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("rule").GetString());
    }

    [Fact]
    public async Task The_customers_placed_orders_come_newest_first_in_keyset_pages()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var first = await host.ArrangeGroupAsync(customer.UserId, [Guid.NewGuid(), Guid.NewGuid()]);
        var second = await host.ArrangeGroupAsync(customer.UserId, [Guid.NewGuid()]);
        await host.ArrangeGroupAsync(Guid.NewGuid(), [Guid.NewGuid()]);

        // Still waiting for its payment: the checkout answer and GET /orders/{id} show it, the list does not.
        await host.ArrangeGroupAsync(customer.UserId, [Guid.NewGuid()], paid: false);
        var client = host.CreateClient(customer.AccessToken);
        Assert.True(await host.ProjectedAsync([.. first.OrderIds, .. second.OrderIds]));

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/orders?limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(3, seen.Count);
        Assert.Equal(second.OrderIds[0], seen[0]);
        Assert.Equal(first.OrderIds.ToHashSet(), seen.Skip(1).ToHashSet());
        await (await client.GetAsync("/api/v1/orders?limit=0")).AssertValidationProblemAsync("limit");
        await (await host.CreateClient().GetAsync("/api/v1/orders")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private HttpClient WithToken(string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Order-Token", token);
        return client;
    }
}
