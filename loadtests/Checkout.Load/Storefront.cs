using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Marketplace.Checkout.Load;

/// <summary>The API as a shopper and the bench's seller use it while the run is set up; nothing here is measured.</summary>
internal sealed class Storefront(HttpClient http)
{
    public const string CartTokenHeader = "X-Cart-Token";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A Berlin address: the demo delivery rules (config/runtime/delivery.json) serve zone de-berlin by courier and locker.</summary>
    public static readonly ShippingAddress Address = new("Bench Buyer", "DE", "10115", "Berlin", ["Invalidenstrasse 1"]);

    public HttpClient Http => http;

    /// <param name="baseUrl">The API, or the balancer in front of it.</param>
    /// <param name="timeout">How long a request may take before it counts as an error.</param>
    /// <param name="trustedCertificate">
    /// A PEM certificate the server may present although no authority signed it (the balancer's self-signed one); only
    /// that exact certificate is accepted besides the system's trusted chains.
    /// </param>
    /// <param name="httpVersion">
    /// HTTP/1.1, or HTTP/2 and nothing else. Over HTTP/2 a server that closes a connection (a balancer's reload, a
    /// replica's shutdown) says with GOAWAY which requests it never began, and the client sends those again by itself;
    /// over HTTP/1.1 a request written just as the server closes an idle keep-alive connection fails.
    /// </param>
    public static HttpClient Client(Uri baseUrl, TimeSpan timeout, string? trustedCertificate = null, Version? httpVersion = null)
    {
        var handler = new SocketsHttpHandler
        {
            // Open model: every request in flight gets its own connection rather than queueing behind a pool limit.
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            EnableMultipleHttp2Connections = true,
        };
        if (trustedCertificate is not null)
        {
            var pinned = X509Certificate2.CreateFromPem(File.ReadAllText(trustedCertificate));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None || (certificate is not null && certificate.GetCertHashString() == pinned.GetCertHashString());
        }

        return new HttpClient(new FixedVersion(httpVersion ?? HttpVersion.Version11) { InnerHandler = handler })
        {
            BaseAddress = baseUrl,
            Timeout = timeout,
        };
    }

    /// <summary>Every request goes out in one HTTP version, also those built as messages rather than by the client's helpers.</summary>
    private sealed class FixedVersion(Version version) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = version;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return base.SendAsync(request, cancellationToken);
        }
    }

    public async Task<string> CreateGuestCartAsync(CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync("api/v1/cart/guest", content: null, cancellationToken);
        return (await ReadAsync<GuestCart>(response, HttpStatusCode.Created, "create a guest cart", cancellationToken)).Token;
    }

    public async Task AddLineAsync(string cartToken, Guid offerId, int quantity, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/cart/lines") { Content = JsonContent.Create(new { offerId, quantity }, options: Json) };
        request.Headers.Add(CartTokenHeader, cartToken);
        using var response = await http.SendAsync(request, cancellationToken);
        await ExpectAsync(response, HttpStatusCode.OK, $"add offer {offerId} to a cart", cancellationToken);
    }

    public async Task<CheckoutQuote> QuoteAsync(string cartToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/checkout/quote")
        {
            Content = JsonContent.Create(new { shippingAddress = Address }, options: Json),
        };
        request.Headers.Add(CartTokenHeader, cartToken);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<CheckoutQuote>(response, HttpStatusCode.OK, "quote a cart", cancellationToken);
    }

    /// <summary>The checkout request of a quoted cart, as the body bytes, so the measured phase only sends them.</summary>
    public static byte[] CheckoutBody(CheckoutQuote quote)
    {
        var delivery = quote.Sellers.Select(s => new
        {
            sellerId = s.SellerId,
            quoteId = quote.QuoteId,
            optionId = s.CheapestOptionId ?? throw new SetupFailedException(
                $"seller {s.SellerId} has no delivery option to {Address.PostalCode} ({string.Join("; ", s.Unavailable.Select(u => u.Reason))})"),
        });
        return JsonSerializer.SerializeToUtf8Bytes(
            new
            {
                email = "buyer@bench.invalid",
                shippingAddress = Address,
                delivery,
                paymentMethodId = "pm_card_visa",
                expectedTotal = quote.Total ?? throw new SetupFailedException("the quote has no total"),
            },
            Json);
    }

    public static HttpRequestMessage CheckoutRequest(PreparedCheckout checkout, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/checkout") { Content = new ByteArrayContent(checkout.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(CartTokenHeader, checkout.CartToken);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        await ExpectAsync(response, expected, what, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new SetupFailedException($"{what}: empty answer");
    }

    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new SetupFailedException($"{what}: {(int)response.StatusCode} {body}");
        }
    }

    private sealed record GuestCart(string Token);
}

internal sealed record ShippingAddress(string Name, string Country, string PostalCode, string City, IReadOnlyList<string> Lines);

internal sealed record CheckoutQuote(Guid QuoteId, decimal? Total, IReadOnlyList<SellerQuote> Sellers);

internal sealed record SellerQuote(Guid SellerId, string? CheapestOptionId, IReadOnlyList<UnavailableOption> Unavailable);

internal sealed record UnavailableOption(string ServiceName, string Reason);

/// <summary>A quoted guest cart and the checkout body that buys it.</summary>
internal sealed record PreparedCheckout(string CartToken, byte[] Body);

/// <summary>The run could not be set up; the message says which call answered what.</summary>
internal sealed class SetupFailedException(string message) : Exception(message);
