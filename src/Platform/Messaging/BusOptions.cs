namespace Marketplace.Platform.Messaging;

/// <summary>How the host's bus starts, stops and retries a failing consumer; bound from <c>Messaging</c>.</summary>
public sealed class BusOptions
{
    public const string Section = "Messaging";

    /// <summary>
    /// Whether start-up waits for the bus. On by default: consumers' queues must be bound before the host takes
    /// traffic, or the first events would find no queue.
    /// </summary>
    public bool WaitUntilStarted { get; set; } = true;

    /// <summary>How long start-up waits for the broker before it fails.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long shutdown lets consumers finish the messages in hand.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How a failing message is retried in place before it goes to the error queue.</summary>
    public ConsumerRetryOptions Retry { get; set; } = new();

    /// <summary>How the consumers that take events in batches (<see cref="BatchedConsumerDefinition{TConsumer}"/>) gather them.</summary>
    public ConsumerBatchOptions Batch { get; set; } = new();
}

/// <summary>
/// A batch is handed to its consumer when <see cref="MessageLimit"/> messages of one type are in hand, or
/// <see cref="TimeLimit"/> after its first arrived; <see cref="ConcurrencyLimit"/> batches of one type run at once.
/// </summary>
public sealed class ConsumerBatchOptions
{
    public int MessageLimit { get; set; } = 50;

    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromMilliseconds(20);

    public int ConcurrencyLimit { get; set; } = 2;
}

/// <summary>
/// Exponential redelivery of a message whose consumer threw: <see cref="Limit"/> more attempts, waiting from
/// <see cref="MinInterval"/> up to <see cref="MaxInterval"/>, growing by <see cref="IntervalDelta"/> powers.
/// </summary>
public sealed class ConsumerRetryOptions
{
    public int Limit { get; set; } = 5;

    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan IntervalDelta { get; set; } = TimeSpan.FromMilliseconds(200);
}
