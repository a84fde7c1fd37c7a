using FluentValidation;
using Marketplace.Identity.Accounts;
using Marketplace.Identity.ApiKeys;
using Marketplace.Identity.ApiKeys.Create;
using Marketplace.Identity.ApiKeys.List;
using Marketplace.Identity.ApiKeys.Revoke;
using Marketplace.Identity.Customers.Register;
using Marketplace.Identity.Demo;
using Marketplace.Identity.Me;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers;
using Marketplace.Identity.Sellers.AddMember;
using Marketplace.Identity.Sellers.Create;
using Marketplace.Identity.Sellers.GetProfile;
using Marketplace.Identity.Staff.Bootstrap;
using Marketplace.Identity.Staff.SetRoles;
using Marketplace.Identity.Tokens;
using Marketplace.Identity.Tokens.Issue;
using Marketplace.Identity.Tokens.Logout;
using Marketplace.Identity.Tokens.Refresh;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Identity;

/// <summary>Accounts, sellers, staff roles, tokens and API keys: who is calling, and for whom.</summary>
public static class IdentityModule
{
    internal const string Module = "Identity";

    /// <summary>Chooses JwtBearer or the API key handler per request, by whether <c>X-Api-Key</c> is present.</summary>
    internal const string CallerScheme = "Caller";

    /// <summary>Registers the Identity database, authentication (JWT and seller API keys) and the authorization policies.</summary>
    public static WebApplicationBuilder AddIdentityModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddModuleDatabase<IdentityDbContext>(builder.Configuration, Module);

        var tokenSection = builder.Configuration.GetSection("Identity:Jwt");
        services.Configure<JwtOptions>(tokenSection);
        services.Configure<PasswordPolicy>(builder.Configuration.GetSection("Identity:Password"));
        services.Configure<PasswordHasherOptions>(builder.Configuration.GetSection("Identity:Password:Hashing"));
        var tokenOptions = tokenSection.Get<JwtOptions>() ?? new JwtOptions();
        var signingKey = SigningKey.Load(tokenOptions, builder.Configuration, builder.Environment);
        services.AddSingleton(signingKey);
        services.AddSingleton(new ComponentAdapter("identity:signing-key", signingKey.Source));
        services.AddSingleton<Passwords>();
        services.AddSingleton<SessionTokens>();
        // Validators hold no per-request state; building one compiles its rules, so build each once.
        services.AddValidatorsFromAssembly(typeof(IdentityModule).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);

        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, "JWT bearer token or seller API key", policy =>
                policy.ForwardDefaultSelector = context => context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)
                    ? MarketplaceClaims.ApiKeyScheme
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = tokenOptions.Issuer,
                    ValidAudience = tokenOptions.Audience,
                    IssuerSigningKey = signingKey.Key,
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                    ClockSkew = tokenOptions.ClockSkew,
                    NameClaimType = MarketplaceClaims.Subject,
                    RoleClaimType = MarketplaceClaims.Role,
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(MarketplaceClaims.ApiKeyScheme, _ => { });

        services.AddAuthorizationBuilder()
            .AddPolicy(MarketplaceClaims.Policies.Customer, policy => policy.RequireAuthenticatedUser().RequireAssertion(context => context.User.IsPerson()))
            .AddPolicy(MarketplaceClaims.Policies.Seller, policy => policy.RequireAuthenticatedUser().RequireClaim(MarketplaceClaims.Seller))
            .AddPolicy(MarketplaceClaims.Policies.Admin, policy => policy.RequireClaim(MarketplaceClaims.Role, MarketplaceClaims.Roles.Admin))
            .AddPolicy(MarketplaceClaims.Policies.Marketing, policy =>
                policy.RequireClaim(MarketplaceClaims.Role, MarketplaceClaims.Roles.Marketing, MarketplaceClaims.Roles.Admin));

        // After AddModuleDatabase, so that they run once the platform has prepared the schema.
        services.AddHostedService<BootstrapAdmin>();
        services.AddHostedService<DemoAccounts>();
        return builder;
    }

    /// <summary>Maps the Identity endpoints under <c>/api/v1</c>.</summary>
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");

        var auth = api.MapGroup("/auth").WithTags("Authentication");
        auth.MapPost("/token", IssueToken.Handle)
            .WithName("IssueToken")
            .WithSummary("Sign in with email and password; returns an access token and a refresh token")
            .Validate<IssueTokenRequest>()
            .RequireRateLimiting(RateLimitPolicies.Credentials);
        auth.MapPost("/refresh", RefreshTokens.Handle)
            .WithName("RefreshToken")
            .WithSummary("Exchange a refresh token for a new pair; a reused refresh token ends the whole session")
            .Validate<RefreshTokenRequest>()
            .RequireRateLimiting(RateLimitPolicies.Credentials);
        auth.MapPost("/logout", Logout.Handle)
            .WithName("Logout")
            .WithSummary("End the sign-in session of a refresh token")
            .Validate<LogoutRequest>();

        api.MapPost("/customers", RegisterCustomer.Handle)
            .WithName("RegisterCustomer")
            .WithSummary("Register a customer account with email and password")
            .WithTags("Customers")
            .Validate<RegisterCustomerRequest>()
            .RequireRateLimiting(RateLimitPolicies.Credentials);
        api.MapGet("/me", GetMe.Handle)
            .WithName("GetMe")
            .WithSummary("The signed-in account: id, email, roles and seller memberships")
            .WithTags("Customers")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);

        var sellers = api.MapGroup("/sellers").WithTags("Sellers");
        sellers.MapPost("/", CreateSeller.Handle)
            .WithName("CreateSeller")
            .WithSummary("Register a seller organisation; the caller becomes its owner")
            .Validate<CreateSellerRequest>()
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);
        sellers.MapGet("/{sellerId:guid}", GetSellerProfile.Handle)
            .WithName("GetSeller")
            .WithSummary("A seller's public profile")
            .AllowAnonymous();
        sellers.MapPost("/{sellerId:guid}/members", AddSellerMember.Handle)
            .WithName("AddSellerMember")
            .WithSummary("Add an existing account to the seller (owner only); it acts for the seller from its next token")
            .Validate<AddSellerMemberRequest>()
            .RequireAuthorization(MarketplaceClaims.Policies.Seller);

        var keys = sellers.MapGroup("/{sellerId:guid}/api-keys").WithTags("Seller API keys");
        keys.MapPost("/", CreateApiKey.Handle)
            .WithName("CreateApiKey")
            .WithSummary("Create an API key for the seller; the key is returned only in this answer")
            .Validate<CreateApiKeyRequest>()
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);
        keys.MapGet("/", ListApiKeys.Handle)
            .WithName("ListApiKeys")
            .WithSummary("The seller's API keys, without their secrets")
            .RequireAuthorization();
        keys.MapDelete("/{keyId:guid}", RevokeApiKey.Handle)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke one of the seller's API keys")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);

        api.MapPut("/admin/users/{userId:guid}/roles", SetStaffRoles.Handle)
            .WithName("SetStaffRoles")
            .WithSummary("Replace an account's staff roles (admin, marketing)")
            .WithTags("Administration")
            .Validate<SetStaffRolesRequest>()
            .RequireAuthorization(MarketplaceClaims.Policies.Admin);
        return app;
    }
}
