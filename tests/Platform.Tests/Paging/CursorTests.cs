using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Platform.Paging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Platform.Tests.Paging;

public sealed class CursorTests
{
    private sealed record Position(decimal Price, Guid Id, string Filter);

    private sealed record OtherListPosition(decimal Price, Guid Id, string Filter);

    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void A_cursor_round_trips_its_position()
    {
        var position = new Position(19.99m, Guid.NewGuid(), "category=lamps");
        Assert.True(Cursor.TryDecode<Position>(Cursor.Encode(position), out var decoded));
        Assert.Equal(position, decoded);
    }

    [Theory]
    [InlineData("not a cursor")]
    [InlineData("eyJwcmljZSI6")]
    [InlineData("")]
    [InlineData("%%%")]
    [InlineData("eyJwcmljZSI6MX0.")]
    [InlineData(".AAAA")]
    public void A_garbled_cursor_is_refused_not_thrown(string cursor) =>
        Assert.False(Cursor.TryDecode<Position>(cursor, out _));

    [Fact]
    public void A_cursor_whose_filter_was_edited_and_encoded_again_is_refused()
    {
        var signer = new CursorSigner(Key);
        var issued = signer.Encode(new Position(19.99m, Guid.NewGuid(), "category=lamps"));

        var edited = Edit(issued, json => json["filter"] = "category=everything");

        Assert.False(signer.TryDecode<Position>(edited, out _));
    }

    [Fact]
    public void A_cursor_whose_position_was_moved_and_encoded_again_is_refused()
    {
        var signer = new CursorSigner(Key);
        var issued = signer.Encode(new Position(19.99m, Guid.NewGuid(), "category=lamps"));

        var edited = Edit(issued, json => json["price"] = 0.01m);

        Assert.False(signer.TryDecode<Position>(edited, out _));
    }

    [Fact]
    public void An_unsigned_cursor_of_the_old_format_is_refused()
    {
        var unsigned = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("""{"price":19.99,"id":"00000000-0000-0000-0000-000000000001","filter":"x"}"""));

        Assert.False(new CursorSigner(Key).TryDecode<Position>(unsigned, out _));
    }

    [Fact]
    public void Replicas_with_the_same_key_accept_each_others_cursors_and_a_replica_with_another_key_does_not()
    {
        var position = new Position(5m, Guid.NewGuid(), "q=lamp");
        var cursor = new CursorSigner(Key).Encode(position);

        Assert.True(new CursorSigner(Key.ToArray()).TryDecode<Position>(cursor, out var decoded));
        Assert.Equal(position, decoded);
        Assert.False(new CursorSigner(RandomNumberGenerator.GetBytes(32)).TryDecode<Position>(cursor, out _));
    }

    [Fact]
    public void A_cursor_of_one_list_is_refused_by_another_list_with_the_same_fields()
    {
        var signer = new CursorSigner(Key);
        var cursor = signer.Encode(new Position(5m, Guid.NewGuid(), "q=lamp"));

        Assert.False(signer.TryDecode<OtherListPosition>(cursor, out _));
    }

    [Fact]
    public void A_key_shorter_than_32_bytes_is_refused() =>
        Assert.Throws<ArgumentException>(() => new CursorSigner(new byte[31]));

    [Fact]
    public void Production_without_a_cursor_key_refuses_to_start_and_names_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CursorSigning.LoadKey(Configuration(null), new Environment("Production")));

        Assert.Contains("Paging:CursorKey", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Testing")]
    public void Development_and_tests_without_a_cursor_key_keep_the_process_key(string environment) =>
        Assert.Null(CursorSigning.LoadKey(Configuration(null), new Environment(environment)));

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void A_cursor_key_that_is_not_base64_of_32_bytes_refuses_to_start_and_names_the_setting(string configured)
    {
        var error = Assert.Throws<InvalidOperationException>(() => CursorSigning.LoadKey(Configuration(configured), new Environment("Production")));

        Assert.Contains("Paging:CursorKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_cursor_key_is_used_in_any_environment()
    {
        var key = RandomNumberGenerator.GetBytes(48);

        Assert.Equal(key, CursorSigning.LoadKey(Configuration(Convert.ToBase64String(key)), new Environment("Production")));
        Assert.Equal(key, CursorSigning.LoadKey(Configuration(Convert.ToBase64String(key)), new Environment("Development")));
    }

    /// <summary>Edits a cursor's JSON as a client could, keeping the signature it came with.</summary>
    private static string Edit(string cursor, Action<JsonObject> edit)
    {
        var (payload, mac) = (cursor[..cursor.IndexOf('.', StringComparison.Ordinal)], cursor[(cursor.IndexOf('.', StringComparison.Ordinal) + 1)..]);
        var json = JsonNode.Parse(Base64Url.DecodeFromChars(payload))!.AsObject();
        edit(json);
        return $"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()))}.{mac}";
    }

    private static IConfiguration Configuration(string? key) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Paging:CursorKey"] = key }).Build();

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Marketplace.Api";

        public string ContentRootPath { get; set; } = "";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
