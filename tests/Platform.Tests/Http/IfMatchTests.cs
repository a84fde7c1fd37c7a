using Marketplace.Platform.Http;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Platform.Tests.Http;

/// <summary>How every conditional write reads If-Match (RFC 9110 §13.1.1).</summary>
public sealed class IfMatchTests
{
    [Theory]
    [InlineData("\"3\"")]
    [InlineData(" \"3\" ")]
    [InlineData("\"2\", \"3\"")]
    [InlineData("\"2\",\"3\",\"4\"")]
    [InlineData("W/\"2\", \"3\"")]
    [InlineData("*")]
    public void A_strong_tag_of_the_current_version_or_a_star_matches(string header)
    {
        Assert.True(IfMatch.TryParse(header, out var condition, out var error), error);
        Assert.True(condition!.Matches(3));
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("\"2\", \"4\"")]
    [InlineData("\"33\"")]
    [InlineData("W/\"3\"")]
    public void Another_version_or_a_weak_tag_of_the_current_one_does_not_match(string header)
    {
        Assert.True(IfMatch.TryParse(header, out var condition, out var error), error);
        Assert.False(condition!.Matches(3));
    }

    [Fact]
    public void Values_of_repeated_headers_form_one_list()
    {
        Assert.True(IfMatch.TryParse(new StringValues(["\"1\"", "\"3\""]), out var condition, out _));
        Assert.True(condition!.Matches("3"));
        Assert.False(condition.Matches("2"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void An_absent_or_blank_header_is_missing_not_malformed(string? header)
    {
        Assert.False(IfMatch.TryParse(header, out var condition, out var error));
        Assert.Null(condition);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("W/3")]
    [InlineData("\"3")]
    [InlineData("\"3\" \"4\"")]
    [InlineData("*, \"3\"")]
    public void Anything_but_a_star_or_a_list_of_quoted_tags_is_malformed(string header)
    {
        Assert.False(IfMatch.TryParse(header, out var condition, out var error));
        Assert.Null(condition);
        Assert.NotNull(error);
    }

    [Fact]
    public void An_etag_is_the_version_quoted_and_matches_itself()
    {
        Assert.Equal("\"7\"", ETag.Of(7));
        Assert.Equal("\"1234abcd\"", ETag.Of("1234abcd"));
        Assert.True(IfMatch.TryParse(ETag.Of("1234abcd"), out var condition, out _));
        Assert.True(condition!.Matches("1234abcd"));
    }

    [Fact]
    public void A_version_that_cannot_be_an_etag_is_refused_rather_than_sent()
    {
        Assert.ThrowsAny<FormatException>(() => ETag.Of("has\"quote"));
    }
}
