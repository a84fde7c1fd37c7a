using FluentValidation;
using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Orders;

namespace Marketplace.Ordering.Checkout;

/// <summary>Where the parcels go.</summary>
/// <param name="Name">Who receives them, up to 200 characters.</param>
/// <param name="Country">ISO 3166-1 alpha-2 country code, for example <c>DE</c>.</param>
/// <param name="PostalCode">The postal code, up to 20 characters.</param>
/// <param name="City">The city, up to 100 characters.</param>
/// <param name="Lines">Street, house and further lines: 1 to 4, each up to 200 characters.</param>
public sealed record ShippingAddressRequest(string? Name, string? Country, string? PostalCode, string? City, IReadOnlyList<string>? Lines)
{
    internal const int MaxLines = 4;

    internal DeliveryAddress ToDelivery() =>
        new(Country!.Trim().ToUpperInvariant(), PostalCode!.Trim(), City!.Trim(), Lines!.Select(l => l.Trim()).ToList());

    internal ShippingAddress ToShipping() => new()
    {
        Name = Name!.Trim(),
        Country = Country!.Trim().ToUpperInvariant(),
        PostalCode = PostalCode!.Trim(),
        City = City!.Trim(),
        Lines = string.Join('\n', Lines!.Select(l => l.Trim())),
    };

    /// <summary>Whether a stored quote was made for this address (as delivery normalised it).</summary>
    internal bool IsWhere(DeliveryAddress quoted)
    {
        var mine = ToDelivery();
        return string.Equals(mine.Country, quoted.Country, StringComparison.OrdinalIgnoreCase)
            && string.Equals(Compact(mine.PostalCode), Compact(quoted.PostalCode), StringComparison.OrdinalIgnoreCase)
            && string.Equals(mine.City, quoted.City, StringComparison.OrdinalIgnoreCase)
            && mine.Lines.SequenceEqual(quoted.Lines.Select(l => l.Trim()), StringComparer.OrdinalIgnoreCase);
    }

    private static string Compact(string postalCode) => postalCode.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
}

internal sealed class ShippingAddressRequestValidator : AbstractValidator<ShippingAddressRequest>
{
    public ShippingAddressRequestValidator()
    {
        RuleFor(a => a.Name).NotEmpty().MaximumLength(200);
        RuleFor(a => a.Country).NotEmpty().Matches("^[A-Za-z]{2}$").WithMessage("Must be an ISO 3166-1 alpha-2 country code, such as DE.");
        RuleFor(a => a.PostalCode).NotEmpty().MaximumLength(20);
        RuleFor(a => a.City).NotEmpty().MaximumLength(100);
        RuleFor(a => a.Lines).NotEmpty().Must(l => l is null || l.Count <= ShippingAddressRequest.MaxLines)
            .WithMessage($"Give 1 to {ShippingAddressRequest.MaxLines} address lines.");
        RuleForEach(a => a.Lines).NotEmpty().MaximumLength(200);
    }
}
