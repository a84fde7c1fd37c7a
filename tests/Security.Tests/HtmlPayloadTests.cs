using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// Markup sent in any free-text field never comes back executable: product descriptions are sanitized HTML (no
/// scripts, event handlers or <c>javascript:</c> URLs survive), every other field is plain text inside JSON — either
/// refused with a 400 problem or returned as written inside <c>application/json</c>, never as <c>text/html</c>.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class HtmlPayloadTests(SecurityHost host)
{
    public static readonly string[] Payloads =
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
        "<a href=\"&#106;avascript:alert(1)\">click</a>",
        "<a href=\" java\tscript:alert(1)\">click</a>",
        "<svg onload=alert(1)><circle/></svg>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<div style=\"background:url(javascript:alert(1))\" onmouseover=\"alert(1)\">x</div>",
        "<form action=\"javascript:alert(1)\"><button formaction=\"javascript:alert(1)\">go</button></form>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
        "\"><script>alert(1)</script>",
    ];

    private static readonly string[] UrlAttributes = ["href", "src", "action", "formaction", "xlink:href", "background", "style", "srcset", "data", "poster"];

    [Fact]
    public async Task A_product_description_keeps_no_script_event_handler_or_javascript_url()
    {
        var owner = host.CreateClient(host.A.Owner.AccessToken);
        var violations = new List<string>();
        foreach (var payload in Payloads)
        {
            var created = await owner.PostAsJsonAsync(
                $"/api/v1/sellers/{host.A.SellerId}/products",
                host.ProductBody("Markup phone", $"sku-{Guid.NewGuid():N}"[..16], $"<p>Before</p>{payload}<p>After</p>"));
            if (created.StatusCode == HttpStatusCode.BadRequest && created.IsProblem())
            {
                continue;
            }

            var body = await SecurityHost.Expect(created, HttpStatusCode.Created);
            violations.AddRange(Executable(body.GetProperty("descriptionHtml").GetString()).Select(v => $"seller answer for {payload}: {v}"));
            var detail = await host.CreateClient().GetAsync($"/api/v1/products/{body.GetProperty("id").GetGuid()}");
            violations.AddRange(JsonOnly(detail, $"product detail for {payload}"));
            var html = JsonDocument.Parse(await detail.Content.ReadAsStringAsync()).RootElement.GetProperty("descriptionHtml").GetString();
            violations.AddRange(Executable(html).Select(v => $"product detail for {payload}: {v}"));
        }

        Assert.True(violations.Count == 0, Answers.Report("Descriptions must be sanitized", violations));
    }

    [Fact]
    public async Task Plain_text_fields_come_back_as_written_inside_json_or_are_refused()
    {
        var violations = new List<string>();
        var admin = host.CreateClient(host.AdminToken);
        var owner = host.CreateClient(host.A.Owner.AccessToken);
        var reviewer = host.CreateClient((await IdentityFlows.RegisterCustomerAsync(host.CreateClient())).AccessToken);
        var founder = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        foreach (var payload in Payloads)
        {
            var product = await owner.PostAsJsonAsync($"/api/v1/sellers/{host.A.SellerId}/products", new
            {
                title = payload, categoryId = host.CategoryId, brand = host.BrandSlug, description = "<p>plain</p>",
                attributes = new Dictionary<string, object> { ["material"] = payload }, images = new[] { "https://cdn.example.com/p.jpg" },
                skus = new[] { new { code = $"sku-{Guid.NewGuid():N}"[..16], weightGrams = 1, lengthMm = 1, widthMm = 1, heightMm = 1 } },
            });
            if (await WrittenAsync(product, "product title and text attribute", violations) is { } created)
            {
                var id = created.GetProperty("id").GetGuid();
                await ReadBackAsync($"/api/v1/products/{id}", payload, "product title and text attribute", violations, host.CreateClient());

                var review = await reviewer.PostAsJsonAsync($"/api/v1/products/{id}/reviews", new { rating = 1, text = payload });
                if (await WrittenAsync(review, "review text", violations) is not null)
                {
                    await ReadBackAsync($"/api/v1/products/{id}/reviews", payload, "review text", violations, host.CreateClient());
                }
            }

            var seller = await host.CreateClient(founder.AccessToken).PostAsJsonAsync("/api/v1/sellers", new { name = payload, legalName = payload, countryCode = "DE" });
            if (await WrittenAsync(seller, "seller name", violations) is { } sellerBody)
            {
                await ReadBackAsync($"/api/v1/sellers/{sellerBody.GetProperty("sellerId").GetGuid()}", payload, "seller name", violations, host.CreateClient());
            }

            var key = await owner.PostAsJsonAsync($"/api/v1/sellers/{host.A.SellerId}/api-keys", new { name = payload });
            if (await WrittenAsync(key, "API key name", violations) is not null)
            {
                await ReadBackAsync($"/api/v1/sellers/{host.A.SellerId}/api-keys", payload, "API key name", violations, owner);
            }

            var slug = $"html-{Guid.NewGuid():N}"[..16];
            if (await WrittenAsync(await admin.PostAsJsonAsync("/api/v1/brands", new { name = payload, slug }), "brand name", violations) is not null)
            {
                await ReadBackAsync("/api/v1/brands", payload, "brand name", violations, host.CreateClient());
            }

            var category = await admin.PostAsJsonAsync("/api/v1/categories", new
            {
                name = payload, slug, attributes = new[] { new { code = "finish", name = payload, type = "Text", filterable = false } },
            });
            if (await WrittenAsync(category, "category and attribute names", violations) is { } categoryBody)
            {
                await ReadBackAsync($"/api/v1/categories/{categoryBody.GetProperty("id").GetGuid()}", payload, "category and attribute names", violations, host.CreateClient());
            }
        }

        Assert.True(violations.Count == 0, Answers.Report("Plain text must stay text", violations));
    }

    /// <summary>The elements and attributes of <paramref name="html"/> a browser would run.</summary>
    public static IEnumerable<string> Executable(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            yield break;
        }

        var document = new HtmlParser().ParseDocument($"<body>{html}</body>");
        foreach (var element in document.Body!.QuerySelectorAll("*"))
        {
            if (element.LocalName is "script" or "iframe" or "object" or "embed" or "svg" or "math" or "style" or "form" or "base" or "meta" or "link")
            {
                yield return $"<{element.LocalName}> survived in {Answers.Show(html, 200)}";
            }

            foreach (var attribute in element.Attributes)
            {
                var squeezed = new string(attribute.Value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
                if (attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"event handler {attribute.Name} survived in {Answers.Show(html, 200)}";
                }
                else if (UrlAttributes.Contains(attribute.Name, StringComparer.OrdinalIgnoreCase)
                         && (squeezed.Contains("javascript:", StringComparison.OrdinalIgnoreCase) || squeezed.Contains("vbscript:", StringComparison.OrdinalIgnoreCase)
                             || squeezed.StartsWith("data:text/html", StringComparison.OrdinalIgnoreCase)))
                {
                    yield return $"script URL in {attribute.Name} survived in {Answers.Show(html, 200)}";
                }
            }
        }
    }

    /// <summary>The write's answer when it was accepted; a 400 problem is an accepted refusal; anything else is a violation.</summary>
    private static async Task<JsonElement?> WrittenAsync(HttpResponseMessage response, string field, List<string> violations)
    {
        if (response.IsSuccessStatusCode)
        {
            violations.AddRange(JsonOnly(response, $"{field} write answer"));
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }

        if (response.StatusCode != HttpStatusCode.BadRequest || !response.IsProblem())
        {
            violations.Add($"{field}: the write answered {await response.DescribeAsync()}");
        }

        return null;
    }

    private static async Task ReadBackAsync(string path, string payload, string field, List<string> violations, HttpClient client)
    {
        var response = await client.GetAsync(path);
        violations.AddRange(JsonOnly(response, $"{field} read at {path}"));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK || !ContainsString(JsonDocument.Parse(text).RootElement, payload))
        {
            violations.Add($"{field}: {Answers.Show(payload)} did not come back as written from {path}: {await response.DescribeAsync()}");
        }
    }

    /// <summary>Text comes back inside JSON (or a problem), which a browser does not render as a page.</summary>
    private static IEnumerable<string> JsonOnly(HttpResponseMessage response, string what)
    {
        var type = response.Content.Headers.ContentType?.MediaType;
        return type is "application/json" or Answers.ProblemJson ? [] : [$"{what}: answered as {type ?? "(no content type)"}"];
    }

    private static bool ContainsString(JsonElement element, string value) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString() == value,
        JsonValueKind.Object => element.EnumerateObject().Any(p => ContainsString(p.Value, value)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => ContainsString(e, value)),
        _ => false,
    };
}
