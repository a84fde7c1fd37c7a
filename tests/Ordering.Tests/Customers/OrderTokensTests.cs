using System.Security.Cryptography;
using Marketplace.Ordering.Customers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Tests.Customers;

/// <summary>Replicas must derive the same guest token for a group, or a replayed checkout answer would show a token that opens nothing.</summary>
public sealed class OrderTokensTests
{
    private static readonly string CursorKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Replicas_sharing_the_cursor_key_derive_the_same_token_and_an_own_key_wins()
    {
        var group = Guid.NewGuid();
        var one = Tokens(null, CursorKey);
        var other = Tokens(null, CursorKey);

        Assert.Equal(one.TokenFor(group), other.TokenFor(group));
        Assert.NotEqual(one.TokenFor(group), one.TokenFor(Guid.NewGuid()));
        Assert.NotEqual(one.TokenFor(group), Tokens(null, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).TokenFor(group));

        var own = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Assert.Equal(Tokens(own, null).TokenFor(group), Tokens(own, CursorKey).TokenFor(group));
        Assert.NotEqual(one.TokenFor(group), Tokens(own, CursorKey).TokenFor(group));
    }

    private static OrderTokens Tokens(string? orderTokenKey, string? cursorKey) =>
        new(Options.Create(new OrderingOptions { OrderTokenKey = orderTokenKey }),
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Paging:CursorKey"] = cursorKey }).Build());
}
