using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Escrow;
using Marketplace.Payments.Invoices.Issue;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Invoices;

/// <summary>
/// Each captured seller order gets an invoice, numbered per seller from 1 with no gaps even when issued concurrently;
/// the seller reads it as JSON or as a printable page with its money from the ledger, refunds included; another
/// seller reads none of it.
/// </summary>
public sealed class InvoiceTests(LedgerApiHost host) : IClassFixture<LedgerApiHost>
{
    [Fact]
    public async Task Each_captured_order_gets_an_invoice_numbered_from_one_for_its_seller_and_the_seller_reads_it_as_json()
    {
        var client = host.CreateClient();
        var seller = await IdentityFlows.CreateSellerAsync(client, "Invoice Seller A");
        var other = await IdentityFlows.CreateSellerAsync(client, "Invoice Seller B");
        var first = await GroupOrders.PaidAsync(host, (seller.SellerId, 12.34m), (other.SellerId, 5m));
        await first.CapturedAsync(accepted: 2);
        var second = await GroupOrders.PaidAsync(host, (seller.SellerId, 0.66m), (seller.SellerId, 3m));
        await second.CapturedAsync(accepted: 1);
        var own = host.CreateClient(seller.MemberAccessToken);

        var list = await InvoicesOfAsync(own, seller.SellerId, 2);
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([2L, 1L], items.Select(i => i.GetProperty("number").GetInt64()));
        Assert.Equal([second[0].Number, first[0].Number], items.Select(i => i.GetProperty("orderNumber").GetString()));

        var paged = await own.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/invoices?limit=1");
        Assert.Equal(2, Assert.Single(paged.GetProperty("items").EnumerateArray()).GetProperty("number").GetInt64());
        var cursor = paged.GetProperty("nextCursor").GetString()!;
        var rest = await own.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/invoices?limit=1&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal(1, Assert.Single(rest.GetProperty("items").EnumerateArray()).GetProperty("number").GetInt64());
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);

        var invoice = await own.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/invoices/1");
        Assert.Equal(seller.SellerId, invoice.GetProperty("sellerId").GetGuid());
        Assert.Equal("Invoice Seller A", invoice.GetProperty("sellerName").GetString());
        Assert.Equal(first[0].OrderId, invoice.GetProperty("orderId").GetGuid());
        Assert.Equal(first[0].Number, invoice.GetProperty("orderNumber").GetString());
        Assert.Equal("EUR", invoice.GetProperty("currency").GetString());
        Assert.Equal(12.34m, invoice.GetProperty("orderTotal").GetDecimal());
        Assert.Equal(12.34m, invoice.GetProperty("captured").GetDecimal());
        Assert.Equal(0m, invoice.GetProperty("refunded").GetDecimal());
        Assert.Equal(12.34m, invoice.GetProperty("net").GetDecimal());
        var line = Assert.Single(invoice.GetProperty("lines").EnumerateArray());
        Assert.Equal("capture", line.GetProperty("kind").GetString());
        Assert.Equal(12.34m, line.GetProperty("amount").GetDecimal());

