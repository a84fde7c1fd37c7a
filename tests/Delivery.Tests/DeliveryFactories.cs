using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Delivery.Tests;

/// <summary>
/// The real host with a runtime rules directory of its own holding <see cref="TestRules"/> as delivery.json (the
/// repository's demo rules do not price its quotes), and a clock the test can move.
/// </summary>
public abstract class DeliveryTestFactory : MarketplaceFactory
{
    private bool _cleaned;

    protected DeliveryTestFactory(TestProfile profile)
        : base(profile)
    {
        RulesDirectory = Path.Combine(Path.GetTempPath(), $"delivery-rules-{Guid.NewGuid():N}");
        Directory.CreateDirectory(RulesDirectory);
        WriteRules(TestRules.Document());
        Settings["Config:RuntimeDirectory"] = RulesDirectory;
        Settings["Config:LastGoodPath"] = Path.Combine(RulesDirectory, "last-good.json");
    }

    public string RulesDirectory { get; }

    public ControlledClock Clock { get; } = new();

    /// <summary>Writes delivery.json as an operator would; the host picks it up while running.</summary>
    public void WriteRules(string document) => File.WriteAllText(Path.Combine(RulesDirectory, "delivery.json"), document);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_cleaned)
        {
            return;
        }

        _cleaned = true;
        Directory.Delete(RulesDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>PostgreSQL, RabbitMQ and Redis; quotes live five minutes here, to show the setting is read.</summary>
public sealed class DeliveryFactory : DeliveryTestFactory
{
    public static readonly TimeSpan QuoteLifetime = TimeSpan.FromMinutes(5);

    public DeliveryFactory()
        : base(TestProfile.Production) => Settings["Delivery:QuoteLifetime"] = "00:05:00";
}

/// <summary>PostgreSQL with an admin, for the marketing rules API; its clock is never moved, so tokens stay valid.</summary>
public sealed class DeliveryRulesApiFactory : DeliveryTestFactory
{
    public DeliveryRulesApiFactory()
        : base(TestProfile.Production) => this.WithBootstrapAdmin();
}

/// <summary>The embedded profile: SQLite and the in-memory bus.</summary>
public sealed class EmbeddedDeliveryFactory : DeliveryTestFactory
{
    public EmbeddedDeliveryFactory()
        : base(TestProfile.Embedded)
    {
    }
}
