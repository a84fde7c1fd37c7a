using Marketplace.TestSupport;
using System.Diagnostics;
using System.Text;
using Marketplace.Config.Sources;
using Marketplace.Config.Sources.Consul;
using Xunit;

namespace Marketplace.Config.Tests.Sources.Consul;

/// <summary>The KV client against the HTTP double of Consul's documented behaviour.</summary>
public sealed class ConsulKvClientTests : IAsyncLifetime
{
    private ConsulKvDouble _consul = null!;

    public async Task InitializeAsync() => _consul = await ConsulKvDouble.StartNewAsync();

    public async Task DisposeAsync() => await _consul.DisposeAsync();

    private ConsulKvClient Client(string? token = null) => new(new ConsulOptions
    {
        Address = _consul.Address,
        Token = token,
        RequestTimeout = TimeSpan.FromSeconds(5),
    });

    [Fact]
    public async Task A_recursive_read_returns_every_key_under_the_prefix_with_its_decoded_value()
    {
        _consul.Put("shop/rules/a", "{\"x\":1}");
        var b = _consul.Put("shop/rules/b", "{\"y\":2}");
        _consul.Put("shop/rules-other/c", "{}");
        using var client = Client();

        var listing = await client.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(["shop/rules/a", "shop/rules/b"], listing.Entries.Select(e => e.Key));
        Assert.Equal("{\"y\":2}", Encoding.UTF8.GetString(listing.Entries[1].Value!));
        Assert.Equal(b, listing.Index);
        Assert.Equal(b, listing.Entries[1].ModifyIndex);
    }

    [Fact]
    public async Task A_prefix_without_keys_is_a_404_read_as_an_empty_listing_that_still_carries_the_index()
    {
        _consul.Put("elsewhere/key", "1");
        using var client = Client();

        var listing = await client.ListAsync("nothing/here/", 0, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Empty(listing.Entries);
        Assert.Equal(_consul.Index, listing.Index);
        Assert.Null(await client.GetAsync("nothing/here/key", CancellationToken.None));
    }

    [Fact]
    public async Task A_blocking_read_answers_as_soon_as_a_key_under_the_prefix_changes()
    {
        var first = _consul.Put("shop/rules/a", "1");
        using var client = Client();

        var reading = client.ListAsync("shop/rules/", first, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(1, await Eventually.ReadAsync(() => Task.FromResult(_consul.BlockedReads), blocked => blocked == 1));
        Assert.False(reading.IsCompleted, "The read answered before anything changed.");
        var watch = Stopwatch.StartNew();
        var second = _consul.Put("shop/rules/a", "2");
        var listing = await reading.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"The read took {watch.Elapsed} to answer the change.");
        Assert.Equal(second, listing.Index);
        Assert.Equal("2", Encoding.UTF8.GetString(listing.Entries.Single().Value!));
    }

    [Fact]
    public async Task A_blocking_read_without_a_change_answers_at_the_wait_timeout_with_the_same_index()
    {
        var index = _consul.Put("shop/rules/a", "1");
        _consul.Put("unrelated/key", "x");
        using var client = Client();

        var watch = Stopwatch.StartNew();
        var listing = await client.ListAsync("shop/rules/", index, TimeSpan.FromMilliseconds(600), CancellationToken.None);

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(550), TimeSpan.FromSeconds(5));
        Assert.Equal(index, listing.Index);
    }

