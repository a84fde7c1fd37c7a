using System.Diagnostics;

namespace Marketplace.TestSupport;

/// <summary>
/// The local broker's virtual host for tests. Every test class declares its own durable exchanges and queues (under its
/// entity prefix); left in the default virtual host they pile up run after run, until the broker spends many minutes
/// loading them at start. <c>scripts/test.sh</c> deletes this virtual host before and after a run, which drops all of
/// them at once; the first test process that needs it creates it again (both steps are idempotent).
/// </summary>
public static class RabbitTestHost
{
    public const string Name = "marketplace-tests";

    private const string Tool = "/usr/sbin/rabbitmqctl";
    private static readonly Lazy<string> Created = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The AMQP address of the virtual host, created on first use.</summary>
    public static string Uri => Created.Value;

    /// <summary>Arguments that point a <c>rabbitmqctl</c> listing at the virtual host the tests use.</summary>
    public static string ToolScope
    {
        get
        {
            var path = System.Uri.UnescapeDataString(new System.Uri(TestEnvironment.RabbitMq).AbsolutePath.TrimStart('/'));
            return $"-p \"{(path.Length == 0 ? "/" : path)}\"";
        }
    }

    private static string Create()
    {
        if (RabbitBroker.WhyNotControllable() is { } reason)
        {
            throw new InvalidOperationException(
                $"The tests' virtual host '{Name}' cannot be created: {reason} Run the tests as root after scripts/services.sh, " +
                "or point MARKETPLACE_TEST_RABBITMQ at a broker and virtual host of your own.");
        }

        Run($"-q add_vhost {Name}");
        Run($"-q set_permissions -p {Name} guest .* .* .*");
        return $"amqp://guest:guest@127.0.0.1:5672/{Name}";
    }

    private static void Run(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(Tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"rabbitmqctl {arguments} did not finish within 2 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {arguments} exited {process.ExitCode}: {output.Result}{error.Result}");
        }
    }
}
