using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Api;

/// <summary>
/// Serves the drop-in storefront (<c>storefront/storefront.js</c> and <c>.css</c>, embedded in this assembly) under
/// <c>/storefront/</c>. Each file is served twice: under its plain name, cached briefly, for the one tag a page builder
/// pastes; and under a name carrying a hash of its content, cached for a year as immutable, which the script uses for its
/// own stylesheet and <c>/storefront/manifest.json</c> lists. A new release changes the hashed names, so no browser keeps
/// an old file past the plain name's short lifetime.
/// </summary>
internal static class StorefrontAssets
{
    public const string PathPrefix = "/storefront";

    /// <summary>How long a browser or CDN keeps a plain-named file: a release reaches pages within this.</summary>
    public static readonly TimeSpan PlainMaxAge = TimeSpan.FromMinutes(5);

    /// <summary>A hashed name never changes content.</summary>
    public static readonly TimeSpan VersionedMaxAge = TimeSpan.FromDays(365);

    private const string StylesheetPlaceholder = "__STYLESHEET__";

    internal sealed record Asset(string Name, string VersionedName, string ContentType, byte[] Content, EntityTagHeaderValue ETag);

    /// <summary>The two files, with the script pointing at the stylesheet's hashed name.</summary>
    public static IReadOnlyList<Asset> Load()
    {
        var css = Read("storefront.css");
        var stylesheet = Make("storefront", ".css", "text/css; charset=utf-8", css);
        var script = Make("storefront", ".js", "text/javascript; charset=utf-8", Read("storefront.js").Replace(StylesheetPlaceholder, stylesheet.VersionedName, StringComparison.Ordinal));
        return [script, stylesheet];
    }

    public static IEndpointRouteBuilder MapStorefrontAssets(this IEndpointRouteBuilder app)
    {
        var assets = Load();
        var byName = assets.SelectMany(a => new[] { (a.Name, a, false), (a.VersionedName, a, true) })
            .ToDictionary(x => x.Item1, x => (Asset: x.a, Versioned: x.Item3), StringComparer.Ordinal);
        var manifest = System.Text.Json.JsonSerializer.Serialize(new
        {
            script = $"{PathPrefix}/{assets[0].VersionedName}",
            stylesheet = $"{PathPrefix}/{assets[1].VersionedName}",
        });

        app.MapGet($"{PathPrefix}/manifest.json", (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = $"public, max-age={(int)PlainMaxAge.TotalSeconds}";
                http.Response.Headers.AccessControlAllowOrigin = "*";
                return Results.Text(manifest, "application/json; charset=utf-8");
            })
            .AllowAnonymous()
            .WithMetadata(new Microsoft.AspNetCore.Cors.DisableCorsAttribute())
            .ExcludeFromDescription();

        app.MapGet($"{PathPrefix}/{{file}}", (string file, HttpContext http) =>
            {
                if (!byName.TryGetValue(file, out var found))
                {
                    return Results.NotFound();
                }

                var (asset, versioned) = found;
                var headers = http.Response.Headers;
                headers.CacheControl = versioned
                    ? $"public, max-age={(int)VersionedMaxAge.TotalSeconds}, immutable"
                    : $"public, max-age={(int)PlainMaxAge.TotalSeconds}";

                // Public files, loaded by pages on any origin, also by script (axe, a CSS-in-JS loader): readable by all,
                // with no credentials. The same on every answer, so a cached copy serves a CORS read as well.
                headers["Cross-Origin-Resource-Policy"] = "cross-origin";
                headers.AccessControlAllowOrigin = "*";

                // The bytes result sets the ETag and answers If-None-Match with 304 itself, as product pages do.
                return Results.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
            })
            .AllowAnonymous()
            .WithMetadata(new Microsoft.AspNetCore.Cors.DisableCorsAttribute())
            .ExcludeFromDescription();
        return app;
    }

    private static Asset Make(string stem, string extension, string contentType, string text)
    {
        var content = Encoding.UTF8.GetBytes(text);
        var hash = Convert.ToHexStringLower(SHA256.HashData(content), 0, 6);
        return new Asset(stem + extension, $"{stem}.{hash}{extension}", contentType, content, new EntityTagHeaderValue($"\"{hash}\""));
    }

    private static string Read(string name)
    {
        using var stream = typeof(StorefrontAssets).Assembly.GetManifestResourceStream($"storefront/{name}")
            ?? throw new InvalidOperationException($"The storefront's {name} is not embedded in the API's assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
