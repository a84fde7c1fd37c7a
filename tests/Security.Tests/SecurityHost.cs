using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Marketplace.Platform.Security;
using Marketplace.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>An open invitation of a seller, and the account it is addressed to (the only one that may answer it).</summary>
public sealed record OpenInvitation(Guid InvitationId, CustomerSession Invitee);

/// <summary>
/// Everything a seller owns that a route can name: the seller, its owner's token, an API key (and a spare one a
/// revoke can aim at), two products (one to link to), a SKU and the offer on it, a member who joined by invitation,
/// and three open invitations (one each for an accept, a decline and a withdrawal to aim at).
/// </summary>
public sealed record SellerWorld(
    Guid SellerId,
    CustomerSession Owner,
    string ApiKey,
    Guid ApiKeyId,
    Guid SpareKeyId,
    Guid ProductId,
    Guid SecondProductId,
    Guid SkuId,
    string SkuCode,
    Guid OfferId,
    CustomerSession Member,
    OpenInvitation ToAccept,
    OpenInvitation ToDecline,
    Guid InvitationToWithdraw)
{
    /// <summary>The seller's orders, one per seller order route, each in the state its case needs.</summary>
    public IReadOnlyDictionary<string, Guid> Orders { get; init; } = new Dictionary<string, Guid>();

    /// <summary>The seller's webhook endpoints and a delivery, for the webhook routes.</summary>
    public SellerWebhooks Webhooks { get; init; } = SellerWebhooks.None;
}

/// <summary>
/// One host for the whole security suite, on its own PostgreSQL database, with a signing key the tests know (so they
/// can forge tokens, good and bad), a bootstrap admin, and two sellers (A the victim, B the attacker) and two
/// customers arranged through the API only.
/// </summary>
public sealed class SecurityHost : MarketplaceFactory
{
    public const string Issuer = "marketplace";
    public const string Audience = "marketplace-api";

    private ApiDocument? _document;

    public SecurityHost()
    {
        // A real Kestrel on loopback, not the in-memory test server: the size limits on bodies, URLs and headers
        // (413, 414, 431) are Kestrel's, and the suite must see what a client sees.
        UseKestrel(0);
        SigningKey = RSA.Create(2048);
        Settings["Identity:Jwt:SigningKeyPem"] = SigningKey.ExportPkcs8PrivateKeyPem();

        // The suite signs up a dozen accounts and fires hostile requests by the thousand; the brute-force tests run a
        // host of their own with a small credential limit.
        Settings["Api:CredentialAttemptsPerMinute"] = "100000";
        Settings["Api:BulkRequestsPerMinute"] = "100000";
        Settings["Cart:GuestRequestsPerMinute"] = "100000";
        Settings["RateLimits:payments-sandbox:PermitLimit"] = "100000";

        this.WithBootstrapAdmin();
    }

    /// <summary>The key the host signs access tokens with.</summary>
    public RSA SigningKey { get; }

    public Guid CategoryId { get; private set; }

    public string BrandSlug { get; private set; } = "";

    public string AdminToken { get; private set; } = "";

    /// <summary>The victim seller.</summary>
    public SellerWorld A { get; private set; } = null!;

    /// <summary>The attacking seller.</summary>
    public SellerWorld B { get; private set; } = null!;

    public CustomerSession CustomerA { get; private set; } = null!;

    public CustomerSession CustomerB { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var client = CreateClient();
        AdminToken = await IdentityFlows.AdminAccessTokenAsync(client);
        var admin = CreateClient(AdminToken);
        var slug = $"sec-{Guid.NewGuid():N}"[..16];
        var category = await Expect(
            await admin.PostAsJsonAsync("/api/v1/categories", new
            {
                name = "Security phones", slug,
                attributes = new[] { new { code = "material", name = "Material", type = "Text", filterable = false } },
            }),
            HttpStatusCode.Created);
        CategoryId = category.GetProperty("id").GetGuid();
        BrandSlug = slug + "-brand";
        await Expect(await admin.PostAsJsonAsync("/api/v1/brands", new { name = "Security Brand", slug = BrandSlug }), HttpStatusCode.Created);

        A = await NewSellerWorldAsync("Seller A");
        B = await NewSellerWorldAsync("Seller B");
        CustomerA = await IdentityFlows.RegisterCustomerAsync(client);
        CustomerB = await IdentityFlows.RegisterCustomerAsync(client);
    }

    /// <summary>The host's own OpenAPI document, read once.</summary>
    public async Task<ApiDocument> DocumentAsync()
    {
        if (_document is null)
        {
            var text = await CreateClient().GetStringAsync("/swagger/v1/swagger.json");
            _document = ApiDocument.Parse(text);
        }

        return _document;
    }

