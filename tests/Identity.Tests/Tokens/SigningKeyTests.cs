using Marketplace.Identity.Tokens;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Xunit;

namespace Marketplace.Identity.Tests.Tokens;

public sealed class SigningKeyTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"mkt_keys_{Guid.NewGuid():N}");

    [Fact]
    public void Production_without_a_configured_key_refuses_to_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SigningKey.Load(new JwtOptions(), Configuration(), new Environment("Production")));

        Assert.Contains("Identity:Jwt:SigningKeyPem", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dataDirectory));
    }

    [Fact]
    public void A_generated_development_key_survives_a_restart()
    {
        var first = SigningKey.Load(new JwtOptions(), Configuration(), new Environment("Development"));
        var second = SigningKey.Load(new JwtOptions(), Configuration(), new Environment("Development"));

        Assert.Equal(first.Key.KeyId, second.Key.KeyId);
        var file = Assert.Single(Directory.GetFiles(_dataDirectory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void Production_on_the_embedded_sqlite_profile_refuses_a_generated_key_too()
    {
        // The database used to decide: an image run with no connection string (SQLite) signed with a key of its own.
        var error = Assert.Throws<InvalidOperationException>(() => SigningKey.Load(new JwtOptions(), Configuration(), new Environment("Production")));

        Assert.Contains("Identity:Jwt:SigningKeyPath", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dataDirectory));
    }

    [Fact]
    public void A_demo_run_generates_a_key_in_any_environment()
    {
        var key = SigningKey.Load(new JwtOptions(), Configuration(demo: true), new Environment("Production"));

        Assert.StartsWith("generated development key", key.Source, StringComparison.Ordinal);
    }

    private IConfiguration Configuration(bool demo = false) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:DataDirectory"] = _dataDirectory,
            ["Demo:Enabled"] = demo ? "true" : null,
        }).Build();

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private sealed class Environment(string name) : IWebHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Marketplace.Api";

        public string WebRootPath { get; set; } = "";

        public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();

        public string ContentRootPath { get; set; } = "";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
