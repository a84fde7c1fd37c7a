using Marketplace.Cart.Owners;
using Marketplace.Cart.Storage;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Cart;

/// <summary>The cart's refusals, as problem+json.</summary>
internal static class CartProblems
{
    public static ProblemHttpResult CartNotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Cart not found",
        detail: "No cart answers to this token: it never existed, expired, or was merged into a customer's cart.");

    public static ProblemHttpResult LineNotFound(Guid offerId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Line not found",
        detail: $"The cart has no line for offer {offerId}.");

    public static ProblemHttpResult PromoCodeNotFound(string code) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Promo code not found",
        detail: $"The cart does not carry promo code {code}.");

    public static ProblemHttpResult Nobody() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "No cart named",
        detail: "Sign in as a customer, or send a guest cart's token in the X-Cart-Token header.");

    /// <summary>A well-formed request the cart cannot take (422), naming the field.</summary>
    public static ProblemHttpResult Unprocessable(string field, string message) => TypedResults.Problem(
        new HttpValidationProblemDetails(ValidationFilterExtensions.FieldError(field, message))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The cart cannot take this change",
        });

    /// <summary>The refusal for a store outcome other than <see cref="CartWriteStatus.Written"/>.</summary>
    public static ProblemHttpResult Refused(CartWrite write, CartOptions options, Guid? offerId = null) => write.Status switch
    {
        CartWriteStatus.LineNotFound => LineNotFound(offerId ?? Guid.Empty),
        CartWriteStatus.TooManyLines => Unprocessable("offerId", $"The cart already holds the most lines it may ({options.MaxLines})."),
        CartWriteStatus.QuantityOverLimit => Unprocessable(
            "quantity", $"A line may hold at most {options.MaxQuantityPerLine} units; this one holds {write.Quantity}."),
        CartWriteStatus.TooManyPromoCodes => Unprocessable("code", $"The cart already carries the most promo codes it may ({options.MaxPromoCodes})."),
        CartWriteStatus.StoreFull => TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "No room for a new cart",
            detail: "This server holds as many carts as it may; carts already started keep working. Try again later."),
        _ => CartNotFound(),
    };

    /// <summary>
    /// The refusal of a change to a line. A customer's cart that was never written has no lines rather than not
    /// existing, so there the line is what is missing.
    /// </summary>
    public static ProblemHttpResult LineRefused(CartOwner owner, Guid offerId, CartWrite write, CartOptions options) =>
        write.Status == CartWriteStatus.CartNotFound && !owner.Key.IsGuest
            ? LineNotFound(offerId)
            : Refused(write, options, offerId);
}
