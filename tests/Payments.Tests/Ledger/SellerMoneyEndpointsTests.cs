using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.TestSupport;

namespace Marketplace.Payments.Tests.Ledger;

/// <summary>The Payments host with a bootstrap admin, for the ledger's admin route.</summary>
public sealed class LedgerApiHost : PaymentsHost
{
    public LedgerApiHost() => this.WithBootstrapAdmin();
}

/// <summary>A seller reads its own balance and statement (JSON pages, CSV), never another's; an admin reads the platform's accounts.</summary>
public sealed class SellerMoneyEndpointsTests(LedgerApiHost host) : IClassFixture<LedgerApiHost>
{
    [Fact]
    public async Task A_seller_sees_what_it_is_owed_and_each_captured_order_on_its_statement_and_another_seller_sees_nothing_of_it()
    {
        var client = host.CreateClient();
        var seller = await IdentityFlows.CreateSellerAsync(client, "Ledger Seller A");
        var rival = await IdentityFlows.CreateSellerAsync(client, "Ledger Seller B");
        var first = await GroupOrders.PaidAsync(host, (seller.SellerId, 12.34m), (rival.SellerId, 5m));
        await first.CapturedAsync(accepted: 2);
        var second = await GroupOrders.PaidAsync(host, (seller.SellerId, 0.66m));
        await second.CapturedAsync(accepted: 1);
        var own = host.CreateClient(seller.MemberAccessToken);

        var balance = await own.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/balance");
        var row = Assert.Single(balance.GetProperty("balances").EnumerateArray());
        Assert.Equal("EUR", row.GetProperty("currency").GetString());
        Assert.Equal(13.00m, row.GetProperty("amount").GetDecimal());
        Assert.Equal(1300, row.GetProperty("amountMinor").GetInt64());

        var page = await own.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/statement?limit=1");
        var line = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(first[0].Number, line.GetProperty("orderNumber").GetString());
        Assert.Equal(first[0].OrderId, line.GetProperty("orderId").GetGuid());
        Assert.Equal("order_share", line.GetProperty("reason").GetString());
        Assert.Equal("capture", line.GetProperty("kind").GetString());
        Assert.Equal(12.34m, line.GetProperty("amount").GetDecimal());
        var cursor = page.GetProperty("nextCursor").GetString();
        var next = await own.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/statement?limit=1&cursor={Uri.EscapeDataString(cursor!)}");
        Assert.Equal(second[0].Number, Assert.Single(next.GetProperty("items").EnumerateArray()).GetProperty("orderNumber").GetString());
        Assert.Equal(JsonValueKind.Null, next.GetProperty("nextCursor").ValueKind);

        // Another seller is refused, and the first seller's cursor opens nothing of the rival's own statement.
        var rivalClient = host.CreateClient(rival.MemberAccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await rivalClient.GetAsync($"/api/v1/sellers/{seller.SellerId}/balance")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rivalClient.GetAsync($"/api/v1/sellers/{seller.SellerId}/statement")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rivalClient.GetAsync($"/api/v1/sellers/{seller.SellerId}/statement?format=csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CreateClient().GetAsync($"/api/v1/sellers/{seller.SellerId}/balance")).StatusCode);
        await (await rivalClient.GetAsync($"/api/v1/sellers/{rival.SellerId}/statement?cursor={Uri.EscapeDataString(cursor!)}")).AssertValidationProblemAsync("cursor");
        var rivalBalance = await rivalClient.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{rival.SellerId}/balance");
        Assert.Equal(5.00m, Assert.Single(rivalBalance.GetProperty("balances").EnumerateArray()).GetProperty("amount").GetDecimal());
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task The_statement_downloads_as_csv_by_query_or_by_accept_header_and_a_bad_format_names_the_field()
    {
        var client = host.CreateClient();
        var seller = await IdentityFlows.CreateSellerAsync(client, "Ledger Seller CSV");
        var group = await GroupOrders.PaidAsync(host, (seller.SellerId, 7.5m), (seller.SellerId, 2.5m));
        await group.CapturedAsync(accepted: 2);
        var own = host.CreateClient(seller.MemberAccessToken);

        var byQuery = await own.GetAsync($"/api/v1/sellers/{seller.SellerId}/statement?format=csv");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sellers/{seller.SellerId}/statement");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var byAccept = await own.SendAsync(request);

        foreach (var response in new[] { byQuery, byAccept })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("sequence,recorded_at,transaction_id,kind,reason,order_id,order_number,amount,currency", lines[0].TrimEnd('\r'));
            Assert.Equal(2, lines.Length - 1);
            Assert.Contains(lines, l => l.Contains($",capture,order_share,{group[0].OrderId},{group[0].Number},7.50,EUR", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains($",capture,order_share,{group[1].OrderId},{group[1].Number},2.50,EUR", StringComparison.Ordinal));
        }

        await (await own.GetAsync($"/api/v1/sellers/{seller.SellerId}/statement?format=xml")).AssertValidationProblemAsync("format");
        await (await own.GetAsync($"/api/v1/sellers/{seller.SellerId}/statement?limit=0")).AssertValidationProblemAsync("limit");
    }

    [Fact]
    public async Task An_admin_sees_the_platform_accounts_balance_to_zero_and_a_seller_may_not()
    {
        var client = host.CreateClient();
        var seller = await IdentityFlows.CreateSellerAsync(client, "Ledger Seller Admin");
        var group = await GroupOrders.PaidAsync(host, (seller.SellerId, 3m));
        await group.CapturedAsync(accepted: 1);
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(client));

        var balances = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/ledger/balances");

        var rows = balances.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("account").GetString() == "provider:sandbox" && r.GetProperty("amountMinor").GetInt64() >= 300);
        Assert.Contains(rows, r => r.GetProperty("account").GetString() == "seller_payable" && r.GetProperty("amountMinor").GetInt64() <= -300);
        Assert.DoesNotContain(rows, r => r.GetProperty("account").GetString()!.StartsWith("seller_payable:", StringComparison.Ordinal));
        Assert.Equal(0, rows.Where(r => r.GetProperty("currency").GetString() == "EUR").Sum(r => r.GetProperty("amountMinor").GetInt64()));
        Assert.Equal(HttpStatusCode.Forbidden, (await host.CreateClient(seller.MemberAccessToken).GetAsync("/api/v1/admin/ledger/balances")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/admin/ledger/balances")).StatusCode);
        await LedgerBooks.AssertBalancedAsync(host);
    }
}
