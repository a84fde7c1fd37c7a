using System.Security.Cryptography;
using System.Text;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
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
    IConnectionMultiplexer? redis = null) : IDisposable
{
    private readonly MemoryCache _counted = new(new MemoryCacheOptions { SizeLimit = options.Value.MaxTrackedProductViews });
    private readonly string _keyPrefix = PopularityFlusher.KeyPrefix(database) + "viewed:";

    public async Task CountAsync(Guid productId, HttpContext http)
    {
        var client = http.User.UserId() is { } userId ? $"u:{userId:N}" : $"ip:{http.Connection.RemoteIpAddress}";
        var key = $"{client}|{productId:N}";
        if (_counted.TryGetValue(key, out _))
        {
            return;
        }

        var window = options.Value.PopularityViewWindow;
        _counted.Set(key, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = window });

        // Hashed: the key would otherwise keep shoppers' IP addresses in Redis.
        if (redis is not null
            && !await redis.GetDatabase().StringSetAsync(_keyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 16), 1, window, When.NotExists))
        {
            return;
        }

        buffer.Record(productId, PopularitySignal.View);
    }

    public void Dispose() => _counted.Dispose();
}
