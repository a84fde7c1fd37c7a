using FluentValidation;
using Marketplace.Identity.Accounts;
using Marketplace.Identity.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.Customers.Register;

/// <summary>A new customer account.</summary>
internal sealed record RegisterCustomerRequest(string Email, string Password);

/// <summary>The account just created.</summary>
internal sealed record RegisteredCustomer(Guid UserId, string Email);

internal sealed class RegisterCustomerValidator : AbstractValidator<RegisterCustomerRequest>
{
    public RegisterCustomerValidator(IOptions<PasswordPolicy> policy)
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(254).EmailAddress();
        RuleFor(r => r.Password).NotEmpty().MinimumLength(policy.Value.MinLength).MaximumLength(policy.Value.MaxLength);
    }
}

internal static class RegisterCustomer
{
    public static async Task<Results<Created<RegisteredCustomer>, ProblemHttpResult>> Handle(
        RegisterCustomerRequest request, IdentityDbContext db, Passwords passwords, TimeProvider clock, CancellationToken cancellationToken)
    {
        var account = await NewAccounts.TryOpenAsync(db, passwords, request.Email, request.Password, clock.GetUtcNow(), [], cancellationToken);
        return account is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email already registered", detail: "An account with this email exists; sign in instead.")
            : TypedResults.Created("/api/v1/me", new RegisteredCustomer(account.Id, account.Email));
    }
}
