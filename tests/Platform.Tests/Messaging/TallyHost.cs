using Marketplace.Platform.Messaging;
using Marketplace.Platform.Persistence;
using Marketplace.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Platform.Tests.Messaging;

/// <summary>A bare host of the test "Tally" module: its own database, its outbox and inbox, and the bus.</summary>
internal static class TallyHost
{
    /// <summary>
    /// Creates the database <paramref name="database"/>, builds a host on <paramref name="settings"/> with the Tally
    /// context, what <paramref name="services"/> adds (its consumers) and the bus, creates the schema, and starts it.
    /// </summary>
    public static async Task<IHost> StartAsync(string database, Dictionary<string, string?> settings, Action<IServiceCollection> services)
    {
        settings["ConnectionStrings:Postgres"] = await TestDatabases.CreateAsync(database);
        settings["Database:MigrateOnStartup"] = "false";
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
        builder.Services.AddModuleDatabase<TallyDbContext>(builder.Configuration, "Tally");
        services(builder.Services);
        builder.Services.AddMarketplaceBus(builder.Configuration);
        var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TallyDbContext>().Database.EnsureCreatedAsync();
        }

        await host.StartAsync();
        return host;
    }
}
