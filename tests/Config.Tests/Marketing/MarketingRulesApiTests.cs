using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Config.Tests.Marketing;

/// <summary>The marketing rules API end to end: the real host on PostgreSQL, its rules in the Consul double.</summary>
public sealed class MarketingRulesApiTests(ConsulRulesHost host) : IClassFixture<ConsulRulesHost>
{
    private const string Rules = "/api/v1/marketing/rules";

    [Fact]
    public async Task Marketing_applies_a_change_read_at_its_version_and_every_rules_reader_sees_it_within_a_second()
    {
        var (marketing, userId, email) = await host.MarketingClientAsync();
        await host.SettledAsync();
        var read = await marketing.GetAsync($"{Rules}/test");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var etag = read.Headers.ETag!.Tag;
        var before = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"\"{host.Consul.ModifyIndexOf(ConsulRulesHost.Key)}\"", etag);
        Assert.Equal(etag.Trim('"'), before.GetProperty("version").GetString());

        var percent = host.RulesInForce.Percent + 1;
        var applied = await RulesHost.PutRulesAsync(marketing, TestDocuments.Rules(percent, "applied"), etag);
        var took = await host.EventuallyAsync(r => r.Percent == percent, Deadlines.PromisedSecond);

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var newVersion = host.Consul.ModifyIndexOf(ConsulRulesHost.Key).ToString();
        Assert.Equal($"\"{newVersion}\"", applied.Headers.ETag!.Tag);
        Assert.Equal(TestDocuments.Rules(percent, "applied"), host.Consul.ValueOf(ConsulRulesHost.Key));
        Assert.True(took < Deadlines.PromisedSecond, $"Took {took}.");

