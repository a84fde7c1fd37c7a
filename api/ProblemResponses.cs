using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Marketplace.Api;

/// <summary>
/// Documents the 4xx answers any operation can give by what its metadata says about it: 400 where it takes a body or a
/// parameter that can fail to bind, 404 where its path names something, and 429 everywhere (the global rate limit counts
/// every request). An answer the endpoint already declares keeps its own wording.
/// </summary>
internal sealed class ProblemResponsesFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var parameters = operation.Parameters ?? [];
        var binds = operation.RequestBody is not null
            || parameters.Any(p => p.In is ParameterLocation.Query or ParameterLocation.Header && (p.Required || p.Schema?.Type is not JsonSchemaType.String));
        if (binds && !Declares(operation, StatusCodes.Status400BadRequest))
        {
            ProblemResponses.Add(operation, context, StatusCodes.Status400BadRequest,
                "The request is malformed or fails validation; the problem's errors name each invalid field.", typeof(HttpValidationProblemDetails));
        }

        if (parameters.Any(p => p.In == ParameterLocation.Path))
        {
            ProblemResponses.Add(operation, context, StatusCodes.Status404NotFound,
                "Nothing answers to this path for this caller: an id in it is unknown, malformed, or names what the caller may not see.");
        }

        var tooMany = ProblemResponses.Add(operation, context, StatusCodes.Status429TooManyRequests,
            "Too many requests from this client network (the global limit, or the operation's own); retry after the delay in Retry-After.");
        if (tooMany is not null)
        {
            tooMany.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            };
        }

        ProblemResponses.Sort(operation);
    }

    private static bool Declares(OpenApiOperation operation, int status) =>
        operation.Responses?.ContainsKey(status.ToString(CultureInfo.InvariantCulture)) == true;
}

/// <summary>Problem+json answers added to operations by the document's filters.</summary>
internal static class ProblemResponses
{
    /// <summary>Adds the answer unless the operation declares one for <paramref name="status"/>; returns what it added.</summary>
    public static OpenApiResponse? Add(OpenApiOperation operation, OperationFilterContext context, int status, string description, Type? problem = null)
    {
        operation.Responses ??= [];
        var key = status.ToString(CultureInfo.InvariantCulture);
        if (operation.Responses.ContainsKey(key))
        {
            return null;
        }

        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = context.SchemaGenerator.GenerateSchema(problem ?? typeof(ProblemDetails), context.SchemaRepository) },
            },
        };
        operation.Responses[key] = response;
        return response;
    }

    /// <summary>Answers in status order, so that the document reads the same whichever filter added which.</summary>
    public static void Sort(OpenApiOperation operation)
    {
        if (operation.Responses is not { Count: > 1 } responses)
        {
            return;
        }

        var sorted = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        responses.Clear();
        foreach (var (key, response) in sorted)
        {
            responses[key] = response;
        }
    }
}
