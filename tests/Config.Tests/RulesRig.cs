using Marketplace.Config.Rules;
using Marketplace.Config.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Marketplace.Config.Tests;

/// <summary>
/// The runtime rules machinery without the web host: the same registrations as the module (gate, status, source,
/// watcher), a <see cref="TestRules"/> section, and its <c>IOptionsMonitor</c>.
/// </summary>
internal sealed class RulesRig : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started = [];

    private RulesRig(ServiceProvider services)
    {
        _services = services;
    }

    public IRuleSource Source => _services.GetRequiredService<IRuleSource>();

    public IOptionsMonitor<TestRules> Rules => _services.GetRequiredService<IOptionsMonitor<TestRules>>();

    /// <summary>The rig's own meter factory: its meters are told apart from other tests' by this scope.</summary>
    public object MeterScope => _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    public RulesStatusReport Status => (RulesStatusReport)_services.GetRequiredService<RulesStatus>().Report();

    public static async Task<RulesRig> StartAsync(ConfigOptions options, string lastGoodPath, string runtimeDirectory)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton(Options.Create(options));
        services.AddRuntimeRules(TestDocuments.Section, new TestRulesValidator());
        services.AddRuntimeRulesCore(options, lastGoodPath, runtimeDirectory);
        var rig = new RulesRig(services.BuildServiceProvider());
        foreach (var hosted in rig._services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            rig._started.Add(hosted);
        }

        return rig;
    }

    /// <summary>Waits until the rules in force satisfy <paramref name="condition"/>, failing after <paramref name="within"/>.</summary>
    public async Task<TimeSpan> EventuallyAsync(Func<TestRules, bool> condition, TimeSpan within)
    {
        var started = DateTime.UtcNow;
        while (!condition(Rules.CurrentValue))
        {
            if (DateTime.UtcNow - started > within)
            {
                throw new Xunit.Sdk.XunitException($"The rules did not change as expected within {within}; in force: percent {Rules.CurrentValue.Percent}, label '{Rules.CurrentValue.Label}'. Status: {Status}");
            }

            await Task.Delay(20);
        }

        return DateTime.UtcNow - started;
    }

    /// <summary>Waits until the status satisfies <paramref name="condition"/> (a rejection reported, the source down), failing after <paramref name="within"/>.</summary>
    public async Task<RulesStatusReport> UntilAsync(Func<RulesStatusReport, bool> condition, TimeSpan within, string what)
    {
        var status = await Marketplace.TestSupport.Eventually.ReadAsync(() => Task.FromResult(Status), condition, within);
        if (!condition(status))
        {
            throw new Xunit.Sdk.XunitException($"Not seen within {within}: {what}. Status: {status}");
        }

        return status;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _started)
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }
}

/// <summary>A temporary directory for rule files and the last good copy, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("config-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
