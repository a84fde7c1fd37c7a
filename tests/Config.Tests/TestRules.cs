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
