using System.Diagnostics;
using System.Text.Json;

namespace Marketplace.Platform.Messaging;

/// <summary>An integration event waiting in a module's outbox until the relay has published it.</summary>
public sealed class OutboxMessage
{
    private OutboxMessage()
    {
    }

    /// <summary>Insertion order, so the relay publishes events in the order they were written.</summary>
    public long Sequence { get; private set; }

    /// <summary>Becomes the MassTransit MessageId, so that consumers' inboxes recognise a redelivery.</summary>
    public Guid Id { get; private set; }

    public string Type { get; private set; } = "";

    public string Payload { get; private set; } = "";

    public DateTimeOffset OccurredAt { get; private set; }

    public DateTimeOffset? PublishedAt { get; private set; }

    public int Attempts { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the activity that wrote the event (a request, a consumer, a job), or null when none
    /// was running. The relay publishes the event as a child of it, so that the consumers' work joins the writer's trace
    /// although it is published later, and possibly by another process.
    /// </summary>
    public string? TraceParent { get; private set; }

    /// <summary>The W3C <c>tracestate</c> that came with <see cref="TraceParent"/>, if any.</summary>
    public string? TraceState { get; private set; }

    /// <summary>A <c>traceparent</c> of version 00 is exactly this long.</summary>
    internal const int TraceParentLength = 55;

    /// <summary>W3C asks that at least this much of a <c>tracestate</c> be passed on; a longer one is dropped whole, not cut.</summary>
    internal const int TraceStateMaxLength = 512;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage From<TEvent>(TEvent integrationEvent, DateTimeOffset now)
        where TEvent : class
    {
        var writer = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current : null;
        return new()
        {
            Id = Guid.CreateVersion7(now),
            Type = $"{typeof(TEvent).FullName}, {typeof(TEvent).Assembly.GetName().Name}",
            Payload = JsonSerializer.Serialize(integrationEvent, Json),
            OccurredAt = now,
            TraceParent = writer?.Id,
            TraceState = writer?.TraceStateString is { Length: <= TraceStateMaxLength } state ? state : null,
        };
    }

    /// <summary>The writer's trace context, when the row has one that parses.</summary>
    internal bool TryGetWriterContext(out ActivityContext context) =>
        ActivityContext.TryParse(TraceParent, TraceState, isRemote: true, out context);

    internal (object Message, Type Type) Deserialize()
    {
        var type = System.Type.GetType(Type, throwOnError: true)!;
        return (JsonSerializer.Deserialize(Payload, type, Json)!, type);
    }

    internal void MarkFailed(string error)
    {
        Attempts++;
        LastError = error.Length > 1000 ? error[..1000] : error;
    }
}

/// <summary>A message one consumer has already applied; its key makes a second application impossible.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; set; }

    public string Consumer { get; set; } = "";

    public DateTimeOffset ProcessedAt { get; set; }
}
