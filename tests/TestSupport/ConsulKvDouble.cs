using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
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
/// An in-test double of Consul's KV HTTP API as its documentation describes it, on a real Kestrel listener on
/// 127.0.0.1: recursive and single-key reads with base64 values, 404 (with <c>X-Consul-Index</c>) for missing keys,
/// blocking reads (<c>index</c>, <c>wait</c>, up to wait/16 of jitter) that answer on a change or at the timeout,
/// monotonic indexes with a way to make them go backwards (as after a snapshot restore), check-and-set writes
/// (<c>?cas=</c>) answering true or false, deletes, an ACL token check, and stop/restart on the same port with the
/// same data to play an outage. It writes Consul's JSON field names itself (not the client's types), so a client that
/// misreads the documented shape fails against it. Shared by every module whose tests run against runtime rules.
/// </summary>
public sealed partial class ConsulKvDouble : IAsyncDisposable
{
    private const int MaxValueBytes = 512 * 1024;
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _index = 10;
    private WebApplication? _app;
    private int _port;
    private int _blockedReads;

    private sealed record Entry(string Key, byte[] Value, ulong CreateIndex, ulong ModifyIndex);

    /// <summary>When set before the first start, the agent serves HTTPS with this certificate.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>When set, requests must carry it as <c>X-Consul-Token</c>, else 403 as Consul answers.</summary>
    public string? RequiredToken { get; set; }

    public string Address => $"{(ServerCertificate is null ? "http" : "https")}://127.0.0.1:{_port}";

    /// <summary>Reads that waited for a change or the timeout, rather than answering at once.</summary>
    public int BlockedReads => Volatile.Read(ref _blockedReads);

    public ulong Index
    {
        get
        {
            lock (_lock)
            {
                return _index;
            }
        }
    }

    public static async Task<ConsulKvDouble> StartNewAsync(X509Certificate2? serverCertificate = null)
    {
        var consul = new ConsulKvDouble { ServerCertificate = serverCertificate };
        await consul.StartAsync();
        return consul;
    }

