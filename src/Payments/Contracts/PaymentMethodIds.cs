using System.Text.RegularExpressions;

namespace Marketplace.Payments.Contracts;

/// <summary>
/// The shape of a payment method id, shared so that a request carrying one (checkout) refuses card data with the same
/// words as the port does, before anything is stored or logged.
/// </summary>
public static partial class PaymentMethodIds
{
    /// <summary>The longest payment method id accepted.</summary>
    public const int MaxLength = 100;

    /// <summary>Said when the value looks like a card number; it never repeats the value.</summary>
    public const string CardNumberRefusal =
        "Card numbers are not accepted. Send the payment method id (pm_…) that the payment form obtained from the payment provider.";

    /// <summary>Said when the value is not a payment method id; it never repeats the value.</summary>
    public const string ShapeRefusal = "Must be a payment method id issued by the payment provider, such as pm_card_visa.";

    /// <summary>
    /// True when the value holds a run of 12 or more digits, with or without spaces or dashes between them: the length
    /// of the shortest card numbers. Payment method ids never hold such a run.
    /// </summary>
    public static bool LooksLikeCardNumber(string? value) => value is not null && CardNumberLike().IsMatch(value);

    /// <summary>True when the value is shaped like a provider's payment method id: <c>pm_</c>, then letters, digits and underscores.</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: > 3 and <= MaxLength } && !LooksLikeCardNumber(value) && Shape().IsMatch(value);

    /// <summary>The refusal for the value, or null when it is a well-formed payment method id.</summary>
    public static string? Refusal(string? value) =>
        LooksLikeCardNumber(value) ? CardNumberRefusal
        : IsWellFormed(value) ? null
        : ShapeRefusal;

    [GeneratedRegex(@"\d(?:[ \-]?\d){11,}", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex CardNumberLike();

    [GeneratedRegex("^pm_[A-Za-z0-9_]+$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Shape();
}
