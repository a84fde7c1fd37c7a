using Xunit;

namespace Marketplace.TestSupport;

/// <summary>
/// A test against a real outside server (Consul, Elasticsearch, Stripe) that this machine cannot run.
/// It runs when the named environment variable holds the server's address, and is reported as skipped,
/// with that reason, otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresServerFactAttribute : FactAttribute
{
    public RequiresServerFactAttribute(string environmentVariable)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(environmentVariable)))
        {
            Skip = $"{environmentVariable} is not set: no real server to test against here (see README, 'Outside servers').";
        }
    }
}
