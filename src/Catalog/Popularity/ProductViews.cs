using System.Security.Cryptography;
using System.Text;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Marketplace.Catalog.Popularity;

/// <summary>
/// Decides whether a product view counts toward popularity: at most one per client per product per
/// <see cref="CatalogOptions.PopularityViewWindow"/>, so that reloading a page (or a script doing so) cannot pump the
/// ranking. The client is the signed-in account, else the IP address. Replicas agree through Redis (SET NX with the
/// window as expiry); each process also remembers what it counted, so a repeat costs no Redis call. On the embedded
/// profile the process memory alone decides.
/// </summary>
internal sealed class ProductViews(
    PopularityBuffer buffer, IOptions<CatalogOptions> options, [FromKeyedServices(CatalogModule.Name)] DatabaseProfile database,
    ILogger<ProductViews> logger,
    IConnectionMultiplexer? redis = null) : IDisposable
{
    private readonly MemoryCache _counted = new(new MemoryCacheOptions { SizeLimit = options.Value.MaxTrackedProductViews });
    private readonly string _keyPrefix = PopularityFlusher.KeyPrefix(database) + "viewed:";

    public async Task CountAsync(Guid productId, HttpContext http)
    {
        var client = http.User.UserId() is { } userId ? $"u:{userId:N}" : $"ip:{ClientNetwork.Of(http.Connection.RemoteIpAddress)}";
        var key = $"{client}|{productId:N}";
        if (_counted.TryGetValue(key, out _))
        {
            return;
        }

        var window = options.Value.PopularityViewWindow;
        _counted.Set(key, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = window });

        if (redis is not null && !await FirstAcrossReplicasAsync(key, window))
        {
            return;
        }

        buffer.Record(productId, PopularitySignal.View);
    }

    /// <summary>
    /// Whether no replica counted this view yet. Popularity is a ranking signal, not a page's content: while Redis
    /// fails, this replica's own memory decides rather than the product page failing.
    /// </summary>
    private async Task<bool> FirstAcrossReplicasAsync(string key, TimeSpan window)
    {
        try
        {
            // Hashed: the key would otherwise keep shoppers' IP addresses in Redis.
            var hashed = _keyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 16);
            return await redis!.GetDatabase().StringSetAsync(hashed, 1, window, When.NotExists);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            logger.LogWarning(e, "Redis did not answer for a product view; this replica counts it on its own");
            return true;
        }
    }

    public void Dispose() => _counted.Dispose();
}
