namespace Marketplace.TestSupport;

/// <summary>Where the real servers of the test run are; <c>.ci/run</c> starts them on loopback.</summary>
public static class TestEnvironment
{
    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("MARKETPLACE_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=marketplace;Password=marketplace;Database=postgres";

    /// <summary>
    /// The broker of the test run: <c>MARKETPLACE_TEST_RABBITMQ</c> as given, else the local broker's own virtual host
    /// for tests (<see cref="RabbitTestHost"/>), so that the durable exchanges and queues every test class declares stay
    /// out of the default one and go away with the run.
    /// </summary>
    public static string RabbitMq =>
        Environment.GetEnvironmentVariable("MARKETPLACE_TEST_RABBITMQ") ?? RabbitTestHost.Uri;

    public static string Redis =>
        Environment.GetEnvironmentVariable("MARKETPLACE_TEST_REDIS") ?? "127.0.0.1:6379";
}
