using System.Net;
using System.Net.Http.Json;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Marketplace.Storefront.Tests;

/// <summary>
/// What a page builder's site looks like to the storefront: the API on a real port (embedded profile), a shop page served
/// by another server under another host name (<c>http://shop.test:{port}</c>, which Chromium resolves to loopback), with
/// a strict Content-Security-Policy, allowed by the "storefront" rules and by nothing else (loopback origins are not
/// allowed), and Debian's Chromium driven headless by Playwright. Three products of three sellers are on sale, two of the
/// brand Northwind and one of Contoso, each with two offers.
/// </summary>
public sealed class StorefrontRig : IAsyncLifetime
{
    public const string ShopHost = "shop.test";

    /// <summary>Where Debian's package installs Chromium (scripts/services.sh installs it).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly System.Text.RegularExpressions.Regex FourXx =
        new(@"^Failed to load resource: the server responded with a status of 4\d\d", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private readonly WebApplication _shop;
    private IPlaywright? _playwright;

    public StorefrontRig()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        _shop = builder.Build();
        _shop.MapGet("/{page}", (string page, HttpContext http) =>
        {
            if (!Pages.TryGetValue(page, out var html))
            {
                return Results.NotFound();
            }

            // No 'unsafe-inline', no 'unsafe-eval': the storefront must work under the strictest policy a shop could set.
            http.Response.Headers.ContentSecurityPolicy =
                $"default-src 'none'; script-src {ApiOrigin}; style-src {ApiOrigin}; connect-src {ApiOrigin}; img-src * data:; form-action 'none'; base-uri 'none'";
            return Results.Content(html, "text/html; charset=utf-8");
        });
    }

    public StorefrontApi Api { get; private set; } = null!;

    public string ApiOrigin { get; private set; } = "";

    public string ShopOrigin { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The shop's pages by name; a test adds its own before it opens one.</summary>
    public Dictionary<string, string> Pages { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<SellerOffer> Offers { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await _shop.StartAsync();
        var shopPort = new Uri(_shop.Urls.Single()).Port;
        ShopOrigin = $"http://{ShopHost}:{shopPort}";

        Api = new StorefrontApi(ShopOrigin);
        await Api.InitializeAsync();
        Api.UseKestrel(0);
        Api.StartServer();
        var address = Api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        ApiOrigin = new Uri(address).GetLeftPart(UriPartial.Authority).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);

        var admin = Api.CreateClient(await IdentityFlows.AdminAccessTokenAsync(Api.CreateClient()));
        foreach (var brand in new[] { "Northwind", "Contoso" })
        {
            var created = await admin.PostAsJsonAsync("/api/v1/brands", new { name = brand, slug = brand.ToLowerInvariant() });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var offers = new List<SellerOffer>();
        foreach (var (price, brand) in new[] { (19.90m, "northwind"), (24.50m, "northwind"), (31.00m, "contoso") })
        {
            offers.AddRange(await CatalogFlows.OffersAsync(Api, 2, price: price, stock: 50, brand: brand));
        }

        Offers = offers;

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--host-resolver-rules=MAP {ShopHost} 127.0.0.1",
            ],
        });
    }

    /// <summary>A page of the shop with the storefront's tag and the given widgets, in <paramref name="language"/>.</summary>
    public string Page(string widgets, string language = "en") => $$"""
        <!doctype html>
        <html lang="{{language}}">
        <head><meta charset="utf-8"><title>A shop built with a page builder</title></head>
        <body>
          <h1>Shop</h1>
          {{widgets}}
          <script src="{{ApiOrigin}}/storefront/storefront.js" data-api="{{ApiOrigin}}" defer></script>
        </body>
        </html>
        """;

    /// <summary>Opens a shop page in a fresh browser context; CSP violations and page errors are collected into <paramref name="problems"/>.</summary>
    public async Task<IPage> OpenAsync(string name, string html, List<string> problems)
    {
        Pages[name] = html;
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        // Script errors, CSP violations and any 5xx are problems. A 4xx is the API refusing something (a promo code
        // that does not apply), which the storefront shows; Chromium still logs it as a failed load, so that line is not.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !FourXx.IsMatch(message.Text))
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);
        page.Response += (_, response) =>
        {
            if (response.Status >= 500)
            {
                problems.Add($"{response.Request.Method} {response.Url} answered {response.Status}");
            }
        };
        var response = await page.GotoAsync($"{ShopOrigin}/{name}");
        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        return page;
    }

    /// <summary>Saves a screenshot under TestResults/storefront/ at the repository's root, as a test artefact.</summary>
    public static async Task ScreenshotAsync(IPage page, string name, ILocator? part = null)
    {
        var directory = Path.Combine(RulesCopy.RepositoryDirectory(), "..", "..", "TestResults", "storefront");
        Directory.CreateDirectory(directory);
        var path = Path.GetFullPath(Path.Combine(directory, name + ".png"));
        if (part is null)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        }
        else
        {
            await part.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
        }

        Assert.True(new FileInfo(path).Length > 1000, $"the screenshot {path} is empty");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await ((IAsyncLifetime)Api).DisposeAsync();
        await _shop.DisposeAsync();
    }
}

/// <summary>The API on the embedded profile, its rules a copy of the repository's with the shop's origin allowed.</summary>
public sealed class StorefrontApi : MarketplaceFactory
{
    public StorefrontApi(string shopOrigin)
        : base(TestProfile.Embedded)
    {
        this.WithBootstrapAdmin();
        Rules.Write("storefront", $$"""{ "allowedOrigins": ["{{shopOrigin}}"] }""");
        Rules.Use(this);
        Settings["Api:Cors:AllowLoopback"] = "false";
    }

    public RulesCopy Rules { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Rules.Dispose();
    }
}
