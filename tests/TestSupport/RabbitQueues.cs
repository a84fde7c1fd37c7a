using System.Diagnostics;

namespace Marketplace.TestSupport;

/// <summary>The local RabbitMQ's queues, as its own tool reports them.</summary>
public static class RabbitQueues
{
    /// <summary>
    /// Whether the queue of a test's consumer (found by the test's entity prefix, kebab-cased as MassTransit names
    /// queues, and a part of the consumer's endpoint name) holds no message: none waiting, none handed to a consumer and
    /// not yet acknowledged. With the outbox fully published, that means every copy sent has been consumed.
    /// </summary>
    public static async Task<bool> DrainedAsync(string entityPrefix, string endpoint)
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/sbin/rabbitmqctl", $"-q list_queues {RabbitTestHost.ToolScope} --no-table-headers name messages_ready messages_unacknowledged")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var prefix = entityPrefix.Replace('_', '-');
        var queues = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(q => q.Length == 3 && q[0].StartsWith(prefix, StringComparison.Ordinal) && q[0].Contains(endpoint, StringComparison.Ordinal)
                && !q[0].EndsWith("_error", StringComparison.Ordinal) && !q[0].EndsWith("_skipped", StringComparison.Ordinal))
            .ToList();
        await error;
        return process.ExitCode == 0 && queues.Count > 0 && queues.All(q => q[1] == "0" && q[2] == "0");
    }
}
