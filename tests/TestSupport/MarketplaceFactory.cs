using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Marketplace.TestSupport;

/// <summary>Which runtime profile a test host runs on.</summary>
public enum TestProfile
{
    /// <summary>PostgreSQL, RabbitMQ and Redis: the production adapters, on the real local servers.</summary>
    Production,

    /// <summary>The embedded default: SQLite files and the in-memory transport.</summary>
    Embedded,
}

/// <summary>
/// The real host on a database of its own (a fresh PostgreSQL database or SQLite directory per factory),
/// with its own RabbitMQ entity prefix, so test classes never see each other's data or messages.
/// </summary>
public class MarketplaceFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TestProfile _profile;

    private readonly string _name = $"mkt_test_{Guid.NewGuid():N}"[..24];
    private readonly Dictionary<string, string?> _settings = new();
    private string? _dataDirectory;

    public MarketplaceFactory()
        : this(TestProfile.Production)
    {
    }

    protected MarketplaceFactory(TestProfile profile)
    {
        _profile = profile;
    }

    public TestProfile Profile => _profile;

    public string? PostgresConnectionString { get; private set; }

    /// <summary>How long a test class's host may take to stop before the run goes on without it.</summary>
    private static readonly TimeSpan HostStopBound = TimeSpan.FromMinutes(2);

    /// <summary>Extra configuration for a test class; set before the first client is created.</summary>
    public IDictionary<string, string?> Settings => _settings;

    public virtual async Task InitializeAsync()
    {
        if (_profile == TestProfile.Production)
        {
            PostgresConnectionString = await TestDatabases.CreateAsync(_name);
        }
        else
        {
            _dataDirectory = Path.Combine(Path.GetTempPath(), _name);
            Directory.CreateDirectory(_dataDirectory);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureServices(services => services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter, ClientAddresses>()));
        if (_profile == TestProfile.Production)
        {
            builder.UseSetting("ConnectionStrings:Postgres", PostgresConnectionString);
            builder.UseSetting("ConnectionStrings:RabbitMq", TestEnvironment.RabbitMq);
            builder.UseSetting("ConnectionStrings:Redis", TestEnvironment.Redis);
            builder.UseSetting("Messaging:EntityPrefix", _name);
        }
        else
        {
            builder.UseSetting("Database:DataDirectory", _dataDirectory);
        }

        builder.UseSetting("Messaging:Outbox:PollInterval", "00:00:00.200");

        // Tests sign in far more often than a person could; the rate-limit tests set their own small limit.
        builder.UseSetting("Api:CredentialAttemptsPerMinute", "100000");
        builder.UseSetting("Identity:SignIn:AttemptsPerMinute", "100000");

        // Tests arrange rows and read them back at once; the caches' own tests turn them on.
        builder.UseSetting("Catalog:ListingCacheTtl", "00:00:00");
        builder.UseSetting("Catalog:BrowseFacetsTtl", "00:00:00");
        builder.UseSetting("Catalog:TypoCorrectionsTtl", "00:00:00");
        builder.UseSetting("Catalog:BulkRowsPerSecond", "0");
        builder.UseSetting("Catalog:OfferSnapshotCacheTtl", "00:00:00");

        // Nothing balances test hosts: a stop need not wait for a balancer to notice; the drain's own test sets it.
        builder.UseSetting("Host:DrainDelay", "00:00:00");
        builder.UseSetting("Host:WarmUp:Rounds", "0");

        // Tests hash hundreds of passwords; the production work factor would dominate their run time.
        builder.UseSetting("Identity:Password:Hashing:IterationCount", "1000");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient CreateClient(string bearerToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        return client;
    }

    /// <summary>A client whose requests come from <paramref name="address"/>, with a bearer token when one is given.</summary>
    public HttpClient CreateClient(IPAddress address, string? bearerToken = null)
    {
        var client = bearerToken is null ? CreateClient() : CreateClient(bearerToken);
        client.DefaultRequestHeaders.Add(ClientAddresses.Header, address.ToString());
        return client;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        // Stopping the host stops the bus. A receive endpoint whose topology was being declared again when a test restarted
        // RabbitMQ can wait on its channel for ever (a RabbitMQ.Client RPC that is never answered); that must not hang the
        // whole run after the class's tests are done, so the stop gets a generous bound and the run goes on without it.
        var stopping = DisposeAsync().AsTask();
        if (await Task.WhenAny(stopping, Task.Delay(HostStopBound)) != stopping)
        {
            await Console.Error.WriteLineAsync($"[test] {GetType().Name}: the host did not stop within {HostStopBound}; going on without it.");
        }

        if (PostgresConnectionString is not null)
        {
            await TestDatabases.DropAsync(_name);
        }

        if (_dataDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a pooled connection: it is in the temp directory, so leave it.
            }
        }
    }
}

/// <summary>The same host on the embedded profile, for the smoke runs.</summary>
public sealed class EmbeddedMarketplaceFactory : MarketplaceFactory
{
    public EmbeddedMarketplaceFactory()
        : base(TestProfile.Embedded)
    {
    }
}
