using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Ordering.Orders;
using Marketplace.TestSupport;

namespace Marketplace.Ordering.Tests.Sellers;

public sealed class SellerOrderTransitionTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task Ten_identical_accepts_at_once_move_the_order_once_and_no_answer_is_a_server_error()
    {
        var (seller, client) = await SellerAsync("AcceptRace");
        var group = await host.ArrangeGroupAsync(Guid.NewGuid(), [seller]);
        var orderId = group.OrderIds[0];
        var path = $"/api/v1/sellers/{seller}/orders/{orderId}/accept";

        // Each loser's history row collides with the winner's before its version check does: still a client's answer.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Post(client, path, "\"2\"")));
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PreconditionFailed }));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(["OrderPlaced", "OrderAccepted"], await host.EventsAsync(orderId));
    }

    [Fact]
    public async Task Accepting_a_placed_order_needs_its_etag_moves_it_once_and_a_repeat_changes_nothing()
    {
        var (seller, client) = await SellerAsync("Accept");
        var group = await host.ArrangeGroupAsync(Guid.NewGuid(), [seller]);
        var orderId = group.OrderIds[0];
        var path = $"/api/v1/sellers/{seller}/orders/{orderId}";

        var read = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);

        await (await client.PostAsync(path + "/accept", null)).AssertIfMatchRequiredAsync();
        await (await Post(client, path + "/accept", "\"1\"")).AssertIfMatchFailedAsync();

        var accepted = await Post(client, path + "/accept", "\"2\"");
        var body = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal(3, body.GetProperty("version").GetInt32());
        Assert.Equal("\"3\"", accepted.Headers.ETag?.Tag);
        var timeline = body.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(["PaymentAuthorized", "Accept"], timeline.Select(t => t.GetProperty("transition").GetString()));
        Assert.Equal("seller", timeline[1].GetProperty("actor").GetString());

        // The client lost the answer and sends the same request again, with the If-Match it had.
        var repeated = await Post(client, path + "/accept", "\"2\"");
        var again = await repeated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal(3, again.GetProperty("version").GetInt32());
        Assert.Equal(2, again.GetProperty("timeline").GetArrayLength());
        Assert.Equal(["OrderPlaced", "OrderAccepted"], await host.EventsAsync(orderId));
    }

    [Fact]
    public async Task An_illegal_move_is_409_naming_the_rule_and_changes_nothing()
    {
        var (seller, client) = await SellerAsync("Illegal");
        var group = await host.ArrangeGroupAsync(Guid.NewGuid(), [seller]);
        var path = $"/api/v1/sellers/{seller}/orders/{group.OrderIds[0]}";

        var ship = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path + "/ship")
        {
            Headers = { { "If-Match", "\"2\"" } },
            Content = JsonContent.Create(new { carrier = "DHL", trackingNumber = "JJD1" }),
        });
        var problem = await ship.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("IllegalTransition", problem.GetProperty("rule").GetString());

        var after = await client.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal("placed", after.GetProperty("status").GetString());
        Assert.Equal(2, after.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_carrier_parcel_is_not_marked_delivered_by_the_seller_and_a_carrier_shipment_needs_tracking()
    {
        var (seller, client) = await SellerAsync("Guards");
        var group = await host.ArrangeGroupAsync(Guid.NewGuid(), [seller]);
        var path = $"/api/v1/sellers/{seller}/orders/{group.OrderIds[0]}";
        Assert.Equal(HttpStatusCode.OK, (await Post(client, path + "/accept", "\"2\"")).StatusCode);

        var untracked = await Post(client, path + "/ship", "\"3\"", new { carrier = "DHL" });
        Assert.Equal(nameof(OrderTransitions.CarrierShipmentNeedsTracking), (await untracked.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("rule").GetString());

        var shipped = await Post(client, path + "/ship", "\"3\"", new { carrier = "DHL", trackingNumber = "JJD000390007" });
        var body = await shipped.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, shipped.StatusCode);
        Assert.Equal("JJD000390007", body.GetProperty("trackingNumber").GetString());

        var delivered = await Post(client, path + "/deliver", "\"4\"");
        Assert.Equal(nameof(OrderTransitions.SellerDeliversOnlyItsOwnDelivery), (await delivered.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("rule").GetString());
        Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipped"], await host.EventsAsync(group.OrderIds[0]));
    }

    [Fact]
    public async Task A_seller_delivering_itself_marks_the_order_delivered_and_the_customer_confirms_receipt()
    {
        var (seller, client) = await SellerAsync("Own delivery");
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var group = await host.ArrangeGroupAsync(customer.UserId, [seller], kind: DeliveryKind.SellerOwnDelivery);
        var orderId = group.OrderIds[0];
        var path = $"/api/v1/sellers/{seller}/orders/{orderId}";
        Assert.Equal(HttpStatusCode.OK, (await Post(client, path + "/accept", "\"2\"")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(client, path + "/ship", "\"3\"", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(client, path + "/deliver", "\"4\"")).StatusCode);

        var buyer = host.CreateClient(customer.AccessToken);
        var confirmed = await Post(buyer, $"/api/v1/orders/{orderId}/confirm-receipt", "\"5\"");
        var body = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipped", "OrderDelivered", "OrderDelivered"], await host.EventsAsync(orderId));
    }

    [Fact]
    public async Task Rejecting_needs_a_reason_and_cancels_the_order_with_it()
    {
        var (seller, client) = await SellerAsync("Reject");
        var group = await host.ArrangeGroupAsync(Guid.NewGuid(), [seller]);
        var path = $"/api/v1/sellers/{seller}/orders/{group.OrderIds[0]}";

        await (await Post(client, path + "/reject", "\"2\"", new { reason = " " })).AssertValidationProblemAsync("reason");
        var rejected = await Post(client, path + "/reject", "\"2\"", new { reason = "Out of stock in the warehouse" });
        var body = await rejected.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("cancelled", body.GetProperty("status").GetString());
        Assert.Equal("Out of stock in the warehouse", body.GetProperty("cancellationReason").GetString());
        Assert.Equal(["OrderPlaced", "OrderCancelled"], await host.EventsAsync(group.OrderIds[0]));
    }

    [Fact]
    public async Task Another_seller_can_neither_see_nor_move_the_order()
    {
        var (seller, _) = await SellerAsync("Owner");
        var (rival, rivalClient) = await SellerAsync("Rival");
        var group = await host.ArrangeGroupAsync(Guid.NewGuid(), [seller]);
        var orderId = group.OrderIds[0];

        await (await rivalClient.GetAsync($"/api/v1/sellers/{seller}/orders/{orderId}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await Post(rivalClient, $"/api/v1/sellers/{seller}/orders/{orderId}/accept", "*")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await rivalClient.GetAsync($"/api/v1/sellers/{rival}/orders/{orderId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Post(rivalClient, $"/api/v1/sellers/{rival}/orders/{orderId}/accept", "*")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(["OrderPlaced"], await host.EventsAsync(orderId));
    }

    [Fact]
    public async Task An_order_still_waiting_for_its_payment_is_not_the_sellers_yet()
    {
        var (seller, client) = await SellerAsync("Unpaid");
        var group = await host.ArrangeGroupAsync(Guid.NewGuid(), [seller], paid: false);

        await (await client.GetAsync($"/api/v1/sellers/{seller}/orders/{group.OrderIds[0]}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Post(client, $"/api/v1/sellers/{seller}/orders/{group.OrderIds[0]}/accept", "*")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<(Guid SellerId, HttpClient Client)> SellerAsync(string name)
    {
        var session = await IdentityFlows.CreateSellerAsync(host.CreateClient(), $"{name} {Guid.NewGuid():N}"[..20]);
        var key = await IdentityFlows.CreateApiKeyAsync(host.CreateClient(session.MemberAccessToken), session.SellerId);
        return (session.SellerId, IdentityFlows.ClientWithApiKey(host, key));
    }

    internal static Task<HttpResponseMessage> Post(HttpClient client, string path, string ifMatch, object? body = null) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Headers = { { "If-Match", ifMatch } },
            Content = body is null ? null : JsonContent.Create(body),
        });
}