        // The other seller's order of the same capture is that seller's invoice 1; the cancelled order has none.
        var others = await InvoicesOfAsync(host.CreateClient(other.MemberAccessToken), other.SellerId, 1);
        Assert.Equal(first[1].OrderId, Assert.Single(others.GetProperty("items").EnumerateArray()).GetProperty("orderId").GetGuid());
        Assert.Equal(0, await InvoicesForAsync(second[1].OrderId));
        await (await own.GetAsync($"/api/v1/sellers/{seller.SellerId}/invoices/3")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await own.GetAsync($"/api/v1/sellers/{seller.SellerId}/invoices?limit=0")).AssertValidationProblemAsync("limit");
    }

    [Fact]
    public async Task A_refund_booked_on_the_order_appears_on_its_invoice_with_what_is_left_net()
    {
        var client = host.CreateClient();
        var seller = await IdentityFlows.CreateSellerAsync(client, "Invoice Seller Refund");
        var group = await GroupOrders.PaidAsync(host, (seller.SellerId, 40m));
        await group.CapturedAsync(accepted: 1);
        var own = host.CreateClient(seller.MemberAccessToken);
        await InvoicesOfAsync(own, seller.SellerId, 1);

        // Booked as the refunds slice books one (key refund:{id}, reason refund, on the order), commission part included.
        await BookRefundAsync(group, seller.SellerId, amountMinor: 1500, commissionMinor: 150);

        var invoice = await own.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/invoices/1");
        Assert.Equal(40m, invoice.GetProperty("captured").GetDecimal());
        Assert.Equal(15m, invoice.GetProperty("refunded").GetDecimal());
        Assert.Equal(25m, invoice.GetProperty("net").GetDecimal());
        var lines = invoice.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["capture", "refund"], lines.Select(l => l.GetProperty("kind").GetString()));
        Assert.Equal([40m, -15m], lines.Select(l => l.GetProperty("amount").GetDecimal()));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task The_invoice_prints_as_html_with_the_sellers_own_text_encoded_by_accept_header_or_html_route()
    {
        var client = host.CreateClient();
        const string name = "<script>alert('x')</script> & Sons";
        var seller = await IdentityFlows.CreateSellerAsync(client, name);
        var group = await GroupOrders.PaidAsync(host, (seller.SellerId, 19.99m));
        await group.CapturedAsync(accepted: 1);
        var own = host.CreateClient(seller.MemberAccessToken);
        await InvoicesOfAsync(own, seller.SellerId, 1);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sellers/{seller.SellerId}/invoices/1");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var byAccept = await own.SendAsync(request);
        var byRoute = await own.GetAsync($"/api/v1/sellers/{seller.SellerId}/invoices/1.html");

        foreach (var response in new[] { byAccept, byRoute })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Sons", html, StringComparison.Ordinal);
            Assert.Contains(group[0].Number, html, StringComparison.Ordinal);
            Assert.Contains("19.99 EUR", html, StringComparison.Ordinal);
        }

        await (await own.GetAsync($"/api/v1/sellers/{seller.SellerId}/invoices/2.html")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_seller_reads_neither_the_list_nor_an_invoice_nor_its_page_and_a_stranger_is_unauthorised()
    {
        var client = host.CreateClient();
        var seller = await IdentityFlows.CreateSellerAsync(client, "Invoice Seller Own");
        var rival = await IdentityFlows.CreateSellerAsync(client, "Invoice Seller Rival");
        var group = await GroupOrders.PaidAsync(host, (seller.SellerId, 8m));
        await group.CapturedAsync(accepted: 1);
        await InvoicesOfAsync(host.CreateClient(seller.MemberAccessToken), seller.SellerId, 1);
        var rivalClient = host.CreateClient(rival.MemberAccessToken);

        foreach (var path in new[] { "invoices", "invoices/1", "invoices/1.html" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await rivalClient.GetAsync($"/api/v1/sellers/{seller.SellerId}/{path}")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/v1/sellers/{seller.SellerId}/{path}")).StatusCode);
        }

        // The rival's own list is empty, and its number 1 is not the seller's.
        var rivals = await rivalClient.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{rival.SellerId}/invoices");
        Assert.Empty(rivals.GetProperty("items").EnumerateArray());
        await (await rivalClient.GetAsync($"/api/v1/sellers/{rival.SellerId}/invoices/1")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Concurrent_issues_for_one_seller_take_consecutive_numbers_with_no_gap_and_no_duplicate_and_a_repeat_takes_none()
    {
        const int orders = 24;
        var sellerId = Guid.NewGuid();
        var captures = new List<PaymentCaptured>();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            for (var i = 0; i < orders; i++)
            {
                var order = new EscrowOrder
                {
                    OrderId = Guid.NewGuid(),
                    OrderGroupId = Guid.NewGuid(),
                    SellerId = sellerId,
                    Number = $"RACE-{i}",
                    TotalMinor = 100 + i,
                    Currency = "EUR",
                    Status = EscrowOrderStatus.Accepted,
                    Version = 2,
                    FirstSeenAt = DateTimeOffset.UtcNow,
                    InCapture = true,
                };
                db.EscrowOrders.Add(order);
                var amount = Money.Of(order.TotalMinor / 100m, "EUR");
                captures.Add(new PaymentCaptured(Guid.NewGuid(), order.OrderGroupId, amount, amount, [order.OrderId], DateTimeOffset.UtcNow));
            }

            await db.SaveChangesAsync();
        }

        // Every capture issued at once, each twice under different message ids (a republished event): 48 concurrent issues.
        var issues = captures.Concat(captures).Select(captured => Task.Run(async () =>
        {
            await using var scope = host.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<InvoiceIssuing>().IssueForCaptureAsync(Guid.NewGuid(), captured, CancellationToken.None);
        }));
        await Task.WhenAll(issues);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            var invoices = await db.Invoices.AsNoTracking().Where(i => i.SellerId == sellerId).ToListAsync();
            Assert.Equal(Enumerable.Range(1, orders).Select(n => (long)n), invoices.Select(i => i.Number).Order());
            Assert.Equal(orders, invoices.Select(i => i.OrderId).Distinct().Count());
            Assert.Equal(orders, (await db.InvoiceCounters.AsNoTracking().SingleAsync(c => c.SellerId == sellerId)).LastNumber);
        }
    }

    private static Task<JsonElement> InvoicesOfAsync(HttpClient client, Guid sellerId, int count) =>
        Eventually.ReadAsync(
            () => client.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{sellerId}/invoices"),
            page => page.GetProperty("items").GetArrayLength() >= count);

    private async Task<int> InvoicesForAsync(Guid orderId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().Invoices.CountAsync(i => i.OrderId == orderId);
    }

    private async Task BookRefundAsync(GroupOrders group, Guid sellerId, long amountMinor, long commissionMinor)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var at = DateTimeOffset.UtcNow;
        var order = group[0];
        var transaction = new LedgerTransaction
        {
            Id = Guid.CreateVersion7(at),
            Key = $"refund:{Guid.NewGuid()}",
            Kind = "refund",
            PaymentId = group.Payment.PaymentId,
            OrderGroupId = group.Payment.OrderGroupId,
            Currency = "EUR",
            RecordedAt = at,
        };
        LedgerEntry Entry(string account, LedgerAccountKind kind, long amount, string reason) => new()
        {
            TransactionId = transaction.Id,
            Account = account,
            AccountKind = kind,
            SellerId = kind == LedgerAccountKind.SellerPayable ? sellerId : null,
            OrderId = order.OrderId,
            OrderNumber = order.Number,
            Amount = amount,
            Currency = "EUR",
            Reason = reason,
            RecordedAt = at,
        };
        transaction.Entries.Add(Entry(LedgerAccounts.Provider("sandbox"), LedgerAccountKind.ProviderBalance, -amountMinor, "refund"));
        transaction.Entries.Add(Entry(LedgerAccounts.SellerPayable(sellerId), LedgerAccountKind.SellerPayable, amountMinor - commissionMinor, "refund"));
        transaction.Entries.Add(Entry(LedgerAccounts.PlatformRevenue, LedgerAccountKind.PlatformRevenue, commissionMinor, "commission_refund"));
        db.LedgerTransactions.Add(transaction);
        await db.SaveChangesAsync();
    }
}
