using FluentValidation;

namespace Marketplace.Config.Tests;

public enum Rounding
{
    Down,
    Nearest,
}

/// <summary>A rule section of the tests' own: Config knows nothing of the rules it carries.</summary>
public sealed class TestRules
{
    public decimal Percent { get; set; }

    public string Label { get; set; } = "";

    public Rounding Rounding { get; set; }

    public List<string> Tags { get; set; } = [];
}

public sealed class TestRulesValidator : AbstractValidator<TestRules>
{
    public TestRulesValidator()
    {
        RuleFor(r => r.Percent).InclusiveBetween(0, 100);
        RuleFor(r => r.Label).MaximumLength(40);
    }
}

internal static class TestDocuments
{
    public const string Section = "test";

    public static string Rules(decimal percent, string label = "base", string rounding = "nearest") =>
        $$"""{"percent": {{percent}}, "label": "{{label}}", "rounding": "{{rounding}}", "tags": ["a", "b"]}""";
}

/// <summary>How long the tests wait, by what the product promises.</summary>
internal static class Deadlines
{
    /// <summary>
    /// The product promises that a change reaches every rules reader within a second; this is that second plus room
    /// for a loaded CI machine (two cores shared by several builds), so a pick-up much slower than promised still fails.
    /// </summary>
    public static readonly TimeSpan PromisedSecond = TimeSpan.FromSeconds(2.5);

    /// <summary>For waits the product promises nothing about: only there so that a hang fails instead of running forever.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);
}
