using Marketplace.Platform.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Platform.Paging;

/// <summary>Installs the configured cursor key (<c>Paging:CursorKey</c>) for the process.</summary>
public static class CursorSigning
{
    public const string KeySetting = "Paging:CursorKey";

    public static IServiceCollection AddCursorSigning(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        if (LoadKey(configuration, environment) is { } key)
        {
            Cursor.UseKey(key);
        }

        return services;
    }

    /// <summary>
    /// The configured key: base64 of at least <see cref="CursorSigner.MinimumKeyBytes"/> bytes. Without one,
    /// development, tests and demo runs keep the process's random key (null); anywhere else start-up fails, because replicas
    /// with keys of their own would refuse each other's cursors whenever a load balancer moves a shopper.
    /// </summary>
    public static byte[]? LoadKey(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[KeySetting];
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (DemoMode.MayGenerateSecrets(configuration, environment))
            {
                return null;
            }

            throw new InvalidOperationException(
                $"No cursor key is configured for the {environment.EnvironmentName} environment. Set {KeySetting} to base64 of at least " +
                $"{CursorSigner.MinimumKeyBytes} random bytes (for example the output of `openssl rand -base64 32`); every replica needs the same key.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(configured.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{KeySetting} is not base64: set it to base64 of at least {CursorSigner.MinimumKeyBytes} random bytes.");
        }

        if (key.Length < CursorSigner.MinimumKeyBytes)
        {
            throw new InvalidOperationException($"{KeySetting} holds {key.Length} bytes; a cursor key needs at least {CursorSigner.MinimumKeyBytes}.");
        }

        return key;
    }
}
