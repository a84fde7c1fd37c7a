using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Marketplace.Webhooks.Load;

/// <summary>
/// The partners' side: one path per endpoint (<c>/hooks/{n}</c>), each checking the Standard Webhooks signature with its
/// endpoint's secret and deduplicating by <c>webhook-id</c>, as the specification tells receivers to. It counts what the
/// sender must never do: lose an event, send one event under two ids (a duplicate the receiver cannot recognise), or
/// send an order's events out of order.
/// </summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[][] _keys;
    private readonly Func<Guid, int, long?> _publishedAt;
    private readonly ConcurrentDictionary<string, byte> _seenIds = new();
    private readonly ConcurrentDictionary<(int Endpoint, Guid Order, int Version), string> _events = new();
    private readonly ConcurrentDictionary<Guid, StrongBox<int>> _lastVersion = new();
    private readonly ConcurrentQueue<double> _latencies = new();
    private long _redeliveries;
    private long _senderDuplicates;
    private long _outOfOrder;
    private long _badSignatures;
    private long _unknown;

    private Receiver(WebApplication app, byte[][] keys, Func<Guid, int, long?> publishedAt)
    {
        _app = app;
        _keys = keys;
        _publishedAt = publishedAt;
    }

    public int Distinct => _events.Count;

    public long Redeliveries => Interlocked.Read(ref _redeliveries);

    public long SenderDuplicates => Interlocked.Read(ref _senderDuplicates);

    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    public long BadSignatures => Interlocked.Read(ref _badSignatures);

    public long Unknown => Interlocked.Read(ref _unknown);

    /// <summary>From publish to receipt, in milliseconds, of each event's first arrival.</summary>
    public IReadOnlyCollection<double> Latencies => _latencies;

    public static async Task<Receiver> StartAsync(int port, IReadOnlyList<string> secrets, Func<Guid, int, long?> publishedAt)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var keys = secrets.Select(s => Convert.FromBase64String(s["whsec_".Length..])).ToArray();
        var receiver = new Receiver(app, keys, publishedAt);
        app.MapPost("/hooks/{endpoint:int}", receiver.ReceiveAsync);
        await app.StartAsync();
        return receiver;
    }

    public bool Received(int endpoint, Guid order, int version) => _events.ContainsKey((endpoint, order, version));

    private async Task<IResult> ReceiveAsync(int endpoint, HttpRequest request)
    {
        var arrivedAt = Stopwatch.GetTimestamp();
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var id = request.Headers["webhook-id"].ToString();
        var timestamp = request.Headers["webhook-timestamp"].ToString();
        if (endpoint < 0 || endpoint >= _keys.Length || !SignatureHolds(_keys[endpoint], id, timestamp, body, request.Headers["webhook-signature"].ToString()))
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.Unauthorized();
        }

        if (!_seenIds.TryAdd(id, 0))
        {
            // A retry of a delivery whose answer the sender did not see: the same id, deduplicated here. Allowed.
            Interlocked.Increment(ref _redeliveries);
            return Results.Ok();
        }

        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.GetProperty("data");
        var order = data.GetProperty("orderId").GetGuid();
        var version = data.GetProperty("version").GetInt32();
        if (!_events.TryAdd((endpoint, order, version), id))
        {
            // The same event under a second id: the receiver cannot tell it is a repeat.
            Interlocked.Increment(ref _senderDuplicates);
            return Results.Ok();
        }

        var last = _lastVersion.GetOrAdd(order, _ => new StrongBox<int>(0));
        lock (last)
        {
            if (version < last.Value)
            {
                Interlocked.Increment(ref _outOfOrder);
            }

            last.Value = Math.Max(last.Value, version);
        }

        if (_publishedAt(order, version) is { } sent)
        {
            _latencies.Enqueue((arrivedAt - sent) * 1000.0 / Stopwatch.Frequency);
        }
        else
        {
            Interlocked.Increment(ref _unknown);
        }

        return Results.Ok();
    }

    /// <summary>Standard Webhooks: <c>v1,</c> + base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c>; any listed signature may match.</summary>
    private static bool SignatureHolds(byte[] key, string id, string timestamp, string body, string header)
    {
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => s == $"v1,{expected}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
