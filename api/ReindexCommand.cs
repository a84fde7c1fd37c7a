using System.Globalization;
using Marketplace.Catalog;
using Marketplace.Catalog.Search.Elasticsearch;
using Spectre.Console;

namespace Marketplace.Api;

/// <summary>
/// <c>reindex</c>: rebuilds the Elasticsearch product index from PostgreSQL and moves the alias onto it, showing a
/// progress bar (or, when output is not a terminal, a line every 5 %). It refuses to move the alias when Elasticsearch
/// rejected any document, unless <c>--force</c> is given.
/// </summary>
internal static class ReindexCommand
{
    private const int ReportEveryPercent = 5;

    private const string Force = "--force";

    /// <summary>Runs the rebuild; <paramref name="args"/> is the command line, <c>reindex</c> first, then optionally <c>--force</c>.</summary>
    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var unknown = args.Skip(1).Where(a => a != Force).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync($"reindex: unknown argument(s) {string.Join(", ", unknown)}; usage: reindex [{Force}]");
            return 2;
        }

        var force = args.Contains(Force, StringComparer.Ordinal);
        ReindexResult result;
        try
        {
            result = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected
                ? await WithProgressBarAsync(app.Services, force)
                : await CatalogModule.ReindexSearchAsync(app.Services, new SynchronousProgress(Lines()), force);
        }
        catch (InvalidOperationException exception)
        {
            await Console.Error.WriteLineAsync($"reindex: {exception.Message}");
            return 1;
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Indexed {result.Written:N0} products into {result.Index} in {result.Elapsed.TotalSeconds:F1} s ({result.Rejected:N0} rejected); " +
            $"replaced {(result.Replaced.Count == 0 ? "nothing (first index)" : string.Join(", ", result.Replaced))}"));
        return result.Rejected == 0 ? 0 : 1;
    }

    private static async Task<ReindexResult> WithProgressBarAsync(IServiceProvider services, bool force)
    {
        ReindexResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                var progress = new SynchronousProgress(p =>
                {
                    task.MaxValue = Math.Max(p.Total, 1);
                    task.Value = p.Written;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{p.Stage,-10} {p.Written,12:N0} / {p.Total:N0} products");
                });
                result = await CatalogModule.ReindexSearchAsync(services, progress, force);
                task.Value = task.MaxValue;
                task.StopTask();
            });
        return result!;
    }

    private static Action<ReindexProgress> Lines()
    {
        var lastPercent = -ReportEveryPercent;
        var lastStage = "";
        return p =>
        {
            var percent = (int)(100L * p.Written / Math.Max(p.Total, 1));
            if (percent - lastPercent < ReportEveryPercent && p.Stage == lastStage)
            {
                return;
            }

            lastPercent = percent;
            lastStage = p.Stage;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[reindex] {p.Stage,-10} {percent,3}% {p.Written:N0}/{p.Total:N0} products"));
        };
    }

    /// <summary>Reports on the caller's thread, so lines come in order.</summary>
    private sealed class SynchronousProgress(Action<ReindexProgress> report) : IProgress<ReindexProgress>
    {
        public void Report(ReindexProgress value) => report(value);
    }
}
