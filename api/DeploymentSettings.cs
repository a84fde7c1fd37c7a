using Marketplace.Platform.Hosting;
using Marketplace.Platform.Paging;

namespace Marketplace.Api;

/// <summary>
/// What a deployment must configure before it serves anyone. Outside Development, the test host and a demo run, a
/// host that would otherwise sign tokens with a key it made up, or start with no admin but the demo one, refuses
/// to start, on any database, and says which settings are missing.
/// </summary>
internal static class DeploymentSettings
{
    public const string SigningKeyPem = "Identity:Jwt:SigningKeyPem";
    public const string SigningKeyPath = "Identity:Jwt:SigningKeyPath";
    public const string AdminEmail = "Identity:BootstrapAdmin:Email";
    public const string AdminPassword = "Identity:BootstrapAdmin:Password";
    public const string PaymentProvider = "Payments:Provider";

    /// <summary>
    /// The short flags, as the settings they stand for: <c>--demo</c> and <c>--role worker</c> (or <c>--role=worker</c>).
    /// The command line is read after every other source, so a flag wins over the environment.
    /// </summary>
    public static string[] WithShortFlags(string[] args) =>
        [.. args.Select(arg => arg switch
        {
            _ when arg == DemoMode.Flag => $"--{DemoMode.Setting}=true",
            "--role" => $"--{HostRoles.Key}",
            _ when arg.StartsWith("--role=", StringComparison.Ordinal) => $"--{HostRoles.Key}={arg["--role=".Length..]}",
            _ => arg,
        })];

    /// <exception cref="InvalidOperationException">A required setting is missing; the message names each one.</exception>
    public static void Require(WebApplicationBuilder builder, string[] args)
    {
        if (DemoMode.MayGenerateSecrets(builder.Configuration, builder.Environment))
        {
            return;
        }

        var configuration = builder.Configuration;
        var missing = new List<(string Setting, string Description)>();
        if (IsBlank(configuration[SigningKeyPem]) && IsBlank(configuration[SigningKeyPath]))
        {
            missing.Add((SigningKeyPath, $"{SigningKeyPem} or {SigningKeyPath} (the RSA private key access tokens are signed with, the same on every replica)"));
        }

        if (IsBlank(configuration[CursorSigning.KeySetting]))
        {
            missing.Add((CursorSigning.KeySetting, $"{CursorSigning.KeySetting} (base64 of at least 32 random bytes that sign page cursors, the same on every replica)"));
        }

        // One-shot commands (migrate, seed, reindex) serve nobody, so they run without the admin's credentials.
        if (!HostCommands.IsCommand(args))
        {
            if (IsBlank(configuration[AdminEmail]))
            {
                missing.Add((AdminEmail, $"{AdminEmail} (the account that can grant staff roles)"));
            }

            if (string.IsNullOrEmpty(configuration[AdminPassword]))
            {
                missing.Add((AdminPassword, $"{AdminPassword} (that account's password)"));
            }

            // Chosen on purpose, so that no shop takes orders on the sandbox because nobody configured a provider.
            if (IsBlank(configuration[PaymentProvider]))
            {
                missing.Add((PaymentProvider, $"{PaymentProvider} (the payment provider: sandbox or stripe)"));
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The {builder.Environment.EnvironmentName} environment refuses to start without: {string.Join("; ", missing.Select(m => m.Description))}. " +
                $"Environment variables use __ for : (e.g. {missing[0].Setting.Replace(":", "__", StringComparison.Ordinal)}). " +
                $"Demo data and a generated key exist only in Development or with {DemoMode.Flag}.");
        }
    }

    private static bool IsBlank(string? value) => string.IsNullOrWhiteSpace(value);
}