    /// <summary>Listens again (on the same port after the first start), with the data kept.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port, listen =>
        {
            if (ServerCertificate is not null)
            {
                listen.UseHttps(ServerCertificate);
            }
        }));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(1));
        var app = builder.Build();
        app.MapMethods("/v1/kv/{**key}", ["GET", "PUT", "DELETE"], HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port;
        _app = app;
    }

    /// <summary>Stops listening, as an agent that went down; the data stays for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Writes a key directly, as another client (the consul CLI) would.</summary>
    public ulong Put(string key, string value)
    {
        lock (_lock)
        {
            return Write(key, Encoding.UTF8.GetBytes(value));
        }
    }

    /// <summary>The key's ModifyIndex, or null when it does not exist.</summary>
    public ulong? ModifyIndexOf(string key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var entry) ? entry.ModifyIndex : null;
        }
    }

    public string? ValueOf(string key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var entry) ? Encoding.UTF8.GetString(entry.Value) : null;
        }
    }

    /// <summary>
    /// Makes the indexes go backwards, as a restore of an older raft snapshot does: the store's index becomes
    /// <paramref name="index"/> and no key keeps a higher one.
    /// </summary>
    public void RestoreSnapshotAt(ulong index)
    {
        lock (_lock)
        {
            _index = index;
            foreach (var entry in _entries.Values.ToList())
            {
                _entries[entry.Key] = entry with { CreateIndex = Math.Min(entry.CreateIndex, index), ModifyIndex = Math.Min(entry.ModifyIndex, index) };
            }

            Signal();
        }
    }

    private ulong Write(string key, byte[] value)
    {
        _index++;
        var created = _entries.TryGetValue(key, out var existing) ? existing.CreateIndex : _index;
        _entries[key] = new Entry(key, value, created, _index);
        Signal();
        return _index;
    }

    private void Signal()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task HandleAsync(HttpContext http, string? key)
    {
        key ??= "";
        if (RequiredToken is not null && http.Request.Headers["X-Consul-Token"] != RequiredToken)
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsync("Permission denied");
            return;
        }

        switch (http.Request.Method)
        {
            case "PUT":
                await PutAsync(http, key);
                break;
            case "DELETE":
                await DeleteAsync(http, key);
                break;
            default:
                await GetAsync(http, key);
                break;
        }
    }

    private async Task GetAsync(HttpContext http, string key)
    {
        var query = http.Request.Query;
        var recurse = query.ContainsKey("recurse");
        ulong.TryParse(query["index"], NumberStyles.None, CultureInfo.InvariantCulture, out var minIndex);
        var wait = ParseWait(query["wait"]);
        if (wait is null)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("Invalid wait time");
            return;
        }

        // Consul adds up to wait/16 to spread the wake-ups of many clients.
        var deadline = DateTime.UtcNow + wait.Value + (wait.Value / 16 * Random.Shared.NextDouble());
        var blocked = false;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(
            http.RequestAborted, http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        while (true)
        {
            Task changed;
            ulong resultIndex;
            List<Entry> matches;
            lock (_lock)
            {
                matches = recurse
                    ? _entries.Values.Where(e => e.Key.StartsWith(key, StringComparison.Ordinal)).ToList()
                    : _entries.TryGetValue(key, out var entry) ? [entry] : [];
                resultIndex = matches.Count > 0 ? matches.Max(e => e.ModifyIndex) : _index;
                changed = _changed.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (minIndex == 0 || resultIndex > minIndex || remaining <= TimeSpan.Zero)
            {
                http.Response.Headers["X-Consul-Index"] = resultIndex.ToString(CultureInfo.InvariantCulture);
                if (matches.Count == 0)
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                var body = matches.Select(e => new Dictionary<string, object>
                {
                    ["LockIndex"] = 0, ["Key"] = e.Key, ["Flags"] = 0, ["Value"] = Convert.ToBase64String(e.Value),
                    ["CreateIndex"] = e.CreateIndex, ["ModifyIndex"] = e.ModifyIndex,
                }).ToList();
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(JsonSerializer.Serialize(body));
                return;
            }

            if (!blocked)
            {
                blocked = true;
                Interlocked.Increment(ref _blockedReads);
            }

            try
            {
                await changed.WaitAsync(remaining, stopping.Token);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                // An agent that goes down drops its connections.
                http.Abort();
                return;
            }
        }
    }

    private async Task PutAsync(HttpContext http, string key)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var value = buffer.ToArray();
        if (value.Length > MaxValueBytes)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await http.Response.WriteAsync($"Value exceeds {MaxValueBytes} byte limit");
            return;
        }

        bool written;
        lock (_lock)
        {
            written = true;
            if (http.Request.Query.TryGetValue("cas", out var casText))
            {
                var cas = ulong.Parse(casText.ToString(), CultureInfo.InvariantCulture);
                var exists = _entries.TryGetValue(key, out var entry);
                written = cas == 0 ? !exists : exists && entry!.ModifyIndex == cas;
            }

            if (written)
            {
                Write(key, value);
            }
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(written ? "true" : "false");
    }

    private async Task DeleteAsync(HttpContext http, string key)
    {
        lock (_lock)
        {
            var removed = http.Request.Query.ContainsKey("recurse")
                ? _entries.Keys.Where(k => k.StartsWith(key, StringComparison.Ordinal)).ToList()
                : [key];
            _index++;
            foreach (var k in removed)
            {
                _entries.Remove(k);
            }

            Signal();
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync("true");
    }

    /// <summary>A Go duration as Consul takes it ("100ms", "10s", "5m", "1m30s"); null when malformed.</summary>
    private static TimeSpan? ParseWait(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return DefaultWait;
        }

        var parts = GoDuration().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(p => p.Value)) != text)
        {
            return null;
        }

        var total = TimeSpan.Zero;
        foreach (Match part in parts)
        {
            var amount = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromHours(amount),
            };
        }

        return total > MaxWait ? MaxWait : total;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h)")]
    private static partial Regex GoDuration();
}
