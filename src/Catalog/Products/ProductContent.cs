using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ganss.Xss;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Products;

/// <summary>Rules a product's content obeys wherever it comes from (one request or a bulk row).</summary>
internal static partial class ProductContent
{
    /// <summary>True for an absolute https URL: images are shown to shoppers, so nothing else may be linked.</summary>
    public static bool IsHttpsUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host);

    /// <summary>A GTIN-8, -12 (UPC), -13 (EAN) or -14 with a correct mod-10 check digit.</summary>
    public static bool IsValidGtin(string? gtin)
    {
        if (gtin is null || gtin.Length is not (8 or 12 or 13 or 14) || !gtin.All(char.IsAsciiDigit))
        {
            return false;
        }

        return GtinCheckDigit(gtin[..^1]) == gtin[^1];
    }

    /// <summary>The GS1 check digit of a GTIN body: weights 3 and 1 alternating from the right.</summary>
    public static char GtinCheckDigit(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var digit = body[body.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? digit * 3 : digit;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    public const string SkuCodePattern = "^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$";

    /// <summary>
    /// Checks attribute values against the category's typed definitions and returns them normalized (numbers in
    /// invariant form, booleans as <c>true</c>/<c>false</c>, enum values as the category spells them).
    /// </summary>
    public static Dictionary<string, string> NormalizeAttributes(
        Category category, IReadOnlyDictionary<string, JsonElement>? values, string fieldPrefix, int maxValueLength, Dictionary<string, string[]> errors)
    {
        var normalized = new Dictionary<string, string>(StringComparer.Ordinal);
        if (values is null)
        {
            return normalized;
        }

        foreach (var (code, value) in values)
        {
            var field = $"{fieldPrefix}.{code}";
            var definition = category.Attributes.FirstOrDefault(a => string.Equals(a.Code, code, StringComparison.Ordinal));
            if (definition is null)
            {
                var known = string.Join(", ", category.Attributes.Select(a => a.Code).Order(StringComparer.Ordinal));
                errors[field] = [$"The category '{category.Path}' has no attribute '{code}'. Known attributes: {(known.Length == 0 ? "none" : known)}."];
                continue;
            }

            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (text is null)
            {
                errors[field] = ["An attribute value is a string, a number or a boolean."];
                continue;
            }

            if (Problem(definition, text, maxValueLength) is { } problem)
            {
                errors[field] = [problem];
                continue;
            }

            normalized[code] = Normalized(definition, text);
        }

        return normalized;
    }

    private static string? Problem(AttributeDefinition definition, string text, int maxValueLength)
    {
        if (text.Length > maxValueLength)
        {
            return $"At most {maxValueLength} characters.";
        }

        return definition.Type switch
        {
            AttributeType.Number when !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) =>
                $"'{definition.Code}' is a number (e.g. 6.1); '{text}' is not.",
            AttributeType.Boolean when !bool.TryParse(text, out _) => $"'{definition.Code}' is true or false; '{text}' is neither.",
            AttributeType.Enum when !definition.AllowedValues.Contains(text, StringComparer.OrdinalIgnoreCase) =>
                $"'{text}' is not one of the allowed values of '{definition.Code}': {string.Join(", ", definition.AllowedValues)}.",
            AttributeType.Text when string.IsNullOrWhiteSpace(text) => $"'{definition.Code}' must not be blank.",
            _ => null,
        };
    }

    private static string Normalized(AttributeDefinition definition, string text) => definition.Type switch
    {
        AttributeType.Number => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        AttributeType.Boolean => bool.Parse(text) ? "true" : "false",
        AttributeType.Enum => definition.AllowedValues.First(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase)),
        _ => text.Trim(),
    };

    /// <summary>Attribute values as one line of text for full-text search: "Colour: red; Screen size: 6.1 in".</summary>
    public static string AttributesText(Category category, IReadOnlyDictionary<string, string> attributes) =>
        string.Join("; ", attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a =>
        {
            var definition = category.Attributes.First(d => d.Code == a.Key);
            return string.IsNullOrEmpty(definition.Unit) ? $"{definition.Name}: {a.Value}" : $"{definition.Name}: {a.Value} {definition.Unit}";
        }));

    /// <summary>The text of sanitized HTML, for search: tags become spaces, entities are decoded, whitespace collapses.</summary>
    public static string PlainText(string sanitizedHtml) =>
        Whitespace().Replace(WebUtility.HtmlDecode(Tags().Replace(sanitizedHtml, " ")), " ").Trim();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

