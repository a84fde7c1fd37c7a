using FluentValidation;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Reviews;

/// <summary>A customer's rating of a product.</summary>
/// <param name="Rating">1 to 5 stars.</param>
/// <param name="Text">What the customer says; plain text.</param>
public sealed record ReviewRequest(int Rating, string? Text);

internal sealed class ReviewValidator : AbstractValidator<ReviewRequest>
{
    public ReviewValidator(IOptions<CatalogOptions> options)
    {
        RuleFor(r => r.Rating).InclusiveBetween(1, 5);
        RuleFor(r => r.Text).MaximumLength(options.Value.MaxReviewLength)
            .Must(text => text is null || !text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            .WithMessage("Control characters are not allowed.");
    }
}
