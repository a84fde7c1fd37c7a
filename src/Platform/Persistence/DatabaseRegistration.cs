using Marketplace.Platform.Hosting;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Platform.Persistence;

public static class DatabaseRegistration
{
    /// <summary>
    /// Registers a module's DbContext on the engine its configuration names, the database's part of
    /// readiness, the schema set-up at start-up, and the outbox relay of that module.
    /// </summary>
    public static DatabaseProfile AddModuleDatabase<TContext>(
        this IServiceCollection services, IConfiguration configuration, string module)
        where TContext : ModuleDbContext
    {
        var profile = DatabaseProfile.Resolve(configuration, module);
        services.AddKeyedSingleton(module, profile);
        services.AddDbContextPool<TContext>((sp, options) =>
        {
            profile.Apply(options, typeof(TContext).Assembly.GetName().Name!);
            options.AddInterceptors(sp.GetRequiredService<OutboxSignal<TContext>>());
        });
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>($"db-{module.ToLowerInvariant()}", tags: ["ready"]);
        services.AddSingleton<IModuleDatabase>(sp => new ModuleDatabase<TContext>(sp, profile));
        services.AddHostedService<DatabaseInitializer>();
        services.Messaging().AddRelay<TContext>();
        services.AddSingleton(new ComponentAdapter($"database:{module.ToLowerInvariant()}", profile.Describe()));
        return profile;
    }
}

internal sealed class DatabaseHealthCheck<TContext>(TContext db) : IHealthCheck
    where TContext : ModuleDbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database cannot be reached.");
}

/// <summary>One module's database as the start-up and <c>migrate</c> command see it.</summary>
public interface IModuleDatabase
{
    DatabaseProfile Profile { get; }

    /// <summary>Applies migrations (PostgreSQL) or creates the schema (SQLite), then runs the module's set-up SQL.</summary>
    Task PrepareAsync(CancellationToken cancellationToken);
}

/// <summary>SQL a module needs beyond what EF Core can express (full-text tables, triggers); runs after the schema exists.</summary>
public interface IDatabaseSetup<TContext>
    where TContext : ModuleDbContext
{
    Task RunAsync(TContext db, CancellationToken cancellationToken);
}

internal sealed class ModuleDatabase<TContext>(IServiceProvider services, DatabaseProfile profile) : IModuleDatabase
    where TContext : ModuleDbContext
{
    public DatabaseProfile Profile => profile;

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (profile.Provider == DatabaseProvider.Postgres)
        {
            // A migration that rewrites a large table (every product's popularity at a million SKUs) runs for minutes,
            // far past the 30 s a request's statement may take.
            db.Database.SetCommandTimeout(services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrationCommandTimeout);
            await db.Database.MigrateAsync(cancellationToken);
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }

        foreach (var setup in scope.ServiceProvider.GetServices<IDatabaseSetup<TContext>>())
        {
            await setup.RunAsync(db, cancellationToken);
        }
    }
}

/// <summary>Start-up options for databases.</summary>
public sealed class DatabaseOptions
{
    /// <summary>Apply migrations when the host starts. Turn off when a separate <c>migrate</c> step runs them.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>How long one migration statement may run (<c>Database:MigrationCommandTimeout</c>, 1 hour).</summary>
    public TimeSpan MigrationCommandTimeout { get; set; } = TimeSpan.FromHours(1);
}

internal sealed class DatabaseInitializer(IEnumerable<IModuleDatabase> databases, IOptions<DatabaseOptions> options, ILogger<DatabaseInitializer> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
        {
            return;
        }

        foreach (var database in databases)
        {
            logger.LogInformation("Preparing {Module} database on {Engine}", database.Profile.Module, database.Profile.Describe());
            await database.PrepareAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
