using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Config.Sources.Consul;

/// <summary>One key of Consul's KV store, as its HTTP API returns it.</summary>
internal sealed record KvEntry(string Key, ulong CreateIndex, ulong ModifyIndex, ulong Flags, byte[]? Value);

/// <summary>The keys under a prefix and the <c>X-Consul-Index</c> of the answer (0 when the agent sent none or a bad one).</summary>
internal sealed record KvListing(ulong Index, IReadOnlyList<KvEntry> Entries);

/// <summary>
/// A small client of Consul's documented KV HTTP API (<c>/v1/kv</c>): recursive and blocking reads, check-and-set
/// writes, the ACL token header and TLS. No Consul client package is available here; this is all the rules need.
/// </summary>
internal sealed class ConsulKvClient : IDisposable
{
    public const string IndexHeader = "X-Consul-Index";
    public const string TokenHeader = "X-Consul-Token";

    private readonly HttpClient _http;
    private readonly ConsulOptions _options;

    public ConsulKvClient(ConsulOptions options)
    {
        _options = options;
        _http = new HttpClient(CreateHandler(options), disposeHandler: true)
        {
            BaseAddress = new Uri(options.Address!.TrimEnd('/') + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var token = string.IsNullOrEmpty(options.Token) && !string.IsNullOrEmpty(options.TokenFile)
            ? File.ReadAllText(options.TokenFile).Trim()
            : options.Token;
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Add(TokenHeader, token);
        }
    }

    public Uri Address => _http.BaseAddress!;

    /// <summary>
    /// Every key under <paramref name="prefix"/> (<c>?recurse</c>). With <paramref name="index"/> above 0 this is a
    /// blocking read: Consul answers when something under the prefix changes after that index, or when
    /// <paramref name="wait"/> has passed. A 404 means no key under the prefix.
    /// </summary>
    public async Task<KvListing> ListAsync(string prefix, ulong index, TimeSpan wait, CancellationToken cancellationToken)
    {
        var query = index > 0 ? $"?recurse&index={index}&wait={(long)wait.TotalMilliseconds}ms" : "?recurse";

        // Consul may hold a blocking read up to wait + wait/16 before it answers.
        var timeout = index > 0 ? wait + (wait / 16) + _options.RequestTimeout : _options.RequestTimeout;
        using var response = await SendAsync(HttpMethod.Get, KeyPath(prefix) + query, null, timeout, cancellationToken);
        var consulIndex = ReadIndex(response);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new KvListing(consulIndex, []);
        }

        await EnsureSuccessAsync(response, cancellationToken);
        var entries = await ReadEntriesAsync(response, cancellationToken);
        return new KvListing(consulIndex, entries);
    }

    /// <summary>One key, or null when it does not exist (404).</summary>
    public async Task<KvEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, KeyPath(key), null, _options.RequestTimeout, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        var entries = await ReadEntriesAsync(response, cancellationToken);
        return entries.FirstOrDefault(e => e.Key == key);
    }

    /// <summary>
    /// Writes a key. With <paramref name="cas"/> it is a check-and-set: 0 writes only if the key does not exist, N only
    /// if its ModifyIndex is still N. Returns Consul's answer: true when written, false when the check failed.
    /// </summary>
    public async Task<bool> PutAsync(string key, byte[] value, ulong? cas, CancellationToken cancellationToken)
    {
        var query = cas is { } index ? $"?cas={index}" : "";
        using var content = new ByteArrayContent(value);
        using var response = await SendAsync(HttpMethod.Put, KeyPath(key) + query, content, _options.RequestTimeout, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var body = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        return body switch
        {
            "true" => true,
            "false" => false,
            _ => throw new RuleSourceUnavailableException($"Consul answered a write with '{Truncate(body)}' instead of true or false."),
        };
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var request = new HttpRequestMessage(method, path) { Content = content };
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeoutSource.Token);
            return response;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RuleSourceUnavailableException($"Consul did not answer {method} /{path} within {timeout}.", e);
        }
        catch (HttpRequestException e)
        {
            throw new RuleSourceUnavailableException($"Consul cannot be reached at {_http.BaseAddress}: {e.Message}", e);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new RuleSourceUnavailableException($"Consul answered {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(body)}");
        }
    }

    private static async Task<IReadOnlyList<KvEntry>> ReadEntriesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var entries = await JsonSerializer.DeserializeAsync(stream, ConsulJson.Default.ListConsulEntry, cancellationToken) ?? [];
            return entries
                .Select(e => new KvEntry(e.Key, e.CreateIndex, e.ModifyIndex, e.Flags, e.Value is null ? null : Convert.FromBase64String(e.Value)))
                .ToList();
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new RuleSourceUnavailableException($"Consul's answer is not a KV listing: {e.Message}", e);
        }
    }

    /// <summary>The <c>X-Consul-Index</c> header; 0 when missing or not a number, which the caller treats as a reset.</summary>
    private static ulong ReadIndex(HttpResponseMessage response) =>
        response.Headers.TryGetValues(IndexHeader, out var values)
        && ulong.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : 0;

    private static string KeyPath(string key) =>
        "v1/kv/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static SocketsHttpHandler CreateHandler(ConsulOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        };
        if (!string.IsNullOrWhiteSpace(options.ClientCertificateFile))
        {
            var certificate = string.IsNullOrWhiteSpace(options.ClientKeyFile)
                ? X509CertificateLoader.LoadPkcs12FromFile(options.ClientCertificateFile, options.ClientCertificatePassword)
                : X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile);
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { certificate };
        }

        if (!string.IsNullOrWhiteSpace(options.CaCertificateFile))
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(options.CaCertificateFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                TrustedByAuthorities(certificate, errors, authorities);
        }

        return handler;
    }

    /// <summary>Accepts the agent's certificate when it chains to the configured CA; a name mismatch still fails.</summary>
    private static bool TrustedByAuthorities(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }
}

/// <summary>An entry of Consul's KV listing, with the API's own (PascalCase) names.</summary>
internal sealed record ConsulEntry(
    [property: JsonPropertyName("Key")] string Key,
    [property: JsonPropertyName("CreateIndex")] ulong CreateIndex,
    [property: JsonPropertyName("ModifyIndex")] ulong ModifyIndex,
    [property: JsonPropertyName("LockIndex")] ulong LockIndex,
    [property: JsonPropertyName("Flags")] ulong Flags,
    [property: JsonPropertyName("Value")] string? Value);

[JsonSerializable(typeof(List<ConsulEntry>))]
internal sealed partial class ConsulJson : JsonSerializerContext;
