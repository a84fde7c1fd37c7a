using StackExchange.Redis;

namespace Marketplace.TestSupport;

/// <summary>Redis outlives test runs: a test host that writes under a prefix of its own removes its keys when it is disposed.</summary>
public static class RedisKeys
{
    private const int Attempts = 4;

    /// <summary>
    /// Deletes every key under <paramref name="prefix"/>. On a busy machine the scan can outlast Redis's default
    /// five-second timeout (seen in CI as a class-cleanup failure), so it waits longer and tries again; what a test left
    /// under its own unique prefix is read by nothing else, so a cleanup that still cannot finish does not fail the run.
    /// </summary>
    public static async Task DeleteUnderAsync(string prefix)
    {
        var options = ConfigurationOptions.Parse(TestEnvironment.Redis);
        options.SyncTimeout = options.AsyncTimeout = (int)TimeSpan.FromSeconds(30).TotalMilliseconds;
        options.AbortOnConnectFail = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
                var server = redis.GetServer(redis.GetEndPoints()[0]);
                var keys = new List<RedisKey>();
                await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
                {
                    keys.Add(key);
                }

                foreach (var chunk in keys.Chunk(1000))
                {
                    await redis.GetDatabase().KeyDeleteAsync(chunk);
                }

                return;
            }
            catch (Exception e) when (e is RedisTimeoutException or RedisConnectionException)
            {
                if (attempt == Attempts)
                {
                    await Console.Error.WriteLineAsync($"[test] left Redis keys under {prefix}: {e.Message}");
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }
}
