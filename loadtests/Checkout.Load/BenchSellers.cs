using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Marketplace.Checkout.Load;

/// <summary>
/// Sellers the bench opens through the public API, as any new seller would: a fresh account registers, opens the sellers,
/// signs in again (the token then carries the memberships) and puts up offers on SKUs of the seeded catalog. Its own
/// offers carry as much stock as the run needs, so no checkout is refused for stock the seed happened to give; and a
/// production deployment seeds no seller accounts the bench could sign in as.
/// </summary>
internal sealed class BenchSellers
{
    private const string Password = "Bench-seller-pass-1";
    private static readonly TimeSpan SellerKnownDeadline = TimeSpan.FromSeconds(60);

    private readonly Storefront _storefront;
    private readonly string _bearer;

    private BenchSellers(Storefront storefront, string bearer, IReadOnlyList<Guid> sellerIds)
    {
        _storefront = storefront;
        _bearer = bearer;
        SellerIds = sellerIds;
    }

    public IReadOnlyList<Guid> SellerIds { get; }

    public static async Task<BenchSellers> OpenAsync(Storefront storefront, int sellers, CancellationToken cancellationToken)
    {
        var http = storefront.Http;
        var email = $"bench-{Guid.NewGuid():N}@bench.invalid";
        using (var registered = await http.PostAsJsonAsync("api/v1/customers", new { email, password = Password }, Storefront.Json, cancellationToken))
        {
            await Storefront.ExpectAsync(registered, HttpStatusCode.Accepted, "register the bench account", cancellationToken);
        }

        var customer = await SignInAsync(http, email, cancellationToken);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var ids = new List<Guid>();
        for (var n = 1; n <= sellers; n++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/sellers")
            {
                Content = JsonContent.Create(new { name = $"Bench seller {n} {stamp}", legalName = $"Bench Seller {n} GmbH", countryCode = "DE" }, options: Storefront.Json),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", customer);
            using var created = await http.SendAsync(request, cancellationToken);
            ids.Add((await Storefront.ReadAsync<OpenedSeller>(created, HttpStatusCode.Created, "open a bench seller", cancellationToken)).SellerId);
        }

        return new BenchSellers(storefront, await SignInAsync(http, email, cancellationToken), ids);
    }

    /// <summary>
    /// SKUs of the seeded catalog light and small enough for every delivery service of the demo rules, so each seller
    /// of a cart gets an option (heavy furniture would leave a seller without one).
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> LightSkusAsync(Storefront storefront, int count, int concurrency, CancellationToken cancellationToken)
    {
        var found = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await storefront.Http.GetFromJsonAsync<ProductPage>(
                $"api/v1/products?inStock=true&limit=100{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", Storefront.Json, cancellationToken)
                ?? throw new SetupFailedException("the product list answered nothing");
            var skus = new List<Guid>[page.Items.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, page.Items.Count),
                new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var detail = await storefront.Http.GetFromJsonAsync<ProductDetail>($"api/v1/products/{page.Items[i].Id}", Storefront.Json, ct);
                    skus[i] = detail?.Skus.Where(s => s.WeightGrams <= 2_000 && Math.Max(s.LengthMm, Math.Max(s.WidthMm, s.HeightMm)) <= 500).Select(s => s.Id).ToList() ?? [];
                });
            found.AddRange(skus.SelectMany(s => s));
            cursor = page.NextCursor;
        }
        while (found.Count < count && cursor is not null);

        return found.Count >= count
            ? found.Take(count).ToList()
            : throw new SetupFailedException($"the catalog has {found.Count} light SKUs in stock, fewer than the {count} asked for: seed more SKUs or lower --offers-per-seller");
    }

    /// <summary>
    /// Puts up (or resets) the seller's offer on a SKU. The first offer of a new seller waits until Catalog has heard of
    /// the seller from Identity's event, so it is retried until a deadline.
    /// </summary>
    public async Task<Guid> OfferAsync(Guid sellerId, Guid skuId, decimal price, int stock, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/sellers/{sellerId}/offers/{skuId}")
            {
                Content = JsonContent.Create(new { price, currency = "EUR", stock, dispatchDays = 1 }, options: Storefront.Json),
            };
            using var response = await SendAsSellerAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created)
            {
                return (await response.Content.ReadFromJsonAsync<SellerOffer>(Storefront.Json, cancellationToken))!.OfferId;
            }

            if (clock.Elapsed > SellerKnownDeadline || response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
            {
                throw new SetupFailedException($"put up an offer of seller {sellerId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>The stock the seller's offer on the SKU has now (the units left to sell; held and sold units are not in it).</summary>
    public async Task<int> StockAsync(Guid sellerId, Guid skuId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/sellers/{sellerId}/offers?limit=100");
        using var response = await SendAsSellerAsync(request, cancellationToken);
        var page = await Storefront.ReadAsync<Page<SellerOffer>>(response, HttpStatusCode.OK, "read the seller's offers", cancellationToken);
        return page.Items.Single(o => o.SkuId == skuId).Stock;
    }

    /// <summary>Orders the seller sees (placed ones: orders waiting for their payment are not shown to sellers).</summary>
    public async Task<int> OrderCountAsync(Guid sellerId, CancellationToken cancellationToken)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            using var request = new HttpRequestMessage(
                HttpMethod.Get, $"api/v1/sellers/{sellerId}/orders?limit=100{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            using var response = await SendAsSellerAsync(request, cancellationToken);
            var page = await Storefront.ReadAsync<Page<Created>>(response, HttpStatusCode.OK, "read the seller's orders", cancellationToken);
            count += page.Items.Count;
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return count;
    }

    /// <summary>Sends a request as the bench account, which acts for every bench seller.</summary>
    public Task<HttpResponseMessage> SendAsSellerAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _bearer);
        return _storefront.Http.SendAsync(request, cancellationToken);
    }

    private static async Task<string> SignInAsync(HttpClient http, string email, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("api/v1/auth/token", new { email, password = Password }, Storefront.Json, cancellationToken);
        return (await Storefront.ReadAsync<Token>(response, HttpStatusCode.OK, "sign in as the bench account", cancellationToken)).AccessToken;
    }

    private sealed record Created(Guid Id);

    private sealed record OpenedSeller(Guid SellerId);

    private sealed record Token(string AccessToken);

    private sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

    private sealed record ProductPage(IReadOnlyList<Created> Items, string? NextCursor);

    private sealed record ProductDetail(IReadOnlyList<Sku> Skus);

    private sealed record Sku(Guid Id, int WeightGrams, int LengthMm, int WidthMm, int HeightMm);

    private sealed record SellerOffer(Guid OfferId, Guid SkuId, int Stock);
}
