using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Platform.Http;

/// <summary>Runs the FluentValidation validator of an endpoint's <typeparamref name="T"/> argument before the handler.</summary>
internal sealed class ValidationFilter<T> : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var validator = context.HttpContext.RequestServices.GetService<IValidator<T>>()
            ?? throw new InvalidOperationException($"No validator is registered for {typeof(T).Name}.");
        foreach (var argument in context.Arguments)
        {
            if (argument is T value)
            {
                var result = await validator.ValidateAsync(value, context.HttpContext.RequestAborted);
                if (!result.IsValid)
                {
                    return TypedResults.ValidationProblem(result.ToDictionary());
                }
            }
        }

        return await next(context);
    }
}

public static class ValidationFilterExtensions
{
    /// <summary>Answers a 400 problem+json naming each invalid field when <typeparamref name="T"/> fails validation.</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();

    /// <summary>Converts one field error into the dictionary shape of <c>ValidationProblem</c>.</summary>
    public static IDictionary<string, string[]> FieldError(string field, string message) =>
        new Dictionary<string, string[]> { [field] = [message] };
}
