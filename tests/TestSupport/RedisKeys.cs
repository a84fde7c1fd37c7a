using StackExchange.Redis;

namespace Marketplace.TestSupport;

/// <summary>Redis outlives test runs: a test host that writes under a prefix of its own removes its keys when it is disposed.</summary>
public static class RedisKeys
{
    public static async Task DeleteUnderAsync(string prefix)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);
        var keys = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: prefix + "*").ToArray();
        if (keys.Length > 0)
        {
            await redis.GetDatabase().KeyDeleteAsync(keys);
        }
    }
}
