using Marketplace.TestSupport;

namespace Marketplace.Platform.Tests.Http;

/// <summary>The tests' reading of which field a validation error names: a whole path segment, never a prefix of a name.</summary>
public sealed class ProblemFieldTests
{
    [Theory]
    [InlineData("discounts", "discounts")]
    [InlineData("Discounts", "discounts")]
    [InlineData("discounts[0].percent", "discounts")]
    [InlineData("discounts.count", "discounts")]
    [InlineData("rules.discounts", "discounts")]
    [InlineData("rules.discounts[2]", "discounts")]
    [InlineData("discounts[0].percent", "discounts[0].percent")]
    [InlineData("attr.Bad-Code.max", "attr.Bad-Code")]
    public void An_error_on_the_field_or_inside_it_names_the_field(string errorKey, string field) =>
        Assert.True(ProblemAssertions.Names(errorKey, field));

    [Theory]
    [InlineData("discountCodes", "discounts")]
    [InlineData("discount", "discounts")]
    [InlineData("discountsCap", "discounts")]
    [InlineData("rules.discountsCap", "discounts")]
    [InlineData("maxQuantity", "quantity")]
    [InlineData("discounts[1].percent", "discounts[0].percent")]
    [InlineData("discounts[0].percentCap", "discounts[0].percent")]
    public void An_error_on_another_field_that_shares_a_prefix_does_not_name_it(string errorKey, string field) =>
        Assert.False(ProblemAssertions.Names(errorKey, field));
}
