using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Config.Sources;
using Marketplace.Config.Sources.Consul;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Config.Tests.Sources.Consul;

/// <summary>
/// The same expectations of Consul's KV API, checked against the double and, when <c>CONSUL_HTTP_ADDR</c> is set, a
/// real Consul: create with cas=0, recursive reads, a blocking read woken by a check-and-set write and by a delete,
/// the prefix index never going backwards on a delete, check-and-set conflicts on writes and deletes, 400 for a
/// malformed index or an empty key name, and a token whose policy is narrowed seeing an empty listing (404), not 403.
/// </summary>
public sealed class ConsulClientFlowTests
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_client_flow_holds_against_the_double()
    {
        await using var consul = await ConsulKvDouble.StartNewAsync();
        await RunFlowAsync(new DoubleAgent(consul));
    }

    [RequiresServerFact("CONSUL_HTTP_ADDR")]
    public async Task The_client_flow_holds_against_a_real_consul() => await RunFlowAsync(new RealAgent());

    [Fact]
    public async Task A_narrowed_token_reads_an_empty_listing_from_the_double_and_an_unknown_token_is_refused()
    {
        await using var consul = await ConsulKvDouble.StartNewAsync();
        await RunNarrowedTokenAsync(new DoubleAgent(consul));
    }

    [RequiresServerFact("CONSUL_HTTP_ADDR", "CONSUL_HTTP_TOKEN")]
    public async Task A_narrowed_token_reads_an_empty_listing_from_a_real_consul_and_an_unknown_token_is_refused() =>
        await RunNarrowedTokenAsync(new RealAgent());

    private static async Task RunFlowAsync(KvAgent agent)
    {
        var prefix = $"marketplace-tests/{Guid.NewGuid():N}/";
        var key = prefix + "rules";
        var other = prefix + "other";
        using var client = agent.Client(agent.AdminToken);
        using var http = agent.Http(agent.AdminToken);
        try
        {
            var empty = await client.ListAsync(prefix, 0, Answer, CancellationToken.None);
            Assert.Empty(empty.Entries);
            Assert.True(empty.Index > 0, "A 404 carries X-Consul-Index.");
            Assert.True(await client.PutAsync(key, Bytes("{\"v\":1}"), 0, CancellationToken.None));
            Assert.False(await client.PutAsync(key, Bytes("{\"v\":9}"), 0, CancellationToken.None));

            var listing = await client.ListAsync(prefix, 0, Answer, CancellationToken.None);
            var entry = Assert.Single(listing.Entries);
            Assert.Equal("{\"v\":1}", Text(entry));
            Assert.True(listing.Index >= entry.ModifyIndex);

            // A blocking read woken by a check-and-set write.
            var blocked = agent.BlockedReads;
            var blocking = client.ListAsync(prefix, listing.Index, TimeSpan.FromSeconds(30), CancellationToken.None);
            await agent.UntilBlockedAsync(blocked);
            Assert.True(await client.PutAsync(key, Bytes("{\"v\":2}"), entry.ModifyIndex, CancellationToken.None));
            var changed = await blocking.WaitAsync(Answer);
            Assert.True(changed.Index > listing.Index);
            Assert.Equal("{\"v\":2}", Text(changed.Entries.Single()));

            // A check-and-set write against an index that is no longer the key's.
            Assert.False(await client.PutAsync(key, Bytes("{\"v\":3}"), entry.ModifyIndex, CancellationToken.None));
            Assert.Equal("{\"v\":2}", Text((await client.GetAsync(key, CancellationToken.None))!));

            // A delete of the key with the highest index wakes a blocking read, and the prefix index still rises.
            Assert.True(await client.PutAsync(other, Bytes("{}"), null, CancellationToken.None));
            var both = await client.ListAsync(prefix, 0, Answer, CancellationToken.None);
            var otherIndex = both.Entries.Single(e => e.Key == other).ModifyIndex;
            Assert.Equal("false", await SendAsync(http, HttpMethod.Delete, $"{other}?cas={otherIndex - 1}", HttpStatusCode.OK));
            Assert.Equal(2, (await client.ListAsync(prefix, 0, Answer, CancellationToken.None)).Entries.Count);

            blocked = agent.BlockedReads;
            blocking = client.ListAsync(prefix, both.Index, TimeSpan.FromSeconds(30), CancellationToken.None);
            await agent.UntilBlockedAsync(blocked);
            Assert.Equal("true", await SendAsync(http, HttpMethod.Delete, $"{other}?cas={otherIndex}", HttpStatusCode.OK));
            var afterDelete = await blocking.WaitAsync(Answer);
            Assert.True(afterDelete.Index > both.Index, $"The index went from {both.Index} to {afterDelete.Index} on a delete.");
            Assert.Equal([key], afterDelete.Entries.Select(e => e.Key));
            Assert.True((await client.ListAsync(prefix, 0, Answer, CancellationToken.None)).Index >= afterDelete.Index);

            // What Consul refuses as a bad request.
            await SendAsync(http, HttpMethod.Get, $"{prefix}?recurse&index=not-a-number", HttpStatusCode.BadRequest);
            await SendAsync(http, HttpMethod.Put, "", HttpStatusCode.BadRequest);
            await SendAsync(http, HttpMethod.Get, "", HttpStatusCode.BadRequest);
            await SendAsync(http, HttpMethod.Delete, "", HttpStatusCode.BadRequest);
        }
        finally
        {
            await http.DeleteAsync($"v1/kv/{prefix}?recurse");
        }
    }

    private static async Task RunNarrowedTokenAsync(KvAgent agent)
    {
        var prefix = $"marketplace-tests/{Guid.NewGuid():N}/";
        using var admin = agent.Client(agent.AdminToken);
        using var adminHttp = agent.Http(agent.AdminToken);
        Assert.True(await admin.PutAsync(prefix + "rules", Bytes("{}"), null, CancellationToken.None));
        Assert.True(await admin.PutAsync(prefix + "other", Bytes("{}"), null, CancellationToken.None));
        var reader = await agent.CreateReaderTokenAsync(prefix);
        try
        {
            using var client = agent.Client(reader.Secret);
            var full = await client.ListAsync(prefix, 0, Answer, CancellationToken.None);
            Assert.Equal(2, full.Entries.Count);

            // Keys the token may no longer read are filtered out of the listing; none left is a 404 with the index.
            await agent.NarrowAsync(reader, prefix + "other");
            var filtered = await Eventually.ReadAsync(() => client.ListAsync(prefix, 0, Answer, CancellationToken.None), l => l.Entries.Count == 1);
            Assert.Equal([prefix + "other"], filtered.Entries.Select(e => e.Key));
            await agent.NarrowAsync(reader, $"marketplace-tests/{Guid.NewGuid():N}/");
            var hidden = await Eventually.ReadAsync(() => client.ListAsync(prefix, 0, Answer, CancellationToken.None), l => l.Entries.Count == 0);
            Assert.Empty(hidden.Entries);
            Assert.True(hidden.Index >= full.Index, $"A filtered listing still carries the prefix's index ({hidden.Index}, was {full.Index}).");

            // A single key the token may not read, and a token the agent does not know, are refused.
            var single = await Assert.ThrowsAsync<RuleSourceUnavailableException>(() => client.GetAsync(prefix + "rules", CancellationToken.None));
            Assert.Contains("403", single.Message, StringComparison.Ordinal);
            using var unknown = agent.Client(Guid.NewGuid().ToString());
            var refused = await Assert.ThrowsAsync<RuleSourceUnavailableException>(() => unknown.ListAsync(prefix, 0, Answer, CancellationToken.None));
            Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await agent.DeleteTokenAsync(reader);
            await adminHttp.DeleteAsync($"v1/kv/{prefix}?recurse");
        }
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(KvEntry entry) => Encoding.UTF8.GetString(entry.Value!);

    private static async Task<string> SendAsync(HttpClient http, HttpMethod method, string keyAndQuery, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, "v1/kv/" + keyAndQuery);
        if (method == HttpMethod.Put)
        {
            request.Content = new ByteArrayContent(Bytes("x"));
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method} {keyAndQuery}: {(int)response.StatusCode} {body}");
        return body.Trim();
    }

    private sealed record ReaderToken(string Secret, string? AccessorId, string? PolicyId, string PolicyName);

    /// <summary>The agent a flow runs against, with what the KV client does not do: watching blocked reads, managing ACL tokens.</summary>
    private abstract class KvAgent
    {
        public abstract string Address { get; }

        public abstract string? AdminToken { get; }

        public virtual string? CaCertificateFile => null;

        /// <summary>Reads that have started to block; only the double can tell, a real agent reports -1.</summary>
        public abstract int BlockedReads { get; }

        public ConsulKvClient Client(string? token) => new(new ConsulOptions
        {
            Address = Address,
            Token = token,
            CaCertificateFile = CaCertificateFile,
            RequestTimeout = TimeSpan.FromSeconds(10),
        });

        public HttpClient Http(string? token)
        {
            var http = new HttpClient { BaseAddress = new Uri(Address.TrimEnd('/') + "/") };
            if (token is not null)
            {
                http.DefaultRequestHeaders.Add(ConsulKvClient.TokenHeader, token);
            }

            return http;
        }

        public abstract Task UntilBlockedAsync(int before);

        public abstract Task<ReaderToken> CreateReaderTokenAsync(string prefix);

        public abstract Task NarrowAsync(ReaderToken token, string prefix);

        public abstract Task DeleteTokenAsync(ReaderToken token);
    }

    private sealed class DoubleAgent : KvAgent
    {
        private const string Management = "management-token";
        private readonly ConsulKvDouble _consul;

        public DoubleAgent(ConsulKvDouble consul)
        {
            _consul = consul;

            // ACLs on, as a production agent runs: the flow's own requests carry a token allowed everything.
            consul.SetToken(Management, new KeyRule("", KeyAccess.Write));
        }

        public override string Address => _consul.Address;

        public override string AdminToken => Management;

        public override int BlockedReads => _consul.BlockedReads;

        public override async Task UntilBlockedAsync(int before)
        {
            var blocked = await Eventually.ReadAsync(() => Task.FromResult(_consul.BlockedReads), count => count > before);
            Assert.True(blocked > before, "The read never started to block.");
        }

        public override Task<ReaderToken> CreateReaderTokenAsync(string prefix)
        {
            var secret = Guid.NewGuid().ToString();
            _consul.SetToken(secret, new KeyRule(prefix, KeyAccess.Read));
            return Task.FromResult(new ReaderToken(secret, null, null, secret));
        }

        public override Task NarrowAsync(ReaderToken token, string prefix)
        {
            _consul.SetToken(token.Secret, new KeyRule(prefix, KeyAccess.Read));
            return Task.CompletedTask;
        }

        public override Task DeleteTokenAsync(ReaderToken token) => Task.CompletedTask;
    }

    /// <summary>The agent at <c>CONSUL_HTTP_ADDR</c>; tokens are managed through the ACL API with <c>CONSUL_HTTP_TOKEN</c>.</summary>
    private sealed class RealAgent : KvAgent
    {
        public override string Address
        {
            get
            {
                var address = Environment.GetEnvironmentVariable("CONSUL_HTTP_ADDR")!;
                return address.Contains("://", StringComparison.Ordinal) ? address : $"http://{address}";
            }
        }

        public override string? AdminToken => Environment.GetEnvironmentVariable("CONSUL_HTTP_TOKEN") is { Length: > 0 } token ? token : null;

        public override string? CaCertificateFile => Environment.GetEnvironmentVariable("CONSUL_CACERT");

        public override int BlockedReads => -1;

        // A real agent does not say when a read blocks. Waiting is only for the read to be blocking when the change
        // comes; if it is not yet, it answers the change at once, so the outcome checked is the same either way.
        public override Task UntilBlockedAsync(int before) => Task.Delay(500);

        public override async Task<ReaderToken> CreateReaderTokenAsync(string prefix)
        {
            using var http = Http(AdminToken);
            var name = $"marketplace-test-{Guid.NewGuid():N}";
            var policy = await ReadJsonAsync(await http.PutAsJsonAsync("v1/acl/policy", new { Name = name, Rules = ReadRule(prefix) }));
            var policyId = policy.GetProperty("ID").GetString()!;
            var token = await ReadJsonAsync(await http.PutAsJsonAsync("v1/acl/token", new { Description = name, Policies = new[] { new { ID = policyId } } }));
            return new ReaderToken(token.GetProperty("SecretID").GetString()!, token.GetProperty("AccessorID").GetString(), policyId, name);
        }

        public override async Task NarrowAsync(ReaderToken token, string prefix)
        {
            using var http = Http(AdminToken);
            await ReadJsonAsync(await http.PutAsJsonAsync($"v1/acl/policy/{token.PolicyId}", new { ID = token.PolicyId, Name = token.PolicyName, Rules = ReadRule(prefix) }));
        }

        public override async Task DeleteTokenAsync(ReaderToken token)
        {
            using var http = Http(AdminToken);
            await http.DeleteAsync($"v1/acl/token/{token.AccessorId}");
            await http.DeleteAsync($"v1/acl/policy/{token.PolicyId}");
        }

        private static string ReadRule(string prefix) => $"key_prefix \"{prefix}\" {{ policy = \"read\" }}";

        private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"The ACL API answered {(int)response.StatusCode}: {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }
}
