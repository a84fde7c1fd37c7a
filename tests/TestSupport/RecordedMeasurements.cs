using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.TestSupport;

/// <summary>
/// What one host's instruments of one meter record from now on: only the host's own (its <see cref="IMeterFactory"/>'s
/// scope), so hosts of other tests running beside it do not count. The platform's meter is static, one per process:
/// <see cref="OfProcess"/> records it, and a test tells its own series apart by a label only it uses.
/// </summary>
public sealed class RecordedMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _recorded = new();

    private RecordedMeasurements(object? scope, string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _recorded.Enqueue((instrument.Name, value, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _recorded.Enqueue((instrument.Name, value, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>Starts recording the host's instruments of <paramref name="meterName"/> (such as <c>Marketplace.Ordering</c>).</summary>
    public static RecordedMeasurements Of(MarketplaceFactory host, string meterName) => Of(host.Services.GetRequiredService<IMeterFactory>(), meterName);

    /// <summary>Starts recording the instruments of <paramref name="meterName"/> made by <paramref name="meters"/>.</summary>
    public static RecordedMeasurements Of(IMeterFactory meters, string meterName) => new(meters, meterName);

    /// <summary>Starts recording the instruments of a static meter (such as <c>Marketplace.Platform</c>), every host's.</summary>
    public static RecordedMeasurements OfProcess(string meterName) => new(null, meterName);

    /// <summary>Takes one reading of every observable instrument recorded (as a scrape does).</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    /// <summary>The sum recorded on <paramref name="instrument"/> (its OpenTelemetry name) with every tag given.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) => (long)Matching(instrument, tags).Sum(r => r.Value);

    /// <summary>The values recorded on <paramref name="instrument"/> with every tag given, such as a histogram's.</summary>
    public IReadOnlyList<double> Values(string instrument, params (string Key, string Value)[] tags) => [.. Matching(instrument, tags).Select(r => r.Value)];

    private IEnumerable<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> Matching(string instrument, (string Key, string Value)[] tags) =>
        _recorded.Where(r => r.Instrument == instrument && tags.All(t => r.Tags.Any(k => k.Key == t.Key && Equals(k.Value, t.Value))));

    public void Dispose() => _listener.Dispose();
}
