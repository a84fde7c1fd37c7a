using Xunit;

namespace Marketplace.TestSupport;

/// <summary>
/// A test against a real outside server (Consul, Elasticsearch, Stripe) that this machine cannot run.
/// It runs when the named environment variables are set (the server's address, and whatever else the test needs
/// of it, such as an admin token), and is reported as skipped, with the reason, otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresServerFactAttribute : FactAttribute
{
    public RequiresServerFactAttribute(params string[] environmentVariables)
    {
        var missing = environmentVariables.Where(v => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v))).ToList();
        if (missing.Count > 0)
        {
            Skip = $"{string.Join(" and ", missing)} not set: no real server to test against here (see README, 'Outside servers').";
        }
    }
}
