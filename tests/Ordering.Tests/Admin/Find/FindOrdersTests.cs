using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Admin.Find;

public sealed class FindOrdersTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task Staff_find_a_checkout_by_number_email_or_seller_with_every_orders_history()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 5);
        var cart = await GuestCartAsync(host, (offers[0], 1));
        var email = $"support-{Guid.NewGuid():N}@tests.local";
        var placed = await Expect(await CheckoutAsync(cart, Body(await QuoteAsync(cart), email: email)), HttpStatusCode.Created);
        var groupId = placed.GetProperty("orderGroupId").GetGuid();
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));

        foreach (var query in new[]
        {
            $"number={placed.GetProperty("number").GetString()}",
            $"number={placed.GetProperty("orders")[0].GetProperty("number").GetString()}",
            $"email={Uri.EscapeDataString(email)}",
            $"sellerId={offers[0].SellerId}",
        })
        {
            var page = await Expect(await admin.GetAsync($"/api/v1/admin/orders?{query}"), HttpStatusCode.OK);
            var group = Assert.Single(page.GetProperty("items").EnumerateArray());
            Assert.Equal(groupId, group.GetProperty("orderGroupId").GetGuid());
            Assert.Equal("authorized", group.GetProperty("paymentStatus").GetString());
            Assert.Equal("PaymentAuthorized", group.GetProperty("orders")[0].GetProperty("timeline")[0].GetProperty("transition").GetString());
        }

        await (await admin.GetAsync("/api/v1/admin/orders")).AssertValidationProblemAsync("number");
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        await (await host.CreateClient(customer.AccessToken).GetAsync($"/api/v1/admin/orders?email={Uri.EscapeDataString(email)}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await offers[0].Seller.GetAsync($"/api/v1/admin/orders?sellerId={offers[0].SellerId}")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
