using System.Globalization;

namespace Marketplace.Notifications.Email.Templates;

/// <summary>
/// The words of every mail, per language: one table per language with the same keys (a test holds them equal). A
/// text is a composite format string whose <c>{n}</c> holes take values that the layout encodes for HTML, because they
/// are other people's text (seller names, product titles, reasons).
/// </summary>
internal sealed class MailWording
{
    private static readonly Dictionary<string, string> English = new(StringComparer.Ordinal)
    {
        ["Greeting"] = "Hello,",
        ["Footer"] = "This mail was sent by the marketplace because of an action on your account or order. Please do not reply to it.",
        ["Lines.Header"] = "What you ordered",
        ["Lines.Row"] = "{0} × {1}: {2}",
        ["Lines.Delivery"] = "Delivery ({0}): {1}",
        ["Lines.Total"] = "Total: {0}",

        ["OrderPlaced.Subject"] = "Order {0} is placed",
        ["OrderPlaced.Heading"] = "Thank you for your order",
        ["OrderPlaced.Body"] = "Your order {0} from {1} is placed and paid for. We will write again when it ships.",

        ["OrderShipped.Subject"] = "Order {0} has shipped",
        ["OrderShipped.Heading"] = "Your order is on its way",
        ["OrderShipped.Body"] = "{1} has shipped your order {0}.",
        ["OrderShipped.Tracking"] = "Carrier: {0}. Tracking number: {1}.",
        ["OrderShipped.OwnDelivery"] = "The seller delivers it themselves.",

        ["OrderDelivered.Subject"] = "Order {0} is delivered",
        ["OrderDelivered.Heading"] = "Your order has arrived",
        ["OrderDelivered.Body"] = "Your order {0} from {1} is delivered. We hope you enjoy it.",

        ["OrderCancelled.Subject"] = "Order {0} is cancelled",
        ["OrderCancelled.Heading"] = "Your order is cancelled",
        ["OrderCancelled.Body"] = "Your order {0} from {1} is cancelled. The payment held for it is released.",
        ["OrderCancelled.Reason"] = "Reason: {0}",

        ["RefundIssued.Subject"] = "Refund for order {0}",
        ["RefundIssued.Heading"] = "Your money is on its way back",
        ["RefundIssued.Body"] = "{1} refunded {2} for your order {0}. Depending on your bank it may take a few days to appear.",
        ["RefundIssued.Reason"] = "Reason: {0}",

        ["AccountAlreadyExists.Subject"] = "Someone tried to register with your email",
        ["AccountAlreadyExists.Heading"] = "You already have an account",
        ["AccountAlreadyExists.Body"] = "Someone tried to register a new account with this email address on {0}. You already have an account: sign in with it, or reset your password if you forgot it. If this was not you, you can ignore this mail.",

        ["SellerInvitation.Subject"] = "You are invited to sell with {0}",
        ["SellerInvitation.Heading"] = "An invitation to join a seller",
        ["SellerInvitation.Body"] = "You have been invited to act for the seller {0}. Sign in (or register) with this email address, open your invitations and accept this one with the code below.",
        ["SellerInvitation.Code"] = "Invitation code: {0}",
        ["SellerInvitation.Expires"] = "The invitation expires on {0}. If you do not know the seller, ignore this mail.",

        ["WebhookEndpointDisabled.Subject"] = "Webhook endpoint of {0} disabled",
        ["WebhookEndpointDisabled.Heading"] = "We stopped sending to your webhook endpoint",
        ["WebhookEndpointDisabled.Body"] = "The webhook endpoint {1} of {0} was disabled on {2}.",
        ["WebhookEndpointDisabled.Reason"] = "Reason: {0}",
        ["WebhookEndpointDisabled.Action"] = "Events for it are kept. Fix the endpoint and enable it again through the webhook API; the kept events are then sent.",

        ["SellerOrderUnpaid.Subject"] = "Order {0} is cancelled: it was not paid for",
        ["SellerOrderUnpaid.Heading"] = "Do not ship this order",
        ["SellerOrderUnpaid.Body"] = "The order {0} for {1} is cancelled because its payment was not taken. Do not ship it; its units are back in your stock.",
        ["SellerOrderUnpaid.Reason"] = "Reason: {0}",
    };

