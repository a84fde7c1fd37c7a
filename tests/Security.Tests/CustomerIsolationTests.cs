using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// Broken object-level authorization, customer side. A cart is named only by who calls: a customer's token names its
/// own cart (no route takes a cart or customer id), and a guest cart's 192-bit random token in <c>X-Cart-Token</c> is
/// its only key. So a customer cannot reach another's cart by any id, a made-up or spent guest token opens nothing,
/// and a review is changed only through <c>/reviews/mine</c>.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class CustomerIsolationTests(SecurityHost host)
{
    private const string CartToken = "X-Cart-Token";

    [Fact]
    public async Task A_customer_sees_and_changes_only_its_own_cart()
    {
        var a = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var b = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var clientA = host.CreateClient(a.AccessToken);
        var clientB = host.CreateClient(b.AccessToken);
        await SecurityHost.Expect(await clientA.PostAsJsonAsync("/api/v1/cart/lines", new { offerId = host.A.OfferId, quantity = 2 }), HttpStatusCode.OK, HttpStatusCode.Created);
        var before = await CartOfAsync(clientA);

        var read = await SecurityHost.Expect(await clientB.GetAsync("/api/v1/cart"), HttpStatusCode.OK);
        var update = await clientB.PutAsJsonAsync($"/api/v1/cart/lines/{host.A.OfferId}", new { quantity = 7 });
        var remove = await clientB.DeleteAsync($"/api/v1/cart/lines/{host.A.OfferId}");

        Assert.Empty(Lines(read));
        Assert.True(update.StatusCode == HttpStatusCode.NotFound && update.IsProblem(), await update.DescribeAsync());
        Assert.True(remove.StatusCode == HttpStatusCode.NotFound && remove.IsProblem(), await remove.DescribeAsync());
        Assert.Equal(before, await CartOfAsync(clientA));
    }

    [Fact]
    public async Task Another_customer_id_sent_as_a_cart_token_opens_nothing()
    {
        var a = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var b = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        await SecurityHost.Expect(await host.CreateClient(a.AccessToken).PostAsJsonAsync("/api/v1/cart/lines", new { offerId = host.A.OfferId, quantity = 1 }), HttpStatusCode.OK, HttpStatusCode.Created);
        var bytes = a.UserId.ToByteArray();
        var guesses = new[]
        {
            a.UserId.ToString(), a.UserId.ToString("N"), Convert.ToBase64String(bytes), Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode([.. bytes, .. new byte[8]]),
            Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Text.Encoding.ASCII.GetBytes(a.UserId.ToString("N"))[..24]),
        };

        var violations = new List<string>();
        foreach (var guess in guesses)
        {
            foreach (var client in new[] { host.CreateClient(), host.CreateClient(b.AccessToken) })
            {
                client.DefaultRequestHeaders.Add(CartToken, guess);
                var answer = await client.GetAsync("/api/v1/cart");
                if (!await OpensNothingAsync(answer))
                {
                    violations.Add($"X-Cart-Token {guess}: {await answer.DescribeAsync()}");
                }
            }
        }

        Assert.True(violations.Count == 0, Answers.Report("A customer's id must not open its cart", violations));
    }

    [Fact]
    public async Task A_made_up_guest_token_opens_no_cart_and_takes_no_lines()
    {
        var forged = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add(CartToken, forged);

        var read = await client.GetAsync("/api/v1/cart");
        var someone = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var merge = await host.CreateClient(someone.AccessToken).SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/api/v1/cart/merge") { Headers = { { CartToken, forged } } });

        Assert.True(await OpensNothingAsync(read), await read.DescribeAsync());
        Assert.True(await MergesNothingAsync(merge), await merge.DescribeAsync());
    }

    [Fact]
    public async Task A_guest_token_merged_into_its_customer_opens_nothing_for_anyone_afterwards()
    {
        var guest = host.CreateClient();
        var token = (await SecurityHost.Expect(await guest.PostAsync("/api/v1/cart/guest", null), HttpStatusCode.Created)).GetProperty("token").GetString()!;
        guest.DefaultRequestHeaders.Add(CartToken, token);
        await SecurityHost.Expect(await guest.PostAsJsonAsync("/api/v1/cart/lines", new { offerId = host.A.OfferId, quantity = 3 }), HttpStatusCode.OK, HttpStatusCode.Created);
        var a = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var b = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var mergeA = host.CreateClient(a.AccessToken);
        mergeA.DefaultRequestHeaders.Add(CartToken, token);
        await SecurityHost.Expect(await mergeA.PostAsync("/api/v1/cart/merge", null), HttpStatusCode.OK);

        var replay = await guest.GetAsync("/api/v1/cart");
        var mergeB = host.CreateClient(b.AccessToken);
        mergeB.DefaultRequestHeaders.Add(CartToken, token);
        var stolen = await mergeB.PostAsync("/api/v1/cart/merge", null);

        Assert.True(await OpensNothingAsync(replay), await replay.DescribeAsync());
        Assert.True(await MergesNothingAsync(stolen), await stolen.DescribeAsync());
        Assert.Empty(Lines(await SecurityHost.Expect(await host.CreateClient(b.AccessToken).GetAsync("/api/v1/cart"), HttpStatusCode.OK)));
        Assert.Single(Lines(await SecurityHost.Expect(await host.CreateClient(a.AccessToken).GetAsync("/api/v1/cart"), HttpStatusCode.OK)));
    }

    [Fact]
    public async Task A_seller_api_key_is_not_a_customer_and_has_no_cart()
    {
        var answer = await host.KeyClient(host.A.ApiKey).GetAsync("/api/v1/cart");

        Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized && answer.IsProblem(), await answer.DescribeAsync());
    }

    [Fact]
    public async Task A_customer_cannot_change_or_hide_another_customer_review()
    {
        var a = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var b = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var product = host.A.SecondProductId;

        // Public reviews name a pseudonym, not the account, so A's review is told apart by its unique text.
        var text = $"Mine {Guid.NewGuid():N}";
        var review = await SecurityHost.Expect(
            await host.CreateClient(a.AccessToken).PostAsJsonAsync($"/api/v1/products/{product}/reviews", new { rating = 5, text }), HttpStatusCode.Created);

        var rewrite = await host.CreateClient(b.AccessToken).PutAsJsonAsync($"/api/v1/products/{product}/reviews/mine", new { rating = 1, text = "Hijacked" });
        var hide = await host.CreateClient(b.AccessToken).PutAsJsonAsync($"/api/v1/admin/reviews/{review.GetProperty("id").GetGuid()}/status", new { status = "Hidden" });

        Assert.True(rewrite.StatusCode == HttpStatusCode.NotFound && rewrite.IsProblem(), await rewrite.DescribeAsync());
        Assert.True(hide.StatusCode == HttpStatusCode.Forbidden && hide.IsProblem(), await hide.DescribeAsync());
        var reviews = await SecurityHost.Expect(await host.CreateClient().GetAsync($"/api/v1/products/{product}/reviews"), HttpStatusCode.OK);
        var mine = reviews.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == review.GetProperty("id").GetGuid());
        Assert.Equal(text, mine.GetProperty("text").GetString());
        Assert.Equal(5, mine.GetProperty("rating").GetInt32());
        Assert.Equal("Published", mine.GetProperty("status").GetString());
        Assert.DoesNotContain(reviews.GetProperty("items").EnumerateArray(), r => r.GetProperty("text").GetString() == "Hijacked");
    }

    [Fact]
    public async Task The_public_review_listing_names_no_reviewer_account()
    {
        var reviewer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var product = host.A.ProductId;
        await SecurityHost.Expect(
            await host.CreateClient(reviewer.AccessToken).PostAsJsonAsync($"/api/v1/products/{product}/reviews", new { rating = 4, text = "Solid phone" }),
            HttpStatusCode.Created);

        var answer = await host.CreateClient().GetAsync($"/api/v1/products/{product}/reviews");
        var body = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("Solid phone", body, StringComparison.Ordinal);
        var ids = System.Text.RegularExpressions.Regex.Matches(body, "[0-9a-fA-F]{8}-?(?:[0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}")
            .Select(m => Guid.Parse(m.Value))
            .ToList();
        Assert.DoesNotContain(reviewer.UserId, ids);
        Assert.DoesNotContain(reviewer.Email, body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Staff_routes_refuse_customers_sellers_and_anonymous_callers()
    {
        var document = await host.DocumentAsync();
        var staff = document.Operations.Where(StaffRoutes.Contains).ToList();
        var violations = new List<string>();
        foreach (var operation in staff)
        {
            var path = operation.Path;
            foreach (var name in operation.PathParameters)
            {
                // Seller A is the seller the staff routes name: a rival suspending it, or a seller lifting a suspension,
                // is the attack; A's key still working afterwards shows nothing took effect.
                var value = name switch
                {
                    "section" => "pricing",
                    "sellerId" => host.A.SellerId.ToString(),
                    _ => host.CustomerB.UserId.ToString(),
                };
                path = path.Replace($"{{{name}}}", value, StringComparison.Ordinal);
            }

            foreach (var (who, expected, authenticate) in new (string, HttpStatusCode, Func<HttpRequestMessage, HttpRequestMessage>)[]
                     {
                         ("anonymous", HttpStatusCode.Unauthorized, r => r),
                         ("a customer", HttpStatusCode.Forbidden, r => r.WithBearer(host.CustomerB.AccessToken)),
                         ("a seller owner", HttpStatusCode.Forbidden, r => r.WithBearer(host.B.Owner.AccessToken)),
                         ("a seller API key", HttpStatusCode.Forbidden, r => r.WithApiKey(host.B.ApiKey)),
                     })
            {
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
                if (operation.HasJsonBody)
                {
                    request.Content = JsonContent.Create(new
                    {
                        roles = new[] { "admin" }, status = "Hidden", name = "Staff only", slug = $"x-{Guid.NewGuid():N}"[..12], reason = "Rival",
                    });
                }

                var answer = await host.CreateClient().SendAsync(authenticate(request));
                if (answer.StatusCode != expected || !answer.IsProblem())
                {
                    violations.Add($"{operation} by {who}: expected {(int)expected}, got {await answer.DescribeAsync()}");
                }
            }
        }

        var keyOfA = await host.KeyClient(host.A.ApiKey).GetAsync($"/api/v1/sellers/{host.A.SellerId}/offers");
        if (keyOfA.StatusCode != HttpStatusCode.OK)
        {
            violations.Add($"seller A's key stopped working (suspended?): {await keyOfA.DescribeAsync()}");
        }

        Assert.True(staff.Count >= 8, $"Only {staff.Count} staff operations found.");
        Assert.True(violations.Count == 0, Answers.Report("Staff routes must refuse everyone else", violations));
    }

    /// <summary>A 404 problem, or (should guest carts become lazy) an empty cart: never anyone's lines.</summary>
    private static async Task<bool> OpensNothingAsync(HttpResponseMessage answer)
    {
        if (answer.StatusCode == HttpStatusCode.NotFound)
        {
            return answer.IsProblem();
        }

        return answer.StatusCode == HttpStatusCode.OK && Lines(JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement).Count == 0;
    }

    /// <summary>A 404 problem, or a merge that brought no line into the caller's (empty) cart.</summary>
    private static async Task<bool> MergesNothingAsync(HttpResponseMessage answer)
    {
        if (answer.StatusCode == HttpStatusCode.NotFound)
        {
            return answer.IsProblem();
        }

        return answer.StatusCode == HttpStatusCode.OK
            && Lines(JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("cart")).Count == 0;
    }

    private static async Task<string> CartOfAsync(HttpClient client) =>
        string.Join(",", Lines(await SecurityHost.Expect(await client.GetAsync("/api/v1/cart"), HttpStatusCode.OK))
            .Select(l => $"{l.GetProperty("offerId").GetGuid()}x{l.GetProperty("quantity").GetInt32()}"));

    private static List<JsonElement> Lines(JsonElement cart) =>
        cart.GetProperty("sellers").EnumerateArray().SelectMany(s => s.GetProperty("lines").EnumerateArray()).ToList();
}
