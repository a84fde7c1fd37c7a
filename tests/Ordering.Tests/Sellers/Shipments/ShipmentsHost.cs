using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Tracking;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Sellers.Shipments;

/// <summary>
/// The host with the CDEK carrier against a <see cref="CdekDouble"/>, its webhook secret set, and the repository's
/// runtime rules plus a zone <c>ru</c> where CDEK quotes (and nothing else does), so a checkout to Moscow is delivered
/// by CDEK. Tracking is polled only every hour here, so what a test sees comes from the webhooks it sends.
/// </summary>
public class ShipmentsHost : OrderingHost
{
    public const string WebhookSecret = "cdekWebhookSecret0123456789abcdefXYZ";

    public static readonly object Moscow = new { name = "Ivan Petrov", country = "RU", postalCode = "119019", city = "Moscow", lines = new[] { "Arbat 1" } };

    public ShipmentsHost()
    {
        var delivery = JsonNode.Parse(File.ReadAllText(Path.Combine(Rules.Path, "delivery.json")))!.AsObject();
        delivery["zones"]!.AsArray().Add(new JsonObject { ["id"] = "ru", ["name"] = "Russia", ["countries"] = new JsonArray("RU"), ["carriers"] = new JsonArray("cdek") });
        Rules.Write("delivery", delivery.ToJsonString());
        Rules.Use(this);

        Settings["Delivery:Carriers:Cdek:ClientId"] = CdekDouble.ClientId;
        Settings["Delivery:Carriers:Cdek:ClientSecret"] = CdekDouble.ClientSecret;
        Settings["Delivery:Carriers:Cdek:WebhookSecret"] = WebhookSecret;
        Settings["Delivery:Carriers:Cdek:FromPostalCode"] = "101000";
        Settings["Delivery:Carriers:Cdek:FromCity"] = "Moscow";
        Settings["Delivery:Carriers:Cdek:SenderPhone"] = "+74950000000";
        Settings["Delivery:Carriers:Cdek:PollInterval"] = "00:00:00.050";
        Settings["Delivery:Carriers:Cdek:OrderDeadline"] = "00:00:10";
        Settings["Delivery:Carriers:Cdek:RetryDelay"] = "00:00:00.050";
        Settings["Delivery:Carriers:Cdek:MaxRetries"] = "1";

        // One test takes CDEK down on purpose; the breaker must not carry that into the next test.
        Settings["Delivery:Carriers:Cdek:BreakerMinimumThroughput"] = "1000";
        Settings["Delivery:TrackingPollInterval"] = "01:00:00";
    }

    public RulesCopy Rules { get; } = new();

    public CdekDouble Cdek { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Cdek = await CdekDouble.StartNewAsync();
        Settings["Delivery:Carriers:Cdek:BaseUrl"] = Cdek.BaseUrl.ToString();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Cdek is not null)
        {
            await Cdek.DisposeAsync();
        }

        Rules.Dispose();

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// A guest buys one unit of a new seller's offer for delivery to Moscow by CDEK's tariff 137 (warehouse to door), and
    /// the seller accepts the order: the order, the seller's client, and a client that reads the order as the guest.
    /// </summary>
    public async Task<(Guid OrderId, SellerOffer Offer, HttpClient Guest)> AcceptedCdekOrderAsync()
    {
        var offers = await CatalogFlows.OffersAsync(this, 1, price: 20m, stock: 5);
        var cart = await GuestCartAsync(this, (offers[0], 1));
        var quote = await QuoteAsync(cart, Moscow);
        var seller = quote.GetProperty("sellers")[0];
        var option = seller.GetProperty("options").EnumerateArray().Single(o => o.GetProperty("optionId").GetString() == "cdek-137");
        var body = new
        {
            email = "guest@tests.local",
            shippingAddress = Moscow,
            delivery = new[] { new { sellerId = offers[0].SellerId, quoteId = quote.GetProperty("quoteId").GetGuid(), optionId = "cdek-137" } },
            paymentMethodId = "pm_card_visa",
            expectedTotal = quote.GetProperty("itemsTotal").GetDecimal() + option.GetProperty("price").GetDecimal(),
        };
        var placed = await Expect(await CheckoutAsync(cart, body), HttpStatusCode.Created);
        var orderId = placed.GetProperty("orders")[0].GetProperty("id").GetGuid();
        var guest = CreateClient();
        guest.DefaultRequestHeaders.Add("X-Order-Token", placed.GetProperty("orderAccessToken").GetString());
        await Expect(await PostAsync(offers[0].Seller, $"/api/v1/sellers/{offers[0].SellerId}/orders/{orderId}/accept", ifMatch: "*"), HttpStatusCode.OK);
        return (orderId, offers[0], guest);
    }

    public static Task<HttpResponseMessage> ShipAsync(HttpClient seller, Guid sellerId, Guid orderId, string key, object body) =>
        seller.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sellers/{sellerId}/orders/{orderId}/shipments")
        {
            Headers = { { "Idempotency-Key", key } },
            Content = JsonContent.Create(body),
        });

    /// <summary>CDEK's ORDER_STATUS webhook as CDEK sends it (API v2, "Webhooks"), to the address with <paramref name="secret"/>.</summary>
    public Task<HttpResponseMessage> WebhookAsync(string cdekNumber, string statusCode, DateTimeOffset at, string secret = WebhookSecret, bool isReturn = false)
    {
        var moscow = at.ToOffset(TimeSpan.FromHours(3));
        var time = moscow.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "+0300";
        var body = JsonSerializer.Serialize(new
        {
            type = "ORDER_STATUS",
            date_time = time,
            uuid = Guid.NewGuid(),
            attributes = new
            {
                is_return = isReturn,
                cdek_number = long.Parse(cdekNumber, System.Globalization.CultureInfo.InvariantCulture),
                number = "ignored",
                status_code = statusCode,
                status_date_time = time,
                city_name = "Moscow",
                city_code = "44",
            },
        });
        return CreateClient().PostAsync($"/api/v1/delivery/webhooks/cdek/{secret}", new StringContent(body, Encoding.UTF8, "application/json"));
    }

    /// <summary>
    /// Whether Ordering's consumer has applied every <c>ParcelDelivered</c> Delivery published about the order, and
    /// there are at least <paramref name="count"/> of them (Delivery's outbox and Ordering's inbox share the test database).
    /// </summary>
    public async Task<bool> DeliveriesConsumedAsync(Guid orderId, int count)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var pattern = $"%{orderId}%";
        var ids = await db.Database
            .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM delivery.outbox_messages WHERE type LIKE '%ParcelDelivered%' AND payload LIKE {pattern}")
            .ToListAsync();
        var done = await db.InboxMessages.CountAsync(m => m.Consumer == nameof(ParcelDeliveredConsumer) && ids.Contains(m.MessageId));
        return ids.Count >= count && done == ids.Count;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string ifMatch, object? body = null) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Headers = { { "If-Match", ifMatch } },
            Content = body is null ? null : JsonContent.Create(body),
        });

    public static List<string> Statuses(JsonElement parcel) =>
        [.. parcel.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("status").GetString()!)];
}

/// <summary>As <see cref="ShipmentsHost"/>, with tracking polled every 200 ms for parcels quiet for 100 ms.</summary>
public sealed class PollingShipmentsHost : ShipmentsHost
{
    public PollingShipmentsHost()
    {
        Settings["Delivery:TrackingPollInterval"] = "00:00:00.200";
        Settings["Delivery:TrackingQuietAfter"] = "00:00:00.100";
    }
}
