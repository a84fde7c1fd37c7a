namespace Marketplace.TestSupport;

/// <summary>Where the real servers of the test run are; <c>.ci/run</c> starts them on loopback.</summary>
public static class TestEnvironment
{
    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("MARKETPLACE_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=marketplace;Password=marketplace;Database=postgres";

    public static string RabbitMq =>
        Environment.GetEnvironmentVariable("MARKETPLACE_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/";

    public static string Redis =>
        Environment.GetEnvironmentVariable("MARKETPLACE_TEST_REDIS") ?? "127.0.0.1:6379";
}
