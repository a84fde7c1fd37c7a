using System.Collections.Concurrent;
using MassTransit;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Telemetry;

namespace Marketplace.Platform.Messaging;

/// <summary>
/// Measures every receive endpoint of the bus (ops/metrics.md, "The platform"): how long a message waited between its
/// publish and its consumption, every consume attempt that threw, and every message given up on after its retries
/// (which MassTransit moves to the endpoint's <c>_error</c> queue).
/// <para>
/// The retry context holds back the fault notices of the attempts it retries, so the consume and receive observers
/// see a fault only once the retry policy has given up; each retry is counted by the retry observer instead, for the
/// attempt before it that threw.
/// </para>
/// </summary>
internal sealed class ConsumeMeter(TimeProvider clock) : IConsumeObserver, IReceiveObserver, IRetryObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        // Once per delivery: a retry's wait is the retry policy's, not the queue's.
        if (context.GetRetryAttempt() == 0 && context.SentTime is { } sent)
        {
            PlatformMetrics.Consumed(EndpointOf(context.ReceiveContext.InputAddress), (clock.GetUtcNow().UtcDateTime - sent).TotalSeconds);
        }

        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class
    {
        PlatformMetrics.ConsumeFaulted(EndpointOf(context.ReceiveContext.InputAddress));
        return Task.CompletedTask;
    }

    Task IRetryObserver.PreRetry<T>(RetryContext<T> context)
    {
        if (context.Context is ConsumeContext consume)
        {
            PlatformMetrics.ConsumeFaulted(EndpointOf(consume.ReceiveContext.InputAddress));
        }

        return Task.CompletedTask;
    }

    Task IRetryObserver.PostCreate<T>(RetryPolicyContext<T> context) => Task.CompletedTask;

    Task IRetryObserver.PostFault<T>(RetryContext<T> context) => Task.CompletedTask;

    Task IRetryObserver.RetryFault<T>(RetryContext<T> context) => Task.CompletedTask;

    Task IRetryObserver.RetryComplete<T>(RetryContext<T> context) => Task.CompletedTask;

    Task IReceiveObserver.PreReceive(ReceiveContext context) => Task.CompletedTask;

    Task IReceiveObserver.PostReceive(ReceiveContext context) => Task.CompletedTask;

    Task IReceiveObserver.PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) => Task.CompletedTask;

    Task IReceiveObserver.ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
    {
        PlatformMetrics.DeadLettered(EndpointOf(context.ReceiveContext.InputAddress));
        return Task.CompletedTask;
    }

    Task IReceiveObserver.ReceiveFault(ReceiveContext context, Exception exception)
    {
        // A message that could not even be read (an unknown type, a broken body) goes to the error queue too.
        PlatformMetrics.DeadLettered(EndpointOf(context.InputAddress));
        return Task.CompletedTask;
    }

    /// <summary>
    /// The queue's name, without the instance suffix of a per-replica (temporary) queue, so that the label keeps one
    /// value per endpoint across restarts.
    /// </summary>
    internal static string EndpointOf(Uri? address) => address is null ? "unknown" : EndpointNames.GetOrAdd(address, NameOf);

    // A process has a handful of endpoints: each address is parsed once, not on every message.
    private static readonly ConcurrentDictionary<Uri, string> EndpointNames = new();

    private static string NameOf(Uri address)
    {
        var name = address.AbsolutePath.TrimEnd('/') is { Length: > 0 } path ? path[(path.LastIndexOf('/') + 1)..] : "unknown";
        var instance = name.IndexOf(HostInstance.Id, StringComparison.Ordinal);
        return instance > 0 ? name[..instance].TrimEnd('-', '_') : name;
    }
}
