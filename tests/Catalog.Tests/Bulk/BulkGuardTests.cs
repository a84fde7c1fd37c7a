using System.Net;
using System.Text;
using Marketplace.Catalog.Bulk;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Bulk;

/// <summary>A host where a CSV record may be 2 KiB, a seller runs one bulk request at a time and all sellers two.</summary>
public sealed class BulkGuardFactory : MarketplaceFactory
{
    public const int MaxRecordBytes = 2048;

    public BulkGuardFactory()
    {
        Settings["Catalog:MaxBulkLineBytes"] = MaxRecordBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Catalog:MaxConcurrentBulkRunsPerSeller"] = "1";
        Settings["Catalog:MaxConcurrentBulkRuns"] = "2";
        Settings["Catalog:BulkBusyRetryAfter"] = "00:00:07";
        Settings["Api:CredentialAttemptsPerMinute"] = "10000";
        Settings["Api:BulkRequestsPerMinute"] = "10000";
    }
}

public sealed class BulkGuardTests(BulkGuardFactory factory) : IClassFixture<BulkGuardFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_csv_record_left_open_by_a_quote_is_a_400_naming_its_line_read_no_further_and_writes_nothing()
    {
        var (seller, prefix) = await SellerWithSkusAsync(3);
        var head = $"sku,price,currency,stock\n{prefix}-0,1,EUR,1\n{prefix}-1,1,EUR,1\n\"{prefix}-2,1,EUR,1\n" + new string('x', 8 * BulkGuardFactory.MaxRecordBytes);

        // The rest of the body never comes: the answer must not wait for it, so the reader cannot be buffering it.
        using var body = new HeldBody(head, "\n");
        var response = await Streaming(seller).PostAsync($"/api/v1/sellers/{seller.SellerId}/offers:bulk", body.WithType("text/csv"))
            .WaitAsync(Patience);

        var problem = await response.AssertValidationProblemAsync("$");
        Assert.Equal(4, problem.GetProperty("line").GetInt32());
        Assert.Contains("Line 4", problem.GetProperty("errors").GetProperty("$")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await OffersOfAsync(seller.SellerId));
    }

    [Fact]
    public async Task A_second_bulk_request_of_a_seller_while_one_runs_is_a_429_with_retry_after_and_writes_nothing()
    {
        var (seller, prefix) = await SellerWithSkusAsync(2);
        using var first = new HeldBody($$"""{"sku":"{{prefix}}-0","price":1,"currency":"EUR","stock":1}""" + "\n", "");
        var running = Streaming(seller).PostAsync($"/api/v1/sellers/{seller.SellerId}/offers:bulk", first.WithType("application/x-ndjson"));
        await WhileRunningAsync(seller.SellerId, 1);

        var second = await seller.Client.PostAsync(
            $"/api/v1/sellers/{seller.SellerId}/offers:bulk",
            new StringContent($$"""{"sku":"{{prefix}}-1","price":1,"currency":"EUR","stock":1}""", Encoding.UTF8, "application/x-ndjson"));

        await second.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(7), second.Headers.RetryAfter?.Delta);
        first.Release();
        var finished = await running.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal(1, await OffersOfAsync(seller.SellerId));
        Assert.Equal(0, factory.Services.GetRequiredService<BulkRuns>().RunningFor(seller.SellerId));
    }

    [Fact]
    public async Task Past_the_total_of_concurrent_bulk_requests_another_sellers_request_is_a_503_with_retry_after_and_writes_nothing()
    {
        var sellers = new List<(SellerClient Seller, string Prefix)>();
        for (var i = 0; i < 3; i++)
        {
            sellers.Add(await SellerWithSkusAsync(1));
        }

        using var firstBody = new HeldBody("", "");
        using var secondBody = new HeldBody("", "");
        var held = new[] { firstBody, secondBody };
        var running = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < 2; i++)
        {
            var (seller, _) = sellers[i];
            running.Add(Streaming(seller).PostAsync($"/api/v1/sellers/{seller.SellerId}/offers:bulk", held[i].WithType("application/x-ndjson")));
            await WhileRunningAsync(seller.SellerId, 1);
        }

        var (third, prefix) = sellers[2];
        var refused = await third.Client.PostAsync(
            $"/api/v1/sellers/{third.SellerId}/offers:bulk",
            new StringContent($$"""{"sku":"{{prefix}}-0","price":1,"currency":"EUR","stock":1}""", Encoding.UTF8, "application/x-ndjson"));

        await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal(0, await OffersOfAsync(third.SellerId));
        foreach (var body in held)
        {
            body.Release();
        }

        Assert.All(await Task.WhenAll(running).WaitAsync(Patience), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    private async Task<(SellerClient Seller, string Prefix)> SellerWithSkusAsync(int skus)
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(factory);
        var prefix = $"G{Guid.NewGuid():N}"[..12];
        await SellerCatalogArrange.SeedSkusAsync(factory, categoryId, prefix, skus);
        return (await SellerCatalogArrange.SellerAsync(factory), prefix);
    }

    /// <summary>
    /// The seller's client without the factory's redirect handler, which reads a request body whole before sending it
    /// (to be able to send it again); the test server itself streams bodies.
    /// </summary>
    private HttpClient Streaming(SellerClient seller)
    {
        var client = factory.Server.CreateClient();
        foreach (var header in seller.Client.DefaultRequestHeaders)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
        }

        return client;
    }

    private Task<int> OffersOfAsync(Guid sellerId) =>
        SellerCatalogArrange.WithDbAsync(factory, db => db.Offers.CountAsync(o => o.SellerId == sellerId));

    private async Task WhileRunningAsync(Guid sellerId, int runs)
    {
        var gate = factory.Services.GetRequiredService<BulkRuns>();
        var seen = await Eventually.ReadAsync(() => Task.FromResult(gate.RunningFor(sellerId)), n => n == runs, Patience);
        Assert.Equal(runs, seen);
    }

    /// <summary>A request body that sends its head at once and its tail only when released: a client that uploads slowly.</summary>
    private sealed class HeldBody(string head, string tail) : HttpContent
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldBody WithType(string mediaType)
        {
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
            return this;
        }

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(head));
            await stream.FlushAsync();
            await _released.Task;
            await stream.WriteAsync(Encoding.UTF8.GetBytes(tail));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            _released.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
