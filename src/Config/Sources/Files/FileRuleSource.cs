using System.Security.Cryptography;
using System.Text;
using Marketplace.Config.Rules;
using Marketplace.Config.Sections;
using Microsoft.Extensions.Logging;

namespace Marketplace.Config.Sources.Files;

/// <summary>
/// Rules in JSON files, <c>{directory}/{section}.json</c>, for the embedded profile; a section's version is a hash of
/// its file. Changes are seen through a file system watcher, debounced so that a file written in parts is read once
/// whole, and through a periodic rescan in case a notification was lost. Writes go to a temporary file that is then
/// renamed over the old one, so a reader never sees half a document.
/// </summary>
internal sealed class FileRuleSource(
    string directory,
    ConfigOptions options,
    RuleSectionRegistry registry,
    RuleSetGate gate,
    RulesStatus status,
    RulesMetrics metrics,
    ILogger<FileRuleSource> logger) : IRuleSource, IDisposable
{
    private readonly SemaphoreSlim _changed = new(0);
    private readonly SemaphoreSlim _io = new(1, 1);
    private FileSystemWatcher? _watcher;
    private CandidateRuleSet? _lastOffered;

    public string Description => $"files {directory}";

    public async Task<CandidateRuleSet> ReadAllAsync(CancellationToken cancellationToken)
    {
        await _io.WaitAsync(cancellationToken);
        try
        {
            return ReadAll();
        }
        finally
        {
            _io.Release();
        }
    }

    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        // The watch may begin a while after the start-up read (it runs in the background); a change made in between
        // raised no event, so read once now that the watcher is armed.
        StartWatcher();
        await RefreshAsync(settle: true, cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            await _changed.WaitAsync(options.FileRescanInterval, cancellationToken);

            // Wait for the writes to go quiet: an editor or a copy may deliver a file in several parts.
            while (await _changed.WaitAsync(options.FileDebounce, cancellationToken))
            {
            }

            if (_watcher is null)
            {
                StartWatcher();
            }

            await RefreshAsync(settle: true, cancellationToken);
        }
    }

    public async Task<SourceDocument> ReadSectionAsync(string section, CancellationToken cancellationToken)
    {
        await _io.WaitAsync(cancellationToken);
        try
        {
            return Read(section);
        }
        finally
        {
            _io.Release();
        }
    }

    public async Task<WriteOutcome> WriteAsync(string section, string text, string expectedVersion, CancellationToken cancellationToken)
    {
        await _io.WaitAsync(cancellationToken);
        try
        {
            var current = Read(section);
            if (current.Version != expectedVersion)
            {
                return new WriteOutcome(false, current.Version, null);
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            Directory.CreateDirectory(directory);
            var temporary = Path.Combine(directory, $".{section}.{Guid.NewGuid():N}.tmp");
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
            File.Move(temporary, PathOf(section), overwrite: true);
            return new WriteOutcome(true, Hash(bytes), current.Text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuleSourceUnavailableException($"The rule file of '{section}' cannot be written: {e.Message}", e);
        }
        finally
        {
            _io.Release();
        }
    }

    // A file watcher can lag or drop events; read now, so the change is in force before the API answers.
    // The write replaced the file whole, so there is nothing to let settle.
    public Task AfterWriteAsync(CancellationToken cancellationToken) => RefreshAsync(settle: false, cancellationToken);

    public void Dispose()
    {
        _watcher?.Dispose();
        _changed.Dispose();
        _io.Dispose();
    }

    private async Task RefreshAsync(bool settle, CancellationToken cancellationToken)
    {
        await _io.WaitAsync(cancellationToken);
        try
        {
            var candidate = ReadAll();

            // A file still being written reads differently a moment later: offer a change only once two reads agree.
            for (var attempt = 0; settle && attempt < options.FileSettleAttempts && !SameVersions(candidate, _lastOffered); attempt++)
            {
                await Task.Delay(options.FileDebounce, cancellationToken);
                var again = ReadAll();
                if (SameVersions(candidate, again))
                {
                    break;
                }

                candidate = again;
            }

            status.SourceAnswered();
            gate.Offer(candidate);
            _lastOffered = candidate;
        }
        catch (RuleSourceUnavailableException e)
        {
            metrics.SourceError();
            status.SourceFailed(e.Message);
            logger.LogWarning("Reading the rule files failed; the rules in force stay: {Error}", e.Message);
        }
        finally
        {
            _io.Release();
        }
    }

    private static bool SameVersions(CandidateRuleSet candidate, CandidateRuleSet? other) =>
        other is not null && candidate.Documents.Count == other.Documents.Count
        && candidate.Documents.All(d => other.For(d.Key).Version == d.Value.Version);

    private CandidateRuleSet ReadAll() =>
        new(Description, registry.Sections.ToDictionary(s => s.Name, s => Read(s.Name)));

    private SourceDocument Read(string section)
    {
        var path = PathOf(section);
        try
        {
            if (!File.Exists(path))
            {
                return SourceDocument.Missing;
            }

            var bytes = File.ReadAllBytes(path);
            return new SourceDocument(Hash(bytes), Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF'));
        }
        catch (FileNotFoundException)
        {
            return SourceDocument.Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuleSourceUnavailableException($"The rule file {path} cannot be read: {e.Message}", e);
        }
    }

    private string PathOf(string section) => Path.Combine(directory, $"{section}.json");

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];

    private void StartWatcher()
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        var watcher = new FileSystemWatcher(directory, "*.json")
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => Signal();
        watcher.Created += (_, _) => Signal();
        watcher.Deleted += (_, _) => Signal();
        watcher.Renamed += (_, _) => Signal();

        // A buffer overflow loses events; read everything again.
        watcher.Error += (_, _) => Signal();
        watcher.EnableRaisingEvents = true;
        _watcher = watcher;
    }

    private void Signal()
    {
        if (_changed.CurrentCount == 0)
        {
            _changed.Release();
        }
    }
}
