using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Marketplace.Platform.Persistence;

/// <summary>The database engines a module can run on.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded profile: one SQLite file per module under the data directory.</summary>
    Sqlite,

    /// <summary>Production profile: PostgreSQL through Npgsql, one schema per module.</summary>
    Postgres,
}

/// <summary>Where one module's tables live, decided by configuration.</summary>
/// <remarks>
/// <c>ConnectionStrings:{Module}</c> wins; otherwise <c>ConnectionStrings:Postgres</c> puts every module on
/// one PostgreSQL database (each in its own schema); with neither, the module gets a SQLite file.
/// </remarks>
public sealed record DatabaseProfile(string Module, DatabaseProvider Provider, string ConnectionString)
{
    public string Schema => Module.ToLowerInvariant();

    public static DatabaseProfile Resolve(IConfiguration configuration, string module)
    {
        var own = configuration.GetConnectionString(module);
        var shared = configuration.GetConnectionString("Postgres");
        var connection = !string.IsNullOrWhiteSpace(own) ? own : shared;
        if (!string.IsNullOrWhiteSpace(connection))
        {
            return new DatabaseProfile(module, LooksLikeSqlite(connection) ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres, connection);
        }

        var directory = configuration["Database:DataDirectory"] ?? "data";
        Directory.CreateDirectory(directory);
        var file = Path.GetFullPath(Path.Combine(directory, $"{module.ToLowerInvariant()}.db"));
        // A private cache per connection, not a shared one: in WAL mode readers then never wait for the writer, while a
        // shared cache locks whole tables between connections and once refused a connection's open with SQLITE_BUSY
        // ("database is locked") during fifty concurrent cart reads, which no busy timeout retries.
        return new DatabaseProfile(module, DatabaseProvider.Sqlite, $"Data Source={file};Pooling=True");
    }

    /// <summary>
    /// DbContext options for <c>dotnet ef migrations add</c>: the PostgreSQL model of a module, built without the host.
    /// Migrations are generated offline, so the connection string only has to name the engine.
    /// </summary>
    public static DbContextOptions<TContext> DesignTimeOptions<TContext>(string module)
        where TContext : DbContext
    {
        var options = new DbContextOptionsBuilder<TContext>();
        new DatabaseProfile(module, DatabaseProvider.Postgres, "Host=127.0.0.1;Database=design_time")
            .Apply(options, typeof(TContext).Assembly.GetName().Name!);
        return options.Options;
    }

    private static bool LooksLikeSqlite(string connection) =>
        connection.TrimStart().StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase);

    public void Apply(DbContextOptionsBuilder options, string migrationsAssembly)
    {
        switch (Provider)
        {
            case DatabaseProvider.Postgres:
                options.UseNpgsql(WithServerDefaults(ConnectionString), npgsql => npgsql
                    .MigrationsAssembly(migrationsAssembly)
                    .MigrationsHistoryTable("__ef_migrations_history", Schema));
                break;
            default:
                options.UseSqlite(ConnectionString, sqlite => sqlite.CommandTimeout(30));
                break;
        }

        options.UseSnakeCaseNamingConvention();
    }

    /// <summary>
    /// Npgsql's automatic preparation, and no reset of a pooled connection, unless the connection string says otherwise:
    /// the statements EF Core sends are a few hundred shapes repeated all day, and a prepared one skips PostgreSQL's parse
    /// and plan (measured on the checkout path, where each checkout sends about 200). <c>Max Auto Prepare=0</c> turns it
    /// off (for a transaction-mode pooler that cannot keep prepared statements).
    /// </summary>
    internal static string WithServerDefaults(string connectionString)
    {
        // Npgsql's builder answers ContainsKey for every keyword it knows; what the string itself names is asked of a plain one.
        var named = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!named.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 256;
        }

        if (!named.Contains("AutoPrepareMinUsages"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        // Returning a connection to the pool otherwise costs seven reset statements the next time it is used (about 30
        // times per checkout). Nothing here leaves session state behind: locks are transaction-scoped, settings SET LOCAL,
        // and the one session setting (search's trigram threshold) is set before every search.
        if (!named.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    public string Describe() => Provider == DatabaseProvider.Postgres ? $"postgresql (schema {Schema})" : "sqlite";
}
