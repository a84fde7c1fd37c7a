using Marketplace.Notifications.Email.Templates;
using Marketplace.Ordering.Contracts;
using Marketplace.Platform;
using Marketplace.Platform.Http;

namespace Marketplace.Notifications.Tests.Email;

public sealed class MailTemplateTests
{
    private static readonly OrderNotice Order = new(
        Guid.NewGuid(), Guid.NewGuid(), "MP261205-ABCD-1", Guid.NewGuid(), null, "buyer@tests.local", "en", "Courier <fast>",
        Money.Of(5m, "RUB"), Money.Of(1239.5m, "RUB"), [new OrderNoticeLine("Kettle & <Cup>", 1, Money.Of(1234.5m, "RUB"))]);

    [Fact]
    public void Every_language_the_marketplace_writes_in_has_every_text_of_every_mail()
    {
        var keys = MailWording.KeysByLanguage();

        Assert.Equal(CustomerLanguages.Supported.Order(StringComparer.Ordinal), keys.Keys.Order(StringComparer.Ordinal));
        Assert.All(keys, language => Assert.Equal(keys["en"].Order(StringComparer.Ordinal), language.Value.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ru")]
    public void Every_kind_of_mail_renders_in_both_bodies_with_every_hole_filled(string language)
    {
        var order = new OrderMail(Order with { Language = language }, "Seller");
        var at = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        RenderedMail[] mails =
        [
            MailTemplates.OrderPlaced(order), MailTemplates.OrderShipped(order, "DHL", "JJD1"), MailTemplates.OrderShipped(order, null, null),
            MailTemplates.OrderDelivered(order), MailTemplates.OrderCancelled(order, "why"), MailTemplates.RefundIssued(order, Money.Of(3m, "RUB"), "why"),
            MailTemplates.AccountAlreadyExists(language, at), MailTemplates.SellerInvitation(language, "Seller", "CODE1234", at),
            MailTemplates.WebhookEndpointDisabled(language, "Seller", "https://hooks.example/x", "410 Gone", at),
        ];

        Assert.All(mails, mail =>
        {
            Assert.False(string.IsNullOrWhiteSpace(mail.Subject));
            Assert.DoesNotContain("{", mail.Subject + mail.Text, StringComparison.Ordinal);
            Assert.Contains($"<html lang=\"{language}\">", mail.Html, StringComparison.Ordinal);
            Assert.EndsWith("</html>\n", mail.Html, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_refund_mail_in_russian_writes_roubles_the_russian_way_and_encodes_the_sellers_text()
    {
        var mail = MailTemplates.RefundIssued(new OrderMail(Order with { Language = "ru" }, "Ромашка & <Ко>"), Money.Of(1234.5m, "RUB"), "Брак <товара>");

        Assert.Equal("Возврат по заказу MP261205-ABCD-1", mail.Subject);
        Assert.Contains("Продавец Ромашка &amp; &lt;Ко&gt; вернул 1\u00A0234,50\u00A0₽ за ваш заказ MP261205-ABCD-1.", mail.Html, StringComparison.Ordinal);
        Assert.Contains("Причина: Брак &lt;товара&gt;", mail.Html, StringComparison.Ordinal);
        Assert.Contains("Продавец Ромашка & <Ко> вернул 1\u00A0234,50\u00A0₽", mail.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", 1234.5, "EUR", "€1,234.50")]
    [InlineData("ru", 1234.5, "EUR", "1\u00A0234,50\u00A0€")]
    [InlineData("en", 1234.5, "RUB", "₽1,234.50")]
    [InlineData("en", 1234.5, "CHF", "1,234.50\u00A0CHF")]
    [InlineData("ru", 1234, "JPY", "1\u00A0234\u00A0JPY")]
    [InlineData("en", 1.234, "KWD", "1.234\u00A0KWD")]
    public void Money_is_written_with_the_languages_separators_and_the_currencys_minor_units(string language, double amount, string currency, string expected)
    {
        Assert.Equal(expected, MoneyText.Format(Money.Of((decimal)amount, currency), MailWording.For(language)));
    }

    [Theory]
    [InlineData("en", "5 December 2026, 09:07 UTC")]
    [InlineData("ru", "5 декабря 2026, 09:07 UTC")]
    public void Dates_are_written_with_the_languages_month_names_in_utc(string language, string expected) =>
        Assert.Equal(expected, MailWording.For(language).When(new DateTimeOffset(2026, 12, 5, 12, 7, 0, TimeSpan.FromHours(3))));
}
