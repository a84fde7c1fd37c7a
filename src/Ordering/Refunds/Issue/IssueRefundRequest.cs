using FluentValidation;

namespace Marketplace.Ordering.Refunds.Issue;

/// <summary>A refund of an order: by lines and units, or by an amount; one of the two.</summary>
/// <param name="Lines">The order lines and how many of their units to refund; each at most the units bought and not refunded yet. Their amount is the lines' price per unit after discounts.</param>
/// <param name="Amount">An amount to give back, above zero, in the order's currency; at most what is not refunded yet of the order's total (delivery included).</param>
/// <param name="Reason">Why, as the customer's refund mail tells it; optional, up to 300 characters.</param>
public sealed record IssueRefundRequest(IReadOnlyList<RefundLineRequest?>? Lines, decimal? Amount, string? Reason);

/// <summary>Units of one order line to refund.</summary>
/// <param name="LineId">The order line's id, as the order's read shows it.</param>
/// <param name="Quantity">Units, 1 or more.</param>
public sealed record RefundLineRequest(Guid? LineId, int? Quantity);

internal sealed class IssueRefundRequestValidator : AbstractValidator<IssueRefundRequest>
{
    /// <summary>More lines than any order has: the request is not a refund of an order.</summary>
    public const int MaxLines = 500;

    public IssueRefundRequestValidator()
    {
        RuleFor(r => r.Amount).NotNull().When(r => r.Lines is null).WithMessage("Give either lines with quantities or an amount.");
        RuleFor(r => r.Amount).Null().When(r => r.Lines is not null).WithMessage("Give either lines or an amount, not both.");
        RuleFor(r => r.Amount).GreaterThan(0m);
        RuleFor(r => r.Lines).NotEmpty().When(r => r.Lines is not null).Must(lines => lines is null || lines.Count <= MaxLines)
            .WithMessage($"At most {MaxLines} lines.");
        RuleFor(r => r.Lines)
            .Must(lines => lines is null || lines.Where(l => l?.LineId is not null).GroupBy(l => l!.LineId).All(g => g.Count() == 1))
            .WithMessage("Name each line once.");
        RuleForEach(r => r.Lines).NotNull().SetValidator(new RefundLineRequestValidator()!);
        RuleFor(r => r.Reason).MaximumLength(OrderRefund.MaxReasonLength);
    }
}

internal sealed class RefundLineRequestValidator : AbstractValidator<RefundLineRequest>
{
    public RefundLineRequestValidator()
    {
        RuleFor(l => l.LineId).NotEmpty();
        RuleFor(l => l.Quantity).NotNull().GreaterThan(0);
    }
}
