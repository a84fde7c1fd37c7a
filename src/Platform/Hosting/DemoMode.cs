using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Platform.Hosting;

/// <summary>
/// The one switch for demo data: accounts with a published password, a generated catalog, and a signing key the host
/// makes for itself. On in Development (<c>appsettings.Development.json</c>) or with the host's <c>--demo</c> flag,
/// off everywhere else, so that no deployment starts with credentials anyone can read in the README.
/// </summary>
public static class DemoMode
{
    /// <summary>The configuration key of the switch.</summary>
    public const string Setting = "Demo:Enabled";

    /// <summary>The command-line flag that turns the switch on for one run.</summary>
    public const string Flag = "--demo";

    /// <summary>Whether demo data may be created in this run.</summary>
    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>(Setting);

    /// <summary>
    /// Whether the host may stand in for what a deployment must configure (a signing key it generates itself, no
    /// bootstrap admin): in Development, in the test host (environment <c>Testing</c>) and in a demo run.
    /// </summary>
    public static bool MayGenerateSecrets(IConfiguration configuration, IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment("Testing") || IsEnabled(configuration);
}
