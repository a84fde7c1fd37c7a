using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.TestSupport;

/// <summary>
/// An OpenTelemetry collector's OTLP/HTTP receiver for traces, on a real Kestrel listener on 127.0.0.1, as the collector
/// answers: <c>POST /v1/traces</c> with <c>application/x-protobuf</c> and a body that reads as an
/// <c>ExportTraceServiceRequest</c> (a sequence of <c>resource_spans</c>, field 1) is taken with 200 and an empty
/// <c>ExportTraceServiceResponse</c>; another path is 404, another method 405, another content type 415, and a body
/// that is not that message 400. Every request is kept, refused ones too, so a test sees what the exporter sent where.
/// </summary>
public sealed class OtlpCollectorDouble : IAsyncDisposable
{
    public const string TracesPath = "/v1/traces";

    public const string Protobuf = "application/x-protobuf";

    private readonly ConcurrentQueue<Received> _received = new();
    private WebApplication? _app;

    /// <summary>One request as it arrived, with the status the double answered.</summary>
    public sealed record Received(string Method, string Path, string? ContentType, byte[] Body, int Status);

    /// <summary>The base address, as <c>Telemetry:OtlpEndpoint</c> names a collector's OTLP/HTTP port.</summary>
    public string Address { get; private set; } = "";

    public IReadOnlyList<Received> Requests => [.. _received];

    public IEnumerable<Received> Accepted => _received.Where(r => r.Status == StatusCodes.Status200OK);

    public static async Task<OtlpCollectorDouble> StartNewAsync()
    {
        var collector = new OtlpCollectorDouble();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(1));
        var app = builder.Build();
        app.Run(collector.ReceiveAsync);
        await app.StartAsync();
        collector.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        collector._app = app;
        return collector;
    }

    /// <summary>Whether an accepted export holds a span of the trace: its <c>trace_id</c> field (1, 16 bytes) carries the id's bytes.</summary>
    public bool HasSpanOf(System.Diagnostics.ActivityTraceId traceId)
    {
        var id = new byte[16];
        traceId.CopyTo(id);
        byte[] field = [0x0A, 0x10, .. id];
        return Accepted.Any(r => r.Body.AsSpan().IndexOf(field) >= 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private async Task ReceiveAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var status = http.Request.Path != TracesPath ? StatusCodes.Status404NotFound
            : !HttpMethods.IsPost(http.Request.Method) ? StatusCodes.Status405MethodNotAllowed
            : http.Request.ContentType?.Split(';')[0].Trim() != Protobuf ? StatusCodes.Status415UnsupportedMediaType
            : !IsExportTraceServiceRequest(body) ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
        _received.Enqueue(new Received(http.Request.Method, http.Request.Path, http.Request.ContentType, body, status));
        http.Response.StatusCode = status;
        if (status == StatusCodes.Status200OK)
        {
            // An ExportTraceServiceResponse with no partial_success: the empty message.
            http.Response.ContentType = Protobuf;
            http.Response.ContentLength = 0;
        }
    }

    /// <summary>
    /// Reads the body as protobuf fields at the top level: every one must be <c>resource_spans</c> (field 1, length-
    /// delimited), and their lengths must end exactly at the body's end.
    /// </summary>
    private static bool IsExportTraceServiceRequest(byte[] body)
    {
        var at = 0;
        while (at < body.Length)
        {
            if (!TryReadVarint(body, ref at, out var tag) || tag != 0x0A || !TryReadVarint(body, ref at, out var length) || length > (ulong)(body.Length - at))
            {
                return false;
            }

            at += (int)length;
        }

        return body.Length > 0;
    }

    private static bool TryReadVarint(byte[] body, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && at < body.Length; shift += 7)
        {
            var b = body[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
