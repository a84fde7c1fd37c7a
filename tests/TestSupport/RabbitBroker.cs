using System.Diagnostics;
using Xunit;

namespace Marketplace.TestSupport;

/// <summary>
/// Stops and starts the local RabbitMQ application through its own tool (<c>rabbitmqctl stop_app</c> / <c>start_app</c>),
/// so a test can take the broker away from a running host for real. Only root may drive the tool.
/// </summary>
public static class RabbitBroker
{
    private const string Tool = "/usr/sbin/rabbitmqctl";

    /// <summary>Why the broker cannot be stopped here, or null when it can.</summary>
    public static string? WhyNotControllable() =>
        !File.Exists(Tool) ? $"{Tool} is absent: the broker cannot be stopped and started here."
        : !string.Equals(Environment.UserName, "root", StringComparison.Ordinal) ? "Not root: rabbitmqctl may not stop and start the broker."
        : null;

    public static Task StopAsync() => RunAsync("stop_app", TimeSpan.FromSeconds(60));

    /// <summary>Starts the application and waits, up to <paramref name="within"/>, until it answers as started.</summary>
    public static async Task StartAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        await RunAsync("start_app", within);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var (exit, _) = await TryRunAsync($"-q await_startup --timeout {Math.Max(1, (int)left.TotalSeconds)}", left + TimeSpan.FromSeconds(5));
            if (exit == 0)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException($"RabbitMQ did not start within {within}.");
            }

            await Task.Delay(500);
        }
    }

    private static async Task RunAsync(string arguments, TimeSpan within)
    {
        var (exit, output) = await TryRunAsync($"-q {arguments}", within);
        if (exit != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {arguments} exited {exit}: {output}");
        }
    }

    private static async Task<(int Exit, string Output)> TryRunAsync(string arguments, TimeSpan within)
    {
        using var process = Process.Start(new ProcessStartInfo(Tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {within}");
        }

        return (process.ExitCode, (await output) + (await error));
    }
}

/// <summary>A test that stops the local broker; skipped, with the reason, where the broker cannot be controlled.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresBrokerControlFactAttribute : FactAttribute
{
    public RequiresBrokerControlFactAttribute()
    {
        if (RabbitBroker.WhyNotControllable() is { } reason)
        {
            Skip = reason;
        }
    }
}
