namespace Marketplace.TestSupport;

/// <summary>
/// Polls a read until it shows what a test waits for (an event to arrive, a cache to drop a page, rules to reload),
/// or the time is up; the test then asserts on the last value read, so a timeout fails with what was seen.
/// </summary>
public static class Eventually
{
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> until, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        var value = await read();
        while (!until(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            value = await read();
        }

        return value;
    }
}
