using Marketplace.Platform.Paging;

namespace Marketplace.Platform.Tests.Paging;

public sealed class PageRequestTests
{
    private sealed record Position(int After);

    private static readonly PageLimits Limits = new(Default: 3, Maximum: 10);

    [Fact]
    public void A_request_without_limit_gets_the_lists_default_and_the_first_page()
    {
        Assert.True(new PageRequest().TryRead<Position>(Limits, out var page, out _));
        Assert.Equal(3, page.Size);
        Assert.Equal(4, page.Fetch);
        Assert.Null(page.After);
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("11")]
    [InlineData("2.5")]
    public void A_limit_that_is_not_a_whole_number_within_the_maximum_is_refused_naming_limit_with_one_text(string limit)
    {
        Assert.False(new PageRequest { Limit = limit }.TryRead<Position>(Limits, out _, out var problem));
        var error = Assert.Single(problem.ProblemDetails.Errors);
        Assert.Equal("limit", error.Key);
        Assert.Equal([PagingMessages.Limit(10)], error.Value);
    }

    [Fact]
    public void A_cursor_of_another_list_is_refused_naming_cursor()
    {
        var otherList = Cursor.Encode(new { After = 5 });

        Assert.False(new PageRequest { Cursor = otherList }.TryRead<Position>(Limits, out _, out var problem));
        var error = Assert.Single(problem.ProblemDetails.Errors);
        Assert.Equal("cursor", error.Key);
        Assert.Equal([PagingMessages.Cursor], error.Value);
    }

    [Fact]
    public void One_row_more_than_the_page_gives_a_cursor_that_continues_after_the_last_row_shown()
    {
        Assert.True(new PageRequest { Limit = "2" }.TryRead<Position>(Limits, out var first, out _));

        var page = first.ToPage([1, 2, 3], row => new Position(row), row => $"row {row}");

        Assert.Equal(["row 1", "row 2"], page.Items);
        Assert.True(new PageRequest { Limit = "2", Cursor = page.NextCursor }.TryRead<Position>(Limits, out var second, out _));
        Assert.Equal(new Position(2), second.After);
    }

    [Fact]
    public void A_page_that_holds_every_remaining_row_has_no_next_cursor()
    {
        Assert.True(new PageRequest { Limit = "2" }.TryRead<Position>(Limits, out var page, out _));

        var last = page.ToPage([1, 2], row => new Position(row), row => row);

        Assert.Equal([1, 2], last.Items);
        Assert.Null(last.NextCursor);
    }
}
