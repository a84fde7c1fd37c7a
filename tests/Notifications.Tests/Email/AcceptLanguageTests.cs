using Marketplace.Platform.Http;

namespace Marketplace.Notifications.Tests.Email;

/// <summary>The language a checkout's mails are written in, from its <c>Accept-Language</c> weighed by q-values.</summary>
public sealed class AcceptLanguageTests
{
    [Theory]
    [InlineData(null, "en")]
    [InlineData("", "en")]
    [InlineData("ru", "ru")]
    [InlineData("RU-ru", "ru")]
    [InlineData("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru")]
    [InlineData("en;q=0.5, ru;q=0.8", "ru")]
    [InlineData("de-DE, ru;q=0.9, en;q=0.95", "en")]
    [InlineData("de-DE, fr;q=0.9", "en")]
    [InlineData("ru;q=0", "en")]
    [InlineData("en;q=0, ru;q=0.1", "ru")]
    [InlineData("en;q=0, *", "ru")]
    [InlineData("ru;q=0.5, *;q=0.9", "en")]
    [InlineData("*", "en")]
    [InlineData("ru;q=0.500, en;q=0.499", "ru")]
    [InlineData("en-GB;q=0.3, ru-RU;q=0.3", "en")]
    [InlineData("ru;q=x", "en")]
    public void The_supported_language_with_the_highest_weight_wins_and_english_is_the_default(string? header, string expected) =>
        Assert.Equal(expected, CustomerLanguages.FromAcceptLanguage(header));
}
