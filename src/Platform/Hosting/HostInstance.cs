namespace Marketplace.Platform.Hosting;

/// <summary>This process among the replicas: the name its per-replica queues carry, new on every start.</summary>
public static class HostInstance
{
    public static string Id { get; } = $"{Environment.MachineName}-{Guid.NewGuid():N}".ToLowerInvariant();
}
