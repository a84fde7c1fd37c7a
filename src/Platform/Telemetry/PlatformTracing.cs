using System.Diagnostics;

namespace Marketplace.Platform.Telemetry;

/// <summary>
/// The platform's own spans: one per outbox event the relay publishes, a child of the activity that wrote the event,
/// so that MassTransit's send and consume spans, and the consumers' work, continue the writer's trace.
/// </summary>
public static class PlatformTracing
{
    public const string SourceName = "Marketplace.Platform";

    internal static readonly ActivitySource Source = new(SourceName);
}
