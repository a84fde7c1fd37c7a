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
/// blocking reads (<c>index</c>, <c>wait</c>, up to wait/16 of jitter) that answer on a change, a delete included, or at
/// the timeout; the index of a prefix read computed as Consul's state store does (the highest ModifyIndex under the
/// prefix or tombstone of a key deleted there, else the whole table's index), so it never goes backwards on a delete;
/// a way to make indexes go backwards (as after a snapshot restore); check-and-set writes and deletes (<c>?cas=</c>)
/// answering true or false; 400 for a malformed <c>index</c> or <c>wait</c> and for an empty key name; ACLs with
/// Consul's default-deny semantics (an unknown token is 403; keys a token may not read are filtered out of a recursive
/// read, so a fully filtered one is a 404 with its index; 403 for a listing only with <see cref="KeyListPolicy"/>);
/// and stop/restart on the same port with the same data to play an outage. It writes Consul's JSON field names itself (not the client's types), so a client that
/// misreads the documented shape fails against it. Shared by every module whose tests run against runtime rules.
/// </summary>
public sealed partial class ConsulKvDouble : IAsyncDisposable
{
    /// <summary>The secret to give <see cref="SetToken"/> for the rules of requests that carry no token.</summary>
    public const string AnonymousToken = "anonymous";

