using Marketplace.Catalog.Products;

namespace Marketplace.Catalog.Tests.Products;

public sealed class DescriptionSanitizerTests
{
    private readonly DescriptionSanitizer _sanitizer = new();

    [Theory]
    [InlineData("<a href=\"http://evil.example/\">x</a>")]
    [InlineData("<a href=\"HTTP://evil.example/\">x</a>")]
    [InlineData("<a href=\"mailto:a@evil.example\">x</a>")]
    [InlineData("<a href=\"ftp://evil.example/\">x</a>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"data:text/html,x\">x</a>")]
    public void A_link_that_is_neither_https_nor_relative_loses_its_target(string html)
    {
        var (clean, _) = _sanitizer.Clean(html);

        Assert.DoesNotContain("href", clean, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("evil", clean, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("<a href=\"https://maker.example/manual\">manual</a>", "https://maker.example/manual")]
    [InlineData("<a href=\"/products/123\">see also</a>", "/products/123")]
    [InlineData("<a href=\"https://maker.example/\" rel=\"opener\" target=\"_blank\">x</a>", "https://maker.example/")]
    public void Https_and_relative_links_stay_and_carry_nofollow_ugc_noopener(string html, string href)
    {
        var (clean, _) = _sanitizer.Clean(html);

        Assert.Contains($"href=\"{href}\"", clean, StringComparison.Ordinal);
        Assert.Contains("rel=\"nofollow ugc noopener\"", clean, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"opener\"", clean, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<img src=\"https://tracker.example/pixel.gif\">")]
    [InlineData("<img src=\"http://tracker.example/pixel.gif\">")]
    [InlineData("<img src=\"//tracker.example/pixel.gif\">")]
    [InlineData("<img src=\"/\\tracker.example/pixel.gif\">")]
    [InlineData("<img src=\"/&#9;/tracker.example/pixel.gif\">")]
    [InlineData("<img src=\"/x.png\" srcset=\"https://tracker.example/a.png 1x\">")]
    [InlineData("<video src=\"https://tracker.example/v.mp4\"></video>")]
    [InlineData("<video poster=\"https://tracker.example/p.png\"></video>")]
    [InlineData("<picture><source srcset=\"https://tracker.example/a.png\"><img src=\"/x.png\"></picture>")]
    [InlineData("<table background=\"https://tracker.example/bg.png\"><tr><td>x</td></tr></table>")]
    public void A_remote_image_or_media_url_is_removed(string html)
    {
        var (clean, _) = _sanitizer.Clean(html);

        Assert.DoesNotContain("tracker", clean, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_relative_image_stays()
    {
        var (clean, _) = _sanitizer.Clean("<p>Front <img src=\"/media/front.png\" alt=\"front\"></p>");

        Assert.Contains("src=\"/media/front.png\"", clean, StringComparison.Ordinal);
    }
}
