using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Marketplace.Platform.Telemetry;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Platform.Tests.Telemetry;

/// <summary>
/// ops/metrics.md is the contract the alert rules and dashboards are checked against (scripts/ops-rules-check.py); this
/// test keeps the contract true of the API. Every instrument of the marketplace's own meters, under the name Prometheus
/// sees, is listed there, and every name listed under the marketplace's meters is an instrument of a running host.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed partial class MetricsContractTests(MarketplaceFactory factory) : IClassFixture<MarketplaceFactory>
{
    [Fact]
    public void Every_marketplace_instrument_is_in_the_contract_and_every_contracted_name_is_an_instrument()
    {
        var exported = InstrumentsOf(factory.Services);
        var contracted = ContractedNames();

        Assert.Empty(exported.Except(contracted).Order());
        Assert.Empty(contracted.Except(exported).Order());
    }

    /// <summary>
    /// The Prometheus names of the instruments of every <c>Marketplace.*</c> meter the host made: those of the module's
    /// metrics singletons (each made on first use, so each is resolved here) and of the platform's static meter.
    /// </summary>
    private static HashSet<string> InstrumentsOf(IServiceProvider services)
    {
        var meters = services.GetRequiredService<IMeterFactory>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name.StartsWith("Marketplace.", StringComparison.Ordinal)
                    && (instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, meters)))
                {
                    lock (names)
                    {
                        names.Add(PrometheusName(instrument));
                    }
                }
            },
        };

        RuntimeHelpers.RunClassConstructor(typeof(PlatformMetrics).TypeHandle);
        foreach (var type in AppDomain.CurrentDomain.GetAssemblies()
                     .Where(a => a.GetName().Name?.StartsWith("Marketplace.", StringComparison.Ordinal) == true && !a.GetName().Name!.EndsWith(".Tests", StringComparison.Ordinal))
                     .SelectMany(a => a.GetTypes())
                     .Where(t => t.Name.EndsWith("Metrics", StringComparison.Ordinal) && t.GetConstructor([typeof(IMeterFactory)]) is not null))
        {
            Assert.True(services.GetService(type) is not null, $"{type.FullName} makes instruments but is not registered.");
        }

        listener.Start();
        return names;
    }

    /// <summary>As OpenTelemetry's Prometheus exporter names it: dots to underscores, the unit, and _total on counters.</summary>
    private static string PrometheusName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        if (instrument.Unit == "s")
        {
            name += "_seconds";
        }

        var counter = instrument.GetType().IsGenericType
            && instrument.GetType().GetGenericTypeDefinition() is var definition
            && (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>));
        return counter ? name + "_total" : name;
    }

    /// <summary>The names in ops/metrics.md's tables, but for the sections of other meters (ASP.NET Core's, the exporters').</summary>
    private static HashSet<string> ContractedNames()
    {
        var contract = File.ReadAllText(Path.Combine(SourceTree.Root, "ops", "metrics.md"));
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? section = null;
        foreach (var line in contract.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line;
            }
            else if (section is not null && !section.Contains("HTTP", StringComparison.Ordinal) && !section.Contains("Exporters", StringComparison.Ordinal)
                     && TableName().Match(line) is { Success: true } row)
            {
                names.Add(row.Groups[1].Value);
            }
        }

        Assert.NotEmpty(names);
        return names;
    }

    [GeneratedRegex(@"^\| `([a-z_]+)` \|")]
    private static partial Regex TableName();
}
