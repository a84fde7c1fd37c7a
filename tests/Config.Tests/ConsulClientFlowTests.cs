using System.Text;
using Marketplace.Config.Sources.Consul;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Config.Tests;

/// <summary>
/// One flow of the KV client — create with cas=0, recursive read, blocking read woken by a check-and-set write, a
/// stale check-and-set refused — run against the double and, when <c>CONSUL_HTTP_ADDR</c> is set, a real Consul.
/// </summary>
public sealed class ConsulClientFlowTests
{
    [Fact]
    public async Task The_client_flow_holds_against_the_double()
    {
        await using var consul = await ConsulKvDouble.StartNewAsync();
        using var client = new ConsulKvClient(new ConsulOptions { Address = consul.Address });
        await RunFlowAsync(client);
    }

    [RequiresServerFact("CONSUL_HTTP_ADDR")]
    public async Task The_client_flow_holds_against_a_real_consul()
    {
        var address = Environment.GetEnvironmentVariable("CONSUL_HTTP_ADDR")!;
        using var client = new ConsulKvClient(new ConsulOptions
        {
            Address = address.Contains("://", StringComparison.Ordinal) ? address : $"http://{address}",
            Token = Environment.GetEnvironmentVariable("CONSUL_HTTP_TOKEN"),
            CaCertificateFile = Environment.GetEnvironmentVariable("CONSUL_CACERT"),
        });
        await RunFlowAsync(client);
    }

    private static async Task RunFlowAsync(ConsulKvClient client)
    {
        var prefix = $"marketplace-tests/{Guid.NewGuid():N}/";
        var key = prefix + "rules";

        Assert.Empty((await client.ListAsync(prefix, 0, TimeSpan.FromSeconds(1), CancellationToken.None)).Entries);
        Assert.True(await client.PutAsync(key, Encoding.UTF8.GetBytes("{\"v\":1}"), 0, CancellationToken.None));
        Assert.False(await client.PutAsync(key, Encoding.UTF8.GetBytes("{\"v\":9}"), 0, CancellationToken.None));

        var listing = await client.ListAsync(prefix, 0, TimeSpan.FromSeconds(1), CancellationToken.None);
        var entry = Assert.Single(listing.Entries);
        Assert.Equal("{\"v\":1}", Encoding.UTF8.GetString(entry.Value!));
        Assert.True(listing.Index >= entry.ModifyIndex);

        var blocking = client.ListAsync(prefix, listing.Index, TimeSpan.FromSeconds(20), CancellationToken.None);
        await Task.Delay(200);
        Assert.True(await client.PutAsync(key, Encoding.UTF8.GetBytes("{\"v\":2}"), entry.ModifyIndex, CancellationToken.None));
        var changed = await blocking.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(changed.Index > listing.Index);
        Assert.Equal("{\"v\":2}", Encoding.UTF8.GetString(changed.Entries.Single().Value!));

        Assert.False(await client.PutAsync(key, Encoding.UTF8.GetBytes("{\"v\":3}"), entry.ModifyIndex, CancellationToken.None));
        Assert.Equal("{\"v\":2}", Encoding.UTF8.GetString((await client.GetAsync(key, CancellationToken.None))!.Value!));
    }
}
