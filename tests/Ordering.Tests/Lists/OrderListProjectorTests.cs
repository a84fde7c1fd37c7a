using System.Net;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Tests.Sellers;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Lists;

public sealed class OrderListProjectorTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_placed_order_shows_in_its_customers_and_sellers_lists_and_its_moves_follow()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), $"Projected {Guid.NewGuid():N}"[..20]);
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var sellerClient = host.CreateClient(seller.MemberAccessToken);
        var customerClient = host.CreateClient(customer.AccessToken);
        var group = await host.ArrangeGroupAsync(customer.UserId, [seller.SellerId]);
        var orderId = group.OrderIds[0];
        var sellerList = $"/api/v1/sellers/{seller.SellerId}/orders";

        var listed = Assert.Single((await ListedAsync(sellerClient, sellerList, 1)).GetProperty("items").EnumerateArray());
        Assert.Equal(orderId, listed.GetProperty("id").GetGuid());
        Assert.Equal("placed", listed.GetProperty("status").GetString());
        Assert.Equal(2, listed.GetProperty("version").GetInt32());
        Assert.Equal($"{group.Number}-1", listed.GetProperty("number").GetString());
        Assert.Equal(24.9m, listed.GetProperty("total").GetDecimal());
        Assert.Equal(orderId, Assert.Single((await ListedAsync(customerClient, "/api/v1/orders", 1)).GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        var accepted = await SellerOrderTransitionTests.Post(sellerClient, $"{sellerList}/{orderId}/accept", "\"2\"");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var read = await Expect(await sellerClient.GetAsync($"{sellerList}/{orderId}"), HttpStatusCode.OK);

        foreach (var (client, path) in new[] { (sellerClient, sellerList), (customerClient, "/api/v1/orders") })
        {
            var page = await Eventually.ReadAsync(
                async () => await Expect(await client.GetAsync(path), HttpStatusCode.OK),
                p => p.GetProperty("items")[0].GetProperty("status").GetString() == "accepted");
            var row = Assert.Single(page.GetProperty("items").EnumerateArray());
            Assert.Equal("accepted", row.GetProperty("status").GetString());
            Assert.Equal(3, row.GetProperty("version").GetInt32());
            Assert.Equal(read.GetProperty("updatedAt").GetDateTimeOffset(), row.GetProperty("updatedAt").GetDateTimeOffset());
        }

        var onlyAccepted = await Expect(await sellerClient.GetAsync($"{sellerList}?status=accepted"), HttpStatusCode.OK);
        Assert.Single(onlyAccepted.GetProperty("items").EnumerateArray());
        Assert.Empty((await Expect(await sellerClient.GetAsync($"{sellerList}?status=placed"), HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_replayed_event_changes_nothing_whether_redelivered_or_published_again()
    {
        var order = CraftedOrder.For(Guid.NewGuid(), Guid.NewGuid(), "R-000001", CraftedOrder.Instant(DateTimeOffset.UtcNow));
        var acceptance = Guid.NewGuid();
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Placed(), None)));
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(acceptance, order.Accepted(), None)));
        var before = await host.ListEntryAsync(order.OrderId);

        Assert.False(await host.ProjectAsync(p => p.ProjectAsync(acceptance, order.Accepted(), None)));
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Accepted(), None)));
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Placed(), None)));

        var after = await host.ListEntryAsync(order.OrderId);
        Assert.NotNull(before);
        Assert.Equal(OrderStatus.Accepted, before.Status);
        Assert.Equal((before.Status, before.Version, before.UpdatedAt), (after!.Status, after.Version, after.UpdatedAt));
    }

    [Fact]
    public async Task An_older_event_after_a_newer_one_changes_nothing_and_a_move_arriving_before_the_placement_is_kept()
    {
        var order = CraftedOrder.For(Guid.NewGuid(), Guid.NewGuid(), "R-000002", CraftedOrder.Instant(DateTimeOffset.UtcNow));

        // The shipment overtook the placement and the acceptance: it makes the row on its own.
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Shipped(), None)));
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Accepted(), None)));
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Placed(), None)));

        var shipped = await host.ListEntryAsync(order.OrderId);
        Assert.NotNull(shipped);
        Assert.Equal((OrderStatus.Shipped, 4, order.At(4)), (shipped.Status, shipped.Version, shipped.UpdatedAt));
        Assert.Equal((order.Number, order.GroupId, order.SellerId, order.CustomerId, "EUR", 24.9m, order.CreatedAt),
            (shipped.Number, shipped.GroupId, shipped.SellerId, shipped.CustomerId, shipped.Currency, shipped.Total, shipped.CreatedAt));

        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Delivered(6, confirmedByCustomer: true), None)));
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Delivered(5), None)));
        var completed = await host.ListEntryAsync(order.OrderId);
        Assert.Equal((OrderStatus.Completed, 6, order.At(6)), (completed!.Status, completed.Version, completed.UpdatedAt));
    }

    [Fact]
    public async Task A_cancelled_order_that_was_never_placed_never_gets_a_row_and_a_placed_one_shows_cancelled()
    {
        var never = CraftedOrder.For(Guid.NewGuid(), Guid.NewGuid(), "R-000003", CraftedOrder.Instant(DateTimeOffset.UtcNow));
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), never.Cancelled(2, wasPlaced: false), None)));
        Assert.Null(await host.ListEntryAsync(never.OrderId));

        var rejected = CraftedOrder.For(Guid.NewGuid(), null, "R-000004", CraftedOrder.Instant(DateTimeOffset.UtcNow));
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), rejected.Cancelled(3, wasPlaced: true), None)));
        Assert.True(await host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), rejected.Placed(), None)));
        var row = await host.ListEntryAsync(rejected.OrderId);
        Assert.Equal((OrderStatus.Cancelled, 3, (Guid?)null), (row!.Status, row.Version, row.CustomerId));
    }

    [Fact]
    public async Task Two_events_of_one_order_applied_at_once_leave_the_newer_one()
    {
        for (var round = 0; round < 20; round++)
        {
            var order = CraftedOrder.For(Guid.NewGuid(), Guid.NewGuid(), $"R-1{round:D5}", CraftedOrder.Instant(DateTimeOffset.UtcNow));
            await Task.WhenAll(
                host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Placed(), None)),
                host.ProjectAsync(p => p.ProjectAsync(Guid.NewGuid(), order.Accepted(), None)));
            var row = await host.ListEntryAsync(order.OrderId);
            Assert.Equal((OrderStatus.Accepted, 3), (row!.Status, row.Version));
        }
    }
}
