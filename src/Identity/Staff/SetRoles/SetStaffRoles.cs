using FluentValidation;
using Marketplace.Identity.Accounts;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Staff.SetRoles;

/// <summary>The complete set of staff roles the account should have; roles not listed are taken away.</summary>
internal sealed record SetStaffRolesRequest(IReadOnlyList<string> Roles);

/// <summary>The account's staff roles after the change.</summary>
internal sealed record StaffRolesResponse(Guid UserId, IReadOnlyList<string> Roles);

internal sealed class SetStaffRolesValidator : AbstractValidator<SetStaffRolesRequest>
{
    public static readonly IReadOnlySet<string> Grantable = new HashSet<string>(StringComparer.Ordinal)
    {
        MarketplaceClaims.Roles.Admin,
        MarketplaceClaims.Roles.Marketing,
    };

    public SetStaffRolesValidator()
    {
        RuleFor(r => r.Roles).NotNull();
        RuleForEach(r => r.Roles).Cascade(CascadeMode.Stop).NotNull().WithMessage("A role must not be null.").Must(Grantable.Contains).WithMessage($"Staff roles are: {string.Join(", ", Grantable)}.");
    }
}

internal static class SetStaffRoles
{
    public static async Task<Results<Ok<StaffRolesResponse>, NotFound>> Handle(
        Guid userId, SetStaffRolesRequest request, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var user = await db.Users.Include(u => u.StaffRoles).SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        var wanted = request.Roles.ToHashSet(StringComparer.Ordinal);
        user.StaffRoles.RemoveAll(r => !wanted.Contains(r.Role));
        var now = clock.GetUtcNow();
        foreach (var role in wanted.Where(role => user.StaffRoles.TrueForAll(r => r.Role != role)))
        {
            user.StaffRoles.Add(new StaffRole { UserId = user.Id, Role = role, GrantedAt = now });
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new StaffRolesResponse(user.Id, user.StaffRoles.Select(r => r.Role).Order(StringComparer.Ordinal).ToList()));
    }
}
