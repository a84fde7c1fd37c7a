using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Notifications.Email;
using Marketplace.Notifications.Email.Transport;
using Marketplace.Notifications.Persistence;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Marketplace.Notifications.Tests.Email;

/// <summary>
/// The server profile (PostgreSQL, RabbitMQ) with its SMTP adapter pointed at a real local SMTP server, quick mail
/// retries, and webhooks allowed to the loopback receiver (so an endpoint can be made to fail).
/// </summary>
public sealed class MailHost : NotificationsHost
{
    public MailHost()
        : base(allowLoopback: true)
    {
        Smtp = SmtpReceiver.Start();
        Settings["Notifications:Email:Smtp:Host"] = "127.0.0.1";
        Settings["Notifications:Email:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Notifications:Email:Smtp:Security"] = "None";
        Settings["Notifications:Email:Smtp:Timeout"] = "00:00:05";
        Settings["Notifications:Email:FromAddress"] = "shop@marketplace.test";
        Settings["Notifications:Email:DispatchInterval"] = "00:00:00.100";
        Settings["Notifications:Email:RetryBaseDelay"] = "00:00:00.200";
        Settings["Notifications:Email:RetryMaxDelay"] = "00:00:01";
        Settings["Notifications:Email:ClaimLease"] = "00:00:30";
    }

    public SmtpReceiver Smtp { get; }

    /// <summary>The mail outbox's rows for <paramref name="recipient"/>, oldest first.</summary>
    internal async Task<List<OutgoingMail>> MailsToAsync(string recipient)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        return await db.Mails.AsNoTracking().Where(m => m.Recipient == recipient).OrderBy(m => m.Sequence).ToListAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await Smtp.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// The embedded profile with nothing configured about mail: the log adapter. Every log line is captured, and every
/// mail handed to the adapter is recorded on its way (the adapter itself still writes its line).
/// </summary>
public sealed class LoggedMailHost() : NotificationsHost(allowLoopback: null, TestProfile.Embedded)
{
    public CapturedLogs Logs { get; } = new();

    internal ConcurrentQueue<MailToSend> Handed { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IMailTransport>();
            services.AddSingleton<LogMailTransport>();
            services.AddSingleton<IMailTransport>(sp => new Recording(sp.GetRequiredService<LogMailTransport>(), Handed));
        });
    }

    private sealed class Recording(IMailTransport inner, ConcurrentQueue<MailToSend> handed) : IMailTransport
    {
        public string Description => inner.Description;

        public async Task SendAsync(MailToSend mail, CancellationToken cancellationToken)
        {
            handed.Enqueue(mail);
            await inner.SendAsync(mail, cancellationToken);
        }
    }
}

/// <summary>Arrangements the mail tests share: a seller whose name and product title are hostile HTML, and a checkout of it.</summary>
public static class MailFlows
{
    public const string SellerName = "Tom & Jerry's <b>Shop</b>";
    public const string ProductTitle = "Mug <script>alert(1)</script> \"Big\"";

    private static readonly object Berlin = new { name = "Ada Lovelace", country = "DE", postalCode = "10115", city = "Berlin", lines = new[] { "Invalidenstr. 1" } };

    /// <summary>A seller named <see cref="SellerName"/> with one offer of <see cref="ProductTitle"/> at <paramref name="price"/> EUR.</summary>
    public static async Task<(Guid SellerId, Guid OfferId, HttpClient Seller)> HostileOfferAsync(MarketplaceFactory host, decimal price)
    {
        var slug = $"mail-{Guid.NewGuid():N}"[..20];
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var category = await ExpectAsync(await admin.PostAsJsonAsync("/api/v1/categories", new { name = "Mugs", slug }), HttpStatusCode.Created);
        var session = await IdentityFlows.CreateSellerAsync(host.CreateClient(), SellerName);
        var seller = host.CreateClient(session.MemberAccessToken);
        var product = await ExpectAsync(await seller.PostAsJsonAsync($"/api/v1/sellers/{session.SellerId}/products", new
        {
            title = ProductTitle,
            categoryId = category.GetProperty("id").GetGuid(),
            skus = new[] { new { code = slug, weightGrams = 1, lengthMm = 1, widthMm = 1, heightMm = 1 } },
        }), HttpStatusCode.Created);
        var skuId = product.GetProperty("skus")[0].GetProperty("id").GetGuid();
        var offer = await ExpectAsync(
            await seller.PutAsJsonAsync($"/api/v1/sellers/{session.SellerId}/offers/{skuId}", new { price, currency = "EUR", stock = 100 }), HttpStatusCode.Created);
        return (session.SellerId, offer.GetProperty("offerId").GetGuid(), seller);
    }

    /// <summary>
    /// Checks one unit of the offer out with <paramref name="acceptLanguage"/>: as a guest giving <paramref name="email"/>,
    /// or as the customer whose token <paramref name="customerToken"/> is (giving <paramref name="email"/> as well, if set).
    /// </summary>
    /// <returns>The seller order's id and number.</returns>
    public static async Task<(Guid OrderId, string Number)> CheckoutAsync(
        MarketplaceFactory host, Guid offerId, string? email, string? acceptLanguage, string? customerToken = null)
    {
        var cart = customerToken is null ? host.CreateClient() : host.CreateClient(customerToken);
        if (customerToken is null)
        {
            var guest = await ExpectAsync(await cart.PostAsync("/api/v1/cart/guest", null), HttpStatusCode.Created);
            cart.DefaultRequestHeaders.Add("X-Cart-Token", guest.GetProperty("token").GetString());
        }

        await ExpectAsync(await cart.PostAsJsonAsync("/api/v1/cart/lines", new { offerId, quantity = 2 }), HttpStatusCode.OK);
        var quote = await ExpectAsync(await cart.PostAsJsonAsync("/api/v1/checkout/quote", new { shippingAddress = Berlin }), HttpStatusCode.OK);
        using var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkout")
        {
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
            Content = JsonContent.Create(new
            {
                email,
                shippingAddress = Berlin,
                delivery = quote.GetProperty("sellers").EnumerateArray().Select(s => new
                {
                    sellerId = s.GetProperty("sellerId").GetGuid(),
                    quoteId = quote.GetProperty("quoteId").GetGuid(),
                    optionId = s.GetProperty("cheapestOptionId").GetString(),
                }).ToArray(),
                paymentMethodId = "pm_card_visa",
                expectedTotal = quote.GetProperty("total").GetDecimal(),
            }),
        };
        if (acceptLanguage is not null)
        {
            checkout.Headers.Add("Accept-Language", acceptLanguage);
        }

        var placed = await ExpectAsync(await cart.SendAsync(checkout), HttpStatusCode.Created);
        var order = placed.GetProperty("orders")[0];
        return (order.GetProperty("id").GetGuid(), order.GetProperty("number").GetString()!);
    }

    private static Task<JsonElement> ExpectAsync(HttpResponseMessage answer, HttpStatusCode status) => NotificationsHost.ExpectAsync(answer, status);
}
