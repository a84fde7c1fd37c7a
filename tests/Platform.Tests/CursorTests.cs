using Marketplace.Platform.Paging;

namespace Marketplace.Platform.Tests;

public sealed class CursorTests
{
    private sealed record Position(decimal Price, Guid Id);

    [Fact]
    public void A_cursor_round_trips_its_position()
    {
        var position = new Position(19.99m, Guid.NewGuid());
        Assert.True(Cursor.TryDecode<Position>(Cursor.Encode(position), out var decoded));
        Assert.Equal(position, decoded);
    }

    [Theory]
    [InlineData("not a cursor")]
    [InlineData("eyJwcmljZSI6")]
    [InlineData("")]
    [InlineData("%%%")]
    public void A_tampered_cursor_is_refused_not_thrown(string cursor) =>
        Assert.False(Cursor.TryDecode<Position>(cursor, out _));
}
