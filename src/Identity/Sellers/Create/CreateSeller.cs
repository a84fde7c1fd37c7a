using System.Security.Claims;
using FluentValidation;
using Marketplace.Identity.Contracts;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Identity.Sellers.Create;

/// <summary>A new seller organisation; the caller becomes its owner.</summary>
internal sealed record CreateSellerRequest(string Name, string LegalName, string CountryCode);

internal sealed class CreateSellerValidator : AbstractValidator<CreateSellerRequest>
{
    public CreateSellerValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.LegalName).NotEmpty().MaximumLength(200);
        RuleFor(r => r.CountryCode).NotEmpty().Matches("^[A-Z]{2}$").WithMessage("Use an ISO 3166-1 alpha-2 code in capitals, such as DE.");
    }
}

internal static class CreateSeller
{
    public static async Task<Created<SellerProfile>> Handle(
        CreateSellerRequest request, ClaimsPrincipal caller, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var seller = Register(db, Guid.CreateVersion7(now), request.Name.Trim(), request.LegalName.Trim(), request.CountryCode, caller.UserId()!.Value, now, clock);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/sellers/{seller.Id}", SellerProfile.Of(seller));
    }

    /// <summary>Adds the seller, its owner and the event that announces it; the caller saves them in one transaction.</summary>
    public static Seller Register(IdentityDbContext db, Guid sellerId, string name, string legalName, string countryCode, Guid ownerId, DateTimeOffset now, TimeProvider clock)
    {
        var seller = new Seller
        {
            Id = sellerId,
            Name = name,
            LegalName = legalName,
            CountryCode = countryCode,
            RegisteredAt = now,
            Members = [new SellerMember { SellerId = sellerId, UserId = ownerId, Role = SellerMember.Owner, JoinedAt = now }],
        };
        db.Sellers.Add(seller);
        db.Publish(new SellerRegistered(seller.Id, seller.Name, now), clock);
        return seller;
    }
}
