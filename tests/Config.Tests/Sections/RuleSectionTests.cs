using FluentValidation;
using Marketplace.Config.Sections;
using Xunit;

namespace Marketplace.Config.Tests.Sections;

/// <summary>How one section's document is bound and checked before anything may take effect.</summary>
public sealed class RuleSectionTests
{
    [Fact]
    public void A_validator_that_throws_on_odd_input_rejects_the_document_instead_of_failing()
    {
        var throwing = new InlineValidator<TestRules>();
        throwing.RuleFor(r => r.Label).Must(label => label[10] == 'x');
        var section = new RuleSection<TestRules>("test", throwing);

        var check = section.Check(TestDocuments.Rules(5, "short"));

        Assert.False(check.IsValid);
        Assert.Contains("$", check.Errors.Keys);
    }

    [Theory]
    [InlineData("{\"percent\": 5, \"rounding\": \"Down\"}", Rounding.Down)]
    [InlineData("{\"Percent\": 5, \"rounding\": \"nearest\"} // comment", Rounding.Nearest)]
    public void Documents_bind_with_camel_case_or_any_case_names_and_enum_names(string document, Rounding rounding)
    {
        var check = new RuleSection<TestRules>("test", new TestRulesValidator()).Check(document);

        Assert.True(check.IsValid, string.Join("; ", check.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        Assert.Equal(rounding, ((TestRules)check.Rules!).Rounding);
    }

    [Theory]
    [InlineData("{\"rounding\": 1}", "rounding")]
    [InlineData("{\"percent\": -1}", "Percent")]
    [InlineData("", "$")]
    [InlineData("null", "$")]
    public void A_document_that_does_not_bind_or_validate_names_the_field(string document, string field)
    {
        var check = new RuleSection<TestRules>("test", new TestRulesValidator()).Check(document);

        Assert.False(check.IsValid);
        Assert.Contains(field, check.Errors.Keys);
    }

    [Theory]
    [InlineData("Pricing")]
    [InlineData("audit")]
    [InlineData("has space")]
    [InlineData("")]
    public void A_section_name_that_could_not_be_a_key_or_a_route_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new RuleSectionRegistry().Add(new RuleSection<TestRules>(name, new TestRulesValidator())));

    [Fact]
    public void A_section_cannot_be_declared_twice_or_after_the_host_started()
    {
        var registry = new RuleSectionRegistry();
        registry.Add(new RuleSection<TestRules>("test", new TestRulesValidator()));

        Assert.Throws<InvalidOperationException>(() => registry.Add(new RuleSection<TestRules>("test", new TestRulesValidator())));
        registry.Close();
        Assert.Throws<InvalidOperationException>(() => registry.Add(new RuleSection<OtherRules>("other", new InlineValidator<OtherRules>())));
    }

    public sealed class OtherRules
    {
        public int Value { get; set; }
    }
}
