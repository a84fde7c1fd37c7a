using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Notifications.Tests;

/// <summary>One request a receiver got, as it came over the wire, and what it answered.</summary>
public sealed record ReceivedWebhook(string Path, string? Id, string? Timestamp, string? Signature, string Body, int AnsweredWith);

/// <summary>What the receiver answers a request with: a status and, for a redirect, where to.</summary>
public sealed record ReceiverAnswer(int Status, string? Location = null);

/// <summary>
/// A partner's webhook receiver: a real Kestrel on loopback (IPv4, and IPv6 where the machine has it) that records
/// every request and answers as the test tells it, so the sender is seen from the outside as a partner sees it.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private WebApplication? _app;

    public int Port { get; private set; }

    /// <summary>The port on [::1], or null when the machine has no IPv6 loopback.</summary>
    public int? Ipv6Port { get; private set; }

    /// <summary>Decides each answer; 200 unless a test says otherwise.</summary>
    public Func<ReceivedWebhook, ReceiverAnswer> Answer { get; set; } = _ => new ReceiverAnswer(200);

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public string Url(string path = "/hooks") => $"http://127.0.0.1:{Port}{path}";

    public IReadOnlyList<ReceivedWebhook> At(string path) => Received.Where(r => r.Path == path).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            if (Socket.OSSupportsIPv6)
            {
                kestrel.Listen(IPAddress.IPv6Loopback, 0);
            }
        });
        var app = builder.Build();
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
        {
            var uri = new Uri(address);
            if (uri.Host.Contains(':', StringComparison.Ordinal) || uri.Host.StartsWith('['))
            {
                receiver.Ipv6Port = uri.Port;
            }
            else
            {
                receiver.Port = uri.Port;
            }
        }

        receiver._app = app;
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers;
        var request = new ReceivedWebhook(context.Request.Path, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], body, 0);
        var answer = Answer(request);
        _received.Enqueue(request with { AnsweredWith = answer.Status });
        context.Response.StatusCode = answer.Status;
        if (answer.Location is not null)
        {
            context.Response.Headers.Location = answer.Location;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
