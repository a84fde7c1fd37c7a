using Marketplace.Config.Sources;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Config.Tests.Sources.Files;

/// <summary>Rules from JSON files (the embedded profile) through the configuration provider to IOptionsMonitor.</summary>
public sealed class FileRuntimeRulesTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string RulesDirectory => Path.Combine(_directory.Path, "runtime");

    private string RuleFile => Path.Combine(RulesDirectory, "test.json");

    public FileRuntimeRulesTests() => Directory.CreateDirectory(RulesDirectory);

    public void Dispose() => _directory.Dispose();

    private Task<RulesRig> StartRigAsync() => RulesRig.StartAsync(
        new ConfigOptions { FileDebounce = TimeSpan.FromMilliseconds(100), FileRescanInterval = TimeSpan.FromSeconds(2) },
        _directory.File("last-good.json"),
        RulesDirectory);

    [Fact]
    public async Task A_changed_rule_file_is_reloaded_without_a_restart()
    {
        await File.WriteAllTextAsync(RuleFile, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);

        await File.WriteAllTextAsync(RuleFile, TestDocuments.Rules(20, "edited"));

        await rig.EventuallyAsync(r => r.Percent == 20, Deadlines.Generous);
        Assert.Equal("edited", rig.Rules.CurrentValue.Label);
    }

    [Fact]
    public async Task A_file_written_in_parts_takes_effect_once_whole_and_never_half()
    {
        await File.WriteAllTextAsync(RuleFile, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();
        var seen = new List<decimal>();
        using var subscription = rig.Rules.OnChange(r => seen.Add(r.Percent));

        var text = TestDocuments.Rules(33, "slow writer");
        await using (var stream = new FileStream(RuleFile, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
        {
            foreach (var part in text.Chunk(text.Length / 3 + 1))
            {
                await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(part));
                await stream.FlushAsync();
                await Task.Delay(30);
            }
        }

        await rig.EventuallyAsync(r => r.Percent == 33, Deadlines.Generous);
        Assert.All(seen, percent => Assert.Contains(percent, new[] { 10m, 33m }));
    }

    [Fact]
    public async Task An_invalid_file_is_rejected_and_the_last_good_rules_stay()
    {
        await File.WriteAllTextAsync(RuleFile, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();

        await File.WriteAllTextAsync(RuleFile, TestDocuments.Rules(10, rounding: "sideways"));
        await rig.UntilAsync(s => s.LastRejection?.Sections.Single().Errors.ContainsKey("rounding") == true, Deadlines.Generous, "the invalid file rejected");

        Assert.Equal(Rounding.Nearest, rig.Rules.CurrentValue.Rounding);
        Assert.Equal("test", rig.Status.LastRejection!.Sections.Single().Section);
    }

    [Fact]
    public async Task A_write_through_the_source_checks_the_version_and_replaces_the_file_whole()
    {
        await File.WriteAllTextAsync(RuleFile, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();
        var source = rig.Source;
        var read = await source.ReadSectionAsync("test", CancellationToken.None);

        var stale = await source.WriteAsync("test", TestDocuments.Rules(50), "0123456789abcdef", CancellationToken.None);
        var written = await source.WriteAsync("test", TestDocuments.Rules(60), read.Version, CancellationToken.None);
        await source.AfterWriteAsync(CancellationToken.None);

        Assert.False(stale.Written);
        Assert.Equal(read.Version, stale.Version);
        Assert.True(written.Written);
        Assert.Equal(TestDocuments.Rules(10), written.PreviousText);
        Assert.Equal(60, rig.Rules.CurrentValue.Percent);
        Assert.Equal(TestDocuments.Rules(60), await File.ReadAllTextAsync(RuleFile));
        Assert.Equal(["test.json"], Directory.GetFiles(RulesDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_section_without_a_file_serves_its_defaults_and_a_new_file_is_picked_up()
    {
        await using var rig = await StartRigAsync();
        Assert.Equal(0, rig.Rules.CurrentValue.Percent);

        await File.WriteAllTextAsync(RuleFile, TestDocuments.Rules(7));

        await rig.EventuallyAsync(r => r.Percent == 7, Deadlines.Generous);
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("emptied")]
    public async Task A_rule_file_deleted_or_emptied_is_rejected_and_the_last_good_rules_and_their_copy_on_disk_stay(string change)
    {
        await File.WriteAllTextAsync(RuleFile, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();
        var kept = await File.ReadAllBytesAsync(_directory.File("last-good.json"));

        if (change == "deleted")
        {
            File.Delete(RuleFile);
        }
        else
        {
            await File.WriteAllBytesAsync(RuleFile, []);
        }

        var status = await rig.UntilAsync(s => s.LastRejection?.Sections.Any(r => r.Section == "test") == true, Deadlines.Generous, $"the {change} file rejected");
        Assert.Contains("$", status.LastRejection!.Sections.Single().Errors.Keys);
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);
        Assert.Equal(kept, await File.ReadAllBytesAsync(_directory.File("last-good.json")));

        // Only an explicit empty document clears the section.
        await File.WriteAllTextAsync(RuleFile, "{}");
        await rig.EventuallyAsync(r => r.Percent == 0, Deadlines.Generous);
    }
}