    private static readonly Dictionary<string, string> Russian = new(StringComparer.Ordinal)
    {
        ["Greeting"] = "Здравствуйте!",
        ["Footer"] = "Это письмо отправлено маркетплейсом в связи с действием по вашей учётной записи или заказу. Пожалуйста, не отвечайте на него.",
        ["Lines.Header"] = "Состав заказа",
        ["Lines.Row"] = "{0} × {1}: {2}",
        ["Lines.Delivery"] = "Доставка ({0}): {1}",
        ["Lines.Total"] = "Итого: {0}",

        ["OrderPlaced.Subject"] = "Заказ {0} оформлен",
        ["OrderPlaced.Heading"] = "Спасибо за заказ",
        ["OrderPlaced.Body"] = "Ваш заказ {0} у продавца {1} оформлен и оплачен. Мы напишем, когда он будет отправлен.",

        ["OrderShipped.Subject"] = "Заказ {0} отправлен",
        ["OrderShipped.Heading"] = "Ваш заказ в пути",
        ["OrderShipped.Body"] = "Продавец {1} отправил ваш заказ {0}.",
        ["OrderShipped.Tracking"] = "Перевозчик: {0}. Трек-номер: {1}.",
        ["OrderShipped.OwnDelivery"] = "Продавец доставит его сам.",

        ["OrderDelivered.Subject"] = "Заказ {0} доставлен",
        ["OrderDelivered.Heading"] = "Ваш заказ доставлен",
        ["OrderDelivered.Body"] = "Ваш заказ {0} у продавца {1} доставлен. Надеемся, он вам понравится.",

        ["OrderCancelled.Subject"] = "Заказ {0} отменён",
        ["OrderCancelled.Heading"] = "Ваш заказ отменён",
        ["OrderCancelled.Body"] = "Ваш заказ {0} у продавца {1} отменён. Заблокированная за него сумма освобождена.",
        ["OrderCancelled.Reason"] = "Причина: {0}",

        ["RefundIssued.Subject"] = "Возврат по заказу {0}",
        ["RefundIssued.Heading"] = "Деньги возвращаются к вам",
        ["RefundIssued.Body"] = "Продавец {1} вернул {2} за ваш заказ {0}. В зависимости от банка зачисление может занять несколько дней.",
        ["RefundIssued.Reason"] = "Причина: {0}",

        ["AccountAlreadyExists.Subject"] = "Кто-то пытался зарегистрироваться с вашим адресом",
        ["AccountAlreadyExists.Heading"] = "У вас уже есть учётная запись",
        ["AccountAlreadyExists.Body"] = "{0} кто-то пытался зарегистрировать новую учётную запись с этим адресом. У вас уже есть учётная запись: войдите в неё или восстановите пароль, если забыли его. Если это были не вы, просто проигнорируйте письмо.",

        ["SellerInvitation.Subject"] = "Приглашение в команду продавца {0}",
        ["SellerInvitation.Heading"] = "Приглашение в команду продавца",
        ["SellerInvitation.Body"] = "Вас пригласили действовать от имени продавца {0}. Войдите (или зарегистрируйтесь) с этим адресом, откройте свои приглашения и примите это с кодом ниже.",
        ["SellerInvitation.Code"] = "Код приглашения: {0}",
        ["SellerInvitation.Expires"] = "Приглашение действует до {0}. Если вы не знаете этого продавца, проигнорируйте письмо.",

        ["WebhookEndpointDisabled.Subject"] = "Вебхук продавца {0} отключён",
        ["WebhookEndpointDisabled.Heading"] = "Мы перестали отправлять события на ваш вебхук",
        ["WebhookEndpointDisabled.Body"] = "Вебхук {1} продавца {0} отключён {2}.",
        ["WebhookEndpointDisabled.Reason"] = "Причина: {0}",
        ["WebhookEndpointDisabled.Action"] = "События для него сохраняются. Исправьте адрес и снова включите вебхук через API вебхуков; сохранённые события будут отправлены.",

        ["SellerOrderUnpaid.Subject"] = "Заказ {0} отменён: он не оплачен",
        ["SellerOrderUnpaid.Heading"] = "Не отправляйте этот заказ",
        ["SellerOrderUnpaid.Body"] = "Заказ {0} для продавца {1} отменён, потому что оплата по нему не списана. Не отправляйте его; товары возвращены на ваш склад.",
        ["SellerOrderUnpaid.Reason"] = "Причина: {0}",
    };

    // The host runs with invariant globalization (no ICU), so each language states its own separators and month names;
    // that also keeps mails the same whatever ICU a machine has.
    private static readonly Dictionary<string, (Dictionary<string, string> Texts, NumberFormatInfo Numbers, string[] Months)> Languages = new(StringComparer.Ordinal)
    {
        ["en"] = (English, Separators(",", "."), ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]),
        ["ru"] = (Russian, Separators("\u00A0", ","), ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]),
    };

    private readonly Dictionary<string, string> _texts;
    private readonly string[] _months;

    private MailWording(string language, Dictionary<string, string> texts, NumberFormatInfo numbers, string[] months)
    {
        Language = language;
        _texts = texts;
        Numbers = numbers;
        _months = months;
    }

    /// <summary>The languages that have a wording.</summary>
    public static IReadOnlyCollection<string> LanguagesWritten => Languages.Keys;

    public string Language { get; }

    /// <summary>How numbers are written in this language.</summary>
    public NumberFormatInfo Numbers { get; }

    /// <summary>The wording of <paramref name="language"/>; English for a language without one.</summary>
    public static MailWording For(string? language)
    {
        var chosen = language is not null && Languages.ContainsKey(language) ? language : "en";
        var (texts, numbers, months) = Languages[chosen];
        return new MailWording(chosen, texts, numbers, months);
    }

    /// <summary>A moment as this language writes a date and time, in UTC: <c>5 December 2026, 10:00 UTC</c>.</summary>
    public string When(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{utc.Day} {_months[utc.Month - 1]} {utc.Year}, {utc:HH:mm} UTC");
    }

    /// <summary>Every key of every language, for the test that holds the tables equal.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyCollection<string>> KeysByLanguage() =>
        Languages.ToDictionary(l => l.Key, l => (IReadOnlyCollection<string>)l.Value.Texts.Keys, StringComparer.Ordinal);

    public string this[string key] => _texts[key];

    private static NumberFormatInfo Separators(string groupSeparator, string decimalSeparator)
    {
        var numbers = (NumberFormatInfo)NumberFormatInfo.InvariantInfo.Clone();
        numbers.NumberGroupSeparator = groupSeparator;
        numbers.NumberDecimalSeparator = decimalSeparator;
        numbers.NumberGroupSizes = [3];
        return NumberFormatInfo.ReadOnly(numbers);
    }
}
