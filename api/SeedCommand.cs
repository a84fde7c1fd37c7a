using System.Diagnostics;
using System.Globalization;
using Marketplace.Catalog;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Seeding;
using Marketplace.Platform.Persistence;
using Spectre.Console;

namespace Marketplace.Api;

/// <summary>
/// <c>seed --skus N [--sellers N] [--seed 42]</c>: prepares the databases, then bulk-loads a demo marketplace into the
/// Catalog, showing a progress bar with rows per second (or, when output is not a terminal, a line every 5 %).
/// </summary>
internal static class SeedCommand
{
    private const int ReportEveryPercent = 5;

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (!TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync($"seed: {error}\nusage: seed --skus N [--sellers N] [--seed N]");
            return 2;
        }

        foreach (var database in app.Services.GetServices<IModuleDatabase>())
        {
            app.Logger.LogInformation("Preparing {Module} database on {Engine}", database.Profile.Module, database.Profile.Describe());
            await database.PrepareAsync(CancellationToken.None);
        }

        app.Logger.LogInformation("Seeding {Skus} SKUs from {Sellers} sellers with seed {Seed}", options.Skus, options.SellerCount, options.Seed);
        SeedResult result;
        try
        {
            result = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected
                ? await WithProgressBarAsync(app.Services, options)
                : await WithProgressLinesAsync(app.Services, options);
        }
        catch (CatalogNotEmptyException exception)
        {
            await Console.Error.WriteLineAsync($"seed: {exception.Message}");
            return 1;
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Seeded {result.Products:N0} products, {result.Skus:N0} SKUs, {result.Offers:N0} offers, {result.Reviews:N0} reviews, {result.Links:N0} links, " +
            $"{result.Sellers:N0} sellers, {result.Brands:N0} brands, {result.Categories:N0} categories: {result.Rows:N0} rows in {result.Elapsed.TotalSeconds:F1} s " +
            $"(load {result.LoadTime.TotalSeconds:F1} s at {result.Rows / Math.Max(result.LoadTime.TotalSeconds, 0.001):N0} rows/s, indexes and analyse {result.IndexTime.TotalSeconds:F1} s)"));
        return 0;
    }

    private static async Task<SeedResult> WithProgressBarAsync(IServiceProvider services, SeedOptions options)
    {
        SeedResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("loading", maxValue: options.Skus);
                var clock = Stopwatch.StartNew();
                var progress = new SynchronousProgress(p =>
                {
                    task.Value = p.SkusWritten;
                    var rate = p.RowsWritten / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{p.Stage,-9} {p.RowsWritten,12:N0} rows {rate,10:N0} rows/s");
                });
                result = await CatalogModule.SeedAsync(services, options, progress);
                task.Value = task.MaxValue;
                task.StopTask();
            });
        return result!;
    }

    private static Task<SeedResult> WithProgressLinesAsync(IServiceProvider services, SeedOptions options)
    {
        var clock = Stopwatch.StartNew();
        var lastPercent = -ReportEveryPercent;
        var lastStage = "";
        var progress = new SynchronousProgress(p =>
        {
            var percent = (int)(100 * p.SkusWritten / Math.Max(p.SkusTotal, 1));
            if (percent - lastPercent < ReportEveryPercent && p.Stage == lastStage)
            {
                return;
            }

            lastPercent = percent;
            lastStage = p.Stage;
            var rate = p.RowsWritten / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"[seed] {clock.Elapsed:mm\\:ss} {p.Stage,-9} {percent,3}% {p.SkusWritten:N0}/{p.SkusTotal:N0} SKUs {p.RowsWritten:N0} rows {rate:N0} rows/s"));
        });
        return CatalogModule.SeedAsync(services, options, progress);
    }

    private static bool TryParse(string[] args, out SeedOptions options, out string error)
    {
        options = new SeedOptions();
        error = "";
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                error = $"{name} needs a whole number";
                return false;
            }

            i++;
            switch (name)
            {
                case "--skus" when value is >= 1 and <= SeedOptions.MaxSkus:
                    options = options with { Skus = value };
                    break;
                case "--skus":
                    error = $"--skus must be between 1 and {SeedOptions.MaxSkus}";
                    return false;
                case "--sellers" when value >= 1:
                    options = options with { Sellers = value };
                    break;
                case "--sellers":
                    error = "--sellers must be at least 1";
                    return false;
                case "--seed":
                    options = options with { Seed = value };
                    break;
                default:
                    error = $"unknown option {name}";
                    return false;
            }
        }

        return true;
    }

    /// <summary>Reports on the caller's thread: <see cref="Progress{T}"/> would post to the thread pool and reorder lines.</summary>
    private sealed class SynchronousProgress(Action<SeedProgress> report) : IProgress<SeedProgress>
    {
        private readonly Lock _gate = new();

        public void Report(SeedProgress value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