    /// <summary>A new seller with its owner, keys, products, an offer and its team, all made through the API.</summary>
    public async Task<SellerWorld> NewSellerWorldAsync(string name)
    {
        var client = CreateClient();
        var seller = await IdentityFlows.CreateSellerAsync(client, $"{name} {Guid.NewGuid():N}"[..24]);
        var owner = CreateClient(seller.MemberAccessToken);
        var (key, keyId) = await CreateApiKeyAsync(owner, seller.SellerId, "erp");
        var (_, spareKeyId) = await CreateApiKeyAsync(owner, seller.SellerId, "spare");
        var code = $"sku-{Guid.NewGuid():N}"[..16];
        var product = await Expect(
            await owner.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products", ProductBody($"{name} phone", code)),
            HttpStatusCode.Created);
        var second = await Expect(
            await owner.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products", ProductBody($"{name} case", $"sku-{Guid.NewGuid():N}"[..16])),
            HttpStatusCode.Created);
        var skuId = product.GetProperty("skus")[0].GetProperty("id").GetGuid();
        var offer = await Expect(
            await owner.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers/{skuId}", new { price = 100.00m, currency = "EUR", stock = 10 }),
            HttpStatusCode.OK,
            HttpStatusCode.Created);
        var member = await IdentityFlows.RegisterCustomerAsync(client);
        var joining = await InviteAsync(owner, seller.SellerId, member.Email);
        await Expect(await IdentityFlows.AcceptInvitationAsync(this, member.AccessToken, joining), HttpStatusCode.OK);
        var acceptor = await IdentityFlows.RegisterCustomerAsync(client);
        var decliner = await IdentityFlows.RegisterCustomerAsync(client);

        // Addressed to an email with no account: the owner may still withdraw it.
        var withdrawable = await InviteAsync(owner, seller.SellerId, $"nobody-{Guid.NewGuid():N}@tests.local");
        return new SellerWorld(
            seller.SellerId, seller.Owner, key, keyId, spareKeyId, product.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid(),
            skuId, code, offer.GetProperty("offerId").GetGuid(), member,
            new OpenInvitation(await InviteAsync(owner, seller.SellerId, acceptor.Email), acceptor),
            new OpenInvitation(await InviteAsync(owner, seller.SellerId, decliner.Email), decliner),
            withdrawable)
        {
            Orders = await SellerOrderArrangements.ArrangeAsync(this, seller.SellerId, owner),
            Webhooks = await SellerWebhooks.ArrangeAsync(seller.SellerId, owner),
        };
    }

    /// <summary>The seller's team (members and open invitations) as its owner reads it.</summary>
    public async Task<JsonElement> TeamOfAsync(SellerWorld seller) =>
        await Expect(await CreateClient(seller.Owner.AccessToken).GetAsync($"/api/v1/sellers/{seller.SellerId}/members"), HttpStatusCode.OK);

    /// <summary>Suspends a seller as the admin.</summary>
    public async Task SuspendAsync(Guid sellerId, string reason) =>
        await Expect(
            await CreateClient(AdminToken).PutAsJsonAsync($"/api/v1/admin/sellers/{sellerId}/suspension", new { reason }),
            HttpStatusCode.OK);

    /// <summary>A valid product body in the suite's category.</summary>
    public object ProductBody(string title, string skuCode, string description = "<p>A <b>good</b> phone</p>") => new
    {
        title,
        categoryId = CategoryId,
        brand = BrandSlug,
        description,
        attributes = new Dictionary<string, object> { ["material"] = "glass" },
        images = new[] { "https://cdn.example.com/p.jpg" },
        skus = new[] { new { code = skuCode, weightGrams = 180, lengthMm = 150, widthMm = 75, heightMm = 8 } },
    };

    public HttpClient KeyClient(string apiKey) => IdentityFlows.ClientWithApiKey(this, apiKey);

    /// <summary>A token shaped like the host's own, signed with <paramref name="credentials"/>.</summary>
    public static string Forge(
        SigningCredentials credentials, Guid userId, IEnumerable<string> roles, DateTimeOffset? expires = null, string issuer = Issuer, string audience = Audience,
        IEnumerable<Guid>? sellers = null)
    {
        var claims = new List<Claim> { new(MarketplaceClaims.Subject, userId.ToString()), new("email", "forged@tests.local") };
        claims.AddRange(roles.Select(r => new Claim(MarketplaceClaims.Role, r)));
        claims.AddRange((sellers ?? []).Select(s => new Claim(MarketplaceClaims.Seller, s.ToString())));
        var end = expires ?? DateTimeOffset.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = end.AddMinutes(-15).UtcDateTime,
            NotBefore = end.AddMinutes(-15).UtcDateTime,
            Expires = end.UtcDateTime,
            SigningCredentials = credentials,
        });
    }

    public SigningCredentials HostCredentials => new(new RsaSecurityKey(SigningKey), SecurityAlgorithms.RsaSha256);

    public static async Task<JsonElement> Expect(HttpResponseMessage response, params HttpStatusCode[] expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(
            expected.Contains(response.StatusCode),
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<Guid> InviteAsync(HttpClient owner, Guid sellerId, string email) =>
        (await Expect(await owner.PostAsJsonAsync($"/api/v1/sellers/{sellerId}/invitations", new { email }), HttpStatusCode.Accepted))
        .GetProperty("invitationId").GetGuid();

    private static async Task<(string Key, Guid KeyId)> CreateApiKeyAsync(HttpClient owner, Guid sellerId, string name)
    {
        var created = await Expect(await owner.PostAsJsonAsync($"/api/v1/sellers/{sellerId}/api-keys", new { name }), HttpStatusCode.Created);
        return (created.GetProperty("key").GetString()!, created.GetProperty("keyId").GetGuid());
    }
}

/// <summary>The suite shares one host: each class would otherwise pay a host start and a dozen sign-ups.</summary>
[CollectionDefinition(Name)]
public sealed class SecuritySuite : ICollectionFixture<SecurityHost>
{
    public const string Name = "Security";
}

/// <summary>What a caller sends to authenticate.</summary>
public static class Credentials
{
    public static HttpRequestMessage WithBearer(this HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public static HttpRequestMessage WithApiKey(this HttpRequestMessage request, string? key)
    {
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }
}