    [Fact]
    public async Task After_a_snapshot_restore_the_index_goes_backwards_and_the_loop_restarts_with_a_full_read()
    {
        _consul.Put("shop/rules/a", "1");
        var high = _consul.Put("shop/rules/a", "2");
        _consul.RestoreSnapshotAt(3);
        using var client = Client();

        var listing = await client.ListAsync("shop/rules/", high, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.True(listing.Index < high);
        Assert.Equal(0UL, ConsulRuleSource.NextIndex(high, listing.Index));
        Assert.Equal(1UL, ConsulRuleSource.NextIndex(0, 0));
        Assert.Equal(high + 1, ConsulRuleSource.NextIndex(high, high + 1));
    }

    [Fact]
    public async Task Check_and_set_with_index_zero_creates_a_key_only_when_it_does_not_exist()
    {
        using var client = Client();

        Assert.True(await client.PutAsync("shop/rules/new", Encoding.UTF8.GetBytes("1"), 0, CancellationToken.None));
        Assert.False(await client.PutAsync("shop/rules/new", Encoding.UTF8.GetBytes("2"), 0, CancellationToken.None));

        Assert.Equal("1", _consul.ValueOf("shop/rules/new"));
    }

    [Fact]
    public async Task Check_and_set_writes_only_while_the_modify_index_is_the_one_given()
    {
        var index = _consul.Put("shop/rules/a", "1");
        using var client = Client();

        Assert.True(await client.PutAsync("shop/rules/a", Encoding.UTF8.GetBytes("2"), index, CancellationToken.None));
        Assert.False(await client.PutAsync("shop/rules/a", Encoding.UTF8.GetBytes("3"), index, CancellationToken.None));

        var entry = await client.GetAsync("shop/rules/a", CancellationToken.None);
        Assert.Equal("2", Encoding.UTF8.GetString(entry!.Value!));
        Assert.True(entry.ModifyIndex > index);
    }

    [Fact]
    public async Task The_acl_token_is_sent_and_only_an_unknown_token_is_refused_while_an_anonymous_read_is_filtered_to_nothing()
    {
        _consul.SetToken("secret-token", new KeyRule("shop/rules/", KeyAccess.Read));
        _consul.Put("shop/rules/a", "1");

        using var withToken = Client("secret-token");
        using var withoutToken = Client();
        using var unknownToken = Client("not-a-token");

        Assert.Single((await withToken.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None)).Entries);
        var anonymous = await withoutToken.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Empty(anonymous.Entries);
        Assert.Equal(_consul.ModifyIndexOf("shop/rules/a"), anonymous.Index);
        var refused = await Assert.ThrowsAsync<RuleSourceUnavailableException>(() => unknownToken.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_acl_token_can_come_from_a_secret_file_and_its_trailing_newline_is_not_sent()
    {
        _consul.SetToken("token-from-a-file", new KeyRule("shop/rules/", KeyAccess.Write));
        _consul.Put("shop/rules/a", "1");
        var file = Path.Combine(Path.GetTempPath(), $"consul-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, "token-from-a-file\n");
        try
        {
            using var client = new ConsulKvClient(new ConsulOptions { Address = _consul.Address, TokenFile = file, RequestTimeout = TimeSpan.FromSeconds(5) });

            Assert.Single((await client.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None)).Entries);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task With_the_key_list_policy_a_recursive_read_without_list_access_to_the_prefix_is_403()
    {
        _consul.KeyListPolicy = true;
        _consul.SetToken("key-reader", new KeyRule("shop/rules/a", KeyAccess.Read));
        _consul.SetToken("lister", new KeyRule("shop/rules/", KeyAccess.List), new KeyRule("shop/rules/a", KeyAccess.Read));
        _consul.Put("shop/rules/a", "1");
        _consul.Put("shop/rules/b", "2");
        using var keyReader = Client("key-reader");
        using var lister = Client("lister");

        var refused = await Assert.ThrowsAsync<RuleSourceUnavailableException>(() => keyReader.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["shop/rules/a"], (await lister.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None)).Entries.Select(e => e.Key));
    }

    [Fact]
    public async Task A_delete_wakes_a_blocking_read_and_raises_the_prefix_index_even_when_the_deleted_key_had_the_highest()
    {
        _consul.Put("shop/rules/a", "1");
        var highest = _consul.Put("shop/rules/b", "2");
        _consul.Put("elsewhere/c", "3");
        using var client = Client();

        var reading = client.ListAsync("shop/rules/", highest, TimeSpan.FromSeconds(30), CancellationToken.None);
        await Eventually.ReadAsync(() => Task.FromResult(_consul.BlockedReads), blocked => blocked == 1);
        Assert.True(_consul.Delete("shop/rules/b"));
        var listing = await reading.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(listing.Index > highest, $"The index went from {highest} to {listing.Index}.");
        Assert.Equal(["shop/rules/a"], listing.Entries.Select(e => e.Key));
        Assert.False(_consul.Delete("shop/rules/b"));
        Assert.Equal(listing.Index, (await client.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None)).Index);
    }

    [Fact]
    public async Task An_agent_that_is_down_is_reported_as_unavailable_rather_than_failing_otherwise()
    {
        using var client = Client();
        await _consul.StopAsync();

        await Assert.ThrowsAsync<RuleSourceUnavailableException>(() => client.ListAsync("shop/rules/", 0, TimeSpan.FromSeconds(1), CancellationToken.None));
    }
}
