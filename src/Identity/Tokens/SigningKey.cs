using System.Security.Cryptography;
using Marketplace.Platform.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Identity.Tokens;

/// <summary>The RSA key access tokens are signed (RS256) and checked with.</summary>
internal sealed class SigningKey
{
    private const string DevelopmentKeyFile = "identity-signing-key.pem";

    private SigningKey(RsaSecurityKey key, string source)
    {
        Key = key;
        Source = source;
        Credentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
    }

    public RsaSecurityKey Key { get; }

    public SigningCredentials Credentials { get; }

    /// <summary>Where the key came from, as the system endpoint reports it; never the key or its path.</summary>
    public string Source { get; }

    /// <summary>
    /// Loads the configured key. Without one, Development, tests and a demo run (<see cref="DemoMode"/>) get a key
    /// generated once and kept in the data directory, so tokens stay valid across restarts. Anywhere else start-up
    /// fails, whatever the database: replicas with keys of their own would reject each other's tokens, and a key
    /// nobody configured is a key nobody rotates.
    /// </summary>
    public static SigningKey Load(JwtOptions options, IConfiguration configuration, IWebHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKeyPem))
        {
            return FromPem(options.SigningKeyPem, "configuration Identity:Jwt:SigningKeyPem");
        }

        if (!string.IsNullOrWhiteSpace(options.SigningKeyPath))
        {
            return FromPem(File.ReadAllText(options.SigningKeyPath), "file named by Identity:Jwt:SigningKeyPath");
        }

        if (!DemoMode.MayGenerateSecrets(configuration, environment))
        {
            throw new InvalidOperationException(
                $"No JWT signing key is configured for the {environment.EnvironmentName} environment. Set Identity:Jwt:SigningKeyPem " +
                "(an RSA private key in PEM) or Identity:Jwt:SigningKeyPath (a file holding it); every replica needs the same key.");
        }

        var directory = Path.GetFullPath(configuration["Database:DataDirectory"] ?? "data");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, DevelopmentKeyFile);
        if (!File.Exists(path))
        {
            using var rsa = RSA.Create(2048);
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temporary, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException)
            {
                // Another process created the key first; use theirs so both accept the same tokens.
                File.Delete(temporary);
            }
        }

        return FromPem(File.ReadAllText(path), "generated development key in the data directory");
    }

    private static SigningKey FromPem(string pem, string source)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        var thumbprint = SHA256.HashData(rsa.ExportSubjectPublicKeyInfo());
        var key = new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(thumbprint[..12]) };
        return new SigningKey(key, source);
    }
}
