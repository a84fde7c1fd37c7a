using FluentValidation;
using Marketplace.Cart.Owners;
using Marketplace.Cart.Reading;
using Marketplace.Cart.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Cart.PromoCodes;

/// <summary>A promo code to enter in the cart.</summary>
/// <param name="Code">The code, case-insensitive: letters, digits, '-' and '_'.</param>
public sealed record ApplyPromoCodeRequest(string Code);

internal sealed class ApplyPromoCodeValidator : AbstractValidator<ApplyPromoCodeRequest>
{
    public ApplyPromoCodeValidator(IOptions<CartOptions> options) =>
        RuleFor(r => r.Code).Cascade(CascadeMode.Stop)
            .NotEmpty()
            .Must(code => PromoCode.Normalize(code).Length <= options.Value.MaxPromoCodeLength)
            .WithMessage($"A promo code has at most {options.Value.MaxPromoCodeLength} characters.")
            .Must(code => PromoCode.IsWellFormed(PromoCode.Normalize(code)))
            .WithMessage("A promo code has only letters, digits, '-' and '_'.");
}

/// <summary>
/// Entering a code keeps it in the cart; whether it gives anything is decided on every read by the rules in force,
/// and the cart says so per code.
/// </summary>
internal static class ApplyPromoCode
{
    public static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> Apply(
        [AsParameters] CartCaller caller, ApplyPromoCodeRequest request, ICartStore store, CartReader reader, IOptions<CartOptions> options,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var owner = caller.Owner;
        var write = await store.AddPromoCodeAsync(
            owner.Key, PromoCode.Normalize(request.Code), CartLimits.From(options.Value), mayCreate: !owner.GuestTokenOutlived(clock.GetUtcNow(), options.Value),
            cancellationToken);
        return write.Status == CartWriteStatus.Written
            ? await reader.RespondAsync(owner, cancellationToken)
            : CartProblems.Refused(write, options.Value);
    }

    public static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> Remove(
        [AsParameters] CartCaller caller, string code, ICartStore store, CartReader reader, IOptions<CartOptions> options, CancellationToken cancellationToken)
    {
        var owner = caller.Owner;
        var normalized = PromoCode.Normalize(code);
        var write = await store.RemovePromoCodeAsync(owner.Key, normalized, CartLimits.From(options.Value), cancellationToken);
        return write.Status switch
        {
            CartWriteStatus.Written => await reader.RespondAsync(owner, cancellationToken),
            CartWriteStatus.CartNotFound when owner.Key.IsGuest => CartProblems.CartNotFound(),
            _ => CartProblems.PromoCodeNotFound(normalized),
        };
    }
}
