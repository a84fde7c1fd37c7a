using Npgsql;

namespace Marketplace.TestSupport;

/// <summary>A PostgreSQL database of a test class's own on the test server, made and dropped by name.</summary>
public static class TestDatabases
{
    /// <returns>The connection string to the new database.</returns>
    public static async Task<string> CreateAsync(string name)
    {
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = name }.ConnectionString;
    }

    /// <summary>Drops it, closing the connections pools still hold to it.</summary>
    public static async Task DropAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
