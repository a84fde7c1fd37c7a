using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Marketplace.Payments.Contracts;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Notifications.Tests.Email;

/// <summary>The refund mail: the customer is told of each refund once, in the checkout's language, however often its event comes.</summary>
public sealed class RefundMailTests(MailHost host) : IClassFixture<MailHost>
{
    [Fact]
    public async Task A_sellers_refund_mails_the_customer_once_with_the_amount_and_reason_even_when_the_request_and_its_event_repeat()
    {
        var (sellerId, offerId, seller) = await MailFlows.HostileOfferAsync(host, 10m);
        var guest = $"refund-{Guid.NewGuid():N}@tests.local";
        var (orderId, number) = await MailFlows.CheckoutAsync(host, offerId, guest, "en-GB");
        var path = $"/api/v1/sellers/{sellerId}/orders/{orderId}";
        using (var accept = new HttpRequestMessage(HttpMethod.Post, path + "/accept") { Headers = { { "If-Match", "*" } } })
        {
            await NotificationsHost.ExpectAsync(await seller.SendAsync(accept), HttpStatusCode.OK);
        }

        // 409 (and nothing counted) until the group's capture has gone through; each try is a new refund, so a new key.
        var key = "";
        var refund = await Eventually.ReadAsync(
            () => RefundAsync(seller, path, key = Guid.NewGuid().ToString()),
            answer => answer.StatusCode != HttpStatusCode.Conflict);
        var body = await NotificationsHost.ExpectAsync(refund, HttpStatusCode.Created);
        await NotificationsHost.ExpectAsync(await RefundAsync(seller, path, key), HttpStatusCode.Created);

        // The event delivered once more, as a redelivery would: still one mail.
        var refundId = body.GetProperty("id").GetGuid();
        await host.Services.GetRequiredService<IBus>().Publish(new PaymentRefunded(
            refundId, Guid.NewGuid(), Guid.NewGuid(), orderId, sellerId, Platform.Money.Of(4.50m, "EUR"), "Lid <chipped>", false, DateTimeOffset.UtcNow));
        var mails = await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(guest)), m => m.Any(x => x.Subject == $"Refund for order {number}"));
        var mail = Assert.Single(mails, m => m.Subject == $"Refund for order {number}");
        Assert.Contains("€4.50", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Reason: Lid &lt;chipped&gt;", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Single(await host.MailsToAsync(guest), m => m.Kind == "refund-issued");
    }

    private static Task<HttpResponseMessage> RefundAsync(HttpClient seller, string path, string key) =>
        seller.SendAsync(new HttpRequestMessage(HttpMethod.Post, path + "/refunds")
        {
            Headers = { { "Idempotency-Key", key } },
            Content = JsonContent.Create(new { amount = 4.50m, reason = "Lid <chipped>" }),
        });
}
