using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.Notifications.Email;
using Marketplace.Ordering.Contracts;
using Marketplace.Platform.Hosting;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Notifications.Tests.Email;

/// <summary>
/// Mails through the SMTP adapter to a real SMTP server: each in the checkout's language, to the right person, with
/// other people's text encoded; once per event however often it comes; and none lost while the server is down.
/// </summary>
public sealed partial class CustomerMailTests(MailHost host) : IClassFixture<MailHost>
{
    [Fact]
    public async Task A_guest_checking_out_with_russian_preferred_gets_the_placed_mail_in_russian_with_the_sellers_text_encoded()
    {
        var (_, offerId, _) = await MailFlows.HostileOfferAsync(host, 1234.5m);
        var guest = $"guest-{Guid.NewGuid():N}@tests.local";

        var (_, number) = await MailFlows.CheckoutAsync(host, offerId, guest, "de-DE, ru;q=0.9, en;q=0.8");
        var mail = Assert.Single(await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(guest)), m => m.Count >= 1));

        Assert.Equal($"Заказ {number} оформлен", mail.Subject);
        Assert.Equal("shop@marketplace.test", mail.From.Mailboxes.Single().Address);
        Assert.Contains("Tom &amp; Jerry&#39;s &lt;b&gt;Shop&lt;/b&gt;", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Mug &lt;script&gt;alert(1)&lt;/script&gt; &quot;Big&quot; × 2", mail.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Shop", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"у продавца {MailFlows.SellerName} оформлен", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{MailFlows.ProductTitle} × 2: 2\u00A0469,00\u00A0€", mail.TextBody, StringComparison.Ordinal);
        Assert.Matches(RussianTotal(), mail.TextBody);
        Assert.Contains("lang=\"ru\"", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_customer_is_written_to_at_the_accounts_email_in_english_when_the_checkout_names_no_language()
    {
        var (_, offerId, _) = await MailFlows.HostileOfferAsync(host, 10m);
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var typed = $"typed-{Guid.NewGuid():N}@tests.local";

        var (_, number) = await MailFlows.CheckoutAsync(host, offerId, typed, acceptLanguage: null, customer.AccessToken);
        var mail = Assert.Single(await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(customer.Email)), m => m.Count >= 1));

        Assert.Equal($"Order {number} is placed", mail.Subject);
        Assert.Contains($"{MailFlows.ProductTitle} × 2: €20.00", mail.TextBody, StringComparison.Ordinal);
        Assert.Matches(EnglishTotal(), mail.TextBody);
        Assert.Empty(host.Smtp.To(typed));
    }

    [Fact]
    public async Task Shipping_and_rejecting_tell_the_customer_in_the_checkouts_language_with_the_tracking_number_and_the_encoded_reason()
    {
        var (sellerId, offerId, seller) = await MailFlows.HostileOfferAsync(host, 10m);
        var shippedTo = $"ship-{Guid.NewGuid():N}@tests.local";
        var rejectedTo = $"reject-{Guid.NewGuid():N}@tests.local";
        var (shippedId, shippedNumber) = await MailFlows.CheckoutAsync(host, offerId, shippedTo, "ru-RU");
        var (rejectedId, rejectedNumber) = await MailFlows.CheckoutAsync(host, offerId, rejectedTo, "en-GB,en;q=0.9,ru;q=0.1");

        await MoveAsync(seller, sellerId, shippedId, "accept", null);
        await MoveAsync(seller, sellerId, shippedId, "ship", new { carrier = "DHL", trackingNumber = "JJD<0001>" });
        await MoveAsync(seller, sellerId, rejectedId, "reject", new { reason = "Out of <i>stock</i> & sorry" });
        var shipped = await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(shippedTo)), m => m.Count >= 2);
        var rejected = await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(rejectedTo)), m => m.Count >= 2);

        // Mails leave side by side, so their arrival order is not the events' order: each is found by its subject.
        Assert.Equal(new[] { $"Заказ {shippedNumber} оформлен", $"Заказ {shippedNumber} отправлен" }.Order(), shipped.Select(m => m.Subject).Order());
        var shippedMail = shipped.Single(m => m.Subject == $"Заказ {shippedNumber} отправлен");
        Assert.Contains("Перевозчик: DHL. Трек-номер: JJD&lt;0001&gt;.", shippedMail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Перевозчик: DHL. Трек-номер: JJD<0001>.", shippedMail.TextBody, StringComparison.Ordinal);
        Assert.Equal(new[] { $"Order {rejectedNumber} is placed", $"Order {rejectedNumber} is cancelled" }.Order(), rejected.Select(m => m.Subject).Order());
        Assert.Contains("Reason: Out of &lt;i&gt;stock&lt;/i&gt; &amp; sorry", rejected.Single(m => m.Subject == $"Order {rejectedNumber} is cancelled").HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_event_delivered_again_sends_no_second_mail()
    {
        var (sellerId, offerId, seller) = await MailFlows.HostileOfferAsync(host, 10m);
        var to = $"again-{Guid.NewGuid():N}@tests.local";
        var (orderId, number) = await MailFlows.CheckoutAsync(host, offerId, to, "en");
        await MoveAsync(seller, sellerId, orderId, "accept", null);
        await MoveAsync(seller, sellerId, orderId, "ship", new { carrier = "DHL", trackingNumber = "JJD0002" });
        await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(to)), m => m.Count >= 2);

        // The event exactly as Ordering's outbox published it, published once more: a redelivery.
        var shippedEvent = await PublishedAsync<OrderShipped>(orderId);
        await host.PublishAsync(shippedEvent);
        await host.PublishAsync(shippedEvent);

        // A later order of the same customer, its event queued behind the repeats, shows they were consumed.
        var (_, later) = await MailFlows.CheckoutAsync(host, offerId, to, "en");
        var mails = await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(to)), m => m.Count >= 3);
        var rows = await Eventually.ReadAsync(() => host.MailsToAsync(to), r => r.All(m => m.Status == MailStatus.Sent));

        Assert.Equal(new[] { $"Order {number} is placed", $"Order {number} has shipped", $"Order {later} is placed" }.Order(), mails.Select(m => m.Subject).Order());
        Assert.Single(rows, r => r.Kind == MailKinds.OrderShipped);
        Assert.All(rows, r => Assert.Equal(MailStatus.Sent, r.Status));
    }

    [Fact]
    public async Task A_mail_queued_while_the_smtp_server_is_down_is_retried_and_arrives_once_it_is_back()
    {
        var (_, offerId, _) = await MailFlows.HostileOfferAsync(host, 10m);
        var to = $"down-{Guid.NewGuid():N}@tests.local";
        await host.Smtp.StopAsync();
        try
        {
            var (_, number) = await MailFlows.CheckoutAsync(host, offerId, to, null);
            var failing = await Eventually.ReadAsync(() => host.MailsToAsync(to), rows => rows.Count == 1 && rows[0].Attempts >= 2);

            Assert.Equal(MailStatus.Pending, failing.Single().Status);
            Assert.NotNull(failing.Single().LastError);
            Assert.Empty(host.Smtp.To(to));
            host.Smtp.Resume();
            var mail = Assert.Single(await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(to)), m => m.Count >= 1));

            Assert.Equal($"Order {number} is placed", mail.Subject);
            var sent = (await Eventually.ReadAsync(() => host.MailsToAsync(to), rows => rows.Single().Status == MailStatus.Sent)).Single();
            Assert.Equal(MailStatus.Sent, sent.Status);
            Assert.Null(sent.HtmlBody);
            Assert.Null(sent.TextBody);
        }
        finally
        {
            // The other tests of the class need the server, whatever happened here.
            if (!host.Smtp.IsRunning)
            {
                host.Smtp.Resume();
            }
        }
    }

    [Fact]
    public async Task An_invitee_gets_the_invitation_code_by_mail_and_the_outbox_forgets_it_once_sent()
    {
        var owner = await IdentityFlows.CreateSellerAsync(host.CreateClient(), MailFlows.SellerName);
        var invitee = $"invitee-{Guid.NewGuid():N}@tests.local";

        var invited = await NotificationsHost.ExpectAsync(
            await host.CreateClient(owner.MemberAccessToken).PostAsJsonAsync($"/api/v1/sellers/{owner.SellerId}/invitations", new { email = invitee }),
            HttpStatusCode.Accepted);
        var mail = Assert.Single(await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(invitee)), m => m.Count >= 1));
        var code = await IdentityFlows.InvitationCodeAsync(host, invited.GetProperty("invitationId").GetGuid());

        Assert.Equal($"You are invited to sell with {MailFlows.SellerName}", mail.Subject);
        Assert.Contains($"Invitation code: {code}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"<strong>Invitation code: {code}</strong>", mail.HtmlBody, StringComparison.Ordinal);
        var row = (await Eventually.ReadAsync(() => host.MailsToAsync(invitee), rows => rows.Single().Status == MailStatus.Sent)).Single();
        Assert.Null(row.TextBody);
        Assert.Null(row.HtmlBody);
    }

    [Fact]
    public async Task Registering_a_taken_email_again_and_again_tells_its_owner_once()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());

        for (var i = 0; i < 3; i++)
        {
            await NotificationsHost.ExpectAsync(
                await host.CreateClient().PostAsJsonAsync("/api/v1/customers", new { email = customer.Email, password = IdentityFlows.Password }), HttpStatusCode.Accepted);
        }

        var mail = Assert.Single(await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(customer.Email)), m => m.Count >= 1));
        Assert.Equal("Someone tried to register with your email", mail.Subject);
        var rows = await Eventually.ReadAsync(() => host.MailsToAsync(customer.Email), r => r.Count == 1 && r[0].Status == MailStatus.Sent);
        Assert.Single(rows);
        Assert.Single(host.Smtp.To(customer.Email));
    }

    [Fact]
    public async Task An_endpoint_disabled_for_answering_410_is_reported_to_the_sellers_owner_by_mail()
    {
        var owner = await IdentityFlows.CreateSellerAsync(host.CreateClient(), MailFlows.SellerName);
        var client = host.CreateClient(owner.MemberAccessToken);
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, _) = await NotificationsHost.EndpointAsync(client, owner.SellerId, host.Receiver.Url(path));
        var previous = host.Receiver.Answer;
        host.Receiver.Answer = r => r.Path == path ? new ReceiverAnswer(410) : previous(r);

        await NotificationsHost.ExpectAsync(await client.PostAsync($"/api/v1/sellers/{owner.SellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);
        var mail = Assert.Single(await Eventually.ReadAsync(() => Task.FromResult(host.Smtp.To(owner.Owner.Email)), m => m.Count >= 1));

        Assert.Equal($"Webhook endpoint of {MailFlows.SellerName} disabled", mail.Subject);
        Assert.Contains(host.Receiver.Url(path), mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("410 Gone", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Tom &amp; Jerry&#39;s &lt;b&gt;Shop&lt;/b&gt;", mail.HtmlBody, StringComparison.Ordinal);
        Assert.False((await NotificationsHost.EndpointOf(client, owner.SellerId, webhookId)).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public void The_server_profile_with_an_smtp_host_reports_the_smtp_adapter_for_email()
    {
        var email = host.Services.GetServices<ComponentAdapter>().Single(a => a.Component == "email");

        Assert.Equal($"smtp 127.0.0.1:{host.Smtp.Port} (None)", email.Adapter);
    }

    private static async Task MoveAsync(HttpClient seller, Guid sellerId, Guid orderId, string transition, object? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sellers/{sellerId}/orders/{orderId}/{transition}")
        {
            Headers = { { "If-Match", "*" } },
            Content = body is null ? null : JsonContent.Create(body),
        };
        await NotificationsHost.ExpectAsync(await seller.SendAsync(request), HttpStatusCode.OK);
    }

    /// <summary>The event of <paramref name="orderId"/> Ordering wrote to its outbox, as it was published.</summary>
    private async Task<T> PublishedAsync<T>(Guid orderId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(host.PostgresConnectionString);
        await connection.OpenAsync();
        await using var query = new Npgsql.NpgsqlCommand(
            "SELECT payload FROM ordering.outbox_messages WHERE type LIKE @type AND payload LIKE @id", connection);
        query.Parameters.AddWithValue("type", $"{typeof(T).FullName},%");
        query.Parameters.AddWithValue("id", $"%{orderId}%");
        var payload = (string)(await query.ExecuteScalarAsync())!;
        return JsonSerializer.Deserialize<T>(payload, JsonSerializerOptions.Web)!;
    }

    [GeneratedRegex(@"Итого: \d[\d\s]*,\d{2}\s€")]
    private static partial Regex RussianTotal();

    [GeneratedRegex(@"Total: €\d[\d,]*\.\d{2}")]
    private static partial Regex EnglishTotal();
}