/// <summary>
/// Cleans seller HTML: scripts, event handlers, iframes, forms and style attributes (and with them CSS expressions)
/// are removed; ordinary formatting stays. Links go only to https or stay on the storefront (relative), and carry
/// <c>rel="nofollow ugc noopener"</c>: they are the seller's, not ours to vouch for. Every other URL (an image, a
/// video) must be relative: a remote one would let the seller watch who reads the page.
/// </summary>
internal sealed class DescriptionSanitizer
{
    public const string LinkRel = "nofollow ugc noopener";

    private readonly HtmlSanitizer _sanitizer;

    public DescriptionSanitizer()
    {
        _sanitizer = new HtmlSanitizer();
        _sanitizer.AllowedAttributes.Remove("style");
        _sanitizer.AllowedAttributes.Remove("srcset");
        _sanitizer.AllowedAttributes.Remove("rel");
        _sanitizer.AllowedTags.Remove("form");
        _sanitizer.AllowedTags.Remove("input");
        _sanitizer.AllowedTags.Remove("button");
        _sanitizer.AllowedTags.Remove("textarea");
        _sanitizer.AllowedTags.Remove("select");
        _sanitizer.AllowedTags.Remove("option");
        _sanitizer.AllowedSchemes.Clear();
        _sanitizer.AllowedSchemes.Add("https");
        _sanitizer.FilterUrl += (_, e) =>
        {
            var isLink = string.Equals(e.Tag.TagName, "a", StringComparison.OrdinalIgnoreCase);
            if (e.SanitizedUrl is { } url && !IsRelative(url) && !(isLink && ProductContent.IsHttpsUrl(url)))
            {
                e.SanitizedUrl = null;
            }
        };
        _sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link && link.HasAttribute("href"))
            {
                link.SetAttribute("rel", LinkRel);
            }
        };
    }

    public (string Html, string Text) Clean(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return ("", "");
        }

        var clean = _sanitizer.Sanitize(html);
        return (clean, ProductContent.PlainText(clean));
    }

    /// <summary>
    /// A reference within the storefront: no scheme, and no host (<c>//host</c>; browsers read <c>/\host</c> and
    /// <c>\\host</c> the same way, and drop tabs and line breaks anywhere in a URL first).
    /// </summary>
    private static bool IsRelative(string url)
    {
        var trimmed = string.Concat(url.Where(c => c > ' ' || c == ' ')).TrimStart();
        if (trimmed.Length >= 2 && (trimmed[0] is '/' or '\\') && (trimmed[1] is '/' or '\\'))
        {
            return false;
        }

        // A colon before the first '/', '?' or '#' ends a scheme.
        var end = trimmed.IndexOfAny([':', '/', '?', '#']);
        return end < 0 || trimmed[end] != ':';
    }
}

/// <summary>Categories and brands looked up once per request (a bulk file names the same few again and again).</summary>
internal sealed class CatalogReferences(CatalogDbContext db)
{
    private readonly Dictionary<Guid, Category?> _categories = [];
    private readonly Dictionary<string, Brand?> _brands = new(StringComparer.OrdinalIgnoreCase);

    public async Task<Category?> CategoryAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!_categories.TryGetValue(id, out var category))
        {
            category = await db.Categories.AsNoTracking().Include(c => c.Attributes).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
            _categories[id] = category;
        }

        return category;
    }

    /// <summary>A brand by id or by slug.</summary>
    public async Task<Brand?> BrandAsync(string idOrSlug, CancellationToken cancellationToken)
    {
        if (!_brands.TryGetValue(idOrSlug, out var brand))
        {
            var slug = idOrSlug.ToLowerInvariant();
            brand = Guid.TryParse(idOrSlug, out var id)
                ? await db.Brands.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken)
                : await db.Brands.AsNoTracking().FirstOrDefaultAsync(b => b.Slug == slug, cancellationToken);
            _brands[idOrSlug] = brand;
        }

        return brand;
    }
}