        var overview = await marketing.GetFromJsonAsync<JsonElement>(Rules);
        var section = overview.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("section").GetString() == "test");
        Assert.Equal(newVersion, section.GetProperty("version").GetString());
        Assert.Equal(percent, section.GetProperty("document").GetProperty("percent").GetDecimal());

        var audit = await marketing.GetFromJsonAsync<JsonElement>($"{Rules}/audit?section=test&limit=1");
        var entry = audit.GetProperty("items")[0];
        Assert.Equal(userId, entry.GetProperty("changedBy").GetGuid());
        Assert.Equal(email, entry.GetProperty("changedByName").GetString());
        Assert.Equal(etag.Trim('"'), entry.GetProperty("versionBefore").GetString());
        Assert.Equal(newVersion, entry.GetProperty("versionAfter").GetString());
        Assert.Equal(before.GetProperty("document").GetProperty("percent").GetDecimal(), entry.GetProperty("documentBefore").GetProperty("percent").GetDecimal());
        Assert.Equal(percent, entry.GetProperty("documentAfter").GetProperty("percent").GetDecimal());
    }

    [Fact]
    public async Task A_change_made_against_a_stale_version_gets_412_and_writes_nothing()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var etag = await RulesHost.ETagAsync(admin);
        host.Consul.Put(ConsulRulesHost.Key, TestDocuments.Rules(20, "someone else"));

        var stale = await RulesHost.PutRulesAsync(admin, TestDocuments.Rules(21, "mine"), etag);

        await stale.AssertIfMatchFailedAsync();
        Assert.Equal(TestDocuments.Rules(20, "someone else"), host.Consul.ValueOf(ConsulRulesHost.Key));
    }

    [Fact]
    public async Task A_change_without_if_match_gets_428_and_writes_nothing()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var before = host.Consul.ValueOf(ConsulRulesHost.Key);

        var response = await RulesHost.PutRulesAsync(admin, TestDocuments.Rules(22), ifMatch: null);

        await response.AssertIfMatchRequiredAsync();
        Assert.Equal(before, host.Consul.ValueOf(ConsulRulesHost.Key));
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData("W/\"{0}")]
    [InlineData("*, \"{0}\"")]
    public async Task A_change_with_an_unreadable_if_match_gets_400_naming_it_and_writes_nothing(string ifMatch)
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var version = (await RulesHost.ETagAsync(admin)).Trim('"');
        var before = host.Consul.ValueOf(ConsulRulesHost.Key);

        var response = await RulesHost.PutRulesAsync(admin, TestDocuments.Rules(23), string.Format(ifMatch, version));

        await response.AssertIfMatchMalformedAsync();
        Assert.Equal(before, host.Consul.ValueOf(ConsulRulesHost.Key));
    }

    [Fact]
    public async Task A_weak_tag_of_the_current_version_gets_412_because_if_match_compares_strongly()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var etag = await RulesHost.ETagAsync(admin);
        var before = host.Consul.ValueOf(ConsulRulesHost.Key);

        var response = await RulesHost.PutRulesAsync(admin, TestDocuments.Rules(24), $"W/{etag}");

        await response.AssertIfMatchFailedAsync();
        Assert.Equal(before, host.Consul.ValueOf(ConsulRulesHost.Key));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("\"1\", {0}")]
    public async Task A_star_or_a_list_that_holds_the_current_etag_applies_the_change(string ifMatch)
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var etag = await RulesHost.ETagAsync(admin);
        var percent = host.RulesInForce.Percent + 1;

        var response = await RulesHost.PutRulesAsync(admin, TestDocuments.Rules(percent, "matched"), string.Format(ifMatch, etag));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestDocuments.Rules(percent, "matched"), host.Consul.ValueOf(ConsulRulesHost.Key));
        Assert.Equal($"\"{host.Consul.ModifyIndexOf(ConsulRulesHost.Key)}\"", response.Headers.ETag!.Tag);
    }

    [Theory]
    [InlineData("{\"percent\": 150}", "percent")]
    [InlineData("{\"percent\": 5, \"rounding\": \"sideways\"}", "rounding")]
    [InlineData("{\"percent\": \"many\"}", "percent")]
    [InlineData("[1, 2]", "$")]
    public async Task An_invalid_change_gets_400_naming_the_field_and_writes_nothing(string document, string field)
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var etag = await RulesHost.ETagAsync(admin);
        var before = host.Consul.ValueOf(ConsulRulesHost.Key);
        var changes = await AuditCountAsync(admin);

        var response = await RulesHost.PutRulesAsync(admin, document, etag);

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(before, host.Consul.ValueOf(ConsulRulesHost.Key));
        Assert.Equal(changes, await AuditCountAsync(admin));
    }

    [Fact]
    public async Task A_draft_is_validated_without_being_applied()
    {
        var (marketing, _, _) = await host.MarketingClientAsync();
        var before = host.Consul.ValueOf(ConsulRulesHost.Key);

        var valid = await marketing.PostAsync($"{Rules}/test/validate", Json(TestDocuments.Rules(99, "draft")));
        var invalid = await marketing.PostAsync($"{Rules}/test/validate", Json(TestDocuments.Rules(101, new string('x', 41))));

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.True((await valid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("valid").GetBoolean());
        var problem = await invalid.AssertValidationProblemAsync("Percent");
        Assert.True(problem.GetProperty("errors").TryGetProperty("Label", out _), problem.ToString());
        Assert.Equal(before, host.Consul.ValueOf(ConsulRulesHost.Key));
    }

    [Fact]
    public async Task Only_marketing_and_admins_reach_the_rules_a_customer_gets_403_and_an_anonymous_caller_401()
    {
        var anonymous = host.CreateClient();
        var customer = host.CreateClient((await IdentityFlows.RegisterCustomerAsync(anonymous)).AccessToken);

        foreach (var client in new[] { customer, anonymous })
        {
            var expected = client == customer ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized;
            Assert.Equal(expected, (await client.GetAsync(Rules)).StatusCode);
            Assert.Equal(expected, (await client.GetAsync($"{Rules}/audit")).StatusCode);
            Assert.Equal(expected, (await RulesHost.PutRulesAsync(client, TestDocuments.Rules(1), "\"1\"")).StatusCode);
            Assert.Equal(expected, (await client.PostAsync($"{Rules}/test/validate", Json(TestDocuments.Rules(1)))).StatusCode);
        }
    }

    [Fact]
    public async Task An_unknown_section_is_a_404_problem()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));

        await (await admin.GetAsync($"{Rules}/no-such-section")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await RulesHost.PutRulesAsync(admin, "{}", "\"1\"", "no-such-section")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_invalid_change_made_in_consul_is_rejected_and_the_system_endpoint_and_the_api_say_so()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        await host.SettledAsync();
        var inForce = host.RulesInForce.Percent;

        var rejected = host.Consul.Put(ConsulRulesHost.Key, TestDocuments.Rules(500, "invalid"));
        JsonElement rules = default;
        var started = DateTime.UtcNow;
        do
        {
            await Task.Delay(20);
            var system = await admin.GetFromJsonAsync<JsonElement>("/api/v1/system");
            rules = system.GetProperty("status").GetProperty("rules");
            Assert.True(DateTime.UtcNow - started < Deadlines.Generous, $"No rejection reported: {rules}");
        }
        while (rules.GetProperty("lastRejection").ValueKind == JsonValueKind.Null
               || rules.GetProperty("lastRejection").GetProperty("sections")[0].GetProperty("version").GetString() != rejected.ToString());

        Assert.Equal(inForce, host.RulesInForce.Percent);
        Assert.StartsWith("consul ", rules.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.True(rules.TryGetProperty("lastAppliedAt", out _));
        Assert.NotEqual(rejected.ToString(), rules.GetProperty("versions").GetProperty("test").GetString());
        var failures = rules.GetProperty("lastRejection").GetProperty("sections")[0].GetProperty("errors");
        Assert.True(failures.TryGetProperty("Percent", out _), failures.ToString());

        var section = await admin.GetFromJsonAsync<JsonElement>($"{Rules}/test");
        Assert.Equal("rejected", section.GetProperty("state").GetString());

        // Repair it, so the class's other tests start from valid rules.
        Assert.Equal(HttpStatusCode.OK, (await RulesHost.PutRulesAsync(admin, TestDocuments.Rules(inForce), $"\"{rejected}\"")).StatusCode);
        await host.EventuallyAsync(r => r.Percent == inForce, Deadlines.Generous);
    }

    [Fact]
    public async Task The_audit_trail_is_paged_newest_first_with_a_cursor()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        for (var i = 0; i < 3; i++)
        {
            var applied = await RulesHost.PutRulesAsync(admin, TestDocuments.Rules(60 + i, $"page {i}"), await RulesHost.ETagAsync(admin));
            Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        }

        var first = await admin.GetFromJsonAsync<JsonElement>($"{Rules}/audit?limit=2");
        var second = await admin.GetFromJsonAsync<JsonElement>($"{Rules}/audit?limit=2&cursor={Uri.EscapeDataString(first.GetProperty("nextCursor").GetString()!)}");

        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.OrderByDescending(id => id), ids);
        Assert.Equal("page 2", first.GetProperty("items")[0].GetProperty("documentAfter").GetProperty("label").GetString());
        Assert.Equal("page 1", first.GetProperty("items")[1].GetProperty("documentAfter").GetProperty("label").GetString());
        await (await admin.GetAsync($"{Rules}/audit?cursor=not-a-cursor")).AssertValidationProblemAsync("cursor");
    }

    [Fact]
    public async Task While_consul_is_down_the_rules_in_force_stay_readable_a_write_gets_503_and_changes_arrive_once_it_is_back()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        await host.SettledAsync();
        var inForce = host.RulesInForce.Percent;
        var etag = await RulesHost.ETagAsync(admin);
        await host.Consul.StopAsync();
        try
        {
            var overview = await admin.GetFromJsonAsync<JsonElement>(Rules);
            var started = DateTime.UtcNow;
            while (overview.GetProperty("sourceReachable").GetBoolean())
            {
                Assert.True(DateTime.UtcNow - started < Deadlines.Generous, "The outage was not noticed.");
                await Task.Delay(50);
                overview = await admin.GetFromJsonAsync<JsonElement>(Rules);
            }

            // The host also carries the sections its modules declare (the cart's "pricing"): pick this test's by name.
            var section = overview.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("section").GetString() == TestDocuments.Section);
            Assert.Equal(inForce, section.GetProperty("document").GetProperty("percent").GetDecimal());
            await (await RulesHost.PutRulesAsync(admin, TestDocuments.Rules(inForce + 1), etag)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            await (await admin.GetAsync($"{Rules}/test")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(inForce, host.RulesInForce.Percent);
            host.Consul.Put(ConsulRulesHost.Key, TestDocuments.Rules(inForce + 2, "during the outage"));
        }
        finally
        {
            await host.Consul.StartAsync();
        }

        await host.EventuallyAsync(r => r.Percent == inForce + 2, Deadlines.Generous);
    }

    private static StringContent Json(string document) => new(document, Encoding.UTF8, "application/json");

    private static async Task<int> AuditCountAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>($"{Rules}/audit?limit=100")).GetProperty("items").GetArrayLength();
}
