using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Marketplace.Payments.Contracts;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Ordering.Tests.Customers;

/// <summary>The buyer reads its order's invoice, issued by Payments at capture, as it reads the order; nobody else does.</summary>
public sealed class OrderInvoiceTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task A_guest_reads_its_orders_invoice_as_json_or_a_page_with_its_token_and_another_token_or_none_gets_nothing()
    {
        var group = await host.ArrangeGroupAsync(null, [Guid.NewGuid()]);
        var other = await host.ArrangeGroupAsync(null, [Guid.NewGuid()]);
        var path = $"/api/v1/orders/{group.OrderIds[0]}/invoice";
        var guest = WithToken(group.GuestToken!);
        await (await guest.GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);

        var invoice = await CapturedAsync(group, guest, path);

        Assert.Equal(HttpStatusCode.OK, invoice.StatusCode);
        var body = await invoice.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(group.OrderIds[0], body.GetProperty("orderId").GetGuid());
        Assert.Equal($"{group.Number}-1", body.GetProperty("orderNumber").GetString());
        Assert.Equal(1, body.GetProperty("number").GetInt64());
        Assert.Equal(24.9m, body.GetProperty("orderTotal").GetDecimal());
        using var page = new HttpRequestMessage(HttpMethod.Get, path);
        page.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var printable = await guest.SendAsync(page);
        Assert.Equal("text/html", printable.Content.Headers.ContentType!.MediaType);
        Assert.Contains($"{group.Number}-1", await printable.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await (await WithToken(other.GuestToken!).GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await WithToken("ot_guessed").GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await host.CreateClient().GetAsync(path)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_customer_reads_its_orders_invoice_and_another_customer_gets_404()
    {
        var owner = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var stranger = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var group = await host.ArrangeGroupAsync(owner.UserId, [Guid.NewGuid()]);
        var path = $"/api/v1/orders/{group.OrderIds[0]}/invoice";

        var invoice = await CapturedAsync(group, host.CreateClient(owner.AccessToken), path);

        Assert.Equal(HttpStatusCode.OK, invoice.StatusCode);
        await (await host.CreateClient(stranger.AccessToken).GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_admin_reads_any_orders_invoice_as_json_or_a_page_and_a_customer_or_an_unknown_order_gets_nothing()
    {
        var owner = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var group = await host.ArrangeGroupAsync(owner.UserId, [Guid.NewGuid()]);
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var path = $"/api/v1/admin/orders/{group.OrderIds[0]}/invoice";
        await (await admin.GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);

        var invoice = await CapturedAsync(group, admin, path);

        var body = await invoice.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(group.OrderIds[0], body.GetProperty("orderId").GetGuid());
        Assert.Equal(24.9m, body.GetProperty("orderTotal").GetDecimal());
        using var page = new HttpRequestMessage(HttpMethod.Get, path);
        page.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var printable = await admin.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, printable.StatusCode);
        Assert.Equal("text/html", printable.Content.Headers.ContentType!.MediaType);
        Assert.Contains($"{group.Number}-1", await printable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(printable.Headers.GetValues("Content-Security-Policy").Single());

        await (await admin.GetAsync($"/api/v1/admin/orders/{Guid.NewGuid()}/invoice")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await host.CreateClient(owner.AccessToken).GetAsync(path)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await host.CreateClient().GetAsync(path)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// Payments' capture of the group, as Payments publishes it, until the buyer's invoice shows: each try is a new
    /// message, and the invoice is issued once Payments has heard of the order (Ordering's OrderPlaced) and then of the capture.
    /// </summary>
    private async Task<HttpResponseMessage> CapturedAsync(ArrangedGroup group, HttpClient buyer, string path)
    {
        var bus = host.Services.GetRequiredService<IBus>();
        var amount = Money.Of(24.9m, "EUR");
        return await Eventually.ReadAsync(
            async () =>
            {
                await bus.Publish(new PaymentCaptured(Guid.NewGuid(), group.GroupId, amount, amount, group.OrderIds, DateTimeOffset.UtcNow));
                return await buyer.GetAsync(path);
            },
            answer => answer.StatusCode == HttpStatusCode.OK);
    }

    private HttpClient WithToken(string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Order-Token", token);
        return client;
    }
}
