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

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage From<TEvent>(TEvent integrationEvent, DateTimeOffset now)
        where TEvent : class => new()
        {
            Id = Guid.CreateVersion7(now),
            Type = $"{typeof(TEvent).FullName}, {typeof(TEvent).Assembly.GetName().Name}",
            Payload = JsonSerializer.Serialize(integrationEvent, Json),
            OccurredAt = now,
        };

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
