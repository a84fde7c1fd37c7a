using Marketplace.Platform.Persistence;

namespace Marketplace.Api;

/// <summary>One-shot commands of the host: <c>migrate</c>, and <c>seed</c> and <c>reindex</c> (added by the Catalog).</summary>
internal static class HostCommands
{
    private static readonly string[] Commands = ["migrate", "seed", "reindex"];

    /// <summary>Whether this run is a one-shot command rather than a host that serves requests.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0], StringComparer.Ordinal);

    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0)
        {
            return false;
        }

        switch (args[0])
        {
            case "migrate":
                foreach (var database in app.Services.GetServices<IModuleDatabase>())
                {
                    app.Logger.LogInformation("Migrating {Module} on {Engine}", database.Profile.Module, database.Profile.Describe());
                    await database.PrepareAsync(CancellationToken.None);
                }

                return true;
            case "seed":
                Environment.ExitCode = await SeedCommand.RunAsync(app, args);
                return true;
            case "reindex":
                Environment.ExitCode = await ReindexCommand.RunAsync(app, args);
                return true;
            default:
                return false;
        }
    }
}
