using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.TestSupport;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.Storefront.Tests;

/// <summary>
/// A shop page on another origin, with a strict Content-Security-Policy, runs the drop-in storefront in real Chromium:
/// browse, search, a product card, the cart with its pricing explanations and a promo code, and a purchase with the
/// sandbox card. Screenshots of the grid, the card and the cart are saved under TestResults/storefront/.
/// </summary>
public sealed class StorefrontBrowserTests(StorefrontRig rig) : IClassFixture<StorefrontRig>
{
    // Generous: the machine may be busy; Playwright's expectations poll until then.
    private static readonly LocatorAssertionsToHaveCountOptions Count = new() { Timeout = 60_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 60_000 };
    private static readonly LocatorAssertionsToContainTextOptions Contains = new() { Timeout = 60_000 };

    [Fact]
    public async Task A_grid_on_another_origin_lists_products_searches_with_a_typo_filters_by_brand_facet_and_loads_more()
    {
        var problems = new List<string>();
        var page = await rig.OpenAsync("grid", rig.Page("""<div data-marketplace="grid" data-query="Product" data-page-size="2"></div>"""), problems);

        var cards = page.Locator(".mp-card");
        await Expect(cards).ToHaveCountAsync(2, Count);
        await Expect(page.Locator(".mp-more")).ToBeVisibleAsync(Visible);
        await StorefrontRig.ScreenshotAsync(page, "grid");

        await page.Locator(".mp-more").ClickAsync();
        await Expect(cards).ToHaveCountAsync(3, Count);
        await Expect(page.Locator(".mp-more")).ToBeHiddenAsync(new() { Timeout = 60_000 });

        // The brand facet narrows the grid; unticking it widens it again.
        var facets = page.Locator(".mp-facets");
        await Expect(facets.Locator(".mp-facet")).ToHaveCountAsync(2, Count);
        await Expect(facets).ToContainTextAsync("Northwind (2)", Contains);
        await facets.GetByLabel(new Regex("Contoso")).CheckAsync();
        await Expect(cards).ToHaveCountAsync(1, Count);
        await Expect(cards.First).ToContainTextAsync("31.00", Contains);
        await facets.GetByLabel(new Regex("Contoso")).UncheckAsync();
        await Expect(cards).ToHaveCountAsync(2, Count);

        // A typo in the search still finds the products.
        await page.Locator(".mp-search").FillAsync("Prodcut");
        await page.Locator(".mp-search").PressAsync("Enter");
        await Expect(cards.First).ToBeVisibleAsync(Visible);
        await Expect(page.Locator(".mp-card-title").First).ToContainTextAsync("Product", Contains);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task A_product_card_shows_the_buy_box_and_the_other_offers_and_adds_to_the_cart()
    {
        var problems = new List<string>();
        var offer = rig.Offers[0];
        var page = await rig.OpenAsync(
            "product",
            rig.Page($"""<div data-marketplace="product" data-product-id="{offer.ProductId}"></div><div data-marketplace="cart"></div>"""),
            problems);

        var card = page.Locator(".mp-product");
        await Expect(card.Locator(".mp-buybox .mp-price-large")).ToContainTextAsync("19.90", Contains);
        await Expect(card.Locator(".mp-offer")).ToHaveCountAsync(1, Count);
        await StorefrontRig.ScreenshotAsync(page, "product-card", card);

        await card.Locator(".mp-buybox button").ClickAsync();
        await Expect(card.Locator(".mp-status").First).ToContainTextAsync("Added to cart", Contains);
        await Expect(page.Locator(".mp-cart-toggle")).ToContainTextAsync("Cart (1)", Contains);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task The_cart_drawer_explains_the_pricing_applies_a_promo_code_and_a_guest_buys_with_the_sandbox_card()
    {
        var problems = new List<string>();
        var offer = rig.Offers[2];
        var page = await rig.OpenAsync(
            "cart",
            rig.Page($"""<div data-marketplace="product" data-product-id="{offer.ProductId}"></div><div data-marketplace="cart"></div>"""),
            problems);

        await page.Locator(".mp-buybox button").ClickAsync();
        await Expect(page.Locator(".mp-cart-toggle")).ToContainTextAsync("Cart (1)", Contains);

        // The drawer: the line, the free-delivery threshold still to reach, and why the promo code did or did not apply.
        await page.Locator(".mp-cart-toggle").ClickAsync();
        var drawer = page.Locator("#mp-cart-drawer");
        await Expect(drawer.Locator(".mp-line")).ToHaveCountAsync(1, Count);
        await Expect(drawer.Locator(".mp-free")).ToBeVisibleAsync(Visible);
        await drawer.GetByLabel("Promo code").FillAsync("WELCOME10");
        await drawer.Locator(".mp-promo button").ClickAsync();
        await Expect(drawer.Locator(".mp-why li", new() { HasTextRegex = new Regex("Welcome") }).First).ToBeVisibleAsync(Visible);
        await StorefrontRig.ScreenshotAsync(page, "cart", drawer);

        // Checkout: the address, the delivery options per seller, the sandbox's test card.
        await drawer.GetByLabel("Full name").FillAsync("Ada Lovelace");
        await drawer.GetByLabel("Email").FillAsync("ada@shop.test");
        await drawer.GetByLabel("Country (2 letters)").FillAsync("DE");
        await drawer.GetByLabel("Postal code").FillAsync("10115");
        await drawer.GetByLabel("City").FillAsync("Berlin");
        await drawer.GetByLabel("Street and house").FillAsync("Invalidenstr. 1");
        await drawer.GetByRole(AriaRole.Button, new() { Name = "Show delivery options" }).ClickAsync();
        await Expect(drawer.Locator(".mp-delivery input[type=radio]:checked")).ToHaveCountAsync(1, Count);
        await drawer.GetByLabel("Test card").SelectOptionAsync("pm_card_visa");
        await drawer.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay ") }).ClickAsync();

        var done = drawer.Locator(".mp-done");
        await Expect(done).ToContainTextAsync("is placed", Contains);
        var number = Regex.Match(await done.InnerTextAsync(), @"Order (\S+) is placed").Groups[1].Value;
        await StorefrontRig.ScreenshotAsync(page, "checkout-done", drawer);

        // The seller sees the order the browser placed, a moment later: the seller's list is kept by the order events.
        static bool Lists(JsonElement orders, string number) =>
            orders.GetProperty("items").EnumerateArray().Any(o => o.GetProperty("number").GetString()!.StartsWith(number, StringComparison.Ordinal));
        var orders = await Eventually.ReadAsync(
            () => offer.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{offer.SellerId}/orders"),
            listed => Lists(listed, number));
        Assert.True(Lists(orders, number), $"The seller's list does not show order {number}: {orders}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task The_storefront_speaks_russian_on_a_russian_page()
    {
        var problems = new List<string>();
        var offer = rig.Offers[4];
        var page = await rig.OpenAsync(
            "ru",
            rig.Page($"""<div data-marketplace="product" data-product-id="{offer.ProductId}"></div><div data-marketplace="cart"></div>""", "ru"),
            problems);

        await Expect(page.Locator(".mp-buybox button")).ToContainTextAsync("В корзину", Contains);
        await Expect(page.Locator(".mp-cart-toggle")).ToContainTextAsync("Корзина", Contains);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Axe_finds_no_accessibility_violation_in_the_grid_the_card_or_the_open_cart()
    {
        var problems = new List<string>();
        var offer = rig.Offers[0];
        var page = await rig.OpenAsync(
            "axe",
            rig.Page($"""
                <main>
                  <div data-marketplace="grid" data-query="Product" data-page-size="3"></div>
                  <div data-marketplace="product" data-product-id="{offer.ProductId}"></div>
                  <div data-marketplace="cart"></div>
                </main>
                """),
            problems);
        await Expect(page.Locator(".mp-card")).ToHaveCountAsync(3, Count);
        await page.Locator(".mp-buybox button").ClickAsync();
        await Expect(page.Locator(".mp-cart-toggle")).ToContainTextAsync("Cart (1)", Contains);
        await page.Locator(".mp-cart-toggle").ClickAsync();
        await Expect(page.Locator("#mp-cart-drawer .mp-line")).ToHaveCountAsync(1, Count);

        // The storefront ran clean; axe itself then applies inline styles to measure, which the page's CSP refuses (and logs).
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // WCAG 2.1 A and AA rules (labels, names, roles, contrast…) over the storefront's own elements.
        var results = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        var violations = results.Violations
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target.ToString()))}")
            .ToList();

        Assert.True(violations.Count == 0, string.Join("\n", violations));
        Assert.NotEmpty(results.Passes);
    }

    [Fact]
    public async Task The_cart_drawer_is_used_with_the_keyboard_alone()
    {
        var problems = new List<string>();
        var page = await rig.OpenAsync("keyboard", rig.Page("""<div data-marketplace="cart"></div>"""), problems);

        var toggle = page.Locator(".mp-cart-toggle");
        await Expect(toggle).ToBeVisibleAsync(Visible);
        await toggle.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#mp-cart-drawer")).ToBeVisibleAsync(Visible);
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.Locator("#mp-cart-drawer .mp-close")).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#mp-cart-drawer")).ToBeHiddenAsync();
        await Expect(toggle).ToBeFocusedAsync();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

/// <summary>The storefront's files as a page builder's page and a CDN fetch them.</summary>
public sealed class StorefrontAssetTests(StorefrontRig rig) : IClassFixture<StorefrontRig>
{
    [Fact]
    public async Task The_plain_names_are_cached_briefly_and_the_hashed_names_for_a_year_as_immutable()
    {
        using var client = new HttpClient { BaseAddress = new Uri(rig.ApiOrigin) };
        var manifest = await client.GetFromJsonAsync<JsonElement>("/storefront/manifest.json");
        var versionedScript = manifest.GetProperty("script").GetString()!;
        var versionedStyles = manifest.GetProperty("stylesheet").GetString()!;
        Assert.Matches(@"^/storefront/storefront\.[0-9a-f]{12}\.js$", versionedScript);
        Assert.Matches(@"^/storefront/storefront\.[0-9a-f]{12}\.css$", versionedStyles);

        using var plain = await client.GetAsync("/storefront/storefront.js");
        using var versioned = await client.GetAsync(versionedScript);
        using var styles = await client.GetAsync(versionedStyles);

        Assert.Equal("public, max-age=300", plain.Headers.CacheControl!.ToString());
        Assert.Equal("public, max-age=31536000, immutable", versioned.Headers.CacheControl!.ToString());
        Assert.Equal("public, max-age=31536000, immutable", styles.Headers.CacheControl!.ToString());
        Assert.Equal("text/javascript", plain.Content.Headers.ContentType!.MediaType);
        Assert.Equal("text/css", styles.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["*"], styles.Headers.GetValues("Access-Control-Allow-Origin"));
        var script = await plain.Content.ReadAsStringAsync();
        Assert.Equal(script, await versioned.Content.ReadAsStringAsync());

        // The script loads its stylesheet by the hashed name, and nothing in it evaluates text as code.
        Assert.Contains(versionedStyles["/storefront/".Length..], script, StringComparison.Ordinal);
        Assert.DoesNotContain("__STYLESHEET__", script, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\beval\(|new Function\(|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|setTimeout\(\s*[""']", script);
    }

    [Fact]
    public async Task A_repeat_with_the_etag_is_a_304_and_an_unknown_file_is_a_404()
    {
        using var client = new HttpClient { BaseAddress = new Uri(rig.ApiOrigin) };
        using var first = await client.GetAsync("/storefront/storefront.css");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/storefront/storefront.css");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var notModified = await client.SendAsync(again);
        using var unknown = await client.GetAsync("/storefront/../appsettings.json");
        using var other = await client.GetAsync("/storefront/storefront.000000000000.js");

        Assert.Equal(System.Net.HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, other.StatusCode);
    }
}
