using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Config.Tests.Marketing;

/// <summary>The marketing rules API on the embedded profile: rules in files, the audit trail in SQLite.</summary>
public sealed class FileRulesApiTests(FileRulesHost host) : IClassFixture<FileRulesHost>
{
    [Fact]
    public async Task A_change_applied_through_the_api_replaces_the_file_and_is_in_force_when_the_answer_arrives()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var etag = await RulesHost.ETagAsync(admin);
        var before = await File.ReadAllTextAsync(host.RuleFile);

        var applied = await RulesHost.PutRulesAsync(admin, TestDocuments.Rules(44, "from the api"), etag);

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(44, host.RulesInForce.Percent);
        Assert.Equal(TestDocuments.Rules(44, "from the api"), await File.ReadAllTextAsync(host.RuleFile));
        Assert.Equal(["test.json"], Directory.GetFiles(host.RulesDirectory).Select(Path.GetFileName));
        var body = await applied.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("applied", body.GetProperty("state").GetString());
        Assert.Equal(applied.Headers.ETag!.Tag, $"\"{body.GetProperty("appliedVersion").GetString()}\"");

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/marketing/rules/audit");
        var entry = audit.GetProperty("items")[0];
        Assert.Equal(JsonDocument.Parse(before).RootElement.GetProperty("label").GetString(), entry.GetProperty("documentBefore").GetProperty("label").GetString());
        Assert.Equal("from the api", entry.GetProperty("documentAfter").GetProperty("label").GetString());
        Assert.StartsWith("files ", entry.GetProperty("source").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_against_a_file_edited_since_it_was_read_gets_412_and_the_edit_stays()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var etag = await RulesHost.ETagAsync(admin);
        await File.WriteAllTextAsync(host.RuleFile, TestDocuments.Rules(45, "edited by hand"));

        var stale = await RulesHost.PutRulesAsync(admin, TestDocuments.Rules(46), etag);

        await stale.AssertIfMatchFailedAsync();
        Assert.Equal(TestDocuments.Rules(45, "edited by hand"), await File.ReadAllTextAsync(host.RuleFile));
        await host.EventuallyAsync(r => r.Percent == 45, Deadlines.Generous);
    }
}