    private const int MaxValueBytes = 512 * 1024;
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);

    // Told apart by reference: the rules of a secret the agent does not know.
    private static readonly KeyRule[] UnknownToken = [new KeyRule("", KeyAccess.Deny)];

    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    // Consul's graveyard: the index at which each deleted key was deleted, so prefix indexes do not go backwards.
    private readonly Dictionary<string, ulong> _tombstones = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<KeyRule>> _tokens = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _index = 10;
    private WebApplication? _app;
    private int _port;
    private int _blockedReads;

    private sealed record Entry(string Key, byte[] Value, ulong CreateIndex, ulong ModifyIndex);

    /// <summary>When set before the first start, the agent serves HTTPS with this certificate.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>
    /// Consul's <c>acl.enable_key_list_policy</c>: a recursive read then needs list access to the prefix itself and is
    /// 403 without it, instead of being filtered down to the keys the token may read.
    /// </summary>
    public bool KeyListPolicy { get; set; }

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

    /// <summary>Deletes a key directly, as <c>consul kv delete</c> would; false when there was none.</summary>
    public bool Delete(string key)
    {
        lock (_lock)
        {
            return Remove([key]);
        }
    }

    /// <summary>
    /// Creates the ACL token <paramref name="secret"/>, or replaces its policy, as an operator editing it would. The
    /// first token turns ACLs on with the default policy deny: from then on a request without a token is the anonymous
    /// token (no rules), and one with a secret the agent does not know is 403. For each key the rule with the longest
    /// matching prefix applies; a key no rule matches is denied. A read already blocking keeps the policy it started
    /// with, as in Consul, until it answers.
    /// </summary>
    public void SetToken(string secret, params KeyRule[] rules)
    {
        lock (_lock)
        {
            _tokens[secret] = rules;
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
            foreach (var key in _tombstones.Where(t => t.Value > index).Select(t => t.Key).ToList())
            {
                _tombstones.Remove(key);
            }

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

    private bool Remove(IReadOnlyList<string> keys)
    {
        var present = keys.Where(_entries.ContainsKey).ToList();
        if (present.Count == 0)
        {
            return false;
        }

        _index++;
        foreach (var key in present)
        {
            _entries.Remove(key);
            _tombstones[key] = _index;
        }

        Signal();
        return true;
    }

    /// <summary>What Consul's state store answers as the index of a prefix read: it counts keys the token cannot see, and tombstones.</summary>
    private ulong PrefixIndex(string prefix)
    {
        if (prefix.Length == 0)
        {
            return _index;
        }

        var highest = _entries.Values.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.ModifyIndex)
            .Concat(_tombstones.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(t => t.Value))
            .DefaultIfEmpty(0UL)
            .Max();
        return highest == 0 ? _index : highest;
    }

    private void Signal()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task HandleAsync(HttpContext http, string? key)
    {
        key ??= "";
        var query = http.Request.Query;
        var recurse = query.ContainsKey("recurse");
        if (key.Length == 0 && !(recurse && http.Request.Method != "PUT"))
        {
            await AnswerAsync(http, StatusCodes.Status400BadRequest, "Missing key name");
            return;
        }

        IReadOnlyList<KeyRule>? rules;
        lock (_lock)
        {
            rules = Rules(http.Request.Headers["X-Consul-Token"].ToString());
        }

        if (ReferenceEquals(rules, UnknownToken))
        {
            await AnswerAsync(http, StatusCodes.Status403Forbidden, "ACL not found");
            return;
        }

        switch (http.Request.Method)
        {
            case "PUT":
                await PutAsync(http, key, rules);
                break;
            case "DELETE":
                await DeleteAsync(http, key, recurse, rules);
                break;
            default:
                await GetAsync(http, key, recurse, rules);
                break;
        }
    }

    private async Task GetAsync(HttpContext http, string key, bool recurse, IReadOnlyList<KeyRule>? rules)
    {
        var query = http.Request.Query;
        ulong minIndex = 0;
        if (!string.IsNullOrEmpty(query["index"]) && !ulong.TryParse(query["index"], NumberStyles.None, CultureInfo.InvariantCulture, out minIndex))
        {
            await AnswerAsync(http, StatusCodes.Status400BadRequest, "Invalid index");
            return;
        }

        var wait = ParseWait(query["wait"]);
        if (wait is null)
        {
            await AnswerAsync(http, StatusCodes.Status400BadRequest, "Invalid wait time");
            return;
        }

        var denied = recurse ? KeyListPolicy && Access(rules, key) < KeyAccess.List : Access(rules, key) < KeyAccess.Read;
        if (denied)
        {
            await AnswerAsync(http, StatusCodes.Status403Forbidden, "Permission denied");
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
                if (recurse)
                {
                    // The index counts every key under the prefix; the entries only those the token may read.
                    resultIndex = PrefixIndex(key);
                    matches = _entries.Values.Where(e => e.Key.StartsWith(key, StringComparison.Ordinal) && Access(rules, e.Key) >= KeyAccess.Read).ToList();
                }
                else
                {
                    matches = _entries.TryGetValue(key, out var entry) ? [entry] : [];
                    resultIndex = entry?.ModifyIndex ?? _index;
                }

                changed = _changed.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (minIndex == 0 || resultIndex > minIndex || remaining <= TimeSpan.Zero)
            {
                http.Response.Headers["X-Consul-Index"] = Math.Max(resultIndex, 1).ToString(CultureInfo.InvariantCulture);
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

    private async Task PutAsync(HttpContext http, string key, IReadOnlyList<KeyRule>? rules)
    {
        if (!TryReadCas(http, out var cas))
        {
            await AnswerAsync(http, StatusCodes.Status500InternalServerError, $"strconv.ParseUint: parsing \"{http.Request.Query["cas"]}\": invalid syntax");
            return;
        }

        if (Access(rules, key) < KeyAccess.Write)
        {
            await AnswerAsync(http, StatusCodes.Status403Forbidden, "Permission denied");
            return;
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var value = buffer.ToArray();
        if (value.Length > MaxValueBytes)
        {
            await AnswerAsync(http, StatusCodes.Status413PayloadTooLarge, $"Value exceeds {MaxValueBytes} byte limit");
            return;
        }

        bool written;
        lock (_lock)
        {
            var exists = _entries.TryGetValue(key, out var entry);
            written = cas switch
            {
                null => true,
                0 => !exists,
                _ => exists && entry!.ModifyIndex == cas,
            };

            if (written)
            {
                Write(key, value);
            }
        }

        await AnswerAsync(http, StatusCodes.Status200OK, written ? "true" : "false", "application/json");
    }

    private async Task DeleteAsync(HttpContext http, string key, bool recurse, IReadOnlyList<KeyRule>? rules)
    {
        if (recurse && http.Request.Query.ContainsKey("cas"))
        {
            await AnswerAsync(http, StatusCodes.Status400BadRequest, $"Conflicting flags: {http.Request.QueryString}");
            return;
        }

        if (!TryReadCas(http, out var cas))
        {
            await AnswerAsync(http, StatusCodes.Status500InternalServerError, $"strconv.ParseUint: parsing \"{http.Request.Query["cas"]}\": invalid syntax");
            return;
        }

        if (Access(rules, key) < KeyAccess.Write)
        {
            await AnswerAsync(http, StatusCodes.Status403Forbidden, "Permission denied");
            return;
        }

        var deleted = true;
        lock (_lock)
        {
            if (recurse)
            {
                Remove(_entries.Keys.Where(k => k.StartsWith(key, StringComparison.Ordinal)).ToList());
            }
            else if (cas is null)
            {
                Remove([key]);
            }
            else if (_entries.TryGetValue(key, out var entry))
            {
                // As Consul: a key that is already gone counts as deleted; one at another index is left alone.
                deleted = entry.ModifyIndex == cas && Remove([key]);
            }
        }

        await AnswerAsync(http, StatusCodes.Status200OK, deleted ? "true" : "false", "application/json");
    }

    private static bool TryReadCas(HttpContext http, out ulong? cas)
    {
        cas = null;
        if (!http.Request.Query.TryGetValue("cas", out var text))
        {
            return true;
        }

        if (!ulong.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        cas = parsed;
        return true;
    }

    private static async Task AnswerAsync(HttpContext http, int status, string body, string contentType = "text/plain; charset=utf-8")
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await http.Response.WriteAsync(body);
    }

    /// <summary>The rules of the request's token: null while ACLs are off, <see cref="UnknownToken"/> for a secret not known.</summary>
    private IReadOnlyList<KeyRule>? Rules(string secret)
    {
        if (_tokens.Count == 0)
        {
            return null;
        }

        if (secret.Length == 0)
        {
            return _tokens.GetValueOrDefault(AnonymousToken) ?? Array.Empty<KeyRule>();
        }

        return _tokens.GetValueOrDefault(secret) ?? UnknownToken;
    }

    private static KeyAccess Access(IReadOnlyList<KeyRule>? rules, string key) =>
        rules is null
            ? KeyAccess.Write
            : rules.Where(r => key.StartsWith(r.Prefix, StringComparison.Ordinal)).MaxBy(r => r.Prefix.Length)?.Access ?? KeyAccess.Deny;

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

/// <summary>The access an ACL policy gives to keys, from least to most (Consul's deny, list, read, write).</summary>
public enum KeyAccess
{
    Deny,
    List,
    Read,
    Write,
}

/// <summary>One <c>key_prefix "Prefix" { policy = "Access" }</c> rule of an ACL policy.</summary>
public sealed record KeyRule(string Prefix, KeyAccess Access);
